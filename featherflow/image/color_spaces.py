"""``tf.image`` YIQ and YUV conversions: one 3x3 matrix applied to the last axis.

The matrices are TF's (``image_ops_impl``'s kernels), applied as a ``tensordot`` over the
channel axis in the images' float dtype, so the conversions are differentiable.

Example::

    >>> import featherflow as tf
    >>> tf.image.rgb_to_yuv([[[1.0, 0.0, 0.0]]]).numpy()
    array([[[ 0.299     , -0.14714119,  0.61497538]]], dtype=float32)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops import linalg

_RGB_TO_YIQ = [[0.299, 0.59590059, 0.2115], [0.587, -0.27455667, -0.52273617],
               [0.114, -0.32134392, 0.31119955]]
_YIQ_TO_RGB = [[1, 1, 1], [0.95598634, -0.27201283, -1.10674021],
               [0.6208248, -0.64720424, 1.70423049]]
_RGB_TO_YUV = [[0.299, -0.14714119, 0.61497538], [0.587, -0.28886916, -0.51496512],
               [0.114, 0.43601035, -0.10001026]]
_YUV_TO_RGB = [[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]]


def _convert(images, kernel, op):
    x = images if isinstance(images, Tensor) else Tensor(as_array(images))
    if x.data.dtype.kind != "f":
        raise TypeError(f"{op}: images must be float16, float32 or float64 (the conversion "
                        f"matrix cannot be {x.data.dtype.name}); received {x.data.dtype.name}; "
                        "convert them with tf.image.convert_image_dtype first.")
    if x.data.ndim < 1 or x.data.shape[-1] != 3:
        raise ValueError(f"{op}: the last dimension of images must be 3; received shape "
                         f"{list(x.data.shape)}.")
    matrix = np.asarray(kernel, x.data.dtype)
    return linalg.tensordot(x, matrix, axes=[[x.data.ndim - 1], [0]])


def rgb_to_yiq(images):
    """RGB to YIQ (Y in [0, 1], I in [-0.5957, 0.5957], Q in [-0.5226, 0.5226])."""
    return _convert(images, _RGB_TO_YIQ, "tf.image.rgb_to_yiq")


def yiq_to_rgb(images):
    """YIQ back to RGB."""
    return _convert(images, _YIQ_TO_RGB, "tf.image.yiq_to_rgb")


def rgb_to_yuv(images):
    """RGB to YUV (Y in [0, 1], U and V in [-0.5, 0.5] for RGB in [0, 1])."""
    return _convert(images, _RGB_TO_YUV, "tf.image.rgb_to_yuv")


def yuv_to_rgb(images):
    """YUV back to RGB."""
    return _convert(images, _YUV_TO_RGB, "tf.image.yuv_to_rgb")


__all__ = ["rgb_to_yiq", "rgb_to_yuv", "yiq_to_rgb", "yuv_to_rgb"]
