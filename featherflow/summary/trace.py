"""``tf.summary.trace_on`` / ``trace_export`` / ``trace_off``: op graphs of ``tf.function``s.

TensorFlow collects the graphs of the ``tf.function``s run between ``trace_on`` and
``trace_export`` and writes them as a ``RunMetadata`` (its ``function_graphs``) under the
tag given to ``trace_export`` (plugin ``graph_run_metadata_graph``), which the Graphs
dashboard shows as that tag's op graph. featherflow runs functions eagerly, so while tracing
is on, the first call of each ``tf.function`` runs under a recording tape and its graph is
read back from the recorded primitives: arguments become ``Placeholder`` nodes (named after
the parameters), variables ``VarHandleOp`` nodes, other tensors and arrays ``Const`` nodes,
each primitive one node named after its class (``MatMul``, ``Sigmoid``; arithmetic as
TensorFlow names it, ``add``/``AddV2``, ``mul``/``Mul``; repeats get ``_1``, ``_2`` as in
TensorFlow), and each output an ``Identity`` node. Only what a gradient could flow through
is recorded: ops on constants alone, and ops with no gradient (comparisons, ``argmax``),
appear as the ``Const`` they produced.
"""

import time
import warnings

from featherflow import tree
from featherflow.api import polymorphic_function
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.autodiff.variable import Variable
from featherflow.summary import _graph_def, _proto
from featherflow.summary.ops import _writer, resolve_step


class _Recorder:
    """Runs each tf.function's first call under a tape and keeps its GraphDef."""

    def __init__(self):
        self.graphs = []
        self.seen = set()

    def call(self, function, run, args, kwargs):
        if id(function) in self.seen:
            return run(*args, **kwargs)
        self.seen.add(id(function))
        names = _argument_names(function, args, kwargs)
        with GradientTape(persistent=True) as tape:
            for tensor, _ in names.values():
                tape.watch(tensor)
            out = run(*args, **kwargs)
        self.graphs.append(_op_graph_def(out, names))
        return out


def _argument_names(function, args, kwargs):
    """id -> (tensor, Placeholder name) of the Tensors among the arguments (the parameter's
    name, with ``_1``, ``_2`` for the parts of a nested argument)."""
    try:
        bound = function.function_spec.bind(*args, **kwargs)
        items = list(bound.arguments.items())
    except TypeError:
        items = [(f"args_{i}", a) for i, a in enumerate(args)] + list(kwargs.items())
    names = {}
    for name, value in items:
        flat = [t for t in tree.flatten(value) if isinstance(t, Tensor)
                and not isinstance(t, Variable)]
        for i, tensor in enumerate(flat):
            names.setdefault(id(tensor), (tensor, name if i == 0 else f"{name}_{i}"))
    return names


# Primitives whose TensorFlow op has another name: (node name, op type) as TF writes them.
_TF_NAMES = {
    "Add": ("add", "AddV2"), "Subtract": ("sub", "Sub"), "Multiply": ("mul", "Mul"),
    "Divide": ("truediv", "RealDiv"),
}


def _op_name(fn):
    """(node name, op type) of a primitive: TF's for arithmetic, else the primitive's."""
    kind = getattr(fn, "kind", None)
    if isinstance(kind, str):
        name = "".join(part.capitalize() for part in kind.split("_"))
    else:
        name = type(fn).__name__
    return _TF_NAMES.get(name, (name, name))


