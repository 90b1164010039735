"""keras.utils.timeseries_dataset_from_array against Keras 3.15.1 (windows, order, batches)."""

import numpy as np

import featherflow as tf
from tests.data.scenarios import scenario_test

test_keras_scenario, workdir = scenario_test("timeseries")


def test_fit_on_windows():
    data = np.sin(np.arange(200, dtype=np.float32) / 10).reshape(-1, 1)
    ds = tf.keras.utils.timeseries_dataset_from_array(
        data[:-8], data[8:, 0], sequence_length=8, batch_size=16, shuffle=True, seed=0)
    model = tf.keras.Sequential([tf.keras.Input((8, 1)), tf.keras.layers.Flatten(),
                                 tf.keras.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(ds, epochs=2, verbose=0, shuffle=False)
    assert len(history.history["loss"]) == 2
