"""Elementwise arithmetic, matmul, einsum and reductions: primitives and TF-style functions.

Hot-path notes: NumPy's Python-level wrappers (``np.mean``, ``np.sum``, ``np.broadcast_to``,
``np.expand_dims``, ``np.clip``) cost 1-5 us each on tiny arrays, more than the arithmetic, so
the primitives call ufuncs and their ``reduce`` directly and build gradients with
``reshape`` and plain assignment.
"""

import math as _pymath

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor
from featherflow.ops._convert import data, float_operand, is_variable, norm_axis, operand, pair


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


class Subtract(Function):
    def forward(self, a, b):
        self.sa, self.sb = a.shape, b.shape
        return a - b

    def backward(self, g):
        gb = unbroadcast(-g, self.sb) if self.needs[1] else None
        return unbroadcast(g, self.sa), gb


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
        gb = None
        ga = g / self.b
        if self.needs[1]:
            gb = unbroadcast(-ga * self.a / self.b, self.b.shape)
        return unbroadcast(ga, self.a.shape) if self.needs[0] else None, gb


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
            # d(a**b)/db = a**b * log(a), taken as 0 where a <= 0 (as TensorFlow does)
            pos = a > 0
            loga = np.log(np.where(pos, a, 1)) * pos
            gb = unbroadcast(g * self.out * loga, b.shape)
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


class Minimum(Maximum):
    def forward(self, a, b):
        self.mask = a <= b
        self.sa, self.sb = a.shape, b.shape
        return np.minimum(a, b)


class SquaredDifference(Function):
    def forward(self, a, b):
        self.d = a - b
        self.sa, self.sb = a.shape, b.shape
        return self.d * self.d

    def backward(self, g):
        gd = 2 * g * self.d
        return unbroadcast(gd, self.sa), unbroadcast(-gd, self.sb) if self.needs[1] else None


class Xlogy(Function):
    """``x * log(y)``, 0 where ``x == 0`` (also for ``y == 0``), as ``tf.math.xlogy``."""

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
    # the subgradient at 0 is 0 (sign(0)), as TensorFlow
    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, g):
        return (g * np.sign(self.x),)


class Sign(Function):
    """``sign(x)``: the gradient is zero everywhere (TensorFlow returns zeros, not None)."""

    def forward(self, x):
        return np.sign(x)

    def backward(self, g):
        return (np.zeros_like(g),)


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


class Sinh(Function):
    def forward(self, x):
        self.x = x
        return np.sinh(x)

    def backward(self, g):
        return (g * np.cosh(self.x),)


class Cosh(Function):
    def forward(self, x):
        self.x = x
        return np.cosh(x)

    def backward(self, g):
        return (g * np.sinh(self.x),)


class Atan(Function):
    def forward(self, x):
        self.x = x
        return np.arctan(x)

    def backward(self, g):
        return (g / (1 + self.x * self.x),)


class Asin(Function):
    def forward(self, x):
        self.x = x
        return np.arcsin(x)

    def backward(self, g):
        return (g / np.sqrt(1 - self.x * self.x),)


class Acos(Function):
    def forward(self, x):
        self.x = x
        return np.arccos(x)

    def backward(self, g):
        return (-g / np.sqrt(1 - self.x * self.x),)


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


class Reciprocal(Function):
    def forward(self, x):
        self.out = 1 / x
        return self.out

    def backward(self, g):
        return (-g * self.out * self.out,)


class Clip(Function):
    # the bounds themselves pass the gradient (TensorFlow's clip_by_value does the same)
    def forward(self, x, lo, hi):
        self.mask = (x >= lo) & (x <= hi)
        return np.minimum(np.maximum(x, lo), hi)

    def backward(self, g):
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
    #: set for Variables: the result must not follow later assigns
    copy = False

    def forward(self, x):
        return x.copy() if self.copy else x

    def backward(self, g):
        return (g,)


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


# -- matmul and einsum ------------------------------------------------------------------------
def _t(x):
    return np.swapaxes(x, -1, -2)


