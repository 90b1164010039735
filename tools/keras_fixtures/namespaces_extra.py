# ruff: noqa: E501 - a table of one-line scenarios
"""Keras 3 names added in session 9 (issue 14): the metrics, losses, callbacks and optimizers
featherflow lacked. One JSON file per namespace under tests/fixtures/keras/namespaces_extra/.

Each metric scenario is a constructor (class name and kwargs) and a few ``update_state``
steps; recorded are the result after every step, the config, the state variables (names and
final values) and the result after ``reset_state``. Error scenarios record the exception
class Keras raises. Data are small, seeded from the scenario name.
"""

from __future__ import annotations

import json
import warnings

import numpy as np

from .common import OUT, rng_for


def _tolist(x):
    if x is None:
        return None
    a = np.asarray(x)
    return a.tolist()


def _num(x):
    a = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    return a.tolist()


def _write(name, obj):
    path = OUT / "namespaces_extra" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=None, sort_keys=True, default=_default) + "\n")


def _default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot serialise {type(o).__name__}: {o!r}")


# ----- data makers: (rng) -> (y_true, y_pred) for one step ---------------------------------

def _multilabel(rng, n=6, k=3):
    yt = rng.integers(0, 2, size=(n, k))
    yt[0, 0], yt[1, 0] = 1, 0
    return yt, np.round(rng.uniform(0, 1, size=(n, k)), 3)


def _multiclass(rng, n=6, k=4):
    labels = rng.integers(0, k, size=n)
    yp = rng.uniform(0, 1, size=(n, k))
    yp[0] = [0.3, 0.3, 0.2, 0.2]  # a tie for the top class: both count with threshold=None
    return np.eye(k, dtype=np.int64)[labels], np.round(yp / yp.sum(-1, keepdims=True), 4)


def _multiclass_zero_row(rng):
    yt, yp = _multiclass(rng)
    yp[1] = 0.0  # an all-zero row: no class predicted
    return yt, yp


def _missing_class(rng):
    yt, yp = _multiclass(rng)
    yt[:, 3] = 0  # class 3 never true, and never the argmax
    yt[:, 0] = np.maximum(yt[:, 0], 1 - yt.sum(-1))
    yp[:, 3] = 0.0
    return yt, yp


def _regression(rng, n=5, k=3):
    return np.round(rng.normal(size=(n, k)), 3), np.round(rng.normal(size=(n, k)), 3)


def _regression_col(rng, n=6):
    yt, yp = _regression(rng, n, 1)
    return yt[:, 0], yp  # (n,) against (n, 1): rank alignment


def _regression_const(rng, n=5, k=2):
    yt, yp = _regression(rng, n, k)
    yt[:, 1] = 0.5  # a constant target column: zero total variance
    return yt, yp


def _binary(rng, n=8):
    yt = rng.integers(0, 2, size=(n,))
    yt[:2] = [0, 1]
    yp = np.round(rng.uniform(0, 1, size=(n,)), 3)
    yp[2] = 0.5
    return yt, yp


def _binary_multi(rng, n=8, k=3):
    yt = rng.integers(0, 2, size=(n, k))
    yt[:2, :] = [[0] * k, [1] * k]
    return yt, np.round(rng.uniform(0, 1, size=(n, k)), 3)


def _segment(rng):
    yt = rng.integers(0, 3, size=(2, 3, 3))
    yp = rng.integers(0, 3, size=(2, 3, 3))
    return yt, yp


def _segment_out_of_range(rng):
    yt, yp = _segment(rng)
    yt[0, 0, 0] = -1
    yp[1, 1, 1] = 3
    yt[1, 2, 2] = 5
    return yt, yp


def _seg_onehot(rng, n=7, k=3):
    labels = rng.integers(0, k, size=n)
    yp = rng.uniform(0, 1, size=(n, k))
    return np.eye(k, dtype=np.int64)[labels], np.round(yp, 3)


def _seg_onehot_sparse_pred(rng, n=7, k=3):
    yt, _ = _seg_onehot(rng, n, k)
    return yt, rng.integers(0, k, size=n)


def _seg_sparse_onehot_pred(rng, n=7, k=3):
    yt, yp = _seg_onehot(rng, n, k)
    return np.argmax(yt, -1), yp


def _binary_iou(rng, n=8):
    yt = rng.integers(0, 2, size=(n,))
    yp = np.round(rng.uniform(0, 1, size=(n,)), 3)
    yp[0] = 0.5
    return yt, yp


