"""The Graphs dashboard: the model's layer graph as Event.graph_def (the op graph view) next
to the Keras JSON (the conceptual view), read back by TensorBoard's own parsers and server."""

import json

import numpy as np
import pytest

import featherflow as tf
from tests.helpers.tensorboard_server import get, tensorboard_server

graph_pb2 = pytest.importorskip("tensorboard.compat.proto.graph_pb2")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], np.float32)
XOR_Y = np.array([[0], [1], [1], [0]], np.float32)


def xor_model():
    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(2, activation="sigmoid", input_shape=(2,)),
        tf.keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def run_graph(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir))
    acc.Reload()
    return acc.Graph()


def nodes(graph):
    return {n.name: n for n in graph.node}


def shapes(node):
    return [[d.size for d in s.dim] for s in node.attr["_output_shapes"].list.shape]


def test_fit_writes_the_layer_graph_as_a_graph_def(tmp_path):
    model = xor_model()
    model.fit(XOR_X, XOR_Y, epochs=2, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(tmp_path)])
    graph = run_graph(tmp_path / "train")
    found = nodes(graph)
    assert list(found) == [
        "sequential/dense_input", "sequential/dense/kernel", "sequential/dense/bias",
        "sequential/dense/Dense", "sequential/dense_1/kernel", "sequential/dense_1/bias",
        "sequential/dense_1/Dense"]
    placeholder = found["sequential/dense_input"]
    assert placeholder.op == "Placeholder"
    assert [d.size for d in placeholder.attr["shape"].shape.dim] == [-1, 2]
    dense = found["sequential/dense_1/Dense"]
    assert dense.op == "Dense"
    assert list(dense.input) == ["sequential/dense/Dense", "sequential/dense_1/kernel",
                                 "sequential/dense_1/bias"]
    assert shapes(dense) == [[-1, 1]]
    assert dense.attr["units"].i == 1 and dense.attr["activation"].s == b"sigmoid"
    kernel = found["sequential/dense_1/kernel"]
    assert kernel.op == "VarHandleOp"
    assert [d.size for d in kernel.attr["shape"].shape.dim] == [2, 1]
    assert kernel.attr["dtype"].type == 1  # DT_FLOAT
    assert graph.versions.producer == tf.version.GRAPH_DEF_VERSION


def test_functional_nested_and_symbolic_ops():
    from featherflow.summary._graph_def import model_graph_def

    inner = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(7,), name="hidden")],
                                name="inner")
    a = tf.keras.Input((4,), name="a")
    b = tf.keras.Input((3,), name="b", dtype="int32")
    x = tf.keras.layers.Concatenate(name="join")([a, tf.keras.layers.Identity()(b)])
    y = inner(x) + 1.0
    model = tf.keras.Model([a, b], y, name="net")
    graph = graph_pb2.GraphDef.FromString(model_graph_def(model))
    found = nodes(graph)
    assert found["net/b"].attr["dtype"].type == 3  # DT_INT32
    assert list(found["net/join/Concatenate"].input) == ["net/a", "net/identity/Identity"]
    # the nested Sequential is expanded under its own scope, fed by the outer layer
    hidden = found["net/inner/hidden/Dense"]
    assert list(hidden.input) == ["net/join/Concatenate", "net/inner/hidden/kernel",
                                  "net/inner/hidden/bias"]
    assert shapes(hidden) == [[-1, 3]]
    (add,) = [n for n in graph.node if n.name.startswith("net/add")]
    assert add.op == "add" and list(add.input) == ["net/inner/hidden/Dense"]


def test_layer_config_values_become_attributes():
    from featherflow.summary._graph_def import model_graph_def

    tf.keras.backend.clear_session()
    model = tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, (3, 3), strides=(2, 2), padding="same", input_shape=(8, 8, 1)),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(2, activation="softmax"),
    ])
    found = nodes(graph_pb2.GraphDef.FromString(model_graph_def(model)))
    conv = found["sequential/conv2d/Conv2D"]
    assert list(conv.attr["kernel_size"].list.i) == [3, 3]
    assert list(conv.attr["strides"].list.i) == [2, 2]
    assert conv.attr["padding"].s == b"same" and conv.attr["filters"].i == 4
    assert shapes(conv) == [[-1, 4, 4, 4]]
    assert found["sequential/dropout/Dropout"].attr["rate"].f == 0.5
    assert shapes(found["sequential/flatten/Flatten"]) == [[-1, 64]]
    assert [d.size for d in found["sequential/conv2d/kernel"].attr["shape"].shape.dim] == [
        3, 3, 1, 4]


def test_a_sequential_built_by_fit_gets_its_graph_at_the_end(tmp_path):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(XOR_X, XOR_Y, epochs=1, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(tmp_path)])
    assert [n.op for n in run_graph(tmp_path / "train").node] == [
        "Placeholder", "VarHandleOp", "VarHandleOp", "Dense"]


