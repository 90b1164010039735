"""Shape primitives: reshape, transpose, concat/stack/split, slicing, gather, pad, one_hot."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops._convert import data, norm_axis, operand


def _ints(value):
    if isinstance(value, Tensor):
        value = value.data
    if isinstance(value, np.ndarray):
        return tuple(int(v) for v in value.reshape(-1))
    if isinstance(value, (list, tuple)):
        return tuple(-1 if v is None else int(v) for v in value)
    return (int(value),)


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return x.reshape(self.shape)

    def backward(self, g):
        return (g.reshape(self.src),)


class Transpose(Function):
    def __init__(self, perm):
        self.perm = perm

    def forward(self, x):
        return np.transpose(x, self.perm)

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


class Split(Function):
    def __init__(self, cuts, axis, n):
        self.cuts, self.axis, self.n_out = cuts, axis, n

    def forward(self, x):
        return tuple(np.split(x, self.cuts, axis=self.axis))

    def backward(self, gs):
        return (np.concatenate(gs, axis=self.axis),)


class GetItem(Function):
    def __init__(self, key):
        self.key = key

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        return np.asarray(x[self.key])

    def backward(self, g):
        out = np.zeros(self.shape, self.dtype)
        if _is_basic(self.key):
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
        self.shape, self.dtype, self.idx = x.shape, x.dtype, idx
        return np.take(x, idx, axis=self.axis)

    def backward(self, g):
        out = np.zeros(self.shape, self.dtype)
        ax = self.axis
        moved = np.moveaxis(out, ax, 0)
        gm = np.moveaxis(g, tuple(range(ax, ax + self.idx.ndim)), tuple(range(self.idx.ndim)))
        np.add.at(moved, self.idx, gm)
        return out, None


class Pad(Function):
    def __init__(self, pads, mode, value):
        self.pads, self.mode, self.value = pads, mode, value

    def forward(self, x):
        if self.mode == "constant":
            return np.pad(x, self.pads, mode="constant", constant_values=self.value)
        return np.pad(x, self.pads, mode=self.mode)

    def backward(self, g):
        if self.mode != "constant":
            raise NotImplementedError(
                f"pad: the gradient of mode {self.mode!r} is not implemented; use 'CONSTANT'."
            )
        idx = tuple(slice(lo, g.shape[i] - hi) for i, (lo, hi) in enumerate(self.pads))
        return (g[idx],)


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


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.src = x.shape
        return np.broadcast_to(x, self.shape)

    def backward(self, g):
        from featherflow.autodiff.function import unbroadcast

        return (unbroadcast(g, self.src),)


class Reverse(Function):
    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        return np.flip(x, self.axis)

    def backward(self, g):
        return (np.flip(g, self.axis),)


# -- public functions -----------------------------------------------------------------------
def reshape(tensor, shape, name=None):
    x = operand(tensor)
    shape = _ints(shape)
    src = np.shape(data(x))
    total = int(np.prod(src))
    known = int(np.prod([n for n in shape if n != -1]))
    bad = shape.count(-1) > 1 or (
        total != known if -1 not in shape else (known == 0 or total % known != 0))
    if bad:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {tuple(src)} ({int(np.prod(src))} "
            f"values) to {shape}. The number of values must stay the same."
        )
    return Reshape(shape)(x)


def transpose(a, perm=None, conjugate=False, name=None):
    x = operand(a)
    nd = np.ndim(data(x))
    perm = tuple(reversed(range(nd))) if perm is None else tuple(int(p) % nd for p in _ints(perm))
    return Transpose(perm)(x)


def expand_dims(input, axis, name=None):
    x = operand(input)
    nd = np.ndim(data(x))
    axis = int(axis)
    if axis < 0:
        axis += nd + 1
    shape = list(np.shape(data(x)))
    shape.insert(axis, 1)
    return Reshape(tuple(shape))(x)


def squeeze(input, axis=None, name=None):
    x = operand(input)
    shape = np.shape(data(x))
    if axis is None:
        new = tuple(n for n in shape if n != 1)
    else:
        axes = {a % len(shape) for a in _ints(axis)}
        for a in axes:
            if shape[a] != 1:
                raise ValueError(
                    f"squeeze: axis {a} has size {shape[a]}, expected 1 (shape {tuple(shape)})."
                )
        new = tuple(n for i, n in enumerate(shape) if i not in axes)
    return Reshape(new)(x)


def concat(values, axis, name=None):
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
                f"inputs must have the same shape except along the concatenation axis."
            )
    dt = np.result_type(*[data(v).dtype for v in xs])
    xs = [v if data(v).dtype == dt else _cast(v, dt) for v in xs]
    return Concat(ax)(*xs)


def _cast(x, dt):
    from featherflow.ops.math import cast

    return cast(x, dt)


def stack(values, axis=0, name=None):
    xs = [operand(v) for v in values]
    shapes = {tuple(np.shape(data(v))) for v in xs}
    if len(shapes) > 1:
        raise ValueError(f"stack: all inputs must have the same shape, received {sorted(shapes)}.")
    nd = np.ndim(data(xs[0])) + 1
    return Stack(int(axis) % nd)(*xs)


def unstack(value, num=None, axis=0, name=None):
    x = operand(value)
    nd = np.ndim(data(x))
    ax = int(axis) % nd
    n = np.shape(data(x))[ax]
    parts = split(x, n, axis=ax)
    return [squeeze(p, ax) for p in parts]


def split(value, num_or_size_splits, axis=0, num=None, name=None):
    x = operand(value)
    nd = np.ndim(data(x))
    ax = int(axis) % nd
    size = np.shape(data(x))[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        if size % n:
            raise ValueError(
                f"split: axis {ax} of size {size} cannot be split into {n} equal parts."
            )
        sizes = [size // n] * n
    else:
        sizes = list(_ints(num_or_size_splits))
        if -1 in sizes:
            sizes[sizes.index(-1)] = size - (sum(sizes) + 1)
        if sum(sizes) != size:
            raise ValueError(f"split: sizes {sizes} do not add up to axis size {size}.")
    cuts = list(np.cumsum(sizes)[:-1])
    if len(sizes) == 1:
        return [x]
    return list(Split(cuts, ax, len(sizes))(x))


def getitem(x, key):
    if isinstance(key, Tensor):
        key = key.data
    elif isinstance(key, tuple):
        key = tuple(k.data if isinstance(k, Tensor) else k for k in key)
    elif isinstance(key, list):
        key = np.asarray(key)
    return GetItem(key)(operand(x))


def gather(params, indices, axis=None, batch_dims=0, name=None):
    x = operand(params)
    idx = np.asarray(data(indices) if isinstance(indices, Tensor) else indices).astype(np.int64)
    nd = np.ndim(data(x))
    ax = 0 if axis is None else int(axis) % nd
    n = np.shape(data(x))[ax]
    if idx.size and (idx.max() >= n or idx.min() < -n):
        raise IndexError(
            f"gather: indices must be in [0, {n}) along axis {ax}; received values from "
            f"{idx.min()} to {idx.max()}."
        )
    return Gather(ax)(x, idx)


def gather_nd(params, indices, name=None):
    idx = np.asarray(data(indices)).astype(np.int64)
    key = tuple(np.moveaxis(idx, -1, 0))
    return GetItem(key)(operand(params))


def boolean_mask(tensor, mask, axis=None, name=None):
    m = np.asarray(data(mask)).astype(bool)
    return GetItem(m)(operand(tensor))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    x = operand(tensor)
    pads = [tuple(int(v) for v in p) for p in np.asarray(data(paddings)).tolist()]
    return Pad(pads, mode.lower(), constant_values)(x)


def tile(input, multiples, name=None):
    return Tile(_ints(multiples))(operand(input))


def broadcast_to(input, shape, name=None):
    return BroadcastTo(_ints(shape))(operand(input))


def reverse(tensor, axis, name=None):
    return Reverse(tuple(_ints(axis)))(operand(tensor))


def shape(input, out_type=np.int32, name=None):
    return Tensor(np.asarray(np.shape(data(operand(input))), dtype=out_type))


def rank(input, name=None):
    return Tensor(np.asarray(np.ndim(data(operand(input))), dtype=np.int32))


def size(input, out_type=np.int32, name=None):
    return Tensor(np.asarray(np.size(data(operand(input))), dtype=out_type))


def one_hot(indices, depth, on_value=None, off_value=None, axis=-1, dtype=None, name=None):
    from featherflow.backend import config

    idx = np.asarray(data(indices)).astype(np.int64)
    dt = np.dtype(dtype) if dtype is not None else config.floatx_dtype()
    on = 1 if on_value is None else data(on_value)
    off = 0 if off_value is None else data(off_value)
    hot = idx[..., None] == np.arange(int(depth))
    out = np.where(hot, on, off).astype(dt)
    if axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor(out)


def range_(start, limit=None, delta=1, dtype=None, name=None):
    if limit is None:
        start, limit = 0, start
    out = np.arange(start, limit, delta)
    if dtype is not None:
        out = out.astype(dtype)
    elif out.dtype.kind == "i":
        out = out.astype(np.int32)
    else:
        out = as_array(out)
    return Tensor(out)


def fill(dims, value, name=None):
    return Tensor(np.full(_ints(dims), data(as_array(value))))


def zeros(shape, dtype=None, name=None):
    from featherflow.backend import config

    return Tensor(np.zeros(_ints(shape), dtype or config.floatx_dtype()))


def ones(shape, dtype=None, name=None):
    from featherflow.backend import config

    return Tensor(np.ones(_ints(shape), dtype or config.floatx_dtype()))


def zeros_like(input, dtype=None, name=None):
    return Tensor(np.zeros_like(data(operand(input)), dtype=dtype))


def ones_like(input, dtype=None, name=None):
    return Tensor(np.ones_like(data(operand(input)), dtype=dtype))


def eye(num_rows, num_columns=None, dtype=None, name=None):
    from featherflow.backend import config

    return Tensor(np.eye(num_rows, num_columns, dtype=dtype or config.floatx_dtype()))


def linspace(start, stop, num, name=None):
    return Tensor(as_array(np.linspace(float(start), float(stop), int(num))))


def meshgrid(*args, indexing="xy"):
    return [Tensor(a) for a in np.meshgrid(*(data(operand(a)) for a in args), indexing=indexing)]


def sort(values, axis=-1, direction="ASCENDING", name=None):
    v = data(operand(values))
    out = np.sort(v, axis=axis)
    if direction == "DESCENDING":
        out = np.flip(out, axis)
    return Tensor(out)


def argsort(values, axis=-1, direction="ASCENDING", name=None):
    v = data(operand(values))
    if direction == "DESCENDING":
        out = np.argsort(-v, axis=axis, kind="stable")
    else:
        out = np.argsort(v, axis=axis, kind="stable")
    return Tensor(out.astype(np.int32))


def top_k(input, k=1, sorted=True, name=None):
    v = data(operand(input))
    idx = np.argsort(-v, axis=-1, kind="stable")[..., :k]
    vals = np.take_along_axis(v, idx, axis=-1)
    return Tensor(vals), Tensor(idx.astype(np.int32))


def unique(x, out_idx=np.int32, name=None):
    v = data(operand(x))
    vals, first, inv = np.unique(v, return_index=True, return_inverse=True)
    order = np.argsort(first)
    remap = np.empty_like(order)
    remap[order] = np.arange(order.size)
    return Tensor(vals[order]), Tensor(remap[inv].astype(out_idx))


