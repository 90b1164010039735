"""tf.data with SparseTensor and RaggedTensor components (featherflow/data/), recorded with
TF 2.21: sources, element_spec, batch/unbatch/rebatch, sparse_batch, ragged_batch, map,
from_generator, the transformations that pass elements through, cache files and save/load.

The encoder knows neither composite, so ``_c`` turns every SparseTensor into its three
components and every RaggedTensor into its flat values, row splits, static shape and ragged
rank; a spec is recorded with its kind, shape, dtype and (ragged) ragged_rank and
row_splits_dtype, so a wrong spec shows as well as a wrong value.
"""

import os

import numpy as np


def _spec(spec):
    kind = type(spec).__name__
    out = {"spec": kind, "shape": None if spec.shape.rank is None else
           [None if d is None else int(d) for d in spec.shape],
           "dtype": "string" if spec.dtype.name in ("string", "object") else spec.dtype.name}
    if kind == "RaggedTensorSpec":
        out["ragged_rank"] = int(spec.ragged_rank)
        out["row_splits_dtype"] = spec.row_splits_dtype.name
    return out


def _c(value):
    """A nest with its composites and specs as plain parts."""
    kind = type(value).__name__
    if kind == "SparseTensor":
        return {"indices": value.indices, "values": value.values,
                "dense_shape": value.dense_shape}
    if kind == "RaggedTensor":
        return {"flat": value.flat_values, "splits": list(value.nested_row_splits),
                "shape": [None if d is None else int(d) for d in value.shape],
                "ragged_rank": int(value.ragged_rank)}
    if kind.endswith("Spec"):
        return _spec(value)
    if isinstance(value, dict):
        return {k: _c(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_c(v) for v in value)
    if isinstance(value, list):
        return [_c(v) for v in value]
    return value


def _all(ds):
    return [_c(e) for e in ds]


def _st(tf):
    return tf.sparse.SparseTensor([[0, 1], [2, 0], [2, 3]], [1.0, 2.0, 3.0], [4, 5])


def _st3(tf):
    return tf.sparse.SparseTensor([[0, 0, 1], [0, 2, 0], [1, 1, 1], [2, 2, 3]],
                                  [1, 2, -3, 5], [3, 3, 4])


def _rt(tf):
    return tf.ragged.constant([[1, 2], [3], [], [4, 5, 6]])


def _rt3(tf):
    return tf.ragged.constant([[[1, 2], [3]], [[4]], [], [[5], [], [6, 7]]])


SCENARIOS = {}


def _add(name):
    def register(fn):
        SCENARIOS[name] = fn
        return fn
    return register


# -- SparseTensor sources and spec -------------------------------------------------------------

@_add("sparse_slices")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf))
    return _c([ds.element_spec, tf.data.experimental.get_structure(ds), _all(ds),
               list(ds.as_numpy_iterator()), int(ds.cardinality())])


@_add("sparse_slices_3d_int")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st3(tf))
    return _c([ds.element_spec, _all(ds), ds.batch(2).element_spec, _all(ds.batch(2))])


@_add("sparse_slices_1d")
def _(tf):
    # rows of a 1-D SparseTensor are scalar SparseTensors; a batch of them is 1-D again
    ds = tf.data.Dataset.from_tensor_slices(tf.sparse.SparseTensor([[1], [4]], [2.0, 5.0], [6]))
    return _c([ds.element_spec, _all(ds), ds.batch(4).element_spec, _all(ds.batch(4)),
               _all(ds.shuffle(6, seed=4).batch(4))])


@_add("sparse_from_tensors")
def _(tf):
    ds = tf.data.Dataset.from_tensors(_st(tf))
    pair = tf.data.Dataset.from_tensors((_st(tf), tf.constant([1, 2])))
    return _c([ds.element_spec, _all(ds), pair.element_spec, _all(pair)])


@_add("sparse_dict_slices")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices({"s": _st(tf), "y": tf.range(4)})
    return _c([ds.element_spec, _all(ds), _all(ds.batch(3)), ds.batch(3).element_spec])


