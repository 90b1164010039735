"""The keras.io guide examples (examples/custom_fit.py, custom_fit_tf_keras.py,
transfer_learning.py, subclassing.py) against the numbers real Keras gives for the same file.

tools/keras_fixtures/guides.py ran each example with ``import tensorflow as tf`` / ``import
keras`` (or ``tf_keras``) and stored its ``RESULTS`` in tests/fixtures/keras/guides/. Here the
example runs unchanged on featherflow; each recorded entry is one test.

Tolerance: the examples are float32, as a learner's code is; featherflow and TensorFlow sum in
different orders, and a few SGD/Adam steps carry that rounding on. Relative 1e-5 (absolute
1e-6 near zero, and History values are stored rounded to 7 decimals): the largest difference
seen is 2e-6 (the VAE's KL term after 8 Adam steps), while a semantic slip (a regularization
term left out, a batch weighted wrongly, statistics that move) shifts values by 1e-3 or more.
"""

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "keras" / "guides"
NAMES = ["custom_fit", "custom_fit_tf_keras", "transfer_learning", "subclassing"]

# Fine-tuning with ``base_model(inputs, training=False)`` inside a Functional model: the guide
# says the base's BatchNormalization stays in inference mode, and tf.keras 2 does that, but
# Keras 3.15's Functional call passes fit's training=True over the explicit False
# (keras-team/keras#20285), so its moving statistics move. featherflow keeps an explicit
# argument, as the guide and tf.keras 2 do: these entries (fine-tuning and what starts from
# its weights) compare with tf.keras 2's run of the same file;
# test_keras_versions_differ_only_in_fine_tuning checks that is the only difference.
FINE_TUNING = ("fine_tune_history", "fine_tune_conv_kernel_sum", "fine_tune_bn_gamma_sum",
               "fine_tune_bn_moving_mean_sum", "fine_tune_bn_moving_variance_sum",
               "extractor_output_sum", "loop_losses", "loop_head_kernel_sum",
               "loop_bn_moving_mean_sum")
REFERENCE = {("transfer_learning", key): "transfer_learning_tf_keras" for key in FINE_TUNING}

_runs = {}


def run_example(name):
    """Run examples/<name>.py once per session; keep its RESULTS even if it stops early."""
    if name not in _runs:
        path = EXAMPLES / f"{name}.py"
        namespace = {"__name__": f"guide_{name}", "__file__": str(path)}
        error = None
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(path.read_text(), str(path), "exec"), namespace)
        except Exception as err:  # noqa: BLE001 - reported by every test of the missing keys
            error = err
        _runs[name] = (namespace.get("RESULTS", {}), error)
    return _runs[name]


def load_reference(name):
    return json.loads((FIXTURES / f"{name}.json").read_text())["results"]


def assert_matches(received, expected, rtol, where):
    if isinstance(expected, dict):
        assert isinstance(received, dict), f"{where}: expected a dict, received {received!r}"
        assert sorted(received) == sorted(expected), (
            f"{where}: expected keys {sorted(expected)}, received {sorted(received)}")
        for key in expected:
            assert_matches(received[key], expected[key], rtol, f"{where}[{key!r}]")
    elif isinstance(expected, list):
        assert isinstance(received, (list, tuple)) and len(received) == len(expected), (
            f"{where}: expected {expected!r}, received {received!r}")
        for i, (r, e) in enumerate(zip(received, expected)):
            assert_matches(r, e, rtol, f"{where}[{i}]")
    elif isinstance(expected, float):
        np.testing.assert_allclose(float(received), expected, rtol=rtol, atol=1e-6,
                                   err_msg=where)
    else:
        # ints, bools, strings, None: exactly Keras's
        assert received == expected and type(received) is type(expected), (
            f"{where}: expected {expected!r}, received {received!r}")


CASES = []
for _name in NAMES:
    for _key in load_reference(_name):
        CASES.append(pytest.param(_name, _key, id=f"{_name}-{_key}"))


@pytest.mark.parametrize("name,key", CASES)
def test_guide_example_matches_keras(name, key):
    results, error = run_example(name)
    if key not in results:
        raise AssertionError(
            f"examples/{name}.py stopped before recording {key!r}: "
            f"{type(error).__name__}: {error}") from error
    expected = load_reference(REFERENCE.get((name, key), name))[key]
    assert_matches(results[key], expected, 1e-5, f"{name}: {key}")


@pytest.mark.parametrize("name", NAMES)
def test_reference_runs_the_same_source(name):
    """The fixture tool only switches the two import lines: the code compared is the same."""
    source = (EXAMPLES / f"{name}.py").read_text()
    assert source.count("import featherflow as tf\n") == 1
    assert source.count("from featherflow import keras\n") == 1
    assert "featherflow" not in source.replace("import featherflow as tf\n", "").replace(
        "from featherflow import keras\n", "").split('"""', 2)[2]


def test_keras_versions_differ_only_in_fine_tuning():
    keras3 = load_reference("transfer_learning")
    tf_keras2 = load_reference("transfer_learning_tf_keras")
    assert sorted(keras3) == sorted(tf_keras2)
    differing = {key for key in keras3 if keras3[key] != tf_keras2[key]}
    # Sums through different kernels may differ in the last float32 bits: compare closely.
    for key in set(keras3) - set(FINE_TUNING):
        assert_matches(tf_keras2[key], keras3[key], 1e-5, f"tf.keras 2 vs Keras 3: {key}")
    assert differing >= {"fine_tune_bn_moving_mean_sum", "fine_tune_history"}
