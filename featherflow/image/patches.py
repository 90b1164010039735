"""``tf.image.extract_patches``: every window of a batch laid out along the channel axis.

The windows are one advanced-indexing gather of the (zero-padded, for ``"SAME"``) batch with
precomputed row and column index grids, so the gradient scatters back through the indexing
op, and overlapping windows add up, as in TF.

Example::

    >>> import featherflow as tf
    >>> tf.image.extract_patches(tf.zeros([1, 4, 4, 3]), [1, 2, 2, 1], [1, 2, 2, 1],
    ...                          [1, 1, 1, 1], "VALID").shape
    TensorShape([1, 2, 2, 12])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops import indexing, reshape
from featherflow.ops import padding as padding_ops


def _four(values, what):
    values = [int(v) for v in np.asarray(values).ravel()]
    if len(values) != 4 or values[0] != 1 or values[3] != 1 or min(values) < 1:
        raise ValueError(f"tf.image.extract_patches: '{what}' must be [1, rows, cols, 1] with "
                         f"positive entries; received {values}.")
    return values[1], values[2]


def _axis(size, kernel, stride, rate, same):
    """(start indices of the windows, offsets inside one, padding before) along one axis."""
    reach = kernel + (kernel - 1) * (rate - 1)
    if same:
        count = -(-size // stride)
        before = max((count - 1) * stride + reach - size, 0) // 2
    else:
        count = max(-(-(size - reach + 1) // stride), 0)
        before = 0
    return np.arange(count) * stride, np.arange(kernel) * rate, before, count, reach


def extract_patches(images, sizes, strides, rates, padding, name=None):
    """``[batch, out_rows, out_cols, rows * cols * depth]`` windows of ``images``."""
    mode = padding.upper() if isinstance(padding, str) else padding
    if mode not in ("VALID", "SAME"):
        raise ValueError(f"tf.image.extract_patches: padding must be 'VALID' or 'SAME'; "
                         f"received {mode!r}.")
    x = images if isinstance(images, Tensor) else Tensor(as_array(images))
    if x.data.ndim != 4:
        raise ValueError("tf.image.extract_patches: 'images' must be 4-D [batch, rows, cols, "
                         f"depth]; received shape {list(x.data.shape)}.")
    batch, height, width, depth = x.data.shape
    (k_rows, k_cols), (s_rows, s_cols), (r_rows, r_cols) = (
        _four(sizes, "sizes"), _four(strides, "strides"), _four(rates, "rates"))
    same = mode == "SAME"
    row_starts, row_offsets, top, out_rows, row_reach = _axis(height, k_rows, s_rows, r_rows,
                                                               same)
    col_starts, col_offsets, left, out_cols, col_reach = _axis(width, k_cols, s_cols, r_cols,
                                                               same)
    if same:
        bottom = max((out_rows - 1) * s_rows + row_reach - height - top, 0)
        right = max((out_cols - 1) * s_cols + col_reach - width - left, 0)
        x = padding_ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
    rows = (row_starts[:, None] + row_offsets[None, :])[:, None, :, None]
    cols = (col_starts[:, None] + col_offsets[None, :])[None, :, None, :]
    windows = indexing.getitem(x, (slice(None), rows, cols))
    return reshape.reshape(windows, (batch, out_rows, out_cols, k_rows * k_cols * depth))


__all__ = ["extract_patches"]
