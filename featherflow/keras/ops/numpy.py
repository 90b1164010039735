"""``keras.ops.numpy``: Keras 3's NumPy-like ops on featherflow tensors, differentiable.

Every op takes Tensors, arrays, lists or Python scalars, promotes dtypes by Keras's rules
(``_dtypes``) and returns a Tensor. Ops built from featherflow's differentiable ops inherit
their gradients; ops whose result is an index, a count or a boolean have none (as in Keras).
The values match Keras's; tests/keras_ops compares each op with real Keras.
"""

import builtins
import math

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.keras.ops import _primitives as prim
from featherflow.keras.ops._dtypes import float_type, result_type, standardize
from featherflow.ops import complex_parts as _complex_parts
from featherflow.ops import concat as _concat
from featherflow.ops import creation as _creation
from featherflow.ops import indexing as _indexing
from featherflow.ops import linalg as _linalg
from featherflow.ops import math as _m
from featherflow.ops import padding as _padding
from featherflow.ops import reduce as _reduce
from featherflow.ops import reshape as _reshape
from featherflow.ops import reverse as _reverse
from featherflow.ops import tiling as _tiling
from featherflow.ops.math import NoGrad


# -- conversion ---------------------------------------------------------------------------------
def _is_tensor_nest(x):
    return isinstance(x, (list, tuple)) and builtins.any(
        isinstance(v, Tensor) or _is_tensor_nest(v) for v in x)


def convert(x, dtype=None):
    """``x`` as a Tensor (of ``dtype`` when given); Tensors keep their gradient."""
    if isinstance(x, Tensor):
        t = x
    elif _is_tensor_nest(x):
        t = _concat.stack([convert(v) for v in x])
    elif dtype is not None and not isinstance(x, (np.ndarray, np.generic)):
        try:
            return Tensor(np.asarray(x, dtype=np.dtype(dtype)))
        except (TypeError, ValueError):
            t = Tensor(as_array(x))
    else:
        t = Tensor(as_array(x) if not isinstance(x, np.ndarray) else x)
    if dtype is not None and t.data.dtype != np.dtype(dtype):
        t = _m.cast(t, dtype)
    return t


def _arr(x):
    """The NumPy value of an argument (no gradient)."""
    if isinstance(x, Tensor):
        return x.data
    if _is_tensor_nest(x):
        return np.asarray([_arr(v) for v in x])
    return x if isinstance(x, np.ndarray) else as_array(x)


def _nograd(fn, *args, dtype=None, **kwargs):
    out = np.asarray(fn(*[_arr(a) for a in args], **kwargs))
    if dtype is not None:
        out = out.astype(dtype)
    return Tensor(out)


def _axis(axis):
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis.data.tolist()
    if isinstance(axis, (list, tuple)):
        return tuple(int(a) for a in axis)
    return int(axis)


def _ints(value):
    if isinstance(value, Tensor):
        value = value.data.tolist()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    return int(value)


def _binary(fn, x1, x2, dtype=None):
    dt = dtype or result_type(x1, x2)
    return fn(convert(x1, dt), convert(x2, dt))


def _compare(np_fn):
    def op(x1, x2):
        dt = result_type(x1, x2)
        return _nograd(np_fn, convert(x1, dt), convert(x2, dt))
    op.__name__ = np_fn.__name__
    return op


def _float_unary(fn):
    def op(x):
        x = x if isinstance(x, Tensor) else convert(x)
        return fn(convert(x, float_type(x)))
    return op


def _float_elementwise(np_fn, derivative):
    primitive = prim.elementwise(np_fn, derivative)
    return _float_unary(primitive)


# -- elementwise arithmetic ---------------------------------------------------------------------
def add(x1, x2):
    return _binary(_m.add, x1, x2)


def subtract(x1, x2):
    return _binary(_m.subtract, x1, x2)


def multiply(x1, x2):
    return _binary(_m.multiply, x1, x2)


def divide(x1, x2):
    dt = float_type(x1, x2)
    return _m.divide(convert(x1, dt), convert(x2, dt))


true_divide = divide


def divide_no_nan(x1, x2):
    dt = float_type(x1, x2)
    return _m.divide_no_nan(convert(x1, dt), convert(x2, dt))


def floor_divide(x1, x2):
    return _binary(_m.floordiv, x1, x2)


def mod(x1, x2):
    return _binary(_m.mod, x1, x2)


def _fmod_d2(a, b, y):
    return -np.trunc(a / b)


_fmod = prim.elementwise2(np.fmod, lambda a, b, y: np.ones_like(y), _fmod_d2)


def fmod(x1, x2):
    dt = result_type(x1, x2)
    if np.dtype(dt).kind != "f":
        return _nograd(np.fmod, convert(x1, dt), convert(x2, dt))
    return _fmod(convert(x1, dt), convert(x2, dt))