def test_summary_graph_takes_a_model_bytes_or_a_graph_def(tmp_path):
    model = xor_model()
    message = graph_pb2.GraphDef()
    message.node.add(name="x", op="Placeholder")
    writer = tf.summary.create_file_writer(str(tmp_path / "a"))
    assert tf.summary.graph(model) is False  # no default writer: nothing written
    with writer.as_default():
        assert tf.summary.graph(model) is True
    writer.close()
    assert [n.name for n in run_graph(tmp_path / "a").node][-1] == "sequential/dense_1/Dense"
    for name, data in (("b", message), ("c", message.SerializeToString())):
        with tf.summary.create_file_writer(str(tmp_path / name)).as_default():
            tf.summary.graph(data)
        tf.summary.flush()
        assert [n.name for n in run_graph(tmp_path / name).node] == ["x"]
    with pytest.raises(ValueError, match="is not tf.Graph or tf.compat.v1.GraphDef"):
        tf.summary.graph({"node": []})
    with pytest.raises(ValueError, match="has no layer graph yet"):
        tf.summary.graph(tf.keras.Sequential([tf.keras.layers.Dense(1)]))


def traced_function_run(logdir):
    """trace_on, two calls of a tf.function, trace_export to ``logdir``."""
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")

    @tf.function
    def f(x, y):
        return tf.nn.relu(tf.matmul(x, w) + y), tf.reduce_sum(x)

    writer = tf.summary.create_file_writer(str(logdir))
    tf.summary.trace_on(graph=True, profiler=False)
    f(tf.ones((4, 3)), tf.zeros((2,)))
    f(tf.ones((4, 3)), tf.zeros((2,)))  # one graph per function, as TF collects it
    with writer.as_default():
        assert tf.summary.trace_export(name="f_trace", step=0) is True
    writer.close()


EXPECTED_TRACE = [  # name, op, inputs, output shapes
    ("x", "Placeholder", [], [[4, 3]]),
    ("w", "VarHandleOp", [], [[]]),
    ("y", "Placeholder", [], [[2]]),
    ("MatMul", "MatMul", ["x", "w"], [[4, 2]]),
    ("add", "AddV2", ["MatMul", "y"], [[4, 2]]),
    ("Relu", "Relu", ["add"], [[4, 2]]),
    ("Sum", "Sum", ["x"], [[]]),
    ("Identity", "Identity", ["Relu"], []),
    ("Identity_1", "Identity", ["Sum"], []),
]


def trace_nodes(graph):
    return [(n.name, n.op, list(n.input), shapes(n)) for n in graph.node]


def test_trace_export_writes_the_function_graph(tmp_path):
    config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")
    tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
    traced_function_run(tmp_path)
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    (event,) = acc.Tensors("f_trace")
    plugin = acc.summary_metadata["f_trace"].plugin_data
    assert (plugin.plugin_name, plugin.content) == ("graph_run_metadata_graph", b"1")
    run_metadata = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(event.tensor_proto).item())
    (function_graph,) = run_metadata.function_graphs
    assert trace_nodes(function_graph.pre_optimization_graph) == EXPECTED_TRACE


def test_trace_state_and_errors(tmp_path):
    with pytest.raises(ValueError, match="Must enable trace before export"):
        tf.summary.trace_export("nothing", step=0)
    tf.summary.trace_on()
    with pytest.warns(UserWarning, match="Trace already enabled"):
        tf.summary.trace_on()
    tf.summary.trace_off()
    assert tf.function(lambda x: x * 2)(tf.ones(2)).numpy().tolist() == [2.0, 2.0]
    with pytest.warns(UserWarning, match="no profiler"):
        tf.summary.trace_on(graph=True, profiler=True)
    assert tf.summary.trace_export("no_writer", step=0) is False  # and tracing is off now
    with pytest.raises(ValueError, match="Must enable trace"):
        tf.summary.trace_export("again", step=0)


def step_graph(logdir):
    """The GraphDef under the tag train_step of a run (a RunMetadata's function graph)."""
    config_pb2 = pytest.importorskip("tensorboard.compat.proto.config_pb2")
    tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    acc.Reload()
    (event,) = acc.Tensors("train_step")
    plugin = acc.summary_metadata["train_step"].plugin_data
    assert (plugin.plugin_name, plugin.content) == ("graph_run_metadata_graph", b"1")
    run_metadata = config_pb2.RunMetadata.FromString(
        tensor_util.make_ndarray(event.tensor_proto).item())
    (function_graph,) = run_metadata.function_graphs
    return function_graph.pre_optimization_graph


EXPECTED_STEP = [  # (name, op, inputs) of the XOR model's first step, in graph order
    ("x", "Placeholder", []),
    ("dense/kernel", "VarHandleOp", []), ("dense/bias", "VarHandleOp", []),
    ("dense_1/kernel", "VarHandleOp", []), ("dense_1/bias", "VarHandleOp", []),
    ("Dense", "Dense", ["x", "dense/kernel", "dense/bias"]),
    ("Dense_1", "Dense", ["Dense", "dense_1/kernel", "dense_1/bias"]),
]


