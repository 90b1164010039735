"""``tf.image.resize``, and ``resize_with_pad`` and ``resize_with_crop_or_pad`` built on it.

Every TF 2.x resize kernel is separable and linear in the pixels, so one is a pair of weight
matrices, ``(new_height, height)`` and ``(new_width, width)``, built per axis with NumPy and
applied as two contractions (the :class:`SeparableResize` primitive, whose backward is the
same contraction with the matrices transposed). The matrices reproduce TF's kernels:
half-pixel-centre bilinear, nearest and Keys bicubic (with TF's 1024-step weight table),
area (``ResizeArea``), and ``ScaleAndTranslate``'s spans for lanczos3/5, gaussian,
mitchellcubic and every ``antialias=True`` resize. Index arithmetic runs in float32 as TF's
kernels do, so a sample that lands on a pixel boundary picks the pixel TF picks.

Example::

    >>> import featherflow as tf
    >>> tf.image.resize(tf.zeros([4, 6, 3]), [2, 3]).shape
    TensorShape([2, 3, 3])
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.image import transforms
from featherflow.ops import math, reshape
from featherflow.ops.parallel import over_batch


class ResizeMethod:
    """The names ``tf.image.resize`` accepts as ``method``."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


_METHODS = {v for k, v in vars(ResizeMethod).items() if k.isupper()}


class SeparableResize(Function):
    """``out[b, i, j, c] = sum_hw rows[i, h] * x[b, h, w, c] * cols[j, w]`` on 4-D images.

    Each axis is one pass over the image (see :class:`_Pass` and :func:`_separable`); the pass
    that shrinks the data more runs first. Floating images keep their dtype (resize() hands
    float32); integer images are read as they are and come out float32.
    """

    def __init__(self, rows, cols):
        self.rows, self.cols = rows, cols

    def forward(self, x):
        dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
        return _separable(np.ascontiguousarray(x), _Pass.of(self.rows), _Pass.of(self.cols),
                          dtype)

    def backward(self, g):
        # the transposed matrices: each input pixel gathers the outputs it contributed to
        return (_separable(np.ascontiguousarray(g), _Pass.of(self.rows.T), _Pass.of(self.cols.T),
                           g.dtype),)

    backward_tensors = linear_backward


class _Pass:
    """One axis of a separable resize: per output sample the source indices and weights of
    its nonzero taps (padded to the widest one with zero weights), or the dense matrix when
    the taps are so many that BLAS does better than one gather per tap."""

    _cache = {}

    def __init__(self, weights):
        self.size_out, self.size_in = weights.shape
        mask = weights != 0
        taps = max(1, int(mask.sum(axis=1).max()))
        self.dense = weights if taps > _MAX_TAPS else None
        order = np.argsort(~mask, axis=1, kind="stable")[:, :taps]
        # each output's taps in source order, as the dense sum would add them
        order = np.sort(order, axis=1)
        self.index = np.ascontiguousarray(order.T)
        self.weight = np.ascontiguousarray(np.take_along_axis(weights, order, axis=1).T)
        self._typed = {}

    def typed(self, dtype):
        """The weights (dense or per tap) in ``dtype``."""
        cast = self._typed.get(dtype)
        if cast is None:
            source = self.weight if self.dense is None else self.dense
            cast = self._typed[dtype] = source.astype(dtype)
        return cast

    @classmethod
    def of(cls, weights):
        key = (weights.shape, weights.tobytes())
        cached = cls._cache.get(key)
        if cached is None:
            if len(cls._cache) > 16:
                cls._cache.clear()
            cached = cls._cache[key] = cls(weights)
        return cached

    @property
    def taps(self):
        return self.size_in if self.dense is not None else self.index.shape[0]

    def apply(self, x, out, buffers):
        """(n, size_in, rest) -> ``out`` (n, size_out, rest); every tap copies whole contiguous
        ``rest``-long rows."""
        dtype = out.dtype
        weights = self.typed(dtype)
        if self.dense is not None:
            np.matmul(weights, x.astype(dtype, copy=False), out=out)
            return out
        rest = x.shape[2]
        key = ("rows", rest, dtype)
        full = self._typed.get(key)
        if full is None and weights.size * rest <= _FULL_WEIGHTS:
            # NumPy multiplies by a (1, n, 1) broadcast several times slower than by a
            # (1, n, rest) array, so the weights are spread over the rows once
            full = self._typed[key] = np.repeat(weights[:, :, None], rest, axis=2)[:, None]
        if full is None:
            full = weights[:, None, :, None]
        return _sum_of_taps(x, self.index, full, out, buffers)

    def apply_interleaved(self, x, channels, out, buffers):
        """(n, size_in * channels) -> ``out`` (n, size_out * channels): the axis with its
        channels interleaved, gathered element by element (no transpose of the image)."""
        dtype = out.dtype
        if self.dense is not None:
            x = x.reshape(x.shape[0], self.size_in, channels).transpose(0, 2, 1)
            product = np.matmul(x.astype(dtype, copy=False), self.typed(dtype).T)
            out[...] = product.transpose(0, 2, 1).reshape(out.shape)
            return out
        key = (channels, dtype)
        spread = self._typed.get(key)
        if spread is None:
            index = (self.index[:, :, None] * channels + np.arange(channels)).reshape(
                len(self.index), -1)
            weights = np.repeat(self.typed(dtype), channels, axis=1)
            spread = self._typed[key] = (index, weights[:, None, :])
        index, weights = spread
        return _sum_of_taps(x, index, weights, out, buffers)


