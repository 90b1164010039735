"""EarlyStopping: stop training when a watched quantity has stopped improving."""

import warnings

from featherflow.callbacks.monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop ``fit`` once ``monitor`` has not improved for ``patience`` epochs (Keras 3 rules).

    Arguments: ``min_delta`` (smaller changes are not improvements), ``patience`` (epochs to
    wait), ``mode`` (``"auto"``, ``"min"``, ``"max"``), ``baseline`` (the waiting only restarts
    once the value also beats it), ``restore_best_weights`` (put back the weights of the best
    epoch when training ends), ``start_from_epoch`` (warm-up epochs that are not watched).

    Example::

        >>> stop = tf.keras.callbacks.EarlyStopping(monitor="loss", patience=3)
        >>> history = model.fit(x, y, epochs=100, callbacks=[stop], verbose=0)
        >>> stop.stopped_epoch  # 0 when training ran all epochs
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # Reset so one instance can serve several fit calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self._monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Until something better is seen, the weights after the first watched epoch are
            # the best ones.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # The wait restarts only when the value beats the baseline too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"EarlyStopping is watching `{self.monitor}`, which is not in the epoch logs. "
                f"Available metrics are: {','.join(logs)}. Check the name (validation values "
                "are logged as val_<name> only when fit gets validation data).",
                stacklevel=2,
            )
        return value
