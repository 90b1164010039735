"""The tf.image non-max-suppression family against TF 2.21 (tools/data_fixtures/image_boxes.py):
non_max_suppression, _with_scores (hard and soft), _overlaps, _padded (TF 2's tiled
algorithm, batched) and combined_non_max_suppression.

Tolerances: selected indices, counts and classes exact (same boxes, same order, ties
included); soft-NMS scores and returned boxes to rtol 1e-6 (they are TF's float32 values:
soft-NMS multiplies the decays in TF's order and rounds ``exp`` once from double). Each
scenario also runs with the sweep and with the dense tiles forced, so both hard-NMS paths
are checked against TF.
"""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from featherflow.image import nms, std_order
from tests.image import box_scenarios

NAMES = box_scenarios.names("nms_")


@pytest.mark.parametrize("name", NAMES)
def test_nms_scenario(name):
    box_scenarios.run(name, tf, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", [n for n in NAMES if "padded" not in n])
def test_nms_scenario_with_dense_tiles(name, monkeypatch):
    monkeypatch.setattr(nms.Corners, "overlapping_pairs", lambda self, order, budget: None)
    box_scenarios.run(name, tf, rtol=1e-6, atol=1e-7)


def test_sweep_and_tiles_agree_on_thousands_of_boxes(monkeypatch):
    rng = np.random.default_rng(0)
    corner = rng.uniform(0, 0.9, (4000, 2))
    boxes = np.concatenate([corner, corner + rng.uniform(0.01, 0.2, (4000, 2))], axis=1)
    boxes = boxes.astype(np.float32)
    scores = np.round(rng.uniform(0, 1, 4000), 2).astype(np.float32)
    swept = tf.image.non_max_suppression(boxes, scores, 4000, 0.4).numpy()
    monkeypatch.setattr(nms.Corners, "overlapping_pairs", lambda self, order, budget: None)
    tiled = tf.image.non_max_suppression(boxes, scores, 4000, 0.4).numpy()
    np.testing.assert_array_equal(swept, tiled)
    # every kept box overlaps each other kept box by at most the threshold
    corners = nms.Corners(boxes)
    iou = corners.iou(swept.astype(np.int64), swept.astype(np.int64))
    np.fill_diagonal(iou, 0)
    assert iou.max() <= 0.4


def test_std_order_sorts_like_a_sort():
    rng = np.random.default_rng(1)
    for n in (0, 1, 2, 16, 17, 200):
        keys = rng.integers(0, 4, n).tolist()
        for order in (std_order.std_sort_order(keys),
                      std_order.priority_queue_order(keys, n)):
            assert sorted(order) == list(range(n))
            assert [keys[i] for i in order] == sorted(keys, reverse=True)


def test_bad_arguments_say_what_was_expected():
    boxes = np.zeros((3, 4), np.float32)
    scores = np.zeros(3, np.float32)
    with pytest.raises(InvalidArgumentError, match=r"iou_threshold must be in \[0, 1\]"):
        tf.image.non_max_suppression(boxes, scores, 2, iou_threshold=1.5)
    with pytest.raises(InvalidArgumentError, match="output size must be non-negative"):
        tf.image.non_max_suppression(boxes, scores, -1)
    with pytest.raises(InvalidArgumentError, match=r"2-D \[num_boxes, 4\]"):
        tf.image.non_max_suppression(boxes[None], scores, 2)
    with pytest.raises(InvalidArgumentError, match="3 scores for 4 boxes"):
        tf.image.non_max_suppression(np.zeros((4, 4), np.float32), scores, 2)
    with pytest.raises(InvalidArgumentError, match="max_total_size must be positive"):
        tf.image.combined_non_max_suppression(np.zeros((1, 3, 1, 4), np.float32),
                                              np.zeros((1, 3, 2), np.float32), 2, 0)
