"""featherflow: the Keras workflow on a small autodiff engine over NumPy.

``import featherflow as tf`` gives TensorFlow's core names (``constant``, ``Variable``,
``GradientTape``, ``matmul``, ``reduce_sum``, ``nn``, ``math``, ``random``...) and
``tf.keras`` with Sequential and Functional models, layers, losses, optimizers and callbacks.
"""

import importlib
import importlib.util

import numpy as _np

# TensorFlow's DType objects (featherflow/api/dtypes.py: NumPy accepts them as dtypes)
from featherflow.api.dtypes import (  # noqa: E402, A004
    DType,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    qint8,
    qint16,
    qint32,
    quint8,
    quint16,
    resource,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
    variant,
)
from featherflow.autodiff import (
    GradientTape,
    Tensor,
    TensorShape,
    Variable,
    constant,
    convert_to_tensor,
)
from featherflow.ops.activations import sigmoid, tanh
from featherflow.ops.concat import concat, split, stack, unstack  # noqa: A004
from featherflow.ops.creation import (  # noqa: A004
    eye,
    fill,
    linspace,
    meshgrid,
    one_hot,
    ones,
    ones_like,
    zeros,
    zeros_like,
)
from featherflow.ops.creation import range_ as range
from featherflow.ops.indexing import (  # noqa: A004
    boolean_mask,
    gather,
    gather_nd,
    scatter_nd,
    tensor_scatter_nd_add,
    tensor_scatter_nd_update,
)
from featherflow.ops.math import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    cast,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    cos,
    count_nonzero,
    cumsum,
    divide,
    divide_no_nan,
    einsum,
    equal,
    exp,
    floor,
    greater,
    greater_equal,
    identity,
    less,
    less_equal,
    log,
    logical_and,
    logical_not,
    logical_or,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
    norm,
    not_equal,
    pow,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
    round,
    rsqrt,
    sign,
    sin,
    sqrt,
    square,
    squared_difference,
    stop_gradient,
    subtract,
    tan,
    tensordot,
    truediv,
    where,
)
from featherflow.ops.padding import pad  # noqa: A004
from featherflow.ops.py_function import numpy_function, py_function
from featherflow.ops.reshape import (  # noqa: A004
    broadcast_to,
    expand_dims,
    reshape,
    squeeze,
    transpose,
)
from featherflow.ops.reverse import reverse, roll  # noqa: A004
from featherflow.ops.shape_query import rank, shape, size  # noqa: A004
from featherflow.ops.sort import argsort, sort, unique  # noqa: A004
from featherflow.ops.tiling import repeat, tile  # noqa: A004
from featherflow.version import __version__

newaxis = None

# Submodules loaded on first use keep `import featherflow` fast.
_LAZY = {
    "keras": "featherflow.keras",
    "nn": "featherflow.api.nn",
    "math": "featherflow.api.math",
    "random": "featherflow.api.random",
    "linalg": "featherflow.api.linalg",
    "test": "featherflow.api.test",
    "config": "featherflow.api.config",
    "dtypes": "featherflow.api.dtypes",
    "errors": "featherflow.errors",
    "summary": "featherflow.summary",
    "testing": "featherflow.testing",
    "backend": "featherflow.backend",
    "utils": "featherflow.utils",
    "losses": "featherflow.losses",
    "metrics": "featherflow.metrics",
    "optimizers": "featherflow.optimizers",
    "layers": "featherflow.layers",
    "models": "featherflow.models",
    "callbacks": "featherflow.callbacks",
    "initializers": "featherflow.initializers",
    "regularizers": "featherflow.regularizers",
    "activations": "featherflow.activations",
    "saving": "featherflow.saving",
    "nest": "featherflow.tree.nest",
    "data": "featherflow.data",
    "io": "featherflow.io",
    "train": "featherflow.api.train",
    "strings": "featherflow.api.strings",
    "image": "featherflow.image",
    "audio": "featherflow.api.audio",
    "debugging": "featherflow.api.debugging",
    "signal": "featherflow.api.signal",
    "sparse": "featherflow.api.sparse",
    "ragged": "featherflow.api.ragged",
    "autograph": "featherflow.api.autograph",
    "distribute": "featherflow.distribute",
    "bitwise": "featherflow.api.bitwise",
    "sets": "featherflow.api.sets",
    "lookup": "featherflow.api.lookup",
    "compat": "featherflow.api.compat",
    "types": "featherflow.api.types",
    "sysconfig": "featherflow.api.sysconfig",
    "quantization": "featherflow.api.quantization",
    "queue": "featherflow.api.queues",
    "profiler": "featherflow.api.profiler",
    "xla": "featherflow.api.xla",
    "experimental": "featherflow.api.experimental",
}


