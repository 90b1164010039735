"""Shape primitives: reshape, transpose, concat/stack/split, slicing, gather, pad, one_hot."""

from collections import namedtuple

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.ops._convert import data, is_variable, norm_axis, operand


class _View(Function):
    """A primitive whose forward may return a view of its input.

    ``copy`` is set when the input is a Variable, so the result does not follow later
    ``assign`` calls (TensorFlow reads a Variable's value at the op).
    """

    copy = False

    def out(self, view):
        return view.copy() if self.copy else view


def _view_op(op, x):
    if is_variable(x):
        op.copy = True
    return op(x)


def _ints(value):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        return tuple(int(v) for v in value.reshape(-1))
    if isinstance(value, (list, tuple)):
        return tuple(-1 if v is None else int(v) for v in value)
    return (int(value),)


class Reshape(_View):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return self.out(x.reshape(self.shape))

    def backward(self, g):
        return (g.reshape(self.src),)


class Transpose(_View):
    def __init__(self, perm):
        self.perm = perm

    def forward(self, x):
        return self.out(x.transpose(self.perm))

    def backward(self, g):
        return (np.transpose(g, np.argsort(self.perm)),)


class Concat(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        self.sizes = [x.shape[self.axis] for x in xs]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, g):
        cuts = np.cumsum(self.sizes)[:-1]
        return tuple(np.split(g, cuts, axis=self.axis))


class Stack(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.stack(xs, axis=self.axis)

    def backward(self, g):
        n = g.shape[self.axis]
        return tuple(np.take(g, i, axis=self.axis) for i in range(n))


class Split(_View):
    def __init__(self, cuts, axis, n):
        self.cuts, self.axis, self.n_out = cuts, axis, n

    def forward(self, x):
        return tuple(self.out(p) for p in np.split(x, self.cuts, axis=self.axis))

    def backward(self, gs):
        return (np.concatenate(gs, axis=self.axis),)


class GetItem(_View):
    """``x[key]`` for any NumPy key; advanced (array) keys scatter-add their gradient, so
    repeated indices accumulate."""

    def __init__(self, key):
        self.key = key

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        self.basic = _is_basic(self.key)
        return self.out(np.asarray(x[self.key]))

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        if self.basic:
            out[self.key] = g
        else:
            np.add.at(out, self.key, g)
        return (out,)


def _is_basic(key):
    keys = key if isinstance(key, tuple) else (key,)
    return all(isinstance(k, (int, np.integer, slice)) or k is None or k is Ellipsis
               for k in keys)


class Gather(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x, idx):
        self.shape, self.idx = x.shape, idx
        return np.take(x, idx, axis=self.axis)

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        ax = self.axis
        moved = np.moveaxis(out, ax, 0)
        gm = np.moveaxis(g, tuple(range(ax, ax + self.idx.ndim)), tuple(range(self.idx.ndim)))
        np.add.at(moved, self.idx, gm)
        return out, None


class Pad(Function):
    def __init__(self, pads, mode, value):
        self.pads, self.mode, self.value = pads, mode, value

    def forward(self, x):
        self.shape = x.shape
        if self.mode == "constant":
            return np.pad(x, self.pads, mode="constant", constant_values=self.value)
        return np.pad(x, self.pads, mode=self.mode)

    def backward(self, g):
        if self.mode == "constant":
            idx = tuple(slice(lo, g.shape[i] - hi) for i, (lo, hi) in enumerate(self.pads))
            return (g[idx],)
        # reflect / symmetric: pad the element indices the same way, then add every padded
        # position's gradient back to the element it copies
        n = int(np.prod(self.shape))
        src = np.pad(np.arange(n).reshape(self.shape), self.pads, mode=self.mode)
        back = np.bincount(src.reshape(-1), weights=g.reshape(-1), minlength=n)
        return (back.reshape(self.shape).astype(g.dtype, copy=False),)


class Tile(Function):
    def __init__(self, reps):
        self.reps = reps

    def forward(self, x):
        self.shape = x.shape
        return np.tile(x, self.reps)

    def backward(self, g):
        shp = []
        for r, n in zip(self.reps, self.shape):
            shp += [r, n]
        return (g.reshape(shp).sum(axis=tuple(range(0, len(shp), 2))),)


class BroadcastTo(_View):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return self.out(np.broadcast_to(x, self.shape))

    def backward(self, g):
        return (unbroadcast(g, self.src),)


class Reverse(_View):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return self.out(np.flip(x, self.axis))

    def backward(self, g):
        return (np.flip(g, self.axis),)


class Roll(_View):
    def __init__(self, shift, axis):
        self.shift, self.axis = shift, axis

    def forward(self, x):
        return np.roll(x, self.shift, self.axis)

    def backward(self, g):
        return (np.roll(g, tuple(-s for s in self.shift), self.axis),)


class Repeat(Function):
    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, x):
        self.counts = np.broadcast_to(self.repeats, (x.shape[self.axis],))
        return np.repeat(x, self.repeats, axis=self.axis)

    def backward(self, g):
        counts = self.counts
        total = g.shape[self.axis]
        shape = list(g.shape)
        shape[self.axis] = counts.size
        if total == 0:
            return (np.zeros(shape, g.dtype),)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        out = np.add.reduceat(g, np.minimum(starts, total - 1), axis=self.axis)
        if (counts == 0).any():
            # reduceat gives the element at the start for empty segments: they get nothing
            idx = [slice(None)] * g.ndim
            idx[self.axis] = counts == 0
            out[tuple(idx)] = 0
        return (out,)


