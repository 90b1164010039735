"""Lamb: Adam with a per-layer trust ratio, for large-batch training (You et al., 2019)."""

import math

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Lamb(Optimizer):
    """Lamb: the bias-corrected Adam direction ``u`` scaled by ``||w|| / ||u||`` per variable.

    Example::

        >>> w = tf.Variable([3.0, 4.0])
        >>> _ = Lamb(learning_rate=0.1).apply_gradients([(np.array([1.0, 1.0]), w)])
        >>> w.numpy().round(4)
        array([2.6464, 3.6464], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None,
                 loss_scale_factor=None, gradient_accumulation_steps=None, name=None,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        self._m = [v.data for v in self._momentums]
        self._v = [v.data for v in self._velocities]

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        m, v = self._m[i], self._v[i]
        t = self._t
        m += (gradient - m) * (1.0 - self.beta_1)
        v += (gradient * gradient - v) * (1.0 - self.beta_2)
        m_hat = m / (1.0 - keras_float(self.beta_1) ** t)
        v_sqrt = np.sqrt(v / (1.0 - keras_float(self.beta_2) ** t)) + self.epsilon
        update = m_hat / v_sqrt
        w = variable.data
        w_norm = math.sqrt(float(np.vdot(w, w)))
        u_norm = math.sqrt(float(np.vdot(update, update)))
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
        w -= (ratio * learning_rate) * update

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return cfg
