"""Bad arguments to ops, layers and losses against TF 2.21 / Keras 3.15's recorded outcomes.

tools/data_fixtures/argument_checks.py holds the scenarios; every one must give TF's outcome
(the same value, or an error of the same class) except the deliberate differences below, each
checked for featherflow's own outcome and documented in docs/reliability.md.
"""

import builtins
import sys
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from data_fixtures import argument_checks, common  # noqa: E402

RECORDED = common.load("argument_checks")["results"]

BROADCAST = "would broadcast to"
# scenario -> (featherflow's error class, text its message contains, why it differs)
DIFFERENT = {
    "layer_maxpool1d_pool_too_large": (ValueError, "smaller than the (dilated) window",
                                       "TF returns an empty (2, 0, 3) output"),
    "layer_zeropad2d_negative": (ValueError, "must be an int >= 0",
                                 "refused when the layer is made, TF fails in its call"),
    "loss_mse_16x2_vs_16x1": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_mse_16x1_vs_16x2": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_mse_4_vs_4x4": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_mae_16x2_vs_16x1": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_huber_16x1_vs_16x2": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_cosine_16x2_vs_16x1": (ValueError, BROADCAST, "Keras broadcasts"),
    "loss_mse_16_vs_16x3": (ValueError, "they are incompatible",
                            "TF's Sub raises InvalidArgumentError"),
    "loss_bce_class_index_labels": (ValueError, "sparse_categorical_crossentropy",
                                    "Keras returns a meaningless number"),
    "loss_bce_minus_one_labels": (ValueError, "(y + 1) / 2", "Keras returns a negative loss"),
}
# Keras's binary_crossentropy *function* does not align (16,) with (16, 1); its class does,
# and featherflow's function aligns as the class does
ALIGNED = {"loss_bce_16_vs_16x1"}


@pytest.mark.parametrize("name", sorted(argument_checks.SCENARIOS))
def test_outcome_matches_tf_or_is_a_documented_difference(name):
    actual = common.run(argument_checks.SCENARIOS[name], tf)
    expected = RECORDED[name]
    if name in DIFFERENT:
        cls, text, _ = DIFFERENT[name]
        assert isinstance(actual, dict) and "raised" in actual, actual
        raised = getattr(tf.errors, actual["raised"], None) or getattr(builtins,
                                                                       actual["raised"])
        assert issubclass(raised, cls), actual
        assert text in actual["message"], actual["message"]
        return
    if name in ALIGNED:
        assert "raised" in expected and "array" in actual
        keras_class = tf.keras.losses.BinaryCrossentropy(reduction="none")
        y = argument_checks.Y16
        np.testing.assert_allclose(
            np.asarray(actual["values"], np.float32),
            keras_class(y[:, None], argument_checks.P).numpy(), rtol=1e-6)
        return
    common.assert_matches(expected, actual, name)


def test_the_tf_error_classes_are_caught_as_tf_code_catches_them():
    for fn in (lambda: tf.gather([1.0, 2.0], [-1]), lambda: tf.one_hot([0], -2),
               lambda: tf.cumsum(tf.constant(1.0)), lambda: tf.squeeze(tf.ones((2, 3)), 1),
               lambda: tf.pad(tf.ones((2, 2)), [[2, 0], [0, 0]], mode="REFLECT")):
        with pytest.raises(tf.errors.InvalidArgumentError):
            fn()
        with pytest.raises(ValueError):  # and as the ValueError a Python user catches
            fn()


def test_train_and_test_on_batch_refuse_nan_and_inf_as_fit_does():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    good_x, good_y = np.ones((4, 3), np.float32), np.ones((4, 1), np.float32)
    bad_x = good_x.copy()
    bad_x[2, 1] = np.nan
    bad_y = good_y.copy()
    bad_y[3, 0] = np.inf
    for call in (model.fit, model.train_on_batch, model.test_on_batch):
        kwargs = {"verbose": 0} if call == model.fit else {}
        with pytest.raises(ValueError, match=r"x contains NaN or infinity \(first at index "
                                             r"\(2, 1\)\)"):
            call(bad_x, good_y, **kwargs)
        with pytest.raises(ValueError, match=r"y contains NaN or infinity"):
            call(good_x, bad_y, **kwargs)
    before = model.get_weights()
    with pytest.raises(ValueError):
        model.train_on_batch(bad_x, good_y)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing was trained on the bad batch


def test_fit_refuses_targets_that_would_broadcast_against_the_output():
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match=r"targets y of shape \(16, 2\).*outputs of shape "
                                         r"\(16, 1\).*would broadcast to \(16, 2\)"):
        model.fit(np.ones((16, 3)), np.ones((16, 2)), verbose=0)
    model.fit(np.ones((16, 3)), np.ones((16,)), verbose=0)  # (n,) against (n, 1) is aligned
    binary = tf.keras.Sequential([tf.keras.layers.Dense(1, "sigmoid", input_shape=(3,))])
    binary.compile("sgd", "binary_crossentropy")
    with pytest.raises(ValueError, match="look like class indices.*sparse_categorical"):
        binary.fit(np.ones((16, 3)), np.arange(16) % 4, verbose=0)


def test_float64_stays_float64_where_asked_for():
    layer = tf.keras.layers.Dense(2, dtype="float64")
    out = layer(np.ones((1, 3)))
    assert out.dtype == tf.float64 and layer.kernel.dtype == tf.float64
    model = tf.keras.Sequential([tf.keras.Input((3,), dtype="float64"),
                                 tf.keras.layers.Dense(1, dtype="float64")])
    model.compile("sgd", tf.keras.losses.MeanSquaredError(dtype="float64"))
    x = np.random.default_rng(0).normal(size=(8, 3))
    assert model.predict(x, verbose=0).dtype == np.float64
    model.fit(x, x[:, :1], verbose=0)
    assert all(w.dtype == np.float64 for w in model.get_weights())
