"""TensorFlow checkpoints for tests/api/test_checkpoint.py, written and read by real TF.

    /work/venv-tf/bin/python tools/checkpoint_fixtures.py write   # TF writes checkpoints
    python tools/checkpoint_fixtures.py featherflow               # featherflow writes
    /work/venv-tf/bin/python tools/checkpoint_fixtures.py read    # TF reads featherflow's

``write`` saves small checkpoints with ``tf.train.Checkpoint`` into
tests/fixtures/tf/checkpoints/<scenario>/ and records every tensor (key, dtype, shape, values)
plus, for the Keras scenario, the weights after one more training step from the restored
checkpoint, in tests/fixtures/tf/checkpoints/expected.json.

``featherflow`` (run with featherflow's Python, no TensorFlow) writes the same kinds of
checkpoints with featherflow into tests/fixtures/tf/checkpoints/featherflow_written/; ``read``
restores them into TF objects of the same structure with ``assert_consumed`` and records what
TF read in featherflow_written/tf_read.json. The builders below take the ``tf`` and ``keras``
modules, so the same code makes the objects in both libraries.
"""

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "tf" / "checkpoints"


def tensor_record(value):
    value = np.asarray(value)
    if value.dtype.kind in "OSU":
        items = [v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in value.ravel()]
        return {"dtype": "string", "shape": list(value.shape), "value": items}
    return {"dtype": value.dtype.name, "shape": list(value.shape),
            "value": value.ravel().tolist()}


def dump(tf, prefix):
    reader = tf.train.load_checkpoint(prefix)
    out = {}
    for key, _ in tf.train.list_variables(prefix):
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH" or key.endswith("ITERATOR_STATE"):
            continue
        out[key] = tensor_record(reader.get_tensor(key))
    return out


