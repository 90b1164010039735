"""tf.summary.trace_export's graphs against TensorFlow 2.21's graphs of the same functions
(tests/fixtures/tf/trace_graphs.json, recorded by tools/make_trace_fixtures.py).

TensorFlow's graphs also hold plumbing featherflow has no counterpart for: a variable is a
resource Placeholder read by a ReadVariableOp, a reduction takes its axes from a Const, and
the outputs wait on a NoOp through control inputs ("^NoOp"). Those are folded away below;
what is left, the dataflow of the computation, must be the same node for node."""

import json
import os

import numpy as np
import pytest

import featherflow as tf

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "fixtures", "tf", "trace_graphs.json")
CASES = json.load(open(FIXTURE, encoding="utf-8"))["cases"]
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")


def tf_dataflow(nodes):
    """TensorFlow's nodes without the plumbing; a variable read becomes the variable."""
    reads = {n["name"]: "VARIABLE" for n in nodes if n["op"] == "ReadVariableOp"}
    consts = {n["name"] for n in nodes if n["op"] == "Const"}
    out = []
    for n in nodes:
        if n["op"] in ("ReadVariableOp", "NoOp", "Const") or n["name"] in (
                f"{r}/resource" for r in reads):
            continue
        inputs = [reads.get(i, i) for i in n["inputs"]
                  if not i.startswith("^") and i not in consts]
        out.append((n["name"], n["op"], inputs))
    return out


def featherflow_dataflow(graph):
    variables = {n.name for n in graph.node if n.op == "VarHandleOp"}
    return [(n.name, n.op, ["VARIABLE" if i in variables else i for i in n.input])
            for n in graph.node if n.op != "VarHandleOp"]


def dense_relu_and_sum():
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")

    @tf.function
    def f(x, y):
        return tf.nn.relu(tf.matmul(x, w) + y), tf.reduce_sum(x)

    return f, (tf.ones((4, 3)), tf.zeros((2,)))


def sigmoid_of_a_product():
    @tf.function
    def g(a, b):
        return tf.sigmoid(a * b - a)

    return g, (tf.ones((2, 2)), tf.ones((2, 2)))


@pytest.mark.parametrize("make", [dense_relu_and_sum, sigmoid_of_a_product])
def test_traced_graph_is_tensorflows_dataflow(make, tmp_path):
    function, args = make()
    writer = tf.summary.create_file_writer(str(tmp_path))
    tf.summary.trace_on(graph=True)
    function(*args)
    with writer.as_default():
        tf.summary.trace_export(make.__name__, step=0)
    writer.close()
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    (event,) = acc.Tensors(make.__name__)
    (graphs,) = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(event.tensor_proto).item()).function_graphs
    assert featherflow_dataflow(graphs.pre_optimization_graph) == tf_dataflow(
        CASES[make.__name__])
