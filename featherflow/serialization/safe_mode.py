"""``safe_mode``: while on (the default), loading refuses objects that would run file code."""

import threading

_STATE = threading.local()
# keras.config.enable_unsafe_deserialization() turns safe mode off for every thread
_GLOBAL = {"safe_mode": True}


def set_global_safe_mode(value):
    _GLOBAL["safe_mode"] = bool(value)


class SafeModeScope:
    """While active, loading refuses objects that would need code from the file (Lambda)."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.previous = getattr(_STATE, "safe_mode", None)
        if self.safe_mode is not None:
            _STATE.safe_mode = bool(self.safe_mode)
        return self

    def __exit__(self, *exc):
        _STATE.safe_mode = self.previous
        return False


def in_safe_mode():
    value = getattr(_STATE, "safe_mode", None)
    return _GLOBAL["safe_mode"] if value is None else value