@_add("sparse_scalar_slices_error")
def _(tf):
    return tf.data.Dataset.from_tensor_slices(
        tf.sparse.SparseTensor(np.zeros((1, 0), np.int64), [1.0], []))


@_add("sparse_slices_size_mismatch")
def _(tf):
    return tf.data.Dataset.from_tensor_slices((_st(tf), tf.range(3)))


# -- batching ----------------------------------------------------------------------------------

@_add("sparse_batch_rows")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf))
    return _c([ds.batch(3).element_spec, _all(ds.batch(3)),
               ds.batch(2, drop_remainder=True).element_spec,
               list(ds.batch(3).as_numpy_iterator())])


@_add("sparse_batch_varying_shapes")
def _(tf):
    parts = [tf.sparse.SparseTensor([[0]], [1], [2]), tf.sparse.SparseTensor([[3]], [7], [5]),
             tf.sparse.SparseTensor(np.zeros((0, 1), np.int64), tf.constant([], tf.int32), [1])]
    ds = tf.data.Dataset.from_tensors(parts[0])
    for p in parts[1:]:
        ds = ds.concatenate(tf.data.Dataset.from_tensors(p))
    return _c([ds.element_spec, ds.batch(2).element_spec, _all(ds.batch(2)),
               _all(ds.batch(3))])


@_add("sparse_unbatch")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf)).batch(3).unbatch()
    whole = tf.data.Dataset.from_tensors(_st3(tf)).unbatch()
    return _c([ds.element_spec, _all(ds), whole.element_spec, _all(whole)])


@_add("sparse_rebatch")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf)).batch(2)
    return _c([ds.rebatch(3).element_spec, _all(ds.rebatch(3)),
               ds.rebatch(3, drop_remainder=True).element_spec, _all(ds.rebatch([1, 2]))])


@_add("sparse_padded_batch_error")
def _(tf):
    return tf.data.Dataset.from_tensor_slices(_st(tf)).padded_batch(2)


@_add("sparse_padded_batch_tuple_error")
def _(tf):
    return tf.data.Dataset.from_tensor_slices((_st(tf), tf.range(4))).padded_batch(2)


@_add("sparse_dense_to_sparse_batch")
def _(tf):
    ds = tf.data.Dataset.range(1, 5).map(lambda n: tf.fill([n], n))
    fixed = ds.apply(tf.data.experimental.dense_to_sparse_batch(3, [5]))
    free = ds.apply(tf.data.experimental.dense_to_sparse_batch(3, [None]))
    return _c([fixed.element_spec, _all(fixed), free.element_spec, _all(free),
               int(fixed.cardinality())])


@_add("sparse_batch_method_2d")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(np.array([[[0, 1], [2, 0]], [[5, 6], [7, 8]]],
                                                     np.float32))
    out = ds.sparse_batch(2, row_shape=[3, None])
    scalars = tf.data.Dataset.range(3).sparse_batch(2, [])
    return _c([out.element_spec, _all(out), scalars.element_spec, _all(scalars)])


@_add("sparse_batch_minus_one")
def _(tf):
    return tf.data.Dataset.range(3).map(lambda n: tf.fill([n], n)).sparse_batch(2, [-1])


@_add("sparse_batch_too_large")
def _(tf):
    ds = tf.data.Dataset.range(1, 5).map(lambda n: tf.fill([n], n)).sparse_batch(3, [2])
    return _all(ds)


@_add("sparse_batch_wrong_rank")
def _(tf):
    return _all(tf.data.Dataset.range(3).sparse_batch(2, [2]))


# -- map and the transformations that pass elements through ------------------------------------

@_add("sparse_map_returns_sparse")
def _(tf):
    ds = tf.data.Dataset.range(3).map(lambda i: tf.sparse.SparseTensor([[i]], [i], [4]))
    dense = tf.data.Dataset.from_tensor_slices(np.array([[1, 0, 2], [0, 0, 3]], np.int32))
    from_dense = dense.map(tf.sparse.from_dense)
    return _c([ds.element_spec, _all(ds), from_dense.element_spec, _all(from_dense),
               _all(ds.batch(2))])


