"""The output spec of a map function as TensorFlow's tracer sees it.

TensorFlow learns ``map``'s element spec by tracing the function into a graph: each op's
shape function turns its inputs' static shapes (``None`` where unknown) into its outputs'.
featherflow runs eagerly, so it runs the function once on the first element (as before)
under a GradientTape watching the inputs, which records every differentiable primitive the
function calls, and then replays the static shapes through the recorded ops from the input
spec:

- ``x[...]`` follows TensorFlow's strided-slice rule: a slice of an unknown dimension is
  unknown (``w[:, :24]`` of ``(None, None, 3)`` is ``(None, None, 3)``), a slice of a known
  one is computed, an integer index drops the dimension;
- elementwise ops broadcast static shapes as TensorFlow does (``None`` against a known
  length > 1 is that length); transpose permutes them, tile multiplies and pad adds to
  them; concat sums the joined axis (unknown if any input's is) and stack counts its
  inputs; what ``tf.py_function`` returns has an unknown shape, rank included;
- an op with one tensor input and an output of the input's shape keeps the input's static
  shape (unary elementwise ops, casts, activations);
- any other op whose inputs are fully known gives its output's shape; if some input
  dimension is unknown, an output dimension of the same length at the same axis is unknown
  (matmul, reductions and concatenations keep the batch dimension unknown);
- ops whose output length depends on the values (``tf.strings.split``) mark it unknown
  themselves (``featherflow.autodiff.state.data_dependent``), as their TensorFlow shape
  functions do; a RaggedTensor's row count follows its row partition; a SparseTensor whose
  ``dense_shape`` was computed from the inputs has an unknown shape (TF's tracer has no
  constant value for it).

A value made without a recorded op (a constant, an op with no gradient such as a comparison
or ``argmax``, a non-tensor result) keeps its shape except where its length matches an
unknown dimension of the input at the same axis, the rule map used before. The function
runs once either way; iteration never depends on the result.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.data import seeds, structure

# elementwise primitives of two operands (featherflow/ops/math.py): broadcast shapes
_BROADCAST = frozenset({"Add", "Subtract", "Multiply", "Divide", "Pow", "Maximum", "Minimum",
                        "SquaredDifference", "Xlogy", "Mod", "Where"})


class Trace:
    """The static shapes known while one traced call runs."""

    def __init__(self, unknown):
        self.static = {}  # id(tensor) -> (tensor, static shape); the tensor is kept alive
        self.partitions = {}  # id(row_splits array) -> (array, static row count)
        self.unknown = unknown  # (axis, length) of the input spec's unknown dimensions
        self.passed = {}  # id(input leaf that is no Tensor) -> (leaf, its input spec)
        self.sparse = {}  # id(SparseTensor) -> (it, the axes of its shape known only from data)

    # -- marks, by the input and by data-dependent ops -------------------------------------
    def set(self, tensor, shape):
        """``shape``: a tuple (``None`` for unknown dims), or None for an unknown rank."""
        self.static[id(tensor)] = (tensor, None if shape is None else tuple(shape))

    def unknown_shape(self, value):
        if isinstance(value, Tensor):
            self.set(value, None)

    def refine(self, tensor, dims):
        static = self.shape_of(tensor)
        if static is None or len(static) != len(dims):
            self.set(tensor, dims)
        else:
            self.set(tensor, [d if d is not None else w for d, w in zip(static, dims)])

    def set_rows(self, ragged, nrows):
        splits = ragged._row_splits
        self.partitions[id(splits)] = (splits, nrows)

    def data_dependent(self, value, axes):
        if structure.is_sparse(value):
            self.sparse[id(value)] = (value, tuple(axes))
            return
        if structure.is_ragged(value):
            if 0 in axes:
                self.set_rows(value, None)
            return
        if isinstance(value, Tensor):
            static = self.shape_of(value)
            if static is None:
                return
            shape = list(static)
            for axis in axes:
                shape[axis] = None
            self.set(value, shape)

    # -- reading static shapes back -----------------------------------------------------------
    def shape_of(self, t):
        """The static shape of Tensor ``t``: replayed through the recorded ops."""
        stack = [(t, False)]
        while stack:  # depth first, each op's inputs resolved before the op
            top, expanded = stack.pop()
            if id(top) in self.static:
                continue
            node = top._node
            if node is not None and not expanded:
                stack.append((top, True))
                stack.extend((x, False) for x in node.inputs
                             if isinstance(x, Tensor) and id(x) not in self.static)
                continue
            self.set(top, self._resolve(top))
        return self.static[id(t)][1]

    def _resolve(self, t):
        concrete = tuple(t.data.shape)
        node = t._node
        if node is None:
            if isinstance(t, Variable):
                return concrete
            return tuple(None if (i, d) in self.unknown else d for i, d in enumerate(concrete))
        inputs = [self.static[id(x)][1] if isinstance(x, Tensor) else np.shape(x)
                  for x in node.inputs]
        tensors = [s for x, s in zip(node.inputs, inputs) if isinstance(x, Tensor)]
        if any(s is None for s in inputs):
            return None  # an input of unknown rank: TF's shape functions give none either
        if all(None not in s for s in inputs):
            return concrete
        kind = type(node).__name__
        if kind == "GetItem":
            sliced = _strided_slice(inputs[0], node.key)
            if sliced is not None and len(sliced) == len(concrete):
                return sliced
        if kind in _BROADCAST or (kind == "NoGrad" and isinstance(node.fn, np.ufunc)):
            return _broadcast(inputs, concrete)
        if kind == "Pad" and len(node.pads) == len(inputs[0]) == len(concrete):
            return tuple(None if d is None else d + int(lo) + int(hi)
                         for d, (lo, hi) in zip(inputs[0], node.pads))
        if kind == "Tile" and len(node.reps) == len(inputs[0]) == len(concrete):
            return tuple(None if d is None else d * r for d, r in zip(inputs[0], node.reps))
        if kind == "Transpose" and node.perm is not None and len(node.perm) == len(concrete):
            return tuple(inputs[0][p] for p in node.perm)
        if kind in ("Concat", "Stack") and all(len(s) == len(inputs[0]) for s in inputs):
            return _join(inputs, node.axis % len(concrete), kind == "Stack", concrete)
        if len(tensors) == 1 and node.n_out == 1 and len(node.inputs) == 1 and \
                tuple(node.inputs[0].data.shape) == concrete:
            return tensors[0]
        unknown = {(i, x.data.shape[i]) for x, s in zip(node.inputs, inputs)
                   if isinstance(x, Tensor) for i, d in enumerate(s) if d is None}
        return tuple(None if (i, d) in unknown else d for i, d in enumerate(concrete))

    def spec_of(self, value):
        """The spec of one output leaf, with its static shape."""
        entry = self.passed.get(id(value))
        if entry is not None:  # an input component returned as it came (a SparseTensor)
            return entry[1]
        spec = structure.spec_of(value)
        if isinstance(value, Tensor):
            return spec._with_shape(self.shape_of(value))
        if structure.is_ragged(value):
            shape = list(spec._shape)
            entry = self.partitions.get(id(value._row_splits))
            if entry is not None:
                shape[0] = entry[1]
            elif (0, shape[0]) in self.unknown:
                shape[0] = None
            flat = value.flat_values
            static = self.shape_of(flat) if isinstance(flat, Tensor) else None
            if static is not None:
                inner = static[1:]
                shape[len(shape) - len(inner):] = inner
            return spec._with_shape(tuple(shape))
        if structure.is_sparse(value):
            marked = self.sparse.get(id(value), (None, ()))[1]
            return spec._with_shape(tuple(
                None if i in marked or (i, d) in self.unknown else d
                for i, d in enumerate(spec._shape)))
        return spec


def _strided_slice(shape, key):
    """TensorFlow's static shape of ``x[key]`` for a basic key, or None for another key."""
    keys = key if isinstance(key, tuple) else (key,)
    if not all(isinstance(k, (int, np.integer, slice)) or k is None or k is Ellipsis
               for k in keys):
        return None
    consumed = sum(1 for k in keys if k is not None and k is not Ellipsis)
    if consumed > len(shape) or sum(k is Ellipsis for k in keys) > 1:
        return None
    out = []
    axis = 0
    for k in keys:
        if k is None:
            out.append(1)
        elif k is Ellipsis:
            skip = len(shape) - consumed
            out.extend(shape[axis:axis + skip])
            axis += skip
        elif isinstance(k, slice):
            d = shape[axis]
            out.append(None if d is None else len(range(*k.indices(d))))
            axis += 1
        else:
            axis += 1
    out.extend(shape[axis:])
    return tuple(out)


