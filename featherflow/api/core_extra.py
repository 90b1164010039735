"""More of TensorFlow's top level: ``tf.Module``, scopes (``name_scope``, ``device``,
``control_dependencies``, ``init_scope``), shape utilities, slicing, sequence masks, integer
division helpers, scatter max/min/sub, dynamic partition/stitch, initializers, histograms...

Eager semantics throughout: scopes are context managers that change nothing a tensor
carries (eager tensors have no names or devices in featherflow, as ``tf.device("/CPU:0")``
is the only device), ``no_op``/``group`` do nothing and return None, ``tuple`` returns its
inputs.
"""

import builtins
import contextlib
import logging
import time

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import complex_parts


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(as_array(x))


# -- tf.Module ----------------------------------------------------------------------------------
class Module:
    """``tf.Module``: a named container that finds the Variables and sub-modules in its
    attributes (also inside lists, tuples and dicts), as TensorFlow's."""

    _ID = {}

    def __init__(self, name=None):
        if name is None:
            base = "".join("_" + c.lower() if c.isupper() else c
                           for c in type(self).__name__).lstrip("_")
            count = Module._ID.get(base, 0)
            Module._ID[base] = count + 1
            name = base if count == 0 else f"{base}_{count}"
        elif not str(name).replace("_", "a").isalnum():
            raise ValueError(f"'{name}' is not a valid module name. Module names must be valid "
                             "Python identifiers (e.g. a valid class name).")
        self._name = name

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        return name_scope(self._name)

    def _flatten(self, predicate, recursive=True, seen=None):
        seen = set() if seen is None else seen
        found = []

        def visit(value):
            if id(value) in seen:
                return
            if isinstance(value, Module):
                seen.add(id(value))
                if predicate(value):
                    found.append(value)
                if recursive:
                    found.extend(value._flatten(predicate, recursive, seen))
                return
            if isinstance(value, (list, builtins.tuple)):
                for v in value:
                    visit(v)
                return
            if isinstance(value, dict):
                for key in sorted(value, key=str):
                    visit(value[key])
                return
            if predicate(value):
                seen.add(id(value))
                found.append(value)
        for key in sorted(vars(self)):
            if key.startswith("_") and key != "_layers":
                continue
            visit(vars(self)[key])
        return found

    @property
    def variables(self):
        from featherflow.autodiff.variable import Variable

        return tuple(self._flatten(lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self):
        from featherflow.autodiff.variable import Variable

        return tuple(self._flatten(lambda v: isinstance(v, Variable) and v.trainable))

    @property
    def non_trainable_variables(self):
        from featherflow.autodiff.variable import Variable

        return tuple(self._flatten(lambda v: isinstance(v, Variable) and not v.trainable))

    @property
    def submodules(self):
        return tuple(self._flatten(lambda v: isinstance(v, Module)))

    @classmethod
    def with_name_scope(cls, method):
        return method

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self._name!r}>"


# -- scopes ---------------------------------------------------------------------------------------
_SCOPES = []


@contextlib.contextmanager
def _scope(name):
    _SCOPES.append(name)
    try:
        yield (name + "/") if name else ""
    finally:
        _SCOPES.pop()


def name_scope(name):
    """``with tf.name_scope("block"):`` — recorded for ``get_current_name_scope``; eager
    tensors carry no names."""
    if name is not None and not isinstance(name, str):
        raise ValueError(f"name_scope: name must be a string; received {name!r}.")
    return _scope(name or "")


def get_current_name_scope():
    return "/".join(s for s in _SCOPES if s)


_WARNED_DEVICES = set()


