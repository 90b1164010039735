"""tf.RaggedTensor / tf.ragged scenarios (featherflow/api/ragged*.py), recorded with TF 2.21.

A ragged result is encoded through ``_r``: its flat values, nested row splits, static shape
(``None`` for ragged dimensions) and ragged rank, read through the public API both libraries
share, so a wrong split or a wrong shape shows up as well as a wrong value. Errors are
recorded as TF's class (InvalidArgumentError, ValueError, TypeError...).
"""

import os
import struct

import numpy as np


def _r(rt):
    """A RaggedTensor as plain parts (a dense tensor is returned as it is)."""
    if not hasattr(rt, "nested_row_splits"):
        return rt
    return {"flat": rt.flat_values, "splits": list(rt.nested_row_splits),
            "shape": list(rt.shape), "ragged_rank": rt.ragged_rank}


SCENARIOS = {}


def _add(name):
    def register(fn):
        SCENARIOS[name] = fn
        return fn
    return register


def _rt(tf):
    return tf.RaggedTensor.from_row_lengths([3, 1, 4, 1, 5, 9, 2], [2, 0, 3, 2])


def _rtf(tf):
    return tf.RaggedTensor.from_row_lengths(
        tf.constant([0.5, -1.0, 2.0, 3.5, -0.25, 4.0, 1.5]), [2, 0, 3, 2])


def _rt2(tf):
    return tf.ragged.constant([[[1, 2], [3]], [], [[4, 5, 6], [], [7]]])


# -- construction ------------------------------------------------------------------------

@_add("make_row_lengths")
def _(tf):
    return _r(_rt(tf))


@_add("make_row_splits")
def _(tf):
    return _r(tf.RaggedTensor.from_row_splits([1.0, 2.0, 3.0, 4.0], [0, 1, 1, 4]))


@_add("make_value_rowids")
def _(tf):
    return [_r(tf.RaggedTensor.from_value_rowids([3, 1, 4, 1, 5], [0, 0, 2, 2, 3])),
            _r(tf.RaggedTensor.from_value_rowids([3, 1, 4], [0, 0, 2], nrows=5))]


@_add("make_row_starts_limits")
def _(tf):
    return [_r(tf.RaggedTensor.from_row_starts([1, 2, 3, 4, 5], [0, 2, 2])),
            _r(tf.RaggedTensor.from_row_limits([1, 2, 3, 4, 5], [2, 2, 5]))]


@_add("make_nested_splits_lengths")
def _(tf):
    a = tf.RaggedTensor.from_nested_row_splits([1, 2, 3, 4, 5, 6], ([0, 2, 3], [0, 1, 1, 6]))
    b = tf.RaggedTensor.from_nested_row_lengths([1, 2, 3, 4, 5, 6], ([2, 0, 1], [4, 0, 2]))
    return [_r(a), _r(b)]


@_add("make_inner_shape")
def _(tf):
    rt = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12), [6, 2]), [1, 3, 2])
    return [_r(rt), rt.to_list()]


@_add("make_int32_splits")
def _(tf):
    rt = tf.RaggedTensor.from_row_splits([1, 2, 3], tf.constant([0, 2, 3], tf.int32))
    return [_r(rt), rt.row_splits.dtype.name]


@_add("make_from_tensor")
def _(tf):
    dense = tf.constant([[1, 0, 0], [2, 3, 0], [0, 0, 0]])
    return [_r(tf.RaggedTensor.from_tensor(dense)),
            _r(tf.RaggedTensor.from_tensor(dense, lengths=[1, 2, 0])),
            _r(tf.RaggedTensor.from_tensor(dense, padding=0)),
            _r(tf.RaggedTensor.from_tensor(tf.reshape(tf.range(24), [2, 3, 4]),
                                           ragged_rank=2)),
            _r(tf.RaggedTensor.from_tensor(tf.reshape(tf.range(24), [2, 3, 4]),
                                           lengths=[3, 1]))]


@_add("make_from_tensor_padding_3d")
def _(tf):
    dense = tf.constant([[[1, 1], [0, 0]], [[2, 2], [3, 0]]])
    return _r(tf.RaggedTensor.from_tensor(dense, padding=[0, 0]))


