"""TF's ``ImageProjectiveTransformV3`` (what Keras 3's ``ops.image.affine_transform`` runs on
the TensorFlow backend), as one differentiable primitive.

For output pixel ``(x, y)`` and transform ``[a0, a1, a2, b0, b1, b2, c0, c1]`` the input point
is ``((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k)`` with ``k = c0 x + c1 y + 1``, in
float32 as TF's kernel computes it. Points outside the image are mapped back by ``fill_mode``
(``reflect``: ``dcba|abcd|dcba``; ``wrap``: ``abcd|abcd``; ``nearest``: the edge pixel;
``constant``: neighbours outside read ``fill_value``), then sampled ``nearest`` (rounding half
away from zero) or ``bilinear``. The output is linear in the pixels, so the backward scatters
each tap's weight back to its pixel.

Example::

    >>> out = projective_transform(images, [[1, 0, -2, 0, 1, 0, 0, 0]], "bilinear",
    ...                            "constant", 0.0)   # shift right by two pixels
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")
_F32 = np.float32


def _reflect(coord, size):
    if size <= 1:
        return np.zeros_like(coord)
    span = 2 * size
    out = coord.copy()
    # both masks from the input point: TF's branches are if / else-if
    low, high = out < 0, out > size - 1
    if low.any():
        c = out[low]
        c = span * np.trunc(-c / span) + c
        out[low] = np.where(c < -size, c + span, -c - 1)
    if high.any():
        c = out[high]
        c = c - span * np.trunc(c / span)
        out[high] = np.where(c >= size, span - c - 1, c)
    return np.clip(out, 0, size - 1)


def _wrap(coord, size):
    if size <= 1:
        return np.zeros_like(coord)
    period = size - 1
    out = coord.copy()
    low, high = out < 0, out > size - 1
    if low.any():
        c = out[low]
        out[low] = c + size * (np.trunc(-c / period) + 1)
    if high.any():
        c = out[high]
        out[high] = c - size * np.trunc(c / period)
    return np.clip(out, 0, size - 1)


def _map(coord, size, fill_mode):
    if fill_mode == "reflect":
        return _reflect(coord, size).astype(_F32)
    if fill_mode == "wrap":
        return _wrap(coord, size).astype(_F32)
    if fill_mode == "nearest":
        return np.clip(coord, 0, size - 1).astype(_F32)
    return coord


def _taps(transforms, batch, height, width, interpolation, fill_mode):
    """Per tap: flat input index, weight and whether it reads a pixel (else fill_value)."""
    t = transforms.astype(_F32)[:, :, None, None]
    ys, xs = np.meshgrid(np.arange(height, dtype=_F32), np.arange(width, dtype=_F32),
                         indexing="ij")
    projection = t[:, 6] * xs + t[:, 7] * ys + _F32(1)
    degenerate = projection == 0
    safe = np.where(degenerate, _F32(1), projection)
    in_x = (t[:, 0] * xs + t[:, 1] * ys + t[:, 2]) / safe
    in_y = (t[:, 3] * xs + t[:, 4] * ys + t[:, 5]) / safe
    in_x = _map(in_x, width, fill_mode)
    in_y = _map(in_y, height, fill_mode)
    base = (np.arange(batch) * height * width)[:, None, None]

    outside = batch * height * width  # the row of fill values appended to the pixels
    index_dtype = np.int32 if outside < 2**31 - 1 else np.int64

    def tap(row, col, weight):
        inside = (row >= 0) & (row < height) & (col >= 0) & (col < width) & ~degenerate
        index = (base + np.clip(row, 0, height - 1).astype(index_dtype) * width
                 + np.clip(col, 0, width - 1).astype(index_dtype))
        index = np.where(inside, index, outside).astype(index_dtype, copy=False)
        return index.reshape(-1), weight.reshape(-1), inside.reshape(-1)

    if interpolation == "nearest":
        # std::round: halves away from zero
        row = np.sign(in_y) * np.floor(np.abs(in_y) + _F32(0.5))
        col = np.sign(in_x) * np.floor(np.abs(in_x) + _F32(0.5))
        return [tap(row, col, np.ones_like(in_x))]
    y_floor, x_floor = np.floor(in_y), np.floor(in_x)
    y_ceil, x_ceil = y_floor + _F32(1), x_floor + _F32(1)
    return [
        tap(y_floor, x_floor, (y_ceil - in_y) * (x_ceil - in_x)),
        tap(y_floor, x_ceil, (y_ceil - in_y) * (in_x - x_floor)),
        tap(y_ceil, x_floor, (in_y - y_floor) * (x_ceil - in_x)),
        tap(y_ceil, x_ceil, (in_y - y_floor) * (in_x - x_floor)),
    ], (x_ceil - in_x, in_x - x_floor, y_ceil - in_y, in_y - y_floor)


class ProjectiveTransform(Function):
    """The transform of ``[batch, height, width, channels]`` images (one primitive)."""

    def __init__(self, transforms, interpolation, fill_mode, fill_value):
        self.transforms = np.asarray(transforms, _F32).reshape(-1, 8)
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def forward(self, images):
        batch, height, width, channels = images.shape
        transforms = self.transforms
        if len(transforms) == 1 and batch > 1:
            transforms = np.repeat(transforms, batch, axis=0)
        # coordinates and weights in float32 as TF's kernel; float64 pixels stay float64
        value_dtype = images.dtype if images.dtype == np.float64 else np.dtype(_F32)
        flat = images.reshape(-1, channels).astype(value_dtype, copy=False)
        # taps outside the image read the appended row of fill values
        flat = np.concatenate([flat, np.full((1, channels), self.fill_value, value_dtype)])
        self.shape = images.shape
        if self.interpolation == "nearest":
            (index, _, inside), = _taps(transforms, batch, height, width, "nearest",
                                        self.fill_mode)
            self.taps = [(index, np.ones(index.shape, _F32), inside)]
            out = np.take(flat, index, axis=0)
        else:
            taps, weights = _taps(transforms, batch, height, width, "bilinear", self.fill_mode)
            self.taps = taps
            reads = [np.take(flat, index, axis=0) for index, _, _ in taps]
            wx0, wx1, wy0, wy1 = (w.reshape(-1, 1).astype(value_dtype) for w in weights)
            # TF's order: along x on the floor and ceil rows, then along y
            top = wx0 * reads[0] + wx1 * reads[1]
            bottom = wx0 * reads[2] + wx1 * reads[3]
            out = wy0 * top + wy1 * bottom
        return out.reshape(batch, height, width, channels).astype(images.dtype, copy=False)

    def backward(self, grad):
        channels = self.shape[-1]
        pixels = int(np.prod(self.shape[:-1]))
        g = grad.reshape(-1, channels)
        total = np.zeros((pixels + 1, channels), np.float64)
        for index, weight, _ in self.taps:
            for channel in range(channels):
                # the last row collects the fill-value taps, which have no input pixel
                total[:, channel] += np.bincount(index, weights=g[:, channel] * weight,
                                                 minlength=pixels + 1)
        return (total[:pixels].astype(grad.dtype).reshape(self.shape),)


def projective_transform(images, transforms, interpolation="bilinear", fill_mode="constant",
                         fill_value=0.0):
    """Transform a ``[batch, height, width, channels]`` Tensor by one transform or one per
    image (shape ``[8]`` or ``[batch, 8]``)."""
    x = images if isinstance(images, Tensor) else Tensor(np.asarray(images))
    return ProjectiveTransform(transforms, interpolation, fill_mode, fill_value)(x)
