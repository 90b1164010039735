"""Scenarios for the Dataset transformations of issue 12: padded_batch, unbatch, rebatch,
window, flat_map/interleave, group_by_window, bucket_by_sequence_length, take_while, scan,
unique, cache and save/load (values, order, element_spec, cardinality, error classes)."""

import numpy as np


def _values(ds):
    return list(ds.as_numpy_iterator())


def _card(ds):
    return int(ds.cardinality())


def _spec(value):
    """Specs made comparable: a DatasetSpec as ("DatasetSpec", its element spec)."""
    if type(value).__name__ == "DatasetSpec":
        return ("DatasetSpec", _spec(value.element_spec))
    if isinstance(value, tuple):
        return tuple(_spec(v) for v in value)
    if isinstance(value, dict):
        return {k: _spec(v) for k, v in value.items()}
    return value


def _spec_card(ds):
    return {"spec": _spec(ds.element_spec), "card": _card(ds)}


def _ragged(tf, lengths, dtype=np.int64):
    """Vectors of the given lengths (filled with the length) whose spec is (None,) in both
    libraries: concatenate relaxes the shapes without tracing a function."""
    ds = None
    for n in lengths:
        d = tf.data.Dataset.from_tensors(np.full(n, n, dtype))
        ds = d if ds is None else ds.concatenate(d)
    return ds


def _filled(tf, stop=5):
    return tf.data.Dataset.range(1, stop).map(lambda x: tf.fill([x], x))


# -- padded_batch -------------------------------------------------------------------------

PADDED = {
    "pb_values": lambda tf: _values(_filled(tf).padded_batch(2)),
    "pb_spec_default": lambda tf: [_spec_card(_ragged(tf, [1, 3, 2]).padded_batch(2)),
                                   _values(_ragged(tf, [1, 3, 2]).padded_batch(2))],
    "pb_fixed_shape": lambda tf: [_spec_card(_ragged(tf, [1, 3, 2]).padded_batch(
        2, padded_shapes=[5])), _values(_ragged(tf, [1, 3, 2]).padded_batch(
            2, padded_shapes=[5]))],
    "pb_drop_remainder": lambda tf: [
        _spec_card(_ragged(tf, [1, 3, 2]).padded_batch(2, padded_shapes=[-1],
                                                       drop_remainder=True)),
        _values(_ragged(tf, [1, 3, 2]).padded_batch(2, drop_remainder=True))],
    "pb_static_input_specs": lambda tf: [
        tf.data.Dataset.from_tensor_slices(np.zeros((4, 3))).padded_batch(
            2, padded_shapes=shape).element_spec for shape in ([-1], [None], [5], None)],
    "pb_too_small_at_run_time": lambda tf: _values(_ragged(tf, [1, 4]).padded_batch(
        2, padded_shapes=[3])),
    "pb_too_small_static": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.zeros((4, 3))).padded_batch(2, padded_shapes=[2]).element_spec,
    "pb_rank_mismatch": lambda tf: _ragged(tf, [1, 2]).padded_batch(
        2, padded_shapes=[3, 3]).element_spec,
    "pb_padding_value": lambda tf: _values(_filled(tf).padded_batch(
        2, padding_values=np.int64(-1))),
    "pb_padding_python_int_for_int64": lambda tf: _values(_filled(tf).padded_batch(
        2, padding_values=-1)),
    "pb_padding_float_for_int64": lambda tf: _values(_filled(tf).padded_batch(
        2, padding_values=-1.0)),
    "pb_padding_not_scalar": lambda tf: _values(_filled(tf).padded_batch(
        2, padding_values=np.array([1, 2], np.int64))),
    "pb_strings": lambda tf: [_values(_strings(tf).padded_batch(2)), _values(
        _strings(tf).padded_batch(2, padding_values="x")), _strings(tf).padded_batch(
            2).element_spec],
    "pb_tuple_nests": lambda tf: _values(_filled(tf).map(
        lambda x: (x, tf.cast(x, tf.float32))).padded_batch(
            2, padded_shapes=([4], [None]), padding_values=(np.int64(7), 0.5))),
    "pb_tuple_shapes_as_tuples": lambda tf: _values(_filled(tf).map(
        lambda x: (x, tf.cast(x, tf.float32))).padded_batch(2, padded_shapes=((4,), (None,)))),
    "pb_one_padding_for_all": lambda tf: _values(_filled(tf).map(
        lambda x: (x, x * 2)).padded_batch(3, padding_values=np.int64(9))),
    "pb_scalars": lambda tf: [_values(tf.data.Dataset.range(3).padded_batch(2)),
                              _spec_card(tf.data.Dataset.range(3).padded_batch(2))],
    "pb_cardinality": lambda tf: [_card(_filled(tf).padded_batch(3)), _card(
        _filled(tf).padded_batch(3, drop_remainder=True)), _card(
        _filled(tf).repeat().padded_batch(3)), _card(_filled(tf).filter(
            lambda x: True).padded_batch(3))],
    "pb_bool": lambda tf: _values(tf.data.Dataset.range(1, 3).map(
        lambda x: tf.fill([x], True)).padded_batch(2)),
    "pb_2d": lambda tf: _values(tf.data.Dataset.range(1, 3).map(
        lambda x: tf.fill([x, 3 - x], x)).padded_batch(2)),
    "pb_2d_partly_fixed": lambda tf: _values(tf.data.Dataset.range(1, 3).map(
        lambda x: tf.fill([x, 3 - x], x)).padded_batch(2, padded_shapes=[3, None])),
    "pb_tensorshape": lambda tf: _ragged(tf, [1, 2]).padded_batch(
        2, padded_shapes=tf.TensorShape([None])).element_spec,
    "pb_dict": lambda tf: _values(tf.data.Dataset.range(1, 5).map(lambda x: {
        "a": tf.fill([x], x), "b": tf.cast(tf.fill([x], x), tf.float32)}).padded_batch(
            2, padding_values={"a": np.int64(0), "b": 9.0})),
    "pb_dict_shapes": lambda tf: _values(tf.data.Dataset.range(1, 5).map(lambda x: {
        "a": tf.fill([x], x), "b": tf.cast(tf.fill([x], x), tf.float32)}).padded_batch(
            2, padded_shapes={"a": [4], "b": [None]})),
    "pb_batch_size_zero": lambda tf: _values(_filled(tf).padded_batch(0)),
}


