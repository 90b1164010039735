"""``tf.function``: a Python function with TensorFlow's calling contract, run eagerly.

featherflow has no graphs, so a ``tf.function`` runs its Python body on every call (as
TensorFlow does under ``tf.config.run_functions_eagerly(True)``): Python side effects such as
``print`` happen on every call, not once per trace. What TensorFlow checks and reports is kept:

* ``input_signature``: a nest of ``tf.TensorSpec`` checked at each call, with TensorFlow's
  ``TypeError`` text ("Binding inputs to tf.function failed due to ..."); Python values and
  NumPy arrays are converted to the spec's dtype, tensors must have it; ``None`` dimensions match
  any size.
* ``experimental_get_tracing_count()``: how many traces TensorFlow would have made (one per new
  tensor shape/dtype or Python value; with ``reduce_retracing`` shapes are relaxed to ``None``
  where calls differ; one with an ``input_signature``).
* ``get_concrete_function(*specs_or_values)``: a :class:`ConcreteFunction` with
  ``structured_input_signature``, ``structured_outputs`` and a call.
* ``jit_compile``, ``reduce_retracing``, ``experimental_relax_shapes``, ``autograph`` and the
  other options are accepted; they change nothing that can be observed eagerly.
"""

import functools
import inspect

import numpy as np

from featherflow.api.concrete_function import (
    ConcreteFunction,
    holds_spec,
    is_spec,
    spec_class,
    spec_of,
)
from featherflow.autodiff.tensor import Tensor, convert_to_tensor

__all__ = ["ConcreteFunction", "Function", "function"]


def _check_signature(signature):
    """The input_signature as a tuple, or TypeError naming what is not a spec."""
    if not isinstance(signature, (list, tuple)):
        raise TypeError(f"input_signature must be either a tuple or a list, got "
                        f"{type(signature)}.")
    bad = []

    def walk(node):
        if isinstance(node, dict):
            for v in node.values():
                walk(v)
        elif isinstance(node, (list, tuple)):
            for v in node:
                walk(v)
        elif not is_spec(node):
            bad.append(node)

    walk(signature)
    if bad:
        raise TypeError(f"input_signature must be a possibly nested sequence of TensorSpec "
                        f"objects, got invalid args {bad} with types "
                        f"{[type(b) for b in bad]}.")
    return tuple(signature)


class _BindError(TypeError):
    pass


def _conform(value, spec):
    """``value`` converted to and checked against ``spec`` (a nest), or _BindError."""
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise _BindError(f"{value!r} has different keys with the TraceType "
                             f"Dict[{', '.join(f'[{k!r}, {v!r}]' for k, v in spec.items())}].")
        return {k: _conform(value[k], spec[k]) for k in spec}
    if isinstance(spec, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(spec):
            raise _BindError(f"{value!r} does not match the structure {spec!r}.")
        out = [_conform(v, s) for v, s in zip(value, spec)]
        return type(value)(out) if isinstance(value, tuple) else out
    TensorSpec = spec_class()
    if type(spec) is not TensorSpec:
        if not spec.is_compatible_with(value):
            raise _BindError(f"Can not cast {value!r} to {spec!r}")
        return value
    want = np.dtype(spec.dtype)
    if isinstance(value, Tensor):
        tensor = value
    else:
        array = np.asarray(value)
        if array.dtype.kind == "f" and want.kind in "iub" or (
                array.dtype.kind in "fiu" and want.kind in "OSU"):
            raise _BindError(f"Cannot convert {value!r} to EagerTensor of dtype "
                             f"{_dtype_name(want)}")
        tensor = convert_to_tensor(value, dtype=want)
    if tensor.data.dtype != want or not spec.is_compatible_with(tensor):
        raise _BindError(f"Can not cast {spec_of(tensor)!r} to {spec!r}")
    return tensor


def _dtype_name(np_dtype):
    return "string" if np_dtype.kind == "O" else np_dtype.name


def _trace_key(value):
    """What TensorFlow keys a trace on: a tensor's shape and dtype, a Python value itself."""
    if isinstance(value, Tensor):
        return ("T", value.data.shape, value.data.dtype.str)
    if isinstance(value, np.ndarray):
        return ("T", value.shape, value.dtype.str)
    if isinstance(value, dict):
        return ("D", tuple((k, _trace_key(v)) for k, v in sorted(value.items(), key=repr)))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_trace_key(v) for v in value))
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return ("V", type(value).__name__, value)