class MatMul(Function):
    """``op(a) @ op(b)`` over the last two axes, batched with broadcasting; a 1-D operand is
    a vector (as in NumPy), and the transposes apply to operands of rank >= 2."""

    def __init__(self, transpose_a=False, transpose_b=False):
        self.ta = transpose_a
        self.tb = transpose_b

    def forward(self, a, b):
        self.a, self.b = a, b
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else (_t(a) if self.ta else a)
            b2 = b[:, None] if b.ndim == 1 else (_t(b) if self.tb else b)
            out = np.matmul(a2, b2)
            self.out2 = out.shape
            if a.ndim == 1:
                out = out[..., 0, :]
            if b.ndim == 1:
                out = out[..., 0]
            return out
        return np.matmul(_t(a) if self.ta else a, _t(b) if self.tb else b)

    def backward(self, g):
        a, b = self.a, self.b
        ga = gb = None
        if a.ndim == 1 or b.ndim == 1:
            a2 = a[None, :] if a.ndim == 1 else (_t(a) if self.ta else a)
            b2 = b[:, None] if b.ndim == 1 else (_t(b) if self.tb else b)
            g2 = np.reshape(g, self.out2)
            if self.needs[0]:
                ga = unbroadcast(g2 @ _t(b2), a2.shape)
                ga = ga.reshape(a.shape) if a.ndim == 1 else (_t(ga) if self.ta else ga)
            if self.needs[1]:
                gb = unbroadcast(_t(a2) @ g2, b2.shape)
                gb = gb.reshape(b.shape) if b.ndim == 1 else (_t(gb) if self.tb else gb)
            return ga, gb
        opa = _t(a) if self.ta else a
        opb = _t(b) if self.tb else b
        if self.needs[0]:
            ga = opb @ _t(g) if self.ta else g @ _t(opb)
            ga = unbroadcast(ga, a.shape)
        if self.needs[1]:
            gb = _t(g) @ opa if self.tb else _t(opa) @ g
            gb = unbroadcast(gb, b.shape)
        return ga, gb


def _einsum_parse(subscripts, ndims):
    """Split ``subscripts`` into per-input and output terms, making an implicit output explicit
    (NumPy's rule: ellipsis first, then the letters used once, in alphabetical order)."""
    s = subscripts.replace(" ", "")
    if "->" in s:
        ins, out = s.split("->")
    else:
        ins = s
        letters = ins.replace("...", "").replace(",", "")
        once = sorted(c for c in set(letters) if letters.count(c) == 1)
        out = ("..." if "..." in ins else "") + "".join(once)
    terms = ins.split(",")
    if len(terms) != len(ndims):
        raise ValueError(
            f"einsum: the subscripts {subscripts!r} name {len(terms)} operand(s), received "
            f"{len(ndims)}."
        )
    return terms, out