# Single names that live in a lazily loaded module.
_LAZY_NAMES = {
    "TensorSpec": ("featherflow.data.structure", "TensorSpec"),
    "OptionalSpec": ("featherflow.data.optional", "OptionalSpec"),
    "custom_gradient": ("featherflow.autodiff.custom_gradient", "custom_gradient"),
    "print": ("featherflow.api.printing", "print"),
    "Assert": ("featherflow.api.debugging", "Assert"),
    "assert_equal": ("featherflow.api.debugging", "assert_equal"),
    "assert_greater": ("featherflow.api.debugging", "assert_greater"),
    "assert_less": ("featherflow.api.debugging", "assert_less"),
    "assert_rank": ("featherflow.api.debugging", "assert_rank"),
    "SparseTensor": ("featherflow.api.sparse", "SparseTensor"),
    "SparseTensorSpec": ("featherflow.api.sparse", "SparseTensorSpec"),
    "RaggedTensor": ("featherflow.api.ragged", "RaggedTensor"),
    "RaggedTensorSpec": ("featherflow.api.ragged", "RaggedTensorSpec"),
    "TensorArray": ("featherflow.api.tensor_array", "TensorArray"),
    "TensorArraySpec": ("featherflow.api.tensor_array", "TensorArraySpec"),
    "IndexedSlices": ("featherflow.api.indexed_slices", "IndexedSlices"),
    "IndexedSlicesSpec": ("featherflow.api.indexed_slices", "IndexedSlicesSpec"),
    "bitcast": ("featherflow.api.core_bits", "bitcast"),
    "edit_distance": ("featherflow.api.edit_distance", "edit_distance"),
    "make_tensor_proto": ("featherflow.io.tensor_proto_util", "make_tensor_proto"),
    "make_ndarray": ("featherflow.io.tensor_proto_util", "make_ndarray"),
    "conv2d_backprop_filter_v2": ("featherflow.api.nn_morph", "conv2d_backprop_filter_v2"),
    "conv2d_backprop_input_v2": ("featherflow.api.nn_morph", "conv2d_backprop_input_v2"),
    **{_n: ("featherflow.api.core_misc", _n) for _n in (
        "DeviceSpec", "TypeSpec", "fftnd", "guarantee_const", "ifftnd", "inside_function",
        "irfftnd", "is_symbolic_tensor", "parallel_stack", "rfftnd", "type_spec_from_value")},
    "space_to_batch": ("featherflow.api.space_batch", "space_to_batch"),
    "space_to_batch_nd": ("featherflow.api.space_batch", "space_to_batch_nd"),
    "batch_to_space": ("featherflow.api.space_batch", "batch_to_space"),
    "required_space_to_batch_paddings": ("featherflow.api.space_batch",
                                         "required_space_to_batch_paddings"),
    "as_string": ("featherflow.api.core_bits", "as_string"),
    "RegisterGradient": ("featherflow.api.gradient_registry", "RegisterGradient"),
    "gradients": ("featherflow.api.gradient_registry", "gradients"),
    "AggregationMethod": ("featherflow.api.gradient_registry", "AggregationMethod"),
    "NoneTensorSpec": ("featherflow.api.none_tensor", "NoneTensorSpec"),
    "variable_creator_scope": ("featherflow.autodiff.variable_creator", "variable_creator_scope"),
    "register_tensor_conversion_function": ("featherflow.api.tensor_conversion",
                                            "register_tensor_conversion_function"),
    "CriticalSection": ("featherflow.api.critical_section", "CriticalSection"),
    "load_op_library": ("featherflow.api.native_ops", "load_op_library"),
    "load_library": ("featherflow.api.native_ops", "load_library"),
    "check_pinned": ("featherflow.api.native_ops", "check_pinned"),
    "nondifferentiable_batch_function": ("featherflow.api.batch_function",
                                         "nondifferentiable_batch_function"),
    "ragged_fill_empty_rows": ("featherflow.api.ragged_fill", "ragged_fill_empty_rows"),
    "ragged_fill_empty_rows_grad": ("featherflow.api.ragged_fill", "ragged_fill_empty_rows_grad"),
    "conv": ("featherflow.api.conv_op", "conv"),
    **{_n: ("featherflow.api.graphs", _n) for _n in (
        "Graph", "Operation", "graph_util", "import_graph_def")},
}
# tf.Module, scopes, slicing, masks... (featherflow/api/core_extra.py takes its __all__ here)
_CORE_EXTRA_NAMES = (
    "Module", "UnconnectedGradients", "VariableAggregation", "VariableSynchronization",
    "broadcast_dynamic_shape", "broadcast_static_shape", "complex", "constant_initializer",
    "control_dependencies", "device", "dynamic_partition", "dynamic_stitch", "ensure_shape",
    "fingerprint", "get_current_name_scope", "get_logger", "get_static_value",
    "grad_pass_through", "group", "hessians", "histogram_fixed_width",
    "histogram_fixed_width_bins", "identity_n", "init_scope", "is_tensor", "name_scope",
    "no_gradient", "no_op", "ones_initializer", "random_normal_initializer",
    "random_uniform_initializer", "realdiv", "recompute_grad", "reverse_sequence",
    "saturate_cast", "scalar_mul", "searchsorted", "sequence_mask", "shape_n", "slice",
    "strided_slice", "tensor_scatter_nd_max", "tensor_scatter_nd_min", "tensor_scatter_nd_sub",
    "timestamp", "truncatediv", "truncatemod", "tuple", "unique_with_counts", "unravel_index",
    "zeros_initializer")
