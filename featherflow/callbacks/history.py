"""History: the per-epoch record that fit returns."""

from featherflow.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch: ``history.history["loss"]`` is a list of floats.

    Example::

        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> len(history.history["loss"])
        3
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)

    def __repr__(self):
        return f"<History epochs={len(self.epoch)} keys={list(self.history)}>"