DATA = {
    "multilabel": _multilabel, "multiclass": _multiclass,
    "multiclass_zero_row": _multiclass_zero_row, "missing_class": _missing_class,
    "regression": _regression, "regression_col": _regression_col,
    "regression_const": _regression_const, "binary": _binary, "binary_multi": _binary_multi,
    "segment": _segment, "segment_out_of_range": _segment_out_of_range,
    "seg_onehot": _seg_onehot, "seg_onehot_sparse_pred": _seg_onehot_sparse_pred,
    "seg_sparse_onehot_pred": _seg_sparse_onehot_pred, "binary_iou": _binary_iou,
}

# (scenario, class, kwargs, data, steps, weights): weights None, "float" (U(0, 2) per
# sample) or "int" (integers 0..2 per sample, for the integer-state IoU metrics).
METRICS = [
    ("f1_none_threshold", "F1Score", {"threshold": 0.5}, "multilabel", 2, None),
    ("f1_none_argmax", "F1Score", {}, "multiclass", 2, None),
    ("f1_micro", "F1Score", {"average": "micro", "threshold": 0.5}, "multilabel", 2, None),
    ("f1_macro_weighted_sw", "F1Score", {"average": "macro", "threshold": 0.4}, "multilabel", 3, "float"),
    ("f1_weighted", "F1Score", {"average": "weighted"}, "multiclass", 2, "float"),
    ("f1_zero_row", "F1Score", {}, "multiclass_zero_row", 1, None),
    ("f1_missing_class", "F1Score", {"average": "macro"}, "missing_class", 2, None),
    ("fbeta_2", "FBetaScore", {"beta": 2.0, "threshold": 0.5}, "multilabel", 2, None),
    ("fbeta_half_micro_sw", "FBetaScore", {"beta": 0.5, "average": "micro"}, "multiclass", 2, "float"),
    ("fbeta_weighted_named", "FBetaScore", {"beta": 1.5, "average": "weighted", "threshold": 1.0, "name": "fb"}, "multilabel", 2, None),
    ("r2_uniform", "R2Score", {}, "regression", 2, None),
    ("r2_variance_weighted_sw", "R2Score", {"class_aggregation": "variance_weighted_average"}, "regression", 2, "float"),
    ("r2_none", "R2Score", {"class_aggregation": None}, "regression", 2, None),
    ("r2_adjusted", "R2Score", {"num_regressors": 2}, "regression", 2, None),
    ("r2_adjusted_fallback", "R2Score", {"num_regressors": 30}, "regression", 1, None),
    ("r2_adjusted_equal", "R2Score", {"num_regressors": 14}, "regression", 1, None),
    ("r2_rank_aligned", "R2Score", {}, "regression_col", 2, "float"),
    ("r2_constant_column", "R2Score", {"class_aggregation": None}, "regression_const", 1, None),
    ("iou_target", "IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "segment", 2, None),
    ("iou_int_weights", "IoU", {"num_classes": 3, "target_class_ids": [1]}, "segment", 2, "int"),
    ("iou_float_weights_int_state", "IoU", {"num_classes": 3, "target_class_ids": [0, 1]}, "segment", 1, "float"),
    ("iou_float_dtype", "IoU", {"num_classes": 3, "target_class_ids": [0, 1, 2], "dtype": "float32"}, "segment", 2, "float"),
    ("iou_ignore_class", "IoU", {"num_classes": 3, "target_class_ids": [0, 1, 2], "ignore_class": 1}, "segment", 2, None),
    ("iou_out_of_range", "IoU", {"num_classes": 3, "target_class_ids": [0, 1, 2]}, "segment_out_of_range", 1, None),
    ("iou_onehot_pred", "IoU", {"num_classes": 3, "target_class_ids": [2], "sparse_y_pred": False}, "seg_sparse_onehot_pred", 2, None),
    ("mean_iou", "MeanIoU", {"num_classes": 3}, "segment", 2, None),
    ("mean_iou_ignore_sw", "MeanIoU", {"num_classes": 3, "ignore_class": 0}, "segment", 2, "int"),
    ("mean_iou_empty_class", "MeanIoU", {"num_classes": 5}, "segment", 1, None),
    ("binary_iou_default", "BinaryIoU", {}, "binary_iou", 2, None),
    ("binary_iou_one_target_threshold", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, "binary_iou", 2, "int"),
    ("one_hot_iou", "OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "seg_onehot", 2, None),
    ("one_hot_iou_sparse_pred", "OneHotIoU", {"num_classes": 3, "target_class_ids": [1, 2], "sparse_y_pred": True}, "seg_onehot_sparse_pred", 2, None),
    ("one_hot_mean_iou", "OneHotMeanIoU", {"num_classes": 3}, "seg_onehot", 2, "int"),
    ("one_hot_mean_iou_ignore", "OneHotMeanIoU", {"num_classes": 3, "ignore_class": 2}, "seg_onehot", 2, None),
    ("precision_at_recall", "PrecisionAtRecall", {"recall": 0.6}, "binary", 2, None),
    ("precision_at_recall_sw_thr", "PrecisionAtRecall", {"recall": 0.8, "num_thresholds": 7}, "binary", 2, "float"),
    ("precision_at_recall_class", "PrecisionAtRecall", {"recall": 0.5, "class_id": 1}, "binary_multi", 2, None),
    ("recall_at_precision", "RecallAtPrecision", {"precision": 0.6}, "binary", 2, None),
    ("recall_at_precision_unreachable", "RecallAtPrecision", {"precision": 1.0, "num_thresholds": 5}, "binary", 1, None),
    ("recall_at_precision_one_threshold", "RecallAtPrecision", {"precision": 0.3, "num_thresholds": 1}, "binary", 2, "float"),
    ("sensitivity_at_specificity", "SensitivityAtSpecificity", {"specificity": 0.5}, "binary", 2, None),
    ("sensitivity_at_specificity_class_sw", "SensitivityAtSpecificity", {"specificity": 0.7, "class_id": 2, "num_thresholds": 11}, "binary_multi", 2, "float"),
    ("specificity_at_sensitivity", "SpecificityAtSensitivity", {"sensitivity": 0.5}, "binary", 2, None),
    ("specificity_at_sensitivity_full", "SpecificityAtSensitivity", {"sensitivity": 1.0, "num_thresholds": 3, "name": "sas"}, "binary_multi", 2, "float"),
    ("pearson", "PearsonCorrelation", {}, "regression", 2, None),
    ("pearson_sw", "PearsonCorrelation", {}, "regression", 2, "float"),
    ("pearson_axis0", "PearsonCorrelation", {"axis": 0}, "regression", 2, None),
    ("concordance", "ConcordanceCorrelation", {}, "regression", 2, None),
    ("concordance_sw", "ConcordanceCorrelation", {}, "regression", 2, "float"),
    ("concordance_axis0", "ConcordanceCorrelation", {"axis": 0}, "regression", 2, None),
    # float32 state and results from float64 inputs
    ("f1_float32", "F1Score", {"average": "weighted", "dtype": "float32"}, "multiclass", 2, "float"),
    ("r2_float32", "R2Score", {"dtype": "float32"}, "regression", 2, "float"),
    ("precision_at_recall_float32", "PrecisionAtRecall", {"recall": 0.5, "dtype": "float32"}, "binary", 2, "float"),
    ("pearson_float32", "PearsonCorrelation", {"dtype": "float32"}, "regression", 2, None),
    ("one_hot_mean_iou_float64", "OneHotMeanIoU", {"num_classes": 3, "dtype": "float64"}, "seg_onehot", 2, "float"),
]

# (scenario, class, kwargs) that Keras refuses in the constructor.
METRIC_ERRORS = [
    ("fbeta_bad_average", "FBetaScore", {"average": "samples"}),
    ("fbeta_int_beta", "FBetaScore", {"beta": 1}),
    ("fbeta_zero_beta", "FBetaScore", {"beta": 0.0}),
    ("fbeta_int_threshold", "FBetaScore", {"threshold": 1}),
    ("fbeta_zero_threshold", "FBetaScore", {"threshold": 0.0}),
    ("f1_big_threshold", "F1Score", {"threshold": 1.5}),
    ("r2_bad_aggregation", "R2Score", {"class_aggregation": "weighted"}),
    ("r2_negative_regressors", "R2Score", {"num_regressors": -1}),
    ("iou_target_out_of_range", "IoU", {"num_classes": 3, "target_class_ids": [3]}),
    ("sensitivity_out_of_range", "SensitivityAtSpecificity", {"specificity": 1.5}),
    ("specificity_negative", "SpecificityAtSensitivity", {"sensitivity": -0.1}),
    ("precision_at_recall_zero_thresholds", "PrecisionAtRecall", {"recall": 0.5, "num_thresholds": 0}),
    ("recall_at_precision_out_of_range", "RecallAtPrecision", {"precision": 2.0}),
]

# (scenario, class, kwargs, y_true, y_pred): update_state refusals (input shapes).
METRIC_UPDATE_ERRORS = [
    ("f1_1d", "F1Score", {}, [1, 0, 1], [0.2, 0.7, 0.9]),
    ("r2_1d", "R2Score", {}, [1.0, 0.0, 1.0], [0.2, 0.7, 0.9]),
    ("r2_3d", "R2Score", {}, [[[1.0]], [[2.0]]], [[[1.5]], [[2.5]]]),
]


def _weights(kind, rng, y_true, data):
    # Segmentation masks take one weight per pixel (IoU flattens labels and weights alike).
    shape = y_true.shape if data.startswith("segment") else (len(y_true),)
    if kind == "float":
        return np.round(rng.uniform(0.0, 2.0, size=shape), 3)
    if kind == "int":
        return rng.integers(0, 3, size=shape)
    return None


def _metric_scenarios():
    import keras

    out = []
    for case, cls, kwargs, data, steps, weights in METRICS:
        keras.backend.clear_session()
        rng = rng_for("ns-metric/" + case)
        rng_w = rng_for("ns-metric-weights/" + case)
        metric = getattr(keras.metrics, cls)(**kwargs)
        rec = {"case": case, "class_name": cls, "kwargs": kwargs, "steps": [], "results": []}
        caught = []
        for _ in range(steps):
            y_true, y_pred = DATA[data](rng)
            sw = _weights(weights, rng_w, np.asarray(y_true), data)
            y_true, y_pred = np.asarray(_tolist(y_true)), np.asarray(_tolist(y_pred))
            sw = None if sw is None else np.asarray(_tolist(sw))
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                metric.update_state(y_true, y_pred, sample_weight=sw)
                result = metric.result()
            caught += [str(x.message) for x in w]
            rec["steps"].append({"y_true": _tolist(y_true), "y_pred": _tolist(y_pred),
                                 "sample_weight": _tolist(sw)})
            rec["results"].append(_num(result))
        rec["result_dtype"] = str(result.dtype.name)
        rec["warnings"] = sorted(set(caught))
        rec["config"] = metric.get_config()
        rec["variables"] = [v.path.rsplit("/", 1)[-1] for v in metric.variables]
        rec["variable_values"] = [_num(v) for v in metric.variables]
        rec["variable_dtypes"] = [str(v.dtype) for v in metric.variables]
        metric.reset_state()
        rec["result_after_reset"] = _num(metric.result())
        rec["roundtrip_config"] = type(metric).from_config(metric.get_config()).get_config()
        rec["serialized"] = json.loads(json.dumps(keras.metrics.serialize(metric), default=_default))
        out.append(rec)
    errors = []
    for case, cls, kwargs in METRIC_ERRORS:
        try:
            getattr(keras.metrics, cls)(**kwargs)
        except Exception as exc:  # noqa: BLE001 - the class is what we record
            errors.append({"case": case, "class_name": cls, "kwargs": kwargs,
                           "error": type(exc).__name__, "message": str(exc)})
        else:
            raise AssertionError(f"{case}: Keras accepted {kwargs}")
    for case, cls, kwargs, y_true, y_pred in METRIC_UPDATE_ERRORS:
        metric = getattr(keras.metrics, cls)(**kwargs)
        try:
            metric.update_state(np.asarray(y_true), np.asarray(y_pred))
        except Exception as exc:  # noqa: BLE001
            errors.append({"case": case, "class_name": cls, "kwargs": kwargs,
                           "y_true": y_true, "y_pred": y_pred,
                           "error": type(exc).__name__, "message": str(exc)})
        else:
            raise AssertionError(f"{case}: Keras accepted the shapes")
    return out, errors


def _correlation_functions():
    import keras

    out = []
    for case, data, axis in [("pearson_fn", "regression", -1), ("pearson_fn_axis0", "regression", 0),
                             ("pearson_fn_col", "regression_col", -1),
                             ("concordance_fn", "regression", -1),
                             ("concordance_fn_axis0", "regression", 0)]:
        rng = rng_for("ns-fn/" + case)
        y_true, y_pred = DATA[data](rng)
        fn = keras.metrics.pearson_correlation if case.startswith("pearson") \
            else keras.metrics.concordance_correlation
        out.append({"case": case, "function": fn.__name__, "axis": axis,
                    "y_true": _tolist(y_true), "y_pred": _tolist(y_pred),
                    "value": _num(fn(y_true, y_pred, axis=axis))})
    return out


def _fit_scenario():
    """compile(metrics=[new metrics]) + fit + evaluate: the logged values Keras prints."""
    import keras

    keras.config.set_floatx("float32")
    try:
        keras.backend.clear_session()
        rng = rng_for("ns-fit/metrics")
        x = np.round(rng.normal(size=(24, 4)), 3).astype("float32")
        y = np.eye(3, dtype="float32")[rng.integers(0, 3, size=24)]
        xv = np.round(rng.normal(size=(10, 4)), 3).astype("float32")
        yv = np.eye(3, dtype="float32")[rng.integers(0, 3, size=10)]
        w = [np.round(rng.normal(scale=0.5, size=(4, 3)), 3).astype("float32"),
             np.zeros(3, "float32")]
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
        model.set_weights(w)
        M = keras.metrics
        metrics = [M.F1Score(average="macro"), M.FBetaScore(beta=2.0, average="weighted"),
                   M.R2Score(), M.OneHotMeanIoU(num_classes=3),
                   M.OneHotIoU(num_classes=3, target_class_ids=[1]),
                   M.PrecisionAtRecall(0.5, class_id=0), M.RecallAtPrecision(0.4, class_id=1),
                   M.SensitivityAtSpecificity(0.5, class_id=2),
                   M.SpecificityAtSensitivity(0.5, class_id=0),
                   M.PearsonCorrelation(), M.ConcordanceCorrelation()]
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy",
                      metrics=metrics)
        hist = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0,
                         validation_data=(xv, yv))
        ev = model.evaluate(xv, yv, batch_size=5, verbose=0, return_dict=True)
        return {"x": x, "y": y, "x_val": xv, "y_val": yv, "weights": w,
                "metrics": [keras.metrics.serialize(m) for m in metrics],
                "history": {k: [float(v) for v in vs] for k, vs in hist.history.items()},
                "evaluate": {k: float(v) for k, v in ev.items()},
                "final_weights": [np.asarray(v) for v in model.get_weights()]}
    finally:
        keras.config.set_floatx("float64")


