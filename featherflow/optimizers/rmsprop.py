"""RMSprop: gradients scaled by a running root mean square."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g^2``; ``w -= lr * g / sqrt(v + epsilon)``.

    ``centered=True`` subtracts the squared running mean gradient from ``v``; ``momentum``
    accumulates the increments.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = RMSprop(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> bool(w.numpy()[0] < 1.0)
        True
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")
        self._vel = [v.data for v in self._velocities]
        self._mom = [v.data for v in self._momentums]
        self._avg = [v.data for v in self._average_gradients]

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        rho = self.rho
        v = self._vel[i]
        v *= rho
        v += (1.0 - rho) * (gradient * gradient)
        if self.centered:
            a = self._avg[i]
            a *= rho
            a += (1.0 - rho) * gradient
            denom = v - a * a + self.epsilon
        else:
            denom = v + self.epsilon
        increment = (learning_rate * gradient) / np.sqrt(denom)
        if self.momentum > 0:
            mom = self._mom[i]
            mom *= self.momentum
            mom += increment
            variable.data -= mom
        else:
            variable.data -= increment

    def get_config(self):
        cfg = super().get_config()
        cfg.update(rho=self.rho, momentum=self.momentum, epsilon=self.epsilon,
                   centered=self.centered)
        return cfg
