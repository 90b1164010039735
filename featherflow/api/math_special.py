"""``tf.math`` special functions and the rest of its names: lgamma, digamma, polygamma, zeta,
Bessel I0/I1, igamma/igammac, betainc, lbeta, erfinv/erfcinv/ndtri, the no-nan divisions, the
segment reductions, cumulative products and logsumexps, bincount, polyval...

NumPy has no special functions (and scipy is not a dependency), so these are computed here in
float64 (series, recurrences, asymptotic expansions, continued fractions) and cast back to the
input's float type; each differentiable one has its derivative (``lgamma'`` is ``digamma``,
``zeta(x, q)`` differentiates in ``q``, ``igamma(a, x)`` and ``betainc(a, b, x)`` in ``x``).
"""

import math

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.ops import complex_parts


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(as_array(x))


def _float(x, what, complex_ok=False):
    t = _t(x)
    if t.data.dtype.kind != "f" and not (complex_ok and t.data.dtype.kind == "c"):
        kinds = "float16/32/64 or complex64/128" if complex_ok else "float16/32/64"
        raise TypeError(f"{what}: expected a float tensor ({kinds}); received "
                        f"{t.data.dtype.name}. Cast it first, e.g. tf.cast(x, tf.float32).")
    return t


class _Unary(Function):
    def __init__(self, fn, derivative):
        self.fn, self.derivative = fn, derivative

    def forward(self, x):
        self.x = x
        return self.fn(x.astype(np.float64)).astype(x.dtype)

    def backward(self, g):
        return ((g * self.derivative(self.x.astype(np.float64))).astype(g.dtype),)


class _Binary(Function):
    """f(a, x) differentiable in the second argument only (as TF for igamma, zeta...)."""

    def __init__(self, fn, d_second):
        self.fn, self.d_second = fn, d_second

    def forward(self, a, x):
        self.a, self.x = a, x
        return self.fn(a.astype(np.float64), x.astype(np.float64)).astype(x.dtype)

    def backward(self, g):
        gx = None
        if self.needs[1]:
            d = self.d_second(self.a.astype(np.float64), self.x.astype(np.float64))
            gx = unbroadcast((g * d).astype(g.dtype), self.x.shape)
        return None, gx


def _pair(a, x, what):
    a, x = _float(a, what), _float(x, what)
    if a.data.dtype != x.data.dtype:
        raise TypeError(f"{what}: both arguments must have one dtype; received "
                        f"{a.data.dtype.name} and {x.data.dtype.name}.")
    return a, x


# -- gamma family --------------------------------------------------------------------------------
_lgamma_scalar = np.frompyfunc(lambda v: math.lgamma(v) if v != 0 and not (
    v < 0 and float(v).is_integer()) else math.inf, 1, 1)

# B_2k / (2k) for the asymptotic series of digamma (Bernoulli numbers, facts)
_DIGAMMA_ASYMPTOTIC = (1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12)


def _lgamma(x):
    out = np.asarray(_lgamma_scalar(x), dtype=np.float64)
    return np.where(np.isnan(x), np.nan, np.where(np.isposinf(x), np.inf, out))


def _digamma(x):
    x = np.asarray(x, np.float64)
    out = np.zeros_like(x)
    reflect = x < 0.5
    xr = np.where(reflect, 1.0 - x, x)
    acc = np.zeros_like(x)
    while True:
        small = xr < 6.0
        if not small.any():
            break
        acc = acc - np.where(small, 1.0 / np.where(small, xr, 1.0), 0.0)
        xr = np.where(small, xr + 1.0, xr)
    inv2 = 1.0 / (xr * xr)
    series = np.zeros_like(x)
    power = inv2.copy()
    for c in _DIGAMMA_ASYMPTOTIC:
        series = series + c * power
        power = power * inv2
    out = np.log(xr) - 0.5 / xr - series + acc
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, out - np.pi / np.tan(np.pi * x), out)
    return np.where((x <= 0) & (x == np.floor(x)), np.nan, out)


# Bernoulli numbers B_2..B_24 for the Euler-Maclaurin tail of zeta (facts)
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330, 854513 / 138, -236364091 / 2730)