def _embeddings(rng, n, d):
    e = rng.normal(size=(n, d))
    return np.round(e / np.linalg.norm(e, axis=1, keepdims=True), 6)


# (scenario, kwargs of Circle, batch, dim, labels, with references, sample weights)
CIRCLE = [
    ("circle_default", {}, 6, 4, [0, 1, 0, 2, 1, 0], False, False),
    ("circle_single_label_rows", {}, 5, 3, [0, 1, 2, 0, 3], False, False),  # rows without positives score 0
    ("circle_keep_diagonal", {"remove_diagonal": False, "gamma": 16.0, "margin": 0.25}, 5, 3, [0, 1, 1, 0, 2], False, False),
    ("circle_sum_weighted", {"reduction": "sum", "gamma": 32.0}, 6, 4, [1, 1, 0, 0, 2, 2], False, True),
    ("circle_none", {"reduction": "none", "gamma": 8.0, "margin": 0.1}, 4, 3, [0, 0, 1, 1], False, False),
    ("circle_mean_weighted", {"gamma": 20.0}, 6, 4, [0, 1, 0, 2, 1, 2], False, True),
    ("circle_refs", {"gamma": 24.0}, 4, 3, [0, 1, 2, 1], True, False),
]


def _circle_scenarios():
    import keras
    import tensorflow as tf

    out = []
    for case, kwargs, n, d, labels, refs, weighted in CIRCLE:
        rng = rng_for("ns-circle/" + case)
        y_pred = _embeddings(rng, n, d)
        y_true = np.asarray(labels)
        rec = {"case": case, "kwargs": kwargs, "y_true": y_true, "y_pred": y_pred}
        fn_kwargs = {k: v for k, v in kwargs.items() if k != "reduction"}
        if refs:
            ref_labels = np.asarray([0, 1, 2, 0, 2])
            ref_emb = _embeddings(rng, 5, d)
            rec.update(ref_labels=ref_labels, ref_embeddings=ref_emb)
            fn_kwargs.update(ref_labels=ref_labels, ref_embeddings=ref_emb)
        x = tf.Variable(y_pred)
        with tf.GradientTape() as tape:
            values = keras.losses.circle(y_true, x, **fn_kwargs)
            total = tf.reduce_sum(values)
        rec["function_values"] = _num(values)
        rec["function_grad"] = _num(tape.gradient(total, x))
        if not refs:
            loss = keras.losses.Circle(**kwargs)
            sw = np.round(rng.uniform(0, 2, size=(n,)), 3) if weighted else None
            with tf.GradientTape() as tape:
                value = loss(y_true, x, sample_weight=sw)
            rec["sample_weight"] = sw
            rec["loss"] = _num(value)
            rec["loss_dtype"] = value.dtype.name
            rec["loss_grad"] = _num(tape.gradient(value, x))
            rec["config"] = loss.get_config()
            rec["serialized"] = json.loads(json.dumps(keras.losses.serialize(loss), default=_default))
        out.append(rec)
    return out


