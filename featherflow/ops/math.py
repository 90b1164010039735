"""Elementwise arithmetic (binary and unary), casts, where and clip: primitives and TF-style
functions. Matrix products live in ``ops.linalg`` and reductions in ``ops.reduce``; both are
re-exported here, as ``tf.math`` holds them too.

Hot-path notes: NumPy's Python-level wrappers (``np.mean``, ``np.sum``, ``np.broadcast_to``,
``np.expand_dims``, ``np.clip``) cost 1-5 us each on tiny arrays, more than the arithmetic, so
the primitives call ufuncs and their ``reduce`` directly and build gradients with
``reshape`` and plain assignment.
"""

import math as _pymath

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, float_operand, is_variable, operand, pair


def _shape_error(op, a, b, err):
    return ValueError(
        f"{op}: incompatible shapes {tuple(np.shape(data(a)))} and {tuple(np.shape(data(b)))} "
        f"({err}). Shapes must be equal or broadcastable (each dimension equal, or 1)."
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

    def backward_tensors(self, g):
        return unbroadcast_tensor(g, self.sa), unbroadcast_tensor(g, self.sb)


class Subtract(Function):
    def forward(self, a, b):
        self.sa, self.sb = a.shape, b.shape
        return a - b

    def backward(self, g):
        gb = unbroadcast(-g, self.sb) if self.needs[1] else None
        return unbroadcast(g, self.sa), gb

    def backward_tensors(self, g):
        gb = unbroadcast_tensor(-g, self.sb) if self.needs[1] else None
        return unbroadcast_tensor(g, self.sa), gb


class Multiply(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        ga = unbroadcast(g * self.b, self.a.shape) if self.needs[0] else None
        gb = unbroadcast(g * self.a, self.b.shape) if self.needs[1] else None
        return ga, gb

    def backward_tensors(self, g):
        a, b = self.inputs
        ga = unbroadcast_tensor(g * b, self.a.shape) if self.needs[0] else None
        gb = unbroadcast_tensor(g * a, self.b.shape) if self.needs[1] else None
        return ga, gb


class Divide(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        if a.dtype.kind in "iub" and b.dtype.kind in "iub":
            from featherflow.backend import config

            return np.true_divide(a, b, dtype=config.floatx_dtype())
        return a / b

    def backward(self, g):
        gb = None
        ga = g / self.b
        if self.needs[1]:
            gb = unbroadcast(-ga * self.a / self.b, self.b.shape)
        return unbroadcast(ga, self.a.shape) if self.needs[0] else None, gb

    def backward_tensors(self, g):
        a, b = self.inputs
        ga = g / b
        gb = unbroadcast_tensor(-ga * a / b, self.b.shape) if self.needs[1] else None
        return unbroadcast_tensor(ga, self.a.shape) if self.needs[0] else None, gb


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
            # d(a**b)/db = a**b * log(a), taken as 0 where a <= 0 (as TensorFlow does; for
            # complex a, where a == 0)
            pos = a != 0 if a.dtype.kind == "c" else a > 0
            loga = np.log(np.where(pos, a, 1)) * pos
            gb = unbroadcast(g * self.out * loga, b.shape)
        return ga, gb

    def backward_tensors(self, g):
        a, b = self.inputs
        ga = gb = None
        if self.needs[0]:
            ga = unbroadcast_tensor(g * b * pow(a, b - 1), self.a.shape)
        if self.needs[1]:
            pos = self.a != 0 if self.a.dtype.kind == "c" else self.a > 0
            gb = unbroadcast_tensor(g * pow(a, b) * where(pos, log(where(pos, a, 1)), 0),
                                    self.b.shape)
        return ga, gb


class Maximum(Function):
    # ties send the gradient to the first operand, as TensorFlow's MaximumGrad
    def forward(self, a, b):
        self.mask = a >= b
        self.sa, self.sb = a.shape, b.shape
        return np.maximum(a, b)

    def backward(self, g):
        zero = np.zeros((), g.dtype)
        ga = unbroadcast(np.where(self.mask, g, zero), self.sa) if self.needs[0] else None
        gb = unbroadcast(np.where(self.mask, zero, g), self.sb) if self.needs[1] else None
        return ga, gb

    def backward_tensors(self, g):
        ga = unbroadcast_tensor(g * self.mask, self.sa) if self.needs[0] else None
        gb = unbroadcast_tensor(g * ~self.mask, self.sb) if self.needs[1] else None
        return ga, gb


class Minimum(Maximum):
    def forward(self, a, b):
        self.mask = a <= b
        self.sa, self.sb = a.shape, b.shape
        return np.minimum(a, b)


class SquaredDifference(Function):
    def forward(self, a, b):
        self.d = a - b
        self.sa, self.sb = a.shape, b.shape
        if self.d.dtype.kind == "c":
            # TF's complex squared difference is (a - b) * conj(a - b), and its gradient
            # 2 * g * (a - b) is written in TF's convention already
            self.conjugate_complex = False
            return self.d * np.conj(self.d)
        return self.d * self.d

    def backward(self, g):
        gd = 2 * g * self.d
        return unbroadcast(gd, self.sa), unbroadcast(-gd, self.sb) if self.needs[1] else None

    def backward_tensors(self, g):
        a, b = self.inputs
        gd = g * 2 * (a - b)
        return (unbroadcast_tensor(gd, self.sa),
                unbroadcast_tensor(-gd, self.sb) if self.needs[1] else None)


class Xlogy(Function):
    """``x * log(y)``, 0 where ``x == 0`` (also for ``y == 0``), as ``tf.math.xlogy``."""

    # TF's gradient of complex xlogy is log(y) and x / y, not conjugated
    conjugate_complex = False

    def forward(self, x, y):
        self.x, self.y = x, y
        self.nz = x != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.nz, x * np.log(np.where(self.nz, y, 1)), 0).astype(
                np.result_type(x, y), copy=False)

    def backward(self, g):
        nz, x, y = self.nz, self.x, self.y
        safe_y = np.where(nz, y, 1)
        gx = unbroadcast(g * np.log(safe_y) * nz, x.shape) if self.needs[0] else None
        gy = unbroadcast(g * (x / safe_y) * nz, y.shape) if self.needs[1] else None
        return gx, gy


class Mod(Function):
    """Floor modulo (``tf.math.floormod``): gradient ``1`` and ``-floor(x / y)``."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return np.mod(x, y)

    def backward(self, g):
        gy = None
        if self.needs[1]:
            gy = unbroadcast(-g * np.floor_divide(self.x, self.y), self.y.shape)
        return unbroadcast(g, self.x.shape), gy


# -- elementwise unary ----------------------------------------------------------------------
class Negative(Function):
    def forward(self, x):
        return -x

    def backward(self, g):
        return (-g,)

    def backward_tensors(self, g):
        return (-g,)


class Exp(Function):
    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, g):
        return (g * self.out,)

    def backward_tensors(self, g):
        return (g * exp(self.inputs[0]),)


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, g):
        return (g / self.x,)

    def backward_tensors(self, g):
        return (g / self.inputs[0],)


class Log1p(Function):
    def forward(self, x):
        self.x = x
        return np.log1p(x)

    def backward(self, g):
        return (g / (1 + self.x),)

    def backward_tensors(self, g):
        return (g / (1 + self.inputs[0]),)


class Expm1(Function):
    def forward(self, x):
        self.out = np.expm1(x)
        return self.out

    def backward(self, g):
        return (g * (self.out + 1),)

    def backward_tensors(self, g):
        return (g * exp(self.inputs[0]),)


class Sqrt(Function):
    def forward(self, x):
        self.out = np.sqrt(x)
        return self.out

    def backward(self, g):
        return (g / (2 * self.out),)

    def backward_tensors(self, g):
        return (g * 0.5 / sqrt(self.inputs[0]),)


class Rsqrt(Function):
    def forward(self, x):
        self.x = x
        self.out = 1 / np.sqrt(x)
        return self.out

    def backward(self, g):
        return (-0.5 * g * self.out / self.x,)

    def backward_tensors(self, g):
        x = self.inputs[0]
        return (g * -0.5 * rsqrt(x) / x,)


class Square(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, g):
        return (2 * g * self.x,)

    def backward_tensors(self, g):
        return (g * 2 * self.inputs[0],)


class Abs(Function):
    # the subgradient at 0 is 0 (sign(0)), as TensorFlow
    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, g):
        return (g * np.sign(self.x),)

    def backward_tensors(self, g):
        if self.x.dtype.kind == "c":  # g is real: made complex first, so its own gradient
            g = cast(g, self.x.dtype)  # (the real part) reaches a real cotangent
        return (g * np.sign(self.x),)


class Sign(Function):
    """``sign(x)``: the gradient is zero everywhere (TensorFlow returns zeros, not None)."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, g):
        return (np.zeros_like(g),)

    def backward_tensors(self, g):
        return (g * 0,)


class Sin(Function):
    def forward(self, x):
        self.x = x
        return np.sin(x)

    def backward(self, g):
        return (g * np.cos(self.x),)

    def backward_tensors(self, g):
        return (g * cos(self.inputs[0]),)


class Cos(Function):
    def forward(self, x):
        self.x = x
        return np.cos(x)

    def backward(self, g):
        return (-g * np.sin(self.x),)

    def backward_tensors(self, g):
        return (-g * sin(self.inputs[0]),)


class Tan(Function):
    def forward(self, x):
        self.out = np.tan(x)
        return self.out

    def backward(self, g):
        return (g * (1 + self.out * self.out),)

    def backward_tensors(self, g):
        return (g * (1 + square(tan(self.inputs[0]))),)


class Sinh(Function):
    def forward(self, x):
        self.x = x
        return np.sinh(x)

    def backward(self, g):
        return (g * np.cosh(self.x),)

    def backward_tensors(self, g):
        return (g * cosh(self.inputs[0]),)


class Cosh(Function):
    def forward(self, x):
        self.x = x
        return np.cosh(x)

    def backward(self, g):
        return (g * np.sinh(self.x),)

    def backward_tensors(self, g):
        return (g * sinh(self.inputs[0]),)


class Atan(Function):
    def forward(self, x):
        self.x = x
        return np.arctan(x)

    def backward(self, g):
        return (g / (1 + self.x * self.x),)

    def backward_tensors(self, g):
        return (g / (1 + square(self.inputs[0])),)


class Asin(Function):
    def forward(self, x):
        self.x = x
        return np.arcsin(x)

    def backward(self, g):
        return (g / np.sqrt(1 - self.x * self.x),)

    def backward_tensors(self, g):
        return (g * rsqrt(1 - square(self.inputs[0])),)


class Acos(Function):
    def forward(self, x):
        self.x = x
        return np.arccos(x)

    def backward(self, g):
        return (-g / np.sqrt(1 - self.x * self.x),)

    def backward_tensors(self, g):
        return (-g * rsqrt(1 - square(self.inputs[0])),)


def erf_array(x):
    """Vectorized erf to double precision (W. J. Cody's rational approximations).

    Short polynomial fits are too coarse for 1e-5 parity with Keras's exact gelu.
    """
    x = np.asarray(x)
    ax = np.abs(x).astype(np.float64).reshape(x.shape)
    out = np.empty_like(ax)
    small = ax < 0.46875
    big = ~small
    if small.any():
        t = ax[small] ** 2
        p = ((((1.857777061846031526730e-1 * t + 3.161123743870565596947e0) * t
               + 1.138641541510501556495e2) * t + 3.774852376853020208137e2) * t
             + 3.209377589138469472562e3)
        q = ((((t + 2.360129095234412093499e1) * t + 2.440246379344441733056e2) * t
              + 1.282616526077372275645e3) * t + 2.844236833439170622273e3)
        out[small] = ax[small] * p / q
    if big.any():
        out[big] = 1.0 - _erfc_big(ax[big])
    return (np.sign(x) * out).astype(x.dtype, copy=False)


def _erfc_big(a):
    out = np.empty_like(a)
    mid = a <= 4.0
    if mid.any():
        y = a[mid]
        p = ((((((((2.15311535474403846e-8 * y + 5.64188496988670089e-1) * y
                   + 8.88314979438837594e0) * y + 6.61191906371416295e1) * y
                 + 2.98635138197400131e2) * y + 8.81952221241769090e2) * y
               + 1.71204761263407058e3) * y + 2.05107837782607147e3) * y
             + 1.23033935479799725e3)
        q = ((((((((y + 1.57449261107098347e1) * y + 1.17693950891312499e2) * y
                  + 5.37181101862009858e2) * y + 1.62138957456669019e3) * y
                + 3.29079923573345963e3) * y + 4.36261909014324716e3) * y
              + 3.43936767414372164e3) * y + 1.23033935480374942e3)
        out[mid] = np.exp(-y * y) * p / q
    far = ~mid
    if far.any():
        y = a[far]
        z = 1.0 / (y * y)
        p = ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z
               + 3.60344899949804439e-1) * z + 1.25781726111229246e-1) * z
             + 1.60837851487422766e-2) * z + 6.58749161529837803e-4
        q = ((((z + 2.56852019228982242e0) * z + 1.87295284992346725e0) * z
              + 5.27905102951428412e-1) * z + 6.05183413124413191e-2) * z + 2.33520497626869185e-3
        r = z * p / q
        out[far] = np.exp(-y * y) / y * (1 / _pymath.sqrt(_pymath.pi) - r)
    return out