def _relax(a, b):
    """The most specific key both keys fit (shapes relaxed to None), or None if none."""
    if a[0] != b[0]:
        return None
    if a[0] == "T":
        if a[2] != b[2]:
            return None
        if a[1] is None or b[1] is None or len(a[1]) != len(b[1]):
            return ("T", None, a[2])  # ranks differ: unknown rank, as TensorShape's supertype
        return ("T", tuple(x if x == y else None for x, y in zip(a[1], b[1])), a[2])
    if a[0] in ("D", "list", "tuple"):
        if len(a[1]) != len(b[1]):
            return None
        parts = []
        for x, y in zip(a[1], b[1]):
            if a[0] == "D":
                if x[0] != y[0]:
                    return None
                r = _relax(x[1], y[1])
                parts.append(None if r is None else (x[0], r))
            else:
                parts.append(_relax(x, y))
        return None if None in parts else (a[0], tuple(parts))
    return a if a == b else None


def _fits(key, general):
    return _relax(key, general) == general


class Function:
    """What ``tf.function(f, ...)`` returns: call it as ``f``; see the module docstring."""

    def __init__(self, python_function, input_signature=None, autograph=True,
                 jit_compile=None, reduce_retracing=False, experimental_implements=None,
                 experimental_autograph_options=None, experimental_attributes=None,
                 experimental_relax_shapes=None, experimental_compile=None,
                 experimental_follow_type_hints=None, name=None):
        if not callable(python_function):
            raise TypeError(f"tf.function: expected a Python callable to wrap, received "
                            f"{python_function!r}.")
        self._python_function = python_function
        self._signature = None if input_signature is None else _check_signature(
            input_signature)
        self._reduce_retracing = bool(reduce_retracing or experimental_relax_shapes)
        self._jit_compile = jit_compile if jit_compile is not None else experimental_compile
        self._autograph = autograph
        self._traces = []
        self.__name__ = name or getattr(python_function, "__name__", "function")
        functools.update_wrapper(self, python_function, updated=())
        self._py_sig = inspect.signature(python_function)
        if self._signature is not None:
            params = list(self._py_sig.parameters.values())
            positional = [p for p in params if p.kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)]
            if len(self._signature) > len(positional) and not any(
                    p.kind == inspect.Parameter.VAR_POSITIONAL for p in params):
                raise TypeError(
                    f"tf.function {self.__name__}: the input_signature has "
                    f"{len(self._signature)} specs but the function takes "
                    f"{len(positional)} positional arguments.")
            self._sig_params = positional[:len(self._signature)]

    # -- properties -------------------------------------------------------------------
    @property
    def python_function(self):
        return self._python_function

    @property
    def input_signature(self):
        return self._signature

    @property
    def function_spec(self):
        return self._py_sig

    def experimental_get_tracing_count(self):
        """How many traces TensorFlow would have made so far (featherflow does not trace:
        it runs the Python function on every call)."""
        return len(self._traces)

    # -- calling ----------------------------------------------------------------------
    def _bind_signature(self, args, kwargs):
        params = [p.replace(annotation=inspect.Parameter.empty) for p in self._sig_params]
        sig = inspect.Signature(params)
        try:
            bound = sig.bind(*args, **kwargs)
            for p, spec in zip(self._sig_params, self._signature):
                if p.name in bound.arguments:
                    bound.arguments[p.name] = _conform(bound.arguments[p.name], spec)
        except (_BindError, TypeError) as err:
            shown = ", ".join(f"{p.name}: {s!r}" for p, s in zip(self._sig_params,
                                                                  self._signature))
            raise TypeError(f"Binding inputs to tf.function failed due to `{err}`. Received "
                            f"args: {args} and kwargs: {kwargs} for signature: "
                            f"({shown}).") from None
        return bound

    def _note_trace(self, key):
        for general in self._traces:
            if key == general or (self._reduce_retracing and _fits(key, general)):
                return
        if self._reduce_retracing:
            for general in self._traces:
                relaxed = _relax(key, general)
                if relaxed is not None:
                    self._traces.append(relaxed)
                    return
        self._traces.append(key)

    # tf.summary.trace_on sets a recorder that runs calls under a tape (summary/trace.py)
    _trace = None

    def __call__(self, *args, **kwargs):
        if Function._trace is not None:
            return Function._trace.call(self, self._call, args, kwargs)
        return self._call(*args, **kwargs)

    def _call(self, *args, **kwargs):
        if self._signature is not None:
            bound = self._bind_signature(args, kwargs)
            if not self._traces:
                self._traces.append("signature")
            out = self._python_function(*bound.args, **bound.kwargs)
        else:
            self._note_trace(("tuple", (_trace_key(args), _trace_key(kwargs))))
            out = self._python_function(*args, **kwargs)
        return out if type(out) is Tensor else _outputs_as_tensors(out)

    def get_concrete_function(self, *args, **kwargs):
        """A :class:`ConcreteFunction` for these arguments (TensorSpecs, tensors or Python
        values), or for the ``input_signature`` when called without arguments."""
        sig = self._py_sig
        if self._signature is not None:
            if args or kwargs:
                self._bind_signature(args, kwargs)
            bound = inspect.Signature(self._sig_params).bind(*self._signature)
            for name, spec in list(bound.arguments.items()):
                bound.arguments[name] = _named(spec, name)
            bound = _rebind(sig, bound)
        else:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as err:
                raise TypeError(f"get_concrete_function of {self.__name__}: {err}") from None
            bound.apply_defaults()
            for name, value in list(bound.arguments.items()):
                bound.arguments[name] = _as_spec_nest(value, name)
        if not self._traces:
            self._traces.append("concrete")
        return ConcreteFunction(self, bound)

    def __get__(self, instance, owner):
        """A method decorated with ``tf.function``: one Function per instance, bound to it."""
        if instance is None:
            return self
        cache = instance.__dict__.setdefault("_ff_tf_functions", {}) if hasattr(
            instance, "__dict__") else {}
        bound = cache.get(id(self))
        if bound is None:
            method = self._python_function.__get__(instance, owner)
            bound = Function(method, input_signature=self._signature,
                             reduce_retracing=self._reduce_retracing,
                             jit_compile=self._jit_compile, name=self.__name__)
            cache[id(self)] = bound
        return bound

    def __repr__(self):
        return f"<featherflow tf.function {self.__name__}>"