def power(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    if np.dtype(dt).kind in "iub":
        return _nograd(np.power, a, b)
    return _m.pow(a, b)


def maximum(x1, x2):
    return _binary(_m.maximum, x1, x2)


def minimum(x1, x2):
    return _binary(_m.minimum, x1, x2)


def fmax(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    pick = np.fmax(a.data, b.data) == a.data
    return _m.where(pick | np.isnan(b.data), a, b)


def fmin(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    pick = np.fmin(a.data, b.data) == a.data
    return _m.where(pick | np.isnan(b.data), a, b)


def negative(x):
    return _m.negative(convert(x))


def square(x):
    x = convert(x)
    if x.data.dtype == np.bool_:
        x = convert(x, "int32")
    return _m.square(x)


def sqrt(x):
    return _float_unary(_m.sqrt)(x)


def rsqrt(x):
    return _float_unary(_m.rsqrt)(x)


def absolute(x):
    x = convert(x)
    return x if x.data.dtype == np.bool_ else _m.abs(x)


abs = absolute  # noqa: A001 - keras.ops.abs


def fabs(x):
    return _float_unary(_m.abs)(x)


def sign(x):
    x = convert(x)
    return _m.sign(x) if x.data.dtype.kind == "f" else _nograd(np.sign, x)


def signbit(x):
    return _nograd(np.signbit, convert(x))


def reciprocal(x):
    return _float_unary(_m.reciprocal)(x)


exp = _float_unary(_m.exp)
expm1 = _float_unary(_m.expm1)
log = _float_unary(_m.log)
log1p = _float_unary(_m.log1p)
sin = _float_unary(_m.sin)
cos = _float_unary(_m.cos)
tan = _float_unary(_m.tan)
sinh = _float_unary(_m.sinh)
cosh = _float_unary(_m.cosh)
arcsin = _float_unary(_m.asin)
arccos = _float_unary(_m.acos)
arctan = _float_unary(_m.atan)
erf = _float_unary(_m.erf)


def tanh(x):
    from featherflow import activations

    return _float_unary(activations.tanh)(x)


def sigmoid(x):
    from featherflow import activations

    return _float_unary(activations.sigmoid)(x)


arcsinh = _float_elementwise(np.arcsinh, lambda x, y: 1.0 / np.sqrt(x * x + 1.0))
arccosh = _float_elementwise(np.arccosh, lambda x, y: 1.0 / np.sqrt(x * x - 1.0))
arctanh = _float_elementwise(np.arctanh, lambda x, y: 1.0 / (1.0 - x * x))
exp2 = _float_elementwise(np.exp2, lambda x, y: y * np.log(2.0).astype(y.dtype))
log2 = _float_elementwise(np.log2, lambda x, y: 1.0 / (x * np.log(2.0).astype(x.dtype)))
log10 = _float_elementwise(np.log10, lambda x, y: 1.0 / (x * np.log(10.0).astype(x.dtype)))
cbrt = _float_elementwise(np.cbrt, lambda x, y: 1.0 / (3.0 * np.where(y == 0, np.inf, y * y)))
deg2rad = _float_elementwise(np.deg2rad, lambda x, y: np.full_like(x, math.pi / 180.0))
rad2deg = _float_elementwise(np.rad2deg, lambda x, y: np.full_like(x, 180.0 / math.pi))


def _sinc_derivative(x, y):
    px = np.pi * x
    safe = np.where(px == 0, 1.0, px)
    return np.where(px == 0, 0.0, (np.cos(safe) - np.sin(safe) / safe) / np.where(x == 0, 1, x))


sinc = _float_elementwise(np.sinc, _sinc_derivative)


def _erfinv(x):
    return prim.erfinv_array(x)


erfinv = _float_elementwise(
    _erfinv, lambda x, y: (math.sqrt(math.pi) / 2.0 * np.exp(y.astype(np.float64) ** 2))
    .astype(y.dtype))


def i0(x):
    x = convert(x)
    return _nograd(np.i0, x, dtype=float_type(x))


def erfc(x):
    return subtract(1.0, erf(x))


def _keep_float(np_fn, int_result="same"):
    def op(x):
        x = convert(x)
        if x.data.dtype.kind == "f":
            return _nograd(np_fn, x)
        dt = x.data.dtype if int_result == "same" else float_type(x)
        return _nograd(np_fn, x, dtype=dt)
    op.__name__ = np_fn.__name__
    return op


floor = _keep_float(np.floor, "float")
ceil = _keep_float(np.ceil, "float")
trunc = _keep_float(np.trunc)


def round(x, decimals=0):  # noqa: A001 - keras.ops.round
    x = convert(x)
    if x.data.dtype.kind in "iub" and decimals >= 0:
        return x
    return _nograd(np.round, x, decimals=decimals)


def arctan2(x1, x2):
    dt = float_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    fn = prim.elementwise2(np.arctan2, lambda a, b, y: b / (a * a + b * b),
                           lambda a, b, y: -a / (a * a + b * b))
    return fn(a, b)


def hypot(x1, x2):
    dt = float_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)

    def safe(y):
        return np.where(y == 0, 1, y)
    fn = prim.elementwise2(np.hypot, lambda a, b, y: np.where(y == 0, 0, a / safe(y)),
                           lambda a, b, y: np.where(y == 0, 0, b / safe(y)))
    return fn(a, b)


def logaddexp(x1, x2):
    dt = float_type(x1, x2)
    fn = prim.elementwise2(np.logaddexp, lambda a, b, y: np.exp(a - y),
                           lambda a, b, y: np.exp(b - y))
    return fn(convert(x1, dt), convert(x2, dt))


def logaddexp2(x1, x2):
    dt = float_type(x1, x2)
    fn = prim.elementwise2(np.logaddexp2, lambda a, b, y: np.exp2(a - y),
                           lambda a, b, y: np.exp2(b - y))
    return fn(convert(x1, dt), convert(x2, dt))


def heaviside(x1, x2):
    dt = result_type(x1, x2)
    if np.dtype(dt).kind in "iub":
        dt = config.floatx()
    return _nograd(np.heaviside, convert(x1, dt), convert(x2, dt))


def nextafter(x1, x2):
    # Keras steps in float64 and casts back to the inputs' float type
    dt = float_type(x1, x2)
    return _nograd(np.nextafter, convert(x1, "float64"), convert(x2, "float64"), dtype=dt)


def ldexp(x1, x2):
    x1 = convert(x1)
    dt = float_type(x1)
    return multiply(convert(x1, dt), convert(np.exp2(_arr(x2).astype(np.float64)), dt))


def gcd(x1, x2):
    return _nograd(np.gcd, convert(x1, result_type(x1, x2)), convert(x2, result_type(x1, x2)))


def lcm(x1, x2):
    return _nograd(np.lcm, convert(x1, result_type(x1, x2)), convert(x2, result_type(x1, x2)))


def clip(x, x_min, x_max):
    x = convert(x)
    dt = x.data.dtype
    if dt == np.bool_:
        x = convert(x, "int32")
        dt = x.data.dtype
    lo, hi = np.asarray(_arr(x_min)).astype(dt), np.asarray(_arr(x_max)).astype(dt)
    return _m.clip_by_value(x, lo, hi)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert(x)
    if x.data.dtype.kind != "f":
        return x
    big = np.finfo(x.data.dtype)
    value = x.data
    out = np.where(np.isnan(value), nan, value)
    out = np.where(np.isposinf(value), big.max if posinf is None else posinf, out)
    out = np.where(np.isneginf(value), big.min if neginf is None else neginf, out)
    keep = np.isfinite(value)
    return _m.where(keep, x, Tensor(out.astype(value.dtype)))


# -- comparisons and logic ----------------------------------------------------------------------
equal = _compare(np.equal)
not_equal = _compare(np.not_equal)
greater = _compare(np.greater)
greater_equal = _compare(np.greater_equal)
less = _compare(np.less)
less_equal = _compare(np.less_equal)


def logical_and(x1, x2):
    return _nograd(np.logical_and, x1, x2)


def logical_or(x1, x2):
    return _nograd(np.logical_or, x1, x2)


def logical_xor(x1, x2):
    return _nograd(np.logical_xor, x1, x2)


def logical_not(x):
    return _nograd(np.logical_not, x)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    dt = result_type(x1, x2)
    return _nograd(np.isclose, convert(x1, dt), convert(x2, dt), rtol=rtol, atol=atol,
                   equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    dt = result_type(x1, x2)
    return _nograd(np.allclose, convert(x1, dt), convert(x2, dt), rtol=rtol, atol=atol,
                   equal_nan=equal_nan)


isnan = lambda x: _nograd(np.isnan, x)  # noqa: E731
isinf = lambda x: _nograd(np.isinf, x)  # noqa: E731
isfinite = lambda x: _nograd(np.isfinite, x)  # noqa: E731
isneginf = lambda x: _nograd(np.isneginf, x)  # noqa: E731
isposinf = lambda x: _nograd(np.isposinf, x)  # noqa: E731
isreal = lambda x: _nograd(np.isreal, x)  # noqa: E731
for _fn, _name in ((isnan, "isnan"), (isinf, "isinf"), (isfinite, "isfinite"),
                   (isneginf, "isneginf"), (isposinf, "isposinf"), (isreal, "isreal")):
    _fn.__name__ = _fn.__qualname__ = _name


def isin(x1, x2, assume_unique=False, invert=False):
    return _nograd(np.isin, x1, x2, assume_unique=assume_unique, invert=invert)


def _bitwise(np_fn):
    def op(x, y):
        dt = result_type(x, y)
        return _nograd(np_fn, convert(x, dt), convert(y, dt))
    op.__name__ = np_fn.__name__
    return op


bitwise_and = _bitwise(np.bitwise_and)
bitwise_or = _bitwise(np.bitwise_or)
bitwise_xor = _bitwise(np.bitwise_xor)
bitwise_left_shift = left_shift = _bitwise(np.left_shift)
bitwise_right_shift = right_shift = _bitwise(np.right_shift)


def bitwise_invert(x):
    return _nograd(np.invert, x)


bitwise_not = bitwise_invert


# -- complex parts: TF's primitives and gradients (ops/complex_parts.py) ---------------------------
def real(x):
    x = convert(x)
    return x if x.data.dtype.kind != "c" else _complex_parts.real(x)


def imag(x):
    x = convert(x)
    return _complex_parts.imag(x) if x.data.dtype.kind == "c" else zeros_like(x)


def conjugate(x):
    x = convert(x)
    return x if x.data.dtype.kind != "c" else _complex_parts.conj(x)


conj = conjugate


def angle(x):
    x = convert(x)
    if x.data.dtype.kind == "c":
        # Keras casts to result_type(x, float), complex64 for complex128 too, so the angle
        # is float32; the cast and the angle are recorded (TF's gradients)
        return _complex_parts.angle(_m.cast(x, np.complex64))
    return _nograd(np.angle, x, dtype=float_type(x))


def copy(x):
    return _m.identity(convert(x))


# -- reductions -----------------------------------------------------------------------------------
def _sum_type(x):
    name = x.data.dtype.name
    if name in ("bool", "int8", "int16"):
        return "int32"
    if name in ("uint8", "uint16"):
        return "uint32"
    return name


def sum(x, axis=None, keepdims=False):  # noqa: A001 - keras.ops.sum
    x = convert(x)
    return _reduce.reduce_sum(convert(x, _sum_type(x)), axis=_axis(axis), keepdims=keepdims)


def mean(x, axis=None, keepdims=False):
    x = convert(x)
    return _reduce.reduce_mean(convert(x, float_type(x)), axis=_axis(axis), keepdims=keepdims)


def _extreme(reducer, np_fn, x, axis, keepdims, initial):
    x = convert(x)
    if x.data.dtype == np.bool_:
        return _nograd(np_fn, x, axis=_axis(axis), keepdims=keepdims)
    out = reducer(x, axis=_axis(axis), keepdims=keepdims)
    if initial is not None:
        out = (_m.maximum if np_fn is np.max else _m.minimum)(
            out, Tensor(np.asarray(initial, x.data.dtype)))
    return out


def max(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return _extreme(_reduce.reduce_max, np.max, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):  # noqa: A001
    return _extreme(_reduce.reduce_min, np.min, x, axis, keepdims, initial)


amax = max
amin = min


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert(x)
    dt = standardize(dtype) if dtype is not None else _sum_type(x)
    return _reduce.reduce_prod(convert(x, dt), axis=_axis(axis), keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    x = convert(x)
    x = convert(x, float_type(x))
    centred = subtract(x, _reduce.reduce_mean(x, axis=_axis(axis), keepdims=True))
    return _reduce.reduce_mean(_m.square(centred), axis=_axis(axis), keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return _m.sqrt(var(x, axis, keepdims))


def ptp(x, axis=None, keepdims=False):
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def all(x, axis=None, keepdims=False):  # noqa: A001
    return _nograd(np.all, x, axis=_axis(axis), keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return _nograd(np.any, x, axis=_axis(axis), keepdims=keepdims)


def argmax(x, axis=None, keepdims=False):
    return _nograd(np.argmax, x, axis=axis, keepdims=keepdims, dtype="int32")


def argmin(x, axis=None, keepdims=False):
    return _nograd(np.argmin, x, axis=axis, keepdims=keepdims, dtype="int32")


def count_nonzero(x, axis=None):
    return _nograd(np.count_nonzero, x, axis=_axis(axis), dtype="int32")


def logsumexp(x, axis=None, keepdims=False):
    x = convert(x)
    return _reduce.reduce_logsumexp(convert(x, float_type(x)), axis=_axis(axis),
                                    keepdims=keepdims)


def average(x, axis=None, weights=None):
    x = convert(x)
    if weights is None:
        return mean(x, axis)
    dt = float_type(x, weights)
    x, w = convert(x, dt), convert(weights, dt)
    if w.data.ndim == 1 and x.data.ndim > 1:
        if axis is None:
            raise ValueError("average: 1-D weights need an axis for a multi-dimensional x.")
        shape = [1] * x.data.ndim
        shape[int(axis)] = -1
        w = _reshape.reshape(w, shape)
    total = _reduce.reduce_sum(multiply(x, w), axis=_axis(axis))
    return divide(total, _reduce.reduce_sum(_reshape.broadcast_to(w, x.data.shape) if
                                            w.data.shape != x.data.shape else w,
                                            axis=_axis(axis)))


def _quantile(x, q, axis, method, keepdims, nan=False):
    """Quantiles along ``axis`` from a sort, interpolated by ``method`` (NumPy's methods
    'linear', 'lower', 'higher', 'midpoint', 'nearest'); with ``nan``, NaNs are left out
    (they sort last; each row interpolates among its own valid values)."""
    methods = ("linear", "lower", "higher", "midpoint", "nearest")
    if method not in methods:
        raise ValueError(f"quantile: method must be one of {methods}; received {method!r}.")
    x = convert(x)
    dt = float_type(x)
    x = convert(x, dt)
    qs = np.asarray(_arr(q), dtype=np.float64)
    if np.any((qs < 0) | (qs > 1)):
        raise ValueError(f"quantile: q must be in [0, 1]; received {qs.tolist()}.")
    nd = x.data.ndim
    axis_ = _axis(axis)
    axes = tuple(range(nd)) if axis_ is None else (
        (axis_,) if isinstance(axis_, int) else axis_)
    axes = tuple(a % builtins.max(nd, 1) for a in axes)
    rest = [a for a in range(nd) if a not in axes]
    work = _reshape.transpose(x, rest + list(axes)) if nd else x
    work = _reshape.reshape(work, [x.data.shape[a] for a in rest] + [-1])
    order = np.argsort(work.data, axis=-1, kind="stable")
    sorted_ = _indexing.TakeAlong(order, -1)(work)
    n = work.data.shape[-1]
    valid = (np.sum(~np.isnan(work.data), axis=-1) if nan
             else np.full(work.data.shape[:-1], n))
    outs = []
    for qv in qs.reshape(-1):
        pos = qv * (valid - 1).astype(np.float64)
        lo, hi = np.floor(pos), np.ceil(pos)
        frac = pos - lo
        if method == "lower":
            hi, frac = lo, np.zeros_like(frac)
        elif method == "higher":
            lo, frac = hi, np.zeros_like(frac)
        elif method == "nearest":
            lo = hi = np.around(pos)
            frac = np.zeros_like(frac)
        elif method == "midpoint":
            frac = np.where(hi != lo, 0.5, 0.0)
        lo = np.clip(lo, 0, builtins.max(n - 1, 0)).astype(np.int64)
        hi = np.clip(hi, 0, builtins.max(n - 1, 0)).astype(np.int64)
        a = _reshape.squeeze(take_along_axis(sorted_, lo[..., None], axis=-1), [-1])
        b = _reshape.squeeze(take_along_axis(sorted_, hi[..., None], axis=-1), [-1])
        step = add(a, multiply(subtract(b, a), Tensor(frac.astype(dt))))
        value = _m.where(frac == 0, a, step)
        if nan and np.any(valid == 0):
            value = _m.where(valid == 0, Tensor(np.full(valid.shape, np.nan, dt)), value)
        outs.append(value)
    out = _concat.stack(outs) if qs.ndim else outs[0]
    if keepdims:
        shape = list(x.data.shape)
        for a in axes:
            shape[a] = 1
        out = _reshape.reshape(out, list(qs.shape) + shape)
    return out


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, np.asarray(_arr(q), np.float64) / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims, nan=True)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, np.asarray(_arr(q), np.float64) / 100.0, axis, method, keepdims,
                     nan=True)


def nanmedian(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims, nan=True)


def _without_nans(x, fill):
    x = convert(x)
    if x.data.dtype.kind != "f":
        return x
    return _m.where(np.isnan(x.data), Tensor(np.asarray(fill, x.data.dtype)), x)


def nansum(x, axis=None, keepdims=False):
    return sum(_without_nans(x, 0), axis, keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_without_nans(x, 1), axis, keepdims)


def _nan_count(x, axis, keepdims):
    x = convert(x)
    keep = ~np.isnan(x.data) if x.data.dtype.kind == "f" else np.ones(x.data.shape, bool)
    return np.sum(keep, axis=_axis(axis), keepdims=keepdims)


def nanmean(x, axis=None, keepdims=False):
    x = convert(x)
    dt = float_type(x)
    count = _nan_count(x, axis, keepdims).astype(dt)
    return divide(nansum(convert(x, dt), axis, keepdims), Tensor(count))


def nanvar(x, axis=None, keepdims=False):
    x = convert(x)
    dt = float_type(x)
    x = convert(x, dt)
    valid = ~np.isnan(x.data)
    centred = _m.where(valid, subtract(x, nanmean(x, axis, keepdims=True)),
                       Tensor(np.zeros((), x.data.dtype)))
    count = np.sum(valid, axis=_axis(axis), keepdims=keepdims).astype(dt)
    return divide(sum(multiply(centred, centred), axis, keepdims), Tensor(count))


def nanstd(x, axis=None, keepdims=False):
    return _m.sqrt(nanvar(x, axis, keepdims))


def nanmax(x, axis=None, keepdims=False):
    x = convert(x)
    if x.data.dtype.kind != "f":
        return max(x, axis, keepdims)
    out = max(_without_nans(x, -np.inf), axis, keepdims)
    allnan = np.all(np.isnan(x.data), axis=_axis(axis), keepdims=keepdims)
    return _m.where(allnan, Tensor(np.asarray(np.nan, x.data.dtype)), out) if np.any(allnan) \
        else out


def nanmin(x, axis=None, keepdims=False):
    x = convert(x)
    if x.data.dtype.kind != "f":
        return min(x, axis, keepdims)
    out = min(_without_nans(x, np.inf), axis, keepdims)
    allnan = np.all(np.isnan(x.data), axis=_axis(axis), keepdims=keepdims)
    return _m.where(allnan, Tensor(np.asarray(np.nan, x.data.dtype)), out) if np.any(allnan) \
        else out


def nanargmax(x, axis=None, keepdims=False):
    value = np.asarray(_arr(x))
    filled = np.where(np.isnan(value), -np.inf, value) if value.dtype.kind == "f" else value
    return Tensor(np.argmax(filled, axis=axis, keepdims=keepdims).astype("int32"))


def nanargmin(x, axis=None, keepdims=False):
    value = np.asarray(_arr(x))
    filled = np.where(np.isnan(value), np.inf, value) if value.dtype.kind == "f" else value
    return Tensor(np.argmin(filled, axis=axis, keepdims=keepdims).astype("int32"))


# -- cumulative -----------------------------------------------------------------------------------
def _cumulative_input(x, axis, dtype):
    x = convert(x)
    dt = standardize(dtype) if dtype is not None else _sum_type(x)
    x = convert(x, dt)
    if axis is None:
        return _reshape.reshape(x, (-1,)), 0
    return x, int(axis) % builtins.max(x.data.ndim, 1)


def cumsum(x, axis=None, dtype=None):
    x, axis = _cumulative_input(x, axis, dtype)
    return _reduce.cumsum(x, axis=axis)


def cumprod(x, axis=None, dtype=None):
    x, axis = _cumulative_input(x, axis, dtype)
    if x.data.dtype.kind != "f":
        return _nograd(np.cumprod, x, axis=axis)
    return prim.CumProd(axis)(x)


def nancumsum(x, axis=None, dtype=None):
    # as Keras: nan_to_num first, so infinities become the largest finite values
    return cumsum(nan_to_num(x), axis, dtype)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(nan_to_num(x, nan=1.0), axis, dtype)


# -- shapes ---------------------------------------------------------------------------------------
def reshape(x, newshape):
    return _reshape.reshape(convert(x), _ints(newshape) if not isinstance(newshape, int)
                            else (newshape,))


def transpose(x, axes=None):
    return _reshape.transpose(convert(x), None if axes is None else list(_ints(axes)))


def expand_dims(x, axis):
    x = convert(x)
    axes = _ints(axis)
    if isinstance(axes, int):
        return _reshape.expand_dims(x, axes)
    ndim = x.data.ndim + len(axes)
    shape = iter(x.data.shape)
    axes = {a % ndim for a in axes}
    return _reshape.reshape(x, [1 if i in axes else next(shape) for i in range(ndim)])


def squeeze(x, axis=None):
    x = convert(x)
    if axis is None:
        return _reshape.squeeze(x)
    axes = _ints(axis)
    axes = (axes,) if isinstance(axes, int) else axes
    for a in axes:
        if x.data.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} has size {x.data.shape[a]}, not 1 (shape "
                             f"{x.data.shape}).")
    return _reshape.squeeze(x, list(axes))


def ravel(x):
    return _reshape.reshape(convert(x), (-1,))


def broadcast_to(x, shape):
    return _reshape.broadcast_to(convert(x), _ints(shape))


def swapaxes(x, axis1, axis2):
    x = convert(x)
    perm = list(range(x.data.ndim))
    perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
    return _reshape.transpose(x, perm)


def moveaxis(x, source, destination):
    x = convert(x)
    nd = x.data.ndim
    src, dst = _ints(source), _ints(destination)
    src = [src] if isinstance(src, int) else list(src)
    dst = [dst] if isinstance(dst, int) else list(dst)
    if len(src) != len(dst):
        raise ValueError(f"moveaxis: source {src} and destination {dst} must have the same "
                         "number of axes.")
    src = [a % nd for a in src]
    dst = [a % nd for a in dst]
    order = [a for a in range(nd) if a not in src]
    for d, a in sorted(zip(dst, src)):
        order.insert(d, a)
    return _reshape.transpose(x, order)


def flip(x, axis=None):
    x = convert(x)
    axes = list(range(x.data.ndim)) if axis is None else _ints(axis)
    return _reverse.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def fliplr(x):
    return flip(x, 1)


def flipud(x):
    return flip(x, 0)


def rot90(array, k=1, axes=(0, 1)):
    x = convert(array)
    a, b = axes
    k = int(k) % 4
    if k == 0:
        return x
    if k == 2:
        return flip(flip(x, a), b)
    perm = list(range(x.data.ndim))
    perm[a], perm[b] = perm[b], perm[a]
    if k == 1:
        return _reshape.transpose(flip(x, b), perm)
    return flip(_reshape.transpose(x, perm), b)


def roll(x, shift, axis=None):
    x = convert(x)
    if axis is None:
        flat = _reshape.reshape(x, (-1,))
        return _reshape.reshape(_reverse.roll(flat, _ints(shift), 0), x.data.shape)
    return _reverse.roll(x, _ints(shift), _ints(axis))


def tile(x, repeats):
    x = convert(x)
    reps = _ints(repeats)
    reps = (reps,) if isinstance(reps, int) else reps
    if len(reps) < x.data.ndim:
        reps = (1,) * (x.data.ndim - len(reps)) + tuple(reps)
    elif len(reps) > x.data.ndim:
        x = _reshape.reshape(x, (1,) * (len(reps) - x.data.ndim) + x.data.shape)
    return _tiling.tile(x, list(reps))


def repeat(x, repeats, axis=None):
    x = convert(x)
    reps = _ints(repeats)
    if axis is None:
        x = _reshape.reshape(x, (-1,))
        axis = 0
    return _tiling.repeat(x, reps, axis=int(axis))


def concatenate(xs, axis=0):
    dt = result_type(*xs)
    if axis is None:
        return _concat.concat([ravel(convert(x, dt)) for x in xs], 0)
    return _concat.concat([convert(x, dt) for x in xs], int(axis))


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis)


def stack(x, axis=0):
    dt = result_type(*x)
    return _concat.stack([convert(v, dt) for v in x], axis=int(axis))


def hstack(xs):
    xs = [convert(x) for x in xs]
    return concatenate(xs, 0 if xs[0].data.ndim == 1 else 1)


def vstack(xs):
    return concatenate([_atleast(convert(x), 2) for x in xs], 0)


def dstack(xs):
    return concatenate([_atleast(convert(x), 3) for x in xs], 2)


def _atleast(x, n):
    shape = x.data.shape
    if len(shape) >= n:
        return x
    if n == 2:
        return _reshape.reshape(x, (1,) + shape if shape else (1, 1))
    if len(shape) == 0:
        return _reshape.reshape(x, (1, 1, 1))
    if len(shape) == 1:
        return _reshape.reshape(x, (1,) + shape + (1,))
    return _reshape.reshape(x, shape + (1,))


def split(x, indices_or_sections, axis=0):
    x = convert(x)
    axis = int(axis)
    n = x.data.shape[axis]
    sections = _ints(indices_or_sections)
    if isinstance(sections, int):
        if n % sections:
            raise ValueError(f"split: an axis of size {n} does not split into {sections} "
                             "equal parts (use array_split for unequal ones).")
        bounds = list(range(0, n + 1, n // sections))
    else:
        bounds = [0] + [builtins.min(builtins.max(int(b), 0), n) for b in sections] + [n]
    return [_indexing.getitem(x, (slice(None),) * (axis % x.data.ndim) + (slice(a, b),))
            for a, b in zip(bounds[:-1], bounds[1:])]


def array_split(x, indices_or_sections, axis=0):
    x = convert(x)
    sections = _ints(indices_or_sections)
    if isinstance(sections, int):
        n = x.data.shape[axis]
        size, extra = divmod(n, sections)
        cuts, pos = [], 0
        for i in range(sections - 1):
            pos += size + (1 if i < extra else 0)
            cuts.append(pos)
        sections = cuts
    return split(x, list(sections), axis)


def hsplit(x, indices_or_sections):
    x = convert(x)
    return split(x, indices_or_sections, 0 if x.data.ndim == 1 else 1)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, 0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, 2)


def tril(x, k=0):
    x = convert(x)
    keep = np.tril(np.ones(x.data.shape[-2:], bool), k)
    return _m.where(keep, x, zeros_like(x))


def triu(x, k=0):
    x = convert(x)
    keep = np.triu(np.ones(x.data.shape[-2:], bool), k)
    return _m.where(keep, x, zeros_like(x))


def diagonal(x, offset=0, axis1=0, axis2=1):
    x = convert(x)
    shape = x.data.shape

    def take(a):
        index = np.indices(shape)
        values = np.diagonal(a, offset, axis1, axis2)
        idx = tuple(np.diagonal(i, offset, axis1, axis2) for i in index)
        return values.copy(), idx
    return prim.GatherAdd(take)(x)


def diag(x, k=0):
    x = convert(x)
    if x.data.ndim == 2:
        return diagonal(x, k)
    if x.data.ndim != 1:
        raise ValueError(f"diag: expects a 1-D or 2-D input, received shape {x.data.shape}.")
    n = x.data.shape[0] + builtins.abs(k)
    rows = np.arange(x.data.shape[0]) + builtins.max(-k, 0)
    cols = np.arange(x.data.shape[0]) + builtins.max(k, 0)
    return _indexing.scatter_nd(np.stack([rows, cols], 1), x, (n, n))


def diagflat(x, k=0):
    return diag(ravel(x), k)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert(x)
    out = sum(diagonal(x, offset, axis1, axis2), axis=-1)
    return out


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert(x)
    widths = np.broadcast_to(np.asarray(_arr(pad_width), dtype=np.int64),
                             (x.data.ndim, 2)).tolist()
    modes = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}
    if mode not in modes:
        raise ValueError(f"pad: mode must be one of {sorted(modes)}; received {mode!r}.")
    if constant_values is not None and mode != "constant":
        raise ValueError("pad: constant_values is only used with mode='constant'.")
    return _padding.pad(x, widths, modes[mode],
                        constant_values=0 if constant_values is None else constant_values)


def take(x, indices, axis=None):
    x = convert(x)
    idx = np.asarray(_arr(indices)).astype(np.int64)
    if axis is None:
        x = _reshape.reshape(x, (-1,))
        axis = 0
    axis = int(axis) % x.data.ndim
    n = x.data.shape[axis]
    idx = np.where(idx < 0, idx + n, idx)

    def gather(a):
        key = (slice(None),) * axis + (idx,)
        index = np.indices(a.shape)
        return a[key], tuple(i[key] for i in index)
    return prim.GatherAdd(gather)(x)


def take_along_axis(x, indices, axis=None):
    x = convert(x)
    idx = np.asarray(_arr(indices)).astype(np.int64)
    if axis is None:
        x = _reshape.reshape(x, (-1,))
        axis = 0
    axis = int(axis) % x.data.ndim
    idx = np.where(idx < 0, idx + x.data.shape[axis], idx)

    def gather(a):
        shape = np.broadcast_shapes(
            tuple(1 if i == axis else d for i, d in enumerate(a.shape)),
            tuple(1 if i == axis else d for i, d in enumerate(idx.shape)))
        full_idx = np.broadcast_to(idx, shape[:axis] + (idx.shape[axis],) + shape[axis + 1:])
        grids = np.indices(full_idx.shape, sparse=True)
        key = tuple(full_idx if i == axis else np.broadcast_to(g, full_idx.shape)
                    if a.shape[i] != 1 else np.zeros_like(full_idx)
                    for i, g in enumerate(grids))
        return a[key], key
    return prim.GatherAdd(gather)(x)


def where(condition, x1=None, x2=None):
    cond = np.asarray(_arr(condition)).astype(bool)
    if x1 is None and x2 is None:
        return [Tensor(i.astype("int32")) for i in np.nonzero(cond)]
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither (to get the indices).")
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    shape = np.broadcast_shapes(cond.shape, a.data.shape, b.data.shape)
    return _m.where(np.broadcast_to(cond, shape), _reshape.broadcast_to(a, shape)
                    if a.data.shape != shape else a,
                    _reshape.broadcast_to(b, shape) if b.data.shape != shape else b)


def select(condlist, choicelist, default=0):
    dt = result_type(*choicelist, default)
    out = convert(default, dt)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = where(cond, convert(choice, dt), out)
    return out


def nonzero(x):
    return [Tensor(i.astype("int32")) for i in np.nonzero(np.asarray(_arr(x)))]


def sort(x, axis=-1):
    x = convert(x)
    order = np.argsort(x.data, axis=axis, kind="stable")
    return _indexing.TakeAlong(order, axis)(x)


def argsort(x, axis=-1):
    value = np.asarray(_arr(x))
    if value.ndim == 0:
        return Tensor(np.zeros((), np.int32))
    return Tensor(np.argsort(value, axis=axis, kind="stable").astype("int32"))


def argpartition(x, kth, axis=-1):
    return _nograd(np.argpartition, x, kth, axis=axis, dtype="int32")


def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False,
           axis=None, size=None, fill_value=None):
    value = np.asarray(_arr(x))
    results = np.unique(value, return_index=True, return_inverse=True, return_counts=True,
                        axis=axis)
    values, index, inverse, counts = results
    if not sorted:
        order = np.argsort(index, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size)
        values, index, counts = values[order], index[order], counts[order]
        inverse = rank[inverse]
    if size is not None:
        pad_n = size - values.shape[0]
        if pad_n < 0:
            values, index, counts = values[:size], index[:size], counts[:size]
        else:
            fill = values.min() if fill_value is None and values.size else (fill_value or 0)
            values = np.concatenate([values, np.full(pad_n, fill, values.dtype)])
            index = np.concatenate([index, np.zeros(pad_n, index.dtype)])
            counts = np.concatenate([counts, np.zeros(pad_n, counts.dtype)])
    out = [Tensor(values)]
    if return_index:
        out.append(Tensor(index.astype("int32")))
    if return_inverse:
        out.append(Tensor(inverse.reshape(value.shape if axis is None else -1)
                          .astype("int32")))
    if return_counts:
        out.append(Tensor(counts.astype("int32")))
    return out[0] if len(out) == 1 else tuple(out)


def searchsorted(sorted_sequence, values, side="left"):
    return _nograd(np.searchsorted, sorted_sequence, values, side=side, dtype="int32")


def digitize(x, bins):
    return _nograd(np.digitize, x, bins, dtype="int32")


def bincount(x, weights=None, minlength=0, sparse=False):
    if sparse:
        raise ValueError("bincount(sparse=True): featherflow has no sparse tensors yet; use "
                         "sparse=False.")
    value = np.asarray(_arr(x)).astype(np.int64)
    w = None if weights is None else np.asarray(_arr(weights))
    if value.ndim == 2:
        rows = [np.bincount(v, None if w is None else w[i], minlength=minlength)
                for i, v in enumerate(value)]
        length = builtins.max(len(r) for r in rows)
        out = np.stack([np.pad(r, (0, length - len(r))) for r in rows])
    else:
        out = np.bincount(value, w, minlength=minlength)
    dt = "int32" if w is None else w.dtype.name
    return Tensor(out.astype(dt))


def histogram(x, bins=10, range=None):  # noqa: A002 - keras.ops.histogram
    value = np.asarray(_arr(x))
    counts, edges = np.histogram(value, bins=bins, range=range)
    dt = float_type(value)
    return Tensor(counts.astype(dt)), Tensor(edges.astype(dt))


# -- products ---------------------------------------------------------------------------------
def matmul(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    if a.data.ndim == 1 or b.data.ndim == 1:
        a2 = _reshape.reshape(a, (1, -1)) if a.data.ndim == 1 else a
        b2 = _reshape.reshape(b, (-1, 1)) if b.data.ndim == 1 else b
        out = _linalg.matmul(a2, b2)
        if a.data.ndim == 1:
            out = _reshape.squeeze(out, [-2])
        if b.data.ndim == 1:
            out = _reshape.squeeze(out, [-1])
        return out
    return _linalg.matmul(a, b)


def dot(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    if a.data.ndim == 0 or b.data.ndim == 0:
        return multiply(a, b)
    if b.data.ndim <= 2:
        return matmul(a, b)
    return tensordot(a, b, ([a.data.ndim - 1], [b.data.ndim - 2]))


def tensordot(x1, x2, axes=2):
    dt = result_type(x1, x2)
    if not isinstance(axes, int):
        axes = [list(_ints(a)) if not isinstance(a, int) else [a] for a in axes]
    return _linalg.tensordot(convert(x1, dt), convert(x2, dt), axes)


def einsum(subscripts, *operands):
    dt = result_type(*operands)
    return _linalg.einsum(subscripts, *[convert(o, dt) for o in operands])


def outer(x1, x2):
    return multiply(_reshape.reshape(ravel(x1), (-1, 1)), _reshape.reshape(ravel(x2), (1, -1)))


def inner(x1, x2):
    a, b = convert(x1), convert(x2)
    if a.data.ndim == 0 or b.data.ndim == 0:
        return multiply(a, b)
    return tensordot(a, b, ([a.data.ndim - 1], [b.data.ndim - 1]))


def vdot(x1, x2):
    return sum(multiply(ravel(x1), ravel(x2)))


def kron(x1, x2):
    dt = result_type(x1, x2)
    a, b = convert(x1, dt), convert(x2, dt)
    nd = builtins.max(a.data.ndim, b.data.ndim)
    a = _reshape.reshape(a, (1,) * (nd - a.data.ndim) + a.data.shape)
    b = _reshape.reshape(b, (1,) * (nd - b.data.ndim) + b.data.shape)
    a_shape, b_shape = a.data.shape, b.data.shape
    ax = _reshape.reshape(a, [d for s in a_shape for d in (s, 1)])
    bx = _reshape.reshape(b, [d for s in b_shape for d in (1, s)])
    return _reshape.reshape(multiply(ax, bx), [p * q for p, q in zip(a_shape, b_shape)])


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    if axis is not None:
        axisa = axisb = axisc = axis
    dt = result_type(x1, x2)
    a = moveaxis(convert(x1, dt), axisa, -1)
    b = moveaxis(convert(x2, dt), axisb, -1)
    if a.data.shape[-1] not in (2, 3) or b.data.shape[-1] not in (2, 3):
        raise ValueError("cross: the vectors must have 2 or 3 components; received shapes "
                         f"{a.data.shape} and {b.data.shape}.")

    def comp(t, i):
        if i >= t.data.shape[-1]:
            return zeros_like(_indexing.getitem(t, (Ellipsis, 0)))
        return _indexing.getitem(t, (Ellipsis, i))
    a0, a1, a2 = (comp(a, i) for i in range(3))
    b0, b1, b2 = (comp(b, i) for i in range(3))
    if a.data.shape[-1] == 2 and b.data.shape[-1] == 2:
        return subtract(multiply(a0, b1), multiply(a1, b0))
    out = _concat.stack([subtract(multiply(a1, b2), multiply(a2, b1)),
                         subtract(multiply(a2, b0), multiply(a0, b2)),
                         subtract(multiply(a0, b1), multiply(a1, b0))], axis=-1)
    return moveaxis(out, -1, axisc)


# -- creation ---------------------------------------------------------------------------------
def _creation_dtype(dtype, default=None):
    return standardize(dtype) if dtype is not None else (default or config.floatx())


def zeros(shape, dtype=None):
    return Tensor(np.zeros(_ints(shape), _creation_dtype(dtype)))


def ones(shape, dtype=None):
    return Tensor(np.ones(_ints(shape), _creation_dtype(dtype)))


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    dt = _creation_dtype(dtype)
    value = _arr(fill_value)
    return Tensor(np.broadcast_to(np.asarray(value, dt), _ints(shape)).copy())


def zeros_like(x, dtype=None):
    value = _arr(x)
    return Tensor(np.zeros(np.shape(value), standardize(dtype) or np.asarray(value).dtype))


def ones_like(x, dtype=None):
    value = _arr(x)
    return Tensor(np.ones(np.shape(value), standardize(dtype) or np.asarray(value).dtype))


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    value = _arr(x)
    dt = standardize(dtype) or np.asarray(value).dtype
    return Tensor(np.full(np.shape(value), _arr(fill_value), dtype=dt))


def identity(n, dtype=None):
    return Tensor(np.identity(int(n), _creation_dtype(dtype)))


def eye(N, M=None, k=0, dtype=None):
    return Tensor(np.eye(int(N), None if M is None else int(M), int(k),
                         dtype=_creation_dtype(dtype)))


def tri(N, M=None, k=0, dtype=None):
    return Tensor(np.tri(int(N), None if M is None else int(M), int(k),
                         dtype=_creation_dtype(dtype)))


def arange(start, stop=None, step=None, dtype=None):
    if step is None:
        step = 1
    args = [a for a in (start, stop, step) if a is not None]
    dt = standardize(dtype) if dtype is not None else result_type(
        *[np.asarray(_arr(a)).item() if isinstance(a, (Tensor, np.ndarray)) and
          np.ndim(_arr(a)) == 0 else a for a in args])
    if stop is None:
        start, stop = 0, start
    return Tensor(np.arange(_arr(start), _arr(stop), _arr(step)).astype(dt))


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dt = _creation_dtype(dtype, float_type(start, stop) if dtype is None else None)
    values, step = np.linspace(_arr(start), _arr(stop), int(num), endpoint=endpoint,
                               retstep=True, axis=axis)
    out = Tensor(values.astype(dt))
    return (out, Tensor(np.asarray(step, dt))) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dt = _creation_dtype(dtype, float_type(start, stop) if dtype is None else None)
    return Tensor(np.logspace(_arr(start), _arr(stop), int(num), endpoint=endpoint,
                              base=base, axis=axis).astype(dt))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dt = _creation_dtype(dtype, float_type(start, stop) if dtype is None else None)
    return Tensor(np.geomspace(_arr(start), _arr(stop), int(num), endpoint=endpoint,
                               axis=axis).astype(dt))


def meshgrid(*x, indexing="xy"):
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij'; received {indexing!r}.")
    return list(_creation.meshgrid(*[convert(v) for v in x], indexing=indexing))


def vander(x, N=None, increasing=False):
    x = convert(x)
    n = x.data.shape[0] if N is None else int(N)
    powers = np.arange(n)
    if not increasing:
        powers = powers[::-1]
    out = power(_reshape.reshape(x, (-1, 1)), convert(powers.astype(x.data.dtype)))
    return out


def array(x, dtype=None):
    return convert(x, standardize(dtype))


def view(x, dtype=None):
    value = np.asarray(_arr(x))
    return Tensor(value.view(standardize(dtype)) if dtype is not None else value.copy())


# -- windows --------------------------------------------------------------------------------------
def _window(np_fn):
    def op(x, *args):
        return Tensor(np_fn(int(_arr(x)), *args).astype(config.floatx()))
    op.__name__ = np_fn.__name__
    return op


bartlett = _window(np.bartlett)
blackman = _window(np.blackman)
hamming = _window(np.hamming)
hanning = _window(np.hanning)


def kaiser(x, beta):
    return Tensor(np.kaiser(int(_arr(x)), beta).astype(config.floatx()))


# -- statistics and signals -------------------------------------------------------------------
def diff(a, n=1, axis=-1):
    out = convert(a)
    axis = int(axis) % out.data.ndim
    for _ in range(int(n)):
        length = out.data.shape[axis]
        lead = (slice(None),) * axis
        out = subtract(_indexing.getitem(out, lead + (slice(1, length),)),
                       _indexing.getitem(out, lead + (slice(0, length - 1),)))
    return out


def corrcoef(x):
    x = convert(x)
    x = convert(x, float_type(x))
    centred = subtract(x, mean(x, axis=1, keepdims=True))
    cov = matmul(centred, transpose(centred))
    d = sqrt(diagonal(cov))
    out = divide(divide(cov, _reshape.reshape(d, (-1, 1))), _reshape.reshape(d, (1, -1)))
    return clip(out, -1.0, 1.0)


def correlate(x1, x2, mode="valid"):
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate: mode must be 'valid', 'same' or 'full'; received {mode!r}.")
    dt = float_type(x1, x2)
    a, v = convert(x1, dt), convert(x2, dt)
    n, m = a.data.shape[0], v.data.shape[0]
    if m > n:
        a, v = v, a
        n, m = m, n
        swapped = True
    else:
        swapped = False
    if mode == "full":
        a = _padding.pad(a, [[m - 1, m - 1]])
    elif mode == "same":
        left = (m - 1) // 2 if not swapped else m // 2
        a = _padding.pad(a, [[left, m - 1 - left]])
    length = a.data.shape[0] - m + 1
    windows = np.arange(length)[:, None] + np.arange(m)[None, :]
    out = sum(multiply(take(a, windows), _reshape.reshape(v, (1, -1))), axis=1)
    return flip(out) if swapped else out


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = convert(y)
    y = convert(y, float_type(y))
    axis = int(axis) % y.data.ndim
    length = y.data.shape[axis]
    lead = (slice(None),) * axis
    right = _indexing.getitem(y, lead + (slice(1, length),))
    left = _indexing.getitem(y, lead + (slice(0, length - 1),))
    if x is None:
        widths = convert(np.asarray(dx, y.data.dtype))
    else:
        widths = diff(convert(x, y.data.dtype), axis=-1 if convert(x).data.ndim == 1 else axis)
        if widths.data.ndim == 1 and y.data.ndim > 1:
            shape = [1] * y.data.ndim
            shape[axis] = -1
            widths = _reshape.reshape(widths, shape)
    return sum(multiply(multiply(add(left, right), widths), 0.5), axis=axis)


def unravel_index(indices, shape):
    out = np.unravel_index(np.asarray(_arr(indices)), _ints(shape))
    return tuple(Tensor(o.astype(np.asarray(_arr(indices)).dtype)) for o in out)


def ndim(x):
    return np.ndim(_arr(x))


def size(x):
    return Tensor(np.asarray(np.size(_arr(x)), np.int32))


def get_item(x, key):
    return _indexing.getitem(convert(x), key)


def slogdet(x):
    from featherflow.keras.ops import linalg

    return linalg.slogdet(x)


def vectorize(pyfunc, excluded=None, signature=None):
    """A function mapping ``pyfunc`` over the leading axis (``np.vectorize`` with a
    ``signature`` runs the NumPy way, without gradients)."""
    if signature is not None or excluded:
        vectorized = np.vectorize(lambda *a: np.asarray(_arr(pyfunc(*a))),
                                  excluded=excluded or set(), signature=signature)
        return lambda *args: Tensor(np.asarray(vectorized(*[_arr(a) for a in args])))

    def run(*args):
        from featherflow.keras.ops.core import vectorized_map

        return vectorized_map(lambda elems: pyfunc(*elems) if isinstance(elems, tuple)
                              else pyfunc(elems), tuple(args) if len(args) > 1 else args[0])
    return run


def shape_equal(shape1, shape2, axis=None, allow_none=True):
    s1, s2 = list(shape1), list(shape2)
    if len(s1) != len(s2):
        return False
    for i, (a, b) in enumerate(zip(s1, s2)):
        if axis is not None and i in ((axis,) if isinstance(axis, int) else axis):
            continue
        if allow_none and (a is None or b is None):
            continue
        if a != b:
            return False
    return True



def cdist(x, y):
    """Euclidean distances between the rows of ``x`` and ``y`` (batched over leading axes),
    as Keras's ``ops.cdist``; differentiable."""
    dt = float_type(x, y)
    a, b = convert(x, dt), convert(y, dt)
    if a.data.ndim < 2 or b.data.ndim < 2:
        raise ValueError("`cdist` inputs must have rank >= 2")
    if a.data.shape[-1] != b.data.shape[-1]:
        raise ValueError("Last dimension of inputs to `cdist` must match")
    diff = subtract(expand_dims(a, -2), expand_dims(b, -3))
    return sqrt(sum(multiply(diff, diff), axis=-1))
