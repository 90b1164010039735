"""What the image preprocessing and augmentation layers share: ``data_format``, the rank check
(one image or a batch), Keras's ``factor`` rule and a ``seed`` with its SeedGenerator.

Images are worked on channels-last; a ``channels_first`` layer moves the channels axis in and
out around the work (``to_channels_last`` / ``from_channels_last``).
"""

from featherflow import backend
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.keras import random as keras_random
from featherflow.layers.layer import Layer
from featherflow.ops import reshape


def standardize_data_format(data_format, where):
    if data_format is None:
        return backend.image_data_format()
    value = str(data_format).lower()
    if value not in ("channels_first", "channels_last"):
        raise ValueError(f"{where}: `data_format` must be 'channels_first' or 'channels_last'; "
                         f"received {data_format!r}.")
    return value


class ImagePreprocessingLayer(Layer):
    """Base of the image layers: ``data_format`` in the config, rank-3/4 inputs."""

    # the bounds Keras allows for ``factor`` (a number or a pair)
    _FACTOR_BOUNDS = (-1, 1)

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format, type(self).__name__)

    def _where(self):
        return f"{type(self).__name__} layer {self.name!r}"

    def _parse_factor(self, factor, argument="factor"):
        """``(lower, upper)`` from a number ``f`` (``(-|f|, |f|)``, clipped to the bounds) or a
        pair (sorted), as Keras's ``_set_factor``."""
        low, high = self._FACTOR_BOUNDS
        message = (f"{self._where()}: the `{argument}` argument should be a number (or a list of "
                   f"two numbers) in the range [{low}, {high}]. Received: {argument}={factor!r}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or not all(isinstance(f, (int, float)) for f in factor):
                raise ValueError(message)
            if factor[0] > high or factor[1] < low:
                raise ValueError(message)
            lower, upper = sorted(factor)
            return lower, upper
        if isinstance(factor, bool) or not isinstance(factor, (int, float)):
            raise ValueError(message)
        if factor < low or factor > high:
            raise ValueError(message)
        factor = abs(factor)
        return max(-factor, low), factor

    def _images(self, inputs):
        """``(Tensor, batched)`` for a rank-3 image or rank-4 batch."""
        x = inputs if isinstance(inputs, Tensor) else Tensor(as_array(inputs))
        if x.data.ndim not in (3, 4):
            raise ValueError(f"{self._where()}: expected an image tensor of rank 3 (one image) or "
                             f"4 (a batch of images); received shape {tuple(x.data.shape)}.")
        return x, x.data.ndim == 4

    def _to_channels_last(self, x):
        if self.data_format == "channels_last":
            return x
        perm = (0, 2, 3, 1) if x.data.ndim == 4 else (1, 2, 0)
        return reshape.transpose(x, perm)

    def _from_channels_last(self, x):
        if self.data_format == "channels_last":
            return x
        perm = (0, 3, 1, 2) if x.data.ndim == 4 else (2, 0, 1)
        return reshape.transpose(x, perm)

    def _spatial_axes(self, rank):
        """(height axis, width axis) for inputs of ``rank``."""
        if self.data_format == "channels_last":
            return rank - 3, rank - 2
        return rank - 2, rank - 1

    def _with_size(self, input_shape, height, width):
        shape = list(input_shape)
        h_axis, w_axis = self._spatial_axes(len(shape))
        shape[h_axis], shape[w_axis] = height, width
        return tuple(shape)

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class SeededLayer(ImagePreprocessingLayer):
    """An image layer that draws through ``keras.random`` with its own SeedGenerator, as
    Keras 3 does: the same ``seed`` gives the same sequence of draws as Keras with the TF
    backend. The generator's state is not a weight (Keras does not save it either)."""

    def __init__(self, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        self._generator = keras_random.SeedGenerator(seed)

    @property
    def generator(self):
        return self._generator

    def _uniform(self, shape, minval=0.0, maxval=1.0, dtype=None):
        return keras_random.uniform(shape, minval, maxval, dtype=dtype,
                                    seed=self._generator).numpy()