def _strings(tf):
    return tf.data.Dataset.from_tensors(tf.constant(["a"])).concatenate(
        tf.data.Dataset.from_tensors(tf.constant(["b", "c"])))


# -- unbatch and rebatch ------------------------------------------------------------------

def _mismatched(tf):
    first = tf.data.Dataset.from_tensors((np.zeros(2), np.zeros(2)))
    return first.concatenate(tf.data.Dataset.from_tensors((np.zeros(3), np.zeros(2))))


UNBATCH = {
    "unbatch_values": lambda tf: _values(tf.data.Dataset.range(10).batch(4).unbatch()),
    "unbatch_cardinality": lambda tf: [_card(d) for d in (
        tf.data.Dataset.range(10).batch(4).unbatch(),
        tf.data.Dataset.range(12).batch(4, drop_remainder=True).unbatch(),
        tf.data.Dataset.from_tensors(np.zeros((3, 2))).unbatch(),
        tf.data.Dataset.from_tensors(np.zeros((3, 2))).repeat().unbatch(),
        tf.data.Dataset.range(10).batch(4).repeat().unbatch(),
        tf.data.Dataset.range(0).batch(4, drop_remainder=True).unbatch())],
    "unbatch_spec": lambda tf: [tf.data.Dataset.range(10).batch(4).unbatch().element_spec,
                                tf.data.Dataset.from_tensors((np.zeros((3, 2)), np.zeros(3)))
                                .unbatch().element_spec,
                                _ragged(tf, [2, 3]).batch(2).unbatch().element_spec],
    "unbatch_unknown_dims": lambda tf: [_spec_card(_ragged(tf, [2, 3]).unbatch()),
                                        _values(_ragged(tf, [2, 3]).unbatch())],
    "unbatch_scalar": lambda tf: tf.data.Dataset.range(3).unbatch().element_spec,
    "unbatch_static_mismatch": lambda tf: tf.data.Dataset.from_tensors(
        (np.zeros((3, 2)), np.zeros(4))).unbatch().element_spec,
    "unbatch_run_time_mismatch": lambda tf: _values(_mismatched(tf).unbatch()),
    "unbatch_strings_dict": lambda tf: [_values(tf.data.Dataset.from_tensors(
        ["a", "b"]).unbatch()), _values(tf.data.Dataset.from_tensor_slices(
            {"x": np.arange(6).reshape(3, 2), "y": np.arange(3) * 1.5}).batch(2).unbatch())],
    "rebatch_list": lambda tf: _values(tf.data.Dataset.range(8).batch(4).rebatch([2, 1, 1])),
    "rebatch_scalar": lambda tf: [_values(tf.data.Dataset.range(10).batch(4).rebatch(3)),
                                  _values(tf.data.Dataset.range(10).batch(4).rebatch(
                                      3, drop_remainder=True))],
    "rebatch_list_drop": lambda tf: [
        _values(tf.data.Dataset.range(9).batch(4).rebatch([2, 3], drop_remainder=True)),
        _values(tf.data.Dataset.range(9).batch(4).rebatch([2, 3]))],
    "rebatch_spec": lambda tf: [
        tf.data.Dataset.range(10).batch(4).rebatch(3).element_spec,
        tf.data.Dataset.range(10).batch(4).rebatch(3, True).element_spec,
        tf.data.Dataset.range(10).batch(4, True).rebatch([3, 1], True).element_spec,
        tf.data.Dataset.range(10).batch(4, True).rebatch([3, 3], True).element_spec],
    "rebatch_cardinality": lambda tf: [_card(d) for d in (
        tf.data.Dataset.range(10).batch(4).rebatch(3),
        tf.data.Dataset.range(12).batch(4, True).rebatch(2),
        tf.data.Dataset.range(12).batch(4, True).rebatch([2, 1, 1]))],
    "rebatch_scalar_elements": lambda tf: _values(tf.data.Dataset.range(9).rebatch(2)),
    "rebatch_tuple": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (np.arange(6), np.arange(6) * 10)).batch(4).rebatch(3)),
}


