"""tf.sparse: SparseTensor and the ops on it (eager, differentiable in ``values`` and dense
operands where TF is). See docs/sparse.md."""

import importlib

from featherflow.api.sparse_math import (
    add,
    maximum,
    minimum,
    reduce_max,
    reduce_sum,
    sampled_addmm,
    softmax,
    sparse_dense_matmul,
)
from featherflow.api.sparse_ops import (
    fill_empty_rows,
    from_dense,
    map_values,
    mask,
    retain,
    to_dense,
    to_indicator,
)
from featherflow.api.sparse_segments import bincount, segment_mean, segment_sqrt_n, segment_sum
from featherflow.api.sparse_shape import (
    concat,
    expand_dims,
    eye,
    reorder,
    reset_shape,
    reshape,
    slice,  # noqa: A004 - TF's name
    split,
    transpose,
)
from featherflow.api.sparse_tensor import SparseTensor, SparseTensorSpec

# cross/cross_hashed hash with HashedCrossing's FingerprintCat64, whose module loads the layer
# stack: loaded on first use, as featherflow's own lazy names
_LAZY = {"cross": "featherflow.api.sparse_cross", "cross_hashed": "featherflow.api.sparse_cross"}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'featherflow.sparse' has no attribute {name!r}")


__all__ = ["SparseTensor", "add", "bincount", "concat", "expand_dims", "eye",
           "fill_empty_rows", "from_dense", "map_values", "mask", "maximum", "minimum",
           "reduce_max", "reduce_sum", "reorder", "reset_shape", "reshape", "retain",
           "sampled_addmm", "segment_mean", "segment_sqrt_n", "segment_sum", "slice", "softmax",
           "sparse_dense_matmul", "split", "to_dense", "to_indicator", "transpose", *_LAZY]


def __dir__():
    return sorted(__all__)