class Erf(Function):
    def forward(self, x):
        self.x = x
        return erf_array(x)

    def backward(self, g):
        return (g * (2 / _pymath.sqrt(_pymath.pi)) * np.exp(-self.x * self.x),)

    def backward_tensors(self, g):
        return (g * (2 / _pymath.sqrt(_pymath.pi)) * exp(-square(self.inputs[0])),)


class Reciprocal(Function):
    def forward(self, x):
        self.out = 1 / x
        return self.out

    def backward(self, g):
        return (-g * self.out * self.out,)

    def backward_tensors(self, g):
        return (-g / square(self.inputs[0]),)


class Clip(Function):
    # the bounds themselves pass the gradient (TensorFlow's clip_by_value does the same)
    def forward(self, x, lo, hi):
        self.mask = (x >= lo) & (x <= hi)
        return np.minimum(np.maximum(x, lo), hi)

    def backward(self, g):
        return g * self.mask, None, None

    def backward_tensors(self, g):
        return g * self.mask, None, None


class Where(Function):
    def forward(self, cond, a, b):
        self.cond = cond
        self.sa, self.sb = a.shape, b.shape
        return np.where(cond, a, b)

    def backward(self, g):
        zero = np.zeros((), g.dtype)
        ga = unbroadcast(np.where(self.cond, g, zero), self.sa) if self.needs[1] else None
        gb = unbroadcast(np.where(self.cond, zero, g), self.sb) if self.needs[2] else None
        return None, ga, gb

    def backward_tensors(self, g):
        ga = unbroadcast_tensor(g * self.cond, self.sa) if self.needs[1] else None
        gb = unbroadcast_tensor(g * ~self.cond, self.sb) if self.needs[2] else None
        return None, ga, gb


