"""tf.keras 2's backend functions (``K.*``) against tf_keras 2.21: every scenario of
tools/data_fixtures/keras_backend.py (rtol 2e-6 / atol 1e-6, NumPy vs Eigen float32)."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_keras2_backend_scenario, workdir = scenario_test("keras_backend", rtol=2e-6, atol=1e-6)

K = tf.keras.backend


def test_every_tf_keras2_backend_name_exists():
    import json
    from pathlib import Path

    names = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras" /
                        "namespaces.json").read_text())["namespaces"]["tf_keras.backend"]
    assert [n for n in names if not hasattr(K, n)] == []


def test_gradients_through_backend_functions():
    from featherflow.testing import check_gradients

    rng = np.random.default_rng(0)
    check_gradients(lambda x, y: K.batch_dot(x, y, axes=(2, 1)),
                    [rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 4, 5))])
    check_gradients(lambda x: K.binary_crossentropy(np.array([[0.0, 1.0]]), x),
                    [np.array([[0.3, 0.6]])])
    check_gradients(lambda x, k: K.conv3d(x, k, padding="same"),
                    [rng.normal(size=(1, 3, 4, 3, 2)), rng.normal(size=(2, 2, 2, 2, 3))])
    check_gradients(lambda x: K.pool3d(x, (2, 2, 2), (1, 1, 1), pool_mode="avg"),
                    [rng.normal(size=(1, 3, 3, 3, 1))])


def test_tf1_only_functions_say_what_to_use():
    with pytest.raises(RuntimeError, match="GradientTape"):
        K.gradients(K.constant(1.0), [K.variable(1.0)])
    with pytest.raises(ValueError, match="rank < 2"):
        K.batch_dot(K.constant([1.0]), K.constant([1.0]))
    with pytest.raises(ValueError, match="Unknown data_format"):
        K.conv2d(np.ones((1, 3, 3, 1), np.float32), np.ones((1, 1, 1, 1), np.float32),
                 data_format="NHWC")


def test_learning_phase_scope():
    assert K.learning_phase() == 0
    with K.learning_phase_scope(1):
        assert K.learning_phase() == 1
        assert K.in_train_phase(1.0, 2.0) == 1.0
    assert K.in_train_phase(1.0, 2.0) == 2.0
