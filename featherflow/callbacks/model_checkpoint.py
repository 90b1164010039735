"""ModelCheckpoint: save the model (or its weights) during training, as Keras does."""

import os
import warnings

from featherflow.callbacks.monitor_callback import MonitorCallback

_FULL = (".keras", ".h5", ".hdf5")
_WEIGHTS = (".weights.h5", ".h5", ".hdf5")


class ModelCheckpoint(MonitorCallback):
    """Save the model or its weights at the end of every epoch or every ``save_freq`` batches.

    ``filepath`` may hold ``{epoch:02d}``, ``{batch}`` and any log entry (``{val_loss:.2f}``);
    it must end in ``.keras`` or ``.h5`` (``.weights.h5`` or ``.h5`` with
    ``save_weights_only=True``). With ``save_best_only=True`` a file is written only when
    ``monitor`` improves on the best value so far (``mode``: ``"auto"``, ``"min"``, ``"max"``;
    ``initial_value_threshold``: the value to beat at first). Each save is atomic.

    Example::

        >>> ckpt = tf.keras.callbacks.ModelCheckpoint(
        ...     "ckpt/model-{epoch:02d}-{val_loss:.2f}.keras", monitor="val_loss",
        ...     save_best_only=True)
        >>> model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[ckpt])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None, **kwargs):
        super().__init__(monitor, mode)
        for ignored in ("options", "period"):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(f"ModelCheckpoint: unexpected keyword argument(s) {sorted(kwargs)}.")
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = initial_value_threshold
        self._batches_seen = 0
        self._current_epoch = 0
        self._last_batch_logs = None
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(
                f"ModelCheckpoint: save_freq must be 'epoch' or a positive number of batches, "
                f"received {save_freq!r}."
            )
        name = self.filepath.lower()
        allowed = _WEIGHTS if save_weights_only else _FULL
        if not name.endswith(allowed):
            what = "save_weights_only=True needs" if save_weights_only else "a full model needs"
            raise ValueError(
                f"ModelCheckpoint: {what} a file name ending in {' or '.join(allowed)}, received "
                f"filepath={self.filepath!r}."
            )
        if not save_weights_only and name.endswith(".weights.h5"):
            raise ValueError(
                f"ModelCheckpoint: {self.filepath!r} is a weights file name; pass "
                "save_weights_only=True, or name the file '*.keras'."
            )

    def _wants_hook(self, hook):
        # batch hooks only matter when saving every N batches; skipping them keeps fit fast
        if hook in ("on_train_batch_end", "on_train_batch_begin", "on_batch_end",
                    "on_batch_begin"):
            return self.save_freq != "epoch"
        return True

    def on_train_begin(self, logs=None):
        self._batches_seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen >= self.save_freq:
            self._batches_seen = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _file_path(self, epoch, batch, logs):
        values = dict(logs or {})
        try:
            if batch is None or "batch" in values:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except (KeyError, IndexError, ValueError) as err:
            raise KeyError(
                f"ModelCheckpoint could not fill in filepath {self.filepath!r}: {err!r} is not "
                f"available. Available names: epoch, batch and the logs {sorted(values)}."
            ) from None

    def _save(self, epoch, batch, logs):
        logs = logs or {}
        path = self._file_path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(
                    f"ModelCheckpoint: can save the best model only with {self.monitor} "
                    f"available in the logs ({sorted(logs)}); skipping.",
                    stacklevel=2,
                )
                return
            if self._monitor_op is None:
                self._set_monitor_op()
            current = float(current)
            if not self._is_improvement(current, self.best):
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose > 0:
                previous = self.best if self.best is not None else (
                    float("inf") if self._monitor_op < 0 else float("-inf"))
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {previous:.5f} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        from featherflow.distribute import files as distribute_files

        # tf.distribute: a non-chief worker writes into a temporary folder, then removes it
        path = distribute_files.write_filepath(path)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
        distribute_files.remove_temp_dir_with_filepath(path)
