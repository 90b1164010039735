"""Adadelta: step sizes from running averages of squared gradients and updates."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012), with Keras's ``learning_rate`` scaling of the update.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Adadelta(learning_rate=1.0).apply_gradients([(np.array([2.0]), w)])
        >>> bool(w.numpy()[0] < 1.0)
        True
    """

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, weight_decay=None,
                 clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])
        self._ag = [v.data for v in self._accumulated_grads]
        self._ad = [v.data for v in self._accumulated_delta_vars]

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        ag, ad = self._ag[i], self._ad[i]
        rho, eps = self.rho, self.epsilon
        ag *= rho
        ag += (1.0 - rho) * (gradient * gradient)
        delta = -(np.sqrt(ad + eps) * gradient) / np.sqrt(ag + eps)
        ad *= rho
        ad += (1.0 - rho) * (delta * delta)
        variable.data += learning_rate * delta

    def get_config(self):
        cfg = super().get_config()
        cfg.update(rho=self.rho, epsilon=self.epsilon)
        return cfg
