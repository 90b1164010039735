"""``tf.keras.config``: Keras 3's global settings.

``floatx``, ``epsilon`` and ``image_data_format`` are featherflow's backend settings (the same
values ``tf.keras.backend`` reads); ``dtype_policy`` / ``set_dtype_policy`` are the global
dtype policy of ``tf.keras.mixed_precision``. ``set_max_epochs`` /
``set_max_steps_per_epoch`` (or the ``KERAS_MAX_EPOCHS`` / ``KERAS_MAX_STEPS_PER_EPOCH``
environment variables) cap every ``fit`` (and the steps of ``evaluate``/``predict``) for quick
debugging runs, with a warning, as Keras.
"""

import os

from featherflow import backend as _backend
from featherflow.backend import config as _config
from featherflow.backend.config import epsilon, floatx, set_epsilon, set_floatx
from featherflow.serialization.dtype_policy import global_policy as dtype_policy
from featherflow.serialization.dtype_policy import set_global_policy as set_dtype_policy

image_data_format = _backend.image_data_format
set_image_data_format = _backend.set_image_data_format


def _env_int(name):
    value = os.environ.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be an integer; received {value!r}.") from None


_MAX_EPOCHS = _env_int("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _env_int("KERAS_MAX_STEPS_PER_EPOCH")
_STATE = {"traceback_filtering": True, "flash_attention": None}


def backend():
    """``"tensorflow"``: featherflow gives the TensorFlow backend's API (``keras.config.backend()
    == "tensorflow"`` branches take TensorFlow's path)."""
    return "tensorflow"


def set_backend(backend):
    if backend != "tensorflow":
        raise ValueError(f"set_backend: featherflow provides the 'tensorflow' backend's API only; "
                         f"received {backend!r}.")


def _positive_or_none(value, what):
    if value is not None and (not isinstance(value, int) or value < 1):
        raise ValueError(f"{what} must be a positive integer or None; received {value!r}.")
    return value


def set_max_epochs(max_epochs):
    """Cap the epochs of every ``fit`` (None: no cap)."""
    global _MAX_EPOCHS
    _MAX_EPOCHS = _positive_or_none(max_epochs, "max_epochs")


def max_epochs():
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of every ``fit`` epoch, ``evaluate`` and ``predict`` (None: no cap)."""
    global _MAX_STEPS_PER_EPOCH
    _MAX_STEPS_PER_EPOCH = _positive_or_none(max_steps_per_epoch, "max_steps_per_epoch")


def max_steps_per_epoch():
    return _MAX_STEPS_PER_EPOCH


def enable_interactive_logging():
    """Progress bars and summaries print to stdout (the default)."""
    _config.set_interactive_logging(True)


def disable_interactive_logging():
    """Progress bars and summaries go through Python's ``logging`` (logger ``"keras"``)."""
    _config.set_interactive_logging(False)


def is_interactive_logging_enabled():
    return _config.interactive_logging()


def enable_traceback_filtering():
    _STATE["traceback_filtering"] = True


def disable_traceback_filtering():
    _STATE["traceback_filtering"] = False


def is_traceback_filtering_enabled():
    """featherflow's tracebacks are plain Python ones (nothing is filtered); the flag is kept
    for code that toggles it."""
    return _STATE["traceback_filtering"]


def enable_flash_attention():
    _STATE["flash_attention"] = True


def disable_flash_attention():
    _STATE["flash_attention"] = False


def is_flash_attention_enabled():
    """None (automatic), True or False: as Keras. On the CPU no flash kernel exists, so
    attention always takes the exact path."""
    return _STATE["flash_attention"]


def is_nnx_enabled():
    """False: Flax NNX is a JAX feature."""
    return False


def enable_unsafe_deserialization():
    """Allow loading files whose Lambda layers carry code (``safe_mode=False`` everywhere)."""
    from featherflow.serialization import safe_mode

    safe_mode.set_global_safe_mode(False)


def cap_epochs(epochs):
    """``epochs`` capped by ``set_max_epochs`` (warning when it cuts), for ``fit``."""
    import warnings

    if _MAX_EPOCHS and _MAX_EPOCHS < epochs:
        warnings.warn(f"Limiting epochs to {_MAX_EPOCHS}", stacklevel=3)
        return _MAX_EPOCHS
    return epochs


def cap_steps(steps):
    """``steps`` capped by ``set_max_steps_per_epoch`` (warning when it cuts)."""
    import warnings

    if _MAX_STEPS_PER_EPOCH and (not steps or _MAX_STEPS_PER_EPOCH < steps):
        warnings.warn(f"Limiting steps_per_epoch to {_MAX_STEPS_PER_EPOCH}", stacklevel=3)
        return _MAX_STEPS_PER_EPOCH
    return steps


__all__ = [
    "backend", "disable_flash_attention", "dtype_policy", "disable_interactive_logging",
    "disable_traceback_filtering", "enable_flash_attention", "enable_interactive_logging",
    "enable_traceback_filtering", "enable_unsafe_deserialization", "epsilon", "floatx",
    "image_data_format", "is_flash_attention_enabled", "is_interactive_logging_enabled",
    "is_nnx_enabled", "is_traceback_filtering_enabled", "max_epochs", "max_steps_per_epoch",
    "set_backend", "set_dtype_policy", "set_epsilon", "set_floatx", "set_image_data_format",
    "set_max_epochs", "set_max_steps_per_epoch",
]

