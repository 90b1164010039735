"""Adafactor: Adam-like steps with the second moment of a matrix kept as a row and a column
factor (Shazeer & Stern, 2018), in Keras 3.15.1's form.

The last two axes of a variable of rank >= 2 are factored (``r`` over rows, ``c`` over
columns); a variable of rank < 2 keeps a full second moment ``v`` and, as in Keras, two
scalar placeholder slots so the state list has three entries per variable.
"""

import numpy as np

from featherflow.optimizers.optimizer import Optimizer, keras_float


def _rms(x):
    return np.sqrt(np.mean(np.square(x)))


class Adafactor(Optimizer):
    """Adafactor: a memory-light adaptive optimizer for large matrices.

    The step size is ``max(epsilon_2, rms(w)) * min(lr, 1 / sqrt(t))`` (and with
    ``relative_step=True`` the rate itself is capped at ``1 / sqrt(t)``); updates whose RMS
    exceeds ``clip_threshold`` are scaled down; the second-moment decay is
    ``1 - t ** beta_2_decay``.

    Example::

        >>> w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        >>> _ = Adafactor(learning_rate=0.1).apply_gradients([(np.ones((2, 2)), w)])
        >>> w.numpy().round(4)
        array([[0.7261, 1.7261],
               [2.7261, 3.7261]], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay,
                         clipnorm=clipnorm, clipvalue=clipvalue,
                         global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum,
                         ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if clip_threshold is None or clip_threshold <= 0:
            raise ValueError(
                f"Adafactor: `clip_threshold` must be > 0, received clip_threshold="
                f"{clip_threshold!r}."
            )
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._r, self._c, self._v = [], [], []
        for var in var_list:
            shape = var.data.shape
            short_name = str(var.name).split("/")[-1].split(":")[0]
            if len(shape) < 2:
                # placeholders: Keras creates (and saves) them for unfactored variables too
                self._r.append(self.add_variable((), dtype=var.data.dtype, name=short_name))
                self._c.append(self.add_variable((), dtype=var.data.dtype, name=short_name))
            else:
                self._r.append(self.add_variable(shape[:-1], dtype=var.data.dtype,
                                                 name=short_name))
                self._c.append(self.add_variable(shape[:-2] + shape[-1:], dtype=var.data.dtype,
                                                 name=short_name))
            self._v.append(self.add_variable_from_reference(var, name="velocity"))

    def update_step(self, gradient, variable, learning_rate):
        w = variable.data
        dt = w.dtype.type
        i = self._index[id(variable)]
        step = dt(self._t)
        lr = dt(learning_rate)
        if self._lr_data is not None and self.relative_step:
            lr = min(lr, 1 / np.sqrt(step))
        rho = min(lr, 1 / np.sqrt(step))
        alpha = max(dt(keras_float(self.epsilon_2)), _rms(w)) * rho
        squared = np.square(gradient) + dt(self.epsilon_1)
        beta = 1 - np.power(step, dt(self.beta_2_decay))
        v = self._v[i].data
        if w.ndim >= 2:
            r, c = self._r[i].data, self._c[i].data
            r[...] = beta * r + (1 - beta) * np.mean(squared, axis=-1)
            c[...] = beta * c + (1 - beta) * np.mean(squared, axis=-2)
            v[...] = (r / np.mean(r, axis=-1, keepdims=True))[..., None] * c[..., None, :]
        else:
            v[...] = beta * v + (1 - beta) * squared
        update = gradient / np.sqrt(v)
        update = update / max(dt(1), _rms(update) / dt(self.clip_threshold))
        w -= alpha * update

    def get_config(self):
        cfg = super().get_config()
        cfg.update(beta_2_decay=self.beta_2_decay, epsilon_1=self.epsilon_1,
                   epsilon_2=self.epsilon_2, clip_threshold=self.clip_threshold,
                   relative_step=self.relative_step)
        return cfg
