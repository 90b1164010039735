"""Node: one call of a layer on symbolic tensors, and how to replay it on values."""

from featherflow.graph.keras_tensor import KerasTensor


class _Slot:
    """Where the ``index``-th input tensor goes when a call is replayed."""

    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index


def _template(x, found):
    """``x`` with every KerasTensor replaced by a ``_Slot`` (its position in ``found``)."""
    if type(x) is KerasTensor:
        found.append(x)
        return _Slot(len(found) - 1)
    if isinstance(x, (list, tuple)):
        items = [_template(v, found) for v in x]
        return tuple(items) if isinstance(x, tuple) else items
    if isinstance(x, dict):
        return {k: _template(v, found) for k, v in x.items()}
    return x


def _fill(template, values):
    if type(template) is _Slot:
        return values[template.index]
    if isinstance(template, (list, tuple)):
        items = [_fill(v, values) for v in template]
        return tuple(items) if isinstance(template, tuple) else items
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    return template


def structure_of(x):
    """A picklable description of a nest, to rebuild it from a flat list (``pack``)."""
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [structure_of(v) for v in x])
    if isinstance(x, dict):
        return ("dict", {k: structure_of(v) for k, v in x.items()})
    return None


def pack(structure, flat):
    """Rebuild the nest described by ``structure`` from the values in ``flat``."""
    it = iter(flat)

    def build(s):
        if s is None:
            return next(it)
        kind, items = s
        if kind == "dict":
            return {k: build(v) for k, v in items.items()}
        out = [build(v) for v in items]
        return tuple(out) if kind == "tuple" else out

    return build(structure)


class Node:
    """One call of ``layer`` on symbolic tensors: which tensors went in and came out.

    ``inputs`` are the KerasTensors found anywhere in the call's arguments (the first argument
    first), ``outputs`` the KerasTensors it returned. ``kwargs`` holds the call's other keyword
    arguments (an explicit ``training=False`` among them) and ``args_structure`` the nest of the
    first argument; a call with tensors past the first argument keeps a template of all its
    arguments, and ``arguments(values)`` rebuilds them from the input values in order.
    """

    __slots__ = ("layer", "inputs", "outputs", "kwargs", "args_structure", "index",
                 "_template")

    def __init__(self, layer, inputs, outputs, kwargs, args_structure, template=None):
        self.layer = layer
        self.inputs = inputs  # flat list of KerasTensors
        self.outputs = outputs  # flat list of KerasTensors
        self.kwargs = kwargs  # non-tensor keyword arguments of the call
        self.args_structure = args_structure  # how to rebuild the first argument
        self._template = template  # (args, kwargs) with _Slots, when tensors are elsewhere
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)

    @classmethod
    def from_call(cls, layer, first, rest, kwargs, outputs):
        """Record ``layer(first, *rest, **kwargs)`` made on symbolic tensors."""
        found = []
        first_t = _template(first, found)
        n_first = len(found)
        rest_t = [_template(v, found) for v in rest]
        kwargs_t = {k: _template(v, found) for k, v in kwargs.items()}
        plain = {k: v for k, v in kwargs.items()}
        template = None
        if len(found) > n_first:
            template = ([first_t] + rest_t, kwargs_t)
        elif rest:
            plain["_args"] = list(rest)
        structure = None if type(first) is KerasTensor else structure_of(first)
        return cls(layer, found, outputs, plain if template is None else {}, structure,
                   template)

    @property
    def is_simple(self):
        """One tensor in, nothing else passed."""
        return (self._template is None and not self.kwargs and self.args_structure is None
                and len(self.inputs) == 1)

    def arguments(self, values):
        """``(args, kwargs)`` of this call with ``values`` (one per input) in place."""
        if self._template is not None:
            args, kwargs = _fill(self._template, values)
            return list(args), dict(kwargs)
        first = values[0] if self.args_structure is None else pack(self.args_structure, values)
        kwargs = dict(self.kwargs)
        extra = kwargs.pop("_args", ())
        return [first, *extra], kwargs

    @property
    def parent_nodes(self):
        return [t.node for t in self.inputs]
