"""3-D pooling layers: MaxPooling3D, AveragePooling3D and their global forms (with aliases).

Keras 3's arguments and defaults (``pool_size=(2, 2, 2)``, strides default to the pool size).
Local pooling runs ops/pooling3d.py's primitives, whose gradients follow TensorFlow's CPU
kernels (see that module: 3-D max pooling sends the gradient to every pixel within 1e-5 of a
window's maximum).
"""

from featherflow.layers.pooling import _GlobalPooling, _Pooling
from featherflow.ops import pooling as pooling_ops
from featherflow.ops import pooling3d as pooling3d_ops


def _check_rank(layer, shape):
    shape = tuple(shape)
    if len(shape) != 5:
        layout = "(batch, channels, depth, height, width)" if \
            layer.data_format == "channels_first" else "(batch, depth, height, width, channels)"
        raise ValueError(
            f"{layer._where}: expected 5-D inputs {layout}, received input shape {shape}."
        )


class _Pooling3D(_Pooling):
    _rank = 3

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)

    def call(self, inputs):
        _check_rank(self, inputs.shape)
        fn = pooling3d_ops.max_pool3d_keras if self._mode == "max" else \
            pooling3d_ops.average_pool3d_keras
        return fn(inputs, self.pool_size, self.strides, self.padding, self.data_format,
                  where=self._where)

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape)
        return super().compute_output_shape(input_shape)


class MaxPooling3D(_Pooling3D):
    """Max over ``pool_size`` windows of a volume (2x2x2, stride 2 by default).

    Example::

        >>> tf.keras.layers.MaxPooling3D()(np.zeros((1, 8, 8, 8, 3))).shape
        TensorShape([1, 4, 4, 4, 3])
    """


class AveragePooling3D(_Pooling3D):
    """Mean over ``pool_size`` windows; with ``padding="same"`` padding is not counted.

    Example::

        >>> tf.keras.layers.AveragePooling3D(3, strides=2, padding="same")(
        ...     np.ones((1, 5, 5, 5, 2))).shape
        TensorShape([1, 3, 3, 3, 2])
    """

    _mode = "avg"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, **kwargs):
        # Keras 3 gives AveragePooling3D no default pool_size (MaxPooling3D has (2, 2, 2))
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class _GlobalPooling3D(_GlobalPooling):
    _rank = 3

    def call(self, inputs):
        _check_rank(self, inputs.shape)
        fn = pooling_ops.global_max_pool if self._mode == "max" else \
            pooling_ops.global_average_pool
        return fn(inputs, self.data_format, self.keepdims)

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape)
        return super().compute_output_shape(input_shape)


class GlobalMaxPooling3D(_GlobalPooling3D):
    """Maximum over depth, height and width: ``(batch, d, h, w, c)`` to ``(batch, c)``.

    Example::

        >>> tf.keras.layers.GlobalMaxPooling3D(keepdims=True)(np.zeros((2, 4, 4, 4, 3))).shape
        TensorShape([2, 1, 1, 1, 3])
    """


class GlobalAveragePooling3D(_GlobalPooling3D):
    """Mean over depth, height and width: ``(batch, d, h, w, c)`` to ``(batch, c)``.

    Example::

        >>> tf.keras.layers.GlobalAveragePooling3D()(np.ones((2, 4, 4, 4, 3))).shape
        TensorShape([2, 3])
    """

    _mode = "avg"


MaxPool3D = MaxPooling3D
AvgPool3D = AveragePooling3D
GlobalMaxPool3D = GlobalMaxPooling3D
GlobalAvgPool3D = GlobalAveragePooling3D