def device(device_name):
    """``with tf.device("/CPU:0"):``: everything runs on the CPU already. The name is parsed
    as TensorFlow parses it (a malformed one is TensorFlow's ValueError; a ``tf.DeviceSpec``
    or None is accepted); a GPU or TPU name runs on the CPU too (soft placement, as
    TensorFlow on a machine without that device), with one warning per device type."""
    if device_name is None or callable(device_name):
        return contextlib.nullcontext()
    from featherflow.api.core_misc import DeviceSpec

    spec = device_name if isinstance(device_name, DeviceSpec) else \
        DeviceSpec.from_string(str(device_name))
    kind = (spec.device_type or "CPU").upper()
    if kind != "CPU" and kind not in _WARNED_DEVICES:
        _WARNED_DEVICES.add(kind)
        import warnings

        warnings.warn(f"tf.device({spec.to_string()!r}): featherflow runs on the CPU; the ops "
                      f"in this scope run there (no {kind} is used).", stacklevel=2)
    return contextlib.nullcontext()


def control_dependencies(control_inputs):
    """Eager ops run in program order already: a scope that does nothing (as in TF 2)."""
    return contextlib.nullcontext()


def init_scope():
    return contextlib.nullcontext()


def no_op(name=None):
    return None


def group(*inputs, **kwargs):
    return None


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - tf.tuple
    return list(tensors)


def identity_n(input, name=None):  # noqa: A002
    from featherflow.ops.math import identity

    return [identity(_t(x)) for x in input]


def is_tensor(x):
    return isinstance(x, Tensor)


def get_static_value(tensor, partial=False):
    """The NumPy value of ``tensor`` (eager tensors always have one)."""
    if isinstance(tensor, Tensor):
        return np.array(tensor.data)
    if isinstance(tensor, (np.ndarray, np.generic, int, float, bool, list)):
        return np.asarray(tensor)
    return None


def timestamp(name=None):
    return Tensor(np.asarray(time.time(), np.float64))


def get_logger():
    return logging.getLogger("tensorflow")


# -- shapes -----------------------------------------------------------------------------------
def shape_n(input, out_type=np.int32, name=None):  # noqa: A002
    return [Tensor(np.asarray(_t(x).data.shape, out_type)) for x in input]


def broadcast_static_shape(shape_x, shape_y):
    from featherflow.autodiff.tensor import TensorShape

    try:
        out = np.broadcast_shapes(tuple(shape_x), tuple(shape_y))
    except ValueError:
        raise ValueError(f"Incompatible shapes for broadcasting: {tuple(shape_x)} and "
                         f"{tuple(shape_y)}") from None
    return TensorShape(out)


def broadcast_dynamic_shape(shape_x, shape_y):
    x = [int(v) for v in np.asarray(_t(shape_x).data).reshape(-1)]
    y = [int(v) for v in np.asarray(_t(shape_y).data).reshape(-1)]
    try:
        out = np.broadcast_shapes(builtins.tuple(x), builtins.tuple(y))
    except ValueError:
        raise InvalidArgumentError(f"Incompatible shapes: {x} vs. {y}") from None
    return Tensor(np.asarray(out, np.asarray(_t(shape_x).data).dtype))


def ensure_shape(x, shape, name=None):
    t = _t(x)
    want = None if shape is None else list(shape)
    if want is not None:
        ok = len(want) == t.data.ndim and all(w is None or int(w) == d
                                               for w, d in zip(want, t.data.shape))
        if not ok:
            raise InvalidArgumentError(f"Shape of tensor {list(t.data.shape)} is not "
                                       f"compatible with expected shape {want}.")
        if state.tracing is not None:
            state.refine_shape(t, want)  # a traced map function learns the static shape
    return t


# -- slicing and masks ------------------------------------------------------------------------
def slice(input_, begin, size, name=None):  # noqa: A001 - tf.slice
    from featherflow.ops import indexing

    t = _t(input_)
    begin = [int(v) for v in np.asarray(_t(begin).data).reshape(-1)]
    size = [int(v) for v in np.asarray(_t(size).data).reshape(-1)]
    if len(begin) != t.data.ndim or len(size) != t.data.ndim:
        raise InvalidArgumentError(f"Expected begin and size arguments to be 1-D tensors of "
                                   f"size {t.data.ndim}, but got shapes [{len(begin)}] and "
                                   f"[{len(size)}] instead.")
    key = []
    for b, s, d in zip(begin, size, t.data.shape):
        end = d if s == -1 else b + s
        if b < 0 or end > d or (s < -1):
            raise InvalidArgumentError(f"Expected size[i] in [0, {d - b}], but got {s}")
        key.append(builtins.slice(b, end))
    return indexing.getitem(t, builtins.tuple(key))