class TakeAlong(Function):
    """``take_along_axis(x, idx, axis)`` (values of sort / top_k); gradient scattered back."""

    def __init__(self, idx, axis):
        self.idx, self.axis = idx, axis

    def forward(self, x):
        self.shape = x.shape
        return np.take_along_axis(x, self.idx, axis=self.axis)

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        np.put_along_axis(out, self.idx, g, axis=self.axis)
        return (out,)


class ScatterNd(Function):
    """``tensor`` with ``updates`` written (``mode="update"``) or added (``"add"``) at the
    positions ``key`` (a tuple of index arrays); ``tensor`` None starts from zeros."""

    def __init__(self, key, shape, mode):
        self.key, self.shape, self.mode = key, shape, mode

    def forward(self, updates, tensor=None):
        if tensor is None:
            out = np.zeros(self.shape, updates.dtype)
        else:
            out = tensor.copy()
        if self.mode == "update":
            out[self.key] = updates
        else:
            np.add.at(out, self.key, updates)
        return out

    def backward(self, g):
        gu = g[self.key]
        if len(self.needs) == 1:
            return (gu,)
        gt = g
        if self.mode == "update":
            gt = g.copy()
            gt[self.key] = 0
        return gu, gt


# -- public functions -----------------------------------------------------------------------
def reshape(tensor, shape, name=None):
    """``tensor`` with a new ``shape`` (one entry may be -1), as ``tf.reshape``."""
    x = operand(tensor)
    shape = _ints(shape)
    src = np.shape(data(x))
    total = int(np.prod(src))
    known = int(np.prod([n for n in shape if n != -1]))
    bad = shape.count(-1) > 1 or any(n < -1 for n in shape) or (
        total != known if -1 not in shape else (known == 0 or total % known != 0))
    if bad:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {tuple(src)} ({total} values) to "
            f"{shape}. The number of values must stay the same (at most one -1)."
        )
    return _view_op(Reshape(shape), x)


def transpose(a, perm=None, conjugate=False, name=None):
    """Permute the axes of ``a`` (reversed when ``perm`` is None), as ``tf.transpose``."""
    x = operand(a)
    nd = np.ndim(data(x))
    if perm is None:
        perm = tuple(reversed(range(nd)))
    else:
        perm = tuple(norm_axis(_ints(perm), nd))
        if sorted(perm) != list(range(nd)):
            raise ValueError(
                f"transpose: perm {perm} is not a permutation of the {nd} axes of a tensor of "
                f"shape {tuple(np.shape(data(x)))}."
            )
    return _view_op(Transpose(perm), x)


def matrix_transpose(a, name=None, conjugate=False):
    """Swap the last two axes (``tf.linalg.matrix_transpose``)."""
    nd = np.ndim(data(operand(a)))
    if nd < 2:
        raise ValueError(f"matrix_transpose: expected a tensor of rank >= 2, received rank {nd}.")
    perm = list(range(nd))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return transpose(a, perm)


def expand_dims(input, axis, name=None):
    """Insert a size-1 axis at ``axis`` (negative counts from the end), as ``tf.expand_dims``."""
    x = operand(input)
    shape = list(np.shape(data(x)))
    nd = len(shape)
    axis = int(axis)
    if not -nd - 1 <= axis <= nd:
        raise ValueError(
            f"expand_dims: axis {axis} is out of range for a tensor of rank {nd}: expected "
            f"[{-nd - 1}, {nd}]."
        )
    if axis < 0:
        axis += nd + 1
    shape.insert(axis, 1)
    return _view_op(Reshape(tuple(shape)), x)


