"""Loss classes with Keras 3 names, defaults and configs.

Each wraps a function of ``featherflow.losses.functions``. Mean squared error and binary
cross-entropy compute their unweighted batch mean in one fused primitive: the per-step cost
of ``fit`` on small models.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.losses import functions as loss_functions
from featherflow.losses.fused import BinaryCrossentropyMean, MeanSquaredErrorMean
from featherflow.losses.loss import (
    Loss,
    LossFunctionWrapper,
    check_binary_labels,
    reduce_weighted_values,
)


def _fast_inputs(y_true, y_pred):
    """``(y, p)`` with ``y`` an array of ``p``'s shape and dtype, or None when not simple.

    Applies Keras's rank alignment ((n,) labels against (n, 1) predictions) by reshaping the
    labels; anything else (broadcasting, watched labels, empty batches) takes the general path.
    """
    if isinstance(y_pred, Tensor):
        pa = y_pred.data
    else:
        y_pred = pa = as_array(y_pred)
    dt = pa.dtype
    if dt.kind != "f" or pa.size == 0:
        return None
    if isinstance(y_true, Tensor):
        if y_true._track:
            return None
        y = y_true.data
    else:
        y = y_true if isinstance(y_true, np.ndarray) else np.asarray(y_true)
    if y.dtype != dt:
        if y.dtype.kind not in "fiub":
            return None
        y = y.astype(dt)
    ys, ps = y.shape, pa.shape
    if ys != ps:
        if (len(ys) == len(ps) + 1 and ys[-1] == 1 and ys[:-1] == ps) or \
                (len(ps) == len(ys) + 1 and ps[-1] == 1 and ps[:-1] == ys):
            y = y.reshape(ps)
        else:
            return None
    return y, y_pred


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors: ``mean((y_true - y_pred)^2)``.

    Example::

        >>> float(MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(loss_functions.mean_squared_error, name=name, reduction=reduction,
                         dtype=dtype)

    def _fused(self, y_true, y_pred):
        pair = _fast_inputs(y_true, y_pred)
        return None if pair is None else MeanSquaredErrorMean()(*pair)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors.

    Example::

        >>> float(MeanAbsoluteError()([[0.0, 1.0]], [[1.0, 1.0]]))
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(loss_functions.mean_absolute_error, name=name, reduction=reduction,
                         dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """Mean absolute error relative to ``|y_true|``, in percent.

    Example::

        >>> float(MeanAbsolutePercentageError()([[2.0]], [[1.0]]))
        50.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_absolute_percentage_error", dtype=None):
        super().__init__(loss_functions.mean_absolute_percentage_error, name=name,
                         reduction=reduction,
                         dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """Mean squared difference of ``log(1 + y)``.

    Example::

        >>> round(float(MeanSquaredLogarithmicError()([[0.0]], [[np.e - 1]])), 4)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size",
                 name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(loss_functions.mean_squared_logarithmic_error, name=name,
                         reduction=reduction,
                         dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis``.

    Example::

        >>> float(CosineSimilarity()([[1.0, 0.0]], [[2.0, 0.0]]))
        -1.0
    """

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):
        super().__init__(loss_functions.cosine_similarity, name=name, reduction=reduction,
                         dtype=dtype,
                         axis=axis)

    def get_config(self):
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """Quadratic for errors below ``delta``, linear beyond.

    Example::

        >>> float(Huber()([[0.0]], [[3.0]]))
        2.5
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):
        super().__init__(loss_functions.huber, name=name, reduction=reduction, dtype=dtype,
                         delta=delta)

    def get_config(self):
        return Loss.get_config(self)


class LogCosh(LossFunctionWrapper):
    """Mean of ``log(cosh(error))``.

    Example::

        >>> float(LogCosh()([[0.0]], [[0.0]]))
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(loss_functions.log_cosh, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Hinge(LossFunctionWrapper):
    """``max(1 - y_true * y_pred, 0)`` with labels -1/1 (0/1 converted).

    Example::

        >>> float(Hinge()([[1.0]], [[0.25]]))
        0.75
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(loss_functions.hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class SquaredHinge(LossFunctionWrapper):
    """Square of the hinge loss.

    Example::

        >>> float(SquaredHinge()([[1.0]], [[0.5]]))
        0.25
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(loss_functions.squared_hinge, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalHinge(LossFunctionWrapper):
    """Hinge loss between the true class score and the best wrong class score.

    Example::

        >>> float(CategoricalHinge()([[0.0, 1.0]], [[0.0, 1.0]]))
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(loss_functions.categorical_hinge, name=name, reduction=reduction,
                         dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred))``.

    Example::

        >>> float(KLDivergence()([[0.5, 0.5]], [[0.5, 0.5]]))
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(loss_functions.kl_divergence, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class Poisson(LossFunctionWrapper):
    """``mean(y_pred - y_true * log(y_pred))`` for count data.

    Example::

        >>> round(float(Poisson()([[1.0]], [[1.0]])), 4)
        1.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(loss_functions.poisson, name=name, reduction=reduction, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy for 0/1 labels and probabilities (or logits).

    Example::

        >>> round(float(BinaryCrossentropy()([[1.0], [0.0]], [[0.5], [0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy", dtype=None):
        super().__init__(loss_functions.binary_crossentropy, name=name, reduction=reduction,
                         dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def _fused(self, y_true, y_pred):
        pair = _fast_inputs(y_true, y_pred)
        if pair is None:
            return None
        y, p = pair
        check_binary_labels(y, self.name)
        if self.label_smoothing:
            y = y * (1.0 - self.label_smoothing) + 0.5 * self.label_smoothing
        return BinaryCrossentropyMean(self.from_logits)(y, p)

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                   axis=self.axis)
        return cfg


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t)^gamma``.

    Example::

        >>> round(float(BinaryFocalCrossentropy()([[1.0]], [[0.5]])), 4)
        0.1733
    """

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(loss_functions.binary_focal_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, apply_class_balancing=apply_class_balancing, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                   axis=self.axis, apply_class_balancing=self.apply_class_balancing,
                   alpha=self.alpha, gamma=self.gamma)
        return cfg


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels and class probabilities (or logits).

    Example::

        >>> round(float(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy", dtype=None):
        super().__init__(loss_functions.categorical_crossentropy, name=name, reduction=reduction,
                         dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                   axis=self.axis)
        return cfg


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy scaled by ``alpha * (1 - p)^gamma``.

    Example::

        >>> round(float(CategoricalFocalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.0433
    """

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):
        super().__init__(loss_functions.categorical_focal_crossentropy, name=name,
                         reduction=reduction,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(from_logits=self.from_logits, label_smoothing=self.label_smoothing,
                   axis=self.axis, alpha=self.alpha, gamma=self.gamma)
        return cfg


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer class labels and class probabilities (or logits).

    With ``ignore_class``, samples with that label count neither in the loss nor in the mean.

    Example::

        >>> round(float(SparseCategoricalCrossentropy()([1, 0], [[0.5, 0.5], [0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(loss_functions.sparse_categorical_crossentropy, name=name,
                         reduction=reduction,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class,
                         axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def __call__(self, y_true, y_pred, sample_weight=None):
        values, mask = loss_functions.sparse_categorical_crossentropy_with_mask(y_true, y_pred,
                                                                   **self._fn_kwargs)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction)

    def call(self, y_true, y_pred):
        return loss_functions.sparse_categorical_crossentropy(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(from_logits=self.from_logits, ignore_class=self.ignore_class)
        return cfg


class Dice(LossFunctionWrapper):
    """``1 - Dice coefficient`` (overlap of masks), over ``axis`` (all axes by default).

    Example::

        >>> round(float(Dice()([[1.0, 0.0]], [[1.0, 0.0]])), 4)
        0.0
    """

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(loss_functions.dice, name=name, reduction=reduction, dtype=dtype,
                         axis=axis)
        self.axis = axis

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(axis=self.axis)
        return cfg


class Tversky(LossFunctionWrapper):
    """``1 - Tversky index``: Dice with separate weights for the two error kinds.

    Example::

        >>> round(float(Tversky()([[1.0, 0.0]], [[1.0, 0.0]])), 4)
        0.0
    """

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):
        super().__init__(loss_functions.tversky, name=name, reduction=reduction, dtype=dtype,
                         alpha=alpha,
                         beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(alpha=self.alpha, beta=self.beta, axis=self.axis)
        return cfg


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross-entropy ``(1 - p_y^q) / q`` for integer labels (noise-robust).

    Example::

        >>> round(float(CategoricalGeneralizedCrossEntropy()([1], [[0.75, 0.25]])), 4)
        1.0
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: q must be in (0, 1), "
                             f"received q={q}.")
        super().__init__(loss_functions.categorical_generalized_cross_entropy, name=name,
                         reduction=reduction, dtype=dtype, q=q)
        self.q = q

    def get_config(self):
        cfg = Loss.get_config(self)
        cfg.update(q=self.q)
        return cfg
