"""ProgbarLogger: prints training progress (``verbose=1`` bar, ``verbose=2`` one line)."""

import sys

from featherflow.callbacks.callback import Callback
from featherflow.utils.progbar import Progbar, dynamic_display


class ProgbarLogger(Callback):
    """Prints ``Epoch k/N`` and a progress bar with the logs, in Keras 2's format."""

    def __init__(self, count_mode="steps", stateful_metrics=None, mode="train"):
        super().__init__()
        self.mode = mode
        self.bar = None
        self.seen = 0
        self.epochs = 1
        self.verbose = 1
        self.dynamic = dynamic_display()

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")
        self.dynamic = dynamic_display(sys.stdout)

    def _wants_hook(self, hook):
        if hook.endswith("_batch_begin"):
            return False
        if hook.endswith("_batch_end"):
            # only a terminal shows intermediate states; a file gets one line per epoch, but
            # an epoch of unknown length is counted by the batch hook
            return (self.verbose == 1 and self.dynamic) or self.target is None
        return True

    def _new_bar(self, target=None):
        self.seen = 0
        self.bar = Progbar(target if target is not None else self.target, verbose=self.verbose)

    def on_train_begin(self, logs=None):
        self.mode = "train"

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            if self.dynamic:
                sys.stdout.flush()
        self._new_bar()

    def on_train_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.bar.update(self.seen, _items(logs), finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        steps = self.target if self.target is not None else self.seen
        self.bar.target = steps
        self.bar.update(steps, _items(logs), finalize=True)
        # the count learned in the first epoch is the next epochs' target, as in Keras
        self.target = steps

    def on_test_begin(self, logs=None):
        if self.mode == "test":
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if self.mode == "test":
            self.seen = batch + 1
            self.bar.update(self.seen, _items(logs), finalize=False)

    def on_test_end(self, logs=None):
        if self.mode == "test":
            steps = self.target if self.target is not None else self.seen
            self.bar.target = steps
            self.bar.update(steps, _items(logs), finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        self.seen = batch + 1
        self.bar.update(self.seen, [], finalize=False)

    def on_predict_end(self, logs=None):
        steps = self.target if self.target is not None else self.seen
        self.bar.target = steps
        self.bar.update(steps, [], finalize=True)


def _items(logs):
    return [(k, v) for k, v in (logs or {}).items() if not k.startswith("_")]