def _circle_fit():
    """A tiny embedding model trained with Circle: Keras's losses per epoch and final weights."""
    import keras

    keras.config.set_floatx("float32")
    try:
        keras.backend.clear_session()
        rng = rng_for("ns-fit/circle")
        x = np.round(rng.normal(size=(12, 5)), 3).astype("float32")
        y = rng.integers(0, 3, size=12).astype("int32")
        w = [np.round(rng.normal(scale=0.5, size=(5, 4)), 3).astype("float32")]
        model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, use_bias=False),
                                  keras.layers.UnitNormalization()])
        model.set_weights(w)
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=keras.losses.Circle(gamma=10.0))
        hist = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
        return {"x": x, "y": y, "weights": w, "history": hist.history,
                "evaluate": float(model.evaluate(x, y, batch_size=12, verbose=0)),
                "final_weights": [np.asarray(v) for v in model.get_weights()]}
    finally:
        keras.config.set_floatx("float64")


def _ema_model(keras, rng):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    w = [np.round(rng.normal(scale=0.5, size=v.shape), 3).astype("float32")
         for v in model.get_weights()]
    model.set_weights(w)
    return model, w


def _swap_ema_scenarios():
    """fit/evaluate/predict with SwapEMAWeights on an EMA optimizer: logs, weights seen by a
    later callback at every epoch end, and the weights after each call."""
    import keras

    keras.config.set_floatx("float32")
    out = {}
    try:
        rng = rng_for("ns-fit/swap_ema")
        x = np.round(rng.normal(size=(16, 3)), 3).astype("float32")
        y = np.round(rng.normal(size=(16, 1)), 3).astype("float32")
        xv = np.round(rng.normal(size=(8, 3)), 3).astype("float32")
        yv = np.round(rng.normal(size=(8, 1)), 3).astype("float32")
        out["data"] = {"x": x, "y": y, "x_val": xv, "y_val": yv}
        for case, swap_on_epoch in (("swap_on_epoch", True), ("swap_for_validation", False)):
            keras.backend.clear_session()
            model, w = _ema_model(keras, rng_for("ns-fit/swap_ema/" + case))
            model.compile(optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8),
                          loss="mse")
            seen = []
            record = keras.callbacks.LambdaCallback(
                on_epoch_end=lambda epoch, logs, m=model, seen=seen: seen.append(
                    [np.asarray(v) for v in m.get_weights()]))
            hist = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                             validation_data=(xv, yv),
                             callbacks=[keras.callbacks.SwapEMAWeights(swap_on_epoch), record])
            rec = {"swap_on_epoch": swap_on_epoch, "weights": w, "history": hist.history,
                   "seen_at_epoch_end": seen,
                   "after_fit": [np.asarray(v) for v in model.get_weights()],
                   "averages_after_fit": [np.asarray(v) for v in
                                          model.optimizer._model_variables_moving_average]}
            # Move the weights away from their averages, then evaluate/predict with the swap.
            for i in range(3):
                model.train_on_batch(x[4 * i:4 * i + 4], y[4 * i:4 * i + 4])
            rec["raw_after_steps"] = [np.asarray(v) for v in model.get_weights()]
            rec["averages_after_steps"] = [
                np.asarray(v) for v in model.optimizer._model_variables_moving_average]
            cb = keras.callbacks.SwapEMAWeights()
            rec["evaluate_plain"] = float(model.evaluate(xv, yv, verbose=0))
            rec["evaluate_swapped"] = float(model.evaluate(xv, yv, verbose=0, callbacks=[cb]))
            rec["after_evaluate"] = [np.asarray(v) for v in model.get_weights()]
            rec["predict_swapped"] = np.asarray(model.predict(xv, verbose=0, callbacks=[cb]))
            rec["after_predict"] = [np.asarray(v) for v in model.get_weights()]
            rec["evaluate_after_predict"] = float(model.evaluate(xv, yv, verbose=0,
                                                                 callbacks=[cb]))
            rec["after_second_evaluate"] = [np.asarray(v) for v in model.get_weights()]
            out[case] = rec
        keras.backend.clear_session()
        model, _ = _ema_model(keras, rng_for("ns-fit/swap_ema/no_ema"))
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y, epochs=1, verbose=0)
        try:
            model.evaluate(xv, yv, verbose=0, callbacks=[keras.callbacks.SwapEMAWeights()])
        except Exception as exc:  # noqa: BLE001 - the class is what we record
            out["no_ema_error"] = {"error": type(exc).__name__, "message": str(exc)}
        return out
    finally:
        keras.config.set_floatx("float64")