@_add("constant_basic")
def _(tf):
    return [_r(tf.ragged.constant([[1, 2], [], [3]])),
            _r(tf.ragged.constant([[1.5], [2.0, 3.0]])),
            _r(tf.ragged.constant([[[1, 2], [3]], [[4]]])),
            _r(tf.ragged.constant([[b"a", b"bc"], ["d"]]))]


@_add("constant_options")
def _(tf):
    return [_r(tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)),
            _r(tf.ragged.constant([[1, 2], [3]], dtype=tf.float32)),
            _r(tf.ragged.constant([[1, 2], [3]], dtype=tf.int64, row_splits_dtype=tf.int32)),
            _r(tf.ragged.constant([[[1, 2]], [[3, 4], [5, 6]]], inner_shape=(2,)))]


@_add("constant_flat_list")
def _(tf):
    return tf.ragged.constant([1, 2, 3])


@_add("error_splits_start")
def _(tf):
    return _r(tf.RaggedTensor.from_row_splits([1, 2, 3], [1, 2, 3]))


@_add("error_splits_decreasing")
def _(tf):
    return _r(tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 2, 1, 3]))


@_add("error_splits_end")
def _(tf):
    return _r(tf.RaggedTensor.from_row_splits([1, 2, 3], [0, 2]))


@_add("error_negative_length")
def _(tf):
    return _r(tf.RaggedTensor.from_row_lengths([1, 2, 3], [4, -1]))


@_add("error_lengths_sum")
def _(tf):
    return _r(tf.RaggedTensor.from_row_lengths([1, 2, 3], [1, 1]))


@_add("error_rowids_unsorted")
def _(tf):
    return _r(tf.RaggedTensor.from_value_rowids([1, 2, 3], [1, 0, 2]))


@_add("error_constant_mixed_depth")
def _(tf):
    return _r(tf.ragged.constant([[1, 2], [[3]]]))


@_add("error_private_constructor")
def _(tf):
    return _r(tf.RaggedTensor(tf.constant([1]), tf.constant([0, 1])))


# -- properties and conversions ----------------------------------------------------------

@_add("props_rank1")
def _(tf):
    rt = _rt(tf)
    return {"nrows": rt.nrows(), "lengths": rt.row_lengths(), "rowids": rt.value_rowids(),
            "starts": rt.row_starts(), "limits": rt.row_limits(), "values": rt.values,
            "splits": rt.row_splits, "rank": rt.shape.rank, "ragged_rank": rt.ragged_rank,
            "dtype": rt.dtype.name, "bounding": rt.bounding_shape(),
            "bounding1": rt.bounding_shape(axis=1)}


@_add("props_rank2")
def _(tf):
    rt = _rt2(tf)
    return {"nested_lengths": list(rt.nested_row_lengths()), "values": _r(rt.values),
            "lengths2": rt.row_lengths(axis=2), "bounding": rt.bounding_shape(),
            "shape": list(rt.shape), "nested_rowids": list(rt.nested_value_rowids())}


@_add("to_tensor")
def _(tf):
    rt = _rt(tf)
    return [rt.to_tensor(), rt.to_tensor(default_value=-1), rt.to_tensor(shape=[3, 2]),
            rt.to_tensor(shape=[5, 4]), rt.to_tensor(shape=[None, 5]),
            _rt2(tf).to_tensor(), _rt2(tf).to_tensor(default_value=9, shape=[2, 2, 2]),
            tf.ragged.constant([[], []]).to_tensor()]


@_add("to_tensor_inner_shape")
def _(tf):
    rt = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12.0), [6, 2]), [1, 3, 2])
    return [rt.to_tensor(), rt.to_tensor(default_value=-1.0)]


@_add("to_list_numpy")
def _(tf):
    rt = tf.ragged.constant([[b"a", b"b"], [b"c"]])
    return [_rt(tf).to_list(), _rt2(tf).to_list(), rt.to_list(),
            [list(row) for row in _rt(tf).numpy()]]


@_add("repr_str")
def _(tf):
    return [repr(_rt(tf)), str(_rt(tf)), repr(_rtf(tf)), repr(_rt2(tf)),
            repr(tf.ragged.constant([["a", "b"], []])), str(tf.ragged.constant([[1.5]]))]


@_add("merge_dims")
def _(tf):
    rt = _rt2(tf)
    dense = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12), [6, 2]), [1, 3, 2])
    return [_r(rt.merge_dims(0, 1)), _r(rt.merge_dims(1, 2)), _r(rt.merge_dims(0, -1)),
            _r(dense.merge_dims(1, 2)), _r(dense.merge_dims(0, 1))]


