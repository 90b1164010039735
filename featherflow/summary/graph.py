"""``tf.summary.graph``: write a graph for TensorBoard's Graphs dashboard.

TensorFlow takes a ``tf.Graph`` or a ``GraphDef``; featherflow has no ``tf.Graph``, so it
takes a ``GraphDef`` message (TensorFlow's or the ``tensorboard`` package's
``tensorboard.compat.proto.graph_pb2.GraphDef``), its serialized bytes, or a Keras model
(Sequential or Functional), whose layer graph is written (``_graph_def.model_graph_def``).
"""

import time

from featherflow.summary import _graph_def
from featherflow.summary.ops import _writer


def _graph_bytes(graph_data):
    if isinstance(graph_data, (bytes, bytearray, memoryview)):
        return bytes(graph_data)
    descriptor = getattr(graph_data, "DESCRIPTOR", None)
    if getattr(descriptor, "full_name", None) in ("tensorflow.GraphDef", "tensorboard.GraphDef"):
        return graph_data.SerializeToString()
    if hasattr(graph_data, "_graph") and hasattr(graph_data, "layers"):
        data = _graph_def.model_graph_def(graph_data)
        if data is None:
            raise ValueError(
                f"featherflow.summary.graph: the model {graph_data.name!r} has no layer graph "
                "yet (a Sequential without an input shape); build it first, e.g. "
                "model.build((None, features)), or pass a GraphDef"
            )
        return data
    raise ValueError(
        "Argument 'graph_data' is not tf.Graph or tf.compat.v1.GraphDef. Received "
        f"graph_data={graph_data!r} of type {type(graph_data).__name__}. featherflow takes a "
        "GraphDef message, its serialized bytes, or a Sequential/Functional model."
    )


def graph(graph_data):
    """Write a graph summary, as ``tf.summary.graph`` (at step 0, as TensorFlow does).

    Returns True, or False when there is no default writer or recording is off.

    Example::

        with tf.summary.create_file_writer("logs").as_default():
            tf.summary.graph(model)   # the model's layer graph in the Graphs dashboard
    """
    data = _graph_bytes(graph_data)
    events = _writer()
    if events is None:
        return False
    now = time.time()
    events.add_event(_graph_def.graph_event(now, data), now)
    return True
