"""Loss functions and classes: gradients, fused fast paths, reductions, lookup and errors."""

import numpy as np
import pytest

from featherflow import losses
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.losses.fused import (
    BinaryCrossentropyMean,
    MeanSquaredErrorMean,
    MeanSquaredErrorPerSample,
)
from featherflow.losses.loss import LossFunctionWrapper, reduce_weighted_values
from featherflow.testing import check_gradients

RNG = np.random.default_rng(0)
REG_T = RNG.normal(size=(4, 3))
REG_P = RNG.normal(size=(4, 3))
POS_T = RNG.uniform(0.1, 2.0, size=(4, 3))
POS_P = RNG.uniform(0.1, 2.0, size=(4, 3))
PROB_T = RNG.uniform(0.1, 0.9, size=(4, 3))
PROB_P = RNG.uniform(0.05, 0.95, size=(4, 3))
ONE_HOT = np.eye(3)[[0, 2, 1, 2]]
SOFT = RNG.dirichlet(np.ones(3), size=4)


@pytest.mark.parametrize("fn,y,p,kwargs,wrt", [
    (losses.mean_squared_error, REG_T, REG_P, {}, (0, 1)),
    (losses.mean_absolute_error, REG_T, REG_P, {}, (0, 1)),
    (losses.mean_absolute_percentage_error, REG_T, REG_P, {}, (1,)),
    (losses.mean_squared_logarithmic_error, POS_T, POS_P, {}, (0, 1)),
    (losses.huber, REG_T, REG_P, {"delta": 0.7}, (0, 1)),
    (losses.log_cosh, REG_T, REG_P, {}, (0, 1)),
    (losses.poisson, POS_T, POS_P, {}, (0, 1)),
    (losses.kl_divergence, SOFT, PROB_P, {}, (1,)),
    (losses.cosine_similarity, REG_T, REG_P, {"axis": -1}, (0, 1)),
    (losses.hinge, REG_T, REG_P, {}, (0, 1)),
    (losses.squared_hinge, REG_T, REG_P, {}, (0, 1)),
    (losses.categorical_hinge, ONE_HOT, REG_P, {}, (1,)),
    (losses.binary_crossentropy, PROB_T, PROB_P, {}, (0, 1)),
    (losses.binary_crossentropy, PROB_T, REG_P, {"from_logits": True, "label_smoothing": 0.2},
     (0, 1)),
    (losses.binary_crossentropy, PROB_T, PROB_P, {"axis": 0}, (1,)),
    (losses.binary_focal_crossentropy, PROB_T, PROB_P, {"gamma": 1.5}, (1,)),
    (losses.binary_focal_crossentropy, PROB_T, REG_P,
     {"from_logits": True, "apply_class_balancing": True}, (1,)),
    (losses.categorical_crossentropy, SOFT, PROB_P, {"label_smoothing": 0.1}, (0, 1)),
    (losses.categorical_crossentropy, ONE_HOT, REG_P, {"from_logits": True}, (0, 1)),
    (losses.categorical_focal_crossentropy, ONE_HOT, PROB_P, {}, (1,)),
    (losses.categorical_focal_crossentropy, ONE_HOT, REG_P, {"from_logits": True}, (1,)),
    (losses.dice, PROB_T, PROB_P, {}, (0, 1)),
    (losses.tversky, PROB_T, PROB_P, {"alpha": 0.3, "beta": 0.7}, (0, 1)),
])
def test_gradients_against_finite_differences(fn, y, p, kwargs, wrt):
    check_gradients(lambda a, b: fn(a, b, **kwargs), [y, p], wrt=wrt, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
def test_sparse_categorical_gradients(from_logits):
    labels = np.array([0, 2, 1, 2])
    p = REG_P if from_logits else PROB_P
    check_gradients(lambda t: losses.sparse_categorical_crossentropy(labels, t,
                                                                from_logits=from_logits),
                    [p], atol=1e-6, rtol=1e-5)


def _general(loss, y, p):
    """The same loss through ``call`` (per-sample values) and the generic reduction."""
    return reduce_weighted_values(loss.call(y, p), None, None, loss.reduction)


@pytest.mark.parametrize("loss,y,p", [
    (losses.MeanSquaredError(), REG_T, REG_P),
    (losses.MeanSquaredError(), REG_T[:, 0], REG_P[:, :1]),
    (losses.MeanSquaredError(), REG_T[:, :1], REG_P[:, 0]),
    (losses.BinaryCrossentropy(), PROB_T.round(), PROB_P),
    (losses.BinaryCrossentropy(), np.array([1, 0, 1, 1]), PROB_P[:, :1]),
    (losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), PROB_T.round(), REG_P),
])
def test_fused_mean_equals_general_path(loss, y, p):
    pt = Variable(p, dtype="float32")
    with GradientTape(persistent=True) as tape:
        fast = loss(y, pt)
        slow = _general(loss, y, pt)
    assert type(fast.data) is np.ndarray and fast.numpy().shape == ()
    # float32 (the Variable's dtype): the two paths only differ by summation order.
    np.testing.assert_allclose(fast.numpy(), slow.numpy(), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(fast, pt).numpy(), tape.gradient(slow, pt).numpy(),
                               rtol=1e-5, atol=1e-8)
    # One tape node: the whole loss is a single primitive.
    assert fast._node is not None and all(
        getattr(x, "_node", None) is None for x in fast._node.inputs)