def _outputs_as_tensors(node):
    """A traced function returns tensors: Python numbers, strings and arrays in the outputs
    become tensors (None and other objects stay), as TensorFlow."""
    if isinstance(node, (Tensor, type(None))):
        return node
    if isinstance(node, (bool, int, float, str, bytes, np.ndarray, np.generic)):
        return convert_to_tensor(node)
    if isinstance(node, dict):
        return {k: _outputs_as_tensors(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)) and not hasattr(node, "_fields"):
        out = [_outputs_as_tensors(v) for v in node]
        return tuple(out) if isinstance(node, tuple) else out
    return node


def _named(spec, name):
    TensorSpec = spec_class()
    if type(spec) is TensorSpec and spec.name is None:
        return TensorSpec(spec.shape, spec.dtype, name)
    return spec


def _rebind(sig, bound):
    out = sig.bind_partial()
    out.arguments.update(bound.arguments)
    return out


def _as_spec_nest(value, name):
    """Tensors and arrays become TensorSpecs named after the argument; specs are named;
    Python values stay (they are constants of the trace)."""
    if is_spec(value):
        return _named(value, name)
    if isinstance(value, (Tensor, np.ndarray)):
        return spec_of(value, name)
    if isinstance(value, dict):
        return {k: _as_spec_nest(v, name) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and holds_spec(value) or any(
            isinstance(v, (Tensor, np.ndarray)) for v in (value if isinstance(
                value, (list, tuple)) else ())):
        out = [_as_spec_nest(v, name) for v in value]
        return tuple(out) if isinstance(value, tuple) else out
    return value


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``tf.function``: ``func`` wrapped in a :class:`Function` (as a decorator with or
    without arguments)."""
    options = dict(input_signature=input_signature, autograph=autograph,
                   jit_compile=jit_compile, reduce_retracing=reduce_retracing,
                   experimental_implements=experimental_implements,
                   experimental_autograph_options=experimental_autograph_options,
                   experimental_attributes=experimental_attributes,
                   experimental_relax_shapes=experimental_relax_shapes,
                   experimental_compile=experimental_compile,
                   experimental_follow_type_hints=experimental_follow_type_hints)
    if func is None:
        return lambda f: Function(f, **options)
    return Function(func, **options)