def _sum_of_taps(x, index, weights, out, buffers):
    """``out = sum_k take(x, index[k], axis=1) * weights[k]``, tap by tap in source order.

    Everything happens in ``out`` and two scratch buffers reused across taps and chunks
    (``buffers.get(shape, dtype)``): a fresh array per tap costs page faults that took 10x the
    arithmetic, and NumPy's casting multiply (uint8 * float32) ran 2x slower than a cast copy
    followed by in-place ops."""
    scratch = raw = None
    for number, (tap, weight) in enumerate(zip(index, weights)):
        if number == 0:
            target = out
        else:
            if scratch is None:
                scratch = buffers.get(out.shape, out.dtype, "scratch")
            target = scratch
        if x.dtype == out.dtype:
            # mode="clip": with "raise" NumPy buffers the output (the indices are in range)
            np.take(x, tap, axis=1, out=target, mode="clip")
        else:
            if raw is None:
                raw = buffers.get(out.shape, x.dtype, "raw")
            np.take(x, tap, axis=1, out=raw, mode="clip")
            np.copyto(target, raw)
        target *= weight
        if target is not out:
            out += target
    return out


class _Buffers:
    """Work arrays of one thread's chunks, made once and reused (views for a shorter last
    chunk)."""

    def __init__(self):
        self._arrays = {}

    def get(self, shape, dtype, role):
        key = (role, shape[1:], np.dtype(dtype))
        array = self._arrays.get(key)
        if array is None or array.shape[0] < shape[0]:
            array = self._arrays[key] = np.empty(shape, dtype=dtype)
        return array[:shape[0]]


# above this many taps per output a pass is a dense matmul
_MAX_TAPS = 24
# largest weights-spread-over-rows table kept per pass (elements)
_FULL_WEIGHTS = 1 << 20


