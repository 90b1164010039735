"""Scenarios for keras.utils.timeseries_dataset_from_array (featherflow/utils/timeseries.py),
recorded with Keras 3.15.1 on TF 2.21."""

import numpy as np

_DATA = np.arange(100, dtype=np.float64).reshape(50, 2)
_TARGETS = np.arange(50, dtype=np.int64) * 10


def _ts(tf, *args, **kwargs):
    return list(tf.keras.utils.timeseries_dataset_from_array(*args, **kwargs)
                .as_numpy_iterator())


SCENARIOS = {
    "keras_example_1": lambda tf: [b.tolist() for b in _ts(
        tf, np.arange(99), None, sequence_length=10, sampling_rate=2, sequence_stride=3,
        batch_size=128)],
    "regression": lambda tf: _ts(tf, _DATA[:-5], _TARGETS[5:], sequence_length=5,
                                 batch_size=8),
    "shuffled_seed": lambda tf: _ts(tf, _DATA, _TARGETS, sequence_length=4, batch_size=6,
                                    shuffle=True, seed=3),
    "unbatched_shuffled": lambda tf: _ts(tf, _DATA, None, sequence_length=3, batch_size=None,
                                         shuffle=True, seed=1)[:10],
    "start_end": lambda tf: _ts(tf, _DATA, _TARGETS, sequence_length=3, sequence_stride=2,
                                start_index=5, end_index=30, batch_size=4),
    "spec": lambda tf: tf.keras.utils.timeseries_dataset_from_array(
        _DATA, _TARGETS, sequence_length=7, batch_size=4).element_spec,
    "bad_stride": lambda tf: _ts(tf, _DATA, None, sequence_length=3, sequence_stride=0),
    "bad_start": lambda tf: _ts(tf, _DATA, None, sequence_length=3, start_index=60),
}


def _split(tf, dataset, **kwargs):
    left, right = tf.keras.utils.split_dataset(dataset, **kwargs)
    return [list(left.as_numpy_iterator()), list(right.as_numpy_iterator())]


SCENARIOS.update({
    "split_array": lambda tf: _split(tf, np.arange(10), left_size=0.8),
    "split_tuple_ints": lambda tf: _split(tf, (_DATA[:10], _TARGETS[:10]), left_size=3,
                                          right_size=4),
    "split_shuffled": lambda tf: _split(tf, np.arange(20), right_size=0.25, shuffle=True,
                                        seed=5),
    "split_batched_dataset": lambda tf: _split(
        tf, tf.data.Dataset.from_tensor_slices((_DATA[:9], _TARGETS[:9])).batch(2),
        left_size=0.5),
    "split_dict_dataset": lambda tf: _split(
        tf, tf.data.Dataset.from_tensor_slices({"a": _TARGETS[:6]}), left_size=2),
    "split_no_sizes": lambda tf: _split(tf, np.arange(10)),
    "split_too_big": lambda tf: _split(tf, np.arange(10), left_size=6, right_size=5),
})
