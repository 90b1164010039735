"""tf.keras.preprocessing.sequence's skipgrams / make_sampling_table / TimeseriesGenerator
against TensorFlow 2.21's tf.keras (tools/data_fixtures/keras_sequence.py; the same Python
``random`` / NumPy seeds give the same pairs and batches), the word2vec tutorial's flow, and
the errors."""

import random

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_keras_sequence_scenario, workdir = scenario_test("keras_sequence")

seq = tf.keras.preprocessing.sequence


def test_word2vec_tutorial_flow():
    # tensorflow.org's word2vec tutorial: positive pairs, then one candidate-sampled context
    random.seed(0)
    example = [1, 2, 3, 4, 5, 1, 6, 7]
    pairs, labels = seq.skipgrams(example, vocabulary_size=8, window_size=2,
                                  negative_samples=0)
    assert len(pairs) == 26 and set(labels) == {1}
    assert all(abs(example.index(t) - example.index(c)) <= 2 or t == 1 or c == 1
               for t, c in pairs)
    table = seq.make_sampling_table(4096)
    assert table.shape == (4096,) and np.all((table > 0) & (table <= 1))
    assert np.all(np.diff(table[1:]) >= 0)  # rarer ranks are kept more often


def test_negative_pairs_are_in_vocabulary_and_labelled_zero():
    random.seed(1)
    pairs, labels = seq.skipgrams([3, 1, 4, 1, 5], vocabulary_size=6, window_size=1,
                                  negative_samples=3.0, shuffle=False)
    positives = labels.count(1)
    assert labels.count(0) == 3 * positives
    assert all(1 <= c < 6 for (_, c), lab in zip(pairs, labels) if lab == 0)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="negative_samples"):
        seq.skipgrams([1, 2], vocabulary_size=3, negative_samples=-1)
    with pytest.raises(ValueError, match="vocabulary_size"):
        seq.skipgrams([1, 1, 1], vocabulary_size=1)
    with pytest.raises(ValueError, match="same length"):
        seq.TimeseriesGenerator(np.zeros(5), np.zeros(4), length=2)
    with pytest.raises(ValueError, match="end_index"):
        seq.TimeseriesGenerator(np.zeros(5), np.zeros(5), length=5)
    with pytest.raises(ValueError, match="batch_size"):
        seq.TimeseriesGenerator(np.zeros(5), np.zeros(5), length=2, batch_size=0)


def test_timeseries_generator_trains_and_serializes():
    data = np.sin(np.arange(60, dtype="float32") / 5)[:, None]
    gen = seq.TimeseriesGenerator(data, data[:, 0], length=5, batch_size=8)
    model = tf.keras.Sequential([tf.keras.Input((5, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    config = gen.get_config()  # Keras 3.15's raises AttributeError here; tf_keras's works
    assert config["length"] == 5 and config["start_index"] == 5
    assert '"class_name": "TimeseriesGenerator"' in gen.to_json()