def _separable(x, rows, cols, dtype):
    """Both passes, a few images at a time so that each tap's work arrays stay in the CPU
    cache and are reused (the passes are memory-bound: on a whole batch of 224x224 images
    every tap streams tens of MB through RAM), the chunks spread over the cores."""
    batch, height, width, channels = x.shape
    new_height, new_width = rows.size_out, cols.size_out
    per_image = max(new_height * width, height * new_width, new_height * new_width) * channels
    step = max(1, _CACHE_ELEMENTS // per_image)
    out = np.empty((batch, new_height, new_width, channels), dtype=dtype)

    def run(lo, hi):
        buffers = _Buffers()
        for start in range(lo, hi, step):
            stop = min(hi, start + step)
            _separable_chunk(x[start:stop], rows, cols, out[start:stop], buffers)

    # the chunks are independent: spread them over the cores (NumPy releases the GIL)
    over_batch(run, batch, batch * per_image * (rows.taps + cols.taps))
    return out


# elements of one pass's output worked on at once (256K float32s: 1 MB, inside a typical L2)
_CACHE_ELEMENTS = 1 << 18


def _separable_chunk(x, rows, cols, out, buffers):
    """The height pass on (batch, height, width * channels), where each tap copies whole
    rows; the width pass on (batch * height, width * channels), gathering single values
    (a transpose to put width in front costs more than it saves, with 3 channels inside).
    The result goes into ``out`` (batch, new_height, new_width, channels)."""
    batch, height, width, channels = x.shape
    new_height, new_width = rows.size_out, cols.size_out
    # work of each order: taps times the elements each pass writes
    rows_first = rows.taps * new_height * width + cols.taps * new_height * new_width
    cols_first = cols.taps * height * new_width + rows.taps * new_height * new_width
    if rows_first <= cols_first:
        middle = buffers.get((batch, new_height, width * channels), out.dtype, "middle")
        rows.apply(x.reshape(batch, height, width * channels), middle, buffers)
        cols.apply_interleaved(middle.reshape(batch * new_height, width * channels), channels,
                               out.reshape(batch * new_height, new_width * channels), buffers)
    else:
        middle = buffers.get((batch * height, new_width * channels), out.dtype, "middle")
        cols.apply_interleaved(x.reshape(batch * height, width * channels), channels, middle,
                               buffers)
        rows.apply(middle.reshape(batch, height, new_width * channels),
                   out.reshape(batch, new_height, new_width * channels), buffers)
    return out


class NearestResize(Function):
    """Nearest-neighbour resize as a gather (keeps the dtype, and infinities, exactly)."""

    def __init__(self, rows, cols, in_shape):
        self.rows, self.cols, self.in_shape = rows, cols, in_shape

    def forward(self, x):
        return x[:, self.rows][:, :, self.cols]

    def backward(self, g):
        grad = np.zeros(self.in_shape, g.dtype)
        np.add.at(grad, (slice(None), self.rows[:, None], self.cols[None, :]), g)
        return (grad,)


def _f32(value):
    return np.float32(value)


def _bilinear_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale - _f32(0.5)
    floor = np.floor(pos)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(pos).astype(np.int64), in_size - 1)
    lerp = (pos - floor).astype(np.float64)
    weights = np.zeros((out_size, in_size))
    out = np.arange(out_size)
    np.add.at(weights, (out, lower), 1.0 - lerp)
    np.add.at(weights, (out, upper), lerp)
    return weights


