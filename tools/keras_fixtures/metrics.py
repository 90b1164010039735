"""Stateful metrics: update_state on two batches, result after each."""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_npz, to_json


def _binary(rng, n=6):
    yt = rng.integers(0, 2, size=(n, 1)).astype(float)
    yt[:2] = [[0.0], [1.0]]  # both classes in every batch so AUC is defined
    yp = rng.uniform(0, 1, size=(n, 1))
    yp[2] = 0.5  # exactly at the default threshold
    return yt, yp


def _categorical(rng, n=5, k=4):
    labels = rng.integers(0, k, size=n)
    yp = rng.uniform(0, 1, size=(n, k))
    yp[0] = [0.4, 0.4, 0.1, 0.1]  # a tie for the top class
    return labels, np.eye(k)[labels], yp / yp.sum(-1, keepdims=True)


def _cases():
    import keras

    M = keras.metrics
    return [
        ("auc_roc", lambda: M.AUC(), "binary"),
        ("auc_pr", lambda: M.AUC(curve="PR"), "binary"),
        ("auc_roc_thresholds10", lambda: M.AUC(num_thresholds=10), "binary"),
        (
            "auc_pr_interpolation_minoring",
            lambda: M.AUC(curve="PR", summation_method="minoring"),
            "binary",
        ),
        ("precision", lambda: M.Precision(), "binary"),
        ("precision_threshold0p3", lambda: M.Precision(thresholds=0.3), "binary"),
        ("recall", lambda: M.Recall(), "binary"),
        ("recall_threshold0p7", lambda: M.Recall(thresholds=0.7), "binary"),
        ("binary_accuracy", lambda: M.BinaryAccuracy(), "binary"),
        ("binary_accuracy_threshold0p3", lambda: M.BinaryAccuracy(threshold=0.3), "binary"),
        ("categorical_accuracy", lambda: M.CategoricalAccuracy(), "categorical"),
        ("sparse_categorical_accuracy", lambda: M.SparseCategoricalAccuracy(), "sparse"),
        ("top_k_categorical_accuracy", lambda: M.TopKCategoricalAccuracy(k=2), "categorical32"),
        (
            "sparse_top_k_categorical_accuracy",
            lambda: M.SparseTopKCategoricalAccuracy(k=2),
            "sparse32",
        ),
        ("mean_squared_error", lambda: M.MeanSquaredError(), "regression"),
        ("mean_absolute_error", lambda: M.MeanAbsoluteError(), "regression"),
        ("root_mean_squared_error", lambda: M.RootMeanSquaredError(), "regression"),
        ("mean", lambda: M.Mean(), "values"),
        ("binary_crossentropy_metric", lambda: M.BinaryCrossentropy(), "binary"),
        ("categorical_crossentropy_metric", lambda: M.CategoricalCrossentropy(), "categorical"),
        (
            "sparse_categorical_crossentropy_metric",
            lambda: M.SparseCategoricalCrossentropy(),
            "sparse",
        ),
    ]


def _batch(kind, rng):
    if kind.endswith("32"):
        # TensorFlow's in_top_k only takes float32 predictions.
        y_true, y_pred = _batch(kind[:-2], rng)
        return y_true, y_pred.astype(np.float32)
    if kind == "binary":
        return _binary(rng)
    if kind == "categorical":
        _, yt, yp = _categorical(rng)
        return yt, yp
    if kind == "sparse":
        labels, _, yp = _categorical(rng)
        return labels, yp
    if kind == "regression":
        return rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    if kind == "values":
        return None, rng.normal(size=(5,))
    raise ValueError(kind)


def run():
    import keras

    for case, make, kind in _cases():
        keras.backend.clear_session()
        for weighted in (False, True):
            rng = rng_for("metric/" + case)
            # Weights come from their own stream so both variants see the same batches.
            rng_w = rng_for("metric-weights/" + case)
            metric = make()
            out = {
                "class_name": metric.__class__.__name__,
                "config": to_json(metric.get_config()),
            }
            results = []
            for b in range(2):
                y_true, y_pred = _batch(kind, rng)
                sw = rng_w.uniform(0.0, 2.0, size=(len(y_pred),)) if weighted else None
                if kind == "values":
                    out[f"values{b}"] = y_pred
                    metric.update_state(y_pred, sample_weight=sw)
                else:
                    out[f"y_true{b}"] = y_true
                    out[f"y_pred{b}"] = y_pred
                    metric.update_state(y_true, y_pred, sample_weight=sw)
                if weighted:
                    out[f"sample_weight{b}"] = sw
                results.append(float(as_numpy(metric.result())))
            out["results"] = np.array(results)
            out["variables"] = to_json([v.path.rsplit("/", 1)[-1] for v in metric.variables])
            for i, v in enumerate(metric.variables):
                out[f"var{i}"] = as_numpy(v)
            metric.reset_state()
            out["result_after_reset"] = np.array(float(as_numpy(metric.result())))
            save_npz(f"metrics/{case}{'_weighted' if weighted else ''}", out)
