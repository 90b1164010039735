"""Pairs of layers that ``Sequential`` and Functional models run as one fused primitive.

Fusing changes no result: the pair computes what its two layers compute one after the other,
in less time and memory (see ``ops.conv_pool``). The layers keep their weights, names and
configs. Fusing is a rewrite of a model's plan (``fuse_pairs``), the same for Sequential and
Functional models.
"""

from featherflow.graph import DIRECT, PROTOCOL, Step
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
        from featherflow import activations

        act = activations.builtin_name(first.activation)
        if (first.groups == 1 and first.data_format == "channels_last"
                and act in ("relu", "linear") and first._fused == act
                and first.activity_regularizer is None
                and second.data_format == "channels_last" and second.padding == "valid"
                and second.strides == second.pool_size):
            return ConvMaxPool(first, second)
    return None


def fuse_pairs(plan):
    """A plan rewrite pass (``graph.Plan.rewrite``): each fusable pair of steps becomes one.

    A pair qualifies when both steps call their layer directly (the call protocol has
    nothing to do for them), the first step's only output feeds the second step and nothing
    else (no other step, not a model output), and ``fuse`` has a primitive for the two
    layers. The fused step takes the place of the second step, where every input it needs is
    computed.
    """
    consumers = plan.consumers()
    outputs = set(plan.outputs)
    replaced = {}
    dropped = set()
    for step in plan.steps:
        if step.mode == PROTOCOL or step.node is None or len(step.outs) != 1:
            continue
        out = step.outs[0]
        users = consumers.get(out, [])
        if len(users) != 1 or out in outputs:
            continue
        second = users[0]
        if second.mode == PROTOCOL or second.node is None or len(second.ins) != 1:
            continue
        fused = fuse(step.node.layer, second.node.layer)
        if fused is not None:
            dropped.add(id(step))
            replaced[id(second)] = Step(None, fused.call, DIRECT, step.ins, second.outs)
    return [replaced.get(id(s), s) for s in plan.steps if id(s) not in dropped]