def _zeta(s, q):
    s, q = np.broadcast_arrays(np.asarray(s, np.float64), np.asarray(q, np.float64))
    n = 9
    total = np.zeros(s.shape)
    with np.errstate(all="ignore"):
        for k in range(n):
            total = total + (q + k) ** -s
        a = q + n
        total = total + a ** (1 - s) / (s - 1) + 0.5 * a ** -s
        factor = s * a ** (-s - 1)
        fact = 1.0
        for j, b in enumerate(_BERNOULLI, 1):
            fact = math.factorial(2 * j)
            total = total + b / fact * factor
            factor = factor * (s + 2 * j - 1) * (s + 2 * j) / (a * a)
        total = np.where(s == 1, np.inf, total)
        total = np.where(s < 1, np.nan, total)
        total = np.where((q <= 0) & (q == np.floor(q)), np.inf, total)
        total = np.where((q < 0) & (q != np.floor(q)), np.nan, total)
    return total


def _polygamma(n, x):
    n = np.asarray(n, np.float64)
    x = np.asarray(x, np.float64)
    n, x = np.broadcast_arrays(n, x)
    fact = np.vectorize(lambda v: math.gamma(v + 1) if v >= 0 else np.nan)(n)
    out = (-1.0) ** (n + 1) * fact * _zeta(n + 1, x)
    out = np.where(n == 0, _digamma(x), out)
    return np.where((n < 0) | (n != np.floor(n)), np.nan, out)


def lgamma(x, name=None):
    return _Unary(_lgamma, _digamma)(_float(x, "lgamma"))


def digamma(x, name=None):
    return _Unary(_digamma, lambda v: _polygamma(1.0, v))(_float(x, "digamma"))


def zeta(x, q, name=None):
    """Hurwitz zeta ``sum_k (q + k) ** -x``; differentiable in ``q``."""
    x, q = _pair(x, q, "zeta")
    return _Binary(_zeta, lambda s, v: -s * _zeta(s + 1, v))(x, q)


def polygamma(a, x, name=None):
    a, x = _pair(a, x, "polygamma")
    return _Binary(_polygamma, lambda n, v: _polygamma(n + 1, v))(a, x)


def lbeta(x, name=None):
    """``log(|B(x)|)`` over the last axis: ``sum(lgamma(x)) - lgamma(sum(x))``."""
    from featherflow.ops import math as math_ops
    from featherflow.ops import reduce

    x = _float(x, "lbeta")
    return math_ops.subtract(reduce.reduce_sum(lgamma(x), axis=-1),
                             lgamma(reduce.reduce_sum(x, axis=-1)))


def _igamma(a, x):
    a, x = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(x, np.float64))
    out = np.empty(a.shape)
    flat_a, flat_x, flat = a.reshape(-1), x.reshape(-1), out.reshape(-1)
    for i, (av, xv) in enumerate(zip(flat_a, flat_x)):
        flat[i] = _igamma_scalar(av, xv)
    return out


