"""Scenarios where featherflow maps whole batches at once (featherflow/data/vectorize.py):
the results and order must be exactly TensorFlow's per-element ones."""

import numpy as np

_RS = np.random.RandomState(3)
_IMAGES = _RS.randint(0, 256, size=(50, 3, 4)).astype(np.uint8)
_LABELS = _RS.randint(0, 5, size=50).astype(np.int64)
_FLOATS = _RS.normal(size=(50, 6)).astype(np.float32)


def _values(ds):
    return list(ds.as_numpy_iterator())


def _scale(tf):
    return lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)


SCENARIOS = {
    "map_shuffle_batch": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_IMAGES, _LABELS)).map(_scale(tf)).shuffle(20, seed=7).batch(8)),
    "shuffle_map_batch": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_IMAGES, _LABELS)).shuffle(20, seed=7).map(_scale(tf)).batch(8)),
    "map_batch_drop": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_IMAGES, _LABELS)).map(_scale(tf)).batch(16, drop_remainder=True)),
    "map_chain": lambda tf: _values(tf.data.Dataset.from_tensor_slices(_FLOATS).map(
        lambda x: x * 2.0 + 1.0).map(lambda x: tf.nn.relu(x) - tf.exp(-tf.abs(x))).batch(7)),
    "map_where_clip": lambda tf: _values(tf.data.Dataset.from_tensor_slices(_FLOATS).map(
        lambda x: tf.where(x > 0, x, tf.zeros_like(x))).map(
        lambda x: tf.clip_by_value(x, 0.1, 0.9)).batch(10)),
    "map_constant_broadcast": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _FLOATS).map(lambda x: x - np.arange(6, dtype=np.float32)).batch(9)),
    "map_reduction_not_elementwise": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _FLOATS).map(lambda x: x / tf.reduce_max(tf.abs(x))).batch(8)),
    "map_shape_dependent": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _FLOATS).map(lambda x: x * tf.cast(tf.shape(x)[0], tf.float32)).batch(8)),
    "map_python_branch": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _LABELS).map(lambda y: y * 2 if y > 2 else y).batch(8)),
    "map_mixed_rank": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_FLOATS, _LABELS)).map(lambda x, y: x * tf.cast(y, tf.float32)).batch(8)),
    "map_returns_label_only": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_FLOATS, _LABELS)).map(lambda x, y: y).batch(8)),
    "map_reshape": lambda tf: _values(tf.data.Dataset.from_tensor_slices(_IMAGES).map(
        lambda x: tf.reshape(x, [-1])).batch(8)),
    "map_one_hot": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_FLOATS, _LABELS)).map(lambda x, y: (x, tf.one_hot(y, 5))).batch(8)),
    "map_dict": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        {"a": _FLOATS, "b": _LABELS}).map(lambda d: {"a": d["a"] * 3.0, "b": d["b"]}).batch(8)),
    "map_spec_after_batch": lambda tf: tf.data.Dataset.from_tensor_slices(
        (_IMAGES, _LABELS)).batch(8).map(_scale(tf)).element_spec,
    "map_spec_after_shuffle": lambda tf: tf.data.Dataset.from_tensor_slices(
        (_IMAGES, _LABELS)).shuffle(10, seed=1).map(_scale(tf)).element_spec,
    "spec_then_order": lambda tf: _spec_then_order(tf),
    "repeat_epochs": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (_IMAGES[:12], _LABELS[:12])).map(_scale(tf)).shuffle(12, seed=5).batch(5).repeat(2)),
    "take_then_batch": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _FLOATS).map(lambda x: x + 1.0).take(13).batch(4)),
}


def _spec_then_order(tf):
    tf.random.set_seed(11)
    ds = tf.data.Dataset.from_tensor_slices((_IMAGES, _LABELS)).shuffle(30).map(_scale(tf))
    spec = ds.element_spec
    return [spec, _values(ds.batch(10))]