# -- window -------------------------------------------------------------------------------

WINDOW = {
    "window_spec": lambda tf: _spec_card(tf.data.Dataset.range(7).window(3)),
    "window_nested_spec": lambda tf: [
        _spec(tf.data.Dataset.from_tensor_slices((np.arange(4), np.zeros((4, 2)))).window(
            2).element_spec),
        _spec(tf.data.Dataset.from_tensor_slices({"a": np.arange(4)}).window(2).element_spec)],
    "window_values": lambda tf: _values(tf.data.Dataset.range(7).window(3).flat_map(
        lambda w: w.batch(3))),
    "window_shift_stride": lambda tf: [
        _values(tf.data.Dataset.range(7).window(3, shift=2, stride=2).flat_map(
            lambda w: w.batch(3))),
        _card(tf.data.Dataset.range(7).window(3, shift=2, stride=2))],
    "window_drop_remainder": lambda tf: [
        _values(tf.data.Dataset.range(7).window(3, shift=2, stride=2, drop_remainder=True)
                .flat_map(lambda w: w.batch(3))),
        _card(tf.data.Dataset.range(7).window(3, shift=2, stride=2, drop_remainder=True))],
    "window_cardinalities": lambda tf: [
        _card(tf.data.Dataset.range(n).window(s, shift, stride, drop)) for n, s, shift,
        stride, drop in [(10, 3, 1, 1, True), (10, 3, 1, 1, False), (10, 4, 3, 2, True),
                         (10, 4, 3, 2, False), (2, 3, 1, 1, True), (0, 3, 1, 1, False),
                         (10, 3, None, 1, False), (10, 2, 5, 1, True)]] + [
        _card(tf.data.Dataset.range(3).repeat().window(2)),
        _card(tf.data.Dataset.range(3).filter(lambda x: True).window(2))],
    "window_sliding_flat_map": lambda tf: _values(tf.data.Dataset.range(7).window(
        5, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(5))),
    "window_big_shift": lambda tf: _values(tf.data.Dataset.range(12).window(
        3, shift=5).flat_map(lambda w: w.batch(3))),
    "window_tuple_flat_map": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (np.arange(4), np.arange(4) * 2)).window(2).flat_map(
            lambda a, b: tf.data.Dataset.zip((a.batch(2), b.batch(2))))),
    "window_dict_flat_map": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        {"a": np.arange(5), "b": np.arange(5) * 1.5}).window(2).flat_map(
            lambda d: d["b"].batch(2))),
    "window_inner_cardinality": lambda tf: _values(tf.data.Dataset.range(7).window(3)
                                                   .flat_map(lambda w: tf.data.Dataset
                                                             .from_tensors(w.cardinality()))),
    "window_map_reduce": lambda tf: _values(tf.data.Dataset.range(7).window(3).map(
        lambda w: w.reduce(np.int64(0), lambda s, x: s + x))),
    "window_filter_full": lambda tf: _values(tf.data.Dataset.range(7).window(3).filter(
        lambda w: w.cardinality() == 3).flat_map(lambda w: w.batch(3))),
    "window_size_zero": lambda tf: tf.data.Dataset.range(3).window(0).element_spec,
    "window_shift_zero": lambda tf: tf.data.Dataset.range(3).window(2, shift=0).element_spec,
    "window_stride_zero": lambda tf: tf.data.Dataset.range(3).window(2, stride=0).element_spec,
    "window_batched_time_series": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        np.arange(20, dtype=np.float32).reshape(10, 2)).window(4, shift=3, drop_remainder=True)
        .flat_map(lambda w: w.batch(4)).batch(2)),
}


# -- flat_map and interleave --------------------------------------------------------------

def _lengths(tf, x):
    return tf.data.Dataset.range(x * 10, x * 10 + x)