class Einsum(Function):
    """``np.einsum`` with the gradient of each operand as another einsum.

    The gradient of an operand is the contraction of the output gradient with the other
    operands; letters summed within that operand alone are broadcast back, and broadcast
    (size 1 or ellipsis) dimensions are summed. Repeated letters inside one operand (traces,
    diagonals) have no gradient here.
    """

    def __init__(self, subscripts):
        self.subscripts = subscripts

    def forward(self, *xs):
        self.terms, self.out_term = _einsum_parse(self.subscripts, [x.ndim for x in xs])
        self.xs = xs
        return np.asarray(np.einsum(f"{','.join(self.terms)}->{self.out_term}", *xs))

    def backward(self, g):
        terms, out, xs = self.terms, self.out_term, self.xs
        grads = []
        for i, (term, x) in enumerate(zip(terms, xs)):
            if not self.needs[i]:
                grads.append(None)
                continue
            grads.append(self._grad_of(i, term, x, g, terms, out, xs))
        return tuple(grads)

    def _grad_of(self, i, term, x, g, terms, out, xs):
        letters = term.replace("...", "")
        if len(set(letters)) != len(letters):
            raise NotImplementedError(
                f"einsum: no gradient for the operand {term!r} of {self.subscripts!r}, whose "
                f"letters repeat (a trace or diagonal). Use tf.linalg ops or reshape instead."
            )
        others = [t for j, t in enumerate(terms) if j != i]
        seen = out + "".join(others)
        keep = "".join(c for c in letters if c in seen)
        any_ell = "..." in seen
        spec = ",".join([out] + others) + "->" + ("..." if any_ell else "") + keep
        gk = np.einsum(spec, g, *[v for j, v in enumerate(xs) if j != i])
        n_ell = x.ndim - len(letters)
        sizes = dict(zip(letters, _letter_sizes(term, x.shape)))
        # shape in the order (ellipsis dims, letters) with summed-alone letters as size 1
        pos = term.index("...") if "..." in term else 0
        ell_shape = x.shape[pos:pos + n_ell]
        kept_dims = iter(gk.shape[gk.ndim - len(keep):])
        lonely_shape = tuple(next(kept_dims) if c in keep else 1 for c in letters)
        gk = gk.reshape(gk.shape[: gk.ndim - len(keep)] + lonely_shape)
        full = ell_shape + tuple(sizes[c] for c in letters)
        # sum what x was broadcast over (extra or size-1 dims), then spread over what the
        # output did not depend on (letters summed inside x alone, size-1 dims of others)
        if gk.ndim > len(full):
            gk = gk.sum(axis=tuple(range(gk.ndim - len(full))))
        axes = tuple(i for i, (t, n) in enumerate(zip(full, gk.shape)) if t == 1 and n != 1)
        if axes:
            gk = gk.sum(axis=axes, keepdims=True)
        if gk.shape != full:
            out_arr = np.empty(full, gk.dtype)
            out_arr[...] = gk
            gk = out_arr
        if n_ell and pos:
            n_before = len(term[:term.index("...")])
            perm = ([n_ell + k for k in range(n_before)] + list(range(n_ell))
                    + [n_ell + k for k in range(n_before, len(letters))])
            gk = np.transpose(gk, perm)
        return gk.astype(x.dtype, copy=False)


def _letter_sizes(term, shape):
    """Sizes of the letters of ``term`` (an einsum term) for an operand of ``shape``."""
    if "..." in term:
        before, after = term.split("...")
        dims = list(shape[: len(before)]) + (list(shape[len(shape) - len(after):])
                                              if after else [])
        return dims
    return list(shape)


# -- reductions -----------------------------------------------------------------------------
def _kept_shape(shape, axis):
    """``shape`` with the reduced ``axis`` (None, int or tuple) set to 1 (keepdims layout)."""
    if axis is None:
        return (1,) * len(shape)
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def _spread(g, shape, kept):
    """Broadcast a reduction's gradient ``g`` back to ``shape`` as a fresh writable array."""
    out = np.empty(shape, g.dtype)
    out[...] = g.reshape(kept)
    return out