@_add("with_values")
def _(tf):
    rt = _rt(tf)
    rt2 = _rt2(tf)
    return [_r(rt.with_values(rt.values * 10)), _r(rt2.with_flat_values(rt2.flat_values + 1)),
            _r(rt.with_row_splits_dtype(tf.int32)), rt.with_row_splits_dtype(tf.int32)
            .row_splits.dtype.name]


@_add("error_with_values_size")
def _(tf):
    return _r(_rt(tf).with_values(tf.constant([1, 2])))


# -- indexing ----------------------------------------------------------------------------

@_add("index_rows")
def _(tf):
    rt = _rt(tf)
    return [rt[0], rt[1], rt[-1], _r(rt[1:3]), _r(rt[::2]), _r(rt[-2:]), rt[2, 1], rt[2, -1]]


@_add("index_columns")
def _(tf):
    rt = _rt(tf)
    return [_r(rt[:, :2]), _r(rt[:, 1:]), _r(rt[:, -1:]), _r(rt[1:, :1])]


@_add("index_column_int")
def _(tf):
    rt = tf.ragged.constant([[1, 2, 3], [4], [5, 6]])
    return [rt[:, 0], rt[:, -1]]


@_add("error_index_column_short")
def _(tf):
    return _rt(tf)[:, 1]


@_add("error_index_row_range")
def _(tf):
    return _rt(tf)[7]


@_add("index_rank2")
def _(tf):
    rt = _rt2(tf)
    return [_r(rt[0]), rt[0, 1], rt[2][0], _r(rt[:, :1]), _r(rt[1:]), rt[2, 0, 1],
            _r(rt[:, :, :1])]


@_add("index_inner_dims")
def _(tf):
    rt = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12), [6, 2]), [1, 3, 2])
    return [_r(rt[:, :, 0]), _r(rt[..., 1]), rt[1, 2], rt[1, :, 1]]


# -- elementwise -------------------------------------------------------------------------

@_add("ops_scalar")
def _(tf):
    rt = _rtf(tf)
    return [_r(rt + 1), _r(2 * rt), _r(rt - 0.5), _r(1 - rt), _r(rt / 2), _r(rt ** 2),
            _r(-rt), _r(abs(rt)), _r(rt > 1.0), _r(rt <= 0.5)]


@_add("ops_int")
def _(tf):
    rt = _rt(tf)
    return [_r(rt // 2), _r(rt % 3), _r(rt * rt), _r(rt == 1), _r(rt != 1)]


@_add("ops_ragged_ragged")
def _(tf):
    a = _rtf(tf)
    b = a.with_values(tf.range(7, dtype=tf.float32))
    return [_r(a + b), _r(a * b), _r(tf.add(a, b)), _r(tf.maximum(a, b)),
            _r(tf.math.multiply(a, b)), _r(tf.subtract(a, b))]


@_add("ops_broadcast_dense")
def _(tf):
    a = _rtf(tf)
    col = tf.constant([[1.0], [2.0], [3.0], [4.0]])
    rt3 = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12.0), [6, 2]), [1, 3, 2])
    return [_r(a + col), _r(tf.multiply(col, a)), _r(a + tf.constant(10.0)),
            _r(rt3 * tf.constant([1.0, -1.0])), _r(tf.add(a, [[1.0], [2.0], [3.0], [4.0]]))]


@_add("ops_dense_operator_ragged")
def _(tf):
    # a dense Tensor on the left of an operator: Tensor.__mul__ must defer to the RaggedTensor
    col = tf.constant([[1.0], [2.0], [3.0], [4.0]])
    return [_r(col * _rtf(tf)), _r(tf.constant(2.0) - _rtf(tf))]


@_add("error_ops_mismatch")
def _(tf):
    a = tf.ragged.constant([[1, 2], [3]])
    b = tf.ragged.constant([[1], [2, 3]])
    return _r(a + b)


@_add("math_unary")
def _(tf):
    rt = _rtf(tf)
    return [_r(tf.math.square(rt)), _r(tf.exp(rt)), _r(tf.abs(rt)), _r(tf.math.sqrt(abs(rt))),
            _r(tf.cast(rt, tf.int32)), _r(tf.math.tanh(rt)), _r(tf.nn.relu(rt)),
            _r(tf.math.logical_not(rt > 0)), _r(tf.round(rt)), _r(tf.sigmoid(rt)),
            _r(tf.math.log1p(abs(rt))), _r(tf.negative(rt)), _r(tf.ones_like(rt)),
            _r(tf.zeros_like(rt)), _r(tf.math.sign(rt))]