def _igamma_scalar(a, x):
    if not (a > 0) or x < 0 or math.isnan(a) or math.isnan(x):
        return math.nan
    if x == 0:
        return 0.0
    if math.isinf(x):
        return 1.0
    log_prefix = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series
        term = total = 1.0 / a
        ap = a
        for _ in range(2000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return min(1.0, total * math.exp(log_prefix))
    # continued fraction for the upper function (modified Lentz)
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 2000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return 1.0 - math.exp(log_prefix) * h


def _igamma_dx(a, x):
    with np.errstate(all="ignore"):
        return np.exp((a - 1) * np.log(x) - x - _lgamma(a))


def igamma(a, x, name=None):
    """The regularized lower incomplete gamma P(a, x); differentiable in ``x``."""
    a, x = _pair(a, x, "igamma")
    return _Binary(_igamma, _igamma_dx)(a, x)


def igammac(a, x, name=None):
    """The regularized upper incomplete gamma Q(a, x) = 1 - P(a, x)."""
    a, x = _pair(a, x, "igammac")
    return _Binary(lambda p, v: 1.0 - _igamma(p, v), lambda p, v: -_igamma_dx(p, v))(a, x)


def _betacf(a, b, x):
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = tiny if abs(d) < tiny else d
    d = 1 / d
    h = d
    for m in range(1, 3000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return h


def _betainc_scalar(a, b, x):
    if not (a > 0 and b > 0) or x < 0 or x > 1 or math.isnan(x):
        return math.nan
    if x == 0 or x == 1:
        return float(x)
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
                 + b * math.log1p(-x))
    if x < (a + 1) / (a + b + 2):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1 - math.exp(log_front) * _betacf(b, a, 1 - x) / b


def betainc(a, b, x, name=None):
    """The regularized incomplete beta I_x(a, b); differentiable in ``x``."""
    a, b, x = (_float(v, "betainc") for v in (a, b, x))
    arrays = np.broadcast_arrays(a.data.astype(np.float64), b.data.astype(np.float64),
                                 x.data.astype(np.float64))
    out = np.array([_betainc_scalar(*v) for v in zip(*(arr.reshape(-1) for arr in arrays))])
    out = out.reshape(arrays[0].shape)

    class _Betainc(Function):
        def forward(self, xv):
            return out.astype(x.data.dtype)

        def backward(self, g):
            av, bv, xv = arrays
            with np.errstate(all="ignore"):
                d = np.exp((av - 1) * np.log(xv) + (bv - 1) * np.log1p(-xv)
                           - (_lgamma(av) + _lgamma(bv) - _lgamma(av + bv)))
            return (unbroadcast((g * d).astype(g.dtype), x.data.shape),)
    return _Betainc()(x)


# -- Bessel ---------------------------------------------------------------------------------------
def _i1(x):
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax <= 20.0
    xs = np.where(small, ax, 0.0)
    term = xs / 2
    total = term.copy()
    for k in range(1, 60):
        term = term * (xs / 2) ** 2 / (k * (k + 1))
        total = total + term
    large = _i1e_asymptotic(np.where(small, 21.0, ax)) * np.exp(np.minimum(ax, 700.0))
    with np.errstate(over="ignore", invalid="ignore"):
        large = np.where(ax > 700, np.inf, large)
    # TensorFlow's I1 is NaN at +-inf (its kernel multiplies inf by a vanishing series)
    return np.where(np.isinf(x), np.nan, np.sign(x) * np.where(small, total, large))


def _i1e_asymptotic(ax):
    # I_1(x) e^-x ~ 1/sqrt(2 pi x) * sum_k (-1)^k prod_{j<=k} (4 - (2j-1)^2) / (k! (8x)^k)
    total = np.ones_like(ax)
    term = np.ones_like(ax)
    for k in range(1, 30):
        term = term * -(4.0 - (2 * k - 1) ** 2) / (k * 8.0 * ax)
        total = total + term
    return total / np.sqrt(2 * np.pi * ax)


def _i1e(x):
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax <= 20.0
    with np.errstate(over="ignore", invalid="ignore"):
        direct = _i1(np.where(small, x, 0.0)) * np.exp(-np.where(small, ax, 0.0))
    return np.where(small, direct, np.sign(x) * _i1e_asymptotic(np.where(small, 21.0, ax)))


def _i0(x):
    return np.i0(np.asarray(x, np.float64))


def _i0e(x):
    x = np.asarray(x, np.float64)
    ax = np.abs(x)
    small = ax <= 20.0
    with np.errstate(over="ignore"):
        direct = np.i0(np.where(small, ax, 0.0)) * np.exp(-np.where(small, ax, 0.0))
    # I_0(x) e^-x ~ 1/sqrt(2 pi x) * sum_k prod_{j<=k} (2j-1)^2 / (k! (8x)^k)
    big = np.where(small, 21.0, ax)
    total, term = np.ones_like(big), np.ones_like(big)
    for k in range(1, 30):
        term = term * (2 * k - 1) ** 2 / (k * 8.0 * big)
        total = total + term
    return np.where(small, direct, total / np.sqrt(2 * np.pi * big))


def _safe_div(a, b):
    with np.errstate(all="ignore"):
        return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def bessel_i0(x, name=None):
    return _Unary(_i0, _i1)(_float(x, "bessel_i0"))


def bessel_i0e(x, name=None):
    return _Unary(_i0e, lambda v: _i1e(v) - np.sign(v) * _i0e(v))(_float(x, "bessel_i0e"))


def bessel_i1(x, name=None):
    # TensorFlow's registered gradient is 1 at x = 0 (the derivative there is 1/2)
    return _Unary(_i1, lambda v: np.where(v == 0, 1.0, _i0(v) - _safe_div(_i1(v), v)))(
        _float(x, "bessel_i1"))


def bessel_i1e(x, name=None):
    return _Unary(_i1e, lambda v: np.where(v == 0, 0.5, _i0e(v) - _i1e(v) * (
        np.sign(v) + _safe_div(1.0, v))))(_float(x, "bessel_i1e"))


# -- inverse error functions ------------------------------------------------------------------
def _erfinv(y):
    from featherflow.keras.ops._primitives import erfinv_array

    return erfinv_array(np.asarray(y, np.float64))


def erfinv(x, name=None):
    return _Unary(_erfinv, lambda v: math.sqrt(math.pi) / 2 * np.exp(_erfinv(v) ** 2))(
        _float(x, "erfinv"))


def ndtri(x, name=None):
    """The inverse of the standard normal CDF: ``sqrt(2) * erfinv(2x - 1)``."""
    def fn(p):
        return math.sqrt(2.0) * _erfinv(2.0 * p - 1.0)
    return _Unary(fn, lambda p: math.sqrt(2 * math.pi) * np.exp(fn(p) ** 2 / 2))(
        _float(x, "ndtri"))


def erfcinv(x, name=None):
    """The inverse of erfc: ``erfinv(1 - x)``."""
    def fn(v):
        return _erfinv(1.0 - v)
    return _Unary(fn, lambda v: -math.sqrt(math.pi) / 2 * np.exp(fn(v) ** 2))(
        _float(x, "erfcinv"))


# -- elementwise odds and ends ------------------------------------------------------------------
def _same(x, y, what):
    x, y = _t(x), _t(y)
    if x.data.dtype != y.data.dtype:
        if isinstance(y, Tensor) and not isinstance(x, Tensor):
            x = Tensor(x.data.astype(y.data.dtype))
        else:
            y = Tensor(np.asarray(y.data, x.data.dtype))
    return x, y


def multiply_no_nan(x, y, name=None):
    """``x * y``, 0 where ``y`` is 0 even if ``x`` is inf or NaN."""
    from featherflow.ops import math as math_ops

    x, y = _same(x, y, "multiply_no_nan")
    shape = np.broadcast_shapes(x.data.shape, y.data.shape)
    zero = np.broadcast_to(y.data == 0, shape)
    if not zero.any():
        return math_ops.multiply(x, y)
    x_full = x if x.data.shape == shape else math_ops.multiply(
        x, Tensor(np.ones(shape, x.data.dtype)))
    safe_x = math_ops.where(zero, Tensor(np.zeros((), x.data.dtype)), x_full)
    return math_ops.multiply(safe_x, y)


def reciprocal_no_nan(x, name=None):
    from featherflow.ops import math as math_ops

    x = _float(x, "reciprocal_no_nan")
    return math_ops.divide_no_nan(Tensor(np.ones((), x.data.dtype)), x)


def xdivy(x, y, name=None):
    """``x / y``, 0 where ``x`` is 0."""
    from featherflow.ops import math as math_ops

    x, y = _same(x, y, "xdivy")
    shape = np.broadcast_shapes(x.data.shape, y.data.shape)
    zero = np.broadcast_to(x.data == 0, shape)
    safe_y = math_ops.where(np.broadcast_to(y.data == 0, shape) & zero,
                            Tensor(np.ones((), y.data.dtype)), y)
    return math_ops.where(zero, Tensor(np.zeros((), x.data.dtype)),
                          math_ops.divide(x, safe_y))


def xlog1py(x, y, name=None):
    """``x * log1p(y)``, 0 where ``x`` is 0."""
    from featherflow.ops import math as math_ops

    x, y = _same(x, y, "xlog1py")
    shape = np.broadcast_shapes(x.data.shape, y.data.shape)
    zero = np.broadcast_to(x.data == 0, shape)
    safe_y = math_ops.where(zero, Tensor(np.zeros((), y.data.dtype)), y)
    return math_ops.where(zero, Tensor(np.zeros((), x.data.dtype)),
                          math_ops.multiply(x, math_ops.log1p(safe_y)))


def rint(x, name=None):
    x = _float(x, "rint")
    return Tensor(np.rint(x.data))


def zero_fraction(value, name=None):
    a = _t(value).data
    return Tensor(np.asarray(np.mean(a == 0) if a.size else np.nan, np.float32))


def invert_permutation(x, name=None):
    p = np.asarray(_t(x).data)
    if p.ndim != 1 or p.dtype.kind not in "iu" or sorted(p.tolist()) != list(range(p.size)):
        raise InvalidArgumentError(f"invert_permutation: x must be a permutation of 0..n-1 "
                                   f"(a 1-D int vector); received {p.tolist()}.")
    out = np.empty_like(p)
    out[p] = np.arange(p.size, dtype=p.dtype)
    return Tensor(out)


def is_non_decreasing(x, name=None):
    a = np.asarray(_t(x).data).reshape(-1)
    return Tensor(np.asarray(bool(np.all(a[1:] >= a[:-1]))))


def is_strictly_increasing(x, name=None):
    a = np.asarray(_t(x).data).reshape(-1)
    return Tensor(np.asarray(bool(np.all(a[1:] > a[:-1]))))


def polyval(coeffs, x, name=None):
    """``coeffs[0] * x**(n-1) + ... + coeffs[n-1]`` by Horner's rule (``coeffs`` a list)."""
    from featherflow.ops import math as math_ops

    if not isinstance(coeffs, (list, tuple)):
        raise ValueError(f"polyval: coeffs must be a list of tensors; received "
                         f"{type(coeffs).__name__}.")
    x = _t(x)
    if not coeffs:
        return Tensor(np.zeros_like(x.data))
    out = _t(coeffs[0])
    for c in coeffs[1:]:
        out = math_ops.add(math_ops.multiply(out, x), _t(c))
    return out


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    from featherflow.ops import reduce

    return reduce.add_n(list(inputs))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    from featherflow.keras.ops._primitives import CumProd
    from featherflow.ops import concat, indexing
    from featherflow.ops import reduce as reduce_ops
    from featherflow.ops import reverse as reverse_ops

    t = _t(x)
    axis = reduce_ops.scan_axis(axis, t.data.ndim, "cumprod")
    if reverse:
        t = reverse_ops.reverse(t, [axis])
    if exclusive:
        n = t.data.shape[axis]
        ones = Tensor(np.ones(t.data.shape[:axis] + (1,) + t.data.shape[axis + 1:],
                              t.data.dtype))
        head = indexing.getitem(t, (slice(None),) * axis + (slice(0, n - 1),))
        t = concat.concat([ones, head], axis)
    out = CumProd(axis)(t) if t.data.dtype.kind in "fc" else Tensor(np.cumprod(t.data, axis))
    return reverse_ops.reverse(out, [axis]) if reverse else out


class _CumLogSumExp(Function):
    """Inclusive running logsumexp along ``axis`` (``np.logaddexp.accumulate``). Its gradient,
    ``sum_{i >= j} g_i exp(x_j - y_i)``, is summed in log space separately for the positive and
    negative parts of ``g``, so neither overflows."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, x):
        self.x = x
        self.y = np.logaddexp.accumulate(x, axis=self.axis)
        return self.y

    def backward(self, g):
        ax = self.axis
        x, y = self.x.astype(np.float64), self.y.astype(np.float64)
        g = g.astype(np.float64)

        def tail(values):
            flipped = np.flip(values, ax)
            return np.flip(np.logaddexp.accumulate(flipped, axis=ax), ax)
        with np.errstate(divide="ignore"):
            pos = tail(np.log(np.where(g > 0, g, 0.0)) - y)
            neg = tail(np.log(np.where(g < 0, -g, 0.0)) - y)
        out = np.exp(x + pos) - np.exp(x + neg)
        return (out.astype(self.x.dtype),)


def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False, name=None):
    """``log(cumsum(exp(x)))`` along ``axis``, as a running log-add (no overflow, no
    underflow of small leading terms)."""
    from featherflow.ops import concat, indexing
    from featherflow.ops import reverse as reverse_ops

    t = _float(x, "cumulative_logsumexp")
    axis = int(axis) % t.data.ndim
    if reverse:
        t = reverse_ops.reverse(t, [axis])
    out = _CumLogSumExp(axis)(t)
    if exclusive:
        n = t.data.shape[axis]
        lowest = Tensor(np.full(t.data.shape[:axis] + (1,) + t.data.shape[axis + 1:], -np.inf,
                                t.data.dtype))
        out = concat.concat([lowest, indexing.getitem(out, (slice(None),) * axis +
                                                      (slice(0, n - 1),))], axis)
    return reverse_ops.reverse(out, [axis]) if reverse else out


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=np.int32, name=None,
             axis=None, binary_output=False):
    a = np.asarray(_t(arr).data)
    if a.dtype.kind not in "iu":
        raise InvalidArgumentError(f"bincount: arr must hold integers; received {a.dtype}.")
    if a.size and a.min() < 0:
        raise InvalidArgumentError("bincount: arr must not hold negative values.")
    w = None if weights is None else np.asarray(_t(weights).data)
    if axis not in (None, 0, -1):
        raise ValueError(f"bincount: axis must be None, 0 or -1; received {axis}.")
    length = int(a.max()) + 1 if a.size else 0
    if minlength is not None:
        length = max(length, int(minlength))
    if maxlength is not None:
        length = min(length, int(maxlength))
    out_dtype = w.dtype if w is not None else np.dtype(dtype)

    def count(values, wv):
        keep = values < length
        values = values[keep]
        wv = None if wv is None else wv[keep]
        if binary_output:
            out = np.zeros(length, out_dtype)
            out[values] = 1
            return out
        return np.bincount(values, wv, minlength=length)[:length].astype(out_dtype)
    if axis == -1 and a.ndim == 2:
        return Tensor(np.stack([count(r, None if w is None else w[i])
                                for i, r in enumerate(a)]))
    return Tensor(count(a.reshape(-1), None if w is None else w.reshape(-1)))


# -- segment reductions ---------------------------------------------------------------------------
class _SegmentExtreme(Function):
    """unsorted_segment_max/min; the gradient is shared equally by the entries that tie."""

    def __init__(self, ids, num, is_max):
        self.ids, self.num, self.is_max = ids, num, is_max

    def forward(self, x):
        dt = x.dtype
        fill = (np.finfo(dt).min if self.is_max else np.finfo(dt).max) if dt.kind == "f" \
            else (np.iinfo(dt).min if self.is_max else np.iinfo(dt).max)
        out = np.full((self.num,) + x.shape[self.ids.ndim:], fill, dt)
        flat_ids = self.ids.reshape(-1)
        flat_x = x.reshape((-1,) + x.shape[self.ids.ndim:])
        valid = (flat_ids >= 0) & (flat_ids < self.num)
        (np.maximum if self.is_max else np.minimum).at(out, flat_ids[valid], flat_x[valid])
        self.x, self.out, self.valid = flat_x, out, valid
        return out

    def backward(self, g):
        ids = self.ids.reshape(-1)
        safe = np.where(self.valid, ids, 0)
        picked = self.out[safe]
        hit = (self.x == picked) & self.valid.reshape((-1,) + (1,) * (self.x.ndim - 1))
        counts = np.zeros(self.out.shape, np.float64)
        np.add.at(counts, safe[self.valid], hit[self.valid].astype(np.float64))
        share = np.where(hit, g[safe] / np.maximum(counts[safe], 1), 0).astype(g.dtype)
        return (share.reshape(self.ids.shape + self.x.shape[1:]),)


def _segment_args(data, segment_ids, num_segments, what, sorted_ids):
    x = _t(data)
    ids = np.asarray(_t(segment_ids).data)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{what}: segment_ids must be integers; received {ids.dtype}.")
    if x.data.shape[:ids.ndim] != ids.shape:
        raise InvalidArgumentError(f"{what}: segment_ids shape {ids.shape} must be a prefix of "
                                   f"data shape {x.data.shape}.")
    if sorted_ids:
        flat = ids.reshape(-1)
        if flat.size and (np.any(np.diff(flat) < 0) or flat.min() < 0):
            raise InvalidArgumentError(f"{what}: segment ids must be sorted and non-negative "
                                       f"(use tf.math.unsorted_{what.split('.')[-1]} "
                                       "otherwise).")
        num = int(flat.max()) + 1 if flat.size else 0
    else:
        num = int(np.asarray(_t(num_segments).data))
    return x, ids.astype(np.int64), num


def unsorted_segment_max(data, segment_ids, num_segments, name=None):
    x, ids, num = _segment_args(data, segment_ids, num_segments, "unsorted_segment_max", False)
    return _SegmentExtreme(ids, num, True)(x)


def unsorted_segment_min(data, segment_ids, num_segments, name=None):
    x, ids, num = _segment_args(data, segment_ids, num_segments, "unsorted_segment_min", False)
    return _SegmentExtreme(ids, num, False)(x)


def _segment_sum(x, ids, num):
    from featherflow.ops import reduce, reshape

    flat = reshape.reshape(x, (-1,) + x.data.shape[ids.ndim:])
    return reduce.unsorted_segment_sum(flat, ids.reshape(-1), num)


def _counts(ids, num, like):
    flat = ids.reshape(-1)
    valid = (flat >= 0) & (flat < num)
    counts = np.bincount(flat[valid], minlength=num)[:num].astype(like.data.dtype)
    return counts.reshape((num,) + (1,) * (like.data.ndim - ids.ndim))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    from featherflow.ops import math as math_ops

    x, ids, num = _segment_args(data, segment_ids, num_segments, "unsorted_segment_mean", False)
    counts = _counts(ids, num, x)
    return math_ops.divide(_segment_sum(x, ids, num), Tensor(np.maximum(counts, 1)))


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    from featherflow.ops import math as math_ops

    x, ids, num = _segment_args(data, segment_ids, num_segments, "unsorted_segment_sqrt_n",
                                False)
    counts = _counts(ids, num, x)
    return math_ops.divide(_segment_sum(x, ids, num), Tensor(np.sqrt(np.maximum(counts, 1))))


def unsorted_segment_prod(data, segment_ids, num_segments, name=None):
    from featherflow.ops import concat, indexing, reduce, reshape

    x, ids, num = _segment_args(data, segment_ids, num_segments, "unsorted_segment_prod", False)
    flat_ids = ids.reshape(-1)
    flat = reshape.reshape(x, (-1,) + x.data.shape[ids.ndim:])
    rows = []
    for s in range(num):
        members = np.nonzero(flat_ids == s)[0]
        if members.size:
            rows.append(reduce.reduce_prod(indexing.gather(flat, members), axis=0))
        else:
            rows.append(Tensor(np.ones(flat.data.shape[1:], flat.data.dtype)))
    if not rows:
        return Tensor(np.ones((0,) + flat.data.shape[1:], flat.data.dtype))
    return concat.stack(rows)


def _empty_to_zero(out, ids, num):
    """Sorted segment max/min give 0 for ids that no entry uses (unsorted ones the extreme)."""
    from featherflow.ops import math as math_ops

    used = np.zeros(num, bool)
    used[ids.reshape(-1)] = True
    if used.all():
        return out
    mask = used.reshape((num,) + (1,) * (out.data.ndim - 1))
    return math_ops.where(np.broadcast_to(mask, out.data.shape), out,
                          Tensor(np.zeros((), out.data.dtype)))


def segment_max(data, segment_ids, name=None):
    x, ids, num = _segment_args(data, segment_ids, None, "math.segment_max", True)
    return _empty_to_zero(_SegmentExtreme(ids, num, True)(x), ids, num)


def segment_min(data, segment_ids, name=None):
    x, ids, num = _segment_args(data, segment_ids, None, "math.segment_min", True)
    return _empty_to_zero(_SegmentExtreme(ids, num, False)(x), ids, num)


def segment_mean(data, segment_ids, name=None):
    x, ids, num = _segment_args(data, segment_ids, None, "math.segment_mean", True)
    return unsorted_segment_mean(x, ids, num)


def segment_prod(data, segment_ids, name=None):
    x, ids, num = _segment_args(data, segment_ids, None, "math.segment_prod", True)
    return unsorted_segment_prod(x, ids, num)


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    """The exact top ``k`` (what TF's CPU kernel returns): ``(values, indices)``."""
    return _top_k_along(operand, k, reduction_dimension, largest=True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None):
    return _top_k_along(operand, k, reduction_dimension, largest=False)


def _top_k_along(operand, k, axis, largest):
    from featherflow.ops import indexing

    x = _t(operand)
    axis = int(axis) % x.data.ndim
    key = -x.data if largest else x.data
    order = np.argsort(key, axis=axis, kind="stable")
    idx = np.take(order, np.arange(int(k)), axis=axis)
    return indexing.TakeAlong(idx, axis)(x), Tensor(idx.astype(np.int32))


class _ComplexInverseHyperbolic(Function):
    """asinh, acosh or atanh of a complex tensor; the holomorphic derivative is TF's
    (``1 / cosh(y)``, ``1 / sinh(y)`` with ``y`` the result, ``1 / (1 - x^2)``), so both
    principal branches agree with TF's."""

    def __init__(self, name):
        self.name = name

    def forward(self, x):
        self.x = x
        self.y = {"asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh}[self.name](x)
        return self.y

    def backward(self, g):
        if self.name == "asinh":
            return (g / np.cosh(self.y),)
        if self.name == "acosh":
            return (g / np.sinh(self.y),)
        return (g / (1 - self.x * self.x),)


# simple re-exports of names tf.math shares with tf / keras.ops; complex tensors take
# their own primitive (keras.ops computes in floatx)
def acosh(x, name=None):
    from featherflow.keras.ops import numpy as knp

    t = _float(x, "acosh", complex_ok=True)
    return _ComplexInverseHyperbolic("acosh")(t) if t.data.dtype.kind == "c" else knp.arccosh(t)


def asinh(x, name=None):
    from featherflow.keras.ops import numpy as knp

    t = _float(x, "asinh", complex_ok=True)
    return _ComplexInverseHyperbolic("asinh")(t) if t.data.dtype.kind == "c" else knp.arcsinh(t)


def atanh(x, name=None):
    from featherflow.keras.ops import numpy as knp

    t = _float(x, "atanh", complex_ok=True)
    return _ComplexInverseHyperbolic("atanh")(t) if t.data.dtype.kind == "c" else knp.arctanh(t)


def atan2(y, x, name=None):
    from featherflow.keras.ops import numpy as knp

    y, x = _pair(y, x, "atan2")
    return knp.arctan2(y, x)


def erfc(x, name=None):
    from featherflow.ops import math as math_ops

    x = _float(x, "erfc")
    return math_ops.subtract(Tensor(np.ones((), x.data.dtype)), math_ops.erf(x))


def nextafter(x1, x2, name=None):
    a, b = _pair(x1, x2, "nextafter")
    return Tensor(np.nextafter(a.data, b.data))


real, imag, conj, angle = (complex_parts.real, complex_parts.imag, complex_parts.conj,
                          complex_parts.angle)


__all__ = [
    "accumulate_n", "acosh", "angle", "approx_max_k", "approx_min_k", "asinh", "atan2",
    "atanh", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "betainc", "bincount",
    "conj", "cumprod", "cumulative_logsumexp", "digamma", "erfc", "erfcinv", "erfinv",
    "igamma", "igammac", "imag", "invert_permutation", "is_non_decreasing",
    "is_strictly_increasing", "lbeta", "lgamma", "multiply_no_nan", "ndtri", "nextafter",
    "polygamma", "polyval", "real", "reciprocal_no_nan", "rint", "segment_max",
    "segment_mean", "segment_min", "segment_prod", "unsorted_segment_max",
    "unsorted_segment_mean", "unsorted_segment_min", "unsorted_segment_prod",
    "unsorted_segment_sqrt_n", "xdivy", "xlog1py", "zero_fraction", "zeta",
]
