"""Pairs of layers that ``Sequential`` runs as one fused primitive.

Fusing changes no result: the pair computes what its two layers compute one after the other,
in less time and memory (see ``ops.conv_pool``). The layers keep their weights, names and
configs; only the plain chain that ``Sequential.call`` runs when every layer is a built-in
(``Sequential._make_plan``) uses the fused form.
"""

from featherflow.layers.conv import Conv2D
from featherflow.layers.pooling import MaxPooling2D
from featherflow.ops.conv_pool import conv_max_pool


class ConvMaxPool:
    """A ``Conv2D`` (relu or linear) followed by a non-overlapping "valid" ``MaxPooling2D``."""

    __slots__ = ("conv", "pool")

    def __init__(self, conv, pool):
        self.conv, self.pool = conv, pool

    def call(self, x):
        conv = self.conv
        return conv_max_pool(x, conv.kernel, conv.bias, conv.strides, conv.padding,
                             conv.dilation_rate, self.pool.pool_size, conv._act())

    def __repr__(self):
        return f"<fused {self.conv.name} + {self.pool.name}>"


def fuse(first, second):
    """A stand-in running ``first`` then ``second`` as one primitive, or None."""
    if type(first) is Conv2D and type(second) is MaxPooling2D:
        act = getattr(first.activation, "__name__", None)
        if (first.groups == 1 and first.data_format == "channels_last"
                and act in ("relu", "linear") and first._fused == act
                and first.activity_regularizer is None
                and second.data_format == "channels_last" and second.padding == "valid"
                and second.strides == second.pool_size):
            return ConvMaxPool(first, second)
    return None
