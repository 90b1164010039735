"""Adagrad: per-parameter rates shrinking with the accumulated squared gradients."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Adagrad(Optimizer):
    """Adagrad: ``acc += g^2``; ``w -= lr * g / sqrt(acc + epsilon)``.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Adagrad(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> bool(w.numpy()[0] < 1.0)
        True
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
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
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = self.add_optimizer_variables(
            var_list, "accumulator", initializer=keras_float(self.initial_accumulator_value))
        self._acc = [v.data for v in self._accumulators]

    def update_step(self, gradient, variable, learning_rate):
        acc = self._acc[self._index[id(variable)]]
        acc += gradient * gradient
        variable.data -= (learning_rate * gradient) / np.sqrt(acc + self.epsilon)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(initial_accumulator_value=self.initial_accumulator_value,
                   epsilon=self.epsilon)
        return cfg