def strided_slice(input_, begin, end, strides=None, begin_mask=0, end_mask=0,
                  ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, var=None, name=None):
    """TensorFlow's strided slice with its bit masks, as one NumPy index."""
    from featherflow.ops import indexing

    t = _t(input_)
    begin = [int(v) for v in np.asarray(_t(begin).data).reshape(-1)]
    end = [int(v) for v in np.asarray(_t(end).data).reshape(-1)]
    strides = [1] * len(begin) if strides is None else [
        int(v) for v in np.asarray(_t(strides).data).reshape(-1)]
    key = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            key.append(Ellipsis)
        elif new_axis_mask & bit:
            key.append(None)
        elif shrink_axis_mask & bit:
            key.append(b)
        else:
            key.append(builtins.slice(None if begin_mask & bit else b,
                                      None if end_mask & bit else e, s))
    return indexing.getitem(t, builtins.tuple(key))


def sequence_mask(lengths, maxlen=None, dtype=np.bool_, name=None):
    lens = np.asarray(_t(lengths).data)
    limit = int(lens.max()) if maxlen is None and lens.size else int(
        np.asarray(getattr(maxlen, "data", maxlen) or 0))
    mask = np.arange(limit) < lens[..., None]
    return Tensor(mask.astype(np.dtype(dtype)))


def reverse_sequence(input, seq_lengths, seq_axis=None, batch_axis=None, name=None):  # noqa: A002
    """Reverse the first ``seq_lengths[i]`` entries of each row along ``seq_axis``."""
    from featherflow.ops import indexing

    t = _t(input)
    seq_axis = 1 if seq_axis is None else int(seq_axis)
    batch_axis = 0 if batch_axis is None else int(batch_axis)
    lens = np.asarray(_t(seq_lengths).data).astype(np.int64)
    n = t.data.shape[seq_axis]
    if lens.shape != (t.data.shape[batch_axis],) or np.any(lens > n) or np.any(lens < 0):
        raise InvalidArgumentError(
            f"reverse_sequence: seq_lengths must be {t.data.shape[batch_axis]} lengths in "
            f"[0, {n}]; received {lens.tolist()}.")
    pos = np.arange(n)
    index = np.where(pos[None, :] < lens[:, None], lens[:, None] - 1 - pos[None, :], pos[None, :])
    shape = [1] * t.data.ndim
    shape[batch_axis], shape[seq_axis] = len(lens), n
    order = [batch_axis, seq_axis] if batch_axis < seq_axis else [seq_axis, batch_axis]
    idx = index if order[0] == batch_axis else index.T
    idx = idx.reshape([s if a in (batch_axis, seq_axis) else 1 for a, s in
                       enumerate(shape)])
    idx = np.broadcast_to(idx, t.data.shape)
    return indexing.TakeAlong(np.ascontiguousarray(idx), seq_axis)(t)


def unravel_index(indices, dims, name=None):
    idx = np.asarray(_t(indices).data)
    dims_ = [int(v) for v in np.asarray(_t(dims).data).reshape(-1)]
    if np.any(idx < 0) or np.any(idx >= np.prod(dims_)):
        raise InvalidArgumentError(f"index out of bounds for dims {dims_}")
    return Tensor(np.stack(np.unravel_index(idx, dims_)).astype(idx.dtype))


def searchsorted(sorted_sequence, values, side="left", out_type=np.int32, name=None):
    seq, vals = np.asarray(_t(sorted_sequence).data), np.asarray(_t(values).data)
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right'; received {side!r}.")
    if seq.ndim == 1:
        return Tensor(np.searchsorted(seq, vals, side=side).astype(out_type))
    out = np.stack([np.searchsorted(s, v, side=side) for s, v in
                    zip(seq.reshape(-1, seq.shape[-1]), vals.reshape(-1, vals.shape[-1]))])
    return Tensor(out.reshape(vals.shape).astype(out_type))