# (scenario, class, kwargs): trajectories on fixed gradients for a (3, 2) kernel, a (2,) bias,
# a (2, 3, 4) tensor and a (4, 2) "embeddings" matrix (Muon hands embeddings to AdamW).
OPTIMIZERS = [
    ("adafactor", "Adafactor", {}),
    ("adafactor_lr_relative", "Adafactor", {"learning_rate": 0.5}),
    ("adafactor_absolute_clip", "Adafactor", {"learning_rate": 0.05, "relative_step": False, "clip_threshold": 0.5, "beta_2_decay": -0.5, "epsilon_2": 0.01}),
    ("adafactor_schedule_wd", "Adafactor", {"learning_rate": {"class_name": "ExponentialDecay", "config": {"initial_learning_rate": 0.3, "decay_steps": 2, "decay_rate": 0.5}}, "weight_decay": 0.1}),
    ("muon", "Muon", {}),
    ("muon_lr_no_nesterov", "Muon", {"learning_rate": 0.02, "nesterov": False, "momentum": 0.9, "adam_lr_ratio": 0.5, "ns_steps": 3}),
    ("muon_no_rms_exclude", "Muon", {"learning_rate": 0.01, "rms_rate": None, "exclude_layers": ["bias"], "exclude_embeddings": False, "weight_decay": 0.1, "adam_weight_decay": 0.0}),
    ("muon_adam_decay_only", "Muon", {"learning_rate": 0.05, "weight_decay": None, "adam_weight_decay": 0.2}),
    ("schedule_free_adamw", "ScheduleFreeAdamW", {}),
    ("schedule_free_adamw_warmup", "ScheduleFreeAdamW", {"learning_rate": 0.05, "warmup_steps": 3, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-6}),
    ("schedule_free_adamw_wd_clip", "ScheduleFreeAdamW", {"learning_rate": 0.01, "weight_decay": 0.05, "clipnorm": 1.0}),
]
OPT_SHAPES = {"kernel": (3, 2), "bias": (2,), "tensor": (2, 3, 4), "embeddings": (4, 2)}
OPT_STEPS = 5