@_add("sparse_map_values_and_to_dense")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf))
    squared = ds.map(lambda s: tf.sparse.map_values(tf.square, s))
    dense = ds.batch(2).map(tf.sparse.to_dense)
    pair = tf.data.Dataset.from_tensor_slices((_st(tf), tf.range(4))).map(
        lambda s, y: (s, tf.sparse.reduce_sum(s) + tf.cast(y, tf.float32)))
    return _c([squared.element_spec, _all(squared), dense.element_spec,
               list(dense.as_numpy_iterator()), pair.element_spec, _all(pair)])


@_add("sparse_map_spec_from_values")
def _(tf):
    ds = tf.data.Dataset.range(4).map(lambda i: tf.sparse.SparseTensor([[0]], [i], [i + 1]))
    return _c([ds.element_spec, _all(ds)])


@_add("sparse_filter_zip_prefetch")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf))
    kept = ds.filter(lambda s: tf.size(s.values) > 0)
    zipped = tf.data.Dataset.zip((ds, tf.data.Dataset.range(4)))
    return _c([kept.element_spec, _all(kept), zipped.element_spec, _all(zipped),
               ds.prefetch(2).element_spec, _all(ds.prefetch(2)), _all(ds.take(2).repeat(2)),
               _all(ds.skip(3)), _all(ds.cache())])


@_add("sparse_shuffle")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_st(tf))
    return _c([_all(ds.shuffle(4, seed=1)), ds.shuffle(4, seed=1).batch(2).element_spec,
               list(ds.shuffle(4, seed=3).batch(2).map(tf.sparse.to_dense)
                    .as_numpy_iterator())])


@_add("sparse_iterator")
def _(tf):
    it = iter(tf.data.Dataset.from_tensor_slices(_st(tf)))
    return _c([tf.data.experimental.get_structure(it), it.element_spec, next(it),
               it.get_next()])


@_add("sparse_from_generator")
def _(tf):
    def gen():
        for i in range(3):
            yield tf.sparse.SparseTensor([[i]], [float(i)], [3])

    def pairs():
        for i in range(2):
            yield tf.sparse.SparseTensor([[0, i]], [i + 1], [1, 2]), i

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.SparseTensorSpec([3],
                                                                                  tf.float32))
    two = tf.data.Dataset.from_generator(pairs, output_signature=(
        tf.SparseTensorSpec([None, 2], tf.int32), tf.TensorSpec((), tf.int64)))
    return _c([ds.element_spec, _all(ds), _all(ds.batch(2)), two.element_spec, _all(two)])


@_add("sparse_from_generator_dense_value")
def _(tf):
    def gen():
        yield np.array([1.0, 2.0])

    return _all(tf.data.Dataset.from_generator(
        gen, output_signature=tf.SparseTensorSpec([None], tf.float32)))


# -- files ------------------------------------------------------------------------------------

@_add("sparse_cache_file")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices((_st(tf), tf.range(4))).cache(
        os.path.join(os.getcwd(), "sparse_cache"))
    return _c([_all(ds), _all(ds), ds.element_spec])


@_add("sparse_save_load")
def _(tf):
    path = os.path.join(os.getcwd(), "sparse_saved")
    tf.data.Dataset.from_tensor_slices({"s": _st3(tf), "y": ["a", "b", "c"]}).batch(2).save(path)
    loaded = tf.data.Dataset.load(path)
    return _c([loaded.element_spec, _all(loaded)])


# -- RaggedTensor elements --------------------------------------------------------------------

@_add("ragged_slices")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf))
    return _c([ds.element_spec, tf.data.experimental.get_structure(ds), _all(ds),
               int(ds.cardinality())])


@_add("ragged_slices_3d")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt3(tf))
    return _c([ds.element_spec, _all(ds), ds.batch(2).element_spec, _all(ds.batch(2)),
               ds.unbatch().element_spec, _all(ds.unbatch())])