@_add("math_where")
def _(tf):
    rt = _rtf(tf)
    return [_r(tf.where(rt > 0, rt, tf.zeros_like(rt))), _r(tf.clip_by_value(rt, 0.0, 2.0))]


# -- reductions --------------------------------------------------------------------------

@_add("reduce_sum")
def _(tf):
    rt = _rt(tf)
    return [tf.reduce_sum(rt), tf.reduce_sum(rt, axis=0), tf.reduce_sum(rt, axis=1),
            tf.reduce_sum(rt, axis=-1), tf.reduce_sum(rt, axis=[0, 1]),
            _r(tf.reduce_sum(rt, axis=1, keepdims=True))]


@_add("reduce_others")
def _(tf):
    rt = _rtf(tf)
    return [tf.reduce_mean(rt, axis=1), tf.reduce_mean(rt, axis=0), tf.reduce_mean(rt),
            tf.reduce_max(rt, axis=1), tf.reduce_min(rt, axis=1), tf.reduce_max(rt, axis=0),
            tf.reduce_prod(rt, axis=1), tf.reduce_max(_rt(tf), axis=1),
            tf.reduce_min(_rt(tf), axis=1), tf.reduce_any(rt > 2, axis=1),
            tf.reduce_all(rt > 0, axis=1), tf.math.reduce_sum(rt, axis=1)]


@_add("reduce_rank2")
def _(tf):
    rt = _rt2(tf)
    return [_r(tf.reduce_sum(rt, axis=2)), _r(tf.reduce_max(rt, axis=2)),
            tf.reduce_sum(rt, axis=[1, 2]), tf.reduce_sum(rt)]


@_add("reduce_inner_dims")
def _(tf):
    rt = tf.RaggedTensor.from_row_lengths(tf.reshape(tf.range(12.0), [6, 2]), [1, 3, 2])
    return [tf.reduce_sum(rt, axis=1), _r(tf.reduce_sum(rt, axis=2)),
            tf.reduce_mean(rt, axis=1), tf.reduce_max(rt, axis=0)]


# -- concat, stack, gather, map_fn -------------------------------------------------------

@_add("concat_stack")
def _(tf):
    a = tf.ragged.constant([[1, 2], [3]])
    b = tf.ragged.constant([[4], [], [5, 6]])
    c = tf.ragged.constant([[7], [8, 9]])
    return [_r(tf.concat([a, b], axis=0)), _r(tf.concat([a, c], axis=1)),
            _r(tf.stack([a, c], axis=0)), _r(tf.stack([a, c], axis=1)),
            _r(tf.concat([a, tf.constant([[0, 0], [1, 1]])], axis=1)),
            _r(tf.ragged.stack([a, b])), _r(tf.ragged.stack([a, c], axis=1)),
            _r(tf.concat([a, b], axis=-2))]


@_add("gather")
def _(tf):
    rt = _rt(tf)
    return [_r(tf.gather(rt, [2, 0, 2])), _r(tf.gather(_rt2(tf), [2, 0]))]


@_add("map_fn_rows")
def _(tf):
    rt = _rt(tf)
    sums = tf.map_fn(tf.reduce_sum, rt, fn_output_signature=tf.int32)
    doubled = tf.map_fn(lambda row: row * 2, rt,
                        fn_output_signature=tf.RaggedTensorSpec([None], tf.int32))
    return [sums, _r(doubled)]


@_add("ragged_rank_of_dense_ops")
def _(tf):
    rt = _rt(tf)
    return [tf.size(rt), tf.rank(rt), tf.shape(rt.flat_values)]


# -- tf.ragged functions ------------------------------------------------------------------

@_add("ragged_range")
def _(tf):
    return [_r(tf.ragged.range([3, 0, 5])), _r(tf.ragged.range([0, 5, 8], [3, 3, 12])),
            _r(tf.ragged.range(0, [3, 2], 2)), _r(tf.ragged.range([1.0, 2.0], 4.0, 0.5)),
            _r(tf.ragged.range([5, 3], [0, 3], -2))]


