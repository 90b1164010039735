"""``ConcreteFunction``: one "trace" of a ``tf.function`` (featherflow/api/polymorphic_function.py)
with its input specs, its output specs and a call taking the tensor arguments; and the spec
helpers both files use."""

import inspect

import numpy as np

from featherflow.autodiff.tensor import Tensor, convert_to_tensor

__all__ = ["ConcreteFunction", "holds_spec", "is_spec", "spec_class", "spec_of"]


def spec_class():
    from featherflow.data.structure import TensorSpec

    return TensorSpec


def is_spec(value):
    return type(value).__name__.endswith("Spec") and hasattr(value, "is_compatible_with")


def spec_of(value, name=None):
    TensorSpec = spec_class()
    t = value if isinstance(value, Tensor) else convert_to_tensor(value)
    return TensorSpec(t.data.shape, t.data.dtype, name)


class ConcreteFunction:
    """One "trace" of a :class:`Function`: its specs (Python values kept as constants),
    ``structured_input_signature``, ``structured_outputs``, and a call taking the tensors."""

    def __init__(self, function, bound):
        self._function = function
        self._bound = bound  # inspect.BoundArguments whose tensor arguments are TensorSpecs
        self._outputs = None
        self._have_outputs = False

    @property
    def structured_input_signature(self):
        sig = self._bound.signature
        args, kwargs = [], {}
        for name, value in self._bound.arguments.items():
            kind = sig.parameters[name].kind
            if kind == inspect.Parameter.VAR_POSITIONAL:
                args.extend(value)
            elif kind == inspect.Parameter.VAR_KEYWORD:
                kwargs.update(value)
            else:
                args.append(value)
        return tuple(args), kwargs

    @property
    def structured_outputs(self):
        """The outputs as TensorSpecs (TensorFlow gives symbolic tensors of these shapes):
        found by running the function on zeros of the input specs, twice when a dimension is
        None (sizes 1 and 2; output dimensions that follow are None). Python side effects of
        the function happen on these runs."""
        if not self._have_outputs:
            first = self._run_probe(1)
            if self._has_unknown_dims():
                second = self._run_probe(2)
                self._outputs = _merge_specs(first, second)
            else:
                self._outputs = first
            self._have_outputs = True
        return self._outputs

    def _has_unknown_dims(self):
        found = []

        def walk(node):
            if is_spec(node) and hasattr(node, "shape"):
                shape = node.shape
                found.append(shape.rank is None or None in shape.as_list())
            elif isinstance(node, dict):
                for v in node.values():
                    walk(v)
            elif isinstance(node, (list, tuple)):
                for v in node:
                    walk(v)

        walk(self.structured_input_signature)
        return True in found

    def _run_probe(self, size):
        TensorSpec = spec_class()

        def probe(node):
            if type(node) is TensorSpec:
                shape = node.shape
                dims = [] if shape.rank is None else [size if d is None else d
                                                      for d in shape.as_list()]
                return Tensor(np.zeros(dims, np.dtype(node.dtype)))
            if isinstance(node, dict):
                return {k: probe(v) for k, v in node.items()}
            if isinstance(node, (list, tuple)):
                out = [probe(v) for v in node]
                return tuple(out) if isinstance(node, tuple) else out
            return node

        bound = self._bound.signature.bind_partial()
        bound.arguments.update({k: probe(v) for k, v in self._bound.arguments.items()})
        out = self._function._python_function(*bound.args, **bound.kwargs)
        return _map_tensors(out, lambda t: spec_of(t))

    def __call__(self, *args, **kwargs):
        """Call with the tensor arguments only (in order, or by name); the Python values of
        the trace are filled in."""
        sig = self._bound.signature
        names = [n for n, v in self._bound.arguments.items() if holds_spec(v)]
        if len(args) > len(names):
            raise TypeError(f"{self._function.__name__}: this concrete function takes "
                            f"{len(names)} tensor arguments ({', '.join(names)}); received "
                            f"{len(args)} positional arguments.")
        given = dict(zip(names, args))
        for k, v in kwargs.items():
            if k not in names or k in given:
                raise TypeError(f"{self._function.__name__}: unexpected or repeated argument "
                                f"{k!r}; the tensor arguments are {names}.")
            given[k] = v
        missing = [n for n in names if n not in given]
        if missing:
            raise TypeError(f"{self._function.__name__}: missing tensor arguments {missing}.")
        bound = sig.bind_partial()
        for name, value in self._bound.arguments.items():
            bound.arguments[name] = _conform_loose(given[name], value) if name in given \
                else value
        return self._function._python_function(*bound.args, **bound.kwargs)

    def __repr__(self):
        return f"<ConcreteFunction {self._function.__name__}{self.structured_input_signature}>"


def holds_spec(node):
    if is_spec(node):
        return True
    if isinstance(node, dict):
        return any(holds_spec(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(holds_spec(v) for v in node)
    return False


def _conform_loose(value, spec):
    """A concrete function converts to the spec's dtype (shapes are not re-checked, as
    TensorFlow's eager concrete functions)."""
    if isinstance(spec, dict):
        return {k: _conform_loose(value[k], s) for k, s in spec.items()}
    if isinstance(spec, (list, tuple)):
        out = [_conform_loose(v, s) for v, s in zip(value, spec)]
        return tuple(out) if isinstance(value, tuple) else out
    if is_spec(spec) and type(spec) is spec_class():
        return convert_to_tensor(value, dtype=np.dtype(spec.dtype))
    return value


def _map_tensors(node, fn):
    if isinstance(node, Tensor):
        return fn(node)
    if isinstance(node, dict):
        return {k: _map_tensors(v, fn) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        out = [_map_tensors(v, fn) for v in node]
        return tuple(out) if isinstance(node, tuple) else out
    return node


def _merge_specs(a, b):
    TensorSpec = spec_class()
    if type(a) is TensorSpec and type(b) is TensorSpec:
        dims = [x if x == y else None for x, y in zip(a.shape.as_list(), b.shape.as_list())]
        return TensorSpec(dims, a.dtype)
    if isinstance(a, dict):
        return {k: _merge_specs(a[k], b[k]) for k in a}
    if isinstance(a, (list, tuple)):
        out = [_merge_specs(x, y) for x, y in zip(a, b)]
        return tuple(out) if isinstance(a, tuple) else out
    return a
