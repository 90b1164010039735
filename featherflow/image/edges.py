"""``tf.image.sobel_edges``: the vertical and horizontal Sobel responses of each channel.

TF pads the image by one pixel with REFLECT padding and runs a depthwise 3x3 convolution; here
the same sums of shifted slices of the padded image are built from featherflow's
differentiable ops, so the result has gradients (a composite op: pad, slices, sums).

Example::

    >>> import featherflow as tf
    >>> edges = tf.image.sobel_edges(tf.zeros([1, 4, 5, 3]))
    >>> edges.shape            # [batch, height, width, channels, (dy, dx)]
    TensorShape([1, 4, 5, 3, 2])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import concat, math, padding


def sobel_edges(image):
    """``[batch, height, width, channels, 2]``: ``[..., 0]`` is the vertical gradient (dy),
    ``[..., 1]`` the horizontal one (dx), as TF's kernels
    ``[[-1, -2, -1], [0, 0, 0], [1, 2, 1]]`` and its transpose give them."""
    x = image if isinstance(image, Tensor) else Tensor(as_array(image))
    if x.data.ndim != 4:
        raise ValueError(f"tf.image.sobel_edges: 'image' must be 4-D [batch, height, width, "
                         f"channels]; received shape {list(x.data.shape)}.")
    if x.data.dtype.kind != "f":
        raise InvalidArgumentError(f"tf.image.sobel_edges: 'image' must be float16, float32 "
                                   f"or float64; received {x.data.dtype.name}.")
    _, height, width, _ = x.data.shape
    if height < 2 or width < 2:
        raise InvalidArgumentError(f"tf.image.sobel_edges: the image must be 2x2 or larger "
                                   f"(REFLECT padding); received shape {list(x.data.shape)}.")
    padded = padding.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]], mode="REFLECT")

    def tap(row, col):
        return padded[:, row:row + height, col:col + width]

    two = np.asarray(2, x.data.dtype)
    dy = math.subtract(math.add(math.add(tap(2, 0), math.multiply(tap(2, 1), two)), tap(2, 2)),
                       math.add(math.add(tap(0, 0), math.multiply(tap(0, 1), two)), tap(0, 2)))
    dx = math.subtract(math.add(math.add(tap(0, 2), math.multiply(tap(1, 2), two)), tap(2, 2)),
                       math.add(math.add(tap(0, 0), math.multiply(tap(1, 0), two)), tap(2, 0)))
    return concat.stack([dy, dx], axis=-1)


__all__ = ["sobel_edges"]
