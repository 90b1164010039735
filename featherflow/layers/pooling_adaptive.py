"""Adaptive pooling layers (Keras 3.15): AdaptiveAveragePooling1D/2D/3D and
AdaptiveMaxPooling1D/2D/3D.

Each pools its input to a fixed ``output_size`` whatever the input's spatial size, through
``keras.ops.adaptive_average_pool`` / ``adaptive_max_pool`` (featherflow/keras/ops/
adaptive_pool.py: the windows ``[floor(i * L / O), ceil((i + 1) * L / O))`` of Keras and
PyTorch). Arguments, errors and configs are Keras's; the layers have no weights.
"""

from featherflow.backend import image_data_format as _image_data_format
from featherflow.keras.ops import adaptive_pool
from featherflow.layers.layer import Layer

_NAMES = {1: "(length,)", 2: "(height, width)", 3: "(depth, height, width)"}


class _AdaptivePooling(Layer):
    _rank = 2
    _mode = "avg"

    def __init__(self, output_size, data_format=None, **kwargs):
        rank = self._rank
        if isinstance(output_size, int) and not isinstance(output_size, bool):
            output_size = (output_size,) * rank
        elif isinstance(output_size, (tuple, list)) and (rank == 1 or len(output_size) == rank):
            if len(output_size) != rank:
                raise ValueError(f"For 1D input, `output_size` tuple must have length 1. "
                                 f"Received: {output_size}")
            output_size = tuple(output_size)
        else:
            raise TypeError(
                f"`output_size` must be an integer or {_NAMES[rank]} tuple. Received: "
                f"{output_size} of type {type(output_size)}")
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format or _image_data_format()
        if self.data_format not in ("channels_first", "channels_last"):
            raise ValueError(f"Invalid data_format: {self.data_format}. Expected "
                             "'channels_first' or 'channels_last'.")
        self._where = f"{type(self).__name__} '{self.name}'"

    def _check(self, shape):
        shape = tuple(shape)
        if len(shape) != self._rank + 2:
            layout = ("(batch, channels, *spatial)" if self.data_format == "channels_first"
                      else "(batch, *spatial, channels)")
            raise ValueError(f"{self._where}: expected inputs of rank {self._rank + 2} "
                             f"{layout}, received input shape {shape}.")
        return shape

    def call(self, inputs):
        self._check(inputs.shape)
        return adaptive_pool.adaptive_pool(self._mode, inputs, self.output_size,
                                           self.data_format, where=self._where)

    def compute_output_shape(self, input_shape):
        shape = self._check(input_shape)
        if self.data_format == "channels_last":
            return (shape[0], *self.output_size, shape[-1])
        return (shape[0], shape[1], *self.output_size)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"output_size": self.output_size, "data_format": self.data_format})
        return cfg


class AdaptiveAveragePooling1D(_AdaptivePooling):
    """Mean over adaptive windows: ``(batch, steps, channels)`` to ``output_size`` steps.

    Example::

        >>> tf.keras.layers.AdaptiveAveragePooling1D(4)(np.zeros((2, 10, 3))).shape
        TensorShape([2, 4, 3])
    """

    _rank = 1


class AdaptiveAveragePooling2D(_AdaptivePooling):
    """Mean over adaptive windows of an image, to ``output_size`` (height, width).

    Example::

        >>> tf.keras.layers.AdaptiveAveragePooling2D(7)(np.zeros((1, 64, 48, 3))).shape
        TensorShape([1, 7, 7, 3])
    """


class AdaptiveAveragePooling3D(_AdaptivePooling):
    """Mean over adaptive windows of a volume, to ``output_size`` (depth, height, width).

    Example::

        >>> tf.keras.layers.AdaptiveAveragePooling3D((2, 3, 4))(np.zeros((1, 5, 6, 7, 2))).shape
        TensorShape([1, 2, 3, 4, 2])
    """

    _rank = 3


class AdaptiveMaxPooling1D(_AdaptivePooling):
    """Max over adaptive windows: ``(batch, steps, channels)`` to ``output_size`` steps.

    Example::

        >>> tf.keras.layers.AdaptiveMaxPooling1D(4)(np.zeros((2, 10, 3))).shape
        TensorShape([2, 4, 3])
    """

    _rank = 1
    _mode = "max"


class AdaptiveMaxPooling2D(_AdaptivePooling):
    """Max over adaptive windows of an image, to ``output_size`` (height, width).

    Example::

        >>> tf.keras.layers.AdaptiveMaxPooling2D((2, 3))(np.zeros((1, 9, 9, 3))).shape
        TensorShape([1, 2, 3, 3])
    """

    _mode = "max"


class AdaptiveMaxPooling3D(_AdaptivePooling):
    """Max over adaptive windows of a volume, to ``output_size`` (depth, height, width).

    Example::

        >>> tf.keras.layers.AdaptiveMaxPooling3D(2)(np.zeros((1, 4, 4, 4, 1))).shape
        TensorShape([1, 2, 2, 2, 1])
    """

    _rank = 3
    _mode = "max"
