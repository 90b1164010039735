"""What every adapter does to user values: arrays (floats as floatx), nests walked fast,
Tensors for the step, 1-D columns, finiteness and sample-count checks."""

import numpy as np

from featherflow import tree
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config


def to_numpy(x, what="x", strings=False):
    """Arrays, lists, pandas objects and Tensors to ndarrays (floats as floatx); nests kept.

    ``strings``: text is allowed (model inputs feeding TextVectorization or StringLookup) and
    becomes featherflow's tf.string form, an object array of UTF-8 bytes.
    """
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: to_numpy(v, f"{what}[{k!r}]", strings) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and _is_array_like(x[0]) and not _is_numeric_list(x):
        return [to_numpy(v, f"{what}[{i}]", strings) for i, v in enumerate(x)]
    if isinstance(x, Tensor):
        a = x.data
    elif hasattr(x, "to_numpy") and not isinstance(x, np.ndarray):
        a = x.to_numpy()
    else:
        try:
            a = np.asarray(x)
        except ValueError as err:
            raise ValueError(
                f"{what}: could not make an array ({err}). Rows of different lengths? Every "
                "sample must have the same shape."
            ) from None
    kind = a.dtype.kind
    if strings and kind in "OUS":
        text = _as_text(a)
        if text is not None:
            return text
    if kind in "OUSV":
        raise TypeError(
            f"{what} must hold numbers; received an array of dtype {a.dtype} (e.g. "
            f"{_first(a)!r}). Convert text or categories to numbers first (e.g. with "
            "np.asarray(x, dtype='float32'), a lookup table, or to_categorical)."
        )
    if kind == "f" and a.dtype != config.floatx_dtype():
        a = a.astype(config.floatx_dtype())
    elif kind == "b":
        a = a.astype(config.floatx_dtype())
    return a


def _as_text(a):
    """``a`` as an object array of bytes when every element is text, else None."""
    if a.dtype.kind == "S":
        out = np.empty(a.shape, dtype=object)
        out.reshape(-1)[:] = [bytes(v) for v in a.reshape(-1)]
        return out
    flat = a.reshape(-1)
    if a.dtype.kind == "U" or all(isinstance(v, (str, bytes, np.str_, np.bytes_)) for v in flat):
        out = np.empty(a.shape, dtype=object)
        out.reshape(-1)[:] = [v.encode("utf-8") if isinstance(v, str) else bytes(v)
                              for v in flat]
        return out
    return None


def _first(a):
    return a.reshape(-1)[0] if a.size else None


def _is_array_like(v):
    return isinstance(v, (np.ndarray, Tensor)) or hasattr(v, "to_numpy") or (
        isinstance(v, (list, tuple)) and len(v) > 0)


def _is_numeric_list(x):
    """A (nested) list of numbers is one array, not a list of inputs."""
    first = x[0]
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    return isinstance(first, (int, float, np.number, bool))


def flat_arrays(x):
    """Every array in the nest ``x`` (``None`` entries skipped)."""
    return [a for a in tree.flatten(x) if a is not None]


def map_arrays(fn, x):
    """``fn`` on every array of ``x``, lists and tuples as lists. Used on every batch of a
    multi-input model: 4x faster than ``tree.map_structure``, which checks more cases."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: map_arrays(fn, v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [map_arrays(fn, v) for v in x]
    return fn(x)


def to_tensors(x):
    """Every array in ``x`` (a nest) as a Tensor: steps receive tensors, as in Keras."""
    if x is None or isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x)
    if isinstance(x, dict):
        return {k: to_tensors(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return type(x)(to_tensors(v) for v in x)
    return Tensor(np.asarray(x))


def expand_1d(x):
    """Keras 2's rule: 1-D arrays become columns, so ``fit(x, y)`` with 1-D x and y works."""
    return map_arrays(lambda a: a.reshape(-1, 1) if a.ndim == 1 else a, x)


def check_finite(x, what):
    for a in flat_arrays(x):
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            bad = np.argwhere(~np.isfinite(a))[0]
            raise ValueError(
                f"{what} contains NaN or infinity (first at index {tuple(int(i) for i in bad)}). "
                "Remove or impute missing values before training (e.g. np.nan_to_num, or drop "
                "those rows)."
            )


def num_samples(x, y=None, sample_weight=None):
    sizes = {}
    for name, v in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        for a in flat_arrays(v):
            if a.ndim == 0:
                raise ValueError(f"{name} must have a batch dimension; received a scalar.")
            sizes.setdefault(name, set()).add(a.shape[0])
    all_sizes = set().union(*sizes.values()) if sizes else set()
    if len(all_sizes) > 1:
        detail = ", ".join(f"{k}: {sorted(v)}" for k, v in sizes.items())
        raise ValueError(
            f"Data cardinality is ambiguous: x and y must have the same number of samples "
            f"(first dimension); received {detail}. Make sure every array has one row per "
            "sample."
        )
    return all_sizes.pop() if all_sizes else 0
