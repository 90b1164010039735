"""Adamax: Adam with the infinity norm in place of the second moment."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Adamax(Optimizer):
    """Adamax: ``u = max(beta_2 * u, |g|)``; ``w -= lr * m / ((1 - beta_1^t) * (u + eps))``.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Adamax(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> w.numpy().round(4)
        array([0.9], dtype=float32)
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
        self._ms, self._us = self.add_optimizer_variables(var_list, ["momentum", "norm"])
        self._m = [v.data for v in self._ms]
        self._u = [v.data for v in self._us]

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        m, u = self._m[i], self._u[i]
        m += (gradient - m) * (1.0 - self.beta_1)
        np.maximum(u * self.beta_2, np.abs(gradient), out=u)
        denom = (1.0 - keras_float(self.beta_1) ** self._t) * (u + self.epsilon)
        variable.data -= (learning_rate * m) / denom

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon)
        return cfg