def _join(shapes, axis, stack, concrete):
    """tf.concat / tf.stack: the joined axis sums (or counts) the inputs, the others merge
    (known where any input knows them)."""
    out = []
    source = 0
    for i in range(len(concrete)):
        if i == axis:
            if stack:
                out.append(len(shapes))
                continue
            dims = [s[i] for s in shapes]
            out.append(None if None in dims else sum(dims))
            source += 1
            continue
        dims = [s[source] for s in shapes]
        known = [d for d in dims if d is not None]
        out.append(known[0] if known else None)
        source += 1
    return tuple(out)


def _broadcast(shapes, concrete):
    rank = len(concrete)
    out = []
    for axis in range(rank):
        dims = [s[len(s) - rank + axis] for s in shapes if len(s) - rank + axis >= 0]
        known = [d for d in dims if d is not None and d != 1]
        if known:
            out.append(known[0])
        elif any(d is None for d in dims):
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def traced_spec(fn, element, input_spec):
    """``(output element as arrays, its spec as TensorFlow's tracer gives it)`` for one call
    of ``fn`` on ``element`` (an element of ``input_spec``)."""
    unknown = {(i, _length(a, i)) for s, a in zip(structure.flatten(input_spec),
                                                 structure.flatten(element))
               if s._shape is not None for i, d in enumerate(s._shape) if d is None}
    trace = Trace(unknown)
    args = structure.to_tensors(element)
    for s, a in zip(structure.flatten(input_spec), structure.flatten(args)):
        if isinstance(a, Tensor):
            trace.set(a, s._shape)  # None: an input of unknown rank
        elif structure.is_ragged(a) and s._shape is not None:
            trace.set_rows(a, s._shape[0])
            trace.passed[id(a)] = (a, s)
        elif not isinstance(a, Tensor):
            trace.passed[id(a)] = (a, s)
    watched = [a for a in structure.flatten(args) if isinstance(a, Tensor)]
    previous = state.begin_trace(trace)
    try:
        with GradientTape(persistent=True) as tape:
            tape.watch(watched)
            with seeds.function_scope():
                if type(args) is tuple or (isinstance(args, tuple)
                                           and not structure.is_namedtuple(args)):
                    out = fn(*args)
                else:
                    out = fn(args)
        if isinstance(out, list):
            out = tuple(out)
        element = structure.normalize_output(out)
        spec = structure.spec_of(element)
        leaves = [trace.spec_of(raw) if isinstance(raw, Tensor) or structure.is_ragged(raw)
                  or structure.is_sparse(raw) or id(raw) in trace.passed else leaf
                  for raw, leaf in zip(structure.flatten(out), structure.flatten(spec))]
    finally:
        state.end_trace(previous)
    return element, structure.pack_as(spec, leaves)


def _length(leaf, axis):
    """The element's length along ``axis``; for a ragged dimension its longest row."""
    length = leaf.shape[axis]
    if length is None:
        return int(leaf.bounding_shape(axis).numpy())
    return length
