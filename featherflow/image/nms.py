"""Greedy non-max suppression as TF's CPU kernel runs it: ``non_max_suppression``,
``non_max_suppression_with_scores`` (soft-NMS) and ``non_max_suppression_overlaps``.

TF visits the boxes whose score is above ``score_threshold`` from the highest score down (equal
scores: lower index first) and keeps a box unless its IoU with a box already kept is above
``iou_threshold``. Boxes may be given as ``[y1, x1, y2, x2]`` with either corner first; the IoU
uses the min/max corners in float32, and a box of zero area overlaps nothing.

Hard NMS runs over tiles of the sorted candidates: the IoU of a whole tile against the boxes
kept so far is one NumPy block, then the tile's own IoU matrix settles it in order, so
thousands of boxes need a few hundred vector operations, not a Python loop over pairs.
Soft-NMS (``soft_nms_sigma > 0``) re-queues a box with its decayed score, as TF's priority
queue does, and multiplies the decays in TF's order (last kept box first) in float32.

Example::

    >>> import featherflow as tf
    >>> boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]
    >>> tf.image.non_max_suppression(boxes, [0.9, 0.8, 0.7], 3).numpy()
    array([0, 2], dtype=int32)
"""

import heapq

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

_TILE = 256
# y-overlapping pairs the sweep always takes on (tiles may be cheaper past that), and how
# many pairs it expands at once (bounds its memory)
_PAIR_BUDGET = 4_000_000
_CHUNK = 1_000_000


def numpy_value(value, dtype=None):
    """A Tensor's array, or ``value`` converted by featherflow's rules (``dtype`` if not a
    Tensor or array of its own)."""
    return np.asarray(value.data if isinstance(value, Tensor) else as_array(value, dtype))


def check_scalar(value, what, op, dtype=None):
    """``value`` as a 0-D array, or TF's error naming ``what``."""
    a = numpy_value(value, dtype)
    if a.ndim != 0:
        raise InvalidArgumentError(f"{op}: {what} must be 0-D (a scalar); received shape "
                                   f"{list(a.shape)} (Shape must be rank 0 but is rank "
                                   f"{a.ndim}).")
    return a


def check_boxes(boxes, op, what="boxes"):
    """``boxes`` as a float32 ``[num_boxes, 4]`` array, or TF's error."""
    a = numpy_value(boxes, np.float32)
    if a.ndim != 2:
        raise InvalidArgumentError(f"{op}: {what} must be 2-D [num_boxes, 4]; received shape "
                                   f"{list(a.shape)} (Shape must be rank 2 but is rank "
                                   f"{a.ndim}).")
    if a.shape[1] != 4:
        raise InvalidArgumentError(f"{op}: {what} must have 4 columns [y1, x1, y2, x2]; "
                                   f"received shape {list(a.shape)}.")
    return a.astype(np.float32, copy=False)


def check_scores(scores, num_boxes, op):
    a = numpy_value(scores, np.float32)
    if a.ndim != 1:
        raise InvalidArgumentError(f"{op}: scores must be 1-D [num_boxes]; received shape "
                                   f"{list(a.shape)} (Shape must be rank 1 but is rank "
                                   f"{a.ndim}).")
    if a.shape[0] != num_boxes:
        raise InvalidArgumentError(f"{op}: scores has incompatible shape: {a.shape[0]} scores "
                                   f"for {num_boxes} boxes; pass one score per box.")
    if a.dtype.kind != "f":
        raise InvalidArgumentError(f"{op}: scores must be float32 or float16; received "
                                   f"{a.dtype.name}.")
    return a


def check_output_size(max_output_size, op, what="max_output_size"):
    size = int(check_scalar(max_output_size, what, op))
    if size < 0:
        raise InvalidArgumentError(f"{op}: output size must be non-negative; received "
                                   f"{what}={size}.")
    return size


def check_iou_threshold(iou_threshold, op, dtype=np.float32):
    value = check_scalar(iou_threshold, "iou_threshold", op, np.float32).astype(dtype)
    if not (value >= 0 and value <= 1):
        raise InvalidArgumentError(f"{op}: iou_threshold must be in [0, 1]; received "
                                   f"{float(value)}.")
    return value