class Sum(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.shape = x.shape
        out = np.add.reduce(x, axis=self.axis, keepdims=self.keepdims)
        if x.dtype.kind in "iu" and out.dtype != x.dtype:
            # NumPy sums small ints as int64; TensorFlow keeps the input type
            out = out.astype(x.dtype)
        return np.asarray(out)

    def backward(self, g):
        return (_spread(g, self.shape, _kept_shape(self.shape, self.axis)),)


class Mean(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.shape = x.shape
        kept = _kept_shape(x.shape, self.axis)
        n = 1
        for a, b in zip(x.shape, kept):
            if a != b:
                n *= a
        self.n = n
        s = np.add.reduce(x, axis=self.axis, keepdims=self.keepdims)
        if x.dtype.kind in "iub":
            # TensorFlow's integer mean truncates and keeps the integer type
            return np.asarray(np.trunc(s / max(n, 1)).astype(x.dtype if x.dtype.kind != "b"
                                                              else np.int64))
        return np.asarray(s / n if n else s * np.nan)

    def backward(self, g):
        return (_spread(g / self.n, self.shape, _kept_shape(self.shape, self.axis)),)


class MaxMin(Function):
    """reduce_max / reduce_min: ties share the gradient equally (as TensorFlow)."""

    def __init__(self, ufunc, axis=None, keepdims=False):
        self.ufunc, self.axis, self.keepdims = ufunc, axis, keepdims

    def forward(self, x):
        if x.size == 0:
            raise ValueError(
                f"reduce_{'max' if self.ufunc is np.maximum else 'min'}: cannot reduce an "
                f"empty tensor of shape {x.shape}."
            )
        self.x = x
        self.out = self.ufunc.reduce(x, axis=self.axis, keepdims=True)
        if self.keepdims:
            return self.out
        return self.out.reshape(_drop(x.shape, self.axis))

    def backward(self, g):
        mask = self.x == self.out
        count = np.add.reduce(mask, axis=self.axis, keepdims=True).astype(g.dtype)
        return (mask * (g.reshape(self.out.shape) / count),)


def _drop(shape, axis):
    if axis is None:
        return ()
    axes = axis if isinstance(axis, tuple) else (axis,)
    return tuple(n for i, n in enumerate(shape) if i not in axes)


class Prod(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.x = x
        out = np.multiply.reduce(x, axis=self.axis, keepdims=True)
        if x.dtype.kind in "iu":
            out = out.astype(x.dtype)
        self.kept = out.shape
        return out if self.keepdims else out.reshape(_drop(x.shape, self.axis))

    def backward(self, g):
        x = self.x
        gk = g.reshape(self.kept)
        ax = self.axis if self.axis is not None else tuple(range(x.ndim))
        if isinstance(ax, int):
            ax = (ax,)
        # product of the others from prefix and suffix products: exact when x has zeros
        tail = tuple(range(-len(ax), 0))
        moved = np.moveaxis(x, ax, tail)
        flat = moved.reshape(moved.shape[: moved.ndim - len(ax)] + (-1,))
        ones = np.ones(flat.shape[:-1] + (1,), x.dtype)
        left = np.concatenate([ones, np.cumprod(flat, axis=-1)[..., :-1]], axis=-1)
        right = np.concatenate(
            [np.cumprod(flat[..., ::-1], axis=-1)[..., :-1][..., ::-1], ones], axis=-1)
        others = np.moveaxis((left * right).reshape(moved.shape), tail, ax)
        return ((gk * others).astype(x.dtype, copy=False),)


class LogSumExp(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        m = np.maximum.reduce(x, axis=self.axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        e = np.exp(x - m)
        s = np.add.reduce(e, axis=self.axis, keepdims=True)
        self.soft = e / s
        out = np.log(s) + m
        self.kept = out.shape
        return out if self.keepdims else out.reshape(_drop(x.shape, self.axis))

    def backward(self, g):
        return (g.reshape(self.kept) * self.soft,)


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


class UnsortedSegmentSum(Function):
    """Sum the rows of ``x`` into ``num_segments`` buckets by ``ids`` (negative ids dropped)."""

    def __init__(self, ids, num_segments):
        self.ids, self.num_segments = ids, num_segments

    def forward(self, x):
        ids = self.ids
        self.valid = ids >= 0
        out = np.zeros((self.num_segments,) + x.shape[ids.ndim:], x.dtype)
        np.add.at(out, ids[self.valid], x[self.valid])
        self.shape = x.shape
        return out

    def backward(self, g):
        gx = np.zeros(self.shape, g.dtype)
        gx[self.valid] = g[self.ids[self.valid]]
        return (gx,)


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


def _unary(cls, floats=True, tf_name=None):
    convert = float_operand if floats else operand

    def fn(x, name=None):
        return cls()(convert(x))

    fn.__name__ = tf_name or cls.__name__.lower()
    fn.__qualname__ = fn.__name__
    fn.__doc__ = f"Elementwise ``{fn.__name__}`` (``tf.math.{fn.__name__}``), differentiable."
    return fn


negative = _unary(Negative, floats=False)
square = _unary(Square, floats=False)
abs = _unary(Abs, floats=False)
sign = _unary(Sign, floats=False)
exp = _unary(Exp)
log = _unary(Log)
log1p = _unary(Log1p)
expm1 = _unary(Expm1)
sqrt = _unary(Sqrt)
rsqrt = _unary(Rsqrt)
sin = _unary(Sin)
cos = _unary(Cos)
tan = _unary(Tan)
sinh = _unary(Sinh)
cosh = _unary(Cosh)
atan = _unary(Atan)
asin = _unary(Asin)
acos = _unary(Acos)
erf = _unary(Erf)
reciprocal = _unary(Reciprocal)


def identity(input, name=None):
    """``input`` as a new Tensor (a snapshot for Variables), gradient passed through."""
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
        return Tensor(np.argwhere(cond).astype(np.int64))
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
    x = operand(x)
    dtype = np.dtype(dtype)
    if data(x).dtype == dtype:
        return identity(x) if is_variable(x) else x if isinstance(x, Tensor) else Tensor(x)
    return Cast(dtype)(x)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product of the last two axes, batched over the leading ones (``tf.matmul``)."""
    a, b = pair(a, b)
    ta = transpose_a or adjoint_a
    tb = transpose_b or adjoint_b
    sa, sb = np.shape(data(a)), np.shape(data(b))
    ka = (sa[-2] if ta else sa[-1]) if len(sa) > 1 else (sa[0] if sa else None)
    kb = (sb[-1] if tb else sb[-2]) if len(sb) > 1 else (sb[0] if sb else None)
    if not sa or not sb or ka != kb:
        raise ValueError(
            f"matmul: incompatible shapes {tuple(sa)} and {tuple(sb)}: the inner dimensions "
            f"({ka} and {kb}) must match. Transpose one operand or fix the layer sizes."
        )
    try:
        return MatMul(ta, tb)(a, b)
    except ValueError as err:
        raise ValueError(
            f"matmul: incompatible shapes {tuple(sa)} and {tuple(sb)}: the batch dimensions "
            f"{tuple(sa[:-2])} and {tuple(sb[:-2])} must be equal or broadcastable ({err})."
        ) from None


def matvec(a, b, transpose_a=False, adjoint_a=False, name=None):
    """Matrix times vector over the last axes (``tf.linalg.matvec``)."""
    from featherflow.ops import shape as S

    out = matmul(a, S.expand_dims(b, -1), transpose_a=transpose_a or adjoint_a)
    return S.squeeze(out, -1)


def einsum(equation, *inputs, name=None, **kwargs):
    """Einstein summation (``tf.einsum``), differentiable in every operand."""
    xs = [operand(x) for x in inputs]
    floats = [data(x).dtype for x in xs if data(x).dtype.kind == "f"]
    if floats:
        xs = [x if data(x).dtype == floats[0] else cast(x, floats[0]) for x in xs]
    try:
        return Einsum(equation)(*xs)
    except ValueError as err:
        raise ValueError(
            f"einsum {equation!r}: operands of shapes {[tuple(np.shape(data(x))) for x in xs]} "
            f"do not fit ({err})."
        ) from None


def tensordot(a, b, axes, name=None):
    """Contract ``axes`` of ``a`` with ``axes`` of ``b`` (``tf.tensordot``)."""
    from featherflow.ops import shape as S

    a, b = pair(a, b)
    na, nb = np.ndim(data(a)), np.ndim(data(b))
    if isinstance(axes, (int, np.integer)):
        ax_a = list(range(na - int(axes), na))
        ax_b = list(range(int(axes)))
    else:
        ax_a, ax_b = [list(np.atleast_1d(v)) for v in axes]
        ax_a = [int(i) % na for i in ax_a]
        ax_b = [int(i) % nb for i in ax_b]
    free_a = [i for i in range(na) if i not in ax_a]
    free_b = [i for i in range(nb) if i not in ax_b]
    sa, sb = np.shape(data(a)), np.shape(data(b))
    if [sa[i] for i in ax_a] != [sb[i] for i in ax_b]:
        raise ValueError(
            f"tensordot: the contracted axes {ax_a} of shape {tuple(sa)} and {ax_b} of shape "
            f"{tuple(sb)} have different sizes."
        )
    k = int(np.prod([sa[i] for i in ax_a]))
    at = S.reshape(S.transpose(a, free_a + ax_a), (-1, k))
    bt = S.reshape(S.transpose(b, ax_b + free_b), (k, -1))
    return S.reshape(matmul(at, bt), [sa[i] for i in free_a] + [sb[i] for i in free_b])


# -- public functions: reductions ------------------------------------------------------------
def _reduce(cls, x, axis, keepdims, convert=operand):
    x = convert(x)
    return cls(axis=norm_axis(axis, np.ndim(data(x))), keepdims=bool(keepdims))(x)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over ``axis`` (all axes when None), as ``tf.reduce_sum``."""
    return _reduce(Sum, input_tensor, axis, keepdims)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over ``axis``; integer inputs give a truncated integer mean, as TensorFlow."""
    return _reduce(Mean, input_tensor, axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """Maximum over ``axis``; tied maxima share the gradient (``tf.reduce_max``)."""
    x = operand(input_tensor)
    return MaxMin(np.maximum, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """Minimum over ``axis``; tied minima share the gradient (``tf.reduce_min``)."""
    x = operand(input_tensor)
    return MaxMin(np.minimum, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """Product over ``axis``; the gradient is exact at zeros (``tf.reduce_prod``)."""
    return _reduce(Prod, input_tensor, axis, keepdims)


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``log(sum(exp(x)))`` over ``axis``, computed stably (``tf.reduce_logsumexp``)."""
    return _reduce(LogSumExp, input_tensor, axis, keepdims, float_operand)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance over ``axis`` (``tf.math.reduce_variance``)."""
    x = float_operand(input_tensor)
    m = reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(square(subtract(x, m)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation over ``axis`` (``tf.math.reduce_std``)."""
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """``sqrt(sum(x ** 2))`` over ``axis`` (``tf.math.reduce_euclidean_norm``)."""
    x = float_operand(input_tensor)
    return sqrt(reduce_sum(square(x), axis=axis, keepdims=keepdims))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Logical or over ``axis`` (``tf.reduce_any``)."""
    x = operand(input_tensor)
    return NoGrad(np.any, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Logical and over ``axis`` (``tf.reduce_all``)."""
    x = operand(input_tensor)
    return NoGrad(np.all, axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)(x)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis`` (``tf.math.cumsum``)."""
    x = operand(x)
    return CumSum(norm_axis(axis, np.ndim(data(x))), exclusive, reverse)(x)


def argmax(input, axis=None, output_type=np.int64, name=None):
    """Index of the largest value along ``axis`` (0 when None, as TF); no gradient."""
    x = operand(input)
    ax = 0 if axis is None else norm_axis(axis, np.ndim(data(x)))
    return Tensor(np.asarray(np.argmax(data(x), axis=ax)).astype(output_type))


def argmin(input, axis=None, output_type=np.int64, name=None):
    """Index of the smallest value along ``axis`` (0 when None, as TF); no gradient."""
    x = operand(input)
    ax = 0 if axis is None else norm_axis(axis, np.ndim(data(x)))
    return Tensor(np.asarray(np.argmin(data(x), axis=ax)).astype(output_type))


def count_nonzero(input, axis=None, keepdims=False, dtype=np.int64, name=None):
    """Number of non-zero values over ``axis`` (``tf.math.count_nonzero``)."""
    x = operand(input)
    out = np.count_nonzero(data(x), axis=norm_axis(axis, np.ndim(data(x))), keepdims=keepdims)
    return Tensor(np.asarray(out, dtype))


def add_n(inputs, name=None):
    """Sum of a list of same-shaped tensors (``tf.add_n``)."""
    if not inputs:
        raise ValueError("add_n: expected a non-empty list of tensors, received an empty list.")
    out = operand(inputs[0])
    for t in inputs[1:]:
        out = add(out, t)
    return out


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``x / sqrt(max(sum(x ** 2), epsilon))`` over ``axis`` (``tf.math.l2_normalize``)."""
    x = float_operand(x)
    sq = reduce_sum(square(x), axis=axis, keepdims=True)
    return multiply(x, rsqrt(maximum(sq, epsilon)))


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector norms (``ord`` 'euclidean'/2, 1, inf; 'fro' for matrices), as ``tf.norm``.

    With ``axis=None`` the tensor is treated as one flat vector.
    """
    x = float_operand(tensor)
    keep = bool(keepdims)
    if isinstance(axis, (list, tuple)) and len(axis) == 2 and ord not in ("euclidean", "fro"):
        raise ValueError(
            f"norm: matrix norms support ord='euclidean' or 'fro' here, received ord={ord!r}."
        )
    if ord in ("euclidean", "fro", 2, 2.0):
        return sqrt(reduce_sum(square(x), axis=axis, keepdims=keep))
    if ord in (1, 1.0):
        return reduce_sum(abs(x), axis=axis, keepdims=keep)
    if ord == np.inf:
        return reduce_max(abs(x), axis=axis, keepdims=keep)
    if isinstance(ord, (int, float)) and ord > 0:
        return pow(reduce_sum(pow(abs(x), float(ord)), axis=axis, keepdims=keep), 1.0 / ord)
    raise ValueError(
        f"norm: ord must be 'euclidean', 'fro', 1, 2, np.inf or a positive number, received "
        f"{ord!r}."
    )


def global_norm(t_list, name=None):
    """``sqrt(sum of squared L2 norms)`` of the tensors in ``t_list`` (None entries skipped)."""
    parts = [reduce_sum(square(float_operand(t))) for t in t_list if t is not None]
    if not parts:
        return Tensor(np.zeros((), np.float32))
    return sqrt(add_n(parts))


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Rescale ``t`` so its L2 norm over ``axes`` is at most ``clip_norm`` (``tf.clip_by_norm``).

    The norm of an all-zero ``t`` has a finite (zero) gradient, as in TensorFlow.
    """
    t = float_operand(t)
    l2sum = reduce_sum(square(t), axis=axes, keepdims=True)
    pos = greater(l2sum, 0)
    l2norm = where(pos, sqrt(where(pos, l2sum, 1.0)), l2sum)
    return divide(multiply(t, clip_norm), maximum(l2norm, clip_norm))


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)``; returns
    ``(clipped_list, global_norm)`` with None entries kept (``tf.clip_by_global_norm``)."""
    gnorm = global_norm(t_list) if use_norm is None else operand(use_norm)
    scale = divide(clip_norm, maximum(gnorm, clip_norm))
    clipped = [None if t is None else multiply(t, cast(scale, data(operand(t)).dtype))
               for t in t_list]
    return clipped, gnorm


def unsorted_segment_sum(data_, segment_ids, num_segments, name=None):
    """Sum rows of ``data_`` into ``num_segments`` segments (``tf.math.unsorted_segment_sum``)."""
    x = operand(data_)
    ids = np.asarray(data(segment_ids)).astype(np.int64)
    n = int(data(num_segments))
    xs = np.shape(data(x))
    if ids.shape != xs[: ids.ndim]:
        raise ValueError(
            f"unsorted_segment_sum: segment_ids of shape {ids.shape} must be a prefix of the "
            f"data's shape {tuple(xs)}."
        )
    if ids.size and ids.max() >= n:
        raise ValueError(
            f"unsorted_segment_sum: segment ids must be < num_segments={n}; received "
            f"{int(ids.max())}."
        )
    return UnsortedSegmentSum(ids, n)(x)


def segment_sum(data_, segment_ids, name=None):
    """Sum of rows per sorted segment id (``tf.math.segment_sum``)."""
    ids = np.asarray(data(segment_ids)).astype(np.int64)
    n = int(ids.max()) + 1 if ids.size else 0
    return unsorted_segment_sum(data_, ids, n)


def in_top_k(targets, predictions, k, name=None):
    """Whether each target class is among the ``k`` largest predictions; ties count as in
    (``tf.math.in_top_k``)."""
    p = np.asarray(data(predictions))
    t = np.asarray(data(targets)).astype(np.int64)
    picked = p[np.arange(p.shape[0]), t]
    bigger = np.add.reduce(p > picked[:, None], axis=1)
    ok = np.isfinite(picked) & np.all(np.isfinite(p), axis=1)
    return Tensor((bigger < int(k)) & ok)


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=np.int32,
                     name=None):
    """Counts of (label, prediction) pairs: rows are labels (``tf.math.confusion_matrix``)."""
    lab = np.asarray(data(labels)).astype(np.int64).reshape(-1)
    pred = np.asarray(data(predictions)).astype(np.int64).reshape(-1)
    if lab.shape != pred.shape:
        raise ValueError(
            f"confusion_matrix: labels and predictions must have the same size, received "
            f"{lab.size} and {pred.size}."
        )
    n = int(num_classes) if num_classes is not None else int(max(lab.max(initial=-1),
                                                                 pred.max(initial=-1)) + 1)
    w = np.ones(lab.shape) if weights is None else np.asarray(data(weights)).reshape(-1)
    out = np.zeros((n, n), np.dtype(dtype))
    np.add.at(out, (lab, pred), w.astype(out.dtype))
    return Tensor(out)
