"""TF's ragged dispatch: the public ``tf.*``, ``tf.math.*`` and ``tf.nn.*`` functions that
accept RaggedTensors.

As TF's ``ragged_dispatch`` registers its handlers when the ragged package loads, ``install``
runs once when ``featherflow.api.ragged_tensor`` is first imported (a RaggedTensor cannot
exist before): each listed public name is replaced by a wrapper that sends calls with a
RaggedTensor argument to the ragged implementation and every other call, unchanged, to the
original. Internal callers use the ops modules directly and never see the wrapper.
"""

import functools

from featherflow.api import ragged_math
from featherflow.api.ragged_tensor import RaggedTensor

# elementwise ops of one tensor (extra arguments passed through: cast's dtype, ...)
UNARY = (
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cast", "ceil", "cos", "cosh",
    "digamma", "erf", "erfc", "exp", "expm1", "floor", "identity", "imag", "is_finite",
    "is_inf", "is_nan", "lgamma", "log", "log1p", "log_sigmoid", "logical_not", "negative",
    "ones_like", "real", "reciprocal", "rint", "round", "rsqrt", "saturate_cast", "sigmoid",
    "sign", "sin", "sinh", "softplus", "softsign", "sqrt", "square", "stop_gradient", "tan",
    "tanh", "zeros_like", "clip_by_value", "relu", "relu6", "elu", "selu", "gelu",
    "leaky_relu", "silu", "swish", "dropout", "scalar_mul",
)
# elementwise ops of two tensors
BINARY = (
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floormod", "mod",
    "pow", "maximum", "minimum", "squared_difference", "equal", "not_equal", "greater",
    "greater_equal", "less", "less_equal", "logical_and", "logical_or", "logical_xor",
    "divide_no_nan", "xlogy", "atan2", "bitwise_and", "bitwise_or",
)
REDUCTIONS = {"reduce_sum": "sum", "reduce_prod": "prod", "reduce_max": "max",
              "reduce_min": "min", "reduce_any": "any", "reduce_all": "all"}
_MODULES = ("featherflow", "featherflow.api.math", "featherflow.api.nn")
_WRAPPERS = {}
_INSTALLED = []


def _has_ragged(args, kwargs):
    for value in args:
        if type(value) is RaggedTensor:
            return True
        if type(value) in (list, tuple) and any(type(v) is RaggedTensor for v in value):
            return True
    return any(type(v) is RaggedTensor for v in kwargs.values())


def _wrap(original, ragged_fn):
    if original in _WRAPPERS:
        return _WRAPPERS[original]

    # on every call of a public op once tf.ragged is loaded: the checks are inlined (a call
    # to _has_ragged and a generator over an empty kwargs cost ~1 us per op)
    @functools.wraps(original)
    def dispatcher(*args, **kwargs):
        for value in args:
            kind = type(value)
            if kind is RaggedTensor or ((kind is list or kind is tuple)
                                        and _has_ragged(value, {})):
                return ragged_fn(original, *args, **kwargs)
        if kwargs:
            for value in kwargs.values():
                if type(value) is RaggedTensor:
                    return ragged_fn(original, *args, **kwargs)
        return original(*args, **kwargs)

    dispatcher.__wrapped_original__ = original
    _WRAPPERS[original] = dispatcher
    _WRAPPERS[dispatcher] = dispatcher
    return dispatcher


def _first(args, kwargs, names):
    """The first operand, positional or by one of ``names``, and the rest of the call."""
    if args:
        return args[0], args[1:], kwargs
    for name in names:
        if name in kwargs:
            rest = dict(kwargs)
            return rest.pop(name), (), rest
    raise TypeError("missing the tensor argument")


def _unary(original, *args, **kwargs):
    x, rest, kwargs = _first(args, kwargs, ("x", "input", "features", "t", "tensor"))
    if original.__name__ == "scalar_mul":
        scalar, x = x, (rest[0] if rest else kwargs.pop("x"))
        return ragged_math.unary(lambda v: original(scalar, v), x)
    if type(x) is not RaggedTensor:
        raise TypeError(f"tf.{original.__name__}: a RaggedTensor is accepted as the first "
                        "argument only.")
    kwargs.pop("name", None)
    return ragged_math.unary(original, x, *rest, **kwargs)


