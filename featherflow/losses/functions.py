"""Loss functions with Keras 3 names and semantics: per-sample values (reduced over an axis).

Each takes ``(y_true, y_pred, ...)`` as arrays or Tensors and returns a Tensor of per-sample
losses, differentiable with respect to ``y_pred`` (and ``y_true`` when it is a watched Tensor).
Cross-entropies run on the fused primitives of ``featherflow.ops.cross_entropy``; the others are
compositions of featherflow ops.
"""

import math
import warnings

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.losses.fused import MeanSquaredErrorPerSample
from featherflow.losses.loss import check_binary_labels, prepare
from featherflow.ops import activations as activations_ops
from featherflow.ops import cross_entropy as cross_entropy_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import softmax as softmax_ops
from featherflow.ops._convert import data, norm_axis


def _c(value, like):
    """A constant of ``like``'s dtype (keeps float32 maths in float32)."""
    return np.asarray(value, dtype=data(like).dtype)


def _mean(x, axis=-1):
    return math_ops.reduce_mean(x, axis=axis)


def mean_squared_error(y_true, y_pred):
    """``mean((y_true - y_pred)^2, axis=-1)``.

    Example::

        >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).numpy()
        array([0.5], dtype=float32)
    """
    y, p = prepare(y_true, y_pred, "mean_squared_error")
    return MeanSquaredErrorPerSample()(y, p)


def mean_absolute_error(y_true, y_pred):
    """``mean(|y_true - y_pred|, axis=-1)``."""
    y, p = prepare(y_true, y_pred, "mean_absolute_error")
    return _mean(math_ops.abs(math_ops.subtract(y, p)))


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|(y_true - y_pred) / max(|y_true|, epsilon)|, axis=-1)``."""
    y, p = prepare(y_true, y_pred, "mean_absolute_percentage_error")
    eps = _c(config.epsilon(), p)
    if isinstance(y, Tensor):
        denom = math_ops.maximum(math_ops.abs(y), eps)
    else:
        denom = np.maximum(np.abs(y), eps)
    diff = math_ops.abs(math_ops.divide(math_ops.subtract(y, p), denom))
    return math_ops.multiply(_c(100.0, p), _mean(diff))


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1)``."""
    y, p = prepare(y_true, y_pred, "mean_squared_logarithmic_error")
    eps = _c(config.epsilon(), p)
    first = math_ops.log(math_ops.add(math_ops.maximum(p, eps), _c(1.0, p)))
    if isinstance(y, Tensor):
        second = math_ops.log(math_ops.add(math_ops.maximum(y, eps), _c(1.0, p)))
    else:
        second = np.log(np.maximum(y, eps) + 1.0).astype(y.dtype, copy=False)
    return _mean(math_ops.square(math_ops.subtract(first, second)))


def _normalize(x, axis):
    # x * min(rsqrt(sum x^2), 1/eps), written with a max inside so zero rows have no NaN.
    eps = config.epsilon()
    if not isinstance(x, Tensor):
        sq = np.sum(np.square(x), axis=axis, keepdims=True)
        return (x / np.sqrt(np.maximum(sq, eps * eps))).astype(x.dtype, copy=False)
    sq = math_ops.reduce_sum(math_ops.square(x), axis=axis, keepdims=True)
    return math_ops.multiply(x, math_ops.rsqrt(math_ops.maximum(sq, _c(eps * eps, x))))


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (-1 for aligned vectors, 1 for opposite)."""
    y, p = prepare(y_true, y_pred, "cosine_similarity")
    return math_ops.negative(math_ops.reduce_sum(math_ops.multiply(_normalize(y, axis),
                                                                   _normalize(p, axis)),
                                   axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """Squared error below ``delta``, linear beyond it; mean over the last axis."""
    y, p = prepare(y_true, y_pred, "huber")
    err = math_ops.subtract(p, y)
    small = np.abs(data(err)) <= delta
    quad = math_ops.multiply(_c(0.5, p), math_ops.square(err))
    lin = math_ops.subtract(math_ops.multiply(_c(delta, p), math_ops.abs(err)),
                            _c(0.5 * delta * delta, p))
    return _mean(math_ops.where(small, quad, lin))


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, stable for large errors."""
    y, p = prepare(y_true, y_pred, "log_cosh")
    x = math_ops.subtract(p, y)
    val = math_ops.add(x, activations_ops.softplus(math_ops.multiply(x, _c(-2.0, p))))
    return _mean(math_ops.subtract(val, _c(math.log(2.0), p)))


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to [eps, 1]."""
    y, p = prepare(y_true, y_pred, "kl_divergence")
    eps = config.epsilon()
    p = math_ops.clip_by_value(p, eps, 1.0)
    if isinstance(y, Tensor):
        y = math_ops.clip_by_value(y, eps, 1.0)
        return math_ops.reduce_sum(math_ops.multiply(y, math_ops.log(math_ops.divide(y, p))),
                                   axis=-1)
    y = np.clip(y, eps, 1.0).astype(y.dtype, copy=False)
    return math_ops.reduce_sum(math_ops.multiply(y, math_ops.subtract(np.log(y), math_ops.log(p))),
                               axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y, p = prepare(y_true, y_pred, "poisson")
    logp = math_ops.log(math_ops.add(p, _c(config.epsilon(), p)))
    return _mean(math_ops.subtract(p, math_ops.multiply(y, logp)))


def _hinge_labels(y):
    """Labels in {0, 1} become {-1, 1}, as Keras's hinge losses expect."""
    v = data(y)
    if np.all((v == 0) | (v == 1)):
        if isinstance(y, Tensor):
            return math_ops.subtract(math_ops.multiply(y, _c(2.0, y)), _c(1.0, y))
        return (2.0 * v - 1.0).astype(v.dtype)
    return y


