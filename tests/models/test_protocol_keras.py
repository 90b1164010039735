"""The layer-call protocol and the model runner against numbers recorded from real Keras.

The scenarios (tools/keras_fixtures/protocol_scenarios.py) are the same code on both sides:
tools/make_protocol_fixtures.py ran them with Keras 3.15 and tf_keras 2.21, and here they
run with featherflow. Where the two Keras versions differ, the comment says which we follow.
"""

import json
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.layer import UnexpectedArgumentError
from tools.keras_fixtures import protocol_scenarios

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "protocol"


def _recorded(version, scenario):
    return json.loads((FIXTURES / f"{version}.json").read_text())["results"][scenario]


def _run(scenario, **kwargs):
    tf.keras.utils.set_random_seed(1)
    return protocol_scenarios.SCENARIOS[scenario](tf.keras, **kwargs)


def test_training_reaches_nested_layers_as_in_tf_keras_2():
    # tf.keras 2's rule: fit/train_on_batch run nested layers with training=True even when
    # the model's call has no training parameter, and an explicit training=False on a
    # nested model holds inside it. Keras 3 passes None there (a known trap) and lets the
    # outer value win; tf_keras is the reference.
    ours = _run("training_flags")
    want = _recorded("tf_keras", "training_flags")
    # featherflow builds a subclassed model with one inference call before its first step
    # (tf.keras 2 traces it inside the step): only the calls of the steps are compared
    assert ours["fit"][-1:] == want["fit"]
    for key in ("train_on_batch", "evaluate", "predict", "call", "call_training_true",
                "nested_fit_inner", "nested_fit_outer"):
        assert ours[key] == want[key], key
    keras3 = _recorded("keras3", "training_flags")
    assert keras3["fit"] == [None, None] and keras3["nested_fit_inner"] == [True]


def test_per_call_losses_and_activity_regularizer_match_keras():
    # float32 on both sides with the same weights; 2e-6 relative covers the summation order
    ours = _run("losses_per_call", reduce_sum=tf.reduce_sum)
    for version in ("keras3", "tf_keras"):
        want = _recorded(version, "losses_per_call")
        for key, value in want.items():
            pairs = zip(ours[key], value) if key == "weights_after_step" else [(ours[key], value)]
            for got, expected in pairs:
                np.testing.assert_allclose(
                    np.asarray(got, dtype="float64"), np.asarray(expected, dtype="float64"),
                    rtol=2e-6, atol=1e-7, err_msg=f"{version}: {key}")


def test_masks_reach_the_mask_argument_and_the_lstm():
    ours = _run("masks")
    want = _recorded("keras3", "masks")
    assert ours["mask_seen"] == want["mask_seen"]
    assert ours["output_mask"] == want["output_mask"]
    np.testing.assert_allclose(ours["outputs"], want["outputs"], rtol=1e-5, atol=1e-7)


def test_models_and_layers_expose_their_graph_tensors():
    ours = _run("graph_access")
    want = _recorded("keras3", "graph_access")
    assert ours.keys() == want.keys()
    for key, value in want.items():
        if key == "cut_predict":
            np.testing.assert_allclose(ours[key], value, rtol=1e-6)
        else:
            assert ours[key] == value, key


def test_a_sequential_base_gives_input_and_output_as_tf_keras_2_does():
    # Keras 3 raises on Sequential.input; tf.keras 2 (and most tutorials) use it
    base = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(3, name="hidden"),
                                tf.keras.layers.Dense(1)])
    features = tf.keras.Model(base.input, base.get_layer("hidden").output)
    x = np.ones((2, 4), "float32")
    hidden = base.get_layer("hidden")
    np.testing.assert_allclose(features.predict(x, verbose=0),
                               hidden(tf.constant(x)).numpy(), rtol=1e-6)
    assert base.output.shape == (None, 1) and hidden.input.shape == (None, 4)


def test_unknown_constructor_argument_is_a_type_and_a_value_error():
    assert _recorded("keras3", "unknown_argument")["error_class"] == ["ValueError"]
    assert _recorded("tf_keras", "unknown_argument")["error_class"] == ["TypeError"]
    assert _run("unknown_argument")["error_class"] == ["TypeError", "ValueError"]
    with pytest.raises(UnexpectedArgumentError, match=r"Dense 'd'.*\['unitz'\]"):
        tf.keras.layers.Dense(2, unitz=3, name="d")
    with pytest.raises(ValueError, match="bogus"):
        tf.keras.Model(bogus=1)


def test_unbuilt_summary_has_keras3_cells():
    want = _recorded("keras3", "unbuilt_summary")["text"]
    assert "│ ?" in want and "0 (unbuilt)" in want and "Total params: 0" in want
    lines = []
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, name="first"),
                                 tf.keras.layers.Dense(1, name="second")])
    model.summary(print_fn=lines.append)
    rows = [line.split() for line in lines if line.startswith((" first", " second"))]
    assert [row[2:] for row in rows] == [["?", "0", "(unbuilt)"]] * 2


def test_keras2_weights_argument_is_honoured():
    kernel = np.arange(6, dtype="float32").reshape(3, 2)
    bias = np.array([1.0, -1.0], "float32")
    layer = tf.keras.layers.Dense(2, weights=[kernel, bias])
    out = layer(tf.constant(np.ones((1, 3), "float32")))
    np.testing.assert_allclose(out.numpy(), [[7.0, 8.0]])
    with pytest.raises(ValueError, match="`weights` argument"):
        tf.keras.layers.Dense(2, weights=[kernel])(tf.constant(np.ones((1, 3), "float32")))
