"""Utilities, as ``keras.utils``: seeds, one-hot labels, batch sources, pictures."""

import importlib

import numpy as np

from featherflow.serialization import (
    custom_object_scope,
    get_custom_objects,
    register_keras_serializable,
)
from featherflow.utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from featherflow.utils.plotting import (
    model_to_dot,
    plot_decision_boundary,
    plot_history,
    plot_model,
)
from featherflow.utils.random import set_random_seed
from featherflow.utils.sequence import PyDataset, Sequence


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encode integer class labels: ``to_categorical([0, 2], 3)``."""
    y = np.asarray(y)
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            raise ValueError("to_categorical: labels must be whole numbers (class indices).")
    y = y.astype(np.int64)
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical: labels must be >= 0, received {int(y.min())}.")
    n = int(num_classes) if num_classes is not None else (int(y.max()) + 1 if y.size else 0)
    if y.size and y.max() >= n:
        raise ValueError(
            f"to_categorical: label {int(y.max())} does not fit num_classes={n}; labels must be "
            f"in [0, {n})."
        )
    out = np.zeros((y.size, n), dtype=dtype)
    out[np.arange(y.size), y] = 1
    return out.reshape(shape + (n,))


def normalize(x, axis=-1, order=2):
    """Scale ``x`` to unit norm along ``axis``."""
    x = np.asarray(x)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norm[norm == 0] = 1
    return x / norm


__all__ = ["PyDataset", "Sequence", "custom_object_scope", "get_custom_objects", "model_to_dot",
           "normalize", "plot_decision_boundary", "plot_history", "plot_model",
           "register_keras_serializable", "set_random_seed", "to_categorical"]
__all__ += ["pack_x_y_sample_weight", "timeseries_dataset_from_array",
            "unpack_x_y_sample_weight"]


# Utilities built on featherflow.data (which needs featherflow.utils.random while it loads)
# or on optional packages load on first use.
_LAZY = {
    "timeseries_dataset_from_array": "featherflow.utils.timeseries",
    "get_file": "featherflow.utils.file_utils",
    "image_dataset_from_directory": "featherflow.utils.image_dataset",
    "text_dataset_from_directory": "featherflow.utils.text_dataset",
    "audio_dataset_from_directory": "featherflow.utils.audio_dataset",
    "split_dataset": "featherflow.utils.dataset_utils",
    "pad_sequences": "featherflow.utils.sequence_utils",
    "load_img": "featherflow.utils.image_utils",
    "img_to_array": "featherflow.utils.image_utils",
    "array_to_img": "featherflow.utils.image_utils",
    "save_img": "featherflow.utils.image_utils",
    # Keras 3 names that live elsewhere in featherflow
    "Config": "featherflow.utils.config",
    "FeatureSpace": "featherflow.layers.preprocessing.feature_space",
    "CustomObjectScope": "featherflow.serialization",
    "Progbar": "featherflow.utils.progbar",
    "clear_session": "featherflow.backend",
    "deserialize_keras_object": "featherflow.serialization",
    "serialize_keras_object": "featherflow.serialization",
    "get_registered_name": "featherflow.serialization",
    "get_registered_object": "featherflow.serialization",
    "disable_interactive_logging": "featherflow.keras.config",
    "enable_interactive_logging": "featherflow.keras.config",
    "is_interactive_logging_enabled": "featherflow.keras.config",
    "get_source_inputs": "featherflow.utils.keras_tensors",
    "is_keras_tensor": "featherflow.utils.keras_tensors",
    "standardize_dtype": "featherflow.backend",
}


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


def __getattr__(name):
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'featherflow.utils' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
