"""The Loss base class, its reductions and Keras's rank alignment of ``y_true``/``y_pred``."""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import config
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops._convert import data
from featherflow.serialization import resolver
from featherflow.utils import naming

REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight", None)
_MEAN_LIKE = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: expected one of {REDUCTIONS}, received "
            f"{reduction!r}."
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Align ranks that differ by one when the longer shape ends in 1, as Keras does.

    A 1-D ``x1`` against ``(n, 1)`` is expanded to ``(n, 1)`` (so labels ``(n,)`` meet
    predictions ``(n, 1)`` element by element); otherwise the trailing 1 is squeezed.
    Works on arrays and Tensors (Tensor reshapes stay differentiable).
    """
    r1, r2 = np.ndim(data(x1)), np.ndim(data(x2))
    if r1 == r2:
        return x1, x2
    s1, s2 = np.shape(data(x1)), np.shape(data(x2))
    if r1 == r2 + 1 and s1[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _expand(x2)
        else:
            x1 = _squeeze(x1)
    elif r2 == r1 + 1 and s2[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _expand(x1)
        else:
            x2 = _squeeze(x2)
    return x1, x2


def _expand(x):
    return reshape_ops.expand_dims(x, -1) if isinstance(x, Tensor) else np.expand_dims(x, -1)


def _squeeze(x):
    return reshape_ops.squeeze(x, -1) if isinstance(x, Tensor) else np.squeeze(x, -1)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean mask into the sample weights (masked entries get weight 0).

    For mean reductions the kept entries are scaled by ``total / valid`` so the mean is over
    the valid entries only.
    """
    if mask is None:
        return sample_weight
    mask = np.asarray(data(mask)).astype(bool)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = int(mask.sum())
        scale = mask.size / valid if valid else 0.0
        float_mask = np.where(mask, scale, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return math_ops.multiply(sample_weight, float_mask)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    shape = np.shape(data(values))
    if reduction is None or reduction == "none" or shape in ((), (0,)):
        return values
    if reduction == "sum":
        return math_ops.reduce_sum(values)
    if reduction != "mean_with_sample_weight" or sample_weight is None:
        # sum / number of entries: one Mean node.
        return math_ops.reduce_mean(values)
    total = math_ops.reduce_sum(values)
    divisor = float(np.sum(data(sample_weight)))
    if divisor == 0.0:
        return math_ops.multiply(total, np.zeros((), data(total).dtype))
    return math_ops.multiply(total, np.asarray(1.0 / divisor, data(total).dtype))


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Weight per-sample ``values`` by ``sample_weight`` (and ``mask``) and reduce them."""
    reduction = standardize_reduction(reduction)
    dt = data(values).dtype if dtype is None else np.dtype(dtype)
    if sample_weight is not None and not isinstance(sample_weight, Tensor):
        sample_weight = as_array(sample_weight, dt)
    sample_weight = apply_mask(sample_weight, mask, dt, reduction)
    if sample_weight is not None:
        if isinstance(sample_weight, Tensor) and sample_weight.data.dtype != dt:
            sample_weight = math_ops.cast(sample_weight, dt)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        try:
            values = math_ops.multiply(values, sample_weight)
        except ValueError:
            raise ValueError(
                f"sample_weight of shape {tuple(np.shape(data(sample_weight)))} does not fit "
                f"per-sample losses of shape {tuple(np.shape(data(values)))}: give one weight "
                f"per sample (shape (batch,))."
            ) from None
    return reduce_values(values, sample_weight, reduction)


# losses for which Keras 3 itself requires equal shapes (it refuses a scalar y_true too)
_SAME_SHAPE_ONLY = frozenset({"binary_crossentropy", "binary_focal_crossentropy",
                              "categorical_crossentropy", "categorical_focal_crossentropy"})


def check_shapes(y, p, name="loss"):
    """Refuse ``y_true``/``y_pred`` shapes that differ after Keras's rank alignment.

    Keras 3 broadcasts them in its elementwise losses (MSE of targets (16, 2) against
    predictions (16, 1) compares every target with the one prediction); that number is
    almost never what was meant, so featherflow raises instead. A scalar ``y_true`` (one
    target for every prediction) is kept, except in the cross-entropies, where Keras refuses
    it too.
    """
    ys, ps = np.shape(data(y)), np.shape(data(p))
    if ys == ps or (ys == () and name not in _SAME_SHAPE_ONLY):
        return
    try:
        joined = f" they would broadcast to {np.broadcast_shapes(ys, ps)} and compare the wrong "
        joined += "values;"
    except ValueError:
        joined = " they are incompatible;"
    raise ValueError(
        f"{name}: y_true has shape {ys} but y_pred has shape {ps}:{joined} the loss needs one "
        "target per prediction, of the same shape (a trailing axis of 1, as in (n,) against "
        "(n, 1), is aligned automatically). Give the last layer one unit per target (e.g. "
        "Dense(k) for k targets per sample) or reshape y."
    )


def check_binary_labels(y, name="binary_crossentropy"):
    """Refuse labels outside [0, 1]: they look like class indices (a silent wrong loss)."""
    values = np.asarray(data(y))
    if values.size == 0 or values.dtype.kind not in "biuf":
        return
    low, high = values.min(), values.max()
    if low < 0 or high > 1:
        if low == -1 and high <= 1:
            hint = ("They look like -1/1 labels: map them to 0/1 with (y + 1) / 2, or use "
                    "loss='hinge' for -1/1 targets.")
        else:
            hint = ("They look like class indices: for integer class labels use "
                    "loss='sparse_categorical_crossentropy' with a softmax output of one unit "
                    "per class (Dense(num_classes)), or one-hot labels with "
                    "'categorical_crossentropy'.")
        raise ValueError(
            f"{name}: labels must be in [0, 1] (probabilities of the positive class); received "
            f"values from {low.item()!r} to {high.item()!r}. {hint}"
        )


def prepare(y_true, y_pred, name=None):
    """``(y_true, y_pred)`` as arrays/Tensors of one float dtype with aligned ranks; with the
    ``name`` of an elementwise loss, shapes that would broadcast are refused
    (:func:`check_shapes`)."""
    p = y_pred if isinstance(y_pred, Tensor) else as_array(y_pred)
    pd = data(p).dtype
    if pd.kind != "f":
        pd = config.floatx_dtype()
        p = math_ops.cast(p, pd) if isinstance(p, Tensor) else p.astype(pd)
    if isinstance(y_true, Tensor):
        y = y_true if y_true.data.dtype == pd else math_ops.cast(y_true, pd)
    else:
        y = np.asarray(y_true)
        if y.dtype != pd:
            y = as_array(y, pd)
    y, p = squeeze_or_expand_to_same_rank(y, p)
    if name is not None:
        check_shapes(y, p, name)
    return y, p


def _cast(y_pred, dtype):
    """``y_pred`` as a Tensor of ``dtype`` (differentiably for Tensors)."""
    if isinstance(y_pred, Tensor):
        return y_pred if y_pred.data.dtype == dtype else math_ops.cast(y_pred, dtype)
    return Tensor(as_array(y_pred, dtype))


class Loss:
    """Base class of losses: ``__call__(y_true, y_pred, sample_weight=None)`` -> scalar.

    Subclasses write ``call(y_true, y_pred)`` returning per-sample losses; the base applies
    sample weights and the ``reduction``: ``"sum_over_batch_size"`` (default, also
    ``"mean"``), ``"sum"``, ``"mean_with_sample_weight"`` or ``"none"``/``None``.

    Example::

        >>> class MeanCube(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return tf.reduce_mean((y_pred - y_true) ** 3, axis=-1)
        >>> float(MeanCube()([[0.0]], [[2.0]]))
        8.0
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = None if dtype is None else np.dtype(dtype)

    @property
    def dtype(self):
        return (self._dtype or config.floatx_dtype()).name

    def __call__(self, y_true, y_pred, sample_weight=None):
        # As Keras: `call` receives tensors of the loss's float dtype.
        y_pred = _cast(y_pred, self._dtype or config.floatx_dtype())
        if not isinstance(y_true, Tensor):
            y_true = Tensor(as_array(y_true, y_pred.data.dtype))
        values = self.call(y_true, y_pred)
        # a mask the loss function set on its per-sample values (Keras's `_keras_mask`)
        mask = values._keras_mask if isinstance(values, Tensor) else None
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def call(self, y_true, y_pred):
        raise NotImplementedError(
            f"{type(self).__name__} must implement call(y_true, y_pred) returning per-sample "
            f"losses."
        )

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A Loss from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    ``y_true`` and ``y_pred`` are rank-aligned first (``(n,)`` labels against ``(n, 1)``
    predictions), as Keras does. ``_fused`` (set by subclasses) computes the mean loss in
    a single primitive when no sample weights are given: the training hot path.

    Example::

        >>> loss = LossFunctionWrapper(lambda y, p: tf.reduce_mean(tf.abs(p - y), axis=-1))
        >>> float(loss([[1.0]], [[3.0]]))
        2.0
    """

    _fused = None

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs
        self._fast = self._fused if reduction in _MEAN_LIKE else None

    def __call__(self, y_true, y_pred, sample_weight=None):
        dt = self._dtype if self._dtype is not None else config._FLOATX
        if not isinstance(y_pred, Tensor) or y_pred.data.dtype is not dt:
            y_pred = _cast(y_pred, dt)
        if sample_weight is None and self._fast is not None:
            out = self._fast(y_true, y_pred)
            if out is not None:
                return out
        return super().__call__(y_true, y_pred, sample_weight)

    def call(self, y_true, y_pred):
        y_true, y_pred = prepare(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        cfg = super().get_config()
        cfg["fn"] = resolver.serialize_function(self.fn, "keras.losses")
        cfg.update(self._fn_kwargs)
        return cfg

    @classmethod
    def from_config(cls, config):
        if "fn" not in config:
            return cls(**config)
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, (dict, str)):
            # cycle: featherflow.losses (the package) imports this module
            from featherflow import losses

            fn = losses.get(fn)
        return cls(fn, **config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
