"""A Keras 2 file whose recurrent layers use ``hard_sigmoid``, and what each Keras predicts.

Keras 2 (tf_keras, standalone Keras 2.x) defines ``hard_sigmoid(x) = clip(0.2 x + 0.5, 0, 1)``;
Keras 3 defines it as ``relu6(x + 3) / 6`` (Keras 3.15 cannot load this file: its LSTM refuses
the ``time_major`` argument Keras 2 writes). Recorded: the file (written by tf_keras 2.21), its
predictions under tf_keras, and under Keras 3.15 for the same architecture and weights.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, rng_for, save_npz


def run():
    import keras
    import tf_keras as k

    folder = OUT / "legacy_hard_sigmoid"
    folder.mkdir(parents=True, exist_ok=True)
    rng = rng_for("legacy_hard_sigmoid")
    x = rng.normal(size=(4, 6, 3)).astype("float32") * 2
    k.backend.clear_session()
    k.utils.set_random_seed(1)
    model = k.Sequential([
        k.layers.InputLayer(input_shape=(6, 3)),
        k.layers.LSTM(5, recurrent_activation="hard_sigmoid", return_sequences=True),
        k.layers.GRU(4, recurrent_activation="hard_sigmoid"),
        k.layers.Dense(2, activation="hard_sigmoid"),
    ])
    path = folder / "lstm_gru_hard_sigmoid.h5"
    model.save(path)
    y_keras2 = model.predict(x, verbose=0)
    keras.config.set_floatx("float32")
    again = keras.Sequential([
        keras.Input((6, 3)),
        keras.layers.LSTM(5, recurrent_activation="hard_sigmoid", return_sequences=True),
        keras.layers.GRU(4, recurrent_activation="hard_sigmoid"),
        keras.layers.Dense(2, activation="hard_sigmoid"),
    ])
    again.set_weights(model.get_weights())
    y_keras3 = again.predict(x, verbose=0)
    save_npz("legacy_hard_sigmoid/lstm_gru_hard_sigmoid",
             {"x": x, "y_keras2": y_keras2, "y_keras3": y_keras3})
