"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024), in
Keras 3.15.1's form.

The model's variables hold the interpolated point ``y``; the ``momentum`` slot holds the
base sequence ``z`` (it starts as a copy of the variable) and ``velocity`` Adam's second
moment. The averaged point ``x`` is recovered from ``y`` and ``z`` at each step, so no
third slot is stored.

Two measured Keras 3.15.1 behaviours are kept: the recovery of ``x`` reads ``z`` after this
step's update (Keras's "old" momentum is the live variable on TensorFlow), and ``z`` starts
as a copy of the variables when the optimizer is built by ``apply_gradients`` or an eager
``fit`` but at zero when a compiled ``fit``/``train_on_batch`` builds it (docs/training.md).
"""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW: ``z -= lr * g / (sqrt(v / (1 - beta_2^t)) + eps)``, ``x`` the
    running mean of the ``z``s, and the weights ``y = (1 - beta_1) z + beta_1 x``.

    ``warmup_steps`` ramps the rate up linearly over the first steps.

    Example::

        >>> w = tf.Variable([1.0, 2.0])
        >>> _ = ScheduleFreeAdamW(learning_rate=0.1).apply_gradients([(np.ones(2), w)])
        >>> w.numpy().round(4)
        array([0.9, 1.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
                 warmup_steps=0, weight_decay=None, clipnorm=None, clipvalue=None,
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
        if not 0 < beta_1 < 1:
            raise ValueError(
                f"ScheduleFreeAdamW: `beta_1` must be in (0, 1) (the weights are recovered by "
                f"dividing by it), received beta_1={beta_1!r}."
            )
        if warmup_steps < 0:
            raise ValueError(
                f"ScheduleFreeAdamW: `warmup_steps` must be >= 0, received warmup_steps="
                f"{warmup_steps!r}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(
            var_list, ["momentum", "velocity"])
        # Keras 3.15.1 copies the variables into `momentum` here, but when the optimizer is
        # built by a compiled fit/train_on_batch (Keras's default) that copy does not
        # reach the slots and z starts at zero: measured, and followed so fits match.
        if not getattr(self, "_built_in_compiled_fit", False):
            for z, var in zip(self._momentums, var_list):
                z.data[...] = var.data

    def update_step(self, gradient, variable, learning_rate):
        y = variable.data
        dt = y.dtype.type
        i = self._index[id(variable)]
        step = dt(self._t)
        lr = dt(learning_rate)
        beta_1, beta_2 = dt(keras_float(self.beta_1)), dt(keras_float(self.beta_2))
        if self.warmup_steps > 0:
            lr = lr * min(step / dt(self.warmup_steps), dt(1))
        z = self._momentums[i].data
        v = self._velocities[i].data
        v += (np.square(gradient) - v) * (1 - beta_2)
        denom = np.sqrt(v / (1 - np.power(beta_2, step))) + dt(keras_float(self.epsilon))
        z -= lr * gradient / denom
        weight = 1.0 / step
        # Keras 3.15.1 reads "momentum_old" through the variable after the update above (its
        # `momentum.value` is the live variable on TensorFlow), so x is recovered with the new z
        x_old = (y - (1 - beta_1) * z) / beta_1
        x_new = (1 - weight) * x_old + weight * z
        y[...] = (1 - beta_1) * z + beta_1 * x_new

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_1=self.beta_1, beta_2=self.beta_2, epsilon=self.epsilon,
                   warmup_steps=self.warmup_steps)
        return cfg
