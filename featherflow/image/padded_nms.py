"""``tf.image.non_max_suppression_padded``: TF 2's batched, tiled NMS (a Python-level
algorithm in TF, not the CPU kernel), reproduced step by step in NumPy.

The boxes are sorted by score (ties: lower index first), then processed in tiles of
``tile_size``: a tile is first suppressed by the boxes kept in earlier tiles, then by itself
through TF's fixed-point iteration on the tile's IoU matrix. A box is suppressed when its IoU
with a kept box is *at least* ``iou_threshold`` (the kernel-based ``non_max_suppression``
suppresses only above it), the IoU has TF's ``1e-8`` in the union, boxes at or below
``score_threshold`` are zeroed out, and a box counts as kept only while one of its coordinates
is positive, as in TF. Unless ``canonicalized_coordinates=True``, the corner order is decided
from the first box of the batch and applied to all boxes, as TF does.

Example::

    >>> import featherflow as tf
    >>> boxes = tf.constant([[0.0, 0.0, 1.0, 1.0], [0.0, 0.05, 1.0, 1.05], [0.0, 2.0, 1.0, 3.0]])
    >>> indices, count = tf.image.non_max_suppression_padded(boxes, [0.9, 0.8, 0.7], 3)
    >>> indices.numpy(), int(count)
    (array([0, 2], dtype=int32), 2)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.image import nms

_F32 = np.float32
_EPSILON = _F32(1e-8)


def _overlap(a, b):
    """TF's ``_bbox_overlap``: IoU ``[batch, len(a), len(b)]`` of canonical boxes."""
    ay0, ax0, ay1, ax1 = (a[..., k:k + 1] for k in range(4))
    by0, bx0, by1, bx1 = (np.swapaxes(b[..., k:k + 1], 1, 2) for k in range(4))
    inter = (np.maximum(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), _F32(0))
             * np.maximum(np.minimum(ay1, by1) - np.maximum(ay0, by0), _F32(0)))
    # TF writes a_area + b_area - inter + 1e-8, but the function runs as a graph, where
    # Grappler's constant folding rewrites (x - inter) + c as x - (inter - c): the float32
    # rounding of that form (checked against TF's graph on every pair of 300 grid boxes)
    union = ((ay1 - ay0) * (ax1 - ax0) + (by1 - by0) * (bx1 - bx0)) - (inter - _EPSILON)
    with np.errstate(invalid="ignore", divide="ignore"):
        return inter / union


def _self_suppress(iou, threshold):
    """TF's loop: boxes not suppressed by anyone suppress the boxes they overlap, until the
    total overlap stops falling by more than the threshold."""
    total = iou.sum(axis=(1, 2), dtype=_F32)
    while True:
        can_suppress = (iou.max(axis=1, initial=_F32(0)) < threshold).astype(_F32)[:, :, None]
        kept = (np.max(can_suppress * iou, axis=1, initial=_F32(0)) < threshold).astype(_F32)
        iou = kept[:, :, None] * iou
        new_total = iou.sum(axis=(1, 2), dtype=_F32)
        if not np.any(total - new_total > threshold):
            return iou
        total = new_total


def _tile_step(boxes, threshold, idx, tile):
    """One pass of TF's suppression loop over tile ``idx``; returns how many boxes it keeps."""
    batch = boxes.shape[0]
    box_slice = boxes[:, idx * tile:(idx + 1) * tile]
    for inner in range(idx):
        earlier = boxes[:, inner * tile:(inner + 1) * tile]
        iou = _overlap(earlier, box_slice)
        box_slice = np.all(iou < threshold, axis=1).astype(_F32)[:, :, None] * box_slice
    iou = _overlap(box_slice, box_slice)
    upper = np.arange(tile)[None, :] > np.arange(tile)[:, None]
    iou = iou * (upper[None] & (iou >= threshold)).astype(_F32)
    suppressed = _self_suppress(iou, threshold).sum(axis=1, dtype=_F32) > 0
    box_slice = box_slice * (_F32(1) - suppressed.astype(_F32))[:, :, None]
    boxes[:, idx * tile:(idx + 1) * tile] = box_slice
    return np.any(box_slice > 0, axis=2).sum(axis=1).astype(np.int32).reshape(batch)


def _canonical(boxes):
    y1, x1, y2, x2 = (boxes[..., k] for k in range(4))
    if not y1.flat[0] <= y2.flat[0]:
        y1, y2 = y2, y1
    if not x1.flat[0] <= x2.flat[0]:
        x1, x2 = x2, x1
    return np.stack([y1, x1, y2, x2], axis=-1)