@_add("ragged_boolean_mask")
def _(tf):
    rt = _rt(tf)
    dense = tf.constant([[1, 2, 3], [4, 5, 6]])
    return [_r(tf.ragged.boolean_mask(rt, rt > 2)),
            _r(tf.ragged.boolean_mask(dense, [[True, False, True], [False, False, True]])),
            tf.ragged.boolean_mask(tf.constant([1, 2, 3]), [True, False, True]),
            _r(tf.ragged.boolean_mask(rt, [True, False, True, False]))]


@_add("ragged_segments")
def _(tf):
    return [tf.ragged.row_splits_to_segment_ids([0, 2, 2, 5]),
            tf.ragged.segment_ids_to_row_splits([0, 0, 2, 2, 3]),
            tf.ragged.segment_ids_to_row_splits([0, 1], num_segments=4),
            tf.ragged.row_splits_to_segment_ids(tf.constant([0, 1, 3], tf.int32))]


@_add("ragged_map_flat_values")
def _(tf):
    rt = _rtf(tf)
    return [_r(tf.ragged.map_flat_values(tf.math.square, rt)),
            _r(tf.ragged.map_flat_values(tf.add, rt, 1.0)),
            _r(tf.ragged.map_flat_values(lambda x: tf.ones_like(x), _rt2(tf)))]


@_add("ragged_stack_dynamic_partitions")
def _(tf):
    return [_r(tf.ragged.stack_dynamic_partitions([10, 20, 30, 40, 50], [2, 0, 2, 1, 2], 4)),
            _r(tf.ragged.stack_dynamic_partitions(tf.constant([[1, 2], [3, 4], [5, 6]]),
                                                  [1, 1, 0], 2))]


@_add("ragged_cross")
def _(tf):
    a = tf.ragged.constant([["a"], ["b", "c"]])
    b = tf.ragged.constant([["d", "e"], ["f"]])
    dense = tf.constant([["x"], ["y"]])
    ints = tf.ragged.constant([[1, 2], [3]], dtype=tf.int64)
    return [_r(tf.ragged.cross([a, b])), _r(tf.ragged.cross([a, dense])),
            _r(tf.ragged.cross([a, b, ints])), _r(tf.ragged.cross([dense, a]))]


@_add("ragged_cross_hashed")
def _(tf):
    a = tf.ragged.constant([["a"], ["b", "c"]])
    b = tf.ragged.constant([["d", "e"], ["f"]])
    ints = tf.ragged.constant([[1, 2], [3]], dtype=tf.int64)
    return [_r(tf.ragged.cross_hashed([a, b])),
            _r(tf.ragged.cross_hashed([a, b], num_buckets=100)),
            _r(tf.ragged.cross_hashed([a, ints], num_buckets=7, hash_key=123))]


# -- strings -----------------------------------------------------------------------------

@_add("strings_split")
def _(tf):
    lines = tf.constant(["hello world", "  a  b c ", ""])
    return [_r(tf.strings.split(lines)), _r(tf.strings.split(lines, sep=" ")),
            _r(tf.strings.split(tf.constant([["a,b", "c"], ["", "d,,e"]]), sep=",")),
            _r(tf.strings.split(lines, maxsplit=1)), tf.strings.split("x y")]


@_add("strings_split_ragged")
def _(tf):
    rt = tf.ragged.constant([["a b", "c"], ["d e f"]])
    return _r(tf.strings.split(rt))


@_add("strings_unicode")
def _(tf):
    words = tf.constant(["hé", "", "日本語"])
    return [_r(tf.strings.unicode_split(words, "UTF-8")),
            _r(tf.strings.unicode_decode(words, "UTF-8")),
            _r(tf.strings.bytes_split(tf.constant(["ab", "c"]))),
            tf.strings.unicode_decode("ab", "UTF-8"),
            tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [], [26085]]), "UTF-8")]


@_add("strings_on_ragged")
def _(tf):
    rt = tf.ragged.constant([["Hello", "World"], [], ["TF"]])
    return [_r(tf.strings.lower(rt)), _r(tf.strings.upper(rt)), _r(tf.strings.length(rt)),
            _r(tf.strings.regex_replace(rt, "o", "0")), _r(tf.strings.substr(rt, 0, 2)),
            _r(tf.strings.regex_full_match(rt, "[A-Z].*")),
            _r(tf.strings.to_hash_bucket_fast(rt, 10)), _r(tf.strings.strip(rt)),
            tf.strings.reduce_join(rt, axis=1, separator="-"),
            _r(tf.strings.join([rt, rt], separator="+")),
            _r(tf.strings.to_number(tf.ragged.constant([["1.5", "2"], ["3"]])))]