_LAZY_NAMES.update({name: ("featherflow.api.core_extra", name) for name in _CORE_EXTRA_NAMES})
_LAZY_NAMES.update({"eig": ("featherflow.api.linalg_extra", "eig"),
                    "eigvals": ("featherflow.api.linalg_extra", "eigvals"),
                    "matrix_square_root": ("featherflow.api.linalg_extra", "sqrtm")})
_LAZY_NAMES.update({name: ("featherflow.api.math", name) for name in (
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cosh", "sinh")})
_LAZY_NAMES.update({name: ("featherflow.api.core_more", name) for name in (
    "approx_top_k", "extract_volume_patches", "random_index_shuffle")})
_LAZY_NAMES.update({name: ("featherflow.api.control_flow", name) for name in (
    "case", "cond", "foldl", "foldr", "map_fn", "scan", "switch_case", "vectorized_map",
    "while_loop")})


def _module_exists(module_name):
    try:
        return importlib.util.find_spec(module_name) is not None
    except ImportError:
        return False


def __getattr__(name):
    if name in _LAZY_NAMES and _module_exists(_LAZY_NAMES[name][0]):
        module_name, attr = _LAZY_NAMES[name]
        value = getattr(importlib.import_module(module_name), attr)
        globals()[name] = value
        return value
    target = _LAZY.get(name)
    if target is None or not _module_exists(target):
        raise AttributeError(f"module 'featherflow' has no attribute {name!r}")
    module = importlib.import_module(target)
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | {n for n, m in _LAZY.items() if _module_exists(m)}
                  | {n for n, (m, _) in _LAZY_NAMES.items() if _module_exists(m)})


def as_dtype(type_value):
    """``tf.as_dtype``: the DType of a name, NumPy dtype, DType or TF enum number."""
    from featherflow.api.dtypes import as_dtype as _as_dtype

    return _as_dtype(type_value)


def executing_eagerly():
    """featherflow always runs eagerly: True."""
    return True


def function(func=None, **kwargs):
    """``tf.function`` (featherflow/api/polymorphic_function.py): TF's calling contract
    (input_signature, get_concrete_function, tracing counts), run eagerly."""
    from featherflow.api.polymorphic_function import function as _function

    return _function(func, **kwargs)
