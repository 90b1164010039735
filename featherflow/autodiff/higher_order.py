"""Backprop while a tape records: gradients as recorded tensors, so they can be differentiated.

``GradientTape.gradient`` runs :func:`backprop_recorded` instead of the NumPy sweep
``tape.backprop`` when some tape is recording at that moment (an outer tape, or a persistent
tape asked from inside its own ``with`` block). Each node then runs ``backward_tensors(grad)``,
its backward written with featherflow ops, so every step of the gradient is itself recorded
and an outer ``tape.gradient`` can walk through it (second-order gradients, gradient
penalties, Hessian-vector products).

A primitive without ``backward_tensors`` still gives its first-order gradient: its NumPy
``backward`` runs and the result is linked to the node's inputs through :class:`NoSecondOrder`,
which raises only if someone differentiates through it. The ordinary (no outer tape) path
never comes here and pays nothing for this.
"""

import copy
from heapq import heappop, heappush

import numpy as np

from featherflow.autodiff.function import Function, zeros_for
from featherflow.autodiff.tensor import Tensor


class NoSecondOrder(Function):
    """A gradient computed in NumPy by a primitive with no recorded backward.

    Its output is the gradient value; its inputs are the incoming gradient and the primitive's
    inputs, so it stays connected to the tape, and differentiating it raises.
    """

    def __init__(self, op, value):
        self.op = op
        self.value = value

    def forward(self, *inputs):
        return self.value

    def backward(self, g):
        raise LookupError(
            f"{self.op} has no second-order gradient in featherflow; its gradient was "
            "computed while a tape recorded and is now being differentiated again. Use ops "
            "with a second-order path (docs/autodiff.md lists them), or compute this gradient "
            "with no outer tape recording (e.g. inside tape.stop_recording())."
        )


def _opaque(node, g):
    """First-order gradients of ``node`` from its NumPy backward, each linked by NoSecondOrder."""
    if node.n_out == 1:
        raw = node.backward(g.data)
        links = [g]
    else:
        raw = node.backward([t.data for t in g])
        links = list(g)
    if not isinstance(raw, (tuple, list)):
        raw = (raw,)
    links += [x for x in node.inputs if isinstance(x, Tensor)]
    name = type(node).__name__
    return [None if r is None else NoSecondOrder(name, np.asarray(r))(*links) for r in raw]


def backprop_recorded(targets, seeds, sources):
    """As ``tape.backprop``, with Tensor gradients built by recorded ops.

    Returns one Tensor (or None when unconnected) per source.
    """
    node_grads = {}
    leaf_grads = {}
    heap = []
    for t, s in zip(targets, seeds):
        if isinstance(s, Tensor) and s.data.shape == t.data.shape \
                and s.data.dtype == t.data.dtype:
            pass  # a recorded seed: the gradient stays differentiable in it
        else:
            if s is None:
                s = np.ones(t.data.shape, t.data.dtype)
            else:
                s = s.data if isinstance(s, Tensor) else s
                s = np.array(np.broadcast_to(s.astype(t.data.dtype, copy=False), t.data.shape))
            s = Tensor(s)
        node = t._node
        if node is not None and node not in node_grads:
            heappush(heap, (-node._seq, node))
        _accumulate(t, s, node_grads, leaf_grads)

    while heap:
        node = heappop(heap)[1]
        buf = node_grads[node]
        if node.n_out == 1:
            g = buf[0]
        else:
            g = [b if b is not None else Tensor(zeros_for(m)) for b, m in zip(buf, node.out_meta)]
        in_grads = None if node.backward_tensors is None else node.backward_tensors(g)
        if in_grads is None:  # no recorded path (for this primitive, or this call of it)
            in_grads = _opaque(node, g)
        for x, need, ig in zip(node.inputs, node.needs, in_grads):
            if need and ig is not None:
                parent = x._node
                if parent is None:
                    key = id(x)
                    prev = leaf_grads.get(key)
                    leaf_grads[key] = ig if prev is None else prev + ig
                else:
                    pbuf = node_grads.get(parent)
                    if pbuf is None:
                        pbuf = node_grads[parent] = [None] * parent.n_out
                        heappush(heap, (-parent._seq, parent))
                    i = x._idx
                    pbuf[i] = ig if pbuf[i] is None else pbuf[i] + ig

    result = []
    for s in sources:
        if s._node is None:
            result.append(leaf_grads.get(id(s)))
        else:
            buf = node_grads.get(s._node)
            result.append(None if buf is None else buf[s._idx])
    return result


def _accumulate(t, g, node_grads, leaf_grads):
    node = t._node
    if node is None:
        prev = leaf_grads.get(id(t))
        leaf_grads[id(t)] = g if prev is None else prev + g
    else:
        buf = node_grads.get(node)
        if buf is None:
            buf = node_grads[node] = [None] * node.n_out
        i = t._idx
        buf[i] = g if buf[i] is None else buf[i] + g


class LinearBackward(Function):
    """The backward of a primitive linear in its first input, as a primitive of its own.

    Reshape, transpose, slicing, sums, broadcasts... map ``x`` to ``A @ x``; their backward maps
    ``g`` to ``A.T @ g``, and the backward of that is ``A`` again: the primitive's own forward
    (a fresh copy of it, so the recorded node keeps its saved state), with the same other
    inputs (indices, sizes).
    """

    def __init__(self, node):
        self.node = node

    def forward(self, g):
        return np.asarray(self.node.backward(g)[0])

    def _apply(self):
        node = copy.copy(self.node)
        rest = [x.data if isinstance(x, Tensor) else x for x in self.node.inputs[1:]]
        return node, rest

    def backward(self, gg):
        node, rest = self._apply()
        return (node.forward(gg, *rest),)

    def backward_tensors(self, gg):
        node, rest = self._apply()
        return (node(gg, *rest),)


def linear_backward(self, g):
    """``backward_tensors`` of a primitive linear in its first input (see LinearBackward)."""
    return (LinearBackward(self)(g),) + (None,) * (len(self.inputs) - 1)
