"""HashedCrossing: crosses of categorical features hashed to bins, as
``keras.layers.HashedCrossing`` (TF's ``tf.sparse.cross_hashed``).

TF's cross of one value per feature: start from the key ``0xDECAFCAFFE``, fold in each
feature in order with FarmHash's ``FingerprintCat64``, where a string feature contributes its
Fingerprint64 and an integer feature its own 64-bit value, then take the result modulo
``num_bins`` (as unsigned 64-bit numbers).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.layers.preprocessing import encoding
from featherflow.layers.preprocessing.index_lookup import refuse_sparse
from featherflow.layers.preprocessing.raw_input_layer import RawInputLayer, as_tensor
from featherflow.ops import fingerprint

_HASH_KEY = 0xDECAFCAFFE
_MUL = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def _shift_mix(value):
    return value ^ (value >> 47)


def fingerprint_cat64(fp1, fp2):
    """FarmHash's FingerprintCat64: two 64-bit fingerprints combined (unsigned ints)."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _feature_hashes(data):
    """Each value's 64-bit contribution: Fingerprint64 of a string, an int's own bits."""
    flat = data.reshape(-1)
    if data.dtype == object:
        unique, inverse = np.unique(flat, return_inverse=True)
        hashes = [fingerprint.fingerprint64(v) for v in unique.tolist()]
        return [hashes[i] for i in inverse.reshape(-1).tolist()]
    return [v & _MASK for v in flat.astype(np.int64).tolist()]


class HashedCrossing(RawInputLayer):
    """Hashes the cross of two or more categorical features into ``num_bins`` bins.

    Example::

        >>> layer = tf.keras.layers.HashedCrossing(num_bins=5)
        >>> layer((["A", "B", "A", "B", "A"], [101, 101, 101, 102, 102])).numpy()
        array([1, 4, 1, 1, 3])
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        where = f"HashedCrossing layer {self.name!r}"
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"{where}: Unknown value for `output_mode`. Expected one of "
                             f"('int', 'one_hot'), received output_mode={output_mode!r}.")
        if num_bins is None or isinstance(num_bins, bool) or not isinstance(
                num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"{where}: `num_bins` must be a positive integer. Received: "
                             f"num_bins={num_bins!r}.")
        if sparse:
            refuse_sparse(self)
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.built = True

    def _convert_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`HashedCrossing` should be called on a list or tuple of inputs. "
                             f"Received: inputs={inputs!r}")
        return [as_tensor(x) for x in inputs]

    def call(self, inputs):
        inputs = self._convert_inputs(inputs)
        if len(inputs) < 2:
            raise ValueError("`HashedCrossing` should be called on at least two inputs. "
                             f"Received: {len(inputs)} input(s).")
        arrays = [x.data for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, "
                             f"`(batch_size)` or `(batch_size, 1)`. Received shape {shape}.")
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError("All `HashedCrossing` inputs should have equal shape. Received "
                             f"shapes {[a.shape for a in arrays]}.")
        if not all(a.dtype == object or a.dtype.kind in "iu" for a in arrays):
            raise ValueError("All `HashedCrossing` inputs should have an integer or string "
                             f"dtype. Received dtypes {[str(a.dtype) for a in arrays]}.")
        columns = [_feature_hashes(a) for a in arrays]
        crossed = []
        for values in zip(*columns):
            hashed = _HASH_KEY
            for value in values:
                hashed = fingerprint_cat64(hashed, value)
            crossed.append(hashed % self.num_bins)
        ids = np.array(crossed, dtype=np.int64).reshape(shape)
        return Tensor(encoding.encode(ids, self.output_mode, self.num_bins,
                                      np.dtype(self.dtype)))

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 2 or not all(
                isinstance(s, (list, tuple)) for s in input_shape):
            raise ValueError("Expected as input a list/tuple of 2 tensors. Received "
                             f"input_shape={input_shape}")
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] != 1:
            return first + (self.num_bins,)
        return first[:-1] + (self.num_bins,)

    def get_config(self):
        return {"num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}