def keras_model(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    model.set_weights([np.linspace(-1, 1, 12, dtype="float32").reshape(3, 4),
                       np.array([0.1, -0.2, 0.3, 0.0], "float32"),
                       np.linspace(0.5, -0.5, 8, dtype="float32").reshape(4, 2),
                       np.array([0.05, -0.05], "float32")])
    model.compile(keras.optimizers.Adam(0.01), "mse")
    return model


def keras_data():
    x = np.linspace(-2, 2, 24, dtype="float32").reshape(8, 3)
    y = np.stack([np.sin(x).sum(1), np.cos(x).sum(1)], axis=1).astype("float32")
    return x, y


def zoo_model(keras):
    """A functional model over many layer kinds (convolution, batch norm, LSTM, layer norm,
    attention, bidirectional GRU, dense), to check names and values layer by layer."""
    inp = keras.Input((6, 4))
    h = keras.layers.Conv1D(5, 3, padding="same")(inp)
    h = keras.layers.BatchNormalization()(h)
    h = keras.layers.LSTM(4, return_sequences=True)(h)
    h = keras.layers.LayerNormalization()(h)
    h = keras.layers.MultiHeadAttention(2, 3)(h, h)
    h = keras.layers.Bidirectional(keras.layers.GRU(3))(h)
    return keras.Model(inp, keras.layers.Dense(2)(h))


def subclassed_model(tf, keras):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.emb = keras.layers.Embedding(7, 3)
            self.norm = keras.layers.LayerNormalization()
            self.head = keras.layers.Dense(2)
            self.scale = tf.Variable(2.0)

        def call(self, x):
            return self.head(self.norm(self.emb(x))) * self.scale

    net = Net()
    net(np.zeros((1, 4), "int32"))
    return net


def more_layers(keras):
    """Sequential models over more layer kinds, to compare checkpoint keys and shapes."""
    layers = keras.layers
    images = keras.Sequential([
        keras.Input((8, 8, 2)), layers.Conv2D(4, 3), layers.DepthwiseConv2D(3),
        layers.SeparableConv2D(3, 2), layers.Conv2DTranspose(2, 2),
        layers.GroupNormalization(2), layers.Reshape((-1, 2)),
        layers.SimpleRNN(3, return_sequences=True), layers.GRU(2), layers.Dense(3),
        layers.PReLU()])
    tokens = keras.Sequential([keras.Input((5,)), layers.Embedding(10, 4), layers.Conv1D(2, 2),
                               layers.GlobalAveragePooling1D(), layers.Dense(1)])
    return {"images": images, "tokens": tokens}


def fill_weights(model):
    """Distinct values in every weight (variances positive)."""
    for i, weight in enumerate(model.weights):
        shape = tuple(weight.shape)
        low = 0.5 if "variance" in weight.name else -0.5
        weight.assign(np.random.RandomState(i).uniform(low, low + 1, shape).astype("float32"))


def zoo_inputs():
    return (np.linspace(-1, 1, 48, dtype="float32").reshape(2, 6, 4),
            np.array([[0, 3, 6, 1], [2, 2, 5, 4]], "int32"))


def nested_module(tf):
    """A tf.Module with a variable, a list and a dict of variables of several dtypes."""
    module = tf.Module()
    module.w = tf.Variable(np.arange(6, dtype="float64").reshape(2, 3) / 7)
    module.items = [tf.Variable(np.int32(-3)), tf.Variable([True, False, True])]
    module.table = {"a": tf.Variable(np.int64(2 ** 40))}
    return module


def write_featherflow(folder):
    import featherflow as tf

    keras = tf.keras
    folder = Path(folder)
    written = {}
    ckpt = tf.train.Checkpoint(v=tf.Variable([[1.0, 2.0], [3.0, 4.5]]))
    written["variable"] = os.path.relpath(ckpt.write(str(folder / "variable")), folder)
    inner = tf.train.Checkpoint(v=tf.Variable(np.float64(1.25)))
    ckpt = tf.train.Checkpoint(module=nested_module(tf), inner=inner)
    written["nested"] = os.path.relpath(ckpt.save(str(folder / "nested")), folder)
    model = keras_model(keras)
    x, y = keras_data()
    model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    ckpt = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    manager = tf.train.CheckpointManager(ckpt, str(folder / "sequential_adam"), max_to_keep=2)
    written["sequential_adam"] = os.path.relpath(manager.save(), folder)
    zoo, net = zoo_model(keras), subclassed_model(tf, keras)
    fill_weights(zoo)
    fill_weights(net)
    ckpt = tf.train.Checkpoint(model=zoo, net=net)
    written["zoo"] = os.path.relpath(ckpt.write(str(folder / "zoo")), folder)
    return written


def write(tf, keras):
    if ROOT.exists():
        for child in ROOT.iterdir():
            if child.is_dir() and child.name != "featherflow_written":
                shutil.rmtree(child)
    expected = {"versions": {"tensorflow": tf.__version__, "keras": keras.__version__}}

    ckpt = tf.train.Checkpoint(v=tf.Variable([[1.0, 2.0], [3.0, 4.5]]))
    prefix = ckpt.write(str(ROOT / "variable" / "ckpt"))
    expected["variable"] = {"prefix": "variable/ckpt", "tensors": dump(tf, prefix)}

    class Module(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.arange(6, dtype="float64").reshape(2, 3) / 7)
            self.items = [tf.Variable(np.int32(-3)), tf.Variable([True, False, True])]
            self.table = {"b": tf.Variable(np.int64(2 ** 40)), "a": tf.Variable("hello")}
            self.sub = tf.Module()
            self.sub.x = tf.Variable(np.array([1.5, -2.25], "float16"))

    nested = tf.train.Checkpoint(
        module=Module(), inner=tf.train.Checkpoint(v=tf.Variable(1.25, dtype=tf.float64)),
        extra=[tf.Variable(7.0)])
    prefix = nested.save(str(ROOT / "nested" / "ckpt"))
    expected["nested"] = {"prefix": "nested/ckpt-1", "tensors": dump(tf, prefix)}

    model = keras_model(keras)
    x, y = keras_data()
    model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    ckpt = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    manager = tf.train.CheckpointManager(ckpt, str(ROOT / "sequential_adam"), max_to_keep=2)
    prefix = manager.save()
    record = {"prefix": "sequential_adam/ckpt-1", "tensors": dump(tf, prefix)}
    restored = keras_model(keras)
    status = tf.train.Checkpoint(model=restored, optimizer=restored.optimizer).restore(prefix)
    restored.train_on_batch(x[:4], y[:4])
    status.assert_consumed()
    record["after_one_step"] = [tensor_record(w) for w in restored.get_weights()]
    record["iterations_after"] = int(restored.optimizer.iterations.numpy())
    expected["sequential_adam"] = record

    import tf_keras

    legacy = keras_model(tf_keras)
    legacy.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    prefix = tf.train.Checkpoint(model=legacy, optimizer=legacy.optimizer).write(
        str(ROOT / "tf_keras" / "ckpt"))
    record = {"prefix": "tf_keras/ckpt", "tensors": dump(tf, prefix),
              "versions": {"tf_keras": tf_keras.__version__}}
    restored = keras_model(tf_keras)
    status = tf.train.Checkpoint(model=restored, optimizer=restored.optimizer).read(prefix)
    restored.train_on_batch(x[:4], y[:4])
    status.assert_consumed()
    record["after_one_step"] = [tensor_record(w) for w in restored.get_weights()]
    expected["tf_keras"] = record

    with tempfile.TemporaryDirectory() as folder:
        prefix = tf.train.Checkpoint(**more_layers(keras)).write(os.path.join(folder, "c"))
        expected["more_layers"] = dict(tf.train.list_variables(prefix))

    zoo, net = zoo_model(keras), subclassed_model(tf, keras)
    fill_weights(zoo)
    fill_weights(net)
    prefix = tf.train.Checkpoint(model=zoo, net=net).write(str(ROOT / "zoo" / "ckpt"))
    x, ids = zoo_inputs()
    expected["zoo"] = {"prefix": "zoo/ckpt", "tensors": dump(tf, prefix),
                       "predict": tensor_record(zoo(x, training=False)),
                       "net": tensor_record(net(ids))}
    return expected


def read(tf, keras):
    folder = ROOT / "featherflow_written"
    meta = json.loads((folder / "written.json").read_text())
    results = {"versions": {"tensorflow": tf.__version__}}

    prefix = str(folder / meta["variable"])
    v = tf.Variable(tf.zeros((2, 2)))
    tf.train.Checkpoint(v=v).read(prefix).assert_consumed()
    results["variable"] = {"v": tensor_record(v.numpy()), "tensors": dump(tf, prefix)}

    prefix = str(folder / meta["nested"])
    module = nested_module(tf)
    for variable in [module.w, *module.items, module.table["a"]]:
        variable.assign(tf.zeros_like(variable))
    inner = tf.train.Checkpoint(v=tf.Variable(0.0, dtype=tf.float64))
    ckpt = tf.train.Checkpoint(module=module, inner=inner)
    ckpt.restore(prefix).assert_consumed()
    results["nested"] = {
        "w": tensor_record(module.w.numpy()),
        "items": [tensor_record(v.numpy()) for v in module.items],
        "a": tensor_record(module.table["a"].numpy()),
        "inner": tensor_record(inner.v.numpy()),
        "save_counter": int(ckpt.save_counter.numpy()),
        "tensors": dump(tf, prefix)}

    prefix = str(folder / meta["sequential_adam"])
    model = keras_model(keras)
    status = tf.train.Checkpoint(model=model, optimizer=model.optimizer).restore(prefix)
    x, y = keras_data()
    model.train_on_batch(x[:4], y[:4])
    status.assert_consumed()
    results["sequential_adam"] = {
        "after_one_step": [tensor_record(w) for w in model.get_weights()],
        "iterations_after": int(model.optimizer.iterations.numpy()),
        "latest": os.path.basename(tf.train.latest_checkpoint(str(folder / "sequential_adam")))}

    zoo, net = zoo_model(keras), subclassed_model(tf, keras)
    tf.train.Checkpoint(model=zoo, net=net).read(str(folder / meta["zoo"])).assert_consumed()
    x, ids = zoo_inputs()
    results["zoo"] = {"predict": tensor_record(zoo(x, training=False)),
                      "net": tensor_record(net(ids))}
    (folder / "tf_read.json").write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "write"
    if mode == "featherflow":
        folder = ROOT / "featherflow_written"
        shutil.rmtree(folder, ignore_errors=True)
        written = write_featherflow(folder)
        (folder / "written.json").write_text(json.dumps(written, indent=1, sort_keys=True) + "\n")
        return
    import keras
    import tensorflow as tf

    if mode == "write":
        expected = write(tf, keras)
        (ROOT / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    elif mode == "read":
        read(tf, keras)
    else:
        raise SystemExit(f"unknown mode {mode!r}: use 'write', 'featherflow' or 'read'")


if __name__ == "__main__":
    main()
