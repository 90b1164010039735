"""SwapEMAWeights against Keras 3.15.1 (tests/fixtures/keras/namespaces_extra/callbacks.json,
from tools/keras_fixtures/namespaces_extra.py): validation losses on the averaged weights,
what a later callback sees at each epoch end, the weights after fit (the averages, as Keras
writes them at the end of fit), evaluate/predict swaps and Keras's predict quirk."""

import json
from pathlib import Path

import numpy as np
import pytest

from featherflow import keras

FIXTURE = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "keras"
                      / "namespaces_extra" / "callbacks.json").read_text())
DATA = {k: np.asarray(v, np.float32) for k, v in FIXTURE["data"].items()}


def _model(weights):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    model.set_weights([np.asarray(w, np.float32) for w in weights])
    return model


def _close(actual, expected, what):
    assert len(actual) == len(expected), what
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, np.asarray(e), rtol=1e-5, atol=1e-6, err_msg=what)


@pytest.mark.parametrize("case", ["swap_on_epoch", "swap_for_validation"])
def test_swap_ema_weights_matches_keras(case):
    fx = FIXTURE[case]
    x, y, xv, yv = DATA["x"], DATA["y"], DATA["x_val"], DATA["y_val"]
    model = _model(fx["weights"])
    model.compile(optimizer=keras.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.8),
                  loss="mse")
    seen = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0,
                        validation_data=(xv, yv),
                        callbacks=[keras.callbacks.SwapEMAWeights(fx["swap_on_epoch"]), record])
    for key, values in fx["history"].items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-5, err_msg=key)
    for epoch, (got, expected) in enumerate(zip(seen, fx["seen_at_epoch_end"])):
        _close(got, expected, f"weights seen at the end of epoch {epoch}")
    _close(model.get_weights(), fx["after_fit"], "weights after fit")
    averages = model.optimizer._model_variables_moving_average
    _close([v.numpy() for v in averages], fx["averages_after_fit"], "averages after fit")

    for i in range(3):
        model.train_on_batch(x[4 * i:4 * i + 4], y[4 * i:4 * i + 4])
    _close(model.get_weights(), fx["raw_after_steps"], "weights after train_on_batch")
    cb = keras.callbacks.SwapEMAWeights()
    np.testing.assert_allclose(model.evaluate(xv, yv, verbose=0), fx["evaluate_plain"],
                               rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(xv, yv, verbose=0, callbacks=[cb]),
                               fx["evaluate_swapped"], rtol=1e-5)
    _close(model.get_weights(), fx["after_evaluate"], "weights after evaluate")
    np.testing.assert_allclose(model.predict(xv, verbose=0, callbacks=[cb]),
                               fx["predict_swapped"], rtol=1e-5, atol=1e-6)
    # Keras 3.15.1 leaves the averages in the model after predict ...
    _close(model.get_weights(), fx["after_predict"], "weights after predict")
    np.testing.assert_allclose(model.evaluate(xv, yv, verbose=0, callbacks=[cb]),
                               fx["evaluate_after_predict"], rtol=1e-5)
    # ... and the next evaluate with the callback swaps the raw weights back at its end.
    _close(model.get_weights(), fx["after_second_evaluate"], "weights after evaluate")


def test_swap_ema_weights_needs_use_ema():
    assert FIXTURE["no_ema_error"]["error"] == "ValueError"
    model = _model(FIXTURE["swap_on_epoch"]["weights"])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(DATA["x"], DATA["y"], epochs=1, verbose=0)
    with pytest.raises(ValueError, match="use_ema=True"):
        model.evaluate(DATA["x_val"], DATA["y_val"], verbose=0,
                       callbacks=[keras.callbacks.SwapEMAWeights()])