# -- arithmetic ---------------------------------------------------------------------------------
def scalar_mul(scalar, x, name=None):
    from featherflow.ops import math as math_ops

    return math_ops.scalar_mul(scalar, x)


def realdiv(x, y, name=None):
    from featherflow.ops import math as math_ops

    return math_ops.divide(x, y)


def truncatediv(x, y, name=None):
    a, b = np.asarray(_t(x).data), np.asarray(_t(y).data)
    if a.dtype.kind in "iu" and np.any(b == 0):
        raise InvalidArgumentError("Integer division by zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        return Tensor(np.trunc(a / b).astype(a.dtype) if a.dtype.kind in "iu"
                      else np.trunc(a / b))


def truncatemod(x, y, name=None):
    a, b = np.asarray(_t(x).data), np.asarray(_t(y).data)
    return Tensor(np.fmod(a, b))


def saturate_cast(value, dtype, name=None):
    from featherflow.keras.ops.core import saturate_cast as keras_saturate

    return keras_saturate(value, dtype)


def complex(real, imag, name=None):  # noqa: A001 - tf.complex
    return complex_parts.complex(real, imag)


def _scatter(tensor, indices, updates, op):
    t = _t(tensor)
    out = np.array(t.data)
    idx = np.asarray(_t(indices).data).astype(np.int64)
    upd = np.asarray(_t(updates).data, out.dtype)
    key = builtins.tuple(np.moveaxis(idx, -1, 0))
    op.at(out, key, upd)
    return Tensor(out)


def tensor_scatter_nd_max(tensor, indices, updates, name=None):
    return _scatter(tensor, indices, updates, np.maximum)


def tensor_scatter_nd_min(tensor, indices, updates, name=None):
    return _scatter(tensor, indices, updates, np.minimum)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    from featherflow.ops import indexing
    from featherflow.ops import math as math_ops

    return indexing.tensor_scatter_nd_add(_t(tensor), np.asarray(_t(indices).data),
                                          math_ops.negative(_t(updates)))


def unique_with_counts(x, out_idx=np.int32, name=None):
    a = np.asarray(_t(x).data)
    if a.ndim != 1:
        raise InvalidArgumentError(f"unique_with_counts expects a 1-D vector; received shape "
                                   f"{a.shape}.")
    values, first, inverse, counts = np.unique(a, return_index=True, return_inverse=True,
                                               return_counts=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return (Tensor(values[order]), Tensor(rank[inverse].astype(out_idx)),
            Tensor(counts[order].astype(out_idx)))


def dynamic_partition(data, partitions, num_partitions, name=None):
    from featherflow.ops import indexing

    t = _t(data)
    parts = np.asarray(_t(partitions).data)
    if np.any(parts < 0) or np.any(parts >= num_partitions):
        raise InvalidArgumentError(f"partitions must be in [0, {num_partitions}); received "
                                   f"{parts.tolist()}.")
    flat = t if parts.ndim == 1 else _reshape(t, (-1,) + t.data.shape[parts.ndim:])
    flat_parts = parts.reshape(-1)
    return [indexing.gather(flat, np.nonzero(flat_parts == p)[0]) for p in range(num_partitions)]


def _reshape(t, shape):
    from featherflow.ops import reshape

    return reshape.reshape(t, shape)


def dynamic_stitch(indices, data, name=None):
    from featherflow.ops import concat, indexing

    idx = np.concatenate([np.asarray(_t(i).data).reshape(-1) for i in indices])
    values = [_t(d) for d in data]
    inner = values[0].data.shape[np.asarray(_t(indices[0]).data).ndim:]
    flat = concat.concat([_reshape(v, (-1,) + inner) for v in values], 0)
    n = int(idx.max()) + 1 if idx.size else 0
    last = np.zeros(n, np.int64)
    last[idx] = np.arange(idx.size)  # later entries win, as TF
    return indexing.gather(flat, last)


def histogram_fixed_width(values, value_range, nbins=100, dtype=np.int32, name=None):
    v = np.asarray(_t(values).data, np.float64).reshape(-1)
    lo, hi = (float(x) for x in np.asarray(_t(value_range).data).reshape(-1))
    bins = np.clip(np.floor((v - lo) / (hi - lo) * nbins), 0, nbins - 1).astype(np.int64)
    return Tensor(np.bincount(bins, minlength=nbins).astype(dtype))


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=np.int32, name=None):
    a = np.asarray(_t(values).data, np.float64)
    lo, hi = (float(x) for x in np.asarray(_t(value_range).data).reshape(-1))
    return Tensor(np.clip(np.floor((a - lo) / (hi - lo) * nbins), 0, nbins - 1).astype(dtype))


