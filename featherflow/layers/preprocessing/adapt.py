"""What ``adapt()`` reads: the batches of an array, a Tensor, a list or a ``tf.data`` Dataset.

Shared by every preprocessing layer that learns state (``Normalization``, ``TextVectorization``,
``StringLookup``, ``IntegerLookup``, ``Discretization``): each layer says what it does with one
batch; this module says what counts as data, batches it the way Keras does, and refuses the rest
with an error that names the layer.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor


def _as_numpy(value):
    """An element of adapt data as a NumPy array (strings as an object array of bytes)."""
    if isinstance(value, Tensor):
        return value.numpy() if value.data.ndim else np.asarray(value.numpy())
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, str):
        return np.array(value.encode("utf-8"), dtype=object)
    if isinstance(value, (list, tuple)):
        flat = _flatten(value)
        if flat and all(isinstance(v, (str, bytes)) for v in flat):
            out = np.empty(len(flat), dtype=object)
            out[:] = [v.encode("utf-8") if isinstance(v, str) else v for v in flat]
            return out.reshape(_nested_shape(value))
    return np.asarray(value)


def _flatten(value):
    out = []
    for v in value:
        if isinstance(v, (list, tuple)):
            out.extend(_flatten(v))
        else:
            out.append(v)
    return out


def _nested_shape(value):
    shape = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return tuple(shape)


def is_dataset(data):
    """Whether ``data`` is a ``tf.data.Dataset`` (its batches are taken as they come)."""
    # data/ sits above layers/: imported when adapt() runs, not when layers load
    from featherflow.data.dataset import Dataset

    return isinstance(data, Dataset)


def adapt_batches(data, layer, batch_size=None, steps=None):
    """Yield the NumPy batches ``layer.adapt(data, batch_size, steps)`` learns from.

    ``data``: a NumPy array, a Tensor, a (nested) list, or a Dataset of such batches (a
    Dataset of ``(x, y)`` pairs is refused: adapt wants features only). Arrays are cut into
    ``batch_size`` rows (all at once when None); ``steps`` stops after that many batches.
    """
    where = f"{type(layer).__name__} layer {layer.name!r}"
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps < 1):
        raise ValueError(f"{where}: adapt(steps=...) expects a positive integer, received "
                         f"{steps!r}.")
    if batch_size is not None and (not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f"{where}: adapt(batch_size=...) expects a positive integer, "
                         f"received {batch_size!r}.")
    if data is None:
        raise ValueError(f"{where}: adapt() needs data (an array, a list, a Tensor or a "
                         "tf.data.Dataset), received None.")
    if is_dataset(data):
        if batch_size is not None:
            raise ValueError(f"{where}: adapt(batch_size=...) applies to arrays only; a "
                             "Dataset is already batched (use dataset.batch(n)).")
        count = 0
        for element in data:
            if isinstance(element, (tuple, list, dict)):
                raise ValueError(
                    f"{where}: adapt() expects a Dataset of feature batches, but its elements "
                    f"are {type(element).__name__}s (e.g. (x, y) pairs). Map it to the "
                    "features first: dataset.map(lambda x, y: x).")
            yield _as_numpy(element)
            count += 1
            if steps is not None and count >= steps:
                return
        if count == 0:
            raise ValueError(f"{where}: adapt() received an empty Dataset.")
        return
    if isinstance(data, dict):
        raise ValueError(f"{where}: adapt() expects one feature (an array, list, Tensor or "
                         "Dataset), received a dict; adapt one layer per feature.")
    array = _as_numpy(data)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.shape[0] == 0:
        raise ValueError(f"{where}: adapt() received empty data (shape {array.shape}).")
    size = array.shape[0] if batch_size is None else int(batch_size)
    for count, start in enumerate(range(0, array.shape[0], size), 1):
        yield array[start:start + size]
        if steps is not None and count >= steps:
            return


def adapt_vocabulary(layer, data, batch_size=None, steps=None):
    """``adapt()`` of the vocabulary layers (StringLookup, IntegerLookup, TextVectorization):
    reset, count every batch, finalize. A 1-D array outside a Dataset is a column of
    one-token documents (Keras expands its last axis); a 1-D Dataset batch is one document."""
    if layer._has_input_vocabulary:
        raise ValueError(
            f"Cannot adapt layer '{layer.name}' after setting a static vocabulary via "
            "`vocabulary` argument or `set_vocabulary()` method.")
    layer.reset_state()
    from_dataset = is_dataset(data)
    for batch in adapt_batches(data, layer, batch_size=batch_size, steps=steps):
        if not from_dataset and batch.ndim == 1:
            batch = batch.reshape(-1, 1)
        layer.update_state(batch)
    layer.finalize_state()


def not_adapted_error(layer, what="it"):
    """The error for a layer used before ``adapt()`` when its state must come from data."""
    name = type(layer).__name__
    return RuntimeError(
        f"{name} layer {layer.name!r} has no state yet: call layer.adapt(data) first (or "
        f"pass {what} to its constructor).")
