"""Hyperband two ways on one small regression: KerasTuner's bracket schedule (retraining
promoted trials from checkpoints) and Optuna's HyperbandPruner (``pruner="hyperband"``:
every configuration trains until the pruner stops it). Prints, per mode and seed, the trials,
the epochs trained in all, the best val_loss and the wall time (docs/tuning.md quotes it).

    /work/venv-dev/bin/python bench/tuner_hyperband_modes.py
"""

import contextlib
import io
import tempfile
import time

import numpy as np

import featherflow as tf
import featherflow.keras_tuner as kt

rng = np.random.default_rng(0)
X = rng.uniform(-1, 1, size=(256, 4)).astype("float32")
Y = np.sin(X @ np.array([[1.5], [-1.0], [0.5], [2.0]], "float32")).astype("float32")


def build(hp):
    model = tf.keras.Sequential([
        tf.keras.Input((4,)),
        tf.keras.layers.Dense(hp.Int("units", 2, 32, sampling="log"), activation="tanh"),
        tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.Adam(hp.Float("lr", 1e-4, 3e-1, sampling="log")),
                  loss="mse")
    return model


class Counting(kt.Hyperband):
    epochs = 0

    def on_epoch_end(self, trial, model, epoch, logs=None):
        type(self).epochs += 1


def run(pruner, seed):
    Counting.epochs = 0
    with tempfile.TemporaryDirectory() as folder:
        tuner = Counting(build, objective="val_loss", max_epochs=27, factor=3, seed=seed,
                         pruner=pruner, directory=folder, project_name="p")
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            tuner.search(X, Y, validation_split=0.25, batch_size=64, verbose=0)
        elapsed = time.perf_counter() - start
        best = tuner.oracle.get_best_trials(1)[0].score
        trials = len(tuner.oracle.trials)
    return trials, Counting.epochs, best, elapsed


if __name__ == "__main__":
    for pruner in (None, "hyperband"):
        for seed in (1, 2, 3):
            trials, epochs, best, elapsed = run(pruner, seed)
            print(f"pruner={pruner!s:9} seed={seed} trials={trials:3d} epochs={epochs:4d} "
                  f"best val_loss={best:.4f} time={elapsed:.1f}s", flush=True)
