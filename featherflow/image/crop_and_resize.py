"""``tf.image.crop_and_resize``: bilinear or nearest samples of boxes of a batch of images.

TF's CPU kernel maps crop row ``y`` of a box ``[y1, x1, y2, x2]`` to the source row
``y1 * (height - 1) + y * (y2 - y1) * (height - 1) / (crop_height - 1)`` (the box centre
``0.5 * (y1 + y2) * (height - 1)`` when ``crop_height`` is 1), in float32; a sample outside
``[0, height - 1]`` takes ``extrapolation_value``. Boxes may be flipped (``y1 > y2`` mirrors the
crop) or reach outside the image. The samples are computed here for all boxes at once with the
same float32 operations, then gathered.

The :class:`CropAndResize` primitive's backward gives TF's two gradients: to the image (the
sampling weights scattered back, for bilinear and nearest) and to the boxes (TF's bilinear
formula, which TF also uses for ``method="nearest"``).

Example::

    >>> import featherflow as tf
    >>> image = tf.reshape(tf.range(16.0), [1, 4, 4, 1])
    >>> tf.image.crop_and_resize(image, [[0.0, 0.0, 1.0, 1.0]], [0], [2, 2])[0, :, :, 0]
    ... # [[0, 3], [12, 15]]
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError, OutOfRangeError

_F32 = np.float32


def _sample_positions(low, high, size, crop):
    """Source coordinates ``[num_boxes, crop]`` of one axis, in float32 as TF computes them."""
    extent = _F32(size - 1)
    if crop > 1:
        scale = (high - low) * extent / _F32(crop - 1)
        steps = np.arange(crop, dtype=np.float32)
        return low[:, None] * extent + steps[None, :] * scale[:, None]
    # TF: 0.5 * (y1 + y2) * (size - 1) in double, stored as float
    centre = 0.5 * (low + high).astype(np.float64) * float(size - 1)
    return centre.astype(np.float32)[:, None]


def _round_half_away(x):
    """``roundf`` of non-negative float32 values (``floor(x + 0.5)`` would round
    0.49999997 up)."""
    whole = np.floor(x)
    return whole.astype(np.int64) + (x - whole >= _F32(0.5))


class _Sampling:
    """Where each crop pixel reads the image: indices, lerps and the in-image mask."""

    def __init__(self, boxes, height, width, crop_height, crop_width):
        self.in_y = _sample_positions(boxes[:, 0], boxes[:, 2], height, crop_height)
        self.in_x = _sample_positions(boxes[:, 1], boxes[:, 3], width, crop_width)
        self.valid_y = (self.in_y >= 0) & (self.in_y <= _F32(height - 1))
        self.valid_x = (self.in_x >= 0) & (self.in_x <= _F32(width - 1))
        # indices of samples outside the image are clamped only to keep the gathers legal;
        # the mask replaces those samples afterwards
        safe_y = np.where(self.valid_y, self.in_y, _F32(0))
        safe_x = np.where(self.valid_x, self.in_x, _F32(0))
        self.top = np.floor(safe_y).astype(np.int64)
        self.bottom = np.ceil(safe_y).astype(np.int64)
        self.left = np.floor(safe_x).astype(np.int64)
        self.right = np.ceil(safe_x).astype(np.int64)
        self.y_lerp = (safe_y - self.top.astype(np.float32))[:, :, None, None]
        self.x_lerp = (safe_x - self.left.astype(np.float32))[:, None, :, None]
        self.nearest_y = _round_half_away(safe_y)
        self.nearest_x = _round_half_away(safe_x)
        self.mask = (self.valid_y[:, :, None] & self.valid_x[:, None, :])[..., None]

    def pixel_index(self, box_indices, height, width, rows, cols):
        """Flat pixel numbers ``(b * height + row) * width + col``, ``[boxes, ch, cw]``."""
        return ((box_indices[:, None, None] * height + rows[:, :, None]) * width
                + cols[:, None, :])

    def corner_indices(self, box_indices, height, width):
        """Flat pixel numbers of the top-left, top-right, bottom-left, bottom-right taps."""
        return [self.pixel_index(box_indices, height, width, rows, cols)
                for rows in (self.top, self.bottom) for cols in (self.left, self.right)]

    def corners(self, image, box_indices):
        batch, height, width, depth = image.shape
        flat = image.reshape(batch * height * width, depth)
        return [np.take(flat, index, axis=0).astype(np.float32, copy=False)
                for index in self.corner_indices(box_indices, height, width)]


class CropAndResize(Function):
    """The crops ``[num_boxes, crop_height, crop_width, depth]`` of ``image`` (float32)."""

    def __init__(self, box_indices, crop_size, method, extrapolation_value):
        self.box_indices = box_indices
        self.crop_height, self.crop_width = crop_size
        self.method = method
        self.extrapolation_value = _F32(extrapolation_value)

    def forward(self, image, boxes):
        self.image, self.boxes = image, boxes
        _, height, width, _ = image.shape
        self.sampling = s = _Sampling(boxes, height, width, self.crop_height, self.crop_width)
        if self.method == "bilinear":
            top_left, top_right, bottom_left, bottom_right = s.corners(image, self.box_indices)
            # TF's top = tl + (tr - tl) * x_lerp, ..., in place (same float32 operations)
            top = np.subtract(top_right, top_left, out=top_right)
            top *= s.x_lerp
            top += top_left
            bottom = np.subtract(bottom_right, bottom_left, out=bottom_right)
            bottom *= s.x_lerp
            bottom += bottom_left
            crops = np.subtract(bottom, top, out=bottom)
            crops *= s.y_lerp
            crops += top
        else:
            batch, _, _, depth = image.shape
            index = s.pixel_index(self.box_indices, height, width, s.nearest_y, s.nearest_x)
            crops = np.take(image.reshape(batch * height * width, depth), index,
                            axis=0).astype(np.float32, copy=False)
        if not s.mask.all():
            crops = np.where(s.mask, crops, self.extrapolation_value)
        return crops

    def backward(self, g):
        g = np.where(self.sampling.mask, g.astype(np.float32, copy=False), _F32(0))
        image_grad = self._image_grad(g) if self.needs[0] else None
        boxes_grad = self._boxes_grad(g) if self.needs[1] else None
        return image_grad, boxes_grad

    def _image_grad(self, g):
        s, image = self.sampling, self.image
        batch, height, width, depth = image.shape
        if self.method == "bilinear":
            one = _F32(1)
            weights = [(one - s.y_lerp) * (one - s.x_lerp), (one - s.y_lerp) * s.x_lerp,
                       s.y_lerp * (one - s.x_lerp), s.y_lerp * s.x_lerp]
            taps = zip(s.corner_indices(self.box_indices, height, width), weights)
        else:
            taps = [(s.pixel_index(self.box_indices, height, width, s.nearest_y, s.nearest_x),
                     _F32(1))]
        if image.dtype == np.float16:
            return self._half_image_grad(g, taps)
        size = batch * height * width * depth
        channels = np.arange(depth)
        total = np.zeros(size)
        for index, weight in taps:
            # one bincount per tap: every (pixel, channel) slot adds up its samples
            slots = (index[..., None] * depth + channels).reshape(-1)
            total += np.bincount(slots, weights=(weight * g).reshape(-1), minlength=size)
        return total.reshape(image.shape).astype(image.dtype)

    def _half_image_grad(self, g, taps):
        """TF adds each sample's share to a float16 gradient one at a time (box, row, column,
        then the taps), rounding to float16 at every step: np.add.at in that order does too."""
        image = self.image
        batch, height, width, depth = image.shape
        taps = list(taps)
        index = np.stack([np.broadcast_to(i, g.shape[:3]) for i, _ in taps], axis=3)
        shares = np.stack([np.broadcast_to(w * g, g.shape) for _, w in taps], axis=3)
        flat = np.zeros((batch * height * width, depth), np.float16)
        np.add.at(flat, index.reshape(-1), shares.reshape(-1, depth).astype(np.float16))
        return flat.reshape(image.shape)

    def _boxes_grad(self, g):
        s = self.sampling
        top_left, top_right, bottom_left, bottom_right = s.corners(self.image, self.box_indices)
        grad_y = ((_F32(1) - s.x_lerp) * (bottom_left - top_left)
                  + s.x_lerp * (bottom_right - top_right)) * g
        grad_x = ((_F32(1) - s.y_lerp) * (top_right - top_left)
                  + s.y_lerp * (bottom_right - bottom_left)) * g
        _, height, width, _ = self.image.shape
        dy1, dy2 = _edge_weights(height, self.crop_height)
        dx1, dx2 = _edge_weights(width, self.crop_width)
        sum_y = grad_y.sum(axis=(2, 3), dtype=np.float64)
        sum_x = grad_x.sum(axis=(1, 3), dtype=np.float64)
        out = np.stack([sum_y @ dy1, sum_x @ dx1, sum_y @ dy2, sum_x @ dx2], axis=1)
        return out.astype(self.boxes.dtype)


def _edge_weights(size, crop):
    """How a sample row moves with the box's first and second coordinate."""
    if crop > 1:
        ratio = float(_F32(size - 1) / _F32(crop - 1))
        steps = np.arange(crop) * ratio
        return (size - 1) - steps, steps
    half = np.full(1, 0.5 * (size - 1))
    return half, half


