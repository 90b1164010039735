"""Scenarios for the tf.data base: sources, map/filter, batch, slicing, zip/concatenate,
iterators, options and cardinalities (featherflow/data/ lead-owned modules)."""

import numpy as np


def _values(ds):
    return list(ds.as_numpy_iterator())


def _spec_card(ds):
    return {"spec": ds.element_spec, "card": int(ds.cardinality())}


_X = np.arange(12, dtype=np.float64).reshape(6, 2)


SCENARIOS = {
    # -- from_tensor_slices: conversions and structures
    "slices_int_list": lambda tf: _values(tf.data.Dataset.from_tensor_slices([1, 2, 3])),
    "slices_int_list_spec": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices([1, 2])),
    "slices_float_list_spec": lambda tf: _spec_card(
        tf.data.Dataset.from_tensor_slices([1.5, 2.0])),
    "slices_float64_array": lambda tf: [_values(tf.data.Dataset.from_tensor_slices(_X)),
                                        _spec_card(tf.data.Dataset.from_tensor_slices(_X))],
    "slices_strings": lambda tf: [_values(tf.data.Dataset.from_tensor_slices(["a", "héllo"])),
                                  _spec_card(tf.data.Dataset.from_tensor_slices(["a"]))],
    "slices_tuple": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (np.arange(3), np.array([[1.0, 2], [3, 4], [5, 6]], np.float32)))),
    "slices_tuple_spec": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices(
        (np.arange(3), np.zeros((3, 4, 5), np.float32)))),
    "slices_dict": lambda tf: [_values(tf.data.Dataset.from_tensor_slices(
        {"b": [1, 2], "a": [[1.0], [2.0]]})), _spec_card(tf.data.Dataset.from_tensor_slices(
            {"b": [1, 2], "a": [[1.0], [2.0]]}))],
    "slices_nested": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ({"x": [1, 2]}, ([3, 4], [5.0, 6.0])))),
    "slices_bool_uint8": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices(
        (np.array([True, False]), np.zeros((2, 3), np.uint8)))),
    "slices_mismatch": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        (np.arange(3), np.arange(4)))),
    "slices_scalar": lambda tf: _values(tf.data.Dataset.from_tensor_slices(5)),
    "slices_large_int": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices([2 ** 40])),
    "slices_empty": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices(
        np.zeros((0, 3), np.float32))),
    # -- from_tensors and range
    "from_tensors": lambda tf: [_values(tf.data.Dataset.from_tensors(([1, 2], "s"))),
                                _spec_card(tf.data.Dataset.from_tensors(([1, 2], "s")))],
    "range_stop": lambda tf: _values(tf.data.Dataset.range(5)),
    "range_start_stop_step": lambda tf: _values(tf.data.Dataset.range(2, 11, 3)),
    "range_negative": lambda tf: _values(tf.data.Dataset.range(5, 0, -2)),
    "range_empty": lambda tf: _spec_card(tf.data.Dataset.range(5, 2)),
    "range_dtype": lambda tf: _spec_card(tf.data.Dataset.range(3, output_type=tf.int32)),
    "range_spec": lambda tf: _spec_card(tf.data.Dataset.range(10)),
    # -- map and filter
    "map_tuple_args": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2], [3, 4])).map(lambda a, b: a * 10 + b)),
    "map_returns_list": lambda tf: [_values(tf.data.Dataset.range(3).map(lambda x: [x, x * 2])),
                                    tf.data.Dataset.range(3).map(
                                        lambda x: [x, x * 2]).element_spec],
    "map_returns_dict": lambda tf: _values(tf.data.Dataset.range(2).map(
        lambda x: {"v": x, "sq": x * x})),
    "map_cast_spec": lambda tf: _spec_card(tf.data.Dataset.range(4).map(
        lambda x: tf.cast(x, tf.float32) / 2)),
    "map_parallel_order": lambda tf: _values(tf.data.Dataset.range(50).map(
        lambda x: x * 3, num_parallel_calls=4)),
    "map_autotune": lambda tf: _values(tf.data.Dataset.range(20).map(
        lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)),
    "map_dict_element": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        {"a": [1, 2], "b": [3, 4]}).map(lambda d: d["a"] + d["b"])),
    "map_string": lambda tf: _values(tf.data.Dataset.from_tensor_slices(["a", "b"]).map(
        lambda s: (s, 1))),
    "filter_values": lambda tf: _values(tf.data.Dataset.range(10).filter(
        lambda x: x % 3 == 0)),
    "filter_card": lambda tf: [int(tf.data.Dataset.range(10).filter(
        lambda x: x > 2).cardinality()), int(tf.data.Dataset.range(10).repeat().filter(
            lambda x: x > 2).cardinality())],
    "filter_tuple": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ([1, 2, 3], [0, 1, 0])).filter(lambda x, y: y == 0)),
    # -- batch
    "batch_values": lambda tf: _values(tf.data.Dataset.range(7).batch(3)),
    "batch_drop": lambda tf: [_values(tf.data.Dataset.range(7).batch(3, drop_remainder=True)),
                              _spec_card(tf.data.Dataset.range(7).batch(
                                  3, drop_remainder=True))],
    "batch_spec": lambda tf: _spec_card(tf.data.Dataset.from_tensor_slices(
        (np.zeros((10, 4), np.float32), np.arange(10))).batch(4)),
    "batch_dict": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        {"a": [1, 2, 3]}).batch(2)),
    "batch_of_batch": lambda tf: _values(tf.data.Dataset.range(8).batch(2).batch(2)),
    "batch_ragged_error": lambda tf: _values(tf.data.Dataset.range(1, 4).map(
        lambda x: tf.fill([x], x)).batch(3)),
    "batch_zero": lambda tf: _values(tf.data.Dataset.range(3).batch(0)),
    "batch_infinite_card": lambda tf: [int(tf.data.Dataset.range(3).repeat().batch(
        2).cardinality()), int(tf.data.Dataset.range(5).filter(
            lambda x: x > 0).batch(2).cardinality())],
    "batch_fast_path_dict": lambda tf: _values(tf.data.Dataset.from_tensor_slices(
        ({"z": np.arange(5), "a": np.arange(5) * 2}, np.arange(5) % 2)).batch(2)),
    # -- repeat, take, skip, shard
    "repeat_values": lambda tf: _values(tf.data.Dataset.range(3).repeat(2)),
    "repeat_card": lambda tf: [int(tf.data.Dataset.range(3).repeat(c).cardinality())
                               for c in (None, -1, 0, 1, 4)],
    "repeat_empty_forever": lambda tf: _values(tf.data.Dataset.range(0).repeat()),
    "repeat_unknown_card": lambda tf: [
        int(tf.data.Dataset.range(3).filter(lambda x: x > 0).repeat().cardinality()),
        int(tf.data.Dataset.range(3).filter(lambda x: x > 0).repeat(2).cardinality())],
    "take_values": lambda tf: [_values(tf.data.Dataset.range(10).take(3)),
                               _values(tf.data.Dataset.range(3).take(-1)),
                               _values(tf.data.Dataset.range(3).take(10))],
    "take_card": lambda tf: [int(tf.data.Dataset.range(10).take(c).cardinality())
                             for c in (-1, 0, 3, 20)] + [
        int(tf.data.Dataset.range(10).repeat().take(4).cardinality()),
        int(tf.data.Dataset.range(10).filter(lambda x: x > 1).take(4).cardinality()),
        int(tf.data.Dataset.range(10).filter(lambda x: x > 1).take(0).cardinality())],
    "skip_values": lambda tf: [_values(tf.data.Dataset.range(5).skip(2)),
                               _values(tf.data.Dataset.range(5).skip(-1)),
                               _values(tf.data.Dataset.range(5).skip(9))],
    "skip_card": lambda tf: [int(tf.data.Dataset.range(10).skip(c).cardinality())
                             for c in (-1, 0, 3, 20)] + [
        int(tf.data.Dataset.range(10).repeat().skip(4).cardinality())],
    "shard_values": lambda tf: [_values(tf.data.Dataset.range(10).shard(3, i))
                                for i in range(3)],
    "shard_card": lambda tf: [int(tf.data.Dataset.range(10).shard(3, i).cardinality())
                              for i in range(3)],
    "shard_bad_index": lambda tf: _values(tf.data.Dataset.range(10).shard(3, 3)),
    # -- zip, concatenate, enumerate
    "zip_tuple": lambda tf: [_values(tf.data.Dataset.zip(
        (tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)))),
        int(tf.data.Dataset.zip((tf.data.Dataset.range(3),
                                 tf.data.Dataset.range(10, 15))).cardinality())],
    "zip_varargs": lambda tf: _values(tf.data.Dataset.zip(
        tf.data.Dataset.range(2), tf.data.Dataset.from_tensor_slices(["a", "b"]))),
    "zip_dict": lambda tf: [_values(tf.data.Dataset.zip(
        {"x": tf.data.Dataset.range(2), "y": tf.data.Dataset.range(5, 7)})),
        tf.data.Dataset.zip({"x": tf.data.Dataset.range(2),
                             "y": tf.data.Dataset.range(5, 7)}).element_spec],
    "zip_nested": lambda tf: _values(tf.data.Dataset.zip(
        (tf.data.Dataset.range(2), (tf.data.Dataset.range(2), tf.data.Dataset.range(3))))),
    "zip_infinite_card": lambda tf: int(tf.data.Dataset.zip(
        (tf.data.Dataset.range(3).repeat(), tf.data.Dataset.range(4))).cardinality()),
    "concat_values": lambda tf: [_values(tf.data.Dataset.range(3).concatenate(
        tf.data.Dataset.range(10, 12))), int(tf.data.Dataset.range(3).concatenate(
            tf.data.Dataset.range(10, 12)).cardinality())],
    "concat_spec_relax": lambda tf: tf.data.Dataset.from_tensors(np.zeros(3)).concatenate(
        tf.data.Dataset.from_tensors(np.zeros(4))).element_spec,
    "concat_incompatible": lambda tf: tf.data.Dataset.range(3).concatenate(
        tf.data.Dataset.from_tensor_slices([1.0])).element_spec,
    "enumerate_values": lambda tf: [_values(tf.data.Dataset.from_tensor_slices(
        ["a", "b"]).enumerate(start=5)), tf.data.Dataset.range(2).enumerate().element_spec],
    # -- whole-dataset
    "reduce_sum": lambda tf: tf.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x),
    "reduce_tuple_state": lambda tf: tf.data.Dataset.range(4).reduce(
        (np.int64(0), np.int64(1)), lambda s, x: (s[0] + x, s[1] * (x + 1))),
    "single_element": lambda tf: tf.data.Dataset.from_tensors([1, 2]).get_single_element(),
    "single_element_empty": lambda tf: tf.data.Dataset.range(0).get_single_element(),
    "single_element_many": lambda tf: tf.data.Dataset.range(2).get_single_element(),
    "len_known": lambda tf: len(tf.data.Dataset.range(7).batch(2)),
    "len_infinite": lambda tf: len(tf.data.Dataset.range(7).repeat()),
    "len_unknown": lambda tf: len(tf.data.Dataset.range(7).filter(lambda x: x > 2)),
    "iterator_get_next": lambda tf: [iter(tf.data.Dataset.range(2)).get_next(),
                                     _get_next_past_end(tf)],
    "optional": lambda tf: _optional(tf),
    "apply": lambda tf: _values(tf.data.Dataset.range(4).apply(lambda d: d.skip(1).take(2))),
    "prefetch_values": lambda tf: [_values(tf.data.Dataset.range(30).map(
        lambda x: x * 2).prefetch(3)), _values(tf.data.Dataset.range(5).prefetch(
            tf.data.AUTOTUNE)), int(tf.data.Dataset.range(5).prefetch(1).cardinality())],
    "options_roundtrip": lambda tf: _options(tf),
    "assert_cardinality_ok": lambda tf: _values(tf.data.Dataset.range(3).filter(
        lambda x: True).apply(tf.data.experimental.assert_cardinality(3))),
    "assert_cardinality_bad": lambda tf: _values(tf.data.Dataset.range(3).apply(
        tf.data.experimental.assert_cardinality(5))),
    "tensorspec_repr": lambda tf: repr(tf.TensorSpec(shape=(None, 28), dtype=tf.float32)),
    "tensorspec_compat": lambda tf: [
        tf.TensorSpec([None, 2], tf.float32).is_compatible_with(tf.TensorSpec([3, 2],
                                                                              tf.float32)),
        tf.TensorSpec([None, 2], tf.float32).is_compatible_with(tf.TensorSpec([3, 3],
                                                                              tf.float32)),
        tf.TensorSpec([2], tf.float32).is_compatible_with(tf.TensorSpec([2], tf.int32))],
    "dataset_repr": lambda tf: repr(tf.data.Dataset.range(3).batch(2).element_spec),
    "experimental_cardinality": lambda tf: [
        int(tf.data.experimental.cardinality(tf.data.Dataset.range(3))),
        tf.data.experimental.INFINITE_CARDINALITY, tf.data.experimental.UNKNOWN_CARDINALITY,
        tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY, tf.data.AUTOTUNE],
}


def _get_next_past_end(tf):
    it = iter(tf.data.Dataset.range(1))
    it.get_next()
    try:
        it.get_next()
    except tf.errors.OutOfRangeError:
        return "OutOfRangeError"
    return "no error"


def _optional(tf):
    it = iter(tf.data.Dataset.range(1))
    a = it.get_next_as_optional()
    b = it.get_next_as_optional()
    return [bool(a.has_value()), a.get_value(), bool(b.has_value())]


def _options(tf):
    options = tf.data.Options()
    options.deterministic = False
    options.threading.private_threadpool_size = 3
    ds = tf.data.Dataset.range(3).with_options(options)
    other = tf.data.Options()
    other.experimental_optimization.map_fusion = True
    ds = ds.map(lambda x: x).with_options(other)
    got = ds.options()
    return [got.deterministic, got.threading.private_threadpool_size,
            got.experimental_optimization.map_fusion, got.experimental_deterministic,
            _values(ds)]