def _short(tf, x):
    return tf.data.Dataset.range(x * 10, x * 10 + (5 - x))


INTERLEAVE = {
    "interleave_cycle2": lambda tf: _values(tf.data.Dataset.range(1, 6).interleave(
        lambda x: _lengths(tf, x), cycle_length=2)),
    "interleave_cycle3_block2": lambda tf: _values(tf.data.Dataset.range(1, 6).interleave(
        lambda x: _lengths(tf, x), cycle_length=3, block_length=2)),
    "interleave_default_cycle": lambda tf: _values(tf.data.Dataset.range(1, 6).interleave(
        lambda x: _lengths(tf, x))),
    "interleave_default_cycle_block2": lambda tf: _values(tf.data.Dataset.range(1, 6)
                                                          .interleave(lambda x: _lengths(tf, x),
                                                                      block_length=2)),
    "interleave_shrinking": lambda tf: [_values(tf.data.Dataset.range(6).interleave(
        lambda x: _short(tf, x), cycle_length=c, block_length=b)) for c, b in
        ((2, 1), (3, 2), (4, 1), (1, 3), (6, 1), (8, 2))],
    "interleave_docs_example": lambda tf: _values(tf.data.Dataset.range(1, 6).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(6), cycle_length=2, block_length=4)),
    "interleave_parallel_order": lambda tf: [_values(tf.data.Dataset.range(1, 6).interleave(
        lambda x: _lengths(tf, x), cycle_length=c, block_length=b, num_parallel_calls=p))
        for c, b, p in ((2, 1, 2), (3, 2, 3), (3, 2, 2), (4, 1, -1))],
    "interleave_parallel_shrinking": lambda tf: [_values(tf.data.Dataset.range(6).interleave(
        lambda x: _short(tf, x), cycle_length=c, block_length=b, num_parallel_calls=-1))
        for c, b in ((2, 1), (3, 2), (4, 1))],
    "interleave_nondeterministic_values": lambda tf: sorted(
        int(v) for v in _values(tf.data.Dataset.range(1, 6).interleave(
            lambda x: _lengths(tf, x), cycle_length=2, num_parallel_calls=2,
            deterministic=False))),
    "interleave_too_many_calls": lambda tf: _values(tf.data.Dataset.range(3).interleave(
        lambda x: _lengths(tf, x), cycle_length=2, num_parallel_calls=3)),
    "interleave_cycle_zero": lambda tf: _values(tf.data.Dataset.range(3).interleave(
        lambda x: _lengths(tf, x), cycle_length=0)),
    "interleave_block_zero": lambda tf: _values(tf.data.Dataset.range(3).interleave(
        lambda x: _lengths(tf, x), cycle_length=2, block_length=0)),
    "interleave_autotuned_cycle": lambda tf: [_values(tf.data.Dataset.range(5).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(2), num_parallel_calls=p))
        for p in (-1, 1, 2)],
    "interleave_autotuned_too_many_calls": lambda tf: _values(tf.data.Dataset.range(3)
                                                              .interleave(
        lambda x: _lengths(tf, x), num_parallel_calls=64)),
    "interleave_parallel_cardinality": lambda tf: [_card(d) for d in (
        tf.data.Dataset.range(3).repeat().interleave(lambda x: _lengths(tf, x),
                                                     cycle_length=2),
        tf.data.Dataset.range(3).repeat().interleave(lambda x: _lengths(tf, x),
                                                     cycle_length=2, num_parallel_calls=2),
        tf.data.Dataset.range(3).interleave(lambda x: _lengths(tf, x), cycle_length=2,
                                            num_parallel_calls=2))],
    "interleave_tuple_args": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2], [3, 4])).interleave(lambda a, b: tf.data.Dataset.from_tensors(a + b)
                                     .repeat(2), cycle_length=2)),
    "interleave_empty_inner": lambda tf: _values(tf.data.Dataset.range(4).interleave(
        lambda x: tf.data.Dataset.range(x % 2 * 3), cycle_length=2)),
    "interleave_cardinality": lambda tf: [_card(d) for d in (
        tf.data.Dataset.range(3).interleave(lambda x: _lengths(tf, x), cycle_length=2),
        tf.data.Dataset.range(3).flat_map(lambda x: _lengths(tf, x)),
        tf.data.Dataset.range(3).flat_map(lambda x: tf.data.Dataset.range(2)),
        tf.data.Dataset.range(3).repeat().flat_map(lambda x: _lengths(tf, x)))],
    "interleave_files_pattern": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        [[1, 2, 3], [4, 5, 6], [7, 8, 9]]).interleave(
            lambda row: tf.data.Dataset.from_tensor_slices(row), cycle_length=3,
            block_length=1)),
    "flat_map_values": lambda tf: _values(tf.data.Dataset.range(4).flat_map(
        lambda x: tf.data.Dataset.range(x))),
    "flat_map_spec": lambda tf: tf.data.Dataset.range(3).flat_map(
        lambda x: tf.data.Dataset.from_tensors((x, [1.0]))).element_spec,
    "flat_map_tuple_args": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2], [3, 4])).flat_map(lambda a, b: tf.data.Dataset.from_tensor_slices([a, b]))),
    "flat_map_dict": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        {"k": [1, 2]}).flat_map(lambda d: tf.data.Dataset.from_tensors(d["k"]).repeat(2))),
}


