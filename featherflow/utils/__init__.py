"""Utilities, as ``keras.utils``: seeds, one-hot labels, batch sources, pictures."""

import numpy as np

from featherflow.utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
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


_PLOTS = ("plot_history", "plot_decision_boundary", "plot_model", "model_to_dot")


_SAVING = ("register_keras_serializable", "custom_object_scope", "get_custom_objects")


def __getattr__(name):
    if name in _SAVING:
        from featherflow import saving

        return getattr(saving, name)
    if name in _PLOTS:
        from featherflow.utils import plotting

        return getattr(plotting, name)
    raise AttributeError(f"module 'featherflow.utils' has no attribute {name!r}")


__all__ = ["PyDataset", "Sequence", "normalize", "set_random_seed", "to_categorical",
           *_PLOTS, *_SAVING]
__all__ += ["pack_x_y_sample_weight", "unpack_x_y_sample_weight"]