def test_fused_bce_clips_like_keras():
    y = np.array([[1.0], [0.0], [1.0]], np.float32)
    p = Variable(np.array([[0.0], [1.0], [0.5]], np.float32))
    with GradientTape() as tape:
        value = losses.BinaryCrossentropy()(y, p)
    # In float32, 1 - epsilon rounds to 1 - 1.19e-7: the clipped 1.0 costs -log(1.19e-7).
    eps = np.float32(1e-7)
    top = np.float32(1.0) - eps
    expected = (-np.log(eps) - np.log(np.float32(1.0) - top) - np.log(0.5)) / 3
    np.testing.assert_allclose(float(value), expected, rtol=1e-5)
    grad = tape.gradient(value, p).numpy()
    # No gradient where the clip binds (as TensorFlow's clip), -1/(3p) where it does not.
    np.testing.assert_allclose(grad.ravel(), [0.0, 0.0, -2.0 / 3], rtol=1e-5)


def test_float32_results_from_float64_labels():
    p = Variable(PROB_P[:, :1].astype(np.float32))
    for loss in (losses.MeanSquaredError(), losses.BinaryCrossentropy(), losses.Huber()):
        out = loss(PROB_T[:, 0], p)
        assert out.numpy().dtype == np.float32


def test_reductions_and_sample_weights():
    per = losses.mean_squared_error(REG_T, REG_P).numpy()
    sw = np.array([1.0, 0.0, 2.0, 0.5])
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="sum")(REG_T, REG_P).numpy(),
                               per.sum(), rtol=1e-6)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction="none")(REG_T, REG_P).numpy(), per,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.MeanSquaredError(reduction=None)(REG_T, REG_P).numpy(), per,
                               rtol=1e-6)
    np.testing.assert_allclose(losses.MeanSquaredError()(REG_T, REG_P, sample_weight=sw).numpy(),
                               (per * sw).mean(), rtol=1e-6)
    np.testing.assert_allclose(
        losses.MeanSquaredError(reduction="mean_with_sample_weight")(REG_T, REG_P, sample_weight=sw)
        .numpy(), (per * sw).sum() / sw.sum(), rtol=1e-6)
    # (n,) weights against (n, 1) per-element values: aligned as Keras does.
    col = losses.MeanAbsoluteError(reduction="none")(REG_T[:, :1], REG_P[:, :1]).numpy()
    np.testing.assert_allclose(
        losses.MeanAbsoluteError()(REG_T[:, :1], REG_P[:, :1], sample_weight=sw).numpy(),
        (col * sw).mean(), rtol=1e-6)
    with pytest.raises(ValueError, match="sample_weight of shape"):
        losses.MeanSquaredError()(REG_T, REG_P, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="reduction"):
        losses.MeanSquaredError(reduction="average")


def test_sparse_ignore_class_excluded_from_mean():
    labels = np.array([0, -1, 2, 1])
    per = losses.sparse_categorical_crossentropy(np.array([0, 0, 2, 1]), REG_P,
                                            from_logits=True).numpy()
    value = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)(labels, REG_P)
    np.testing.assert_allclose(float(value), per[[0, 2, 3]].mean(), rtol=1e-6)
    masked = losses.sparse_categorical_crossentropy(labels, REG_P, from_logits=True,
                                               ignore_class=-1).numpy()
    assert masked[1] == 0.0


def test_sparse_labels_with_trailing_one_and_axis():
    labels = np.array([[0], [2], [1], [2]])
    a = losses.sparse_categorical_crossentropy(labels, PROB_P).numpy()
    b = losses.sparse_categorical_crossentropy(labels[:, 0], PROB_P).numpy()
    np.testing.assert_allclose(a, b)
    c = losses.sparse_categorical_crossentropy(labels[:, 0], PROB_P.T, axis=0).numpy()
    np.testing.assert_allclose(c, b, rtol=1e-6)


