"""What both resize engines (resize_bands.py, resize_taps.py) share: per-thread work arrays
made once and reused, and the driver that cuts a batch into cache-sized chunks of images and
spreads the chunks over the cores."""

import numpy as np

from featherflow.ops.parallel import over_batch

# elements of one image chunk worked on at once (256K float32s: 1 MB, inside a typical L2)
CACHE_ELEMENTS = 1 << 18


class WorkBuffers:
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


def run_chunked(x, out, per_image, work, chunk_fn, cast=False):
    """``chunk_fn(images, out_slice, buffers)`` over chunks of ``x`` small enough to stay in
    the cache; the chunks are independent, so they run on all cores (NumPy and BLAS release
    the GIL). ``cast``: integer chunks are first copied into a buffer of ``out``'s dtype."""
    batch = x.shape[0]
    step = max(1, CACHE_ELEMENTS // per_image)

    def run(lo, hi):
        buffers = WorkBuffers()
        for start in range(lo, hi, step):
            stop = min(hi, start + step)
            chunk = x[start:stop]
            if cast and chunk.dtype != out.dtype:
                converted = buffers.get(chunk.shape, out.dtype, "cast")
                np.copyto(converted, chunk)
                chunk = converted
            chunk_fn(chunk, out[start:stop], buffers)

    over_batch(run, batch, work)
    return out
