"""Noise layers active only in training: SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout.

Each multiplies or shifts its input by a random array drawn as Keras 3 draws it: the layer owns
a ``keras.random.SeedGenerator`` (made with the layer when its rate or stddev is positive; an
unseeded one takes its seed from Python's ``random``) and each training call draws TF's
stateless kernels with the next seed, so after ``keras.utils.set_random_seed`` the noise
equals Keras's. The gradient is the ordinary product/sum rule.
"""

import math

from featherflow.layers.conv import _data_format
from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops


class _Noise(Layer):
    """Shared seed handling: the layer's SeedGenerator, made by ``_make_generator``."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.supports_masking = True
        self._seed_generator = None

    def _make_generator(self, amount):
        if amount > 0:
            from featherflow.keras import random as keras_random

            self._seed_generator = keras_random.SeedGenerator(self.seed)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _check_rate(rate, where):
    if not 0 <= rate < 1:
        raise ValueError(f"{where}: rate must be in [0, 1), received {rate!r}.")
    return float(rate)


class _SpatialDropout(_Noise):
    _rank = 2

    def __init__(self, rate, seed=None, data_format=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        where = f"{type(self).__name__} '{self.name}'"
        self.rate = _check_rate(rate, where)
        self.data_format = _data_format(data_format, where)
        self._make_generator(self.rate)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        x = inputs.data
        if x.ndim != self._rank + 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': expected inputs of rank "
                f"{self._rank + 2}, received shape {x.shape}."
            )
        # one draw per (sample, channel): whole feature maps are dropped together
        shape = [x.shape[0]] + [1] * (x.ndim - 1)
        shape[1 if self.data_format == "channels_first" else -1] = x.shape[
            1 if self.data_format == "channels_first" else -1]
        from featherflow.keras import random as keras_random

        return keras_random.dropout(inputs, self.rate, noise_shape=tuple(shape),
                                    seed=self._seed_generator)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed})
        if self._rank == 2:
            cfg["data_format"] = self.data_format
        return cfg


class SpatialDropout1D(_SpatialDropout):
    """Dropout of whole channels of ``(batch, steps, channels)`` inputs, in training only.

    Example::

        >>> layer = tf.keras.layers.SpatialDropout1D(0.5, seed=1)
        >>> y = layer(np.ones((2, 4, 3)), training=True)
        >>> bool(np.all((y.numpy() == 0) | (y.numpy() == 2)))
        True
    """

    _rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """Dropout of whole feature maps of ``(batch, h, w, channels)`` inputs, in training only.

    Example::

        >>> layer = tf.keras.layers.SpatialDropout2D(0.2, seed=0)
        >>> layer(np.ones((2, 4, 4, 3))).shape  # inference: unchanged
        TensorShape([2, 4, 4, 3])
    """



class SpatialDropout3D(_SpatialDropout):
    """Dropout of whole feature volumes of 5-D inputs, in training only (Keras 3's arguments).

    One keep/drop draw per (sample, channel); kept channels are scaled by ``1 / (1 - rate)``.

    Example::

        >>> layer = tf.keras.layers.SpatialDropout3D(0.5, seed=1)
        >>> y = layer(np.ones((2, 3, 3, 3, 4)), training=True).numpy()
        >>> bool(np.all((y == 0) | (y == 2)))
        True
    """

    _rank = 3

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, data_format=data_format, **kwargs)

    def call(self, inputs, training=None):
        shape = tuple(inputs.shape)
        if len(shape) != 5:
            layout = "(batch, channels, depth, height, width)" if \
                self.data_format == "channels_first" else \
                "(batch, depth, height, width, channels)"
            raise ValueError(
                f"SpatialDropout3D '{self.name}': expected 5-D inputs {layout}, received "
                f"input shape {shape}."
            )
        return super().call(inputs, training=training)

    def get_config(self):
        # Keras 3's spatial dropouts save exactly these keys (no "trainable")
        return {"rate": self.rate, "seed": self.seed, "name": self.name,
                "dtype": super().get_config()["dtype"], "data_format": self.data_format}

class GaussianNoise(_Noise):
    """Adds zero-mean Gaussian noise of standard deviation ``stddev`` in training.

    Example::

        >>> layer = tf.keras.layers.GaussianNoise(0.1, seed=0)
        >>> layer(np.zeros((2, 3)), training=True).numpy().std() > 0
        True
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if stddev < 0:
            raise ValueError(
                f"GaussianNoise '{self.name}': stddev must be >= 0, received {stddev!r}."
            )
        self.stddev = float(stddev)
        self._make_generator(self.stddev)

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        from featherflow.keras import random as keras_random

        x = inputs.data
        noise = keras_random.normal(x.shape, 0.0, self.stddev, dtype=x.dtype,
                                    seed=self._seed_generator)
        return math_ops.add(inputs, noise.data)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"stddev": self.stddev, "seed": self.seed})
        return cfg


class GaussianDropout(_Noise):
    """Multiplies by Gaussian noise of mean 1 and std ``sqrt(rate / (1 - rate))`` in training.

    Example::

        >>> layer = tf.keras.layers.GaussianDropout(0.2, seed=0)
        >>> layer(np.ones((2, 3))).numpy()  # inference: unchanged
        array([[1., 1., 1.],
               [1., 1., 1.]], dtype=float32)
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = _check_rate(rate, f"GaussianDropout '{self.name}'")
        self._make_generator(self.rate)

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        from featherflow.keras import random as keras_random

        x = inputs.data
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = keras_random.normal(x.shape, 1.0, stddev, dtype=x.dtype,
                                    seed=self._seed_generator)
        return math_ops.multiply(inputs, noise.data)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"rate": self.rate, "seed": self.seed})
        return cfg

