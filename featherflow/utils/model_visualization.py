"""plot_model: a picture of a model's layer graph, with graphviz ``dot`` or with matplotlib.

The graph comes from the model itself: a Sequential model is a chain of its layers; a
Functional model's boxes are its layers (inputs included) and its arrows follow its nodes
(each node's input tensors name, through ``_keras_history``, the layer that made them); any
other model is one box. With graphviz's ``dot`` on PATH the picture is laid out by graphviz
from a .dot text written here (no pydot needed); otherwise matplotlib draws a layered layout.
"""

import html
import os
import shutil
import subprocess
import tempfile

from featherflow.utils.matplotlib_support import require_matplotlib
from featherflow.utils.model_drawing import draw_graph

_RANKDIRS = ("TB", "LR", "BT", "RL")


# -- the graph ------------------------------------------------------------------------------
class _Box:
    """One layer's box: its label lines and where it sits in the graph."""

    __slots__ = ("key", "layer", "title", "lines", "trainable")

    def __init__(self, key, layer, title, lines, trainable):
        self.key = key
        self.layer = layer
        self.title = title
        self.lines = lines  # list of (label, value)
        self.trainable = trainable  # None (not shown), True or False


def _fmt_shapes(shapes):
    if shapes is None:
        return "?"
    if isinstance(shapes, list):
        if len(shapes) == 1:
            return str(tuple(shapes[0]))
        return "[" + ", ".join(str(tuple(s)) for s in shapes) + "]"
    return str(tuple(shapes))


def _layer_shapes(layer, node):
    """(input shapes, output shapes, output dtype) of ``layer`` as called at ``node``."""
    if node is not None:
        ins = [tuple(t.shape) for t in node.inputs] or None
        outs = [tuple(t.shape) for t in node.outputs] or None
        dtype = node.outputs[0].dtype if node.outputs else None
        return ins, outs, dtype
    ins = outs = None
    try:
        ins = layer.input_shape
    except (AttributeError, ValueError, TypeError):
        pass
    try:
        outs = layer.output_shape
    except (AttributeError, ValueError, TypeError):
        pass
    return ins, outs, getattr(layer, "dtype", None)


def _activation_name(layer):
    act = getattr(layer, "activation", None)
    if act is None:
        return None
    return getattr(act, "__name__", None) or getattr(act, "name", None) or str(act)


def _make_box(key, layer, node, opts):
    cls = type(layer).__name__
    title = f"{layer.name} ({cls})" if opts["show_layer_names"] else cls
    lines = []
    if opts["show_layer_activations"]:
        act = _activation_name(layer)
        if act is not None:
            lines.append(("Activation", act))
    if opts["show_shapes"] or opts["show_dtype"]:
        ins, outs, dtype = _layer_shapes(layer, node)
        if opts["show_shapes"]:
            if cls != "InputLayer":
                lines.append(("Input shape", _fmt_shapes(ins)))
            lines.append(("Output shape", _fmt_shapes(outs)))
        if opts["show_dtype"]:
            lines.append(("Output dtype", str(dtype) if dtype is not None else "?"))
    trainable = None
    if opts["show_trainable"] and getattr(layer, "weights", None):
        trainable = bool(layer.trainable)
    return _Box(key, layer, title, lines, trainable)


def model_graph(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                show_layer_activations=False, show_trainable=False):
    """``(boxes, edges)`` of the picture: boxes in model order, edges as (src key, dst key)."""
    opts = {"show_shapes": show_shapes, "show_dtype": show_dtype,
            "show_layer_names": show_layer_names,
            "show_layer_activations": show_layer_activations,
            "show_trainable": show_trainable}
    nodes = getattr(model, "_nodes", None)
    boxes, edges = [], []
    if nodes is not None and hasattr(model, "inputs"):
        # Functional: every layer of the graph is a box, inputs included.
        node_of = {}
        for node in nodes:
            node_of.setdefault(id(node.layer), node)
        for layer in model.layers:
            node = node_of.get(id(layer))
            if node is None and type(layer).__name__ == "InputLayer" and layer._inbound_nodes:
                node = layer._inbound_nodes[0]
            boxes.append(_make_box(id(layer), layer, node, opts))
        # Only edges between drawn boxes: a Sequential's graph has an InputLayer that
        # model.layers (and so the picture) leaves out.
        seen = set()
        drawn = {box.key for box in boxes}
        for node in nodes:
            for tensor in node.inputs:
                src = tensor._keras_history[0]
                edge = (id(src), id(node.layer))
                if edge not in seen and edge[0] in drawn and edge[1] in drawn:
                    seen.add(edge)
                    edges.append(edge)
    elif _is_sequential(model):
        layers = model.layers
        for layer in layers:
            boxes.append(_make_box(id(layer), layer, None, opts))
        edges = [(id(a), id(b)) for a, b in zip(layers, layers[1:])]
    else:
        # A subclassed model has no graph to show: one box, as Keras draws it.
        boxes.append(_make_box(id(model), model, None, opts))
    return boxes, edges


def _is_sequential(model):
    # By class name along the MRO, so a Sequential subclass counts and nothing is imported.
    return hasattr(model, "layers") and any(
        c.__name__ == "Sequential" for c in type(model).__mro__)


