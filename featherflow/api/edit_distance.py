"""``tf.edit_distance``: Levenshtein distances between the sequences of two SparseTensors.

The last dimension holds each sequence; the others index it. The result (float32) has the
larger of the two group shapes; each entry is the number of insertions, deletions and
substitutions turning the hypothesis into the truth, divided by the truth's length when
``normalize`` (an empty truth then gives ``inf``, or 0 for an empty hypothesis too), as
TensorFlow's ``EditDistance`` kernel.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

__all__ = ["edit_distance"]


def _groups(sp, what):
    indices = np.asarray(sp.indices.data).astype(np.int64)
    values = np.asarray(sp.values.data)
    shape = np.asarray(sp.dense_shape.data).astype(np.int64)
    if indices.ndim != 2 or indices.shape[1] != shape.size or shape.size < 1:
        raise InvalidArgumentError(f"edit_distance: {what} must be a SparseTensor of rank >= 1 "
                                   f"with matching indices; received dense_shape "
                                   f"{shape.tolist()}")
    out = {}
    for i in range(len(indices)):  # in the given order, as TensorFlow's kernel reads them
        out.setdefault(tuple(indices[i, :-1].tolist()), []).append(values[i])
    return out, shape


def _levenshtein(a, b):
    if not a:
        return len(b)
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    for value, what in ((hypothesis, "hypothesis"), (truth, "truth")):
        if not hasattr(value, "dense_shape"):
            raise TypeError(f"edit_distance: {what} must be a SparseTensor; received "
                            f"{type(value).__name__}")
    hyp, hyp_shape = _groups(hypothesis, "hypothesis")
    tru, tru_shape = _groups(truth, "truth")
    if hyp_shape.size != tru_shape.size:
        raise InvalidArgumentError(
            f"edit_distance: hypothesis and truth must have the same rank; received "
            f"{hyp_shape.size} and {tru_shape.size}")
    if np.asarray(hypothesis.values.data).dtype != np.asarray(truth.values.data).dtype:
        raise InvalidArgumentError(
            f"edit_distance: hypothesis and truth must have the same dtype; received "
            f"{np.asarray(hypothesis.values.data).dtype.name} and "
            f"{np.asarray(truth.values.data).dtype.name}")
    out_shape = np.maximum(hyp_shape[:-1], tru_shape[:-1])
    out = np.zeros(tuple(out_shape.tolist()), np.float32)
    for idx in np.ndindex(*out.shape) if out.size else ():
        h, t = hyp.get(idx, []), tru.get(idx, [])
        d = float(_levenshtein(h, t))
        if normalize:
            d = d / len(t) if t else (np.inf if h else 0.0)
        out[idx] = d
    return Tensor(out)
