"""Callback: hooks called by fit, evaluate and predict."""


class Callback:
    """Base class of training callbacks, as ``keras.callbacks.Callback``.

    Override any ``on_*`` hook. ``self.model`` is the model being trained and ``self.params``
    holds ``epochs``, ``steps`` and ``verbose``. Set ``self.model.stop_training = True`` to stop
    after the current epoch.

    Example::

        class PrintLoss(tf.keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                print(epoch, logs["loss"])
    """

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    # Keras 2 aliases, still used by older code.
    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def _implements(self, hook):
        """Whether this callback overrides ``hook`` (lets fit skip per-batch dispatch)."""
        return getattr(type(self), hook) is not getattr(Callback, hook)
