"""FTRL-Proximal: follow-the-regularized-leader with L1/L2 regularization."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), as Keras implements it.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Ftrl(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> bool(w.numpy()[0] < 1.0)
        True
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, weight_decay=None, clipnorm=None, clipvalue=None,
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
        for arg, value in (
                ("initial_accumulator_value", initial_accumulator_value),
                ("l1_regularization_strength", l1_regularization_strength),
                ("l2_regularization_strength", l2_regularization_strength),
                ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"`{arg}` needs to be positive or zero, received {value}.")
        if learning_rate_power > 0.0:
            raise ValueError(
                f"`learning_rate_power` needs to be negative or zero, received "
                f"{learning_rate_power}."
            )
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = self.add_optimizer_variables(
            var_list, ["accumulator", "linear"],
            initializer=[keras_float(self.initial_accumulator_value), "zeros"])
        self._acc = [v.data for v in self._accumulators]
        self._lin = [v.data for v in self._linears]

    def update_step(self, gradient, variable, learning_rate):
        i = self._index[id(variable)]
        accum, linear = self._acc[i], self._lin[i]
        w = variable.data
        lr = learning_rate
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        grad_to_use = gradient + 2 * self.l2_shrinkage_regularization_strength * w
        new_accum = accum + gradient * gradient
        new_pow = np.power(new_accum, power)
        linear += grad_to_use - (new_pow - np.power(accum, power)) / lr * w
        quadratic = new_pow / lr + 2 * l2
        w[...] = (np.clip(linear, -l1, l1) - linear) / quadratic
        accum[...] = new_accum

    def get_config(self):
        cfg = super().get_config()
        cfg.update(learning_rate_power=self.learning_rate_power,
                   initial_accumulator_value=self.initial_accumulator_value,
                   l1_regularization_strength=self.l1_regularization_strength,
                   l2_regularization_strength=self.l2_regularization_strength,
                   l2_shrinkage_regularization_strength=self.l2_shrinkage_regularization_strength,
                   beta=self.beta)
        return cfg
