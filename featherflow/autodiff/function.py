"""Function: one differentiable primitive, forward and backward side by side.

A primitive subclasses :class:`Function`, writes ``forward(*arrays)`` (NumPy in, NumPy out,
saving on ``self`` what the backward needs) and ``backward(grad)`` (one gradient, or ``None``,
per input, each with that input's shape). Calling an instance on tensors runs the forward and,
while a :class:`~featherflow.autodiff.tape.GradientTape` records and an input is tracked, links
the output to the instance so the tape can walk back through it.

A primitive may also write ``backward_tensors(grad)``: the same gradient computed with
featherflow ops on Tensors (its inputs are in ``self.inputs``). It runs only when a gradient is
asked while a tape records (see ``autodiff/higher_order.py``), so that gradient can be
differentiated again; primitives without it have first-order gradients only.
"""

import itertools

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable

# Recorded nodes are numbered in the order they run: every consumer of a node has a larger
# number, so walking back from the largest number is a topological order (see tape.backprop).
_sequence = itertools.count()


class Function:
    """Base class of every primitive.

    Attributes set when the call is recorded: ``inputs`` (the input tensors or arrays) and
    ``needs`` (per input, whether a gradient is wanted), so a backward can skip work.

    Example::

        class Square(Function):
            def forward(self, x):
                self.x = x
                return x * x

            def backward(self, g):
                return (2 * self.x * g,)
    """

    #: number of outputs; a primitive with several returns a tuple from ``forward`` and gets a
    #: list of output gradients (zeros where an output was not used) in ``backward``.
    n_out = 1
    #: False for primitives with no gradient (argmax, comparisons): never recorded.
    differentiable = True
    #: None, or a method ``backward_tensors(grad)`` (Tensors in, Tensors out): the backward
    #: written with recorded ops, used for gradients of gradients
    backward_tensors = None
    #: True when ``backward`` is the holomorphic chain rule (``g * f'(z)``, ``g @ b.T``), as
    #: every primitive writes it for real numbers: for a complex output the recorded node then
    #: runs it as ``conj(backward(conj(g)))``, TensorFlow's convention (``g * conj(f'(z))``,
    #: ``g @ b^H``). False for primitives whose backward is written in that convention
    #: already (conj, real, imag, complex, casts, custom gradients).
    conjugate_complex = True

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, grad):
        raise NotImplementedError

    def __call__(self, *inputs):
        out = self.forward(*[x.data if isinstance(x, Tensor) else x for x in inputs])
        # ufuncs on 0-d arrays return NumPy scalars: keep Tensor.data an ndarray
        if self.n_out == 1:
            if type(out) is not np.ndarray:
                out = np.asarray(out)
        else:
            out = tuple(o if type(o) is np.ndarray else np.asarray(o) for o in out)
        if state.recording and self.differentiable:
            needs = tuple([isinstance(x, Tensor) and x._track for x in inputs])
            if True not in needs:
                return Tensor(out) if self.n_out == 1 else tuple(Tensor(o) for o in out)
            self.inputs = inputs
            self.needs = needs
            self._seq = next(_sequence)
            if (out if self.n_out == 1 else out[0]).dtype.kind == "c" and self.conjugate_complex:
                _conjugated(self)
            for x in inputs:
                if type(x) is Variable:
                    # the forward may have kept this buffer: the next update of the
                    # variable checks before writing in place (copy-on-write)
                    x._exposed = True
            if self.n_out == 1:
                t = Tensor(out)
                t._node = self
                t._track = True
                return t
            outs = []
            for i, o in enumerate(out):
                t = Tensor(o)
                t._node = self
                t._idx = i
                t._track = True
                outs.append(t)
            self.out_meta = [(o.shape, o.dtype) for o in out]
            return tuple(outs)
        if self.n_out == 1:
            return Tensor(out)
        return tuple(Tensor(o) for o in out)


def _conjugated(node):
    """Run ``node``'s backward in TensorFlow's complex convention (see ``conjugate_complex``)."""
    if node.__dict__.get("_conjugated"):  # an instance called again: wrapped once already
        return
    node._conjugated = True
    backward, backward_tensors = node.backward, node.backward_tensors

    def conj(g):
        if g is None:
            return None
        if isinstance(g, (list, tuple)):
            return [conj(x) for x in g]
        return np.conj(g) if np.iscomplexobj(g) else g

    def conj_tensor(g):
        from featherflow.ops import complex_parts  # a cycle: ops are built on Function

        if g is None or g.data.dtype.kind != "c":
            return g
        return complex_parts.conj(g)

    def real_tensor(g):
        from featherflow.ops import complex_parts  # a cycle: ops are built on Function

        if g is None or g.data.dtype.kind != "c":
            return g
        return complex_parts.real(g)

    # a real input next to a complex one (featherflow promotes where TF would refuse) gets the
    # real part of its gradient, as through a cast: TF's gradient of a real variable
    real = [isinstance(x, Tensor) and x.data.dtype.kind != "c" for x in node.inputs]

    def conjugated(g):
        result = backward(conj(g))
        result = result if isinstance(result, (tuple, list)) else (result,)
        return tuple(r.real.copy() if is_real and np.iscomplexobj(r) else conj(r)
                     for r, is_real in zip(result, real))

    node.backward = conjugated
    if backward_tensors is not None:
        def conjugated_tensors(g):
            g = [conj_tensor(x) for x in g] if isinstance(g, (list, tuple)) else conj_tensor(g)
            result = backward_tensors(g)
            if result is None:
                return None
            return tuple(real_tensor(r) if is_real else conj_tensor(r)
                         for r, is_real in zip(result, real))

        node.backward_tensors = conjugated_tensors


def unbroadcast(grad, shape):
    """Sum ``grad`` down to ``shape``: the gradient of a broadcast from ``shape``."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return grad.reshape(shape)


def zeros_for(meta):
    shape, dtype = meta
    return np.zeros(shape, dtype)