def _optimizer_scenarios():
    import keras

    out = []
    for case, cls, kwargs in OPTIMIZERS:
        keras.backend.clear_session()
        rng = rng_for("ns-optimizer/" + case)
        kw = dict(kwargs)
        if isinstance(kw.get("learning_rate"), dict):
            kw["learning_rate"] = keras.optimizers.schedules.deserialize(kw["learning_rate"])
        opt = getattr(keras.optimizers, cls)(**kw)
        init = {k: np.round(rng.normal(size=s), 4) for k, s in OPT_SHAPES.items()}
        grads = {k: np.round(rng.normal(size=(OPT_STEPS,) + s), 4) for k, s in OPT_SHAPES.items()}
        for k in grads:
            grads[k][2] *= 10.0  # one large step so clipping bites
        variables = {k: keras.Variable(v, dtype="float64", name=k) for k, v in init.items()}
        steps = []
        for step in range(OPT_STEPS):
            opt.apply_gradients([(grads[k][step], variables[k]) for k in OPT_SHAPES])
            steps.append({k: np.asarray(v.numpy()) for k, v in variables.items()})
        out.append({"case": case, "class_name": cls, "kwargs": kwargs, "init": init,
                    "grads": grads, "steps": steps,
                    "config": json.loads(json.dumps(keras.optimizers.serialize(opt)["config"],
                                                    default=_default)),
                    "state_names": [v.path for v in opt.variables],
                    "state": [np.asarray(v.numpy()) for v in opt.variables]})
    return out