class Cast(Function):
    # TF's rule: the gradient cast back (the real part of it for a real source)
    conjugate_complex = False

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)

    def forward(self, x):
        self.src = x.dtype
        return x.astype(self.dtype)

    def backward(self, g):
        if self.src.kind not in "fc" or self.dtype.kind not in "fc":
            return (None,)
        if g.dtype.kind == "c" and self.src.kind == "f":
            g = g.real
        return (g.astype(self.src),)

    backward_tensors = linear_backward


class Identity(Function):
    #: set for Variables: the result must not follow later assigns
    copy = False

    def forward(self, x):
        return x.copy() if self.copy else x

    def backward(self, g):
        return (g,)

    backward_tensors = linear_backward


class StopGradient(Function):
    differentiable = False

    def forward(self, x):
        return x


class NoGrad(Function):
    """Any NumPy function with no gradient (comparisons, round, argmax...)."""

    differentiable = False

    def __init__(self, fn, **kwargs):
        self.fn = fn
        self.kwargs = kwargs

    def forward(self, *xs):
        return np.asarray(self.fn(*xs, **self.kwargs))



# -- public functions: arithmetic -------------------------------------------------------------
def add(x, y, name=None):
    """``x + y`` with broadcasting (``tf.add``)."""
    return _binary(Add, x, y, "add")


