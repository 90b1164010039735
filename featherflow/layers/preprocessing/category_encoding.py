"""``CategoryEncoding``: integer ids to one-hot, multi-hot or count vectors (Keras 3).

``encode_categorical`` is the encoder ``Discretization`` shares. Ids outside ``[0, num_tokens)``
raise ``InvalidArgumentError`` naming the layer (Keras 3.15 drops ids ``>= num_tokens``
silently; tf.keras 2 raised, and so does featherflow). No sparse outputs (featherflow has no
sparse tensors).

Example::

    >>> layer = tf.keras.layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    >>> layer([[0, 1], [0, 0], [1, 2], [3, 1]]).numpy()
    array([[1., 1., 0., 0.], [1., 0., 0., 0.], [0., 1., 1., 0.], [0., 1., 0., 1.]], ...)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.layers.layer import Layer

_MODES = ("one_hot", "multi_hot", "count")


def _ids(values, where):
    array = values.data if isinstance(values, Tensor) else as_array(values)
    if array.dtype.kind == "f":
        if not np.all(np.mod(array, 1) == 0):
            raise InvalidArgumentError(f"{where}: expected integer category ids; received "
                                       f"non-integer values such as "
                                       f"{array[np.mod(array, 1) != 0].ravel()[0]!r}.")
        array = array.astype(np.int64)
    elif array.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{where}: expected integer category ids; received dtype "
                                   f"{array.dtype.name}.")
    return array


def encode_categorical(ids, output_mode, depth, dtype, where, count_weights=None):
    """Keras 3's ``encode_categorical_inputs`` for ``one_hot`` / ``multi_hot`` / ``count``."""
    ids = _ids(ids, where)
    bad = (ids < 0) | (ids >= depth)
    if bad.any():
        raise InvalidArgumentError(
            f"{where}: input values must be in the range 0 <= values < num_tokens with "
            f"num_tokens={depth}; received {ids[bad].ravel()[0]!r}. Give the layer more tokens "
            "or map the ids into range first (e.g. IntegerLookup).")
    if ids.ndim == 0:
        ids = ids.reshape(1)
    if output_mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids.reshape(ids.shape[:-1])
        out = np.zeros(ids.shape + (depth,), dtype)
        np.put_along_axis(out, ids[..., None], 1, axis=-1)
        return Tensor(out)
    if ids.ndim > 2:
        raise ValueError(
            f"{where}: output_mode={output_mode!r} takes inputs of rank 1 or 2; received shape "
            f"{ids.shape}. (Keras 3 reduces such inputs over axis 1, against its own output "
            "shape.) Reshape them to [batch, ids] first.")
    batched = ids.reshape(-1, ids.shape[-1]) if ids.ndim == 2 else ids.reshape(1, -1)
    if count_weights is not None:
        weights = count_weights.data if isinstance(count_weights, Tensor) else \
            np.asarray(count_weights)
        weights = weights.astype(dtype)
        if weights.shape != ids.shape:
            raise ValueError(f"{where}: `count_weights` must have the shape of the inputs "
                             f"{ids.shape}; received {weights.shape}.")
        weights = weights.reshape(batched.shape)
    else:
        weights = np.ones(batched.shape, dtype)
    out = np.zeros((batched.shape[0], depth), dtype)
    rows = np.repeat(np.arange(batched.shape[0]), batched.shape[1])
    np.add.at(out, (rows, batched.ravel()), weights.ravel())
    if output_mode == "multi_hot":
        out = (out > 0).astype(dtype)
    return Tensor(out if ids.ndim == 2 else out[0])


class CategoryEncoding(Layer):
    """Encode integer ids as ``one_hot``, ``multi_hot`` (default) or ``count`` vectors.

    Example::

        layer = tf.keras.layers.CategoryEncoding(num_tokens=4, output_mode="count")
        layer([[0, 1], [0, 0]], count_weights=[[0.1, 0.2], [0.1, 0.1]])
    """

    _cast_int_inputs = False

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        where = f"CategoryEncoding layer {self.name!r}"
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"{where}: unknown arg for output_mode: {output_mode!r}; expected "
                             f"one of {_MODES}.")
        if num_tokens is None:
            raise ValueError(f"{where}: num_tokens must be set to use this layer. If the number "
                             "of tokens is not known beforehand, use the IntegerLookup layer "
                             "instead.")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, (int, np.integer)) \
                or num_tokens < 1:
            raise ValueError(f"{where}: `num_tokens` must be an integer >= 1. Received: "
                             f"num_tokens={num_tokens!r}.")
        if sparse:
            raise ValueError(f"{where}: sparse=True is not available: featherflow has no "
                             "sparse tensors. Use the dense output (sparse=False).")
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = False

    def call(self, inputs, count_weights=None):
        where = f"CategoryEncoding layer {self.name!r}"
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"{where}: `count_weights` is not used when `output_mode` is not "
                             f"'count'. Received output_mode={self.output_mode!r}.")
        return encode_categorical(inputs, self.output_mode, self.num_tokens, self.dtype, where,
                                  count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if not input_shape:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        config = super().get_config()
        config.update({"num_tokens": self.num_tokens, "output_mode": self.output_mode})
        return config


__all__ = ["CategoryEncoding"]