def _optimizer_model_files():
    """A small model trained two steps with each new optimizer, saved as .keras: featherflow
    must load the optimizer state (and keep training the same way)."""
    import keras

    keras.config.set_floatx("float32")
    try:
        rng = rng_for("ns-fit/optimizer_files")
        x = np.round(rng.normal(size=(8, 3)), 3).astype("float32")
        y = np.round(rng.normal(size=(8, 2)), 3).astype("float32")
        out = {"x": x, "y": y, "models": []}
        (OUT / "namespaces_extra").mkdir(parents=True, exist_ok=True)
        for cls, kwargs in (("Adafactor", {"learning_rate": 0.1}), ("Muon", {"learning_rate": 0.05}),
                            ("ScheduleFreeAdamW", {"learning_rate": 0.05})):
            keras.backend.clear_session()
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            w = [np.round(rng.normal(scale=0.5, size=v.shape), 3).astype("float32")
                 for v in model.get_weights()]
            model.set_weights(w)
            # the files also carry the new metrics in their compile config
            metrics = [keras.metrics.R2Score(), keras.metrics.PearsonCorrelation(),
                       keras.metrics.ConcordanceCorrelation(axis=0)]
            model.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs), loss="mse",
                          metrics=metrics)
            hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
            name = f"model_{cls.lower()}.keras"
            model.save(OUT / "namespaces_extra" / name)
            evaluated = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
            more = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
            # the same first epoch with run_eagerly=True (ScheduleFreeAdamW starts otherwise)
            keras.backend.clear_session()
            eager = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            eager.set_weights(w)
            eager.compile(optimizer=getattr(keras.optimizers, cls)(**kwargs), loss="mse",
                          run_eagerly=True)
            eager_loss = eager.fit(x, y, batch_size=4, epochs=1, shuffle=False,
                                   verbose=0).history["loss"]
            out["models"].append({
                "class_name": cls, "kwargs": kwargs, "file": name, "weights": w,
                "loss": hist.history["loss"], "loss_after_load": more.history["loss"],
                "loss_run_eagerly": eager_loss, "evaluate_saved": evaluated,
                "saved_state_names": [v.path for v in model.optimizer.variables],
                "final_weights": [np.asarray(v) for v in model.get_weights()]})
        return out
    finally:
        keras.config.set_floatx("float64")


