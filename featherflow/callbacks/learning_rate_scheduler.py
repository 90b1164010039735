"""LearningRateScheduler: set the optimizer's learning rate at the start of every epoch."""

import numpy as np

from featherflow.callbacks.callback import Callback


def current_learning_rate(optimizer):
    """The optimizer's learning rate now, as a Python float."""
    if optimizer is None:
        raise ValueError(
            "The model has no optimizer: compile it (model.compile(optimizer=..., loss=...)) "
            "before training with a learning-rate callback."
        )
    getter = getattr(optimizer, "_current_learning_rate", None)
    if callable(getter):
        return float(getter())
    if not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            f"The optimizer {type(optimizer).__name__} has no `learning_rate` attribute, so a "
            "learning-rate callback cannot read or set it."
        )
    return _as_float(optimizer.learning_rate)


def _as_float(value):
    data = getattr(value, "data", value)  # featherflow Variable / Tensor
    return float(np.asarray(data).reshape(()))


def log_learning_rate(model, logs):
    """Add ``learning_rate`` to the epoch logs, as Keras's learning-rate callbacks do."""
    if logs is not None:
        logs["learning_rate"] = current_learning_rate(model.optimizer)


class LearningRateScheduler(Callback):
    """Set the learning rate from ``schedule(epoch, lr)`` (or ``schedule(epoch)``) each epoch.

    ``epoch`` counts from 0; ``lr`` is the current rate; the schedule returns the new rate as a
    float. The rate of every epoch is added to the logs as ``learning_rate``.

    Example::

        >>> def halve_after_ten(epoch, lr):
        ...     return lr if epoch < 10 else lr * 0.5
        >>> model.fit(x, y, epochs=15,
        ...           callbacks=[tf.keras.callbacks.LearningRateScheduler(halve_after_ten)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = current_learning_rate(optimizer)
        try:
            new_lr = self.schedule(epoch, lr)
        except TypeError:
            # One-argument schedules, schedule(epoch), as in older Keras.
            new_lr = self.schedule(epoch)
        if not isinstance(new_lr, (float, np.floating)):
            raise ValueError(
                "LearningRateScheduler: the schedule must return a float, received "
                f"{new_lr!r} ({type(new_lr).__name__}) for epoch {epoch}. Return e.g. "
                "float(value)."
            )
        optimizer.learning_rate = float(new_lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{new_lr}.")

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rate(self.model, logs)