@_add("strings_ngrams")
def _(tf):
    rt = tf.ragged.constant([["a", "b", "c"], ["d"], []])
    return [_r(tf.strings.ngrams(rt, 2)), _r(tf.strings.ngrams(rt, (1, 2))),
            _r(tf.strings.ngrams(rt, 2, pad_values="#")),
            _r(tf.strings.ngrams(rt, 3, preserve_short_sequences=True)),
            _r(tf.strings.ngrams(tf.strings.split(tf.constant(["x y z", "w"])), 2,
                                 separator="_"))]


# -- gradients ---------------------------------------------------------------------------

def _grad(tf, fn):
    values = tf.constant([0.5, -1.0, 2.0, 3.5, -0.25, 4.0, 1.5])
    with tf.GradientTape() as tape:
        tape.watch(values)
        rt = tf.RaggedTensor.from_row_lengths(values, [2, 0, 3, 2])
        out = fn(rt)
    return [out if not hasattr(out, "flat_values") else out.flat_values,
            tf.convert_to_tensor(tape.gradient(
                out if not hasattr(out, "flat_values") else out.flat_values, values))]


@_add("grad_elementwise")
def _(tf):
    return _grad(tf, lambda rt: tf.reduce_sum(rt * rt + 3.0 * rt))


@_add("grad_reduce_rows")
def _(tf):
    return [_grad(tf, lambda rt: tf.reduce_sum(tf.reduce_max(rt, axis=1)
                                              * tf.constant([1.0, 2.0, 3.0, 4.0]))),
            _grad(tf, lambda rt: tf.reduce_sum(tf.reduce_mean(rt, axis=1)[::2])),
            _grad(tf, lambda rt: tf.reduce_sum(tf.reduce_sum(rt, axis=0) ** 2)),
            _grad(tf, lambda rt: tf.reduce_sum(tf.reduce_min(rt, axis=0)))]


@_add("grad_to_tensor_and_slices")
def _(tf):
    weights = tf.reshape(tf.range(12.0), [4, 3])
    return [_grad(tf, lambda rt: tf.reduce_sum(rt.to_tensor(default_value=1.0) * weights)),
            _grad(tf, lambda rt: tf.reduce_sum(rt[:, :1] * 5.0)),
            _grad(tf, lambda rt: tf.reduce_sum(tf.exp(rt[2]))),
            _grad(tf, lambda rt: tf.reduce_sum(tf.concat([rt, rt * 2.0], axis=1) ** 2)),
            _grad(tf, lambda rt: tf.reduce_sum(rt + tf.constant([[1.0], [2.0], [3.0], [4.0]])
                                               ** 2))]


# -- tf.data -----------------------------------------------------------------------------

def _spec(spec):
    # featherflow's tf.string is NumPy's object dtype, named 'object' (tests/data/test_guide.py
    # "dtype_names"): both are written as 'string' here
    name = "string" if spec.dtype.name == "object" else spec.dtype.name
    return {"spec": type(spec).__name__, "shape": list(spec.shape), "dtype": name,
            "ragged_rank": getattr(spec, "ragged_rank", None)}


@_add("data_from_tensor_slices")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf))
    return [_spec(ds.element_spec), [e for e in ds]]


@_add("data_from_tensor_slices_rank2")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt2(tf))
    return [_spec(ds.element_spec), [_r(e) for e in ds]]


@_add("data_from_tensors")
def _(tf):
    ds = tf.data.Dataset.from_tensors(_rt(tf))
    return [_spec(ds.element_spec), [_r(e) for e in ds]]


@_add("data_ragged_batch")
def _(tf):
    ds = tf.data.Dataset.range(6).map(lambda x: tf.range(x, dtype=tf.int64))
    batched = ds.ragged_batch(4)
    dropped = ds.ragged_batch(4, drop_remainder=True)
    return [_spec(batched.element_spec), [_r(b) for b in batched],
            _spec(dropped.element_spec), [_r(b) for b in dropped]]