def subtract(x, y, name=None):
    """``x - y`` with broadcasting (``tf.subtract``)."""
    return _binary(Subtract, x, y, "subtract")


def multiply(x, y, name=None):
    """``x * y`` with broadcasting (``tf.multiply``)."""
    return _binary(Multiply, x, y, "multiply")


def scalar_mul(scalar, x, name=None):
    """``scalar * x`` (``tf.math.scalar_mul``)."""
    return multiply(scalar, x)


def divide(x, y, name=None):
    """``x / y`` with broadcasting; integers divide to ``floatx`` (``tf.divide``)."""
    return _binary(Divide, x, y, "divide")


truediv = divide


def divide_no_nan(x, y, name=None):
    """``x / y``, 0 where ``y == 0`` (``tf.math.divide_no_nan``), with finite gradients."""
    x, y = pair(x, y)
    zero = equal(y, 0)
    return where(zero, 0.0, divide(x, where(zero, 1.0, y)))


def floordiv(x, y, name=None):
    """``x // y`` (``tf.math.floordiv``); no gradient, as in TensorFlow."""
    x, y = pair(x, y)
    return NoGrad(np.floor_divide)(x, y)


def mod(x, y, name=None):
    """Floor modulo (``tf.math.floormod``)."""
    return _binary(Mod, x, y, "floormod")


