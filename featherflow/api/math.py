"""``tf.math``: elementwise maths, reductions, segment sums and comparisons."""

from featherflow.ops.activations import log_sigmoid, sigmoid, softplus, softsign, tanh
from featherflow.ops.math import (
    abs,
    acos,
    add,
    add_n,
    argmax,
    argmin,
    asin,
    atan,
    ceil,
    confusion_matrix,
    cos,
    cosh,
    count_nonzero,
    cumsum,
    divide,
    divide_no_nan,
    equal,
    erf,
    exp,
    expm1,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    in_top_k,
    is_finite,
    is_inf,
    is_nan,
    l2_normalize,
    less,
    less_equal,
    log,
    log1p,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,
    reciprocal,
    reduce_all,
    reduce_any,
    reduce_euclidean_norm,
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
    scalar_mul,
    segment_sum,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    squared_difference,
    subtract,
    tan,
    truediv,
    unsorted_segment_sum,
    xlogy,
)
from featherflow.ops.softmax import log_softmax, softmax
from featherflow.ops.sort import top_k


def __getattr__(name):
    # the special functions and the rest of tf.math (featherflow/api/math_special.py) load on
    # first use
    from featherflow.api import math_special

    if name == "special":  # tf.math.special (featherflow/api/special.py)
        from featherflow.api import special

        globals()[name] = special
        return special
    if name == "sobol_sample":  # featherflow/api/sobol.py
        from featherflow.api.sobol import sobol_sample

        globals()[name] = sobol_sample
        return sobol_sample
    if name in math_special.__all__:
        value = getattr(math_special, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'featherflow.math' has no attribute {name!r}")


def __dir__():
    from featherflow.api import math_special

    return sorted(set(globals()) | set(math_special.__all__) | {"special", "sobol_sample"})