def fingerprint(data, method="farmhash64", name=None):
    """TF's ``tf.fingerprint``: per row, FarmHash Fingerprint64 of the row's bytes, as 8
    little-endian uint8."""
    from featherflow.ops.fingerprint import fingerprint64

    if method != "farmhash64":
        raise ValueError(f"fingerprint: method must be 'farmhash64'; received {method!r}.")
    a = np.asarray(_t(data).data)
    if a.ndim < 1:
        raise InvalidArgumentError("fingerprint: data must have rank >= 1.")
    rows = a.reshape(a.shape[0], -1)
    out = np.zeros((a.shape[0], 8), np.uint8)
    for i, row in enumerate(rows):
        raw = b"".join(v if isinstance(v, bytes) else bytes(v) for v in row) \
            if a.dtype == object else np.ascontiguousarray(row).tobytes()
        out[i] = np.frombuffer(int(fingerprint64(raw)).to_bytes(8, "little"), np.uint8)
    return Tensor(out)


# -- initializers (tf.*_initializer are Keras initializers) -------------------------------------
def zeros_initializer():
    from featherflow import initializers

    return initializers.Zeros()


def ones_initializer():
    from featherflow import initializers

    return initializers.Ones()


def constant_initializer(value=0, support_partition=False):
    from featherflow import initializers

    return initializers.Constant(value)


def random_normal_initializer(mean=0.0, stddev=0.05, seed=None):
    from featherflow import initializers

    return initializers.RandomNormal(mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(minval=-0.05, maxval=0.05, seed=None):
    from featherflow import initializers

    return initializers.RandomUniform(minval=minval, maxval=maxval, seed=seed)


# -- gradients ------------------------------------------------------------------------------------
def hessians(ys, xs, gate_gradients=False, aggregation_method=None, name="hessians"):
    raise RuntimeError("tf.hessians is not supported when eager execution is enabled. Use "
                       "tf.GradientTape (nested tapes, or tape.jacobian of a gradient) instead.")


def grad_pass_through(f):
    """``f``'s value with the identity's gradient (the straight-through estimator)."""
    from featherflow.ops import math as math_ops

    def wrapped(*args, **kwargs):
        out = f(*args, **kwargs)
        x = _t(args[0])
        return math_ops.add(x, math_ops.stop_gradient(math_ops.subtract(_t(out), x)))
    return wrapped


def recompute_grad(f):
    """Eagerly, recomputation would only cost time: ``f`` itself (the same gradients)."""
    return f


def no_gradient(op_type):
    """Registering graph-op gradients has no meaning for featherflow's eager primitives."""
    if not isinstance(op_type, str):
        raise TypeError(f"op_type must be a string; received {type(op_type).__name__}.")


class UnconnectedGradients:
    NONE = "none"
    ZERO = "zero"


class VariableAggregation:
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization:
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


# the names the top level lists (one copy: featherflow/__init__.py)
from featherflow import _CORE_EXTRA_NAMES  # noqa: E402

__all__ = list(_CORE_EXTRA_NAMES)