floormod = mod


def pow(x, y, name=None):
    """``x ** y`` with broadcasting (``tf.pow``)."""
    return _binary(Pow, x, y, "pow")


def maximum(x, y, name=None):
    """Elementwise maximum with broadcasting (``tf.maximum``)."""
    return _binary(Maximum, x, y, "maximum")


def minimum(x, y, name=None):
    """Elementwise minimum with broadcasting (``tf.minimum``)."""
    return _binary(Minimum, x, y, "minimum")


def squared_difference(x, y, name=None):
    """``(x - y) ** 2`` with broadcasting (``tf.math.squared_difference``)."""
    return _binary(SquaredDifference, x, y, "squared_difference")


def xlogy(x, y, name=None):
    """``x * log(y)``, 0 where ``x == 0`` (``tf.math.xlogy``)."""
    x, y = pair(float_operand(x), float_operand(y))
    return _binary(Xlogy, x, y, "xlogy")


def _unary(cls, floats=True, tf_name=None, sparse=False):
    convert = float_operand if floats else operand

    def fn(x, name=None):
        if sparse and type(x).__name__ == "SparseTensor":
            # TF maps these ops over a SparseTensor's values (its sparse unary dispatch)
            return x.with_values(fn(x.values))
        return cls()(convert(x))

    fn.__name__ = tf_name or cls.__name__.lower()
    fn.__qualname__ = fn.__name__
    fn.__doc__ = f"Elementwise ``{fn.__name__}`` (``tf.math.{fn.__name__}``), differentiable."
    return fn


negative = _unary(Negative, floats=False, sparse=True)
square = _unary(Square, floats=False, sparse=True)
abs = _unary(Abs, floats=False, sparse=True)
_sign = _unary(Sign, floats=False, sparse=True)


def sign(x, name=None):
    """Elementwise ``sign`` (``tf.math.sign``); for complex ``x / |x|`` (0 at 0), as TF, which
    computes it with differentiable ops, so it has a gradient there."""
    if type(x).__name__ != "SparseTensor" and data(operand(x)).dtype.kind == "c":
        x = operand(x)
        return divide_no_nan(x, cast(abs(x), data(x).dtype))
    return _sign(x)
exp = _unary(Exp)
log = _unary(Log)
log1p = _unary(Log1p)
expm1 = _unary(Expm1)
sqrt = _unary(Sqrt, sparse=True)
rsqrt = _unary(Rsqrt)
sin = _unary(Sin, sparse=True)
cos = _unary(Cos)
tan = _unary(Tan, sparse=True)
sinh = _unary(Sinh)
cosh = _unary(Cosh)
atan = _unary(Atan, sparse=True)
asin = _unary(Asin, sparse=True)
acos = _unary(Acos)
erf = _unary(Erf, sparse=True)
reciprocal = _unary(Reciprocal)


def identity(input, name=None):
    """``input`` as a new Tensor (a snapshot for Variables), gradient passed through."""
    if type(input).__name__ == "SparseTensor":
        return input.with_values(identity(input.values))
    x = operand(input)
    op = Identity()
    if is_variable(x):
        op.copy = True
    return op(x)


def stop_gradient(input, name=None):
    """``input`` with no gradient flowing back through it (``tf.stop_gradient``)."""
    return StopGradient()(operand(input))


