"""Pairs of layers that ``Sequential`` and Functional models run as one fused primitive.

Fusing changes no result: the pair computes what its two layers compute one after the other,
in less time and memory (see ``ops.conv_pool``). The layers keep their weights, names and
configs. ``Sequential`` fuses in the plain chain it runs when every layer is a built-in
(``Sequential._make_plan``); a Functional model fuses a pair when the first layer's output
goes to the second layer only (``functional_pairs``).
"""

from featherflow.layers.conv import Conv2D
from featherflow.layers.layer import Layer
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


def _plain(layer):
    """Whether ``layer.__call__`` would only convert the input and call ``call``."""
    return (type(layer).__call__ is Layer.__call__
            and type(layer).compute_mask is Layer.compute_mask and layer.built)


def functional_pairs(nodes, outputs):
    """``{id(first node): (fused, second node)}`` for the fusable pairs of a Functional graph.

    A pair qualifies when the first node's only output feeds the second node and nothing
    else (no other node, not a model output), and neither call has extra arguments.
    """
    consumers = {}
    for node in nodes:
        for t in node.inputs:
            consumers.setdefault(id(t), []).append(node)
    model_outputs = {id(t) for t in outputs}
    pairs = {}
    for node in nodes:
        if len(node.outputs) != 1 or node.kwargs or node.args_structure is not None:
            continue
        out = node.outputs[0]
        users = consumers.get(id(out), [])
        if len(users) != 1 or id(out) in model_outputs:
            continue
        second = users[0]
        if len(second.inputs) != 1 or second.kwargs or second.args_structure is not None:
            continue
        if not (_plain(node.layer) and _plain(second.layer)):
            continue
        fused = fuse(node.layer, second.layer)
        if fused is not None:
            pairs[id(node)] = (fused, second)
    return pairs
