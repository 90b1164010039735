"""Reading and writing elements by index: slicing (``x[...]``), gather, boolean_mask, scatter."""


import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import fast
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, norm_axis, operand
from featherflow.ops.reshape import View, int_tuple, reshape, transpose, view_op


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` at ``ids`` (``tf.nn.embedding_lookup``)."""
    return gather(params, ids)


class GetItem(View):
    """``x[key]`` for any NumPy key; advanced (array) keys scatter-add their gradient, so
    repeated indices accumulate."""

    def __init__(self, key):
        self.key = key

    def forward(self, x):
        self.shape, self.dtype = x.shape, x.dtype
        self.basic = _is_basic(self.key)
        # dtype=x.dtype: a string element of an object array must stay a tf.string (bytes
        # object), not become a fixed-width NumPy bytes array
        return self.out(np.asarray(x[self.key], dtype=x.dtype))

    def backward(self, g):
        out = np.zeros(self.shape, g.dtype)
        if self.basic:
            out[self.key] = g
        else:
            np.add.at(out, self.key, g)
        return (out,)

    backward_tensors = linear_backward


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
        if ax == 0 and out.ndim == 2 and g.size >= fast.MIN_SIZE and g.dtype.kind == "f" \
                and g.dtype.itemsize >= 4:
            kernels = fast.kernels()
            if kernels is not None:
                # an embedding's gradient: the rows added in order, as np.add.at adds them
                # (the same bits), compiled (0.1 against 2.2 ms for 2048 rows of 128)
                idx = np.asarray(self.idx).reshape(-1)
                kernels.scatter_add_rows(out, idx.astype(np.int64, copy=False),
                                         np.ascontiguousarray(g).reshape(idx.size, -1))
                return out, None
        moved = np.moveaxis(out, ax, 0)
        gm = np.moveaxis(g, tuple(range(ax, ax + self.idx.ndim)), tuple(range(self.idx.ndim)))
        np.add.at(moved, self.idx, gm)
        return out, None

    backward_tensors = linear_backward


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

    backward_tensors = linear_backward


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
        return view_op(GetItem(key), x)
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
    if axis is not None and not -nd <= int(axis) < nd:
        raise InvalidArgumentError(
            f"gather: axis {int(axis)} is out of range for params of rank {nd} (shape "
            f"{tuple(np.shape(data(x)))}): expected an axis in [{-nd}, {nd})."
        )
    ax = b if axis is None else norm_axis(axis, nd)
    n = np.shape(data(x))[ax]
    if idx.size and (idx.max() >= n or idx.min() < 0):
        # TensorFlow's CPU kernel refuses negative indices too (no wrapping around)
        bad = np.argwhere((idx >= n) | (idx < 0))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise InvalidArgumentError(
            f"gather: indices[{where}] = {int(idx[tuple(bad)])} is not in [0, {n}) (params "
            f"axis {ax} has {n} entries; negative indices are not allowed)."
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
    shape = np.shape(data(params))
    depth = idx.shape[-1] if idx.ndim else 0
    if idx.ndim == 0 or depth > len(shape):
        raise InvalidArgumentError(
            f"gather_nd: indices of shape {idx.shape} must end in an axis of at most "
            f"{len(shape)} coordinates (params of shape {tuple(shape)})."
        )
    limits = np.asarray(shape[:depth], np.int64)
    bad = np.argwhere(((idx < 0) | (idx >= limits)).any(axis=-1)) if idx.size else []
    if len(bad):
        at = tuple(int(i) for i in bad[0])
        raise InvalidArgumentError(
            f"gather_nd: indices[{', '.join(map(str, at))}] = {idx[at].tolist()} does not "
            f"index into param shape {list(shape)} (each coordinate must be in [0, size))."
        )
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
    out = GetItem((slice(None),) * ax + (m,))(x)
    if state.tracing is not None:
        state.data_dependent(out, ax)  # a traced map function: the count is the data's
    return out


def _scatter_key(indices):
    idx = np.asarray(data(indices)).astype(np.int64)
    return tuple(np.moveaxis(idx, -1, 0))


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (``tf.scatter_nd``)."""
    u = operand(updates)
    return ScatterNd(_scatter_key(indices), int_tuple(shape), "add")(u)


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
