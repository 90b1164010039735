"""LambdaCallback: a callback made of plain functions."""

from featherflow.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Calls the given functions at the matching hooks.

    Example::

        >>> printer = tf.keras.callbacks.LambdaCallback(
        ...     on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        if "on_batch_begin" in kwargs:
            hooks["on_train_batch_begin"] = kwargs.pop("on_batch_begin")
        if "on_batch_end" in kwargs:
            hooks["on_train_batch_end"] = kwargs.pop("on_batch_end")
        for k in list(kwargs):
            if k.startswith("on_"):
                hooks[k] = kwargs.pop(k)
        if kwargs:
            raise TypeError(f"LambdaCallback: unexpected argument(s) {sorted(kwargs)}.")
        self._fns = {k: v for k, v in hooks.items() if v is not None}
        for k, fn in self._fns.items():
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {k} must be callable, received {fn!r}.")
            setattr(self, k, _bind(k, fn))


def _bind(hook, fn):
    if hook in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                "on_predict_begin", "on_predict_end"):
        return lambda logs=None: fn(logs)
    return lambda i, logs=None: fn(i, logs)