def _nearest_indices(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = np.floor((np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale)
    return np.clip(pos.astype(np.int64), 0, in_size - 1)


# TF's bicubic resize reads Keys weights (a = -0.5) from a table of 1024 steps per unit.
_TABLE_STEPS = 1024


def _keys_near(x, a=-0.5):
    return ((a + 2) * x - (a + 3)) * x * x + 1


def _keys_far(x, a=-0.5):
    return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a


def _bicubic_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    pos = (np.arange(out_size, dtype=np.float32) + _f32(0.5)) * scale - _f32(0.5)
    base = np.floor(pos).astype(np.int64)
    offset = np.rint((pos - np.floor(pos)) * _f32(_TABLE_STEPS)).astype(np.int64)
    near = offset / _TABLE_STEPS
    far = (_TABLE_STEPS - offset) / _TABLE_STEPS
    taps = np.stack([_keys_far(near + 1), _keys_near(near), _keys_near(far), _keys_far(far + 1)],
                    axis=1).astype(np.float32).astype(np.float64)
    index = base[:, None] + np.arange(-1, 3)[None, :]
    # taps outside the image get no weight and the rest are renormalized (TF's Keys mode)
    taps = np.where((index >= 0) & (index < in_size), taps, 0.0)
    taps /= taps.sum(axis=1, keepdims=True)
    weights = np.zeros((out_size, in_size))
    np.add.at(weights, (np.arange(out_size)[:, None], np.clip(index, 0, in_size - 1)), taps)
    return weights


def _area_weights(in_size, out_size):
    scale = _f32(in_size) / _f32(out_size)
    start = np.arange(out_size, dtype=np.float32) * scale
    end = np.arange(1, out_size + 1, dtype=np.float32) * scale
    cells = np.arange(in_size + 1, dtype=np.float64)
    # overlap of output cell [start, end) with input cell [i, i + 1)
    lo = np.maximum(start[:, None].astype(np.float64), cells[None, :-1])
    hi = np.minimum(end[:, None].astype(np.float64), cells[None, 1:])
    weights = np.clip(hi - lo, 0.0, None)
    # an end past the last pixel (float32 rounding) is read from the last pixel, as TF bounds it
    spill = np.clip(end.astype(np.float64) - in_size, 0.0, None)
    weights[:, -1] += spill
    return weights / float(scale)


def _lanczos(radius):
    def kernel(x):
        x = np.abs(x)
        safe = np.where(x <= 1e-3, 1.0, x)
        value = radius * np.sin(np.pi * safe) * np.sin(np.pi * safe / radius) / (np.pi * safe) ** 2
        return np.where(x > radius, 0.0, np.where(x <= 1e-3, 1.0, value))
    return kernel, float(radius)


def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _gaussian(x):
    x = np.abs(x)
    sigma = 1.5 / 3.0
    return np.where(x >= 1.5, 0.0, np.exp(-x * x / (2 * sigma * sigma)))


def _keys_cubic(x):
    x = np.abs(x)
    return np.where(x >= 2, 0.0, np.where(x >= 1, ((-0.5 * x + 2.5) * x - 4) * x + 2,
                                          ((1.5 * x - 2.5) * x) * x + 1))


def _mitchell(x):
    x = np.abs(x)
    far = (((-7.0 / 18.0) * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    near = (((7.0 / 6.0) * x - 2.0) * x) * x + 8.0 / 9.0
    return np.where(x >= 2, 0.0, np.where(x >= 1, far, near))


_KERNELS = {
    "triangle": (_triangle, 1.0),
    "keyscubic": (_keys_cubic, 2.0),
    ResizeMethod.LANCZOS3: _lanczos(3),
    ResizeMethod.LANCZOS5: _lanczos(5),
    ResizeMethod.GAUSSIAN: (_gaussian, 1.5),
    ResizeMethod.MITCHELLCUBIC: (_mitchell, 2.0),
}


def _scale_translate_weights(in_size, out_size, kernel_name, antialias):
    kernel, radius = _KERNELS[kernel_name]
    scale = _f32(out_size) / _f32(in_size)
    inv_scale = _f32(1.0 / float(scale))
    kernel_scale = max(float(inv_scale), 1.0) if antialias else 1.0
    sample = ((np.arange(out_size, dtype=np.float32) + _f32(0.5)) * inv_scale).astype(np.float64)
    reach = radius * kernel_scale
    first = np.clip(np.ceil(sample - reach - 0.5), 0, in_size - 1)
    last = np.clip(np.floor(sample + reach - 0.5), 0, in_size - 1)
    source = np.arange(in_size, dtype=np.float64)[None, :]
    inside = (source >= first[:, None]) & (source <= last[:, None])
    weights = np.where(inside, kernel((source + 0.5 - sample[:, None]) / kernel_scale), 0.0)
    total = weights.sum(axis=1, keepdims=True)
    weights = np.where(np.abs(total) >= 1000 * np.finfo(np.float32).tiny,
                       weights / np.where(total == 0, 1.0, total), weights)
    # samples outside the source image stay zero
    weights[(sample < 0) | (sample > in_size)] = 0.0
    return weights


def _weights(method, antialias, in_size, out_size):
    if method == ResizeMethod.BILINEAR:
        if antialias:
            return _scale_translate_weights(in_size, out_size, "triangle", True)
        return _bilinear_weights(in_size, out_size)
    if method == ResizeMethod.BICUBIC:
        if antialias:
            return _scale_translate_weights(in_size, out_size, "keyscubic", True)
        return _bicubic_weights(in_size, out_size)
    if method == ResizeMethod.AREA:
        return _area_weights(in_size, out_size)
    return _scale_translate_weights(in_size, out_size, method, antialias)


def _size_pair(size):
    if isinstance(size, (list, tuple)):
        size = [v.data if isinstance(v, Tensor) else v for v in size]
    values = np.asarray(size.data if isinstance(size, Tensor) else size).reshape(-1)
    if values.size != 2:
        raise ValueError(
            f"tf.image.resize: 'size' must be a 1-D Tensor of 2 elements: new_height, new_width; "
            f"received {values.tolist()}.")
    return int(values[0]), int(values[1])


def _batched(images, op_name):
    """``images`` as a 4-D Tensor (or array) and whether a batch axis was added."""
    x = images if isinstance(images, Tensor) else as_array(images)
    rank = np.ndim(x.data if isinstance(x, Tensor) else x)
    if rank not in (3, 4):
        raise ValueError(
            f"{op_name}: 'images' must have either 3 or 4 dimensions; received shape "
            f"{list(np.shape(x.data if isinstance(x, Tensor) else x))}.")
    if rank == 3:
        return reshape.expand_dims(x, 0), True
    return x, False


def _unbatched(x, added):
    if added:
        return reshape.squeeze(x, [0])
    return x


def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False,
           antialias=False, name=None):
    """Resize ``images`` (``[h, w, c]`` or ``[b, h, w, c]``) to ``size`` (TF 2.x kernels).

    The result is float32, except for ``method="nearest"``, which keeps the input's dtype.
    """
    if method not in _METHODS:
        raise ValueError(f"Resize method is not implemented: {method}; expected one of "
                         f"{sorted(_METHODS)}.")
    x, added = _batched(images, "tf.image.resize")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    new_height, new_width = _size_pair(size)
    if preserve_aspect_ratio:
        factor = min(_f32(new_height) / _f32(height), _f32(new_width) / _f32(width))
        new_height = int(np.rint(factor * _f32(height)))
        new_width = int(np.rint(factor * _f32(width)))
    if new_height <= 0 or new_width <= 0:
        raise ValueError(f"tf.image.resize: 'size' must be positive; received "
                         f"[{new_height}, {new_width}].")
    if method == ResizeMethod.NEAREST_NEIGHBOR:
        out = NearestResize(_nearest_indices(height, new_height),
                            _nearest_indices(width, new_width),
                            (x.data if isinstance(x, Tensor) else x).shape)(x)
        return _unbatched(out, added)
    data = x.data if isinstance(x, Tensor) else x
    if data.dtype.kind in "fc" and data.dtype != np.float32:
        # integer images go in as they are (the passes read them into float32)
        x = math.cast(x, "float32")
    op = SeparableResize(_weights(method, antialias, height, new_height),
                         _weights(method, antialias, width, new_width))
    return _unbatched(op(x), added)


def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR,
                    antialias=False):
    """Resize keeping the aspect ratio, then pad with zeros to the target (TF's arithmetic)."""
    x, added = _batched(image, "tf.image.resize_with_pad")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    if target_height <= 0 or target_width <= 0:
        raise ValueError("tf.image.resize_with_pad: target_height and target_width must be > 0; "
                         f"received {target_height}, {target_width}.")
    ratio = max(_f32(width) / _f32(target_width), _f32(height) / _f32(target_height))
    resized_height = _f32(height) / ratio
    resized_width = _f32(width) / ratio
    pad_top = max(0, int(np.floor((_f32(target_height) - resized_height) / _f32(2))))
    pad_left = max(0, int(np.floor((_f32(target_width) - resized_width) / _f32(2))))
    resized = resize(x, [int(np.floor(resized_height)), int(np.floor(resized_width))],
                     method=method, antialias=antialias)
    padded = transforms.pad_to_bounding_box(resized, pad_top, pad_left, target_height,
                                            target_width)
    return _unbatched(padded, added)


def resize_with_crop_or_pad(image, target_height, target_width):
    """Centre-crop or zero-pad ``image`` to the target size (TF's offsets: crop rounds down on
    the top/left, padding puts the odd pixel at the bottom/right)."""
    x, added = _batched(image, "tf.image.resize_with_crop_or_pad")
    _, height, width, _ = (x.data if isinstance(x, Tensor) else x).shape
    if target_height <= 0 or target_width <= 0:
        raise ValueError("tf.image.resize_with_crop_or_pad: target_height and target_width must "
                         f"be > 0; received {target_height}, {target_width}.")
    crop_top = max((height - target_height) // 2, 0)
    crop_left = max((width - target_width) // 2, 0)
    pad_top = max((target_height - height) // 2, 0)
    pad_left = max((target_width - width) // 2, 0)
    cropped = transforms.crop_to_bounding_box(x, crop_top, crop_left, min(target_height, height),
                                              min(target_width, width))
    padded = transforms.pad_to_bounding_box(cropped, pad_top, pad_left, target_height,
                                            target_width)
    return _unbatched(padded, added)


__all__ = ["ResizeMethod", "resize", "resize_with_crop_or_pad", "resize_with_pad"]