# -- group_by_window and bucket_by_sequence_length ----------------------------------------

def _keys(values):
    return np.array(values, np.int64)


GROUPING = {
    "gbw_values": lambda tf: _values(tf.data.Dataset.range(10).group_by_window(
        lambda x: x % 3, lambda k, w: w.batch(2), window_size=2)),
    "gbw_leftovers_by_key": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _keys([5, 1, 3, 5, 1])).group_by_window(lambda x: 10 - x, lambda k, w: w.batch(10),
                                                window_size=10)),
    "gbw_reduce_gets_key": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        _keys([5, 1, 3, 5, 1])).group_by_window(
            lambda x: x, lambda k, w: tf.data.Dataset.from_tensors(k), window_size=10)),
    "gbw_window_size_func": lambda tf: _values(tf.data.Dataset.range(12).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(5), window_size_func=lambda k: k + 2)),
    "gbw_spec_card": lambda tf: [_spec_card(tf.data.Dataset.range(12).group_by_window(
        lambda x: x % 2, lambda k, w: w.batch(5), window_size=3)), _card(
        tf.data.Dataset.range(3).repeat().group_by_window(
            lambda x: x, lambda k, w: w, window_size=2))],
    "gbw_int32_key": lambda tf: _values(tf.data.Dataset.range(4).group_by_window(
        lambda x: tf.cast(x, tf.int32), lambda k, w: w, window_size=2)),
    "gbw_both_sizes": lambda tf: tf.data.Dataset.range(4).group_by_window(
        lambda x: x, lambda k, w: w, window_size=2, window_size_func=lambda k: k).element_spec,
    "gbw_no_size": lambda tf: tf.data.Dataset.range(4).group_by_window(
        lambda x: x, lambda k, w: w).element_spec,
    "gbw_window_size_zero": lambda tf: _values(tf.data.Dataset.range(4).group_by_window(
        lambda x: x, lambda k, w: w, window_size_func=lambda k: k - k)),
    "gbw_tuple_elements": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2, 3, 4], [5, 6, 7, 8])).group_by_window(
            lambda a, b: tf.cast(a % 2, tf.int64), lambda k, w: w.batch(2), window_size=2)),
    "gbw_reduce_not_dataset": lambda tf: _values(tf.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: k, window_size=2)),
    "gbw_reduce_map_spec": lambda tf: [_spec(tf.data.Dataset.range(3).group_by_window(
        lambda x: x, lambda k, w: w.map(lambda e: (e, k)), window_size=2).element_spec),
        _values(tf.data.Dataset.range(5).group_by_window(
            lambda x: x % 2, lambda k, w: w.map(lambda e: (e, k)), window_size=2))],
    "gbw_window_cardinality": lambda tf: _values(tf.data.Dataset.range(7).group_by_window(
        lambda x: x % 2, lambda k, w: tf.data.Dataset.from_tensors(w.cardinality()),
        window_size=3)),
    "bucket_values": lambda tf: [b.tolist() for b in _values(_filled(tf, 8)
                                                            .bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2]))],
    "bucket_spec": lambda tf: [_spec_card(_ragged(tf, [1, 4, 2, 6, 3]).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2], **kw)) for kw in (
            {}, {"drop_remainder": True}, {"padded_shapes": [7]}, {"no_padding": True})],
    "bucket_pad_to_boundary": lambda tf: [b.tolist() for b in _values(
        _ragged(tf, [1, 4, 2, 6, 3, 2]).bucket_by_sequence_length(
            lambda x: tf.shape(x)[0], [3, 5, 8], [2, 2, 2, 2], pad_to_bucket_boundary=True))],
    "bucket_pad_to_boundary_mapped": lambda tf: [b.tolist() for b in _values(
        _filled(tf, 8).bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 5, 8],
                                                 [2, 2, 2, 2], pad_to_bucket_boundary=True))],
    "bucket_pad_to_boundary_spec": lambda tf: _ragged(tf, [1, 4]).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5, 8], [2, 2, 2, 2],
        pad_to_bucket_boundary=True).element_spec,
    "bucket_pad_to_boundary_too_long": lambda tf: _values(_ragged(tf, [1, 9]).
                                                          bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5, 8], [2, 2, 2, 2], pad_to_bucket_boundary=True)),
    "bucket_no_padding": lambda tf: [b.tolist() for b in _values(
        tf.data.Dataset.range(10).bucket_by_sequence_length(
            lambda x: tf.cast(x % 3, tf.int32), [1, 2], [2, 3, 2], no_padding=True))],
    "bucket_drop_remainder": lambda tf: [b.tolist() for b in _values(_filled(tf, 9)
                                                                    .bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2], drop_remainder=True))],
    "bucket_padding_values": lambda tf: [b.tolist() for b in _values(_filled(tf, 6)
                                                                    .bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3], [2, 3], padding_values=np.int64(-1)))],
    "bucket_sizes_mismatch": lambda tf: _filled(tf).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], [3, 5], [2, 2]).element_spec,
    "bucket_tuple_elements": lambda tf: [[a.tolist() for a in b] for b in _values(
        _filled(tf, 7).map(lambda x: (x, x * 2)).bucket_by_sequence_length(
            lambda x, y: tf.shape(x)[0], [4], [2, 2]))],
}


