"""Running a map function on a whole batch at once, when that provably gives the same result.

``from_tensor_slices(x).map(f).shuffle(n).batch(b)`` calls ``f`` once per element in
TensorFlow's C++ runtime; in Python that per-element call would dominate. When ``f`` is
element-wise (each output element depends only on the same element of the input, through
arithmetic, casts, ``where``, clipping, activations), ``f(stack(elements))`` equals
``stack(f(e) for e in elements)``, and a batch can be mapped in one call.

The check traces ``f`` once on a real element: its inputs are watched as a tape would watch
them, and the recorded primitives are read back from the outputs. ``f`` is accepted only if

- every output is an input or was computed from the inputs by primitives of
  :data:`ELEMENTWISE`;
- every primitive's watched inputs have the rank of its output (so a batch dimension in
  front lines up), and its constants no more dims than that (so they broadcast the same);
- Python never looked at a value or shape during the call (``bool(t)``, ``t.numpy()``,
  ``t.shape``, ``len(t)``, ``tf.shape(t)``: any of these could make the function behave
  differently on a batch), which ``featherflow.autodiff.state.probe`` reports.

Anything else (reductions, reshapes, indexing, string ops, Python branches on values) keeps
the per-element path, which is always correct. The first batched call is also compared with
the per-element result of its first element, as a last guard.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.ops import activations as activation_ops
from featherflow.ops import math as math_ops

ELEMENTWISE = frozenset({
    math_ops.Add, math_ops.Subtract, math_ops.Multiply, math_ops.Divide, math_ops.Pow,
    math_ops.Maximum, math_ops.SquaredDifference, math_ops.Xlogy, math_ops.Mod,
    math_ops.Negative, math_ops.Exp, math_ops.Log, math_ops.Log1p, math_ops.Expm1,
    math_ops.Sqrt, math_ops.Rsqrt, math_ops.Square, math_ops.Abs, math_ops.Sign,
    math_ops.Sin, math_ops.Cos, math_ops.Tan, math_ops.Sinh, math_ops.Cosh, math_ops.Atan,
    math_ops.Asin, math_ops.Acos, math_ops.Erf, math_ops.Reciprocal, math_ops.Clip,
    math_ops.Where, math_ops.Cast, math_ops.Identity,
    activation_ops.Elementwise, activation_ops.LeakyRelu, activation_ops.ParamElu,
})


class _Probe:
    """Told when Python reads a tensor's value or shape during the trace."""

    touched = False

    def touch(self, tensor):
        self.touched = True


def is_elementwise(fn, element):
    """True when ``fn`` (a map function) is element-wise on elements like ``element``."""
    leaves = structure.flatten(element)
    # SparseTensor and RaggedTensor components are mapped element by element
    if not leaves or any(type(a) is not np.ndarray or a.dtype.kind == "O" for a in leaves):
        return False
    inputs = []
    for a in leaves:
        t = Tensor(a)
        t._track = True
        inputs.append(t)
    args = structure.pack_as(element, inputs)
    probe = _Probe()
    previous = state.probe
    state.recording += 1
    state.probe = probe
    try:
        out = fn(*args) if type(args) is tuple else fn(args)
    except Exception:  # noqa: BLE001 - a function that fails here fails on the normal path too
        return False
    finally:
        state.recording -= 1
        state.probe = previous
    if probe.touched:
        return False
    if isinstance(out, list):
        out = tuple(out)
    outputs = structure.flatten(out) if isinstance(out, (tuple, dict)) else [out]
    watched = {id(t) for t in inputs}
    seen = set()
    return all(isinstance(o, Tensor) and _from_inputs(o, watched, seen) for o in outputs)


def _from_inputs(tensor, watched, seen):
    if id(tensor) in watched:
        return True
    node = tensor._node
    if node is None or not tensor._track:
        return False  # computed outside the recorded primitives (or a constant)
    if id(node) in seen:
        return True
    seen.add(id(node))
    if type(node) not in ELEMENTWISE and not isinstance(node, activation_ops.Elementwise):
        return False
    rank = tensor.data.ndim
    for x, needs in zip(node.inputs, node.needs):
        if needs:
            if x.data.ndim != rank or not _from_inputs(x, watched, seen):
                return False
        elif np.ndim(x.data if isinstance(x, Tensor) else x) > rank:
            return False
    return True


class BatchedFunction:
    """A map function applied to stacked elements, verified once against the per-element
    result; ``None`` from :meth:`__call__` means "use the per-element path"."""

    def __init__(self, element_fn):
        self.element_fn = element_fn  # a featherflow.data.functions.ElementFunction
        self.verified = False

    def __call__(self, batch, first_element):
        try:
            out = structure.normalize_output(
                structure.call_with_element(self.element_fn.fn, batch))
        except Exception:  # noqa: BLE001 - the per-element path reports errors properly
            return None
        if not self.verified:
            one = self.element_fn(first_element, 0)
            if not _rows_match(out, one):
                return None
            self.verified = True
        return out


def _rows_match(batched, single):
    if not structure.same_structure(batched, single):
        return False
    for b, s in zip(structure.flatten(batched), structure.flatten(single)):
        if b.dtype != s.dtype or b.shape[1:] != s.shape or b.shape[0] < 1:
            return False
        if not np.allclose(b[0], s, rtol=1e-6, atol=0, equal_nan=True):
            return False
    return True
