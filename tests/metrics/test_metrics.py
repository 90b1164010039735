"""Metrics: hand-computed values, edge cases, lookup and the accuracy resolution rule."""

import numpy as np
import pytest

from featherflow import losses, metrics
from featherflow.autodiff.tensor import Tensor


def result(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return float(metric.result())


def test_binary_accuracy_shapes_and_threshold():
    y = np.array([0, 1, 1, 0], np.float32)
    p = np.array([[0.2], [0.7], [0.4], [0.6]], np.float32)
    assert result(metrics.BinaryAccuracy(), (y, p)) == 0.5
    assert result(metrics.BinaryAccuracy(threshold=0.3), (y, p)) == 0.75
    # Labels (n, 1) against predictions (n,), and Tensors, give the same.
    assert result(metrics.BinaryAccuracy(), (y[:, None], Tensor(p[:, 0]))) == 0.5
    # Several outputs per sample: the mean per sample, then over samples.
    assert result(metrics.BinaryAccuracy(), (np.ones((2, 4)), np.array([[1, 1, 0, 0],
                                                                  [1, 1, 1, 1]]))) == 0.75
    assert result(metrics.BinaryAccuracy(), (y, p), (np.ones(2), np.ones((2, 1)))) == pytest.approx(
        4 / 6)


def test_weighted_and_running_means():
    m = metrics.Mean()
    m.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 1.0])
    assert float(m.result()) == 2.0
    m.update_state(np.array([[4.0, 6.0]]))  # one sample, mean 5
    assert float(m.result()) == (1 + 3 + 5) / 3
    s = metrics.Sum()
    s.update_state([1.0, 2.0], sample_weight=[2.0, 0.5])
    assert float(s.result()) == 3.0
    assert float(metrics.Mean().result()) == 0.0


def test_accuracy_family():
    labels = np.array([2, 0, 1])
    onehot = np.eye(3)[labels]
    p = np.array([[0.1, 0.2, 0.7], [0.3, 0.4, 0.3], [0.5, 0.4, 0.1]])
    assert result(metrics.CategoricalAccuracy(), (onehot, p)) == pytest.approx(1 / 3)
    assert result(metrics.SparseCategoricalAccuracy(), (labels, p)) == pytest.approx(1 / 3)
    assert result(metrics.SparseCategoricalAccuracy(), (labels[:, None], p)) == pytest.approx(1 / 3)
    # Row 1's label (0.3) ties with the second-best score: inside the top 2, as in TF.
    assert result(metrics.TopKCategoricalAccuracy(k=2), (onehot, p)) == 1.0
    assert result(metrics.SparseTopKCategoricalAccuracy(k=2), (labels, p)) == 1.0
    assert result(metrics.SparseTopKCategoricalAccuracy(k=1), (labels, p)) == pytest.approx(1 / 3)
    # Ties at the k-th value count as inside the top k (TensorFlow's in_top_k).
    tie = np.array([[0.4, 0.4, 0.2]])
    assert result(metrics.SparseTopKCategoricalAccuracy(k=1), ([1], tie)) == 1.0
    assert result(metrics.Accuracy(), ([1, 2, 3, 4], [0, 2, 3, 4])) == 0.75
    sorted_ids = np.array([[2, 0, 1], [1, 2, 0], [0, 1, 2]])
    assert result(metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True),
                  (labels, sorted_ids)) == pytest.approx(1 / 3)


def test_regression_metrics():
    y = np.array([[0.0, 1.0], [2.0, 2.0]])
    p = np.array([[1.0, 1.0], [2.0, 0.0]])
    assert result(metrics.MeanSquaredError(), (y, p)) == pytest.approx((0.5 + 2.0) / 2)
    assert result(metrics.MeanAbsoluteError(), (y, p)) == pytest.approx((0.5 + 1.0) / 2)
    assert result(metrics.RootMeanSquaredError(), (y, p)) == pytest.approx(np.sqrt(1.25))
    assert result(metrics.CosineSimilarity(), ([[1.0, 0.0]], [[3.0, 0.0]])) == pytest.approx(1.0)
    assert result(metrics.MeanAbsolutePercentageError(), ([[2.0]], [[1.0]])) == pytest.approx(50.0)
    assert result(metrics.LogCoshError(), ([[0.0]], [[1.0]])) == pytest.approx(np.log(np.cosh(1.0)))
    assert result(metrics.MeanSquaredLogarithmicError(), ([[0.0]], [[np.e - 1]])) == pytest.approx(
        1.0, rel=1e-6)


def test_loss_metrics_equal_their_losses():
    y = np.array([[1.0], [0.0], [1.0]])
    p = np.array([[0.9], [0.2], [0.4]])
    expected = float(losses.BinaryCrossentropy()(y, p))
    assert result(metrics.BinaryCrossentropy(), (y, p)) == pytest.approx(expected, rel=1e-6)
    pairs = ((metrics.Hinge(), losses.hinge), (metrics.SquaredHinge(), losses.squared_hinge),
             (metrics.Poisson(), losses.poisson), (metrics.KLDivergence(), losses.kl_divergence))
    for metric, fn in pairs:
        assert result(metric, (y, p)) == pytest.approx(float(np.mean(fn(y, p).numpy())),
                                                       rel=1e-6)


