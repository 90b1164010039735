"""tf.keras.preprocessing.sequence's older helpers (skipgrams, make_sampling_table,
TimeseriesGenerator), recorded from TensorFlow 2.21's tf.keras (Keras 3.15). skipgrams draws from
Python's ``random`` module, so each scenario seeds it first."""

import random

import numpy as np

SEQ = [1, 2, 3, 0, 4, 5, 6, 7, 2, 3]


def _skip(tf, seed_global, **kwargs):
    random.seed(seed_global)
    couples, labels = tf.keras.preprocessing.sequence.skipgrams(SEQ, **kwargs)
    return [[list(map(int, c)) for c in couples],
            [list(map(int, v)) if isinstance(v, list) else int(v) for v in labels]]


def _generator(tf, **kwargs):
    np.random.seed(7)
    data = np.arange(40, dtype="float64").reshape(20, 2)
    targets = np.arange(20) * 10
    gen = tf.keras.preprocessing.sequence.TimeseriesGenerator(data, targets, **kwargs)
    return {"len": len(gen), "batches": [list(gen[i]) for i in range(len(gen))]}


SCENARIOS = {
    "sampling_table_10": lambda tf: tf.keras.preprocessing.sequence.make_sampling_table(10),
    "sampling_table_factor": lambda tf: tf.keras.preprocessing.sequence.make_sampling_table(
        50, sampling_factor=1e-3),
    "skipgrams_no_negatives": lambda tf: _skip(tf, 3, vocabulary_size=8, window_size=2,
                                               negative_samples=0, shuffle=False),
    "skipgrams_default": lambda tf: _skip(tf, 11, vocabulary_size=8),
    "skipgrams_seeded_shuffle": lambda tf: _skip(tf, 5, vocabulary_size=8, window_size=1,
                                                 negative_samples=2.0, seed=42),
    "skipgrams_categorical": lambda tf: _skip(tf, 9, vocabulary_size=8, window_size=1,
                                              negative_samples=0.5, categorical=True),
    "skipgrams_sampling_table": lambda tf: _skip(
        tf, 13, vocabulary_size=8, window_size=2, sampling_table=np.linspace(0.1, 1.0, 8),
        seed=1),
    "timeseries_plain": lambda tf: _generator(tf, length=3, batch_size=4),
    "timeseries_rate_stride": lambda tf: _generator(tf, length=6, sampling_rate=2, stride=3,
                                                    start_index=2, end_index=17, batch_size=2),
    "timeseries_reverse": lambda tf: _generator(tf, length=4, reverse=True, batch_size=5),
    "timeseries_shuffle": lambda tf: _generator(tf, length=2, shuffle=True, batch_size=3),
}