# -- take_while, scan, unique -------------------------------------------------------------

SCAN_UNIQUE = {
    "take_while_values": lambda tf: [_values(tf.data.Dataset.range(10).take_while(
        lambda x: x < 4)), _values(tf.data.Dataset.range(3).take_while(lambda x: x > 5)),
        _values(tf.data.Dataset.range(5).repeat().take_while(lambda x: x < 3))],
    "take_while_cardinality": lambda tf: [_card(tf.data.Dataset.range(10).take_while(
        lambda x: x < 4)), _card(tf.data.Dataset.range(10).repeat().take_while(
            lambda x: x < 4))],
    "take_while_tuple": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2, 3], [1, 1, 0])).take_while(lambda a, b: b > 0)),
    "take_while_not_bool": lambda tf: _values(tf.data.Dataset.range(3).take_while(
        lambda x: x)),
    "take_while_not_scalar": lambda tf: _values(tf.data.Dataset.range(3).take_while(
        lambda x: tf.fill([2], True))),
    "scan_values": lambda tf: _values(tf.data.Dataset.range(5).scan(
        np.int64(0), lambda s, x: (s + x, s * 10))),
    "scan_tuple_element": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2], [3, 4])).scan(0, lambda s, e: (s + e[0], e[1]))),
    "scan_tuple_state": lambda tf: _values(tf.data.Dataset.range(3).scan(
        (np.int64(0), np.int64(1)), lambda s, x: ((s[0] + x, s[1] * 2), s[0] + s[1]))),
    "scan_dict_state": lambda tf: _values(tf.data.Dataset.range(3).scan(
        {"a": np.int64(0)}, lambda s, x: ({"a": s["a"] + x}, s["a"]))),
    "scan_spec_card": lambda tf: [_spec_card(tf.data.Dataset.range(5).scan(
        np.int64(0), lambda s, x: (s + x, tf.cast(s, tf.float32)))), _card(
        tf.data.Dataset.range(5).repeat().scan(np.int64(0), lambda s, x: (s + x, s)))],
    "scan_restarts_each_pass": lambda tf: (lambda d: [_values(d), _values(d)])(
        tf.data.Dataset.range(3).scan(np.int64(0), lambda s, x: (s + x, s))),
    "scan_growing_state": lambda tf: _values(tf.data.Dataset.range(3).scan(
        tf.constant([0], tf.int64), lambda s, x: (tf.concat([s, [x]], 0), tf.size(s)))),
    "scan_running_mean": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        np.array([2.0, 4.0, 9.0], np.float32)).scan(
            (tf.constant(0.0), tf.constant(0.0)),
            lambda s, x: ((s[0] + x, s[1] + 1.0), (s[0] + x) / (s[1] + 1.0)))),
    "unique_values": lambda tf: [_values(tf.data.Dataset.from_tensor_slices(
        [1, 3, 1, 2, 3]).unique()), _values(tf.data.Dataset.from_tensor_slices(
            ["a", "b", "a"]).unique()), _values(tf.data.Dataset.from_tensor_slices(
                [[1, 2], [1, 2], [2, 1]]).unique()), _values(tf.data.Dataset.range(5).map(
                    lambda x: x % 2).unique())],
    "unique_float": lambda tf: tf.data.Dataset.from_tensor_slices([1.0]).unique().element_spec,
    "unique_int16": lambda tf: tf.data.Dataset.from_tensor_slices(
        np.array([1], np.int16)).unique().element_spec,
    "unique_tuple": lambda tf: tf.data.Dataset.from_tensor_slices(
        ([1], [2])).unique().element_spec,
    "unique_spec_card": lambda tf: [_spec_card(tf.data.Dataset.range(3).unique()),
                                    _card(tf.data.Dataset.range(3).repeat().unique())],
}


