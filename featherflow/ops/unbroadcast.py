"""``unbroadcast`` for Tensors: the recorded gradient of a broadcast (second-order paths)."""

from featherflow.ops.reduce import reduce_sum
from featherflow.ops.reshape import reshape


def unbroadcast_tensor(g, shape):
    """Sum the Tensor ``g`` down to ``shape``, with recorded ops (``function.unbroadcast`` on
    arrays is the first-order twin)."""
    shape = tuple(shape)
    gs = g.data.shape
    if gs == shape:
        return g
    extra = len(gs) - len(shape)
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and gs[i + extra] != 1)
    if axes:
        g = reduce_sum(g, axis=axes)
    return reshape(g, shape)
