# ruff: noqa: E501 - a table of one-line scenarios
"""tf.bitwise, tf.sets, tf.bitcast and tf.as_string, recorded from TensorFlow 2.21 eagerly
(values, dtypes, shapes, and the error classes of refused inputs)."""

import numpy as np


def _sp(tf, s):
    return [s.indices, s.values, s.dense_shape]


def _sparse(tf, indices, values, shape, dtype="int32"):
    return tf.SparseTensor(indices, tf.constant(values, dtype), shape)


A = [[1, 2, 2, 0], [3, 3, 3, 3]]
B = [[2, 5, 0, 0], [4, 3, 1, 1]]
SA = ([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]], [1, 2, 3, 4, 5, 6],
      [2, 2, 2])
SB = ([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1], [1, 1, 2],
       [1, 1, 3]], [1, 3, 2, 4, 5, 5, 6, 7, 8], [2, 2, 4])
DENSE3 = [[[1, 5], [3, 3]], [[9, 4], [6, 2]]]

SCENARIOS = {}
for _dt in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
    SCENARIOS[f"bitwise_all_{_dt}"] = (lambda tf, d=_dt: [
        tf.bitwise.bitwise_and(tf.constant([12, 10, 7], d), tf.constant([10, 6, 1], d)),
        tf.bitwise.bitwise_or(tf.constant([12, 10, 7], d), tf.constant([10, 6, 1], d)),
        tf.bitwise.bitwise_xor(tf.constant([12, 10, 7], d), tf.constant([10, 6, 1], d)),
        tf.bitwise.invert(tf.constant([0, 5, 100], d)),
        tf.bitwise.left_shift(tf.constant([1, 3, 100, 1], d), tf.constant([1, 2, 3, 60], d)),
        tf.bitwise.right_shift(tf.constant([64, 100, 7, 255], d), tf.constant([1, 3, 70, 2], d))])