# -- cache and save/load ------------------------------------------------------------------

def _counted(tf, calls, n=4):
    def gen():
        calls.append(1)
        yield from range(n)
    return tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int64))


def _cache_partial(tf, filename=""):
    calls = []
    ds = _counted(tf, calls).cache(filename)
    it = iter(ds)
    next(it)
    del it
    out = [len(calls)]
    for _ in range(2):
        out.append(_values(ds))
        out.append(len(calls))
    return out


def _cache_take(tf):
    calls = []
    ds = _counted(tf, calls).cache()
    return [_values(ds.take(2)), len(calls), _values(ds), len(calls), _values(ds),
            len(calls)]


def _cache_repeat(tf):
    calls = []
    ds = _counted(tf, calls).cache().repeat(3)
    return [_values(ds), len(calls)]


def _cache_file(tf):
    calls = []
    ds = _counted(tf, calls).cache("cache_a")
    first = [_values(ds), len(calls), _values(ds), len(calls)]
    again = _counted(tf, calls).cache("cache_a")
    return first + [_values(again), len(calls)]


def _cache_file_other_spec(tf):
    calls = []
    _values(_counted(tf, calls).cache("cache_b"))
    return _values(tf.data.Dataset.from_tensor_slices([1.0, 2.0]).cache("cache_b"))


def _saved(tf, name, ds, **kwargs):
    ds.save(name, **kwargs)
    return name


CACHE_SAVE = {
    "cache_memory_partial_first_pass": lambda tf: _cache_partial(tf),
    "cache_memory_take": _cache_take,
    "cache_memory_repeat": _cache_repeat,
    "cache_cardinality_spec": lambda tf: [_spec_card(tf.data.Dataset.range(5).cache()),
                                          _card(tf.data.Dataset.range(5).repeat().cache())],
    "cache_nested_values": lambda tf: (lambda d: [_values(d), _values(d)])(
        tf.data.Dataset.from_tensor_slices(({"s": ["a", "bc"]}, [[1.5], [2.5]])).cache()),
    "cache_file_reused": _cache_file,
    "cache_file_partial_first_pass": lambda tf: _cache_partial(tf, "cache_c"),
    "cache_file_other_spec": _cache_file_other_spec,
    "cache_file_missing_folder": lambda tf: _values(tf.data.Dataset.range(3).cache(
        "no_such_folder/c")),
    "cache_shuffle_then_cache": lambda tf: (lambda d: _values(d) == _values(d))(
        tf.data.Dataset.range(20).shuffle(20).cache()),
    "save_load_roundtrip": lambda tf: _spec_card(tf.data.Dataset.load(
        _saved(tf, "saved_a", tf.data.Dataset.range(10)))) | {"values": _values(
            tf.data.Dataset.load("saved_a"))},
    "save_load_sharded_default_reader": lambda tf: (lambda d: [_values(d), _card(d)])(
        tf.data.Dataset.load(_saved(tf, "saved_b", tf.data.Dataset.range(10),
                                    shard_func=lambda x: x % 3))),
    "save_load_reader_func": lambda tf: [
        _values(tf.data.Dataset.load(_saved(tf, "saved_c", tf.data.Dataset.range(10),
                                            shard_func=lambda x: x % 3),
                                     reader_func=lambda dss: dss.flat_map(lambda x: x))),
        _values(tf.data.Dataset.load("saved_c", reader_func=lambda dss: dss.interleave(
            lambda x: x, cycle_length=3)))],
    "save_bad_shard_func": lambda tf: tf.data.Dataset.range(3).save(
        "saved_d", shard_func=lambda x: tf.cast(x, tf.int32)),
    "save_load_gzip_nested": lambda tf: (lambda d: [_values(d), d.element_spec])(
        tf.data.Dataset.load(_saved(tf, "saved_e", tf.data.Dataset.from_tensor_slices(
            ({"a": [1, 2], "b": ["x", "yy"]}, [[1.5], [2.5]])), compression="GZIP"),
            compression="GZIP")),
    "load_gzip_without_compression": lambda tf: _values(tf.data.Dataset.load(_saved(
        tf, "saved_f", tf.data.Dataset.range(3), compression="GZIP"))),
    "load_missing": lambda tf: _values(tf.data.Dataset.load("saved_nothing_here")),
    "load_given_spec": lambda tf: _values(tf.data.Dataset.load(
        _saved(tf, "saved_g", tf.data.Dataset.range(4)),
        element_spec=tf.TensorSpec((), tf.int64))),
    "load_wrong_spec": lambda tf: _values(tf.data.Dataset.load(
        _saved(tf, "saved_h", tf.data.Dataset.range(4)),
        element_spec=tf.TensorSpec((), tf.float32))),
    "save_overwrites": lambda tf: [_values(tf.data.Dataset.load(_saved(
        tf, "saved_i", tf.data.Dataset.range(5)))), _values(tf.data.Dataset.load(_saved(
            tf, "saved_i", tf.data.Dataset.range(2))))],
    "save_filtered_cardinality": lambda tf: _card(tf.data.Dataset.load(_saved(
        tf, "saved_j", tf.data.Dataset.range(10).filter(lambda x: x > 4)))),
    "save_load_padded_strings": lambda tf: _values(tf.data.Dataset.load(_saved(
        tf, "saved_k", _strings(tf).padded_batch(2)))),
}


