"""``tf.image.combined_non_max_suppression``: greedy NMS per class and per image, merged by
score, as TF's CPU kernel does it.

Each class keeps up to ``max_output_size_per_class`` boxes (boxes shared by all classes when
``q == 1``, one box per class otherwise); the kept boxes of all classes are then sorted by
score and the best ``max_total_size`` returned, zero-padded, with their class as a float.
``pad_per_class=True`` pads to ``min(max_total_size, max_output_size_per_class *
num_classes)`` instead; ``clip_boxes=True`` clips the returned coordinates to [0, 1].

TF orders equal scores as its C++ priority queue and ``std::sort`` leave them; featherflow
replays those (``std_order.py``) when scores are tied, so ties come out in TF's order too.

Example::

    >>> import featherflow as tf
    >>> boxes = tf.constant([[[[0, 0, 1, 1]], [[0, 0, 0.9, 1]]]])   # [batch, boxes, q, 4]
    >>> scores = tf.constant([[[0.9, 0.1], [0.8, 0.7]]])            # [batch, boxes, classes]
    >>> out = tf.image.combined_non_max_suppression(boxes, scores, 2, 3)
    >>> out.nmsed_classes.numpy(), out.valid_detections.numpy()   # the third slot is padding
    (array([[0., 1., 0.]], dtype=float32), array([2], dtype=int32))
"""

import collections

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.image import nms, std_order

CombinedNonMaxSuppression = collections.namedtuple(
    "CombinedNonMaxSuppression",
    ["nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections"])

_OP = "tf.image.combined_non_max_suppression"


def _distinct(values):
    return len(np.unique(values)) == len(values)


def _class_order(scores, candidates):
    """Candidates in the order TF's priority queue pops them (by score, ties as libstdc++)."""
    values = scores[candidates]
    if _distinct(values):
        return candidates[np.argsort(-values, kind="stable")]
    return candidates[std_order.priority_queue_order(values.tolist(), len(values))]


def _check(boxes, scores):
    box_array = nms.numpy_value(boxes, np.float32).astype(np.float32, copy=False)
    score_array = nms.numpy_value(scores, np.float32).astype(np.float32, copy=False)
    if box_array.ndim != 4:
        raise InvalidArgumentError(f"{_OP}: boxes must be 4-D [batch, num_boxes, q, 4]; "
                                   f"received shape {list(box_array.shape)}.")
    if score_array.ndim != 3:
        raise InvalidArgumentError(f"{_OP}: scores must be 3-D [batch, num_boxes, "
                                   f"num_classes]; received shape {list(score_array.shape)}.")
    num_classes = score_array.shape[2]
    if box_array.shape[2] not in (1, num_classes):
        raise InvalidArgumentError(
            f"{_OP}: third dimension of boxes must be either 1 or num_classes "
            f"({num_classes}); received boxes of shape {list(box_array.shape)}.")
    if box_array.shape[3] != 4:
        raise InvalidArgumentError(f"{_OP}: boxes must have 4 columns; received shape "
                                   f"{list(box_array.shape)}.")
    if score_array.shape[1] != box_array.shape[1]:
        raise InvalidArgumentError(
            f"{_OP}: scores has incompatible shape: {score_array.shape[1]} boxes in scores, "
            f"{box_array.shape[1]} in boxes.")
    if score_array.shape[0] != box_array.shape[0]:
        raise InvalidArgumentError(f"{_OP}: boxes and scores must have the same batch size; "
                                   f"received {box_array.shape[0]} and {score_array.shape[0]}.")
    return box_array, score_array


def _positive(value, what):
    size = int(nms.check_scalar(value, what, _OP))
    if size <= 0:
        raise InvalidArgumentError(f"{_OP}: {what} must be positive; received {size}.")
    return size


def _merge(slot_scores, count):
    """Slots of the ``count`` best kept boxes, in TF's ``std::sort`` order."""
    valid = np.flatnonzero(slot_scores > -np.inf)
    if _distinct(slot_scores[valid]):
        return valid[np.argsort(-slot_scores[valid], kind="stable")][:count]
    return np.array(std_order.std_sort_order(slot_scores.tolist())[:count], np.int64)


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """``(nmsed_boxes, nmsed_scores, nmsed_classes, valid_detections)`` per image of a batch:
    greedy NMS within each class, then the best boxes over all classes."""
    box_array, score_array = _check(boxes, scores)
    per_class = _positive(max_output_size_per_class, "max_size_per_class")
    total = _positive(max_total_size, "max_total_size")
    iou = nms.check_scalar(iou_threshold, "iou_threshold", _OP, np.float32).astype(np.float32)
    low = nms.check_scalar(score_threshold, "score_threshold", _OP, np.float32).astype(np.float32)
    if not (iou >= 0 and iou <= 1):
        raise InvalidArgumentError(f"{_OP}: iou_threshold must be in [0, 1]; received "
                                   f"{float(iou)}.")
    batch, num_boxes, q, _ = box_array.shape
    num_classes = score_array.shape[2]
    size_per_class = min(per_class, num_boxes)
    max_total = min(2**31 - 1, per_class * num_classes)
    per_batch = min(total, max_total) if pad_per_class else total
    out_boxes = np.zeros((batch, per_batch, 4), np.float32)
    out_scores = np.zeros((batch, per_batch), np.float32)
    out_classes = np.zeros((batch, per_batch), np.float32)
    valid = np.zeros(batch, np.int32)
    slots = size_per_class * num_classes
    for b in range(batch):
        slot_scores = np.full(slots, -np.inf, np.float32)
        slot_boxes = np.zeros((slots, 4), np.float32)
        for c in range(num_classes):
            class_boxes = box_array[b, :, c if q > 1 else 0]
            class_scores = score_array[b, :, c]
            order = _class_order(class_scores, np.flatnonzero(class_scores > low))
            corners = nms.Corners(class_boxes)
            kept = nms.greedy_select(order, corners.iou, iou, size_per_class, corners)
            start = c * size_per_class
            slot_scores[start:start + len(kept)] = class_scores[kept]
            slot_boxes[start:start + len(kept)] = class_boxes[kept]
        found = int(np.count_nonzero(slot_scores > -np.inf))
        count = min(found, total) if not pad_per_class else min(per_batch, found)
        chosen = _merge(slot_scores, count)
        valid[b] = count
        picked = slot_boxes[chosen]
        out_boxes[b, :count] = np.clip(picked, 0.0, 1.0) if clip_boxes else picked
        out_scores[b, :count] = slot_scores[chosen]
        out_classes[b, :count] = chosen // size_per_class
    return CombinedNonMaxSuppression(Tensor(out_boxes), Tensor(out_scores), Tensor(out_classes),
                                     Tensor(valid))


__all__ = ["combined_non_max_suppression"]