SCENARIOS.update({
    "bitwise_shift_clamp_int8": lambda tf: [
        tf.bitwise.left_shift(tf.constant([1, 1, 1, -8], tf.int8), tf.constant([1, 7, 9, -1], tf.int8)),
        tf.bitwise.right_shift(tf.constant([64, -64, 5, -1], tf.int8), tf.constant([1, 9, -1, 3], tf.int8))],
    "bitwise_shift_negative_int32": lambda tf: [
        tf.bitwise.left_shift(tf.constant([-1, -3, 2**30]), tf.constant([4, 31, 1])),
        tf.bitwise.right_shift(tf.constant([-1, -17, 2**31 - 1]), tf.constant([4, 2, 40]))],
    "bitwise_broadcast": lambda tf: tf.bitwise.bitwise_or(tf.constant([[1], [2]]), tf.constant([4, 8])),
    "bitwise_python_operand": lambda tf: [tf.bitwise.bitwise_and([5, 6], 3),
                                          tf.bitwise.bitwise_and(tf.constant([5, 6], tf.int64), 3)],
    "bitwise_float_refused": lambda tf: tf.bitwise.bitwise_and(tf.constant([1.]), tf.constant([1.])),
    "bitwise_dtype_mismatch": lambda tf: tf.bitwise.bitwise_xor(tf.constant([1], tf.int32), tf.constant([1], tf.int64)),
    "bitwise_invert_float": lambda tf: tf.bitwise.invert(tf.constant([1.])),
    "bitwise_invert_bool": lambda tf: tf.bitwise.invert(tf.constant([True])),
    "sets_dense_intersection": lambda tf: _sp(tf, tf.sets.intersection(tf.constant(A), tf.constant(B))),
    "sets_dense_union": lambda tf: _sp(tf, tf.sets.union(tf.constant(A), tf.constant(B))),
    "sets_dense_difference": lambda tf: _sp(tf, tf.sets.difference(tf.constant(A), tf.constant(B))),
    "sets_dense_difference_bminusa": lambda tf: _sp(tf, tf.sets.difference(tf.constant(A), tf.constant(B), aminusb=False)),
    "sets_rank3_dense": lambda tf: _sp(tf, tf.sets.union(tf.constant(DENSE3), tf.constant(DENSE3[::-1]))),
    "sets_sparse_sparse": lambda tf: [_sp(tf, f(_sparse(tf, *SA), _sparse(tf, *SB)))
                                      for f in (tf.sets.intersection, tf.sets.union, tf.sets.difference)],
    "sets_dense_sparse": lambda tf: [_sp(tf, f(tf.constant(DENSE3), _sparse(tf, *SB)))
                                     for f in (tf.sets.intersection, tf.sets.union, tf.sets.difference)],
    "sets_sparse_dense_flips": lambda tf: [_sp(tf, f(_sparse(tf, *SB), tf.constant(DENSE3)))
                                           for f in (tf.sets.intersection, tf.sets.union, tf.sets.difference)],
    "sets_size": lambda tf: [tf.sets.size(_sparse(tf, *SA)), tf.sets.size(_sparse(tf, *SB)),
                             tf.sets.size(tf.sparse.from_dense(tf.constant(A)))],
    "sets_size_dense_refused": lambda tf: tf.sets.size(tf.constant(A)),
    "sets_strings": lambda tf: [_sp(tf, f(tf.constant([["b", "a", "c"], ["x", "x", "y"]]), tf.constant([["c", "d", "a"], ["y", "z", "z"]])))
                                for f in (tf.sets.intersection, tf.sets.union, tf.sets.difference)],
    "sets_int64_uint8": lambda tf: [_sp(tf, tf.sets.union(tf.constant([[5, 1]], tf.int64), tf.constant([[2, 5]], tf.int64))),
                                    _sp(tf, tf.sets.intersection(tf.constant([[5, 1]], tf.uint8), tf.constant([[2, 5]], tf.uint8)))],
    "sets_empty_result": lambda tf: _sp(tf, tf.sets.intersection(tf.constant([[1, 2]]), tf.constant([[3, 4]]))),
    "sets_float_refused": lambda tf: tf.sets.union(tf.constant([[1.]]), tf.constant([[2.]])),
    "sets_type_mismatch": lambda tf: tf.sets.union(tf.constant([[1]]), tf.constant([[2]], tf.int64)),
    "sets_group_shape_mismatch": lambda tf: tf.sets.union(tf.constant([[1], [2]]), tf.constant([[2]])),
    "sets_rank1_refused": lambda tf: tf.sets.union(tf.constant([1]), tf.constant([2])),
    "bitcast_float_to_int": lambda tf: tf.bitcast(tf.constant([1., 2., -0.5]), tf.int32),
    "bitcast_to_narrower": lambda tf: tf.bitcast(tf.constant([[1., 2.]]), tf.uint8),
    "bitcast_to_wider": lambda tf: tf.bitcast(tf.constant([[1, 2, 3, 4], [255, 0, 0, 128]], tf.uint8), tf.int32),
    "bitcast_complex": lambda tf: [tf.bitcast(tf.constant([1 + 2j], tf.complex64), tf.float32),
                                   tf.math.imag(tf.bitcast(tf.constant([[1., 2.]], tf.float64), tf.complex128))],
    "bitcast_int64_float64": lambda tf: tf.bitcast(tf.constant([4607182418800017408], tf.int64), tf.float64),
    "bitcast_bad_last_dim": lambda tf: tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.int32),
    "bitcast_scalar_to_wider": lambda tf: tf.bitcast(tf.constant(1, tf.uint8), tf.int32),
    "bitcast_string_refused": lambda tf: tf.bitcast(tf.constant(["a"]), tf.int32),
    "as_string_float": lambda tf: [tf.as_string(tf.constant([1.5, 2.25, -3.125])),
                                   tf.as_string(tf.constant([1e10, 1e-7, 123456789.0])),
                                   tf.as_string(tf.constant([np.nan, np.inf, -np.inf]))],
    "as_string_options": lambda tf: [tf.as_string(tf.constant([3, 42]), width=5, fill="0"),
                                     tf.as_string(tf.constant([1.23456]), precision=2, scientific=True),
                                     tf.as_string(tf.constant([1.5, 0.0001234, 1e20]), shortest=True),
                                     tf.as_string(tf.constant([1.23456]), precision=3),
                                     tf.as_string(tf.constant([-3]), width=4),
                                     tf.as_string(tf.constant([7]), fill=" ", width=3),
                                     tf.as_string(tf.constant([5.5]), width=10, fill="0"),
                                     tf.as_string(tf.constant([-5.5]), width=10, fill="0"),
                                     tf.as_string(tf.constant([12.5]), precision=2, shortest=True),
                                     tf.as_string(tf.constant([9]), width=4, fill="-")],
    "as_string_types": lambda tf: [tf.as_string(tf.constant([True, False])),
                                   tf.as_string(tf.constant([1 + 2j], tf.complex64)),
                                   tf.as_string(tf.constant([5.0], tf.float64)),
                                   tf.as_string(tf.constant([5.0], tf.float16)),
                                   tf.as_string(tf.constant([5, 250], tf.uint8)),
                                   tf.as_string(tf.constant([-9000000000], tf.int64)),
                                   tf.as_string(tf.constant([[1, 2], [3, 4]], tf.int16)),
                                   tf.as_string(tf.constant(["x", "yz"]))],
    "as_string_precision_int_refused": lambda tf: tf.as_string(tf.constant([1]), precision=2),
    "as_string_scientific_int_refused": lambda tf: tf.as_string(tf.constant([1]), scientific=True),
    "as_string_long_fill_refused": lambda tf: tf.as_string(tf.constant([1.]), fill="ab"),
    "as_string_both_notations_refused": lambda tf: tf.as_string(tf.constant([1.]), scientific=True, shortest=True),
})