def _int_pair(value, what):
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.ndim != 1 or a.size != 2:
        raise InvalidArgumentError(
            f"tf.image.crop_and_resize: '{what}' must be a 1-D Tensor of 2 elements "
            f"[crop_height, crop_width]; received shape {list(a.shape)}.")
    if a.dtype.kind not in "iu":
        raise InvalidArgumentError(
            f"tf.image.crop_and_resize: '{what}' must be int32; received {a.dtype.name}.")
    return int(a[0]), int(a[1])


def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear",
                    extrapolation_value=0.0, name=None):
    """Crop the ``boxes`` (normalized ``[y1, x1, y2, x2]``) out of the images
    ``box_indices`` names and resize each to ``crop_size``; float32 ``[num_boxes,
    crop_height, crop_width, depth]``. Differentiable with respect to ``image`` and
    ``boxes``, as in TF."""
    op = "tf.image.crop_and_resize"
    if method not in ("bilinear", "nearest"):
        raise InvalidArgumentError(f"{op}: method must be 'bilinear' or 'nearest'; received "
                                   f"{method!r}.")
    images = image if isinstance(image, Tensor) else as_array(image)
    data = images.data if isinstance(images, Tensor) else images
    if data.ndim != 4:
        raise InvalidArgumentError(f"{op}: input image must be 4-D [batch, height, width, "
                                   f"depth]; received shape {list(data.shape)}.")
    if data.dtype.kind not in "iuf":
        raise InvalidArgumentError(f"{op}: image must be a real number type; received "
                                   f"{data.dtype.name}.")
    batch, height, width, _ = data.shape
    if height <= 0 or width <= 0:
        raise InvalidArgumentError(f"{op}: image dimensions must be positive; received shape "
                                   f"{list(data.shape)}.")
    box_values = boxes if isinstance(boxes, Tensor) else as_array(boxes, np.float32)
    box_data = box_values.data if isinstance(box_values, Tensor) else box_values
    indices = np.asarray(box_indices.data if isinstance(box_indices, Tensor) else box_indices)
    if box_data.size == 0 and indices.size == 0:
        box_data, indices = np.zeros((0, 4), np.float32), np.zeros(0, np.int32)
        box_values = box_data
    if box_data.ndim != 2 or box_data.shape[1] != 4:
        raise InvalidArgumentError(f"{op}: boxes must be 2-D [num_boxes, 4]; received shape "
                                   f"{list(box_data.shape)}.")
    if indices.ndim != 1:
        raise InvalidArgumentError(f"{op}: box_indices must be rank 1; received shape "
                                   f"{list(indices.shape)}.")
    if indices.shape[0] != box_data.shape[0]:
        raise InvalidArgumentError(
            f"{op}: box_indices has incompatible shape: {indices.shape[0]} indices for "
            f"{box_data.shape[0]} boxes; pass one image index per box.")
    crop = _int_pair(crop_size, "crop_size")
    if crop[0] <= 0 or crop[1] <= 0:
        raise InvalidArgumentError(f"{op}: crop dimensions must be positive; received "
                                   f"crop_size {list(crop)}.")
    indices = indices.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= batch):
        raise OutOfRangeError(f"{op}: box_indices has values outside [0, batch_size) = "
                              f"[0, {batch}): {indices.tolist()[:10]}.")
    if box_data.dtype != np.float32:
        box_values = box_data.astype(np.float32)
        box_data = box_values
    if not np.isfinite(box_data).all():
        raise InvalidArgumentError(f"{op}: boxes contains at least one element that is not "
                                   "finite.")
    return CropAndResize(indices, crop, method, extrapolation_value)(images, box_values)


__all__ = ["crop_and_resize"]