class Corners:
    """Min/max corners and areas of boxes in float32, for IoU blocks as TF computes them."""

    def __init__(self, boxes):
        self.ymin = np.minimum(boxes[..., 0], boxes[..., 2])
        self.xmin = np.minimum(boxes[..., 1], boxes[..., 3])
        self.ymax = np.maximum(boxes[..., 0], boxes[..., 2])
        self.xmax = np.maximum(boxes[..., 1], boxes[..., 3])
        self.area = (self.ymax - self.ymin) * (self.xmax - self.xmin)

    def iou(self, rows, cols):
        """``[len(rows), len(cols)]`` IoU of boxes ``rows`` (candidates) with ``cols``: TF's
        float32 operations, written in place to spare the temporaries of a large block."""
        zero = np.float32(0)
        height = np.minimum(self.ymax[rows][:, None], self.ymax[cols][None, :])
        height -= np.maximum(self.ymin[rows][:, None], self.ymin[cols][None, :])
        np.maximum(height, zero, out=height)
        width = np.minimum(self.xmax[rows][:, None], self.xmax[cols][None, :])
        width -= np.maximum(self.xmin[rows][:, None], self.xmin[cols][None, :])
        np.maximum(width, zero, out=width)
        inter = np.multiply(height, width, out=height)
        row_area, col_area = self.area[rows], self.area[cols]
        union = np.add(row_area[:, None], col_area[None, :], out=width)
        union -= inter
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.divide(inter, union, out=inter)
        if (row_area <= 0).any() or (col_area <= 0).any():
            out[(row_area[:, None] <= 0) | (col_area[None, :] <= 0)] = zero
        return out

    def pair_iou(self, r, c):
        """IoU of boxes ``r`` and ``c`` (index arrays that broadcast together)."""
        height = np.maximum(np.minimum(self.ymax[r], self.ymax[c])
                            - np.maximum(self.ymin[r], self.ymin[c]), np.float32(0))
        width = np.maximum(np.minimum(self.xmax[r], self.xmax[c])
                           - np.maximum(self.xmin[r], self.xmin[c]), np.float32(0))
        inter = height * width
        with np.errstate(invalid="ignore", divide="ignore"):
            out = inter / (self.area[r] + self.area[c] - inter)
        return np.where((self.area[r] <= 0) | (self.area[c] <= 0), np.float32(0), out)

    def overlapping_pairs(self, order, budget):
        """Positions ``(first, second)`` in ``order`` of the pairs of boxes whose interiors
        meet (the only pairs with a positive IoU), found by a sweep over ``ymin``; None when
        more than ``budget`` pairs overlap in y (then tiles of dense IoU are cheaper)."""
        n = len(order)
        ymin, ymax = self.ymin[order], self.ymax[order]
        by_y = np.argsort(ymin, kind="stable")
        ends = np.searchsorted(ymin[by_y], ymax[by_y], side="left")
        counts = np.maximum(ends - np.arange(1, n + 1), 0)
        cumulative = np.cumsum(counts)
        if n and cumulative[-1] > budget:
            return None
        found, row = [], 0
        while row < n:
            # rows whose y-neighbours make one chunk of about _CHUNK pairs (at least one row)
            stop = max(int(np.searchsorted(cumulative, cumulative[row] - counts[row] + _CHUNK,
                                           side="right")), row + 1)
            found.append(self._meeting(order, by_y, row, stop, counts[row:stop]))
            row = stop
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return (np.concatenate([f[0] for f in found]), np.concatenate([f[1] for f in found]))

    def _meeting(self, order, by_y, row, stop, counts):
        total = int(counts.sum())
        lead = np.repeat(np.arange(row, stop), counts)
        step = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        a, b = by_y[lead], by_y[lead + 1 + step]
        ia, ib = order[a], order[b]
        meet = ((self.xmin[ia] < self.xmax[ib]) & (self.xmin[ib] < self.xmax[ia])
                & (self.area[ia] > 0) & (self.area[ib] > 0))
        a, b = a[meet], b[meet]
        return np.minimum(a, b), np.maximum(a, b)


