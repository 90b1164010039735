"""ReduceLROnPlateau: shrink the learning rate when a watched quantity stops improving."""

import warnings

import numpy as np

from featherflow.callbacks.learning_rate_scheduler import (
    current_learning_rate,
    log_learning_rate,
)
from featherflow.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    An improvement must beat the best value by more than ``min_delta``. After a reduction,
    ``cooldown`` epochs pass before waiting starts again; the rate never goes below
    ``min_lr``. The current rate is added to the logs as ``learning_rate``.

    Example::

        >>> reduce = tf.keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2,
        ...                                               patience=5, min_lr=0.001)
        >>> model.fit(x, y, validation_split=0.2, epochs=50, callbacks=[reduce])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(
                f"ReduceLROnPlateau: factor must be below 1.0 (the rate is multiplied by it), "
                f"received factor={factor}."
            )
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        if self._monitor_op is None:
            self._set_monitor_op()
        logs = {} if logs is None else logs
        log_learning_rate(self.model, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"ReduceLROnPlateau is watching `{self.monitor}`, which is not in the epoch "
                f"logs. Available metrics are: {','.join(logs)}. Check the name (validation "
                "values are logged as val_<name> only when fit gets validation data).",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce(self, epoch):
        optimizer = self.model.optimizer
        old_lr = current_learning_rate(optimizer)
        # Compare in float32, the rate's storage type, so a rate already clipped to min_lr
        # is not "reduced" again forever.
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True
