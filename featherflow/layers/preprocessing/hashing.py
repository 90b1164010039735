"""Hashing: values to hash buckets, as ``keras.layers.Hashing``.

Keras hashes strings with TF's ``to_hash_bucket_fast`` (FarmHash Fingerprint64 modulo the
bins) or, with a ``salt``, ``to_hash_bucket_strong`` (SipHash-2-4 keyed by the salt); integers
are first written as decimal strings (``tf.as_string``) and floats truncated to int64 first.
With a ``mask_value`` the mask gets bin 0 and the others ``1 + hash % (num_bins - 1)``.
Each distinct value is hashed once.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.layers.preprocessing import encoding
from featherflow.layers.preprocessing.index_lookup import refuse_sparse
from featherflow.layers.preprocessing.raw_input_layer import RawInputLayer, as_tensor
from featherflow.ops import fingerprint, string_conversion

_MODES = ("int", "one_hot", "multi_hot", "count")


def as_hash_strings(data):
    """What Keras hashes for ``data``: strings as they are, numbers as decimal strings."""
    if data.dtype == object:
        return data
    if data.dtype.kind == "f":
        data = data.astype(np.int64)
    return string_conversion.as_string(data).data


def hash_buckets(data, bins, salt=None):
    """int64 buckets of a string array; each distinct string hashed once."""
    flat = data.reshape(-1)
    if flat.size == 0:
        return np.zeros(data.shape, np.int64)
    unique, inverse = np.unique(flat, return_inverse=True)
    if salt is None:
        buckets = fingerprint.to_hash_bucket_fast(unique, bins).data
    else:
        buckets = fingerprint.to_hash_bucket_strong(unique, bins, salt).data
    return buckets[inverse.reshape(-1)].reshape(data.shape)


class Hashing(RawInputLayer):
    """Hashes strings or integers into ``num_bins`` buckets, as TensorFlow does.

    Example::

        >>> layer = tf.keras.layers.Hashing(num_bins=3)
        >>> layer([["A"], ["B"], ["C"], ["D"], ["E"]]).numpy()
        array([[1],
               [0],
               [1],
               [1],
               [2]])
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else config.floatx()
        super().__init__(**kwargs)
        where = f"Hashing layer {self.name!r}"
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(
                num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"{where}: The `num_bins` for `Hashing` cannot be `None` or "
                             f"non-positive values. Received: num_bins={num_bins!r}.")
        if output_mode == "int" and self.dtype not in ("int32", "int64"):
            raise ValueError(f"{where}: When `output_mode=\"int\"`, `dtype` should be an "
                             f"integer type, 'int32' or 'int64'. Received: dtype={self.dtype}")
        if output_mode not in _MODES:
            raise ValueError(f"{where}: Invalid value for argument `output_mode`. Expected one "
                             f"of {_MODES}. Received: output_mode={output_mode!r}")
        if sparse and output_mode == "int":
            raise ValueError(f"{where}: `sparse` may only be true if `output_mode` is "
                             '`"one_hot"`, `"multi_hot"`, or `"count"`. Received: '
                             f"sparse={sparse} and output_mode={output_mode}")
        if sparse:
            refuse_sparse(self)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
                self.salt = [int(salt), int(salt)]
            else:
                raise ValueError(f"{where}: The `salt` argument for `Hashing` can only be a "
                                 "tuple of size 2 integers, or a single integer. Received: "
                                 f"salt={salt!r}.")
        self.built = True

    def hash_values(self, data):
        """The bins of ``data`` (an ndarray of strings or numbers), before any encoding."""
        bins = self.num_bins
        mask = None
        if self.mask_value is not None and bins > 1:
            bins -= 1
            mask_value = self.mask_value
            if data.dtype == object and isinstance(mask_value, str):
                mask_value = mask_value.encode("utf-8")
            mask = data == mask_value
        out = hash_buckets(as_hash_strings(data), bins, self.salt)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out

    def call(self, inputs):
        data = as_tensor(inputs).data
        if data.dtype.kind == "b":
            raise TypeError(f"Hashing layer {self.name!r} expects strings or numbers, received "
                            "booleans; cast them to int64 first.")
        if self.output_mode == "one_hot" and data.ndim and data.shape[-1] == 1:
            data = data.reshape(data.shape[:-1])
        ids = self.hash_values(data)
        return Tensor(encoding.encode(ids, self.output_mode, self.num_bins,
                                      np.dtype(self.dtype)))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if self.output_mode == "one_hot" and input_shape and input_shape[-1] != 1:
            return input_shape + (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        config_ = super().get_config()
        config_.pop("batch_input_shape", None)
        config_.update({"num_bins": self.num_bins, "salt": self.salt,
                        "mask_value": self.mask_value, "output_mode": self.output_mode,
                        "sparse": self.sparse})
        return config_
