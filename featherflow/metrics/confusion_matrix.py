"""Counting weighted TP/FP/TN/FN per threshold, as Keras's ``metrics_utils`` does.

Evenly spaced thresholds (AUC's default) use Keras's bucket method: one pass over the
predictions and a reversed cumulative sum, instead of comparing every prediction with every
threshold.
"""

import numpy as np

from featherflow.backend import config
from featherflow.metrics.metric import align, to_array

NEG_INF = -1e10


def parse_thresholds(thresholds, default):
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) \
        else [thresholds]
    values = [float(t) for t in values]
    if any(not 0.0 <= t <= 1.0 for t in values):
        raise ValueError(
            f"Threshold values must be in [0, 1]; received {values}."
        )
    return values


def evenly_distributed(thresholds):
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def _filter_top_k(x, k):
    """Keep the top ``k`` values of the last axis; push the others to -1e10."""
    idx = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, bool)
    np.put_along_axis(keep, idx, True, axis=-1)
    return np.where(keep, x, NEG_INF)


def update_confusion_matrix(counts, y_true, y_pred, thresholds, top_k=None, class_id=None,
                            sample_weight=None, multi_label=False, label_weights=None,
                            evenly=False):
    """Add this batch's weighted TP/FP/TN/FN per threshold into the arrays in ``counts``.

    ``counts`` maps some of "tp", "fp", "tn", "fn" to arrays updated in place.
    """
    dt = next(iter(counts.values())).dtype
    y_true = to_array(y_true, dt)
    y_pred = to_array(y_pred, dt)
    thresholds = np.asarray(thresholds, dt)
    y_pred, y_true = align(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = to_array(sample_weight, dt)[..., None]
        _, sample_weight = align(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                f"When class_id is given, y_pred must be 2-D (samples, classes); received "
                f"shape {y_pred.shape}."
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    weights = None
    if sample_weight is not None:
        weights = np.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(np.asarray(label_weights, dt), y_pred.shape)
        weights = lw if weights is None else weights * lw
    if evenly:
        _update_bucketed(counts, y_true, y_pred, len(thresholds), weights, multi_label,
                         thresholds[0] < 0.0 or thresholds[-1] > 1.0)
        return
    if multi_label:
        preds = y_pred[None]
        labels = y_true.astype(bool)[None]
        thr = thresholds.reshape(-1, 1, 1)
        w = None if weights is None else weights[None]
    else:
        preds = y_pred.reshape(1, -1)
        labels = y_true.astype(bool).reshape(1, -1)
        thr = thresholds.reshape(-1, 1)
        w = None if weights is None else weights.reshape(1, -1)
    pred_pos = preds > thr
    pairs = {"tp": (labels, pred_pos)}
    if "fn" in counts or "tn" in counts:
        pairs["fn"] = (labels, ~pred_pos)
    if "fp" in counts or "tn" in counts:
        pairs["fp"] = (~labels, pred_pos)
        pairs["tn"] = (~labels, ~pred_pos)
    for kind, target in counts.items():
        label, pred = pairs[kind]
        both = label & pred
        target += (both.sum(axis=1) if w is None else np.where(both, w, 0).sum(axis=1)) \
            .astype(dt)


def _update_bucketed(counts, y_true, y_pred, num_thresholds, weights, multi_label, with_eps):
    w = 1.0 if weights is None else weights
    y_pred = np.clip(y_pred, 0.0, 1.0)
    y_true = (y_true != 0).astype(y_pred.dtype)
    if not multi_label:
        y_true = y_true.reshape(-1)
        y_pred = y_pred.reshape(-1)
        if weights is not None:
            w = w.reshape(-1)
    true_labels = y_true * w
    false_labels = (1.0 - y_true) * w
    buckets = np.ceil(y_pred * (num_thresholds - 1)) - 1
    if with_eps:
        buckets = np.maximum(buckets, 0)
    buckets = buckets.astype(np.int64)
    if multi_label:
        n_labels = y_pred.shape[-1]
        offsets = buckets + num_thresholds * np.arange(n_labels)
        keep = buckets >= 0

        def per_bucket(values):
            summed = np.bincount(offsets[keep], weights=values[keep],
                                 minlength=num_thresholds * n_labels)
            return summed.reshape(n_labels, num_thresholds).T

        total_true = true_labels.sum(axis=0)
        total_false = false_labels.sum(axis=0)
    else:
        keep = buckets >= 0

        def per_bucket(values):
            return np.bincount(buckets[keep], weights=values[keep], minlength=num_thresholds)

        total_true = true_labels.sum()
        total_false = false_labels.sum()
    # Predictions in bucket b exceed every threshold up to b: a reversed cumulative sum.
    tp = np.cumsum(per_bucket(true_labels)[::-1], axis=0)[::-1]
    fp = np.cumsum(per_bucket(false_labels)[::-1], axis=0)[::-1]
    values = {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
    for kind, target in counts.items():
        target += values[kind].astype(target.dtype)


def safe_divide(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b != 0, a / np.where(b != 0, b, 1), 0).astype(a.dtype)
