"""TerminateOnNaN: stop training as soon as the loss becomes NaN or infinite."""

import math

from featherflow.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop ``fit`` at the first batch whose loss is NaN or infinite.

    By default training stops after that batch (the epoch's end hooks still run); with
    ``raise_error=True`` a RuntimeError ends it at once.

    Example::

        >>> model.fit(x, y, epochs=100, callbacks=[tf.keras.callbacks.TerminateOnNaN()])
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch} (loss={loss}); training "
                    "stopped. Lower the learning rate, check the data for NaN/Inf, or clip "
                    "gradients (clipnorm=...)."
                )
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
