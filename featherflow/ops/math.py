"""Elementwise arithmetic, matmul and reductions: primitives and their TF-style functions."""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops._convert import data, norm_axis, operand, pair


def _shape_error(op, a, b, err):
    return ValueError(
        f"{op}: incompatible shapes {tuple(np.shape(data(a)))} and {tuple(np.shape(data(b)))} "
        f"({err}). Shapes must be equal or broadcastable (each dimension equal or 1)."
    )


def _binary(cls, a, b, op):
    a, b = pair(a, b)
    try:
        return cls()(a, b)
    except ValueError as err:
        if "broadcast" in str(err) or "mismatch" in str(err):
            raise _shape_error(op, a, b, err) from None
        raise


# -- elementwise binary ---------------------------------------------------------------------
class Add(Function):
    def forward(self, a, b):
        self.sa, self.sb = a.shape, b.shape
        return a + b

    def backward(self, g):
        return unbroadcast(g, self.sa), unbroadcast(g, self.sb)


class Subtract(Function):
    def forward(self, a, b):
        self.sa, self.sb = a.shape, b.shape
        return a - b

    def backward(self, g):
        return unbroadcast(g, self.sa), unbroadcast(-g, self.sb)


class Multiply(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        ga = unbroadcast(g * self.b, self.a.shape) if self.needs[0] else None
        gb = unbroadcast(g * self.a, self.b.shape) if self.needs[1] else None
        return ga, gb


class Divide(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        if a.dtype.kind in "iub" and b.dtype.kind in "iub":
            from featherflow.backend import config

            return np.true_divide(a, b, dtype=config.floatx_dtype())
        return a / b

    def backward(self, g):
        ga = unbroadcast(g / self.b, self.a.shape) if self.needs[0] else None
        gb = unbroadcast(-g * self.a / (self.b * self.b), self.b.shape) if self.needs[1] else None
        return ga, gb


class Pow(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = np.power(a, b)
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        ga = unbroadcast(g * b * np.power(a, b - 1), a.shape) if self.needs[0] else None
        gb = None
        if self.needs[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                loga = np.where(a > 0, np.log(np.where(a > 0, a, 1)), 0).astype(a.dtype)
            gb = unbroadcast(g * self.out * loga, b.shape)
        return ga, gb


class Maximum(Function):
    def forward(self, a, b):
        self.mask = a >= b
        self.sa, self.sb = a.shape, b.shape
        return np.maximum(a, b)

    def backward(self, g):
        return (unbroadcast(np.where(self.mask, g, 0).astype(g.dtype), self.sa),
                unbroadcast(np.where(self.mask, 0, g).astype(g.dtype), self.sb))


class Minimum(Function):
    def forward(self, a, b):
        self.mask = a <= b
        self.sa, self.sb = a.shape, b.shape
        return np.minimum(a, b)

    def backward(self, g):
        return (unbroadcast(np.where(self.mask, g, 0).astype(g.dtype), self.sa),
                unbroadcast(np.where(self.mask, 0, g).astype(g.dtype), self.sb))


class SquaredDifference(Function):
    def forward(self, a, b):
        self.d = a - b
        self.sa, self.sb = a.shape, b.shape
        return self.d * self.d

    def backward(self, g):
        gd = 2 * g * self.d
        return unbroadcast(gd, self.sa), unbroadcast(-gd, self.sb)


# -- elementwise unary ----------------------------------------------------------------------
class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, g):
        return (-g,)


class Exp(Function):
    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, g):
        return (g * self.out,)


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, g):
        return (g / self.x,)


class Log1p(Function):
    def forward(self, x):
        self.x = x
        return np.log1p(x)

    def backward(self, g):
        return (g / (1 + self.x),)


class Expm1(Function):
    def forward(self, x):
        self.out = np.expm1(x)
        return self.out

    def backward(self, g):
        return (g * (self.out + 1),)


class Sqrt(Function):
    def forward(self, x):
        self.out = np.sqrt(x)
        return self.out

    def backward(self, g):
        return (g / (2 * self.out),)


class Rsqrt(Function):
    def forward(self, x):
        self.x = x
        self.out = 1 / np.sqrt(x)
        return self.out

    def backward(self, g):
        return (-0.5 * g * self.out / self.x,)


class Square(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return (2 * g * self.x,)


class Abs(Function):
    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, g):
        return (g * np.sign(self.x),)


class Sin(Function):
    def forward(self, x):
        self.x = x
        return np.sin(x)

    def backward(self, g):
        return (g * np.cos(self.x),)


class Cos(Function):
    def forward(self, x):
        self.x = x
        return np.cos(x)

    def backward(self, g):
        return (-g * np.sin(self.x),)


class Tan(Function):
    def forward(self, x):
        self.out = np.tan(x)
        return self.out

    def backward(self, g):
        return (g * (1 + self.out * self.out),)


class Reciprocal(Function):
    def forward(self, x):
        self.out = 1 / x
        return self.out

    def backward(self, g):
        return (-g * self.out * self.out,)


class Clip(Function):
    def forward(self, x, lo, hi):
        self.mask = (x >= lo) & (x <= hi)
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    def backward(self, g):
        return np.where(self.mask, g, 0).astype(g.dtype), None, None


class Where(Function):
    def forward(self, cond, a, b):
        self.cond = cond.astype(bool, copy=False)
        self.sa, self.sb = a.shape, b.shape
        return np.where(self.cond, a, b)

    def backward(self, g):
        zero = np.zeros((), g.dtype)
        return (None, unbroadcast(np.where(self.cond, g, zero), self.sa),
                unbroadcast(np.where(self.cond, zero, g), self.sb))


class Cast(Function):
    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        self.src = x.dtype
        return x.astype(self.dtype)

    def backward(self, g):
        if self.src.kind not in "fc" or self.dtype.kind not in "fc":
            return (None,)
        return (g.astype(self.src),)


class Identity(Function):
    def forward(self, x):
        return x

    def backward(self, g):
        return (g,)


class StopGradient(Function):
    differentiable = False

    def forward(self, x):
        return x


class NoGrad(Function):
    """Any NumPy function with no gradient (comparisons, sign, round, argmax...)."""

    differentiable = False

    def __init__(self, fn, **kwargs):
        self.fn = fn
        self.kwargs = kwargs

    def forward(self, *xs):
        return np.asarray(self.fn(*xs, **self.kwargs))


# -- matmul ---------------------------------------------------------------------------------
class MatMul(Function):
    def __init__(self, transpose_a=False, transpose_b=False):
        self.ta = transpose_a
        self.tb = transpose_b

    def forward(self, a, b):
        self.a, self.b = a, b
        if self.ta:
            a = np.swapaxes(a, -1, -2)
        if self.tb:
            b = np.swapaxes(b, -1, -2)
        return np.matmul(a, b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else a
            b2 = b[:, None] if b.ndim == 1 else b
            g2 = g
            if a.ndim == 1:
                g2 = np.expand_dims(g2, -2)
            if b.ndim == 1:
                g2 = np.expand_dims(g2, -1)
            if self.needs[0]:
                ga = unbroadcast(g2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
            if self.needs[1]:
                gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g2, b2.shape).reshape(b.shape)
            return ga, gb
        T = _t
        opa = T(a) if self.ta else a
        opb = T(b) if self.tb else b
        if self.needs[0]:
            ga = opb @ T(g) if self.ta else g @ T(opb)
            ga = unbroadcast(ga, a.shape)
        if self.needs[1]:
            gb = T(g) @ opa if self.tb else T(opa) @ g
            gb = unbroadcast(gb, b.shape)
        return ga, gb


def _t(x):
    return np.swapaxes(x, -1, -2)


# -- reductions -----------------------------------------------------------------------------
def _expand(g, shape, axis, keepdims):
    if axis is None:
        return np.broadcast_to(g.reshape((1,) * len(shape)) if not keepdims else g, shape)
    if not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, shape)


class Sum(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.shape = x.shape
        return np.sum(x, axis=self.axis, keepdims=self.keepdims)

    def backward(self, g):
        return (_expand(g, self.shape, self.axis, self.keepdims),)


class Mean(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.shape = x.shape
        out = np.mean(x, axis=self.axis, keepdims=self.keepdims)
        self.n = x.size // max(np.size(out), 1) if x.size else 1
        return out.astype(x.dtype, copy=False) if x.dtype.kind == "f" else out

    def backward(self, g):
        return (_expand(g / self.n, self.shape, self.axis, self.keepdims),)


class MaxMin(Function):
    def __init__(self, fn, axis=None, keepdims=False):
        self.fn, self.axis, self.keepdims = fn, axis, keepdims

    def forward(self, x):
        self.x = x
        self.out = self.fn(x, axis=self.axis, keepdims=True)
        return self.out if self.keepdims else np.squeeze(self.out, axis=self.axis) \
            if self.axis is not None else self.out.reshape(())

    def backward(self, g):
        mask = self.x == self.out
        # ties share the gradient equally
        count = mask.sum(axis=self.axis, keepdims=True)
        gk = g if self.keepdims else (
            np.expand_dims(g, self.axis) if self.axis is not None
            else g.reshape((1,) * self.x.ndim))
        return ((mask * (gk / count)).astype(self.x.dtype),)


class Prod(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.x = x
        self.out = np.prod(x, axis=self.axis, keepdims=True)
        if self.keepdims:
            return self.out
        return self.out.reshape(()) if self.axis is None else np.squeeze(self.out, self.axis)

    def backward(self, g):
        x = self.x
        gk = g if self.keepdims else (
            np.expand_dims(g, self.axis) if self.axis is not None else g.reshape((1,) * x.ndim))
        # product of the others without dividing by x (exact when x has zeros)
        ax = self.axis if self.axis is not None else tuple(range(x.ndim))
        if isinstance(ax, int):
            ax = (ax,)
        moved = np.moveaxis(x, ax, tuple(range(-len(ax), 0)))
        flat = moved.reshape(moved.shape[: moved.ndim - len(ax)] + (-1,))
        n = flat.shape[-1]
        ones = np.ones(flat.shape[:-1] + (1,), x.dtype)
        left = np.concatenate([ones, np.cumprod(flat, axis=-1)[..., :-1]], axis=-1)
        right = np.concatenate([np.cumprod(flat[..., ::-1], axis=-1)[..., :-1][..., ::-1], ones],
                               axis=-1)
        others = (left * right).reshape(moved.shape)
        others = np.moveaxis(others, tuple(range(-len(ax), 0)), ax)
        del n
        return ((gk * others).astype(x.dtype),)


class LogSumExp(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        m = np.max(x, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        e = np.exp(x - m)
        s = np.sum(e, axis=self.axis, keepdims=True)
        self.soft = e / s
        out = np.log(s) + m
        if self.keepdims:
            return out
        return out.reshape(()) if self.axis is None else np.squeeze(out, self.axis)

    def backward(self, g):
        gk = g if self.keepdims else (
            np.expand_dims(g, self.axis) if self.axis is not None
            else g.reshape((1,) * self.soft.ndim))
        return (gk * self.soft,)


class CumSum(Function):
    def __init__(self, axis=0, exclusive=False, reverse=False):
        self.axis, self.exclusive, self.reverse = axis, exclusive, reverse

    def forward(self, x):
        return _cumsum(x, self.axis, self.exclusive, self.reverse)

    def backward(self, g):
        return (_cumsum(g, self.axis, self.exclusive, not self.reverse),)


def _cumsum(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        out = out - x
    if reverse:
        out = np.flip(out, axis)
    return out


# -- public functions -----------------------------------------------------------------------
def add(x, y, name=None):
    return _binary(Add, x, y, "add")


def subtract(x, y, name=None):
    return _binary(Subtract, x, y, "subtract")


def multiply(x, y, name=None):
    return _binary(Multiply, x, y, "multiply")


def divide(x, y, name=None):
    return _binary(Divide, x, y, "divide")


truediv = divide


def divide_no_nan(x, y, name=None):
    x, y = pair(x, y)
    safe = where(equal(y, 0), 1.0, y)
    return where(equal(y, 0), 0.0, divide(x, safe))


def floordiv(x, y, name=None):
    x, y = pair(x, y)
    return NoGrad(np.floor_divide)(x, y)


def mod(x, y, name=None):
    x, y = pair(x, y)
    return NoGrad(np.mod)(x, y)


floormod = mod


def pow(x, y, name=None):
    return _binary(Pow, x, y, "pow")


def maximum(x, y, name=None):
    return _binary(Maximum, x, y, "maximum")


def minimum(x, y, name=None):
    return _binary(Minimum, x, y, "minimum")


def squared_difference(x, y, name=None):
    return _binary(SquaredDifference, x, y, "squared_difference")


def _unary(cls):
    def fn(x, name=None):
        return cls()(operand(x))

    fn.__name__ = cls.__name__.lower()
    fn.__doc__ = f"Elementwise {cls.__name__.lower()}, differentiable."
    return fn


negative = _unary(Negative)
exp = _unary(Exp)
log = _unary(Log)
log1p = _unary(Log1p)
expm1 = _unary(Expm1)
sqrt = _unary(Sqrt)
rsqrt = _unary(Rsqrt)
square = _unary(Square)
abs = _unary(Abs)
sin = _unary(Sin)
cos = _unary(Cos)
tan = _unary(Tan)
reciprocal = _unary(Reciprocal)
identity = _unary(Identity)


def stop_gradient(x, name=None):
    return StopGradient()(operand(x))


def _nograd(fn):
    def op(*args, name=None):
        if len(args) == 2:
            a, b = pair(*args)
            return NoGrad(fn)(a, b)
        return NoGrad(fn)(*(operand(a) for a in args))

    op.__name__ = fn.__name__
    return op


sign = _nograd(np.sign)
round = _nograd(np.round)
floor = _nograd(np.floor)
ceil = _nograd(np.ceil)
is_nan = _nograd(np.isnan)
is_inf = _nograd(np.isinf)
is_finite = _nograd(np.isfinite)
less = _nograd(np.less)
less_equal = _nograd(np.less_equal)
greater = _nograd(np.greater)
greater_equal = _nograd(np.greater_equal)
equal = _nograd(np.equal)
not_equal = _nograd(np.not_equal)
logical_and = _nograd(np.logical_and)
logical_or = _nograd(np.logical_or)
logical_not = _nograd(np.logical_not)
logical_xor = _nograd(np.logical_xor)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    t = operand(t)
    dt = data(t).dtype
    lo = np.asarray(data(clip_value_min), dt)
    hi = np.asarray(data(clip_value_max), dt)
    return Clip()(t, lo, hi)


def where(condition, x=None, y=None, name=None):
    """Select from ``x`` where ``condition`` holds, else ``y`` (indices when both are None)."""
    cond = as_array(data(condition)).astype(bool)
    if x is None and y is None:
        return Tensor(np.argwhere(cond).astype(np.int64))
    x, y = pair(x, y)
    if data(x).dtype != data(y).dtype:
        y = cast(y, data(x).dtype)
    return Where()(cond, x, y)


def cast(x, dtype, name=None):
    x = operand(x)
    dtype = np.dtype(dtype)
    if data(x).dtype == dtype and isinstance(x, Tensor):
        return x
    return Cast(dtype)(x)


def matmul(a, b, transpose_a=False, transpose_b=False, name=None):
    """Matrix product of the last two axes, batched over the leading ones (as ``tf.matmul``)."""
    a, b = pair(a, b)
    sa, sb = np.shape(data(a)), np.shape(data(b))
    ka = sa[-2] if transpose_a and len(sa) > 1 else sa[-1] if sa else None
    kb = (sb[-1] if transpose_b else sb[-2]) if len(sb) > 1 else (sb[0] if sb else None)
    if not sa or not sb or ka != kb:
        raise ValueError(
            f"matmul: incompatible shapes {tuple(sa)} and {tuple(sb)}: the inner dimensions "
            f"({ka} and {kb}) must match. Transpose one operand or fix the layer sizes."
        )
    return MatMul(transpose_a, transpose_b)(a, b)


def tensordot(a, b, axes, name=None):
    from featherflow.ops import shape as S

    a, b = operand(a), operand(b)
    na, nb = np.ndim(data(a)), np.ndim(data(b))
    if isinstance(axes, int):
        ax_a = list(range(na - axes, na))
        ax_b = list(range(axes))
    else:
        ax_a, ax_b = [list(np.atleast_1d(v)) for v in axes]
        ax_a = [int(i) % na for i in ax_a]
        ax_b = [int(i) % nb for i in ax_b]
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    sa, sb = np.shape(data(a)), np.shape(data(b))
    k = int(np.prod([sa[i] for i in ax_a]))
    at = S.reshape(S.transpose(a, free_a + ax_a), (-1, k))
    bt = S.reshape(S.transpose(b, ax_b + free_b), (k, -1))
    return S.reshape(matmul(at, bt), [sa[i] for i in free_a] + [sb[i] for i in free_b])


def _reduce(cls, x, axis, keepdims, **kw):
    x = operand(x)
    ax = norm_axis(axis, np.ndim(data(x)))
    return cls(axis=ax, keepdims=keepdims, **kw)(x)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(Sum, input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(Mean, input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    x = operand(input_tensor)
    return MaxMin(np.max, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    x = operand(input_tensor)
    return MaxMin(np.min, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(Prod, input_tensor, axis, keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    return _reduce(LogSumExp, input_tensor, axis, keepdims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    x = operand(input_tensor)
    m = reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(square(subtract(x, m)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    x = operand(input_tensor)
    return NoGrad(np.any, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    x = operand(input_tensor)
    return NoGrad(np.all, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    x = operand(x)
    return CumSum(norm_axis(axis, np.ndim(data(x))), exclusive, reverse)(x)


def argmax(input, axis=None, output_type=np.int64, name=None):
    x = operand(input)
    ax = 0 if axis is None else norm_axis(axis, np.ndim(data(x)))
    return Tensor(np.argmax(data(x), axis=ax).astype(output_type))


def argmin(input, axis=None, output_type=np.int64, name=None):
    x = operand(input)
    ax = 0 if axis is None else norm_axis(axis, np.ndim(data(x)))
    return Tensor(np.argmin(data(x), axis=ax).astype(output_type))


def count_nonzero(input, axis=None, keepdims=False, dtype=np.int64, name=None):
    x = operand(input)
    out = np.count_nonzero(data(x), axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)
    return Tensor(np.asarray(out, dtype))


def add_n(inputs, name=None):
    out = inputs[0]
    for t in inputs[1:]:
        out = add(out, t)
    return out


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    x = operand(x)
    sq = reduce_sum(square(x), axis=axis, keepdims=True)
    return multiply(x, rsqrt(maximum(sq, epsilon)))
