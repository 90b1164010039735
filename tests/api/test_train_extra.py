"""tf.train's ExponentialMovingAverage, Coordinator, ClusterSpec (and the ClusterDef, JobDef,
ServerDef protos), CheckpointView, TrackableView and tf.train.experimental against
TensorFlow 2.21 (tools/data_fixtures/train_extra.py)."""

import importlib.util

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test


def _skip(name):
    if name == "ema_bfloat16" and importlib.util.find_spec("ml_dtypes") is None:
        return "bfloat16 variables need the optional ml_dtypes package"
    return None


test_train_scenario, workdir = scenario_test("train_extra", rtol=1e-6, atol=1e-7, skip=_skip)


def test_ema_accepts_keras_variables():
    # TensorFlow 2.21 raises AttributeError here (Keras 3 variables' dtype is a str)
    layer = tf.keras.layers.Dense(2, kernel_initializer="ones")
    layer.build((None, 3))
    ema = tf.train.ExponentialMovingAverage(0.5)
    ema.apply(layer.trainable_variables)
    layer.kernel.assign(np.zeros((3, 2), np.float32))
    ema.apply(layer.trainable_variables)
    np.testing.assert_allclose(ema.average(layer.kernel).numpy(), np.full((3, 2), 0.5))
    assert ema.average(layer.kernel).trainable is False


def test_ema_refuses_without_half_change():
    ema = tf.train.ExponentialMovingAverage(0.5)
    good = tf.Variable(1.0, name="ema_atomic_good")
    with pytest.raises(TypeError, match="half, float, or double"):
        ema.apply([good, tf.Variable(1, name="ema_atomic_int")])
    assert ema.average(good) is None
    with pytest.raises(TypeError, match="must hold Variables"):
        ema.apply([np.ones(2, np.float32)])


def test_coordinator_refusal_changes_nothing():
    coord = tf.train.Coordinator()
    with pytest.raises(TypeError, match="outside an except block"):
        coord.request_stop(ValueError("no handler"))
    assert not coord.should_stop()
    with pytest.raises(ValueError, match="3-tuple"):
        coord.request_stop((None, None, None))
    assert not coord.should_stop()
    coord.raise_requested_exception()
    coord.join([])


class _Dropping(tf.train.experimental.ShardingCallback):
    description = "drops the last tensor"

    def __call__(self, shardable_tensors):
        return [{t.checkpoint_key: {t.slice_spec: t.tensor} for t in shardable_tensors[:-1]}]


class _Slicing(tf.train.experimental.ShardingCallback):
    description = "claims a slice"

    def __call__(self, shardable_tensors):
        return [{t.checkpoint_key: {"2 0,1": t.tensor} for t in shardable_tensors}]


@pytest.mark.parametrize("callback, match", [(_Dropping(), "were not found"),
                                             (_Slicing(), "whole tensors only")])
def test_sharding_refusals_write_nothing(tmp_path, callback, match):
    ckpt = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0]))
    options = tf.train.CheckpointOptions(experimental_sharding_callback=callback)
    with pytest.raises(RuntimeError, match=match):
        ckpt.write(str(tmp_path / "ckpt"), options=options)
    assert list(tmp_path.iterdir()) == []


def test_cluster_spec_accepts_own_and_copies():
    spec = tf.train.ClusterSpec({"worker": ["a:1"]})
    cluster_def = spec.as_cluster_def()
    assert spec.as_cluster_def() is cluster_def
    assert tf.train.ClusterSpec(cluster_def).as_cluster_def() is cluster_def
    with pytest.raises(TypeError):
        hash(spec)
