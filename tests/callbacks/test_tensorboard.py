"""TensorBoard callback: Keras's layout and tags, read back with TensorBoard itself.

The callback is driven the way fit drives it, with a small stand-in model (layers with
weights, an optimizer, to_json), so these tests do not depend on the training code.
"""

import json
import os
import urllib.request

import numpy as np
import pytest

from featherflow import summary
from featherflow.autodiff.variable import Variable
from featherflow.callbacks.tensorboard import TensorBoard, learning_rate_reader
from featherflow.summary import hparams as hp
from featherflow.summary.ops import histogram_buckets
from tests.helpers.tensorboard_server import get_json, tensorboard_server

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")

MODEL_JSON = json.dumps({
    "module": "keras", "class_name": "Sequential", "registered_name": None,
    "config": {
        "name": "sequential", "trainable": True, "dtype": "float32",
        "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
             "config": {"batch_shape": [None, 2], "dtype": "float32", "name": "input_layer"}},
            {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "dense", "units": 2, "activation": "sigmoid"},
             "build_config": {"input_shape": [None, 2]}},
            {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
             "config": {"name": "dense_1", "units": 1, "activation": "sigmoid"},
             "build_config": {"input_shape": [None, 2]}},
        ],
    },
})


class FakeWeight:
    def __init__(self, path, value, name=None):
        self.path = path
        self.name = name or path.rsplit("/", 1)[-1]
        self.value = np.asarray(value, dtype=np.float32)

    def numpy(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        return self.value if dtype is None else self.value.astype(dtype)


class FakeLayer:
    def __init__(self, name, weights):
        self.name = name
        self.weights = weights


class FakeOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate
        self.iterations = 0


class Sequential:
    """Stands in for a featherflow Sequential: layers, weights, optimizer, to_json."""

    def __init__(self, optimizer=None):
        rng = np.random.default_rng(0)
        self.layers = [
            FakeLayer("dense", [FakeWeight("sequential/dense/kernel", rng.normal(size=(2, 2))),
                                FakeWeight("sequential/dense/bias", [0.1, -0.2])]),
            FakeLayer("dense_1", [
                FakeWeight("sequential/dense_1/kernel", rng.normal(size=(2, 1))),
                FakeWeight("sequential/dense_1/bias", [0.3])]),
        ]
        self.optimizer = FakeOptimizer() if optimizer is None else optimizer
        self.stop_training = False
        self.saved = []

    def to_json(self):
        return MODEL_JSON

    def save_weights(self, path):
        self.saved.append(path)


def load(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance={"tensors": 0})
    acc.Reload()
    return acc


def series(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


def scalars(acc, tag):
    return [(s, v.item()) for s, v in series(acc, tag)]


def epoch_logs(epoch):
    return {"loss": 1.0 / (epoch + 1), "accuracy": np.float32(epoch / 100),
            "val_loss": np.float64(2.0 / (epoch + 1)), "val_accuracy": epoch / 200}


def run_fit(tb, model, epochs, steps=2, logs_for=epoch_logs, validate=True,
            user_summary=False):
    """Call the hooks in the order fit calls them."""
    tb.set_model(model)
    tb.set_params({"epochs": epochs, "steps": steps, "verbose": 0})
    tb.on_train_begin()
    for epoch in range(epochs):
        if tb._wants_hook("on_epoch_begin"):
            tb.on_epoch_begin(epoch)
        for batch in range(steps):
            if tb._wants_hook("on_train_batch_begin"):
                tb.on_train_batch_begin(batch)
            if user_summary:
                summary.scalar("inside_train_step", float(batch))
            if model.optimizer is not None:
                model.optimizer.iterations += 1
            if tb._wants_hook("on_train_batch_end"):
                tb.on_train_batch_end(batch, {"loss": 10.0 * epoch + batch, "accuracy": 0.5})
        logs = logs_for(epoch)
        if validate:
            if tb._wants_hook("on_test_begin"):
                tb.on_test_begin()
            if tb._wants_hook("on_test_batch_begin"):
                tb.on_test_batch_begin(0)
            tb.on_test_end({"loss": logs["val_loss"], "accuracy": logs["val_accuracy"]})
        tb.on_epoch_end(epoch, logs)
    tb.on_train_end()


@pytest.fixture(autouse=True)
def clean_default_state():
    yield
    summary.writer.state.writer = None
    summary.writer.state.step = None
    summary.writer.state.record = True


@pytest.mark.parametrize("epochs", [4, 300])
def test_epoch_scalars_in_keras_layout(tmp_path, epochs):
    model = Sequential()
    run_fit(TensorBoard(tmp_path), model, epochs)
    assert sorted(os.listdir(tmp_path)) == ["train", "validation"]
    train, val = load(tmp_path / "train"), load(tmp_path / "validation")
    assert sorted(train.Tags()["tensors"]) == [
        "epoch_accuracy", "epoch_learning_rate", "epoch_loss", "keras"]
    assert sorted(val.Tags()["tensors"]) == [
        "epoch_accuracy", "epoch_loss", "evaluation_accuracy_vs_iterations",
        "evaluation_loss_vs_iterations"]
    f32 = np.float32
    logs = [epoch_logs(e) for e in range(epochs)]
    assert scalars(train, "epoch_loss") == [(e, f32(logs[e]["loss"])) for e in range(epochs)]
    assert scalars(train, "epoch_accuracy") == [(e, f32(logs[e]["accuracy"]))
                                                for e in range(epochs)]
    assert scalars(train, "epoch_learning_rate") == [(e, f32(0.1)) for e in range(epochs)]
    assert scalars(val, "epoch_loss") == [(e, f32(logs[e]["val_loss"])) for e in range(epochs)]
    assert scalars(val, "epoch_accuracy") == [(e, f32(logs[e]["val_accuracy"]))
                                              for e in range(epochs)]
    # Evaluations are logged against the optimizer's step count (2 batches per epoch).
    assert scalars(val, "evaluation_loss_vs_iterations") == [
        (2 * (e + 1), f32(logs[e]["val_loss"])) for e in range(epochs)]
    for tag in ("epoch_loss", "epoch_learning_rate"):
        assert train.summary_metadata[tag].plugin_data.plugin_name == "scalars"
        assert all(v.dtype == np.float32 and v.shape == () for _, v in series(train, tag))


def test_model_graph_for_the_graphs_dashboard(tmp_path):
    keras_util = pytest.importorskip("tensorboard.plugins.graph.keras_util")
    tb = TensorBoard(tmp_path)
    tb.set_model(Sequential())
    tb.on_train_end()
    acc = load(tmp_path / "train")
    ((step, value),) = series(acc, "keras")
    assert step == 0 and value.shape == () and value.item().decode() == MODEL_JSON
    plugin = acc.summary_metadata["keras"].plugin_data
    assert (plugin.plugin_name, plugin.content) == ("graph_keras_model", b"1")
    graph = keras_util.keras_model_to_graph_def(json.loads(value.item()))
    assert [n.name for n in graph.node] == [
        "sequential/input_layer", "sequential/dense", "sequential/dense_1"]


def test_no_graph_when_disabled_or_not_serializable(tmp_path):
    tb = TensorBoard(tmp_path / "off", write_graph=False)
    tb.set_model(Sequential())
    tb.on_train_end()
    assert not (tmp_path / "off").exists()

    class Subclassed(Sequential):
        def to_json(self):
            raise NotImplementedError("subclassed models have no config")

    tb = TensorBoard(tmp_path / "sub")
    tb.set_model(Subclassed())
    assert not (tmp_path / "sub").exists()

    Broken = type("Sequential", (Subclassed,), {})
    with pytest.warns(UserWarning, match="failed to serialize as JSON"):
        TensorBoard(tmp_path / "broken").set_model(Broken())


def test_weight_histograms_every_histogram_freq_epochs(tmp_path):
    model = Sequential()
    # A Keras 2 style variable name: ':' becomes '_' as in Keras.
    model.layers.append(FakeLayer("extra", [FakeWeight("", [[1.0, 2.0, 3.0]],
                                                       name="extra/kernel:0")]))
    run_fit(TensorBoard(tmp_path, histogram_freq=2), model, 5)
    acc = load(tmp_path / "train")
    tags = sorted(t for t in acc.Tags()["tensors"] if t.endswith("/histogram"))
    assert tags == ["extra/kernel_0/histogram", "sequential/dense/bias/histogram",
                    "sequential/dense/kernel/histogram", "sequential/dense_1/bias/histogram",
                    "sequential/dense_1/kernel/histogram"]
    got = series(acc, "sequential/dense/kernel/histogram")
    assert [s for s, _ in got] == [0, 2, 4]
    want = histogram_buckets(model.layers[0].weights[0].value)
    for _, table in got:
        assert table.shape == (30, 3) and table.dtype == np.float64
        np.testing.assert_allclose(table, want)
    assert acc.summary_metadata[tags[0]].plugin_data.plugin_name == "histograms"


def test_weight_images(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    import io

    model = Sequential()
    model.layers.append(FakeLayer("conv", [FakeWeight("seq/conv/kernel",
                                                      np.linspace(0, 1, 3 * 3 * 2).reshape(
                                                          3, 3, 2))]))
    run_fit(TensorBoard(tmp_path, histogram_freq=1, write_images=True), model, 1)
    acc = load(tmp_path / "train")
    images = sorted(t for t in acc.Tags()["tensors"] if t.endswith("/image"))
    # A (1,) bias squeezes to a scalar, which Keras does not draw.
    assert images == ["seq/conv/kernel/image", "sequential/dense/bias/image",
                      "sequential/dense/kernel/image", "sequential/dense_1/kernel/image"]
    assert acc.summary_metadata[images[0]].plugin_data.plugin_name == "images"
    sizes = {}
    for tag in images:
        ((step, strings),) = series(acc, tag)
        assert step == 0
        pics = [np.asarray(image_module.open(io.BytesIO(s))) for s in strings[2:]]
        sizes[tag] = (int(strings[0]), int(strings[1]), len(pics))
        assert all(p.shape == (sizes[tag][1], sizes[tag][0]) for p in pics)
    assert sizes == {
        "seq/conv/kernel/image": (3, 3, 2),  # one image per channel, at most 3 shown
        "sequential/dense/bias/image": (1, 2, 1),
        "sequential/dense/kernel/image": (2, 2, 1),
        "sequential/dense_1/kernel/image": (1, 2, 1),
    }


@pytest.mark.parametrize("update_freq, logged", [("batch", [1, 2, 3, 4, 5, 6]), (4, [4])])
def test_batch_scalars_and_summaries_inside_steps(tmp_path, update_freq, logged):
    tb = TensorBoard(tmp_path, update_freq=update_freq)
    previous = summary.create_file_writer(tmp_path / "mine")
    previous.set_as_default(step=123)
    run_fit(tb, Sequential(), 3, steps=2, user_summary=True)
    # The user's default writer and step come back after training.
    assert summary.writer.state.writer is previous
    assert summary.writer.state.step == 123
    previous.close()
    acc = load(tmp_path / "train")
    batch_loss = scalars(acc, "batch_loss")
    assert [s for s, _ in batch_loss] == logged
    # Global batch g (from 1) is batch (g - 1) % 2 of epoch (g - 1) // 2.
    assert [v for _, v in batch_loss] == [10.0 * ((g - 1) // 2) + (g - 1) % 2 for g in logged]
    assert [s for s, _ in scalars(acc, "batch_accuracy")] == logged
    inside = scalars(acc, "inside_train_step")
    assert [s for s, _ in inside] == logged
    assert [v for _, v in inside] == [float((g - 1) % 2) for g in logged]
    assert [s for s, _ in scalars(acc, "epoch_loss")] == [0, 1, 2]


def test_batch_hooks_are_skipped_when_logging_per_epoch(tmp_path):
    tb = TensorBoard(tmp_path)
    for hook in ("on_train_batch_begin", "on_train_batch_end", "on_test_batch_begin",
                 "on_test_batch_end", "on_batch_end"):
        assert not tb._wants_hook(hook) and not tb._implements(hook)
    assert not tb._wants_hook("on_epoch_begin") and not tb._wants_hook("on_test_begin")
    assert tb._wants_hook("on_epoch_end") and tb._implements("on_epoch_end")
    assert tb._wants_hook("on_test_end") and tb._wants_hook("on_train_begin")
    per_batch = TensorBoard(tmp_path, update_freq=3, write_steps_per_second=True)
    assert per_batch._wants_hook("on_train_batch_begin")
    assert per_batch._wants_hook("on_epoch_begin") and per_batch._wants_hook("on_test_begin")
    assert per_batch._implements("on_train_batch_end")
    assert not per_batch._wants_hook("on_test_batch_end")


def test_steps_per_second(tmp_path):
    run_fit(TensorBoard(tmp_path, write_steps_per_second=True, update_freq="batch"),
            Sequential(), 2)
    acc = load(tmp_path / "train")
    assert [s for s, _ in scalars(acc, "epoch_steps_per_second")] == [0, 1]
    assert all(v > 0 for _, v in scalars(acc, "epoch_steps_per_second"))
    assert [s for s, _ in scalars(acc, "batch_steps_per_second")] == [1, 2, 3, 4]


class Schedule:
    def __call__(self, step):
        return 0.5 / (1 + int(step))


class CurrentRate(FakeOptimizer):
    def _current_learning_rate(self):
        return np.float32(0.25)


@pytest.mark.parametrize(
    "optimizer, expected",
    [
        (FakeOptimizer(0.01), 0.01),
        (FakeOptimizer(Variable(0.2)), 0.2),
        (FakeOptimizer(np.float64(0.3)), 0.3),
        (FakeOptimizer(Schedule()), 0.5 / 3),
        (CurrentRate(0.9), 0.25),
    ],
)
def test_learning_rate_sources(optimizer, expected):
    optimizer.iterations = 2
    reader = learning_rate_reader(optimizer)
    assert reader() == pytest.approx(expected)


def test_no_learning_rate_without_an_optimizer(tmp_path):
    model = Sequential()
    model.optimizer = None
    assert learning_rate_reader(None) is None
    run_fit(TensorBoard(tmp_path), model, 2, validate=False)
    acc = load(tmp_path / "train")
    assert sorted(acc.Tags()["tensors"]) == ["epoch_accuracy", "epoch_loss", "keras"]
    # val_ entries go to the validation run even when fit did not call on_test_end.
    assert [s for s, _ in scalars(load(tmp_path / "validation"), "epoch_loss")] == [0, 1]


def test_each_fit_starts_new_event_files(tmp_path):
    model = Sequential()
    tb = TensorBoard(tmp_path)
    run_fit(tb, model, 2)
    run_fit(tb, model, 3)
    assert len(os.listdir(tmp_path / "train")) == 2
    assert len(os.listdir(tmp_path / "validation")) == 2
    # TensorBoard reads both files of the run; the second fit restarts at epoch 0.
    steps = [s for s, _ in scalars(load(tmp_path / "train"), "epoch_loss")]
    assert steps[-3:] == [0, 1, 2]


def test_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="update_freq must be 'epoch', 'batch' or a positive"):
        TensorBoard(tmp_path, update_freq="step")
    with pytest.raises(ValueError, match="update_freq"):
        TensorBoard(tmp_path, update_freq=0)
    with pytest.raises(ValueError, match="histogram_freq must be an int >= 0"):
        TensorBoard(tmp_path, histogram_freq=-1)
    with pytest.raises(ValueError, match="profile_batch must be"):
        TensorBoard(tmp_path, profile_batch=(5, 2))
    with pytest.warns(UserWarning, match="no profiler"):
        TensorBoard(tmp_path, profile_batch="2,4")


def test_logs_must_hold_numbers(tmp_path):
    tb = TensorBoard(tmp_path)
    tb.set_model(Sequential())
    tb.on_train_begin()
    # checked at once when a key first appears...
    with pytest.raises(TypeError, match="every entry of logs must be a single number"):
        tb.on_epoch_end(0, {"loss": np.ones(3)})
    tb.on_epoch_end(0, {"loss": 0.5})
    # ... and in bulk when the rows are written (here: at the end of training)
    tb.on_epoch_end(1, {"loss": np.ones(3)})
    tb.on_epoch_end(2, {"loss": np.float32(0.25)})
    with pytest.raises(TypeError, match=r"at epoch 1 'loss' was a ndarray of shape \(3,\), "
                                        r"so that epoch was not logged \(the others were\)"):
        tb.on_train_end()
    # nothing else is lost
    assert scalars(load(tmp_path / "train"), "epoch_loss") == [(0, 0.5), (2, 0.25)]
    assert [s for s, _ in scalars(load(tmp_path / "train"), "epoch_learning_rate")] == [0, 2]


def test_changing_log_keys_start_new_rows(tmp_path):
    # A callback before TensorBoard may add keys in some epochs only (e.g. learning_rate).
    tb = TensorBoard(tmp_path)
    tb.set_model(Sequential())
    tb.on_train_begin()
    for epoch in range(40):
        logs = {"loss": float(epoch)}
        if epoch % 3 == 0:
            logs["learning_rate"] = 0.5
        if epoch % 5 == 0:
            logs["val_loss"] = -float(epoch)
        tb.on_epoch_end(epoch, logs)
    tb.on_train_end()
    train, val = load(tmp_path / "train"), load(tmp_path / "validation")
    assert scalars(train, "epoch_loss") == [(e, float(e)) for e in range(40)]
    # read from the optimizer (0.1) unless the logs had it
    assert scalars(train, "epoch_learning_rate") == [
        (e, 0.5 if e % 3 == 0 else pytest.approx(0.1)) for e in range(40)]
    assert scalars(val, "epoch_loss") == [(e, -float(e)) for e in range(0, 40, 5)]


def test_embeddings(tmp_path):
    class Embedding(FakeLayer):
        pass

    model = Sequential()
    model.layers.insert(0, Embedding("embedding", [FakeWeight("e/embeddings", np.eye(3))]))
    tb = TensorBoard(tmp_path, embeddings_freq=2, embeddings_metadata={"embedding": "m.tsv"})
    run_fit(tb, model, 3, validate=False)
    config = (tmp_path / "projector_config.pbtxt").read_text()
    assert config == (
        "embeddings {\n"
        '  tensor_name: "layer_with_weights-0/embeddings/.ATTRIBUTES/VARIABLE_VALUE"\n'
        '  metadata_path: "m.tsv"\n'
        "}\n"
    )
    assert model.saved == [os.path.join(str(tmp_path), "train", f"keras_embedding.ckpt-{e}"
                                        ".weights.h5") for e in (0, 2)]
    with pytest.raises(ValueError, match=r"not Embedding layers of the model: \['nope'\]"):
        TensorBoard(tmp_path, embeddings_freq=1,
                    embeddings_metadata={"nope": "x.tsv"}).set_model(model)


def post_json(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


# "auto" serves from the Rust data server when it is installed; "false" from Python.
@pytest.mark.parametrize("load_fast", ["auto", "false"])
def test_real_tensorboard_server_serves_the_scalars(tmp_path, load_fast):
    pytest.importorskip("tensorboard.main", reason="the tensorboard package is not installed")
    epochs = 12
    logs = tmp_path / "logs"
    run_fit(TensorBoard(logs), Sequential(), epochs)
    # A sweep with one trial, in its own directories.
    with summary.create_file_writer(logs / "sweep").as_default():
        hp.hparams_config([hp.HParam("learning_rate", hp.Discrete([0.1, 0.5]))],
                          [hp.Metric("epoch_loss", group="validation")])
    run_fit(TensorBoard(logs / "sweep" / "run-0"), Sequential(), 3)
    hp.KerasCallback(str(logs / "sweep" / "run-0"), {"learning_rate": 0.1}).on_train_begin()
    with tensorboard_server(logs, load_fast=load_fast, timeout=30) as (root, poll):
        url = f"{root}/data/plugin/scalars/scalars?run=train&tag=epoch_loss"
        data = poll(lambda: get_json(url), lambda d: len(d) == epochs)
        assert [step for _, step, _ in data] == list(range(epochs))
        np.testing.assert_allclose([v for _, _, v in data],
                                   [np.float32(1.0 / (e + 1)) for e in range(epochs)])
        val = poll(lambda: get_json(url.replace("run=train", "run=validation")),
                   lambda d: len(d) == epochs)
        np.testing.assert_allclose([v for _, _, v in val],
                                   [np.float32(2.0 / (e + 1)) for e in range(epochs)])
        tags = get_json(f"{root}/data/plugin/scalars/tags")
        assert set(tags["train"]) == {"epoch_loss", "epoch_accuracy", "epoch_learning_rate"}
        # The HParams dashboard: the experiment, and the trial with its final val loss.
        base = f"{root}/data/plugin/hparams"
        experiment = poll(lambda: post_json(f"{base}/experiment", {"experimentName": ""}),
                          lambda e: e.get("hparamInfos"))
        (info,) = experiment["hparamInfos"]
        assert (info["name"], info["domainDiscrete"]) == ("learning_rate", [0.1, 0.5])
        request = {
            "experimentName": "", "startIndex": 0, "sliceSize": 10,
            "allowedStatuses": ["STATUS_UNKNOWN", "STATUS_SUCCESS", "STATUS_RUNNING"],
            "colParams": [{"hparam": "learning_rate"},
                          {"metric": {"group": "validation", "tag": "epoch_loss"}}],
        }
        groups = poll(lambda: post_json(f"{base}/session_groups", request),
                      lambda g: g.get("sessionGroups")
                      and g["sessionGroups"][0]["metricValues"])
        (group,) = groups["sessionGroups"]
        assert group["hparams"] == {"learning_rate": 0.1}
        (metric,) = group["metricValues"]
        assert metric["trainingStep"] == 2
        assert metric["value"] == pytest.approx(2.0 / 3, rel=1e-6)