def sorted_candidates(scores, score_threshold):
    """Indices of the scores above the threshold, highest first, ties by lower index."""
    index = np.flatnonzero(scores > score_threshold)
    return index[np.argsort(-scores[index], kind="stable")]


def greedy_select(order, similarity, threshold, max_output_size, corners=None):
    """TF's hard NMS: walk ``order`` and keep a box unless ``similarity(candidates, kept)``
    exceeds ``threshold`` for a box kept before it; stops after ``max_output_size``. With
    ``corners`` (IoU similarity), only the pairs of boxes that meet are compared."""
    if corners is not None:
        # a y-overlapping pair costs the sweep about as much as 16 tile elements; tiles cost one
        # element per (candidate, kept box) pair, at most len(order) * max_output_size
        budget = max(_PAIR_BUDGET, len(order) * min(len(order), max_output_size) // 16)
        pairs = corners.overlapping_pairs(order, budget)
        if pairs is not None:
            return _sparse_greedy(order, corners, pairs, threshold, max_output_size)
    kept = np.zeros(0, np.int64)
    for start in range(0, len(order), _TILE):
        if len(kept) >= max_output_size:
            break
        tile = order[start:start + _TILE]
        if len(kept):
            tile = tile[~(similarity(tile, kept) > threshold).any(axis=1)]
        if not len(tile):
            continue
        # own[b, a]: similarity of candidate b to candidate a, if a is kept
        own = similarity(tile, tile) > threshold
        alive = np.ones(len(tile), bool)
        chosen = []
        for a in range(len(tile)):
            if not alive[a]:
                continue
            chosen.append(a)
            if len(kept) + len(chosen) >= max_output_size:
                break
            alive[a + 1:] &= ~own[a + 1:, a]
        kept = np.concatenate([kept, tile[chosen]])
    return kept[:max_output_size]


def _sparse_greedy(order, corners, pairs, threshold, max_output_size):
    earlier, later = pairs
    close = corners.pair_iou(order[earlier], order[later]) > threshold
    earlier, later = earlier[close], later[close]
    by_earlier = np.argsort(earlier, kind="stable")
    later = later[by_earlier]
    bounds = np.searchsorted(earlier[by_earlier], np.arange(len(order) + 1))
    suppressed = np.zeros(len(order), bool)
    kept = []
    for position in range(len(order)):
        if len(kept) >= max_output_size:
            break
        if suppressed[position]:
            continue
        kept.append(position)
        start, end = bounds[position], bounds[position + 1]
        if end > start:
            suppressed[later[start:end]] = True
    return order[np.array(kept, np.int64)]


def soft_select(scores, order, similarity, score_threshold, sigma, max_output_size):
    """TF's soft-NMS: a candidate's score decays by ``exp(-0.5 * iou**2 / sigma)`` per kept
    box it has not met yet; a decayed candidate goes back in the queue."""
    dtype = scores.dtype.type
    scale = dtype(-0.5) / dtype(sigma)
    threshold = dtype(score_threshold)
    queue = [(-float(scores[i]), int(i), 0) for i in order]
    heapq.heapify(queue)
    kept = np.zeros(min(max_output_size, len(order)), np.int64)
    kept_scores = np.zeros(len(kept), scores.dtype)
    count = 0
    while count < max_output_size and queue:
        negative, index, begin = heapq.heappop(queue)
        original = dtype(-negative)
        score = original
        if begin < count:
            # TF walks the kept boxes from the newest back to `begin`
            sim = similarity(index, kept[begin:count][::-1]).astype(dtype)
            # expf, rounded once from double
            weights = np.exp((scale * sim * sim).astype(np.float64)).astype(dtype)
            weights[0] *= original
            running = np.multiply.accumulate(weights)
            stop = np.flatnonzero(running <= threshold)
            score = running[stop[0]] if len(stop) else running[-1]
        if score == original:
            kept[count] = index
            kept_scores[count] = score
            count += 1
        elif score > threshold:
            heapq.heappush(queue, (-float(score), index, count))
    kept, kept_scores = kept[:count], kept_scores[:count]
    return kept.astype(np.int32), kept_scores


def _score_threshold(score_threshold, op, dtype):
    return check_scalar(score_threshold, "score_threshold", op, np.float32).astype(dtype)


def _boxes_and_scores(boxes, scores, op):
    box_array = check_boxes(boxes, op)
    return box_array, check_scores(scores, box_array.shape[0], op)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None):
    """Indices (int32) of the boxes greedy NMS keeps, best score first (TF's order)."""
    op = "tf.image.non_max_suppression"
    size = check_output_size(max_output_size, op)
    box_array, score_array = _boxes_and_scores(boxes, scores, op)
    threshold = check_iou_threshold(iou_threshold, op)
    order = sorted_candidates(score_array, _score_threshold(score_threshold, op,
                                                            score_array.dtype))
    corners = Corners(box_array)
    kept = greedy_select(order, corners.iou, threshold, size, corners)
    return Tensor(kept.astype(np.int32))


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None):
    """``(selected_indices, selected_scores)``; with ``soft_nms_sigma > 0`` the overlapping
    boxes' scores decay (Soft-NMS, Bodla et al.) instead of being removed, and
    ``iou_threshold`` is not used, as in TF."""
    op = "tf.image.non_max_suppression_with_scores"
    size = check_output_size(max_output_size, op)
    box_array, score_array = _boxes_and_scores(boxes, scores, op)
    if score_array.dtype == np.float16:
        # TF's kernel takes its thresholds in the scores' type, and TF converts Python
        # numbers to float32 tensors, so half scores need half thresholds
        for what, value in (("iou_threshold", iou_threshold),
                            ("score_threshold", score_threshold),
                            ("soft_nms_sigma", soft_nms_sigma)):
            if np.asarray(value.data if isinstance(value, Tensor) else value).dtype != np.float16:
                raise InvalidArgumentError(
                    f"{op}: {what} was expected to be a half tensor (the scores are float16); "
                    f"pass tf.constant(value, tf.float16) or float32 boxes and scores.")
    threshold = check_iou_threshold(iou_threshold, op, score_array.dtype)
    sigma = check_scalar(soft_nms_sigma, "soft_nms_sigma", op, np.float32).astype(
        score_array.dtype)
    if not sigma >= 0:
        raise InvalidArgumentError(f"{op}: soft_nms_sigma must be >= 0; received "
                                   f"{float(sigma)}.")
    low = _score_threshold(score_threshold, op, score_array.dtype)
    order = sorted_candidates(score_array, low)
    corners = Corners(box_array)
    if sigma > 0:
        kept, kept_scores = soft_select(score_array, order, corners.pair_iou, low, sigma, size)
    else:
        kept = greedy_select(order, corners.iou, threshold, size, corners).astype(np.int32)
        kept_scores = score_array[kept]
    return Tensor(kept), Tensor(kept_scores)


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Greedy NMS on a precomputed ``[num_boxes, num_boxes]`` overlap matrix:
    ``overlaps[i, j]`` is how much candidate ``i`` overlaps the kept box ``j``."""
    op = "tf.image.non_max_suppression_overlaps"
    size = check_output_size(max_output_size, op)
    matrix = numpy_value(overlaps, np.float32).astype(np.float32, copy=False)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InvalidArgumentError(f"{op}: overlaps must be a square 2-D matrix [num_boxes, "
                                   f"num_boxes]; received shape {list(matrix.shape)}.")
    score_array = check_scores(scores, matrix.shape[0], op)
    threshold = check_scalar(overlap_threshold, "overlap_threshold", op, np.float32).astype(
        np.float32)
    order = sorted_candidates(score_array, _score_threshold(score_threshold, op,
                                                            score_array.dtype))
    kept = greedy_select(order, lambda rows, cols: matrix[rows[:, None], cols[None, :]],
                         threshold, size)
    return Tensor(kept.astype(np.int32))


__all__ = ["non_max_suppression", "non_max_suppression_overlaps",
           "non_max_suppression_with_scores"]