@_add("data_dense_to_ragged_batch")
def _(tf):
    ds = tf.data.Dataset.range(5).map(lambda x: (tf.fill([x % 3, 2], x), x))
    batched = ds.apply(tf.data.experimental.dense_to_ragged_batch(2))
    return [[_spec(s) for s in batched.element_spec],
            [(_r(a), b) for a, b in batched]]


@_add("data_batch_of_ragged")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt2(tf)).batch(2)
    return [_spec(ds.element_spec), [_r(b) for b in ds]]


@_add("data_unbatch_ragged")
def _(tf):
    ds = tf.data.Dataset.from_tensors(_rt(tf)).unbatch()
    rows = tf.data.Dataset.from_tensor_slices(_rt2(tf)).unbatch()
    return [_spec(ds.element_spec), [e for e in ds], _spec(rows.element_spec),
            [e for e in rows]]


@_add("data_map_split")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(["a b c", "d", "e f"]).batch(2)
    ds = ds.map(lambda s: tf.strings.split(s))
    return [_spec(ds.element_spec), [_r(b) for b in ds]]


@_add("data_map_ragged_in_dict")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices({"t": _rt(tf), "y": tf.constant([1, 2, 3, 4])})
    ds = ds.map(lambda d: {"t": d["t"] * 2, "n": tf.shape(d["t"])[0], "y": d["y"]})
    spec = ds.element_spec
    return [{k: _spec(v) for k, v in spec.items()},
            [{k: v for k, v in e.items()} for e in ds]]


@_add("data_ragged_to_dense_map")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf)).ragged_batch(3)
    ds = ds.map(lambda r: r.to_tensor())
    return [_spec(ds.element_spec), list(ds)]


@_add("data_as_numpy_ragged")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf)).ragged_batch(3)
    return [[list(row) for row in v] for v in ds.as_numpy_iterator()]


# -- Keras text and audio -----------------------------------------------------------------

@_add("keras_text_vectorization_ragged")
def _(tf):
    layer = tf.keras.layers.TextVectorization(ragged=True)
    layer.adapt(["the cat sat", "the dog", "a cat and the dog ran"])
    out = layer(tf.constant(["the cat ran", "", "dog sat on the mat"]))
    # Keras 3 on TF lists learned tokens as 0-d NumPy bytes arrays, featherflow (like Keras on other
    # backends) as str: compared as text
    items = [np.asarray(v).item() for v in layer.get_vocabulary()]
    vocabulary = [v.decode() if isinstance(v, bytes) else v for v in items]
    return [_r(out), vocabulary]


@_add("keras_text_vectorization_ragged_ngrams")
def _(tf):
    layer = tf.keras.layers.TextVectorization(ragged=True, ngrams=2, split="whitespace",
                                              standardize=None)
    layer.adapt(["a b", "b c a"])
    return _r(layer(tf.constant(["a b c", "c"])))


@_add("keras_text_vectorization_ragged_max_tokens")
def _(tf):
    layer = tf.keras.layers.TextVectorization(max_tokens=4, ragged=True,
                                              output_sequence_length=None)
    layer.adapt(["x y z x", "y x w"])
    return _r(layer(["x w q", "z z"]))


def _wav(path, samples, rate=8000):
    samples = np.asarray(samples, dtype="<i2")
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    data = samples.tobytes()
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * 2 * channels, 2 * channels, 16)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(data)) + data)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as file:
        file.write(b"RIFF" + struct.pack("<I", len(body)) + body)


def setup(tf, workdir):
    rs = np.random.RandomState(1)
    for label, lengths in (("no", (4, 7, 5)), ("yes", (8, 2))):
        for i, frames in enumerate(lengths):
            _wav(os.path.join(workdir, "mono", label, f"{i}.wav"),
                 rs.randint(-32768, 32768, size=frames))
    for i, frames in enumerate((3, 6)):
        _wav(os.path.join(workdir, "stereo", "s", f"{i}.wav"),
             rs.randint(-32768, 32768, size=(frames, 2)))


@_add("keras_audio_ragged")
def _(tf):
    ds = tf.keras.utils.audio_dataset_from_directory("mono", ragged=True, batch_size=2,
                                                     shuffle=False, verbose=False)
    return [[_spec(s) for s in ds.element_spec], [(_r(a), b) for a, b in ds]]