def test_precision_recall_thresholds_and_class_id():
    y = np.array([0, 1, 1, 1])
    p = np.array([0.6, 0.2, 0.8, 0.9])
    assert result(metrics.Precision(), (y, p)) == pytest.approx(2 / 3)
    assert result(metrics.Recall(), (y, p)) == pytest.approx(2 / 3)
    multi = metrics.Precision(thresholds=[0.1, 0.7])
    multi.update_state(y, p)
    np.testing.assert_allclose(multi.result().numpy(), [3 / 4, 1.0])
    yk = np.array([[0, 1], [1, 0]])
    pk = np.array([[0.7, 0.6], [0.8, 0.1]])
    assert result(metrics.Precision(class_id=1), (yk, pk)) == 1.0
    assert result(metrics.Recall(top_k=1), (yk, pk)) == 0.5
    assert result(metrics.TruePositives(), (y, p)) == 2.0
    assert result(metrics.FalsePositives(), (y, p)) == 1.0
    assert result(metrics.TrueNegatives(), (y, p)) == 0.0
    assert result(metrics.FalseNegatives(), (y, p)) == 1.0
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.Precision(thresholds=1.5)


def _roc_auc_exact(y, p):
    pos, neg = p[y == 1], p[y == 0]
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return wins / (len(pos) * len(neg))


def test_auc_close_to_exact_roc_and_curves():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 2000)
    p = np.clip(0.3 * y + rng.uniform(0, 0.7, 2000), 0, 1)
    auc = metrics.AUC(num_thresholds=1000)
    auc.update_state(y, p)
    assert float(auc.result()) == pytest.approx(_roc_auc_exact(y, p), abs=2e-3)
    pr = metrics.AUC(curve="PR")
    pr.update_state(y, p)
    assert 0.5 < float(pr.result()) <= 1.0
    # Explicit (uneven) thresholds use the direct comparison path; it agrees with buckets
    # when the thresholds are the same.
    even = metrics.AUC(num_thresholds=5)
    listed = metrics.AUC(thresholds=[0.1, 0.3, 0.5])
    explicit_even = metrics.AUC(thresholds=[0.25, 0.5, 0.75])
    for m in (even, listed, explicit_even):
        m.update_state(y, p)
    assert float(explicit_even.result()) == pytest.approx(float(even.result()), rel=1e-6)
    assert listed.get_config()["thresholds"] == [0.1, 0.3, 0.5]


def test_auc_multi_label_and_logits():
    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    p = np.array([[0.9, 0.2], [0.1, 0.8], [0.7, 0.6], [0.3, 0.4]])
    multi = metrics.AUC(multi_label=True)
    multi.update_state(y, p)
    assert float(multi.result()) == pytest.approx(1.0)
    assert multi.true_positives.numpy().shape == (200, 2)
    logits = metrics.AUC(from_logits=True)
    logits.update_state(y[:, 0], np.log(p[:, 0] / (1 - p[:, 0])))
    plain = metrics.AUC()
    plain.update_state(y[:, 0], p[:, 0])
    assert float(logits.result()) == pytest.approx(float(plain.result()))
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="DET")


def test_variables_reset_and_call():
    m = metrics.BinaryAccuracy()
    assert [v.name for v in m.variables] == ["total", "count"]
    assert float(m([1, 0], [0.9, 0.9])) == 0.5
    m.reset_state()
    assert float(m.result()) == 0.0 and float(m.count.numpy()) == 0.0
    assert all(not v.trainable for v in m.variables)


def test_get_names_and_configs():
    assert isinstance(metrics.get("mse"), metrics.MeanSquaredError)
    assert isinstance(metrics.get("accuracy"), metrics.Accuracy)
    assert isinstance(metrics.get("acc"), metrics.Accuracy)
    assert isinstance(metrics.get("binary_accuracy"), metrics.BinaryAccuracy)
    assert isinstance(metrics.get("AUC"), metrics.AUC)
    assert isinstance(metrics.get("auc"), metrics.AUC)
    assert isinstance(metrics.get("bce"), metrics.BinaryCrossentropy)
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    cfg = metrics.serialize(metrics.BinaryAccuracy(threshold=0.3, name="acc"))
    assert cfg["class_name"] == "BinaryAccuracy" and cfg["config"]["threshold"] == 0.3
    back = metrics.get(cfg)
    assert back.threshold == 0.3 and back.name == "acc"
    with pytest.raises(ValueError, match="Valid metric names are: .*binary_accuracy"):
        metrics.get("binary_acuracy")
    wrapper = metrics.MeanMetricWrapper(metrics.binary_accuracy, name="ba", threshold=0.4)
    again = metrics.MeanMetricWrapper.from_config(wrapper.get_config())
    assert again._fn is metrics.binary_accuracy and again._fn_kwargs == {"threshold": 0.4}


@pytest.mark.parametrize("loss,shape,y_shape,expected", [
    ("binary_crossentropy", (None, 1), None, metrics.BinaryAccuracy),
    ("mse", (None, 1), None, metrics.BinaryAccuracy),
    (losses.BinaryCrossentropy(), (None, 3), None, metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", (None, 10), None, metrics.SparseCategoricalAccuracy),
    (losses.SparseCategoricalCrossentropy(from_logits=True), (None, 10), None,
     metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", (None, 10), None, metrics.CategoricalAccuracy),
    ("mse", (None, 10), (None,), metrics.SparseCategoricalAccuracy),
    ("mse", (None, 10), (None, 10), metrics.CategoricalAccuracy),
    (losses.binary_crossentropy, (None, 4), None, metrics.BinaryAccuracy),
])
def test_resolve_accuracy(loss, shape, y_shape, expected):
    assert metrics.resolve_accuracy(loss, shape, y_shape) is expected
