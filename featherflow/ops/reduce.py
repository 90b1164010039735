"""Reductions over axes (sum, mean, max, min, prod, logsumexp), cumulative sums, segment
sums, arg-max/min and counting: primitives and their TF-style functions."""


import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.higher_order import linear_backward
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.ops._convert import data, float_operand, norm_axis, operand
from featherflow.ops.math import NoGrad, add, multiply, sqrt, square, subtract


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

    backward_tensors = linear_backward


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

    backward_tensors = linear_backward


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

    def backward_tensors(self, g):
        # the tie mask and counts are constants: the second derivative of a max is zero
        from featherflow.ops.reshape import reshape  # cycle: reshape -> math -> reduce

        mask = self.x == self.out
        count = np.add.reduce(mask, axis=self.axis, keepdims=True)
        return (reshape(g, self.out.shape) * (mask / count),)


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
        # an all -inf slice gives -inf (and a NaN softmax) silently, as in TF
        with np.errstate(divide="ignore", invalid="ignore"):
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
    return CumSum(scan_axis(axis, np.ndim(data(x)), "cumsum"), exclusive, reverse)(x)


def scan_axis(axis, ndim, what):
    """The axis of a cumulative op; scalars have none (TF's ScanOp error)."""
    a = int(np.asarray(data(axis)))
    if not -ndim <= a < ndim:
        raise InvalidArgumentError(
            f"{what}: expected the scan axis in the range [{-ndim}, {ndim}), but got {a}"
            + (" (the input is a scalar: there is nothing to accumulate over)." if ndim == 0
               else ".")
        )
    return a % ndim


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


def l2_loss(t, name=None):
    """``sum(t ** 2) / 2`` (``tf.nn.l2_loss``)."""
    return multiply(reduce_sum(square(float_operand(t))), 0.5)