# -- graphviz -------------------------------------------------------------------------------
def _dot_label(box):
    cols = 2 if box.lines else 1
    rows = [
        f'<tr><td colspan="{cols}" bgcolor="#263238" cellpadding="6">'
        f'<font color="white" point-size="14"><b>{html.escape(box.title)}</b></font></td></tr>'
    ]
    for label, value in box.lines:
        rows.append(
            f'<tr><td align="left" bgcolor="white"><font point-size="12">{html.escape(label)}'
            f'</font></td><td align="left" bgcolor="white"><font point-size="12"><b>'
            f"{html.escape(value)}</b></font></td></tr>"
        )
    if box.trainable is not None:
        color, text = ("#2e7d32", "Trainable") if box.trainable else ("#c62828", "Non-trainable")
        rows.append(
            f'<tr><td colspan="{cols}" bgcolor="{color}"><font color="white" point-size="12">'
            f"<b>{text}</b></font></td></tr>"
        )
    return ('<<table border="1" cellborder="0" cellspacing="0" cellpadding="4" '
            'color="#263238">' + "".join(rows) + "</table>>")


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", dpi=96, show_layer_activations=False, show_trainable=False):
    """The graphviz .dot text of the model's layer graph (what ``plot_model`` renders).

    Example::

        >>> print(tf.keras.utils.model_to_dot(model, show_shapes=True))
    """
    rankdir = _check_rankdir(rankdir)
    boxes, edges = model_graph(model, show_shapes, show_dtype, show_layer_names,
                               show_layer_activations, show_trainable)
    ids = {box.key: f"n{i}" for i, box in enumerate(boxes)}
    name = str(getattr(model, "name", "model")).replace('"', "'")
    out = [
        f'digraph "{name}" {{',
        f'  graph [rankdir="{rankdir}", dpi="{int(dpi)}", bgcolor="white", nodesep="0.3", '
        'ranksep="0.45"];',
        '  node [shape="none", margin="0", fontname="Helvetica"];',
        '  edge [penwidth="1.6", arrowsize="0.8", color="#37474f"];',
    ]
    for box in boxes:
        out.append(f"  {ids[box.key]} [label={_dot_label(box)}];")
    for src, dst in edges:
        if src in ids and dst in ids:
            out.append(f"  {ids[src]} -> {ids[dst]};")
    out.append("}")
    return "\n".join(out) + "\n"


def _dot_executable():
    return shutil.which("dot")


def _run_dot(dot, source, fmt, path):
    try:
        done = subprocess.run([dot, f"-T{fmt}", "-o", path], input=source.encode("utf-8"),
                              capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RuntimeError(f"plot_model: running graphviz ({dot}) failed: {err}") from err
    if done.returncode != 0:
        raise RuntimeError(
            f"plot_model: graphviz ({dot} -T{fmt}) failed with exit code {done.returncode}: "
            f"{done.stderr.decode('utf-8', 'replace').strip()}"
        )


def _figure_from_png(plt, path, dpi):
    image = plt.imread(path)
    height, width = image.shape[:2]
    fig = plt.figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, interpolation="nearest")
    ax.set_axis_off()
    plt.close(fig)  # returned, not current: later plt calls must not draw on it
    return fig


# -- entry point ----------------------------------------------------------------------------
def _check_rankdir(rankdir):
    if rankdir not in _RANKDIRS:
        raise ValueError(
            f"plot_model: rankdir must be one of {_RANKDIRS} (top-bottom, left-right, ...), "
            f"received {rankdir!r}."
        )
    return rankdir


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", dpi=96, show_layer_activations=False,
               show_trainable=False, **kwargs):
    """Draw the model's layer graph as Keras's ``plot_model`` does and save it to ``to_file``.

    Each layer is a box with its name and type (and with ``show_shapes``, its input and
    output shapes; ``show_dtype``, its output dtype; ``show_layer_activations``, its
    activation; ``show_trainable``, whether it trains); arrows follow the data. ``rankdir``
    is ``"TB"`` (top to bottom), ``"LR"``, ``"BT"`` or ``"RL"``. The file type follows the
    extension (png, svg, pdf, ...). Uses graphviz ``dot`` when it is installed, otherwise
    draws with matplotlib (``pip install featherflow[plot]``). Returns a matplotlib Figure of
    the picture, already closed in pyplot so later ``plt`` calls draw elsewhere (None when
    graphviz drew it and matplotlib is not installed).

    Example::

        >>> fig = tf.keras.utils.plot_model(model, "model.png", show_shapes=True)
    """

    if kwargs:
        raise TypeError(
            f"plot_model: unexpected keyword argument(s) {sorted(kwargs)}. Supported: to_file, "
            "show_shapes, show_dtype, show_layer_names, rankdir, dpi, show_layer_activations, "
            "show_trainable."
        )
    rankdir = _check_rankdir(rankdir)
    to_file = os.fspath(to_file) if to_file is not None else None
    if to_file is not None and os.path.dirname(to_file):
        os.makedirs(os.path.dirname(to_file), exist_ok=True)
    ext = os.path.splitext(to_file)[1][1:].lower() if to_file else ""
    fmt = ext or "png"
    dot = _dot_executable()
    if dot is not None:
        source = model_to_dot(model, show_shapes, show_dtype, show_layer_names, rankdir, dpi,
                              show_layer_activations, show_trainable)
        if to_file is not None:
            _run_dot(dot, source, fmt, to_file)
        try:
            plt = require_matplotlib("plot_model")
        except ImportError:
            return None
        if to_file is not None and fmt == "png":
            return _figure_from_png(plt, to_file, dpi)
        with tempfile.TemporaryDirectory() as tmp:
            png = os.path.join(tmp, "model.png")
            _run_dot(dot, source, "png", png)
            return _figure_from_png(plt, png, dpi)
    plt = require_matplotlib("plot_model (graphviz `dot` is not installed either)")
    boxes, edges = model_graph(model, show_shapes, show_dtype, show_layer_names,
                               show_layer_activations, show_trainable)

    fig = draw_graph(plt, boxes, edges, rankdir, dpi)
    # returned, not left current: later plt calls must not draw on the model's picture
    plt.close(fig)
    if to_file is not None:
        fig.savefig(to_file, dpi=dpi, format=fmt)
    return fig