def test_fit_writes_the_op_graph_of_one_recorded_train_step(tmp_path):
    model = xor_model()
    model.fit(XOR_X, XOR_Y, epochs=2, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(tmp_path)])
    graph = step_graph(tmp_path / "train")
    found = nodes(graph)
    listed = [(n.name, n.op, list(n.input)) for n in graph.node]
    assert [e for e in listed if e[0] in dict((n, 0) for n, _, _ in EXPECTED_STEP)] == \
        EXPECTED_STEP
    for node in graph.node:  # every edge names a node of the graph
        for source in node.input:
            assert source.split(":")[0] in found, (node.name, source)
    # forward and loss, then the gradients under gradient_tape/, then the optimizer
    loss = [n for n in graph.node if n.op == "BinaryCrossentropyMean"]
    assert len(loss) == 1 and "Dense_1" in loss[0].input
    backward = [n for n in graph.node if n.name.startswith("gradient_tape/")]
    assert {"MatMul", "Sum"} <= {n.op for n in backward}
    updates = [n for n in graph.node if n.op == "SGDUpdate"]
    assert [n.name for n in updates] == [
        "sgd/update/dense/kernel", "sgd/update/dense/bias", "sgd/update/dense_1/kernel",
        "sgd/update/dense_1/bias"]
    for node in updates:
        variable, gradient = node.input
        assert node.name.endswith(variable) and gradient.startswith("gradient_tape/")
        assert shapes(node) == [[d.size for d in found[variable].attr["shape"].shape.dim]]
        assert node.attr["learning_rate"].f == pytest.approx(0.01)
        assert node.attr["dtype"].type == 1  # DT_FLOAT
    assert shapes(found["x"]) == [[4, 2]] and graph.node[-1].op == "Identity"
    # the layer graph is still the run's graph
    assert [n.op for n in run_graph(tmp_path / "train").node][-1] == "Dense"


def test_recording_the_step_changes_no_number(tmp_path):
    weights = []
    for callbacks in ([], [tf.keras.callbacks.TensorBoard(tmp_path)]):
        model = xor_model()
        history = model.fit(XOR_X, XOR_Y, epochs=3, verbose=0, callbacks=callbacks)
        weights.append((history.history["loss"], [w.tolist() for w in model.get_weights()]))
        assert model._step_recorder is None
    assert weights[0] == weights[1]


@pytest.mark.parametrize("load_fast", ["auto", "false"])
def test_real_tensorboard_server_serves_the_graphs(tmp_path, load_fast):
    pytest.importorskip("tensorboard.main", reason="the tensorboard package is not installed")
    model = xor_model()
    model.fit(XOR_X, XOR_Y, epochs=2, verbose=0,
              callbacks=[tf.keras.callbacks.TensorBoard(tmp_path / "logs")])
    traced_function_run(tmp_path / "logs" / "trace")
    with tensorboard_server(tmp_path / "logs", load_fast) as (base, poll):
        info = poll(lambda: json.loads(get(f"{base}/data/plugin/graphs/info")),
                    lambda i: i.get("train", {}).get("run_graph"))
        assert info["train"]["tags"]["keras"]["conceptual_graph"] is True
        # what the dashboard asks for when the run is picked: the run's GraphDef as pbtxt
        text = get(f"{base}/data/plugin/graphs/graph?run=train&limit_attr_size=1024"
                   "&large_attrs_key=_too_large_attrs").decode()
        from google.protobuf import text_format

        graph = text_format.Parse(text, graph_pb2.GraphDef())
        assert [n.op for n in graph.node] == [
            "Placeholder", "VarHandleOp", "VarHandleOp", "Dense", "VarHandleOp",
            "VarHandleOp", "Dense"]
        conceptual = text_format.Parse(
            get(f"{base}/data/plugin/graphs/graph?run=train&tag=keras&conceptual=true")
            .decode(), graph_pb2.GraphDef())
        assert [n.name for n in conceptual.node] == [
            "sequential/dense_input", "sequential/dense", "sequential/dense_1"]
        # the recorded train step: the op graph of tag train_step in run "train"
        assert info["train"]["tags"]["train_step"]["op_graph"] is True
        step = text_format.Parse(
            get(f"{base}/data/plugin/graphs/graph?run=train&tag=train_step").decode(),
            graph_pb2.GraphDef())
        assert [n.op for n in step.node].count("SGDUpdate") == 4
        # the traced function: the op graph of tag f_trace in run "trace"
        info = poll(lambda: json.loads(get(f"{base}/data/plugin/graphs/info")),
                    lambda i: "trace" in i)
        assert info["trace"]["tags"]["f_trace"]["op_graph"] is True
        traced = text_format.Parse(
            get(f"{base}/data/plugin/graphs/graph?run=trace&tag=f_trace").decode(),
            graph_pb2.GraphDef())
        assert trace_nodes(traced) == EXPECTED_TRACE