def _padded_v2(boxes, scores, max_output_size, threshold, score_threshold, sorted_input,
               canonicalized_coordinates, tile):
    num_boxes = boxes.shape[1]
    if score_threshold != -np.inf:
        mask = (scores > score_threshold).astype(scores.dtype)
        scores = scores * mask
        boxes = boxes * mask.astype(boxes.dtype)[:, :, None]
    if not canonicalized_coordinates and boxes.size:
        boxes = _canonical(boxes)
    if not sorted_input:
        order = np.argsort(-scores, axis=1, kind="stable")
        boxes = np.take_along_axis(boxes, order[:, :, None], axis=1)
    padded_count = -(-max(num_boxes, max_output_size) // tile) * tile
    boxes = np.pad(boxes.astype(_F32), [(0, 0), (0, padded_count - num_boxes), (0, 0)])
    output_size = np.zeros(boxes.shape[0], np.int32)
    for idx in range(padded_count // tile):
        if not output_size.min(initial=max_output_size) < max_output_size:
            break
        output_size += _tile_step(boxes, threshold, idx, tile)
    count = np.minimum(output_size, max_output_size)
    selected = np.any(boxes > 0, axis=2)
    # TF's top_k over "selected * (n - position)": the first selected positions in order
    ranks = np.where(selected, padded_count - np.arange(padded_count), 0)
    top = -np.sort(-ranks, axis=1, kind="stable")[:, :max_output_size]
    idx = np.minimum(padded_count - top, num_boxes - 1)
    if not sorted_input:
        idx = np.take_along_axis(order, idx, axis=1)
    idx = np.where(np.arange(max_output_size)[None, :] < count[:, None], idx, 0)
    return idx.astype(np.int32), count.astype(np.int32)


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None, sorted_input=False, canonicalized_coordinates=False,
                               tile_size=512):
    """``(selected_indices, valid_outputs)``: batched NMS (``boxes`` ``[..., num_boxes, 4]``,
    ``scores`` ``[..., num_boxes]``). With ``pad_to_max_output_size=True`` the indices have
    shape ``[..., max_output_size]``, zero-filled past ``valid_outputs``; without it (one image
    only) just the valid indices."""
    op = "tf.image.non_max_suppression_padded"
    box_array = nms.numpy_value(boxes, np.float32)
    if not pad_to_max_output_size and box_array.ndim > 2:
        raise ValueError(f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be "
                         "True for batched input")
    if box_array.ndim < 2 or box_array.shape[-1] != 4:
        raise InvalidArgumentError(f"{op}: boxes must have shape [..., num_boxes, 4]; "
                                   f"received {list(box_array.shape)}.")
    score_array = nms.numpy_value(scores, np.float32)
    if score_array.shape != box_array.shape[:-1]:
        raise InvalidArgumentError(f"{op}: scores must have shape [..., num_boxes] = "
                                   f"{list(box_array.shape[:-1])}; received "
                                   f"{list(score_array.shape)}.")
    size = nms.check_output_size(max_output_size, op)
    threshold = nms.check_scalar(iou_threshold, "iou_threshold", op, np.float32).astype(_F32)
    low = float(nms.check_scalar(score_threshold, "score_threshold", op, np.float32))
    if int(tile_size) <= 0:
        raise ValueError(f"{op}: tile_size must be positive; received {tile_size}.")
    batch_dims = box_array.shape[:-2]
    num_boxes = box_array.shape[-2]
    if num_boxes == 0 or box_array.size == 0:
        # TF fails too: its graph reads the first box (to order the corners) and gathers
        # from the empty sorted indices
        raise ValueError(f"{op}: boxes is empty (shape {list(box_array.shape)}); TF's "
                         "algorithm needs at least one box. Skip the call when there are no "
                         "boxes.")
    idx, count = _padded_v2(box_array.reshape(-1, num_boxes, 4),
                            score_array.reshape(-1, num_boxes), size, threshold,
                            _F32(low) if low != -np.inf else low, sorted_input,
                            canonicalized_coordinates, int(tile_size))
    count = count.reshape(batch_dims)
    if not pad_to_max_output_size:
        return Tensor(idx[0, :int(count)]), Tensor(count)
    return Tensor(idx.reshape(batch_dims + (size,))), Tensor(count)


__all__ = ["non_max_suppression_padded"]
