"""Every keras.losses function/class pair on small batches, with edge probabilities."""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_npz, to_json

EPS_EDGE = [0.0, 1.0, 1e-9, 1.0 - 1e-9, 1e-7, 0.5]


def _probs(rng, shape):
    """Probabilities with exact 0/1 and values inside Keras's epsilon clip."""
    p = rng.uniform(0.05, 0.95, size=shape)
    flat = p.reshape(-1)
    n = min(len(EPS_EDGE), flat.size)
    flat[:n] = EPS_EDGE[:n]
    return p


def _softmax_rows(rng, shape):
    z = np.exp(rng.normal(0, 1.5, size=shape))
    p = z / z.sum(-1, keepdims=True)
    p[0] = 0.0
    p[0, 0] = 1.0  # a certain, correct prediction
    p[1] = 0.0
    p[1, -1] = 1.0  # a certain, wrong prediction (clipped by epsilon)
    p[2, 1] = 0.0  # one exact zero in an otherwise normal row
    p[2] /= p[2].sum()
    p[3] *= 2.0  # Keras renormalises probabilities that do not sum to 1
    return p


def _one_hot(labels, n):
    return np.eye(n)[labels]


def _data(kind, rng):
    """y_true, y_pred for one kind of loss input."""
    if kind == "regression":
        return rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    if kind == "percentage":
        yt = rng.normal(size=(3, 4))
        yt[0, 0] = 0.0  # Keras divides by max(|y_true|, epsilon)
        return yt, rng.normal(size=(3, 4))
    if kind == "positive":
        yt = rng.uniform(0, 3, size=(3, 4))
        yp = rng.uniform(0, 3, size=(3, 4))
        yp[0, :2] = [0.0, -0.5]  # clipped at epsilon before the log
        return yt, yp
    if kind == "counts":
        yt = rng.integers(0, 4, size=(3, 4)).astype(float)
        yp = rng.uniform(0.1, 3, size=(3, 4))
        yp[0, 0] = 0.0
        return yt, yp
    if kind == "distribution":
        yt = _softmax_rows(rng, (4, 4))
        yt[3] /= 2.0
        return yt, _softmax_rows(rng, (4, 4))
    if kind == "binary_probs":
        yt = rng.integers(0, 2, size=(3, 4)).astype(float)
        # Row 0 meets y_pred [0, 1, 1e-9, 1-1e-9]: certain wrong, certain right, near right,
        # near wrong; row 1 starts with y_pred [1e-7, 0.5].
        yt[0] = [1.0, 1.0, 0.0, 0.0]
        yt[1, :2] = [1.0, 0.0]
        yt[2] = [0.3, 0.9, 0.0, 1.0]  # soft labels
        return yt, _probs(rng, (3, 4))
    if kind == "binary_logits":
        yt = rng.integers(0, 2, size=(3, 4)).astype(float)
        yp = rng.normal(0, 3, size=(3, 4))
        yp[0, :4] = [40.0, -40.0, 0.0, 15.0]
        return yt, yp
    if kind == "binary_rank_mismatch":
        return np.array([1.0, 0.0, 1.0, 0.0]), _probs(rng, (4, 1))
    if kind == "categorical_probs":
        yt = _one_hot([0, 0, 2, 3], 4)
        yt[3] = [0.1, 0.2, 0.3, 0.4]  # soft target
        return yt, _softmax_rows(rng, (4, 4))
    if kind == "categorical_logits":
        yt = _one_hot([0, 3, 2, 1], 4)
        yp = rng.normal(0, 2, size=(4, 4))
        yp[0] = [50.0, -50.0, 0.0, 1.0]
        return yt, yp
    if kind == "sparse_probs":
        return np.array([0, 0, 2, 3]), _softmax_rows(rng, (4, 4))
    if kind == "sparse_probs_open":
        # GCE has no epsilon clip: p**q at p = 0 has an infinite gradient, so keep p > 0.
        z = np.exp(rng.normal(0, 1.5, size=(4, 4)))
        return np.array([0, 3, 2, 1]), z / z.sum(-1, keepdims=True)
    if kind == "sparse_logits":
        yp = rng.normal(0, 2, size=(4, 4))
        yp[0] = [50.0, -50.0, 0.0, 1.0]
        return np.array([0, 3, 2, 1]), yp
    if kind == "sparse_ignore":
        return np.array([0, -1, 2, 1]), rng.normal(0, 2, size=(4, 4))
    if kind == "hinge01":
        return rng.integers(0, 2, size=(3, 4)).astype(float), rng.normal(size=(3, 4))
    if kind == "hinge_pm1":
        return rng.choice([-1.0, 1.0], size=(3, 4)), rng.normal(size=(3, 4))
    if kind == "segmentation":
        return rng.integers(0, 2, size=(3, 6)).astype(float), rng.uniform(0, 1, size=(3, 6))
    raise ValueError(f"unknown data kind {kind!r}")