def squeeze(input, axis=None, name=None):
    """Remove size-1 axes (all of them, or those in ``axis``), as ``tf.squeeze``."""
    x = operand(input)
    shape = np.shape(data(x))
    if axis is None:
        new = tuple(n for n in shape if n != 1)
    else:
        axes = set(norm_axis(_ints(axis), len(shape)))
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} has size {shape[a]}, expected 1 (shape {tuple(shape)})."
                )
        new = tuple(n for i, n in enumerate(shape) if i not in axes)
    return _view_op(Reshape(new), x)


def concat(values, axis, name=None):
    """Join tensors along an existing ``axis`` (``tf.concat``)."""
    xs = [operand(v) for v in values]
    if not xs:
        raise ValueError("concat: expected a non-empty list of tensors, received an empty list.")
    nd = np.ndim(data(xs[0]))
    ax = norm_axis(axis, nd)
    shapes = [np.shape(data(v)) for v in xs]
    for s in shapes:
        if len(s) != nd or any(a != b for i, (a, b) in enumerate(zip(s, shapes[0])) if i != ax):
            raise ValueError(
                f"concat: shapes {[tuple(s) for s in shapes]} differ outside axis {axis}; all "
                f"inputs must have the same rank and the same sizes except along that axis."
            )
    dt = _common_dtype(xs)
    xs = [v if data(v).dtype == dt else _cast(v, dt) for v in xs]
    return Concat(ax)(*xs)


def _cast(x, dt):
    from featherflow.ops.math import cast

    return cast(x, dt)


def _common_dtype(xs):
    """One dtype for joined tensors: the widest float among them if any (so ints or Python
    numbers joined to float32 tensors give float32, not NumPy's float64), else NumPy's."""
    dts = [data(v).dtype for v in xs]
    floats = [d for d in dts if d.kind == "f"]
    return np.result_type(*floats) if floats else np.result_type(*dts)


def stack(values, axis=0, name=None):
    """Join same-shaped tensors along a new ``axis`` (``tf.stack``)."""
    xs = [operand(v) for v in values]
    if not xs:
        raise ValueError("stack: expected a non-empty list of tensors, received an empty list.")
    shapes = [tuple(np.shape(data(v))) for v in xs]
    if len(set(shapes)) > 1:
        raise ValueError(f"stack: all inputs must have the same shape, received {shapes}.")
    dt = _common_dtype(xs)
    xs = [v if data(v).dtype == dt else _cast(v, dt) for v in xs]
    nd = len(shapes[0]) + 1
    return Stack(norm_axis(axis, nd))(*xs)