@_add("keras_audio_ragged_stereo")
def _(tf):
    ds = tf.keras.utils.audio_dataset_from_directory("stereo", ragged=True, batch_size=4,
                                                     shuffle=False, verbose=False)
    return [[_spec(s) for s in ds.element_spec], [(_r(a), b) for a, b in ds]]


# -- more: sparse, strings, data pipelines, edge cases ------------------------------------

def _st(st):
    return {"indices": st.indices, "values": st.values, "dense_shape": st.dense_shape}


@_add("sparse_roundtrip")
def _(tf):
    return [_st(_rt(tf).to_sparse()), _st(_rt2(tf).to_sparse()),
            _r(tf.RaggedTensor.from_sparse(tf.sparse.SparseTensor([[0, 0], [0, 1], [2, 0]],
                                                                  [1, 2, 3], [3, 4]))),
            _st(tf.sparse.from_dense(_rt(tf).to_tensor()))]


@_add("error_from_sparse_gap")
def _(tf):
    st = tf.sparse.SparseTensor([[0, 1]], [1], [2, 3])
    return _r(tf.RaggedTensor.from_sparse(st))


@_add("strings_to_tensor_default")
def _(tf):
    rt = tf.strings.split(tf.constant(["a b c", "", "d"]))
    return [rt.to_tensor(), rt.to_tensor(default_value="<pad>"), rt.to_list(),
            rt.bounding_shape()]


@_add("strings_split_pipeline")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c", "d e f", ""])
    ds = ds.map(tf.strings.split).ragged_batch(3)
    return [_spec(ds.element_spec), [_r(b) for b in ds]]


@_add("data_map_over_ragged_batches")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(_rt(tf)).ragged_batch(2)
    ds = ds.map(lambda r: (r * 2, tf.reduce_sum(r, axis=1), r.row_lengths()))
    return [[_spec(s) for s in ds.element_spec], [tuple(_r(v) for v in e) for e in ds]]


@_add("data_zip_ragged_and_dense_batch")
def _(tf):
    texts = tf.data.Dataset.from_tensor_slices(["x y", "z", "u v w"]).map(tf.strings.split)
    labels = tf.data.Dataset.range(3)
    ds = tf.data.Dataset.zip((texts, labels)).ragged_batch(2)
    return [[_spec(s) for s in ds.element_spec], [(_r(a), b) for a, b in ds]]


@_add("numpy_uniform_rows")
def _(tf):
    return [tf.ragged.constant([[1, 2], [3, 4]]).numpy(),
            tf.ragged.constant([[1.5, 2.0], [3.0, 4.0]]).to_tensor()]


@_add("boolean_mask_ragged_rank2")
def _(tf):
    rt = _rt2(tf)
    return _r(tf.ragged.boolean_mask(rt, rt % 2 == 1))


@_add("error_segment_ids_unsorted")
def _(tf):
    return tf.ragged.segment_ids_to_row_splits([1, 0])


@_add("error_unicode_strict")
def _(tf):
    return _r(tf.strings.unicode_decode(tf.constant([b"ok", b"\xff"]), "UTF-8",
                                        errors="strict"))


@_add("unicode_replace")
def _(tf):
    return [_r(tf.strings.unicode_decode(tf.constant([b"a\xffb", b""]), "UTF-8")),
            _r(tf.strings.unicode_split(tf.constant([b"a\xffb"]), "UTF-8",
                                        errors="ignore"))]


@_add("keras_text_vectorization_ragged_character")
def _(tf):
    layer = tf.keras.layers.TextVectorization(ragged=True, split="character")
    layer.adapt(["abca", "bd"])
    return _r(layer(["abz", "", "dd"]))


@_add("keras_text_vectorization_ragged_in_dataset")
def _(tf):
    layer = tf.keras.layers.TextVectorization(ragged=True)
    layer.adapt(["one two", "two three three"])
    ds = tf.data.Dataset.from_tensor_slices(["one three", "four", "two two two"]).batch(2)
    ds = ds.map(layer)
    return [_spec(ds.element_spec), [_r(b) for b in ds]]


@_add("data_map_ragged_then_batch")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c", "d e f"])
    ds = ds.map(lambda s: tf.strings.split(tf.stack([s, s]))).batch(2)
    return [_spec(ds.element_spec), [_r(b) for b in ds]]


@_add("error_batch_of_variable_dense")
def _(tf):
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c"]).map(tf.strings.split).batch(2)
    return list(ds)
