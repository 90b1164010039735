"""``tf.Graph``, ``tf.Operation``, ``tf.import_graph_def`` and ``tf.graph_util``: TF's
graph-building names, refused with the reason.

featherflow executes every op eagerly and builds no graphs of ops (``tf.function`` keeps TF's
calling contract but runs the Python function, docs/tf_core.md), so there is no graph to
build, import into or inspect. The classes exist for ``isinstance`` checks and annotations;
making one, or importing a ``GraphDef``, raises a RuntimeError saying so.
"""

import types

__all__ = ["Graph", "Operation", "graph_util", "import_graph_def"]

_NO_GRAPHS = ("featherflow executes eagerly and builds no graphs of ops (TensorFlow 2's "
              "default mode): run the ops directly, and use tf.function for TF's calling "
              "contract.")


class Graph:
    """TF's graph of operations; featherflow has none (making one raises)."""

    def __init__(self):
        raise RuntimeError(f"tf.Graph(): {_NO_GRAPHS}")


class Operation:
    """A node of a TF graph; featherflow has none (making one raises)."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(f"tf.Operation: {_NO_GRAPHS}")


def import_graph_def(graph_def, input_map=None, return_elements=None, name=None,
                     op_dict=None, producer_op_list=None):
    """Refused: there is no graph to import a ``GraphDef`` into (to inspect one, read its
    ``node`` list; to compare two, ``tf.test.assert_equal_graph_def``)."""
    raise RuntimeError(f"tf.import_graph_def: {_NO_GRAPHS} A GraphDef's nodes can still be "
                       "read from the proto (graph_def.node).")


graph_util = types.SimpleNamespace(import_graph_def=import_graph_def)
