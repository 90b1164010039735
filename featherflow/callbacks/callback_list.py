"""CallbackList: dispatches hooks to callbacks, skipping those that do not implement them."""

from featherflow.callbacks.callback import Callback
from featherflow.callbacks.history import History
from featherflow.callbacks.progbar_logger import ProgbarLogger

_HOOKS = [
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_end",
    "on_test_batch_begin", "on_test_batch_end", "on_predict_begin", "on_predict_end",
    "on_predict_batch_begin", "on_predict_batch_end",
]
_ALIASES = {"on_train_batch_begin": "on_batch_begin", "on_train_batch_end": "on_batch_end"}


class CallbackList:
    """The callbacks of one fit/evaluate/predict call (History and progress bar added)."""

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None,
                 verbose=1, epochs=1, steps=None, mode="train"):

        cbs = list(callbacks or [])
        for cb in cbs:
            if not isinstance(cb, Callback) and not _duck_callback(cb):
                raise TypeError(
                    f"callbacks must be Callback instances, received {type(cb).__name__}. "
                    "Subclass tf.keras.callbacks.Callback or use LambdaCallback."
                )
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.insert(0, ProgbarLogger(mode=mode))
        if add_history:
            history = next((c for c in cbs if isinstance(c, History)), None)
            if history is None:
                history = History()
                cbs.append(history)
            model.history = history
        self.callbacks = cbs
        params = {"verbose": verbose, "epochs": epochs, "steps": steps}
        for cb in cbs:
            cb.set_model(model)
            cb.set_params(params)
        self._by_hook = {}
        for hook in _HOOKS:
            fns = []
            for cb in cbs:
                impl = _implements(cb, hook)
                if impl:
                    fns.append(getattr(cb, hook))
                alias = _ALIASES.get(hook)
                if alias and _implements(cb, alias):
                    fns.append(getattr(cb, alias))
            self._by_hook[hook] = fns

    def wants(self, hook):
        return bool(self._by_hook[hook])

    def _call(self, hook, *args):
        for fn in self._by_hook[hook]:
            fn(*args)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs)


def _implements(cb, hook):
    wants = getattr(cb, "_wants_hook", None)
    if wants is not None and not wants(hook):
        return False
    if hook in getattr(cb, "__dict__", {}):
        return callable(cb.__dict__[hook])
    fn = getattr(type(cb), hook, None)
    if fn is None:
        return callable(getattr(cb, hook, None))
    return fn is not getattr(Callback, hook, None)


def _duck_callback(cb):
    return all(hasattr(cb, h) for h in ("set_model", "set_params", "on_epoch_end"))