def _nograd(fn, tf_name):
    def op(*args, name=None):
        if len(args) == 2:
            a, b = pair(*args)
            return NoGrad(fn)(a, b)
        return NoGrad(fn)(*(operand(a) for a in args))

    op.__name__ = op.__qualname__ = tf_name
    op.__doc__ = f"Elementwise ``{tf_name}`` (``tf.math.{tf_name}``); no gradient."
    return op


round = _nograd(np.round, "round")
floor = _nograd(np.floor, "floor")
ceil = _nograd(np.ceil, "ceil")
is_nan = _nograd(np.isnan, "is_nan")
is_inf = _nograd(np.isinf, "is_inf")
is_finite = _nograd(np.isfinite, "is_finite")
less = _nograd(np.less, "less")
less_equal = _nograd(np.less_equal, "less_equal")
greater = _nograd(np.greater, "greater")
greater_equal = _nograd(np.greater_equal, "greater_equal")
logical_and = _nograd(np.logical_and, "logical_and")
logical_or = _nograd(np.logical_or, "logical_or")
logical_not = _nograd(np.logical_not, "logical_not")
logical_xor = _nograd(np.logical_xor, "logical_xor")
_equal = _nograd(np.equal, "equal")
_not_equal = _nograd(np.not_equal, "not_equal")


def equal(x, y, name=None):
    """Elementwise ``x == y``; comparing with None gives False, as ``tf.Tensor.__eq__``."""
    if x is None or y is None:
        return False
    return _equal(x, y)


def not_equal(x, y, name=None):
    """Elementwise ``x != y``; comparing with None gives True, as ``tf.Tensor.__ne__``."""
    if x is None or y is None:
        return True
    return _not_equal(x, y)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip ``t`` to ``[clip_value_min, clip_value_max]`` (``tf.clip_by_value``)."""
    t = operand(t)
    dt = data(t).dtype
    lo = np.asarray(data(clip_value_min), dt)
    hi = np.asarray(data(clip_value_max), dt)
    return Clip()(t, lo, hi)


def where(condition, x=None, y=None, name=None):
    """Select from ``x`` where ``condition`` holds, else ``y`` (indices when both are None)."""
    cond = np.asarray(data(condition))
    if cond.dtype != np.bool_:
        cond = cond.astype(bool)
    if x is None and y is None:
        out = Tensor(np.argwhere(cond).astype(np.int64))
        # a traced map function: the count is the data's
        return out if state.tracing is None else state.data_dependent(out, 0)
    if x is None or y is None:
        raise ValueError(
            "where: give both x and y (to select values) or neither (to get the indices of "
            "True values); received only one of them."
        )
    x, y = pair(x, y)
    if data(x).dtype != data(y).dtype:
        y = cast(y, data(x).dtype)
    try:
        return Where()(cond, x, y)
    except ValueError as err:
        raise ValueError(
            f"where: condition, x and y must broadcast together; received shapes "
            f"{cond.shape}, {np.shape(data(x))} and {np.shape(data(y))} ({err})."
        ) from None


def cast(x, dtype, name=None):
    """``x`` converted to ``dtype`` (``tf.cast``); float to int truncates toward zero."""
    if type(x).__name__ == "SparseTensor":
        return x.with_values(cast(x.values, dtype))
    x = operand(x)
    dtype = np.dtype(dtype)
    if data(x).dtype == dtype:
        return identity(x) if is_variable(x) else x if isinstance(x, Tensor) else Tensor(x)
    return Cast(dtype)(x)


# tf.math also holds the reductions and matrix products; they are written in their own modules
# (imported last: they build on the functions above)
from featherflow.ops.linalg import (  # noqa: E402
    Einsum,
    MatMul,
    clip_by_global_norm,
    clip_by_norm,
    einsum,
    global_norm,
    l2_normalize,
    matmul,
    matvec,
    norm,
    tensordot,
)
from featherflow.ops.reduce import (  # noqa: E402
    CumSum,
    LogSumExp,
    MaxMin,
    Mean,
    Prod,
    Sum,
    UnsortedSegmentSum,
    add_n,
    argmax,
    argmin,
    confusion_matrix,
    count_nonzero,
    cumsum,
    in_top_k,
    reduce_all,
    reduce_any,
    reduce_euclidean_norm,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
    segment_sum,
    unsorted_segment_sum,
)
from featherflow.ops.unbroadcast import unbroadcast_tensor  # noqa: E402