# (case, class, function, kwargs shared by both, data kind)
CASES = [
    ("mean_squared_error", "MeanSquaredError", "mean_squared_error", {}, "regression"),
    ("mean_absolute_error", "MeanAbsoluteError", "mean_absolute_error", {}, "regression"),
    (
        "mean_absolute_percentage_error",
        "MeanAbsolutePercentageError",
        "mean_absolute_percentage_error",
        {},
        "percentage",
    ),
    (
        "mean_squared_logarithmic_error",
        "MeanSquaredLogarithmicError",
        "mean_squared_logarithmic_error",
        {},
        "positive",
    ),
    ("huber", "Huber", "huber", {}, "regression"),
    ("huber_delta0p5", "Huber", "huber", {"delta": 0.5}, "regression"),
    ("log_cosh", "LogCosh", "log_cosh", {}, "regression"),
    ("poisson", "Poisson", "poisson", {}, "counts"),
    ("kl_divergence", "KLDivergence", "kl_divergence", {}, "distribution"),
    ("cosine_similarity", "CosineSimilarity", "cosine_similarity", {}, "regression"),
    ("hinge", "Hinge", "hinge", {}, "hinge01"),
    ("hinge_pm1", "Hinge", "hinge", {}, "hinge_pm1"),
    ("squared_hinge", "SquaredHinge", "squared_hinge", {}, "hinge01"),
    ("squared_hinge_pm1", "SquaredHinge", "squared_hinge", {}, "hinge_pm1"),
    ("categorical_hinge", "CategoricalHinge", "categorical_hinge", {}, "categorical_logits"),
    ("binary_crossentropy", "BinaryCrossentropy", "binary_crossentropy", {}, "binary_probs"),
    (
        "binary_crossentropy_smooth0p1",
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"label_smoothing": 0.1},
        "binary_probs",
    ),
    (
        "binary_crossentropy_logits",
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"from_logits": True},
        "binary_logits",
    ),
    (
        "binary_crossentropy_logits_smooth0p2",
        "BinaryCrossentropy",
        "binary_crossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "binary_logits",
    ),
    (
        "binary_crossentropy_rank_mismatch",
        "BinaryCrossentropy",
        "binary_crossentropy",
        {},
        "binary_rank_mismatch",
    ),
    (
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {},
        "categorical_probs",
    ),
    (
        "categorical_crossentropy_smooth0p1",
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"label_smoothing": 0.1},
        "categorical_probs",
    ),
    (
        "categorical_crossentropy_logits",
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"from_logits": True},
        "categorical_logits",
    ),
    (
        "categorical_crossentropy_logits_smooth0p2",
        "CategoricalCrossentropy",
        "categorical_crossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "categorical_logits",
    ),
    (
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {},
        "sparse_probs",
    ),
    (
        "sparse_categorical_crossentropy_logits",
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True},
        "sparse_logits",
    ),
    (
        "sparse_categorical_crossentropy_ignore_class",
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
        {"from_logits": True, "ignore_class": -1},
        "sparse_ignore",
    ),
    (
        "binary_focal_crossentropy",
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {},
        "binary_probs",
    ),
    (
        "binary_focal_crossentropy_balanced_logits",
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5, "from_logits": True},
        "binary_logits",
    ),
    (
        "binary_focal_crossentropy_smooth0p1",
        "BinaryFocalCrossentropy",
        "binary_focal_crossentropy",
        {"label_smoothing": 0.1},
        "binary_probs",
    ),
    (
        "categorical_focal_crossentropy",
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        {},
        "categorical_probs",
    ),
    (
        "categorical_focal_crossentropy_logits",
        "CategoricalFocalCrossentropy",
        "categorical_focal_crossentropy",
        {"from_logits": True, "gamma": 1.0, "alpha": 0.5},
        "categorical_logits",
    ),
    (
        "categorical_generalized_cross_entropy",
        "CategoricalGeneralizedCrossEntropy",
        "categorical_generalized_cross_entropy",
        {"q": 0.5},
        "sparse_probs_open",
    ),
    ("dice", "Dice", "dice", {"axis": [1]}, "segmentation"),
    ("tversky", "Tversky", "tversky", {"alpha": 0.3, "beta": 0.7, "axis": [1]}, "segmentation"),
]


def _kw(kwargs):
    # Keras takes the reduction axis of dice/tversky as a tuple.
    return {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}


def _same_rank(y_true, y_pred):
    if y_true.shape.rank + 1 == y_pred.shape.rank and y_pred.shape[-1] == 1:
        import tensorflow as tf

        return tf.expand_dims(y_true, -1)
    return y_true


def run():
    import keras
    import tensorflow as tf

    for case, cls_name, fn_name, kwargs, kind in CASES:
        rng = rng_for("loss/" + case)
        y_true, y_pred = _data(kind, rng)
        batch = y_pred.shape[0]
        sw = rng.uniform(0.2, 2.0, size=(batch,))
        sw[1] = 0.0
        cls = getattr(keras.losses, cls_name)
        fn = getattr(keras.losses, fn_name)
        kw = _kw(kwargs)
        loss = cls(**kw)
        yt, yp = tf.constant(y_true), tf.constant(y_pred)
        out = {
            "class_name": cls_name,
            "function": fn_name,
            "kwargs": to_json(kwargs),
            "config": to_json(loss.get_config()),
            "y_true": y_true,
            "y_pred": y_pred,
            "sample_weight": sw,
            # The bare function needs equal ranks; the class aligns (4,) with (4, 1) itself.
            "per_sample": as_numpy(fn(_same_rank(yt, yp), yp, **kw)),
            "per_sample_none": as_numpy(cls(reduction=None, **kw)(yt, yp)),
            "value_sum": as_numpy(cls(reduction="sum", **kw)(yt, yp)),
        }
        for suffix, weight in (("", None), ("_sw", tf.constant(sw))):
            with tf.GradientTape() as tape:
                tape.watch(yp)
                value = loss(yt, yp, sample_weight=weight)
            out["value" + suffix] = as_numpy(value)
            out["dy_pred" + suffix] = as_numpy(tape.gradient(value, yp))
        save_npz(f"losses/{case}", out)