def _op_graph_def(outputs, argument_names, scope_after=None, updates=()):
    """GraphDef bytes of the primitives that made ``outputs``.

    ``argument_names``: id of a Tensor (or of the array a Tensor holds) -> (value, name) of
    the ``Placeholder`` it becomes. ``scope_after``: ``(seq, prefix)``, primitives recorded
    after number ``seq`` get ``prefix`` (a train step's gradient ops, ``gradient_tape/``).
    ``updates``: ``(variable, gradient, node name, op, attrs)`` nodes fed by the variable and
    its gradient (an optimizer's update of each variable).
    """
    counts = {}
    node_names = {}  # id(primitive or leaf) -> node name
    shapes = {}  # node name -> {output index: shape}
    leaves, ops = [], []

    def unique(base):
        n = counts.get(base, 0)
        counts[base] = n + 1
        return base if n == 0 else f"{base}_{n}"

    def leaf(value):
        key = id(value)
        if key in node_names:
            return node_names[key]
        if isinstance(value, Variable):
            name = unique((getattr(value, "path", None) or value.name).split(":")[0])
            op = "VarHandleOp"
        elif key in argument_names:
            name, op = unique(argument_names[key][1]), "Placeholder"
        elif id(getattr(value, "data", None)) in argument_names:  # a Tensor made of an input
            name, op = unique(argument_names[id(value.data)][1]), "Placeholder"
        else:
            name, op = unique("Const"), "Const"
        node_names[key] = name
        leaves.append((name, op, value))
        return name

    def visit(value):
        """The input name of ``value`` ("node" or "node:i"), visiting its producers."""
        fn = getattr(value, "_node", None) if isinstance(value, Tensor) else None
        if fn is None or isinstance(value, Variable):
            return leaf(value)
        idx = value._idx
        if id(fn) not in node_names:
            node_names[id(fn)] = None  # a placeholder while its inputs are visited
            sources = [visit(x) for x in fn.inputs]
            base, op = _op_name(fn)
            if scope_after is not None and getattr(fn, "_seq", -1) > scope_after[0]:
                base = scope_after[1] + base
            name = unique(base)
            node_names[id(fn)] = name
            ops.append((getattr(fn, "_seq", 0), name, op, sources))
        name = node_names[id(fn)]
        shapes.setdefault(name, {})[idx] = tuple(value.shape)
        return name if idx == 0 else f"{name}:{idx}"

    out_names = [visit(t) for t in tree.flatten(outputs) if isinstance(t, Tensor)]
    update_nodes = []
    for variable, gradient, name, op, attrs in updates:
        sources = (leaf(variable), visit(gradient))
        attrs = dict(attrs, _output_shapes=_graph_def._shapes_attr([tuple(variable.shape)]))
        update_nodes.append(_graph_def._node_def(unique(name), op, sources, attrs))
    nodes = []
    for name, op, value in leaves:
        dtype = _proto.f_varint(6, _graph_def._dtype_enum(getattr(value, "dtype", "float32")))
        shape = tuple(getattr(value, "shape", ()))
        attrs = {"dtype": dtype, "_output_shapes": _graph_def._shapes_attr(
            [() if op == "VarHandleOp" else shape])}
        if op != "Const":
            attrs["shape"] = _proto.f_bytes(7, _graph_def._shape(shape))
        nodes.append(_graph_def._node_def(name, op, (), attrs))
    for _, name, op, sources in sorted(ops):
        known = shapes.get(name, {})
        attrs = {"_output_shapes": _graph_def._shapes_attr(
            [known[i] for i in sorted(known)])}
        nodes.append(_graph_def._node_def(name, op, sources, attrs))
    nodes.extend(update_nodes)
    for source in out_names:
        nodes.append(_graph_def._node_def(unique("Identity"), "Identity", (source,)))
    return b"".join(nodes) + _proto.f_bytes(
        4, _proto.f_varint(1, _graph_def.GRAPH_DEF_VERSION))


class _NoGraphs(_Recorder):
    """trace_on(graph=False): tracing is on, but no graph is kept."""

    def call(self, function, run, args, kwargs):
        return run(*args, **kwargs)


def trace_on(graph=True, profiler=False, profiler_outdir=None):
    """Start collecting the graphs of the ``tf.function``s called next, as
    ``tf.summary.trace_on``; ``trace_export`` writes them.

    Example::

        tf.summary.trace_on(graph=True)
        z = my_function(x, y)             # a tf.function
        with writer.as_default():
            tf.summary.trace_export("my_function", step=0)
    """
    del profiler_outdir
    if polymorphic_function.Function._trace is not None:
        warnings.warn("Trace already enabled", stacklevel=2)
        return
    if profiler:
        warnings.warn("featherflow has no profiler: trace_on(profiler=True) collects the "
                      "graphs only", stacklevel=2)
    polymorphic_function.Function._trace = _Recorder() if graph else _NoGraphs()


def trace_off():
    """Stop tracing and drop what was collected, as ``tf.summary.trace_off``."""
    polymorphic_function.Function._trace = None


def trace_export(name, step=None, profiler_outdir=None):
    """Write the collected graphs under the tag ``name`` and stop tracing, as
    ``tf.summary.trace_export``. Returns True, or False with no default writer."""
    del profiler_outdir
    recorder = polymorphic_function.Function._trace
    if recorder is None:
        raise ValueError("Must enable trace before export through tf.summary.trace_on.")
    try:
        events = _writer()
        if events is None:
            return False
        step = resolve_step(step, "trace_export")
        run_metadata = b"".join(
            _proto.f_bytes(4, _proto.f_bytes(2, graph_def)) for graph_def in recorder.graphs)
        tensor = _proto.tensor(_proto.DT_STRING, [], strings=[run_metadata])
        metadata = _proto.summary_metadata("graph_run_metadata_graph", content=b"1")
        events.add_value(name, tensor, metadata, step, time.time())
        return True
    finally:
        trace_off()

