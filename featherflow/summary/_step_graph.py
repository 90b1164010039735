"""The op graph of one recorded training step, for the Graphs dashboard (tag ``train_step``).

``fit``'s default ``train_step`` records the forward pass and the loss on the autodiff tape;
when the TensorBoard callback asks, the gradients of that step are built once more from
recorded ops (``backprop_recorded``, the same backward rules) so the backward pass is part of
the graph too. Nodes: the batch as ``Placeholder``s (``x``, ``y``, ``sample_weight``), the
variables as ``VarHandleOp``s, the forward and loss primitives, the gradient primitives
under ``gradient_tape/``, and one node per variable the optimizer updates
(``<optimizer>/update/<variable>``, op ``<Optimizer>Update``, fed by the variable and its
gradient). The values the step trains with are the ordinary ones: this only reads the tape.
"""

import numpy as np

from featherflow import tree
from featherflow.autodiff import function, state
from featherflow.autodiff.higher_order import backprop_recorded
from featherflow.autodiff.tensor import Tensor
from featherflow.summary import _graph_def, _proto, trace


def _placeholders(x, y, sample_weight):
    names = {}
    for label, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        flat = [v for v in tree.flatten(value) if isinstance(v, (np.ndarray, Tensor))]
        for i, item in enumerate(flat):
            names.setdefault(id(item), (item, label if i == 0 else f"{label}_{i}"))
    return names


def _learning_rate(optimizer):
    try:
        return float(np.asarray(getattr(optimizer.learning_rate, "numpy",
                                        lambda: optimizer.learning_rate)()))
    except (TypeError, ValueError, AttributeError):
        return None  # a schedule that needs a step, or no learning rate


def train_step_graph(optimizer, x, y, sample_weight, loss, variables):
    """Serialized GraphDef of the step whose (recorded) ``loss`` was just computed."""
    start = next(function._sequence)  # primitives numbered after this are the gradients'
    state.recording += 1
    try:
        grads = backprop_recorded([loss], [None], list(variables))
    finally:
        state.recording -= 1
    op = f"{type(optimizer).__name__}Update"
    attrs = {}
    rate = _learning_rate(optimizer)
    if rate is not None:
        attrs["learning_rate"] = _graph_def._attr_value(rate)
    prefix = getattr(optimizer, "name", None) or type(optimizer).__name__.lower()
    updates = []
    for variable, grad in zip(variables, grads):
        if grad is None:
            continue
        path = (getattr(variable, "path", None) or variable.name).split(":")[0]
        updates.append((variable, grad, f"{prefix}/update/{path}", op, dict(
            attrs, dtype=_proto.f_varint(6, _graph_def._dtype_enum(variable.dtype)))))
    return trace._op_graph_def([loss], _placeholders(x, y, sample_weight),
                               (start, "gradient_tape/"), updates)