def _schedule_free_train_on_batch():
    """train_on_batch losses, compiled and run_eagerly (the optimizer starts differently)."""
    import keras

    keras.config.set_floatx("float32")
    try:
        rng = rng_for("ns-fit/schedule_free_train_on_batch")
        x = np.round(rng.normal(size=(8, 3)), 3).astype("float32")
        y = np.round(rng.normal(size=(8, 2)), 3).astype("float32")
        w = [np.round(rng.normal(size=(3, 2)), 3).astype("float32"), np.zeros(2, "float32")]
        out = {"x": x, "y": y, "weights": w}
        for eager in (False, True):
            keras.backend.clear_session()
            model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
            model.set_weights(w)
            model.compile(optimizer=keras.optimizers.ScheduleFreeAdamW(0.05), loss="mse",
                          run_eagerly=eager)
            out["eager" if eager else "compiled"] = [float(model.train_on_batch(x, y))
                                                     for _ in range(3)]
        return out
    finally:
        keras.config.set_floatx("float64")


def _multi_optimizer():
    """MultiOptimizer over an OptimizerMap (SGD by default, Adam for the biases, Adafactor for
    the second kernel): fit, state, config, and a .keras file featherflow must load."""
    import keras

    keras.config.set_floatx("float32")
    try:
        keras.backend.clear_session()
        rng = rng_for("ns-fit/multi_optimizer")
        x = np.round(rng.normal(size=(8, 3)), 3).astype("float32")
        y = np.round(rng.normal(size=(8, 2)), 3).astype("float32")
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                                  keras.layers.Dense(2)])
        w = [np.round(rng.normal(scale=0.5, size=v.shape), 3).astype("float32")
             for v in model.get_weights()]
        model.set_weights(w)
        opts = keras.optimizers
        opt = opts.MultiOptimizer(opts.OptimizerMap(
            opts.SGD(0.1), {".*bias": opts.Adam(0.05), ".*dense_1/kernel": opts.Adafactor(0.1)}))
        model.compile(optimizer=opt, loss="mse")
        hist = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
        (OUT / "namespaces_extra").mkdir(parents=True, exist_ok=True)
        model.save(OUT / "namespaces_extra" / "model_multi_optimizer.keras")
        more = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
        return {"x": x, "y": y, "weights": w, "history": hist.history,
                "loss_after_load": more.history["loss"],
                "serialized": json.loads(json.dumps(opts.serialize(opt), default=_default)),
                "state_names": [v.path for v in opt.variables],
                "final_weights": [np.asarray(v) for v in model.get_weights()],
                "file": "model_multi_optimizer.keras"}
    finally:
        keras.config.set_floatx("float64")


def run():
    import keras

    legacy = {}
    for name in ("Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"):
        try:
            getattr(keras.optimizers.legacy, name)(learning_rate=0.1)
        except Exception as exc:  # noqa: BLE001 - the class is what we record
            legacy[name] = {"error": type(exc).__name__, "message": str(exc)}
    _write("multi_optimizer", {"keras_version": keras.__version__, **_multi_optimizer(),
                               "legacy": legacy})
    _write("optimizers", {"keras_version": keras.__version__,
                          "scenarios": _optimizer_scenarios(), "files": _optimizer_model_files(),
                          "schedule_free_train_on_batch": _schedule_free_train_on_batch()})

    _write("callbacks", {"keras_version": keras.__version__, **_swap_ema_scenarios()})

    _write("losses", {"keras_version": keras.__version__, "floatx": "float64",
                      "circle": _circle_scenarios(), "fit": _circle_fit()})
    metrics, errors = _metric_scenarios()
    _write("metrics", {"keras_version": keras.__version__, "floatx": "float64",
                       "scenarios": metrics, "errors": errors,
                       "functions": _correlation_functions(), "fit": _fit_scenario()})