def _binary(original, *args, **kwargs):
    kwargs = dict(kwargs)
    kwargs.pop("name", None)
    names = ["x", "y"]
    operands = list(args[:2])
    for name in names[len(operands):]:
        if name in kwargs:
            operands.append(kwargs.pop(name))
    if len(operands) != 2:
        raise TypeError(f"tf.{original.__name__}: expected two operands.")
    return ragged_math.elementwise(lambda a, b: original(a, b, *args[2:], **kwargs),
                                   f"tf.{original.__name__}", *operands)


def _reduction(original, input_tensor=None, axis=None, keepdims=False, name=None, **kwargs):
    if input_tensor is None:
        input_tensor = kwargs.pop("input")
    kind = REDUCTIONS[original.__name__]
    return ragged_math.reduce(kind, original, input_tensor, axis, keepdims,
                              f"tf.{original.__name__}")


def _reduce_mean(original, input_tensor=None, axis=None, keepdims=False, name=None):
    return ragged_math.reduce_mean(input_tensor, axis, keepdims)


def _where(original, condition, x=None, y=None, name=None):
    if x is None and y is None:
        raise ValueError("tf.where: featherflow's ragged where needs x and y (the "
                         "one-argument form returns coordinates; use tf.where on "
                         "condition.flat_values).")
    return ragged_math.elementwise(lambda c, a, b: original(c, a, b), "tf.where",
                                   condition, x, y)


def _concat(original, values, axis, name=None):
    return ragged_math.concat(list(values), axis, "tf.concat")


def _stack(original, values, axis=0, name=None):
    return ragged_math.stack(list(values), axis, "tf.stack")


def _expand_dims(original, input, axis, name=None):  # noqa: A002 - TF's argument name
    return ragged_math.expand_dims(input, int(axis))


def _gather(original, params, indices, validate_indices=None, axis=None, batch_dims=0,
            name=None):
    if type(params) is not RaggedTensor:
        return indices.with_flat_values(original(params, indices.flat_values, axis=axis))
    return ragged_math.gather(params, indices, axis)


def _size(original, input, out_type=None, name=None):  # noqa: A002
    import numpy as np

    dtype = np.int32 if out_type is None else np.dtype(getattr(out_type, "as_numpy_dtype",
                                                                out_type))
    from featherflow.autodiff.tensor import Tensor

    return Tensor(np.array(input.flat_values.data.size, dtype))


def _rank(original, input, name=None):  # noqa: A002
    import numpy as np

    from featherflow.autodiff.tensor import Tensor

    return Tensor(np.array(len(input.shape), np.int32))


def _boolean_mask(original, tensor, mask, axis=None, name=None):
    from featherflow.api import ragged_ops  # tf.ragged's functions, beside this module

    return ragged_ops.boolean_mask(tensor, mask)


def _map_fn(original, fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
            swap_memory=False, infer_shape=True, name=None, fn_output_signature=None):
    from featherflow.api import ragged_ops

    return ragged_ops.map_fn(original, fn, elems, dtype, fn_output_signature)


_SPECIAL = {"reduce_mean": _reduce_mean, "where": _where, "concat": _concat,
            "stack": _stack, "expand_dims": _expand_dims, "gather": _gather, "size": _size,
            "rank": _rank, "boolean_mask": _boolean_mask}


def install():
    """Register the ragged handlers on the public namespaces (once)."""
    if _INSTALLED:
        return
    import importlib

    table = dict.fromkeys(UNARY, _unary)
    table.update(dict.fromkeys(BINARY, _binary))
    table.update(dict.fromkeys(REDUCTIONS, _reduction))
    table.update(_SPECIAL)
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for name, handler in table.items():
            try:
                original = getattr(module, name)
            except AttributeError:
                continue
            if callable(original):
                setattr(module, name, _wrap(original, handler))
    control_flow = importlib.import_module("featherflow.api.control_flow")
    wrapped = _wrap(control_flow.map_fn, _map_fn)
    control_flow.map_fn = wrapped
    importlib.import_module("featherflow").map_fn = wrapped
    _INSTALLED.append(True)
