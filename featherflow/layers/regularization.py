"""ActivityRegularization and AlphaDropout (Keras 3's regularization layers)."""

import numpy as np

from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops

# SELU's constants, as Keras writes them
_ALPHA = 1.6732632423543772848170429916717
_SCALE = 1.0507009873554804934193349852946


class ActivityRegularization(Layer):
    """Passes its input through and adds ``l1 * sum(|x|) + l2 * sum(x^2)`` to the losses.

    As every Keras 3 activity regularizer, the penalty is divided by the batch size (the
    output's first dimension) and collected in ``layer.losses`` / added to the loss by ``fit``.

    Example::

        >>> reg = tf.keras.layers.ActivityRegularization(l1=0.5)
        >>> _ = reg(np.array([[1.0, -2.0]]))
        >>> float(reg.losses[0])
        1.5
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        from featherflow import regularizers

        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = l1, l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("activity_regularizer", None)
        cfg.update({"l1": self.l1, "l2": self.l2})
        return cfg


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of SELU activations (Klambauer et al., 2017).

    In training, each entry is kept with probability ``1 - rate`` or set to SELU's negative
    saturation ``alpha' = -scale * alpha``, then ``a * x + b`` restores zero mean and unit
    variance for standardized inputs (Keras's ``a = ((1 - rate)(1 + rate alpha'^2))^-1/2``,
    ``b = -a alpha' rate``). ``noise_shape`` (None entries take the input's size) shares a
    draw along axes of size 1. Inference returns the input unchanged.

    Example::

        >>> drop = tf.keras.layers.AlphaDropout(0.2, seed=1)
        >>> drop(np.ones((2, 3)), training=False).numpy()
        array([[1., 1., 1.],
               [1., 1., 1.]], dtype=float32)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.floating,
                                                           np.integer)) or not 0 <= rate <= 1:
            raise ValueError(
                f"AlphaDropout '{self.name}': rate must be a float in [0, 1], received "
                f"{rate!r}."
            )
        self.rate = rate
        self.noise_shape = None if noise_shape is None else list(noise_shape)
        self.seed = seed
        # as Keras 3: a SeedGenerator made with the layer draws the kept entries
        self._seed_generator = None
        if rate > 0:
            from featherflow.keras import random as keras_random

            self._seed_generator = keras_random.SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def _noise_shape(self, shape):
        if self.noise_shape is None:
            return shape
        if len(self.noise_shape) != len(shape):
            raise ValueError(
                f"AlphaDropout '{self.name}': noise_shape {self.noise_shape} must have one "
                f"entry per input axis, received inputs of shape {shape}."
            )
        out = tuple(s if n is None else int(n) for n, s in zip(self.noise_shape, shape))
        np.broadcast_shapes(out, shape)
        return out

    def call(self, inputs, training=False):
        if not training or self.rate <= 0:
            return inputs
        x = inputs.data
        rate = float(self.rate)
        if rate >= 1:
            # Keras fails here too (0 ** -0.5): every entry dropped leaves no variance to keep
            raise ValueError(
                f"AlphaDropout '{self.name}': rate=1 drops every entry, so the output's scale "
                f"((1 - rate)(1 + rate alpha'^2))^-1/2 is infinite; use a rate below 1."
            )
        alpha_p = -_ALPHA * _SCALE
        from featherflow.keras import random as keras_random

        draws = keras_random.uniform(self._noise_shape(x.shape), seed=self._seed_generator).data
        kept = (draws >= rate).astype(x.dtype)
        a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * rate
        # a * (x * kept + alpha' * (1 - kept)) + b: x's gradient is a * kept
        shift = (a * alpha_p * (1 - kept) + b).astype(x.dtype)
        return math_ops.add(math_ops.multiply(inputs, (a * kept).astype(x.dtype)), shift)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return cfg