@_add("ragged_from_tensors")
def _(tf):
    ds = tf.data.Dataset.from_tensors(_rt(tf))
    return _c([ds.element_spec, _all(ds), ds.unbatch().element_spec, _all(ds.unbatch())])


@_add("ragged_batch_of_ragged")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf))
    return _c([ds.batch(2).element_spec, _all(ds.batch(3)),
               ds.batch(2, drop_remainder=True).element_spec,
               ds.batch(2).unbatch().element_spec, _all(ds.batch(3).unbatch())])


@_add("ragged_batch_method")
def _(tf):
    ds = tf.data.Dataset.range(5).map(lambda x: tf.range(tf.cast(x, tf.int32)))
    rb = ds.ragged_batch(2)
    rb32 = ds.ragged_batch(3, drop_remainder=True, row_splits_dtype=tf.int32)
    return _c([rb.element_spec, _all(rb), rb32.element_spec, _all(rb32)])


@_add("ragged_dense_to_ragged_batch")
def _(tf):
    ds = tf.data.Dataset.range(4).map(lambda x: (x, tf.fill([x, 2], x)))
    out = ds.apply(tf.data.experimental.dense_to_ragged_batch(3))
    rows = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x, 2], x)).ragged_batch(2)
    return _c([out.element_spec, _all(out), rows.element_spec, _all(rows)])


@_add("ragged_batch_inner_varying")
def _(tf):
    # a static first dimension and a varying second one: ragged_rank 1 before batching
    def gen():
        for x in range(1, 4):
            yield np.full([2, x], x, np.int32)

    inner = tf.data.Dataset.from_generator(
        gen, output_signature=tf.TensorSpec([2, None], tf.int32)).ragged_batch(2)
    return _c([inner.element_spec, _all(inner)])


@_add("ragged_batch_fully_known_shape")
def _(tf):
    uniform = tf.data.Dataset.from_tensor_slices(np.arange(6).reshape(3, 2)).ragged_batch(2)
    return _c([uniform.element_spec, _all(uniform)])


@_add("ragged_map")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt3(tf))
    doubled = ds.map(lambda r: r * 2)
    made = tf.data.Dataset.range(3).map(
        lambda n: tf.RaggedTensor.from_row_lengths(tf.range(tf.cast(n, tf.int32) * 2), [n, n]))
    return _c([doubled.element_spec, _all(doubled), made.element_spec, _all(made),
               made.batch(2).element_spec, _all(made.batch(2))])


@_add("ragged_rebatch")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf)).batch(2)
    return _c([ds.rebatch(3).element_spec, _all(ds.rebatch(3)), _all(ds.rebatch([1, 3]))])


@_add("ragged_padded_batch_error")
def _(tf):
    return tf.data.Dataset.from_tensor_slices(_rt3(tf)).padded_batch(2)


@_add("ragged_filter_zip_shuffle")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt3(tf))
    kept = ds.filter(lambda r: r.nrows() > 1)
    zipped = tf.data.Dataset.zip((ds, tf.data.Dataset.range(4)))
    return _c([kept.element_spec, _all(kept), zipped.element_spec, _all(zipped),
               _all(ds.shuffle(4, seed=2)), _all(ds.cache().prefetch(1))])


@_add("ragged_from_generator")
def _(tf):
    def gen():
        yield tf.ragged.constant([[1, 2], [3]])
        yield tf.ragged.constant([[4]])

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.RaggedTensorSpec(
        [None, None], tf.int32, 1))
    return _c([ds.element_spec, _all(ds), _all(ds.batch(2))])


@_add("ragged_cache_file_save_load")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices((_rt3(tf), tf.range(4))).batch(2)
    cached = ds.cache(os.path.join(os.getcwd(), "ragged_cache"))
    path = os.path.join(os.getcwd(), "ragged_saved")
    ds.save(path)
    loaded = tf.data.Dataset.load(path)
    return _c([_all(cached), _all(cached), loaded.element_spec, _all(loaded)])
