"""``tf.image.extract_glimpse`` (TF 2's ``ExtractGlimpseV2``): a window of each image around
an offset, with noise where the window leaves the image.

The window's top-left corner follows TF's float32 arithmetic: normalized offsets are scaled by
the image size; centered ones are measured from the image centre (and, when normalized, the
window is centred on them); the corner is then truncated toward zero. A window that is not
entirely inside the image (TF counts touching the right or bottom edge as outside) is first
filled with noise: ``"zero"``, ``"uniform"`` (between the image's minimum and maximum) or
``"gaussian"`` (each channel's mean and standard deviation, clipped to its range), then the
part that overlaps the image is copied in. TF draws that noise from an unseeded Eigen
generator, so its values never repeat; featherflow draws them from its own generator.

Example::

    >>> import featherflow as tf
    >>> image = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.image.extract_glimpse(image, [2, 2], [[0.0, 0.0]])[0, :, :, 0]
    ... # the centre: [[5, 6], [9, 10]]
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.utils.random import generator

_F32 = np.float32
_OP = "tf.image.extract_glimpse"


def _corner(offset, size, window, normalized, centered):
    """TF's un-normalising and un-centring of one coordinate, then ``(Index)``."""
    value = _F32(offset)
    if normalized:
        value = value * _F32(size)
        if centered:
            value = value / _F32(2)
            value = value + _F32(size) / _F32(2)
            value = value - _F32(window) / _F32(2)
    elif centered:
        value = value + _F32(size) / _F32(2)
    return int(value)


def _span(corner, window, size):
    """(first source pixel, first output pixel, length) of the overlap along one axis."""
    if corner < 0:
        length = max(0, window + corner)
        return 0, window - length, min(size, length)
    if corner + window >= size:
        return corner, 0, min(size, max(0, size - corner))
    return corner, 0, window


def _noise(image, height, width, kind, rng):
    channels = image.shape[-1]
    if kind == "zero":
        return np.zeros((height, width, channels), np.float32)
    if kind == "uniform":
        low = image.min()
        spread = image.max() - low
        return (low + rng.uniform(0, 1, (height, width, channels)).astype(np.float32)
                * spread).astype(np.float32)
    mean = image.mean(axis=(0, 1), dtype=np.float64).astype(np.float32)
    sigma = np.sqrt(((image - mean) ** 2).mean(axis=(0, 1), dtype=np.float64)).astype(
        np.float32)
    values = mean + rng.standard_normal((height, width, channels)).astype(np.float32) * sigma
    return np.clip(values, image.min(axis=(0, 1)), image.max(axis=(0, 1))).astype(np.float32)


def extract_glimpse(input, size, offsets, centered=True, normalized=True, noise="uniform",
                    name=None):
    """``[batch, glimpse_height, glimpse_width, channels]`` windows of a float32 batch
    ``input`` at ``offsets`` (``[batch, 2]`` as ``(y, x)``)."""
    images = np.asarray(input.data if isinstance(input, Tensor) else as_array(input))
    if images.ndim != 4:
        raise InvalidArgumentError(f"{_OP}: input must be 4-dimensional (batch_size, height, "
                                   f"width, depth); received shape {list(images.shape)}.")
    if images.dtype != np.float32:
        raise InvalidArgumentError(f"{_OP}: input must be float32; received "
                                   f"{images.dtype.name}.")
    window = np.asarray(size.data if isinstance(size, Tensor) else size)
    if window.ndim != 1 or window.shape[0] != 2:
        raise InvalidArgumentError(f"{_OP}: size must be a vector of size 2 (height, width); "
                                   f"received shape {list(window.shape)}.")
    window_height, window_width = int(window[0]), int(window[1])
    if window_height < 0 or window_width < 0:
        raise InvalidArgumentError(f"{_OP}: size must be non-negative; received "
                                   f"{window.tolist()}.")
    where = np.asarray(offsets.data if isinstance(offsets, Tensor) else as_array(offsets),
                       np.float32)
    batch, height, width, channels = images.shape
    if where.ndim != 2 or where.shape[0] != batch or where.shape[1] != 2:
        raise InvalidArgumentError(f"{_OP}: offsets must be a matrix [batch_size, 2] of (y, x) "
                                   f"= [{batch}, 2]; received shape {list(where.shape)}.")
    if noise not in ("uniform", "gaussian", "zero"):
        raise InvalidArgumentError(f"{_OP}: noise must be 'uniform', 'gaussian' or 'zero'; "
                                   f"received {noise!r}.")
    out = np.zeros((batch, window_height, window_width, channels), np.float32)
    if out.size == 0:
        return Tensor(out)
    rng = generator()
    for b in range(batch):
        top = _corner(where[b, 0], height, window_height, normalized, centered)
        left = _corner(where[b, 1], width, window_width, normalized, centered)
        rows = _span(top, window_height, height)
        cols = _span(left, window_width, width)
        inside = (top >= 0 and left >= 0 and top + window_height < height
                  and left + window_width < width)
        if not inside:
            out[b] = _noise(images[b], window_height, window_width, noise, rng)
        (src_y, dst_y, len_y), (src_x, dst_x, len_x) = rows, cols
        if len_y > 0 and len_x > 0:
            out[b, dst_y:dst_y + len_y, dst_x:dst_x + len_x] = images[
                b, src_y:src_y + len_y, src_x:src_x + len_x]
    return Tensor(out)


__all__ = ["extract_glimpse"]