def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels are mapped to -1/1."""
    y, p = prepare(y_true, y_pred, "hinge")
    y = _hinge_labels(y)
    return _mean(math_ops.maximum(math_ops.subtract(_c(1.0, p), math_ops.multiply(y, p)), _c(0.0,
                                                                                             p)))


def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)^2, axis=-1)``; 0/1 labels are mapped to -1/1."""
    y, p = prepare(y_true, y_pred, "squared_hinge")
    y = _hinge_labels(y)
    m = math_ops.maximum(math_ops.subtract(_c(1.0, p), math_ops.multiply(y, p)), _c(0.0, p))
    return _mean(math_ops.square(m))


def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` per sample."""
    y, p = prepare(y_true, y_pred, "categorical_hinge")
    pos = math_ops.reduce_sum(math_ops.multiply(y, p), axis=-1)
    neg = math_ops.reduce_max(math_ops.multiply(math_ops.subtract(_c(1.0, p), y), p), axis=-1)
    return math_ops.maximum(math_ops.add(math_ops.subtract(neg, pos), _c(1.0, p)), _c(0.0, p))


def _pred(y_pred):
    """``y_pred`` as a Tensor or a float array (integers become ``floatx()``)."""
    if isinstance(y_pred, Tensor):
        return y_pred if y_pred.data.dtype.kind == "f" else math_ops.cast(y_pred, config.floatx())
    p = as_array(y_pred)
    return p if p.dtype.kind == "f" else p.astype(config.floatx())


def _labels(y_true, p):
    """``y_true`` cast to the float dtype of ``p`` (no rank alignment)."""
    pd = data(p).dtype
    if isinstance(y_true, Tensor):
        return y_true if y_true.data.dtype == pd else math_ops.cast(y_true, pd)
    y = np.asarray(y_true)
    return y if y.dtype == pd else y.astype(pd)


def _smooth(y, factor, off):
    """``y * (1 - factor) + off`` on an array or a Tensor."""
    if isinstance(y, Tensor):
        return math_ops.add(math_ops.multiply(y, _c(1.0 - factor, y)), _c(off, y))
    return (y * (1.0 - factor) + off).astype(y.dtype, copy=False)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, mean over ``axis``.

    Probabilities are clipped to ``[epsilon, 1 - epsilon]``; ``from_logits=True`` takes
    raw scores. ``label_smoothing`` moves labels towards 0.5.

    Example::

        >>> binary_crossentropy([[1.0]], [[0.5]]).numpy().round(4)
        array([0.6931], dtype=float32)
    """
    y, p = prepare(y_true, y_pred, "binary_crossentropy")
    check_binary_labels(y)
    if label_smoothing:
        y = _smooth(y, label_smoothing, 0.5 * label_smoothing)
    ndim = np.ndim(data(p))
    if ndim == 0 or norm_axis(axis, ndim) == ndim - 1:
        return cross_entropy_ops.binary_crossentropy(y, p, from_logits=from_logits)
    return math_ops.reduce_mean(_bce_elementwise(y, p, from_logits), axis=axis)


def _bce_elementwise(y, p, from_logits):
    # The fused primitive averages over the last axis: a trailing axis of size 1 makes it
    # elementwise.
    yy = reshape_ops.expand_dims(y, -1) if isinstance(y, Tensor) else np.expand_dims(y, -1)
    return cross_entropy_ops.binary_crossentropy(yy, reshape_ops.expand_dims(p, -1),
                                                 from_logits=from_logits)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy scaled by ``(1 - p_t)^gamma`` to focus on hard examples.

    With ``from_logits=True`` the cross-entropy part is computed from the logits (as Keras on
    TensorFlow does, through the sigmoid's logits), the focal factor from the sigmoid.
    """
    y, p = prepare(y_true, y_pred, "binary_focal_crossentropy")
    if label_smoothing:
        y = _smooth(y, label_smoothing, 0.5 * label_smoothing)
    if from_logits:
        bce = _bce_elementwise(y, p, True)
        p = activations_ops.sigmoid(p)
    else:
        bce = _bce_elementwise(y, p, False)
    one = _c(1.0, p)
    one_minus_y = math_ops.subtract(one, y) if isinstance(y, Tensor) else (1.0 - y).astype(y.dtype)
    p_t = math_ops.add(math_ops.multiply(y, p), math_ops.multiply(one_minus_y,
                                                                  math_ops.subtract(one, p)))
    focal = math_ops.pow(math_ops.subtract(one, p_t), _c(gamma, p))
    out = math_ops.multiply(focal, bce)
    if apply_class_balancing:
        weight = math_ops.add(math_ops.multiply(y, _c(alpha, p)), math_ops.multiply(one_minus_y,
                                                                                    _c(1.0 - alpha,
                                                                                       p)))
        out = math_ops.multiply(weight, out)
    return math_ops.reduce_mean(out, axis=axis)


def _check_categorical(y, p, name):
    ys, ps = np.shape(data(y)), np.shape(data(p))
    if ys != ps:
        hint = ""
        if len(ys) < len(ps) or (ys and ys[-1] == 1 and ps[-1] > 1):
            hint = (f" The labels look like class indices: use sparse_{name}, or one-hot "
                    f"encode them with tf.keras.utils.to_categorical(y, {ps[-1]}).")
        raise ValueError(
            f"{name}: y_true and y_pred must have the same shape, received y_true.shape={ys} "
            f"and y_pred.shape={ps}.{hint}"
        )
    if ps and ps[-1] == 1:
        warnings.warn(
            f"In loss {name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={ps}. Consider using "
            f"'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy over ``axis`` for one-hot (or soft) labels.

    Probabilities are renormalized to sum to 1 and clipped to ``[epsilon, 1 - epsilon]``.
    ``label_smoothing`` mixes the labels with the uniform distribution.

    Example::

        >>> categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).numpy().round(4)
        array([0.6931], dtype=float32)
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be an integer, received axis={axis!r}.")
    p = _pred(y_pred)
    y = _labels(y_true, p)
    _check_categorical(y, p, "categorical_crossentropy")
    if label_smoothing:
        k = np.shape(data(y))[-1]
        y = _smooth(y, label_smoothing, label_smoothing / k)
    return cross_entropy_ops.categorical_crossentropy(y, p, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy scaled by ``alpha * (1 - p)^gamma`` per class."""
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be an integer, received axis={axis!r}.")
    p = _pred(y_pred)
    y = _labels(y_true, p)
    _check_categorical(y, p, "categorical_focal_crossentropy")
    if label_smoothing:
        k = np.shape(data(y))[-1]
        y = _smooth(y, label_smoothing, label_smoothing / k)
    if from_logits:
        p = softmax_ops.softmax(p, axis=axis)
    eps = config.epsilon()
    out = math_ops.divide(p, math_ops.reduce_sum(p, axis=axis, keepdims=True))
    out = math_ops.clip_by_value(out, eps, 1.0 - eps)
    cce = math_ops.multiply(math_ops.negative(y) if isinstance(y, Tensor) else -y,
                            math_ops.log(out))
    factor = math_ops.multiply(math_ops.pow(math_ops.subtract(_c(1.0, out), out), _c(gamma, out)),
                               _c(alpha, out))
    return math_ops.reduce_sum(math_ops.multiply(factor, cce), axis=axis)


def sparse_categorical_crossentropy_with_mask(y_true, y_pred, from_logits=False,
                                             ignore_class=None, axis=-1):
    """Per-sample sparse cross-entropy and the mask of kept labels (None without ignore)."""
    p = _pred(y_pred)
    lab = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    pshape = np.shape(data(p))
    ndim = len(pshape)
    ax = norm_axis(axis, ndim) if ndim else 0
    if lab.ndim == ndim and ndim and lab.shape[ax] == 1:
        lab = np.squeeze(lab, ax)
    if ndim and ax != ndim - 1:
        perm = [i for i in range(ndim) if i != ax] + [ax]
        p = reshape_ops.transpose(p, perm)
    mask = None
    if ignore_class is not None:
        mask = lab != ignore_class
        lab = np.where(mask, lab, 0)
    if ndim and lab.shape != np.shape(data(p))[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: expected integer labels of shape "
            f"{np.shape(data(p))[:-1]} (or with a trailing 1) for predictions of shape "
            f"{pshape}, received labels of shape {lab.shape}. For one-hot labels use "
            f"categorical_crossentropy."
        )
    if not from_logits:
        # Keras clips the probabilities, takes their log and applies a softmax cross-entropy:
        # rows that do not sum to 1 are renormalized after the clip.
        eps = config.epsilon()
        p = math_ops.log(math_ops.clip_by_value(p, eps, 1.0 - eps))
    res = cross_entropy_ops.sparse_categorical_crossentropy(lab, p, from_logits=True)
    if mask is not None:
        res = math_ops.multiply(res, mask.astype(data(res).dtype))
    return res, mask


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Categorical cross-entropy with integer class labels.

    ``ignore_class`` gives labels whose loss is 0 (and which Loss classes leave out of the
    mean).

    Example::

        >>> sparse_categorical_crossentropy([1], [[0.5, 0.5]]).numpy().round(4)
        array([0.6931], dtype=float32)
    """
    return sparse_categorical_crossentropy_with_mask(y_true, y_pred, from_logits,
                                                     ignore_class, axis)[0]


def dice(y_true, y_pred, axis=None):
    """``1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred) + eps)`` over ``axis``."""
    p = _pred(y_pred)
    y = _labels(y_true, p)
    inter = math_ops.reduce_sum(math_ops.multiply(y, p), axis=axis)
    total = math_ops.add(math_ops.reduce_sum(y, axis=axis), math_ops.reduce_sum(p, axis=axis))
    denom = math_ops.add(total, _c(config.epsilon(), p))
    return math_ops.subtract(_c(1.0, p), math_ops.divide(math_ops.multiply(_c(2.0, p), inter),
                                                         denom))


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``1 - TP / (TP + alpha * FP + beta * FN + eps)`` over ``axis``."""
    p = _pred(y_pred)
    y = _labels(y_true, p)
    one = _c(1.0, p)
    inter = math_ops.reduce_sum(math_ops.multiply(y, p), axis=axis)
    fp = math_ops.reduce_sum(math_ops.multiply(math_ops.subtract(one, p), y), axis=axis)
    fn = math_ops.reduce_sum(math_ops.multiply(p, math_ops.subtract(one, y)), axis=axis)
    denom = math_ops.add(math_ops.add(math_ops.add(inter, math_ops.multiply(fp, _c(alpha, p))),
                        math_ops.multiply(fn, _c(beta, p))), _c(config.epsilon(), p))
    return math_ops.subtract(one, math_ops.divide(inter, denom))


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """``(1 - p_y^q) / q`` with ``p_y`` the predicted probability of the integer label ``y``.

    Robust to noisy labels: ``q -> 0`` approaches cross-entropy, ``q = 1`` is MAE-like.
    """
    p = _pred(y_pred)
    k = np.shape(data(p))[-1]
    lab = (y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)).astype(np.int64)
    one_hot = np.eye(k, dtype=data(p).dtype)[lab]
    py = math_ops.reduce_sum(math_ops.multiply(p, one_hot), axis=-1)
    return math_ops.divide(math_ops.subtract(_c(1.0, p), math_ops.pow(py, _c(q, p))), _c(q, p))