def unstack(value, num=None, axis=0, name=None):
    """Split along ``axis`` into a list of tensors without that axis (``tf.unstack``)."""
    x = operand(value)
    nd = np.ndim(data(x))
    ax = norm_axis(axis, nd)
    n = np.shape(data(x))[ax]
    if num is not None and int(num) != n:
        raise ValueError(f"unstack: num={num} but axis {ax} has size {n}.")
    parts = split(x, n, axis=ax)
    return [squeeze(p, ax) for p in parts]


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    """Split into equal parts or parts of the given sizes (one may be -1), as ``tf.split``."""
    x = operand(value)
    nd = np.ndim(data(x))
    ax = norm_axis(axis, nd)
    size = np.shape(data(x))[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        if n <= 0 or size % n:
            raise ValueError(
                f"split: axis {ax} of size {size} cannot be split into {n} equal parts."
            )
        sizes = [size // n] * n
    else:
        sizes = list(_ints(num_or_size_splits))
        if sizes.count(-1) > 1 or any(s < -1 for s in sizes):
            raise ValueError(f"split: sizes {sizes} may hold one -1 and no other negative.")
        if -1 in sizes:
            sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
        if sum(sizes) != size or min(sizes) < 0:
            raise ValueError(f"split: sizes {sizes} do not add up to axis {ax}'s size {size}.")
    if len(sizes) == 1:
        return [identity_view(x)]
    cuts = list(np.cumsum(sizes)[:-1])
    return list(_view_op(Split(cuts, ax, len(sizes)), x))


def identity_view(x):
    from featherflow.ops.math import identity

    return identity(x)


def getitem(x, key):
    """``x[key]`` for Tensors: basic and advanced NumPy indexing, with gradients."""
    if isinstance(key, Tensor):
        key = key.data
    elif isinstance(key, tuple):
        key = tuple(k.data if isinstance(k, Tensor) else
                    np.asarray(k) if isinstance(k, list) else k for k in key)
    elif isinstance(key, list):
        key = np.asarray(key)
    x = operand(x)
    try:
        return _view_op(GetItem(key), x)
    except IndexError as err:
        raise IndexError(
            f"Tensor indexing: key {key!r} does not fit a tensor of shape "
            f"{tuple(np.shape(data(x)))} ({err})."
        ) from None


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Take slices of ``params`` along ``axis`` at ``indices`` (``tf.gather``).

    ``batch_dims`` leading axes of ``params`` and ``indices`` are matched one to one.
    """
    x = operand(params)
    idx = np.asarray(data(indices)).astype(np.int64)
    nd = np.ndim(data(x))
    b = int(batch_dims)
    if b < 0:
        b += idx.ndim
    ax = b if axis is None else norm_axis(axis, nd)
    n = np.shape(data(x))[ax]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(
            f"gather: indices must be in [0, {n}) along axis {ax}; received values from "
            f"{idx.min()} to {idx.max()}."
        )
    if b == 0:
        return Gather(ax)(x, idx)
    return _batched_gather(x, idx, ax, b)


def _batched_gather(x, idx, ax, b):
    """gather with ``b`` batch dims: flatten the batch into the gathered axis, offset the
    indices, gather once, then restore TensorFlow's output layout."""
    shape = np.shape(data(x))
    if ax < b or idx.shape[:b] != shape[:b]:
        raise ValueError(
            f"gather: with batch_dims={b} the first {b} axes of params {tuple(shape)} and "
            f"indices {idx.shape} must match, and axis ({ax}) must be >= batch_dims."
        )
    nb = int(np.prod(shape[:b]))
    n = shape[ax]
    # params -> (batch..., n, middle..., rest...) -> (nb * n, middle..., rest...)
    perm = list(range(b)) + [ax] + [i for i in range(b, len(shape)) if i != ax]
    moved = transpose(x, perm)
    flat = reshape(moved, (nb * n,) + tuple(shape[i] for i in perm[b + 1:]))
    offsets = (np.arange(nb) * n).reshape(shape[:b] + (1,) * (idx.ndim - b))
    got = Gather(0)(flat, (idx % n) + offsets)
    # got: batch..., idx dims..., middle (shape[b:ax])..., rest (shape[ax+1:])...
    n_idx = idx.ndim - b
    n_mid = ax - b
    order = (list(range(b)) + [idx.ndim + k for k in range(n_mid)]
             + [b + k for k in range(n_idx)]
             + list(range(idx.ndim + n_mid, idx.ndim + len(shape) - b - 1)))
    return transpose(got, order)


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gather slices of ``params`` at the index tuples in the last axis of ``indices``."""
    if batch_dims:
        raise ValueError(
            f"gather_nd: batch_dims={batch_dims} is not supported; add the batch index as the "
            f"first coordinate of each index tuple instead."
        )
    idx = np.asarray(data(indices)).astype(np.int64)
    key = tuple(np.moveaxis(idx, -1, 0))
    return getitem(params, key)


def boolean_mask(tensor, mask, axis=None, name=None):
    """The entries of ``tensor`` where ``mask`` is True; ``mask`` covers the axes from
    ``axis`` (0 when None), as ``tf.boolean_mask``."""
    m = np.asarray(data(mask)).astype(bool)
    x = operand(tensor)
    ax = 0 if axis is None else norm_axis(axis, np.ndim(data(x)))
    shape = np.shape(data(x))
    if shape[ax:ax + m.ndim] != m.shape:
        raise ValueError(
            f"boolean_mask: mask of shape {m.shape} does not match the tensor's axes "
            f"{ax}..{ax + m.ndim - 1} (tensor shape {tuple(shape)})."
        )
    return GetItem((slice(None),) * ax + (m,))(x)


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad each axis by ``paddings[i] = (before, after)``; modes CONSTANT, REFLECT,
    SYMMETRIC (``tf.pad``)."""
    x = operand(tensor)
    pads = [tuple(int(v) for v in p) for p in np.asarray(data(paddings)).tolist()]
    nd = np.ndim(data(x))
    if len(pads) != nd or any(len(p) != 2 or min(p) < 0 for p in pads):
        raise ValueError(
            f"pad: paddings must be {nd} non-negative (before, after) pairs for a tensor of "
            f"rank {nd}, received {pads}."
        )
    m = str(mode).lower()
    if m not in ("constant", "reflect", "symmetric"):
        raise ValueError(
            f"pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', received {mode!r}."
        )
    value = np.asarray(data(constant_values)).item()
    return Pad(pads, m, value)(x)


def tile(input, multiples, name=None):
    """Repeat the whole tensor ``multiples[i]`` times along axis i (``tf.tile``)."""
    x = operand(input)
    reps = _ints(multiples)
    nd = np.ndim(data(x))
    if len(reps) != nd:
        raise ValueError(
            f"tile: multiples must have one entry per axis ({nd}), received {list(reps)}."
        )
    return Tile(reps)(x)


def repeat(input, repeats, axis=None, name=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened when None)."""
    x = operand(input)
    if axis is None:
        x = reshape(x, (-1,))
        axis = 0
    ax = norm_axis(axis, np.ndim(data(x)))
    reps = np.asarray(data(repeats)).astype(np.int64)
    if reps.ndim > 1 or (reps.ndim == 1 and reps.size not in (1, np.shape(data(x))[ax])):
        raise ValueError(
            f"repeat: repeats must be a scalar or have one entry per element of axis {ax} "
            f"({np.shape(data(x))[ax]}), received shape {reps.shape}."
        )
    return Repeat(reps, ax)(x)


def roll(input, shift, axis, name=None):
    """Shift elements cyclically by ``shift`` along ``axis`` (``tf.roll``)."""
    x = operand(input)
    shifts = _ints(shift)
    axes = norm_axis(_ints(axis), np.ndim(data(x)))
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes.")
    return Roll(shifts, axes)(x)


def broadcast_to(input, shape, name=None):
    """``input`` broadcast to ``shape`` (``tf.broadcast_to``)."""
    x = operand(input)
    target = _ints(shape)
    try:
        np.broadcast_shapes(np.shape(data(x)), target)
    except ValueError:
        raise ValueError(
            f"broadcast_to: cannot broadcast shape {tuple(np.shape(data(x)))} to {target}."
        ) from None
    return _view_op(BroadcastTo(target), x)


def reverse(tensor, axis, name=None):
    """Reverse the order along each of ``axis`` (``tf.reverse``)."""
    x = operand(tensor)
    return _view_op(Reverse(norm_axis(_ints(axis), np.ndim(data(x)))), x)


def _scatter_key(indices):
    idx = np.asarray(data(indices)).astype(np.int64)
    return tuple(np.moveaxis(idx, -1, 0))


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (``tf.scatter_nd``)."""
    u = operand(updates)
    return ScatterNd(_scatter_key(indices), _ints(shape), "add")(u)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """``tensor`` with the entries at ``indices`` replaced by ``updates``."""
    t = operand(tensor)
    u = operand(updates)
    return ScatterNd(_scatter_key(indices), np.shape(data(t)), "update")(u, t)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """``tensor`` with ``updates`` added at ``indices``."""
    t = operand(tensor)
    u = operand(updates)
    return ScatterNd(_scatter_key(indices), np.shape(data(t)), "add")(u, t)


def shape(input, out_type=np.int32, name=None):
    """The shape as an int32 Tensor (``tf.shape``)."""
    return Tensor(np.asarray(np.shape(data(operand(input))), dtype=out_type))


def rank(input, name=None):
    """The number of axes as a scalar int32 Tensor (``tf.rank``)."""
    return Tensor(np.asarray(np.ndim(data(operand(input))), dtype=np.int32))


def size(input, out_type=np.int32, name=None):
    """The number of elements as a scalar Tensor (``tf.size``)."""
    return Tensor(np.asarray(np.size(data(operand(input))), dtype=out_type))


def one_hot(indices, depth, on_value=None, off_value=None, axis=-1, dtype=None, name=None):
    """One-hot vectors of length ``depth`` (indices out of range give all ``off_value``)."""
    idx = np.asarray(data(indices)).astype(np.int64)
    if dtype is not None:
        dt = np.dtype(dtype)
    elif on_value is not None or off_value is not None:
        dt = as_array(on_value if on_value is not None else off_value).dtype
    else:
        dt = config.floatx_dtype()
    on = 1 if on_value is None else np.asarray(data(on_value))
    off = 0 if off_value is None else np.asarray(data(off_value))
    hot = idx[..., None] == np.arange(int(depth))
    out = np.where(hot, on, off).astype(dt)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def range_(start, limit=None, delta=1, dtype=None, name=None):
    """``tf.range``: int32 for integer arguments, ``floatx`` for floats."""
    if limit is None:
        start, limit = 0, start
    start, limit, delta = (np.asarray(data(v)).item() for v in (start, limit, delta))
    out = np.arange(start, limit, delta)
    if dtype is not None:
        out = out.astype(dtype)
    elif out.dtype.kind == "i":
        out = out.astype(np.int32)
    else:
        out = as_array(out)
    return Tensor(out)


def fill(dims, value, name=None):
    """A tensor of shape ``dims`` filled with ``value`` (``tf.fill``)."""
    v = as_array(value)
    return Tensor(np.full(_ints(dims), v, dtype=v.dtype))


def _float_dtype(dtype):
    return config.floatx_dtype() if dtype is None else np.dtype(dtype)


def zeros(shape, dtype=None, name=None):
    """Zeros of ``shape`` (``floatx`` unless ``dtype`` is given), as ``tf.zeros``."""
    return Tensor(np.zeros(_ints(shape), _float_dtype(dtype)))


def ones(shape, dtype=None, name=None):
    """Ones of ``shape`` (``floatx`` unless ``dtype`` is given), as ``tf.ones``."""
    return Tensor(np.ones(_ints(shape), _float_dtype(dtype)))


def zeros_like(input, dtype=None, name=None):
    """Zeros with the shape (and dtype, unless given) of ``input``."""
    return Tensor(np.zeros_like(data(operand(input)), dtype=dtype))


def ones_like(input, dtype=None, name=None):
    """Ones with the shape (and dtype, unless given) of ``input``."""
    return Tensor(np.ones_like(data(operand(input)), dtype=dtype))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=None, name=None):
    """Identity matrix (optionally batched), as ``tf.eye``."""
    out = np.eye(int(num_rows), None if num_columns is None else int(num_columns),
                 dtype=_float_dtype(dtype))
    if batch_shape is not None:
        out = np.broadcast_to(out, _ints(batch_shape) + out.shape).copy()
    return Tensor(out)


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (``tf.linspace``)."""
    return Tensor(as_array(np.linspace(float(data(start)), float(data(stop)), int(data(num)))))


def meshgrid(*args, indexing="xy", name=None):
    """Coordinate grids from 1-D tensors (``tf.meshgrid``)."""
    return [Tensor(a) for a in np.meshgrid(*(data(operand(a)) for a in args),
                                           indexing=indexing)]


def _order(v, axis, direction):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(
            f"sort: direction must be 'ASCENDING' or 'DESCENDING', received {direction!r}."
        )
    if direction == "DESCENDING":
        # stable descending order: sort the negated keys (flipping would reverse ties)
        key = -v if v.dtype.kind in "fi" else ~v if v.dtype.kind == "b" else v.max() - v
        return np.argsort(key, axis=axis, kind="stable")
    return np.argsort(v, axis=axis, kind="stable")


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorted values along ``axis``, differentiable (``tf.sort``)."""
    x = operand(values)
    ax = norm_axis(axis, np.ndim(data(x)))
    return TakeAlong(_order(data(x), ax, direction), ax)(x)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Indices that sort ``values`` along ``axis`` (int32, as ``tf.argsort``)."""
    v = data(operand(values))
    return Tensor(_order(v, norm_axis(axis, v.ndim), direction).astype(np.int32))


TopK = namedtuple("TopK", ["values", "indices"])


def top_k(input, k=1, sorted=True, name=None):
    """The ``k`` largest values of the last axis and their indices; values differentiable."""
    x = operand(input)
    v = data(x)
    n = v.shape[-1] if v.ndim else 0
    if not 0 <= int(k) <= n:
        raise ValueError(f"top_k: k={k} must be in [0, {n}] for a last axis of size {n}.")
    idx = _order(v, -1, "DESCENDING")[..., : int(k)]
    return TopK(TakeAlong(idx, v.ndim - 1)(x), Tensor(idx.astype(np.int32)))


def unique(x, out_idx=np.int32, name=None):
    """Unique values in order of first appearance, and each input's index into them."""
    v = data(operand(x))
    vals, first, inv = np.unique(v, return_index=True, return_inverse=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    return Tensor(vals[order]), Tensor(remap[inv.reshape(-1)].astype(out_idx))
