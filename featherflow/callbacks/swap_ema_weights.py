"""SwapEMAWeights: evaluate and predict with the optimizer's moving averages of the weights.

With an optimizer built with ``use_ema=True`` the callback swaps each trainable variable with
its moving average at the start of evaluation/prediction (and back at the end), and with
``swap_on_epoch=True`` also around each epoch's end, so callbacks after it (ModelCheckpoint)
see the averaged weights. The hooks follow Keras 3.15.1 exactly, including one quirk:
``on_predict_end`` only swaps back when the averages are *not* in the model, so after
``predict(..., callbacks=[SwapEMAWeights()])`` the model keeps the averaged weights (the
next ``evaluate`` with the callback swaps them back at its end).
"""

import numpy as np

from featherflow.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """Swap the model's weights with the optimizer's EMA weights for evaluation.

    Example::

        >>> model.compile(optimizer=tf.keras.optimizers.SGD(use_ema=True), loss="mse")
        >>> model.fit(x, y, validation_data=(xv, yv), epochs=3,
        ...           callbacks=[tf.keras.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _ema_optimizers(self):
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # LossScaleOptimizer
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:
            chosen = [opt for opt in inner if getattr(opt, "use_ema", False)]
            if not chosen:
                raise ValueError(
                    "SwapEMAWeights needs at least one inner optimizer with `use_ema=True`; "
                    "every inner optimizer has use_ema=False."
                )
        else:
            chosen = [optimizer]
        for opt in chosen:
            if not hasattr(opt, "_model_variables_moving_average"):
                raise ValueError(
                    f"SwapEMAWeights must be used with an optimizer that keeps moving "
                    f"averages: create it with `use_ema=True` (received "
                    f"use_ema={getattr(opt, 'use_ema', None)} on "
                    f"{type(opt).__name__}), and train the model before evaluating."
                )
        return chosen

    def _swap_variables(self):
        for opt in self._ema_optimizers():
            for var, average in zip(opt._trainable_variables,
                                    opt._model_variables_moving_average):
                held = np.array(var.data)
                var.data[...] = average.data
                average.data[...] = held

    def _finalize_ema_values(self):
        for opt in self._ema_optimizers():
            for var, average in zip(opt._trainable_variables,
                                    opt._model_variables_moving_average):
                average.data[...] = var.data

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True
            # The end of fit writes the averages into the model: after the last epoch's swap
            # they must hold the averaged weights now in the model, not the raw ones.
            if epoch == self.params["epochs"] - 1:
                self._finalize_ema_values()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False

    def on_predict_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = True

    def on_predict_end(self, logs=None):
        # Keras 3.15.1's condition, kept as is (see the module docstring)
        if not self._ema_weights_in_model:
            self._swap_variables()
            self._ema_weights_in_model = False
