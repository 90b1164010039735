"""Lion: sign-based updates from an interpolated momentum (Chen et al., 2023)."""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class Lion(Optimizer):
    """Lion: ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)``; ``m = beta_2 * m + (1 -
    beta_2) * g``.

    Example::

        >>> w = tf.Variable([1.0])
        >>> _ = Lion(learning_rate=0.1).apply_gradients([(np.array([2.0]), w)])
        >>> w.numpy()
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                f"Argument `beta_1` must be in the (0, 1] range (otherwise Lion degenerates to "
                f"SignSGD); received beta_1={beta_1}."
            )

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._m = [v.data for v in self._momentums]

    def update_step(self, gradient, variable, learning_rate):
        m = self._m[self._index[id(variable)]]
        b1, b2 = keras_float(self.beta_1), keras_float(self.beta_2)
        variable.data -= learning_rate * np.sign(m * b1 + gradient * (1.0 - b1))
        m *= b2
        m += gradient * (1.0 - b2)

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2)
        return cfg
