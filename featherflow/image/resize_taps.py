"""The separable passes behind ``tf.image.resize`` (featherflow/image/resize.py): a resize
kernel's per-axis weight matrix as a short list of taps, applied with gathers and in-place
multiply-adds, a few images at a time, over the cores.

Each output sample of a TF kernel reads a few neighbouring source samples (2 for bilinear, 4 for
bicubic, ~2 * radius * scale with antialias), so applying the dense (new, old) matrices with a
matmul spends most of its work on zeros; one gather per tap moves only what is used.
"""

import numpy as np

from featherflow.image.resize_work import run_chunked


class Taps:
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


# above this many taps per output a pass is a dense matmul
_MAX_TAPS = 24
# largest weights-spread-over-rows table kept per pass (elements)
_FULL_WEIGHTS = 1 << 20


def separable(x, rows, cols, dtype):
    """Both passes, a few images at a time so that each tap's work arrays stay in the CPU
    cache and are reused (the passes are memory-bound: on a whole batch of 224x224 images
    every tap streams tens of MB through RAM), the chunks spread over the cores."""
    batch, height, width, channels = x.shape
    new_height, new_width = rows.size_out, cols.size_out
    per_image = max(new_height * width, height * new_width, new_height * new_width) * channels
    out = np.empty((batch, new_height, new_width, channels), dtype=dtype)
    return run_chunked(x, out, per_image, batch * per_image * (rows.taps + cols.taps),
                       lambda chunk, o, buffers: _separable_chunk(chunk, rows, cols, o, buffers))


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
