"""The callbacks a tuner adds to each trial's ``fit``: its epoch hooks (and Optuna's pruner),
and the checkpoint of the best epoch that ``get_best_models`` loads."""

import os

import numpy as np

from featherflow.callbacks.callback import Callback


class TunerCallback(Callback):
    """Forwards the epoch and batch hooks to the tuner and reports the objective to the
    Optuna trial each epoch; stops training when the pruner says so."""

    def __init__(self, tuner, trial, report=True):
        super().__init__()
        self.tuner = tuner
        self.trial = trial
        self.report = report
        self.pruned = False

    def on_epoch_begin(self, epoch, logs=None):
        self.tuner.on_epoch_begin(self.trial, self.model, epoch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self.tuner.on_batch_begin(self.trial, self.model, batch, logs)

    def on_batch_end(self, batch, logs=None):
        self.tuner.on_batch_end(self.trial, self.model, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self.tuner.on_epoch_end(self.trial, self.model, epoch, logs=logs)
        objective = self.tuner.oracle.objective
        if self.report and logs and objective.has_value(logs):
            value = float(objective.get_value(logs))
            if self.tuner.oracle.report(self.trial, value, epoch):
                self.pruned = True
                self.model.stop_training = True


class SaveBestEpoch(Callback):
    """Saves the weights at the epoch with the best objective (every epoch when the
    objective is not in the logs)."""

    def __init__(self, objective, filepath):
        super().__init__()
        self.objective = objective
        self.filepath = filepath
        self.best_value = float("-inf") if objective.direction == "max" else float("inf")

    def on_epoch_end(self, epoch, logs=None):
        if not self.objective.has_value(logs or {}):
            self._save_model()
            return
        value = self.objective.get_value(logs)
        if self.objective.better_than(value, self.best_value):
            self.best_value = value
            self._save_model()

    def _save_model(self):
        save_weights(self.model, self.filepath)


def save_weights(model, filepath):
    """The model's weights as one NumPy archive (no h5py needed), written atomically."""
    os.makedirs(os.path.dirname(filepath), exist_ok=True)
    temp = filepath + ".tmp.npz"
    np.savez(temp, *model.get_weights())
    os.replace(temp, filepath)


def load_weights(model, filepath):
    with np.load(filepath) as archive:
        model.set_weights([archive[f"arr_{i}"] for i in range(len(archive.files))])