def test_helpful_errors():
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        losses.categorical_crossentropy(np.array([0, 2, 1, 2]), PROB_P)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 3\)"):
        losses.sparse_categorical_crossentropy(np.array([0, 3, 1, 2]), PROB_P)
    with pytest.raises(ValueError, match="Valid loss names are: .*binary_crossentropy"):
        losses.get("binary_crossentropyy")
    with pytest.raises(ValueError, match="Could not interpret loss"):
        losses.get(3)


def test_get_aliases_and_objects():
    assert losses.get("mse") is losses.mean_squared_error
    assert losses.get("MSE") is losses.mean_squared_error
    assert losses.get("bce") is losses.binary_crossentropy
    assert losses.get("kld") is losses.kl_divergence
    assert losses.get("mape") is losses.mean_absolute_percentage_error
    assert losses.get("msle") is losses.mean_squared_logarithmic_error
    assert losses.get("mae") is losses.mean_absolute_error
    assert isinstance(losses.get("BinaryCrossentropy"), losses.BinaryCrossentropy)
    inst = losses.Huber(delta=2.0)
    assert losses.get(inst) is inst
    assert losses.get(None) is None
    keras3 = {"module": "keras.losses", "class_name": "CategoricalCrossentropy",
              "config": {"name": "cce", "reduction": "sum", "from_logits": True,
                         "label_smoothing": 0.1, "axis": -1}, "registered_name": None}
    back = losses.get(keras3)
    assert isinstance(back, losses.CategoricalCrossentropy)
    assert back.get_config() == keras3["config"]
    assert losses.serialize(back) == keras3
    fn_cfg = losses.serialize(losses.mean_squared_error)
    assert fn_cfg["class_name"] == "function" and losses.get(fn_cfg) is losses.mean_squared_error


def test_as_loss_object_uses_the_fused_classes():
    mse = losses.as_loss_object("mse")
    assert isinstance(mse, losses.MeanSquaredError) and mse.name == "mse"
    bce = losses.as_loss_object(losses.binary_crossentropy)
    assert isinstance(bce, losses.BinaryCrossentropy)

    def custom(y, p):
        return (p - y) ** 2

    wrapped = losses.as_loss_object(custom)
    assert isinstance(wrapped, LossFunctionWrapper) and wrapped.name == "custom"
    np.testing.assert_allclose(float(wrapped(np.zeros((2, 1)), np.ones((2, 1)))), 1.0)
    inst = losses.Poisson()
    assert losses.as_loss_object(inst) is inst


def test_custom_loss_subclass_and_wrapper_config():
    class Cube(losses.Loss):
        def call(self, y_true, y_pred):
            return (Tensor(np.asarray(y_pred)) - y_true) ** 3

    loss = Cube()
    assert loss.name.startswith("cube")
    np.testing.assert_allclose(float(loss(np.zeros((2, 1)), np.full((2, 1), 2.0))), 8.0)
    wrapper = LossFunctionWrapper(losses.hinge, name="h")
    cfg = wrapper.get_config()
    assert cfg["fn"]["config"] == "hinge"
    again = LossFunctionWrapper.from_config(cfg)
    assert again.fn is losses.hinge and again.name == "h"


def test_loss_on_plain_arrays_returns_tensors():
    out = losses.BinaryCrossentropy()([[1.0], [0.0]], [[0.8], [0.3]])
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(float(out), -(np.log(0.8) + np.log(0.7)) / 2, rtol=1e-6)


@pytest.mark.parametrize("make,y,p", [
    (lambda: MeanSquaredErrorMean(), REG_T, REG_P),
    (lambda: MeanSquaredErrorPerSample(), REG_T[:, :1], REG_P),
    (lambda: BinaryCrossentropyMean(), PROB_T, PROB_P),
    (lambda: BinaryCrossentropyMean(from_logits=True), PROB_T, REG_P),
])
def test_fused_primitives_against_finite_differences(make, y, p):
    check_gradients(lambda a, b: make()(a, b), [y, p], atol=1e-6, rtol=1e-5)


def test_explicit_loss_dtype_casts_predictions():
    p = Variable(PROB_P[:, :1].astype(np.float32))
    with GradientTape() as tape:
        value = losses.BinaryCrossentropy(dtype="float64")(PROB_T[:, 0].round(), p)
    assert value.numpy().dtype == np.float64
    assert tape.gradient(value, p).numpy().dtype == np.float32
    assert losses.MeanSquaredError(dtype="float64").dtype == "float64"
