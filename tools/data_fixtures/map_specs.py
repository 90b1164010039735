# ruff: noqa: E501 - a table of one-line scenarios
"""``Dataset.map``'s element_spec as TF 2.21's tracer gives it: slices, broadcasting, unary
ops, reductions, matmul, reshape, concatenation, casts, string splits and ragged maps over
inputs with unknown dims (featherflow/data/tracing.py replays static shapes the same way)."""

import numpy as np


def _batches(tf):
    # (None, None, 3) float32 batches: windows of varying length, batched
    return tf.data.Dataset.from_tensor_slices(np.arange(60, dtype=np.float32).reshape(20, 3)).batch(4).batch(2)


def _rows(tf):
    # (None, 4) float32 batches
    return tf.data.Dataset.from_tensor_slices(np.ones((10, 4), np.float32)).batch(3)


def _strings(tf):
    return tf.data.Dataset.from_tensor_slices(["a b", "c", "d e f"])


def _gradient(tf, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.where(x > 2.0, x * x, x))
    return tape.gradient(y, x), tf.argmax(x, axis=-1)


def _set_shape(t, shape):
    t.set_shape(shape)
    return t


def _vectorizer(tf, length=None):
    layer = tf.keras.layers.TextVectorization(output_sequence_length=length)
    layer.adapt(["a b c", "d e f"])
    return layer


def _all(ds):
    return list(ds.as_numpy_iterator())


def _spec(ds):
    return ds.element_spec


SCENARIOS = {
    "slice_unknown_dims": lambda tf: _spec(_batches(tf).map(lambda w: (w[:, :2, :], w[:, -1:, 1:2], w[0], w[..., 0], w[:, None, 1:]))),
    "slice_known_dims": lambda tf: _spec(_rows(tf).map(lambda x: (x[:, 1:3], x[:, ::2], x[:, 3], x[..., -1:]))),
    "broadcast_and_unary": lambda tf: _spec(_rows(tf).map(lambda x: (x + 1.0, x * tf.ones((1, 4)), tf.exp(x), -x, tf.nn.relu(x), tf.cast(x, tf.int32), x > 0.5))),
    "broadcast_unknown_against_known": lambda tf: _spec(_batches(tf).map(lambda w: w[:, :1, :1] + tf.zeros((5, 3)))),
    "reductions_matmul_concat": lambda tf: _spec(_rows(tf).map(lambda x: (tf.reduce_sum(x, axis=1), tf.reduce_mean(x, axis=0), tf.reduce_max(x), tf.matmul(x, tf.ones((4, 2))), tf.concat([x, x], axis=1), tf.concat([x, x], axis=0)))),
    "reshape_transpose": lambda tf: _spec(_rows(tf).map(lambda x: (tf.reshape(x, [-1, 2, 2]), tf.transpose(x), tf.expand_dims(x, -1)))),
    "constants_and_known_inputs": lambda tf: _spec(tf.data.Dataset.range(5).map(lambda i: (tf.constant([1, 2, 3]), i * 2, tf.fill([3], i), tf.zeros((2, 2))))),
    "split_scalar_and_vector": lambda tf: _spec(_strings(tf).map(lambda s: (tf.strings.split(s), tf.strings.split(tf.stack([s, s]))))),
    "split_then_batch": lambda tf: _spec(_strings(tf).map(lambda s: tf.strings.split(tf.stack([s, s]))).batch(2)),
    "ragged_elementwise_keeps_rows": lambda tf: _spec(_strings(tf).batch(2).map(lambda s: tf.strings.split(s)).map(lambda r: tf.strings.length(r))),
    "gradient_inside_map": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(_rows(tf).map(lambda x: _gradient(tf, x * tf.range(4, dtype=tf.float32)))),
    "shapes_from_values": lambda tf: _spec(tf.data.Dataset.range(1, 4).map(lambda x: (tf.range(x), tf.range(2, x + 3), tf.fill([x], 1.0), tf.zeros([2, x]), tf.ones([x, 3], tf.int32), tf.range(3), tf.fill([2], x)))),
    "range_then_ragged_batch": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(tf.data.Dataset.range(4).map(tf.range).ragged_batch(2)),
    "value_dependent_counts": lambda tf: (lambda ds: [ds.element_spec, _all(ds)])(tf.data.Dataset.from_tensor_slices(np.array([[1.0, -2.0, 3.0, 1.0], [-1.0, -1.0, 2.0, 2.0]], np.float32)).map(lambda x: (tf.boolean_mask(x, x > 0), tf.unique(x)[0], tf.where(x > 0), tf.unique(x)[1]))),
    "common_ops": lambda tf: _spec(_rows(tf).map(lambda x: (tf.one_hot(tf.cast(x[:, 0], tf.int32), 3), tf.reshape(x, [tf.shape(x)[0], 2, 2]), tf.tile(x, [2, 1]), tf.gather(x, [0, 2], axis=1), tf.gather(x, [0, 1]), tf.pad(x, [[1, 1], [0, 2]]), tf.squeeze(x[:, :1], axis=1), tf.reduce_sum(x, axis=1, keepdims=True), tf.image.resize(x[:, :, None, None], [5, 6]), tf.nn.softmax(x), tf.argmax(x, axis=1), tf.stack([x, x], axis=1)))),
    "string_ops": lambda tf: _spec(_strings(tf).batch(2).map(lambda s: (tf.strings.length(s), tf.strings.upper(s), tf.strings.join([s, s], separator="-"), tf.strings.substr(s, 0, 1), tf.strings.to_hash_bucket_fast(s, 5)))),
    "py_function": lambda tf: _spec(_rows(tf).map(lambda x: tf.py_function(lambda t: t * 2, [x], tf.float32))),
    "py_function_then_ops": lambda tf: (lambda ds: [ds.element_spec, ds.map(lambda y: y + 1).element_spec, ds.batch(2).element_spec])(tf.data.Dataset.range(3).map(lambda x: tf.py_function(lambda t: t * 2, [x], tf.int64))),
    "py_function_set_shape": lambda tf: _spec(_rows(tf).map(lambda x: _set_shape(tf.py_function(lambda t: t * 2, [x], tf.float32), [None, 4]))),
    "py_function_ensure_shape": lambda tf: _spec(_rows(tf).map(lambda x: tf.ensure_shape(tf.py_function(lambda t: t * 2, [x], tf.float32), [None, 4]))),
    "set_shape_refines": lambda tf: _spec(_batches(tf).map(lambda w: _set_shape(w, [None, 4, 3]))),
    "text_vectorization": lambda tf: (lambda free, fixed: _spec(_strings(tf).batch(2).map(lambda s: (free(s), fixed(s)))))(_vectorizer(tf), _vectorizer(tf, 5)),
    "split_values": lambda tf: [list(_strings(tf).map(lambda s: tf.strings.split(tf.stack([s, s]))).batch(2).map(lambda r: r.row_lengths(axis=2)).as_numpy_iterator())],
}
