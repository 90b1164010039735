"""Backend settings (float type, epsilon, image layout) and Keras-2 style backend functions.

``tf.keras.backend.ctc_batch_cost`` and friends load on first use.
"""

import numpy as np

from featherflow.backend.config import (
    epsilon,
    floatx,
    set_epsilon,
    set_floatx,
)

_IMAGE_DATA_FORMAT = "channels_last"
_CTC = ("ctc_batch_cost", "ctc_decode", "ctc_label_dense_to_sparse")


def image_data_format():
    """``"channels_last"`` (the default) or ``"channels_first"``."""
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(
            f"set_image_data_format: expected 'channels_last' or 'channels_first', received "
            f"{data_format!r}."
        )
    _IMAGE_DATA_FORMAT = data_format


def clear_session():
    """Forget the default layer names given so far (``dense``, ``dense_1``...), as Keras."""
    from featherflow.utils import naming

    naming.reset()


def get_value(x):
    """The value of a Variable or Tensor as NumPy."""
    return np.array(getattr(x, "data", x))


def set_value(x, value):
    """Assign ``value`` to the Variable ``x``."""
    x.assign(value)


def __getattr__(name):
    if name in _CTC:
        from featherflow.backend import ctc

        return getattr(ctc, name)
    if not name.startswith("_"):
        # tf.keras 2's K.* functions (featherflow/backend/keras2.py), loaded on first use
        import importlib

        keras2 = importlib.import_module("featherflow.backend.keras2")
        if name in keras2.__all__:
            return getattr(keras2, name)
    raise AttributeError(f"module 'featherflow.backend' has no attribute {name!r}")


def __dir__():
    import importlib

    keras2 = importlib.import_module("featherflow.backend.keras2")
    return sorted(set(globals()) | set(_CTC) | set(keras2.__all__))


__all__ = ["clear_session", "epsilon", "floatx", "get_value", "image_data_format",
           "set_epsilon", "set_floatx", "set_image_data_format", "set_value", *_CTC]