def _nondeterministic_options(tf):
    options = tf.data.Options()
    options.deterministic = False
    ds = tf.data.Dataset.range(1, 6).interleave(lambda x: _lengths(tf, x), cycle_length=2,
                                                num_parallel_calls=2)
    return sorted(int(v) for v in _values(ds.with_options(options)))


COMPOSED = {
    "composed_window_then_padded_batch": lambda tf: _values(tf.data.Dataset.range(10).window(
        3).flat_map(lambda w: w.batch(3)).padded_batch(2)),
    "composed_padded_then_unbatch": lambda tf: [_values(_ragged(tf, [1, 3, 2]).padded_batch(
        2).unbatch()), _spec_card(_ragged(tf, [1, 3, 2]).padded_batch(2).unbatch())],
    "composed_window_inside_interleave": lambda tf: _values(tf.data.Dataset.range(3)
                                                            .interleave(
        lambda x: tf.data.Dataset.range(x, x + 5).window(2).flat_map(lambda w: w.batch(2)),
        cycle_length=2)),
    "composed_group_padded": lambda tf: [_values(_ragged(tf, [1, 2, 3, 4, 5]).group_by_window(
        lambda v: tf.cast(tf.shape(v)[0] % 2, tf.int64), lambda k, w: w.padded_batch(2),
        window_size=2)), _ragged(tf, [1, 2]).group_by_window(
        lambda v: tf.cast(tf.shape(v)[0] % 2, tf.int64), lambda k, w: w.padded_batch(2),
        window_size=2).element_spec],
    "composed_options_nondeterministic": _nondeterministic_options,
    "composed_load_reader_func_cardinality": lambda tf: _card(tf.data.Dataset.load(_saved(
        tf, "saved_l", tf.data.Dataset.range(4)), reader_func=lambda dss: dss.flat_map(
            lambda x: x))),
    "composed_scan_then_unique": lambda tf: _values(tf.data.Dataset.range(10).scan(
        np.int64(0), lambda s, x: (s + 1, s // 3)).unique()),
    "composed_take_while_window": lambda tf: _values(tf.data.Dataset.range(20).take_while(
        lambda x: x < 7).window(3, drop_remainder=True).flat_map(lambda w: w.batch(3))),
}


def _experimental_save_load(tf):
    tf.data.experimental.save(tf.data.Dataset.range(3), "saved_m")
    return _values(tf.data.experimental.load("saved_m"))


EXPERIMENTAL = {
    "exp_group_by_window": lambda tf: _values(tf.data.Dataset.range(7).apply(
        tf.data.experimental.group_by_window(lambda x: x % 2, lambda k, w: w.batch(3),
                                             window_size=3))),
    "exp_bucket_by_sequence_length": lambda tf: [b.tolist() for b in _values(
        _filled(tf, 7).apply(tf.data.experimental.bucket_by_sequence_length(
            lambda x: tf.shape(x)[0], [3], [2, 2])))],
    "exp_scan": lambda tf: _values(tf.data.Dataset.range(4).apply(
        tf.data.experimental.scan(np.int64(1), lambda s, x: (s * 2, s + x)))),
    "exp_take_while": lambda tf: _values(tf.data.Dataset.range(9).apply(
        tf.data.experimental.take_while(lambda x: x < 2))),
    "exp_unique": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        [3, 3, 1]).apply(tf.data.experimental.unique())),
    "exp_unbatch": lambda tf: _values(tf.data.Dataset.range(5).batch(2).apply(
        tf.data.experimental.unbatch())),
    "exp_save_load": _experimental_save_load,
    "exp_parallel_interleave": lambda tf: _values(tf.data.Dataset.range(1, 6).apply(
        tf.data.experimental.parallel_interleave(lambda x: _lengths(tf, x), cycle_length=2))),
}


SCENARIOS = {**PADDED, **UNBATCH, **WINDOW, **INTERLEAVE, **GROUPING, **SCAN_UNIQUE,
             **CACHE_SAVE, **COMPOSED,
             **EXPERIMENTAL}
