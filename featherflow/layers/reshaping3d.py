"""3-D spatial reshaping layers: ZeroPadding3D, Cropping3D, UpSampling3D.

Keras 3's arguments and defaults: padding and cropping are an int, three ints (symmetric per
axis) or three ``(before, after)`` pairs; ``UpSampling3D`` repeats voxels (nearest only, as in
Keras).
"""

from featherflow.layers.conv import _data_format
from featherflow.layers.layer import Layer
from featherflow.layers.reshaping import _Cropping, _spatial_axes, _ZeroPadding
from featherflow.ops import conv_geometry as conv_geometry_ops
from featherflow.ops import pooling as pooling_ops


class _Rank3:
    """The 5-D input check the 3-D reshaping layers share (errors name the layer)."""

    _rank = 3

    def _check_rank(self, shape):
        shape = tuple(shape)
        if len(shape) != 5:
            layout = "(batch, channels, depth, height, width)" if \
                self.data_format == "channels_first" else \
                "(batch, depth, height, width, channels)"
            raise ValueError(
                f"{self._where}: expected 5-D inputs {layout}, received input shape {shape}."
            )

    def call(self, inputs):
        self._check_rank(inputs.shape)
        return super().call(inputs)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return super().compute_output_shape(input_shape)


class ZeroPadding3D(_Rank3, _ZeroPadding):
    """Pads depth, height and width with zeros.

    Example::

        >>> tf.keras.layers.ZeroPadding3D(((1, 0), 2, (0, 1)))(np.ones((1, 3, 3, 3, 2))).shape
        TensorShape([1, 4, 7, 4, 2])
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class Cropping3D(_Rank3, _Cropping):
    """Removes voxels at the borders of depth, height and width.

    Example::

        >>> tf.keras.layers.Cropping3D(((1, 0), (1, 2), 0))(np.ones((1, 4, 5, 3, 2))).shape
        TensorShape([1, 3, 2, 3, 2])
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class UpSampling3D(_Rank3, Layer):
    """Repeats each voxel ``size[i]`` times along depth, height and width.

    Example::

        >>> tf.keras.layers.UpSampling3D((2, 1, 3))(np.ones((1, 2, 2, 2, 1))).shape
        TensorShape([1, 4, 2, 6, 1])
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self._where = f"UpSampling3D '{self.name}'"
        self.size = conv_geometry_ops.normalize_tuple(size, 3, "size", self._where)
        self.data_format = _data_format(data_format, self._where)

    def call(self, inputs):
        self._check_rank(inputs.shape)
        return pooling_ops.upsample(inputs, self.size, self.data_format)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        shape = list(input_shape)
        for ax, f in zip(_spatial_axes(3, self.data_format), self.size):
            if shape[ax] is not None:
                shape[ax] *= f
        return tuple(shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"size": self.size, "data_format": self.data_format})
        return cfg
