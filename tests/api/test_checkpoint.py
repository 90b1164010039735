"""tf.train.Checkpoint / CheckpointManager / readers against checkpoints real TensorFlow wrote
(tests/fixtures/tf/checkpoints/, tools/checkpoint_fixtures.py) and against what TensorFlow
read back from featherflow's checkpoints (featherflow_written/tf_read.json)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import featherflow as tf
from featherflow.saving.tf_checkpoint import table, wire

ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "tf" / "checkpoints"
TOOLS = Path(__file__).resolve().parents[2] / "tools"
TF_PYTHON = "/work/venv-tf/bin/python"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

import checkpoint_fixtures  # noqa: E402

EXPECTED = json.loads((ROOT / "expected.json").read_text())
TF_READ = json.loads((ROOT / "featherflow_written" / "tf_read.json").read_text())
WRITTEN = json.loads((ROOT / "featherflow_written" / "written.json").read_text())
keras = tf.keras


def as_array(record):
    if record["dtype"] == "string":
        values = [v.encode("latin-1") for v in record["value"]]
        return values[0] if not record["shape"] else np.array(values, object).reshape(
            record["shape"])
    return np.array(record["value"], dtype=record["dtype"]).reshape(record["shape"])


def assert_same(value, record):
    """Exact equality: the value, dtype and shape TensorFlow recorded."""
    expected = as_array(record)
    if isinstance(expected, bytes):
        assert value == expected
        return
    value = np.asarray(value)
    assert value.dtype == expected.dtype and value.shape == expected.shape
    np.testing.assert_array_equal(value, expected)


# -- reading TensorFlow's files ------------------------------------------------------------
@pytest.mark.parametrize("scenario", ["variable", "nested", "sequential_adam"])
def test_reader_gets_every_tensor_tf_wrote(scenario):
    prefix = ROOT / EXPECTED[scenario]["prefix"]
    reader = tf.train.load_checkpoint(str(prefix))
    tensors = EXPECTED[scenario]["tensors"]
    for key, record in tensors.items():
        assert reader.has_tensor(key)
        assert_same(reader.get_tensor(key), record)
        assert reader.get_variable_to_shape_map()[key] == record["shape"]
    dtypes = reader.get_variable_to_dtype_map()
    assert all(dtypes[key] == tf.as_dtype(r["dtype"]) for key, r in tensors.items())
    listed = dict(tf.train.list_variables(str(prefix)))
    assert set(tensors) <= set(listed) and "_CHECKPOINTABLE_OBJECT_GRAPH" in listed


def test_restore_variable_written_by_tf():
    v = tf.Variable(np.zeros((2, 2), "float32"))
    tf.train.Checkpoint(v=v).read(str(ROOT / "variable" / "ckpt")).assert_consumed()
    assert_same(v.numpy(), EXPECTED["variable"]["tensors"]["v/.ATTRIBUTES/VARIABLE_VALUE"])
    assert tf.train.load_variable(str(ROOT / "variable" / "ckpt"),
                                  "v/.ATTRIBUTES/VARIABLE_VALUE:0").tolist() == [[1, 2], [3, 4.5]]


def test_restore_nested_module_list_dict_and_strings():
    tensors = EXPECTED["nested"]["tensors"]
    module = tf.Module()
    module.w = tf.Variable(np.zeros((2, 3)))
    module.items = [tf.Variable(np.int32(0)), tf.Variable([False] * 3)]
    module.table = {"b": tf.Variable(np.int64(0)), "a": tf.Variable("")}
    module.sub = tf.Module()
    module.sub.x = tf.Variable(np.zeros(2, "float16"))
    inner = tf.train.Checkpoint(v=tf.Variable(np.float64(0)))
    extra = [tf.Variable(0.0)]
    ckpt = tf.train.Checkpoint(module=module, inner=inner, extra=extra)
    status = ckpt.restore(tf.train.latest_checkpoint(str(ROOT / "nested")))
    status.assert_consumed().assert_existing_objects_matched().assert_nontrivial_match()
    pairs = {"module/w": module.w, "module/items/0": module.items[0],
             "module/items/1": module.items[1], "module/table/b": module.table["b"],
             "module/table/a": module.table["a"], "module/sub/x": module.sub.x,
             "inner/v": inner.v, "extra/0": extra[0], "save_counter": ckpt.save_counter}
    for path, variable in pairs.items():
        assert_same(variable.numpy(), tensors[f"{path}/.ATTRIBUTES/VARIABLE_VALUE"])


def test_restore_keras_sequential_and_adam_then_train_like_tf():
    record = EXPECTED["sequential_adam"]
    model = checkpoint_fixtures.keras_model(keras)
    ckpt = tf.train.Checkpoint(model=model, optimizer=model.optimizer)
    status = ckpt.restore(tf.train.latest_checkpoint(str(ROOT / "sequential_adam")))
    tensors = record["tensors"]
    for i, weight in enumerate(model.get_weights()):  # restored now, exactly TF's values
        assert_same(weight, tensors[f"optimizer/_trainable_variables/{i}/.ATTRIBUTES/"
                                    "VARIABLE_VALUE"])
    assert int(model.optimizer.iterations.numpy()) == 4
    with pytest.raises(AssertionError, match="optimizer/_variables/2"):
        status.assert_consumed()  # the Adam slots do not exist before the first step
    status.assert_existing_objects_matched()
    x, y = checkpoint_fixtures.keras_data()
    model.train_on_batch(x[:4], y[:4])  # builds the slots: they get the saved moments
    status.assert_consumed()
    assert int(model.optimizer.iterations.numpy()) == record["iterations_after"]
    for weight, expected in zip(model.get_weights(), record["after_one_step"]):
        # one Adam step in float32 from identical state: TF's values within rounding
        np.testing.assert_allclose(weight, as_array(expected), rtol=1e-6, atol=1e-7)


def test_restore_before_the_model_is_built_waits_for_build():
    record = EXPECTED["sequential_adam"]
    model = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    ckpt = tf.train.Checkpoint(model=model)
    status = ckpt.read(str(ROOT / record["prefix"]))
    model.build((None, 3))
    status.assert_existing_objects_matched()
    assert_same(model.layers[1].bias.numpy(),
                record["tensors"]["optimizer/_trainable_variables/3/.ATTRIBUTES/VARIABLE_VALUE"])


# -- TensorFlow reading featherflow's files --------------------------------------------------
def test_tf_read_featherflow_checkpoints():
    folder = ROOT / "featherflow_written"
    read = TF_READ
    assert read["variable"]["v"]["value"] == [1.0, 2.0, 3.0, 4.5]
    assert [r["value"] for r in read["nested"]["items"]] == [[-3], [True, False, True]]
    assert read["nested"]["a"]["value"] == [2 ** 40] and read["nested"]["inner"]["value"] == [1.25]
    assert read["nested"]["save_counter"] == 1
    assert read["sequential_adam"]["latest"] == "ckpt-1"
    # every tensor TF listed in featherflow's files, read back by featherflow, is TF's value
    for scenario in ("variable", "nested"):
        reader = tf.train.load_checkpoint(str(folder / WRITTEN[scenario]))
        for key, record in read[scenario]["tensors"].items():
            assert_same(reader.get_tensor(key), record)
    # TF restored featherflow's Keras model + Adam and took one step; featherflow does the same
    model = checkpoint_fixtures.keras_model(keras)
    status = tf.train.Checkpoint(model=model, optimizer=model.optimizer).restore(
        str(folder / WRITTEN["sequential_adam"]))
    x, y = checkpoint_fixtures.keras_data()
    model.train_on_batch(x[:4], y[:4])
    status.assert_consumed()
    for weight, expected in zip(model.get_weights(), read["sequential_adam"]["after_one_step"]):
        np.testing.assert_allclose(weight, as_array(expected), rtol=1e-6, atol=1e-7)


def test_writer_keeps_the_layout_tf_read(tmp_path):
    """Today's writer gives the object graph and keys of the files TF read (values may
    differ in the last bits if training numerics change, full names by layer counters)."""
    def layout(reader):
        nodes = wire.decode_object_graph(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
        return [(n["children"], [(a[0], a[2]) for a in n["attributes"]]) for n in nodes]

    written = checkpoint_fixtures.write_featherflow(tmp_path)
    assert written == WRITTEN
    for prefix in written.values():
        fresh = tf.train.load_checkpoint(str(tmp_path / prefix))
        committed = tf.train.load_checkpoint(str(ROOT / "featherflow_written" / prefix))
        assert fresh.get_variable_to_shape_map() == committed.get_variable_to_shape_map()
        assert layout(fresh) == layout(committed)


@pytest.mark.skipif(not os.path.exists(TF_PYTHON), reason="needs TensorFlow in /work/venv-tf")
def test_live_tensorflow_restores_a_fresh_featherflow_checkpoint(tmp_path):
    ckpt = tf.train.Checkpoint(step=tf.Variable(np.int64(7)),
                               w=tf.Variable(np.arange(6, dtype="float32").reshape(2, 3)),
                               name=tf.Variable("héllo"))
    prefix = ckpt.save(str(tmp_path / "ckpt"))
    script = (
        "import sys, tensorflow as tf\n"
        "c = tf.train.Checkpoint(step=tf.Variable(0, dtype=tf.int64), w=tf.Variable("
        "tf.zeros((2, 3))), name=tf.Variable(''))\n"
        "c.restore(tf.train.latest_checkpoint(sys.argv[1])).assert_consumed()\n"
        "print(int(c.step.numpy()), c.w.numpy().ravel().tolist(), c.name.numpy().decode(), "
        "int(c.save_counter.numpy()))\n")
    result = subprocess.run([TF_PYTHON, "-c", script, str(tmp_path)], capture_output=True,
                            text=True, timeout=300, env={**os.environ,
                                                         "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split("\n")[-2] == "7 [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] héllo 1"
    assert prefix.endswith("ckpt-1")


# -- round trips, deferred restoration, iterators --------------------------------------------
def test_round_trip_dtypes_and_keys(tmp_path):
    values = {"f16": np.array([1.5, -2.25], "float16"), "f64": np.arange(4.0).reshape(2, 2),
              "i8": np.array([-128, 127], "int8"), "u8": np.array([0, 255], "uint8"),
              "b": np.array([True, False]), "c": np.array([1 + 2j], "complex64"),
              "s": np.array([b"a", b"", "é".encode()], object)}
    variables = {k: tf.Variable(v) for k, v in values.items()}
    prefix = tf.train.Checkpoint(**variables).write(str(tmp_path / "x"))
    assert prefix == str(tmp_path / "x")
    restored = {k: tf.Variable(np.zeros_like(v) if v.dtype != object else
                               np.array([b""] * 3, object)) for k, v in values.items()}
    tf.train.Checkpoint(**restored).read(prefix).assert_consumed()
    for key, value in values.items():
        np.testing.assert_array_equal(restored[key].numpy(), value)
        assert restored[key].numpy().dtype == value.dtype
    assert [k for k, _ in tf.train.list_variables(prefix)] == sorted(
        ["_CHECKPOINTABLE_OBJECT_GRAPH"] + [f"{k}/.ATTRIBUTES/VARIABLE_VALUE" for k in values])


def test_keys_escape_slashes_and_dots(tmp_path):
    ckpt = tf.train.Checkpoint(holder={"a/b.c": tf.Variable(1.0)})
    prefix = ckpt.write(str(tmp_path / "x"))
    assert "holder/a.Sb..c/.ATTRIBUTES/VARIABLE_VALUE" in dict(tf.train.list_variables(prefix))


def test_nested_checkpoints_and_late_attributes(tmp_path):
    inner = tf.train.Checkpoint(a=tf.Variable(1.0))
    outer = tf.train.Checkpoint(inner=inner)
    outer.b = tf.Variable([2.0, 3.0])
    path = outer.save(str(tmp_path / "ck"))
    keys = dict(tf.train.list_variables(path))
    assert {"inner/a/.ATTRIBUTES/VARIABLE_VALUE", "b/.ATTRIBUTES/VARIABLE_VALUE",
            "save_counter/.ATTRIBUTES/VARIABLE_VALUE"} <= set(keys)
    inner.a.assign(5.0)
    outer.b.assign([0.0, 0.0])
    outer.restore(path).assert_consumed()
    assert float(inner.a.numpy()) == 1.0 and outer.b.numpy().tolist() == [2.0, 3.0]


def test_variable_created_after_restore_gets_its_value(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.layers[0].kernel.assign(np.full((3, 2), 0.5, "float32"))
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "m"))

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    twin = keras.Sequential([keras.layers.Dense(2)])
    status = tf.train.Checkpoint(model=twin).read(path)
    twin(np.zeros((1, 3), "float32"))  # built after the restore
    status.assert_consumed()
    np.testing.assert_array_equal(twin.layers[0].kernel.numpy(), np.full((3, 2), 0.5))
    net = Net()
    net(np.zeros((1, 3), "float32"))
    net_path = tf.train.Checkpoint(model=net).write(str(tmp_path / "net"))
    assert "model/dense/_kernel/.ATTRIBUTES/VARIABLE_VALUE" in dict(
        tf.train.list_variables(net_path))


def test_iterator_state_round_trip(tmp_path):
    dataset = tf.data.Dataset.range(10).map(lambda x: x * 2).batch(2)
    iterator = iter(dataset)
    ckpt = tf.train.Checkpoint(iterator=iterator)
    next(iterator)
    path = ckpt.save(str(tmp_path / "it"))
    assert "iterator/.ATTRIBUTES/ITERATOR_STATE" in dict(tf.train.list_variables(path))
    after = [next(iterator).numpy().tolist() for _ in range(2)]
    ckpt.restore(path).assert_consumed()
    assert [next(iterator).numpy().tolist() for _ in range(2)] == after == [[4, 6], [8, 10]]
    shuffled = iter(tf.data.Dataset.range(10).shuffle(10, seed=1,
                                                      reshuffle_each_iteration=False))
    ckpt = tf.train.Checkpoint(iterator=shuffled)
    next(shuffled)
    path = ckpt.write(str(tmp_path / "shuffled"))
    after = [int(next(shuffled).numpy()) for _ in range(4)]
    ckpt.read(path).assert_consumed()
    assert [int(next(shuffled).numpy()) for _ in range(4)] == after


def test_tf_iterator_state_is_refused_clearly(tmp_path):
    # TF saves its C++ iterator state as a variant tensor; simulate that file's entry kind
    from featherflow.saving.tf_checkpoint import bundle

    iterator = iter(tf.data.Dataset.range(3))
    prefix = tf.train.Checkpoint(it=iterator).write(str(tmp_path / "x"))
    reader = bundle.CheckpointReader(prefix)
    items = table.read(Path(bundle.index_path(prefix)).read_bytes())
    key = b"it/.ATTRIBUTES/ITERATOR_STATE"
    patched = []
    for k, v in items:
        if k == key:
            entry = reader._entries[key.decode()]
            v = wire.entry(wire.DT_VARIANT, (), entry["offset"], entry["size"], entry["crc32c"])
        patched.append((k, v))
    Path(bundle.index_path(prefix)).write_bytes(table.build(patched))
    with pytest.raises(tf.errors.InvalidArgumentError, match="written by TensorFlow"):
        tf.train.Checkpoint(it=iter(tf.data.Dataset.range(3))).read(prefix)


# -- CheckpointManager ----------------------------------------------------------------------
def test_manager_rotation_and_state_file(tmp_path):
    step = tf.Variable(np.int64(0))
    ckpt = tf.train.Checkpoint(step=step)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.restore_or_initialize() is None
    paths = []
    for _ in range(4):
        step.assign_add(1)
        paths.append(manager.save())
    assert paths == [str(tmp_path / f"ckpt-{i}") for i in range(1, 5)]
    assert manager.checkpoints == paths[2:] and manager.latest_checkpoint == paths[3]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "checkpoint", "ckpt-3.data-00000-of-00001", "ckpt-3.index",
        "ckpt-4.data-00000-of-00001", "ckpt-4.index"]
    text = (tmp_path / "checkpoint").read_text()
    assert text.startswith('model_checkpoint_path: "ckpt-4"\nall_model_checkpoint_paths: '
                           '"ckpt-3"\nall_model_checkpoint_paths: "ckpt-4"\n')
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == paths[2:]
    assert tf.train.latest_checkpoint(str(tmp_path)) == paths[3]
    # a new manager on the folder picks the state up and keeps rotating
    again = tf.train.CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert again.checkpoints == paths[2:]
    assert again.save(checkpoint_number=10) == str(tmp_path / "ckpt-10")
    assert not (tmp_path / "ckpt-3.index").exists()
    step.assign(0)
    assert again.restore_or_initialize() == str(tmp_path / "ckpt-10")
    assert int(step.numpy()) == 4


def test_manager_interval_keep_hours_and_init_fn(tmp_path):
    step = tf.Variable(np.int64(0))
    ckpt = tf.train.Checkpoint(step=step)
    with pytest.raises(ValueError, match="step_counter"):
        tf.train.CheckpointManager(ckpt, str(tmp_path), 3, checkpoint_interval=2)
    with pytest.raises(ValueError, match="positive integer"):
        tf.train.CheckpointManager(ckpt, str(tmp_path), 0)
    calls = []
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / "a"), max_to_keep=None,
                                         step_counter=step, checkpoint_interval=2,
                                         init_fn=lambda: calls.append(1))
    assert manager.restore_or_initialize() is None and calls == [1]
    saved = []
    for _ in range(5):
        saved.append(manager.save())
        step.assign_add(1)
    assert [p is not None for p in saved] == [True, False, True, False, True]
    assert manager.save(check_interval=False) is not None
    keep = tf.train.CheckpointManager(tf.train.Checkpoint(v=tf.Variable(1.0)),
                                      str(tmp_path / "b"), max_to_keep=1,
                                      keep_checkpoint_every_n_hours=1e-9)
    first = keep.save()
    keep.save()
    assert os.path.exists(first + ".index")  # preserved by keep_checkpoint_every_n_hours
    assert keep.checkpoints == [str(tmp_path / "b" / "ckpt-2")]


def test_checkpoints_iterator_yields_new_checkpoints(tmp_path):
    ckpt = tf.train.Checkpoint(v=tf.Variable(1.0))
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0)) == [path]


def test_options_write_callbacks(tmp_path):
    seen = []
    options = tf.train.CheckpointOptions(experimental_write_callbacks=[seen.append])
    path = tf.train.Checkpoint(v=tf.Variable(1.0)).write(str(tmp_path / "x"), options=options)
    assert seen == [path]


# -- bad input --------------------------------------------------------------------------------
def test_missing_checkpoint_is_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="Failed to find any matching files"):
        tf.train.Checkpoint(v=tf.Variable(1.0)).restore(str(tmp_path / "nothere"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.train.load_checkpoint(str(tmp_path / "nothere"))
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        tf.train.load_checkpoint(str(tmp_path))
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    reader = tf.train.load_checkpoint(str(ROOT / "variable" / "ckpt"))
    with pytest.raises(tf.errors.NotFoundError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")


def test_wrong_shape_or_dtype_names_the_variable_and_changes_nothing():
    prefix = str(ROOT / "variable" / "ckpt")
    v = tf.Variable(np.zeros(3, "float32"), name="weights")
    other = tf.Variable(5.0)
    with pytest.raises(ValueError, match=r"incompatible tensor with shape \(2, 2\).*shape "
                                         r"\(3,\).*name weights:0"):
        tf.train.Checkpoint(v=v, other=other).read(prefix)
    w = tf.Variable(np.zeros((2, 2), "int32"))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="v/.ATTRIBUTES/VARIABLE_VALUE; expected dtype int32 does not "
                             "equal original dtype float"):
        tf.train.Checkpoint(v=w).read(prefix)
    assert v.numpy().tolist() == [0, 0, 0] and w.numpy().sum() == 0


def test_failed_restore_leaves_every_variable_as_it_was(tmp_path):
    good, bad = tf.Variable([1.0, 2.0]), tf.Variable([3.0])
    path = tf.train.Checkpoint(a=good, z=bad).write(str(tmp_path / "x"))
    a, z = tf.Variable([9.0, 9.0]), tf.Variable([9.0, 9.0])  # z has the wrong shape
    with pytest.raises(ValueError):
        tf.train.Checkpoint(a=a, z=z).read(path)
    assert a.numpy().tolist() == [9.0, 9.0]


def test_corrupted_files_raise_data_loss(tmp_path):
    path = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(tmp_path / "x"))
    data = Path(path + ".data-00000-of-00001")
    raw = bytearray(data.read_bytes())
    raw[0] ^= 0xFF
    data.write_bytes(bytes(raw))
    with pytest.raises(tf.errors.DataLossError, match="Checksum does not match"):
        tf.train.Checkpoint(v=tf.Variable([0.0, 0.0])).read(path)
    index = Path(path + ".index")
    index.write_bytes(b"not a table at all, just some bytes here" * 2)
    with pytest.raises(tf.errors.DataLossError, match="not an sstable"):
        tf.train.load_checkpoint(path)
    with pytest.raises(tf.errors.DataLossError, match="is a folder"):
        tf.train.Checkpoint(v=tf.Variable(1.0)).read(str(tmp_path))


def test_statuses_report_mismatches(tmp_path):
    path = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0])).write(str(tmp_path / "x"))
    status = tf.train.Checkpoint(x=tf.Variable(1.0)).restore(path)
    with pytest.raises(AssertionError, match="Found 2 Python objects that were not bound"):
        status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="Nothing except the root object matched"):
        status.assert_nontrivial_match()
    assert status.expect_partial() is status
    none = tf.train.Checkpoint(v=tf.Variable(1.0)).restore(None)
    with pytest.raises(AssertionError, match="No checkpoint specified"):
        none.assert_consumed()
    with pytest.raises(ValueError, match="trackable object"):
        tf.train.Checkpoint(v=3.0)


def test_many_keys_span_several_index_blocks(tmp_path):
    variables = {f"v{i:04d}_{'x' * 40}": tf.Variable(np.float32(i)) for i in range(300)}
    path = tf.train.Checkpoint(**variables).write(str(tmp_path / "big"))
    assert Path(path + ".index").stat().st_size > 2 * table.BLOCK_SIZE
    fresh = {k: tf.Variable(np.float32(-1)) for k in variables}
    tf.train.Checkpoint(**fresh).read(path).assert_consumed()
    assert [float(v.numpy()) for v in fresh.values()] == list(range(300))


def test_fixture_folder_has_only_small_files():
    sizes = [p.stat().st_size for p in ROOT.rglob("*") if p.is_file()]
    assert max(sizes) < 64 * 1024


# -- many layer kinds: names and values both ways ----------------------------------------------
def test_zoo_model_restores_tf_weights_and_predicts_like_tf():
    record = EXPECTED["zoo"]
    zoo = checkpoint_fixtures.zoo_model(keras)
    net = checkpoint_fixtures.subclassed_model(tf, keras)
    prefix = str(ROOT / record["prefix"])
    tf.train.Checkpoint(model=zoo, net=net).read(prefix).assert_consumed()
    x, ids = checkpoint_fixtures.zoo_inputs()
    # float32 forward passes of the same weights: conv, LSTM, attention, GRU accumulate
    # rounding in a different order than TF's kernels
    np.testing.assert_allclose(zoo(x, training=False).numpy(), as_array(record["predict"]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net(ids).numpy(), as_array(record["net"]), rtol=1e-5, atol=1e-6)
    written = tf.train.Checkpoint(model=zoo, net=net)._tensors()
    assert set(written) - {"_CHECKPOINTABLE_OBJECT_GRAPH"} == set(record["tensors"])


def test_tf_predicts_from_featherflow_zoo_checkpoint_like_featherflow():
    zoo = checkpoint_fixtures.zoo_model(keras)
    net = checkpoint_fixtures.subclassed_model(tf, keras)
    prefix = str(ROOT / "featherflow_written" / WRITTEN["zoo"])
    tf.train.Checkpoint(model=zoo, net=net).read(prefix).assert_consumed()
    x, ids = checkpoint_fixtures.zoo_inputs()
    np.testing.assert_allclose(zoo(x, training=False).numpy(),
                               as_array(TF_READ["zoo"]["predict"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(net(ids).numpy(), as_array(TF_READ["zoo"]["net"]),
                               rtol=1e-5, atol=1e-6)


def test_numpy_crc_fallback_gives_the_same_files(tmp_path, monkeypatch):
    from featherflow.saving.tf_checkpoint import checksum
    from featherflow.utils import crc32c as _crc32c

    data = np.random.RandomState(0).bytes(5000)
    assert checksum.crc32c(data) == _crc32c.crc32c(data)
    ckpt = tf.train.Checkpoint(v=tf.Variable(np.arange(2000, dtype="float32")),
                               s=tf.Variable("text"))
    fast = ckpt.write(str(tmp_path / "fast"))
    monkeypatch.setattr(checksum, "_crc32c_function", lambda: _crc32c.crc32c)
    slow = ckpt.write(str(tmp_path / "slow"))
    for suffix in (".index", ".data-00000-of-00001"):
        assert Path(fast + suffix).read_bytes() == Path(slow + suffix).read_bytes()
    restored = tf.Variable(np.zeros(2000, "float32"))
    tf.train.Checkpoint(v=restored, s=tf.Variable("")).read(slow).assert_consumed()
    assert restored.numpy().tolist() == list(range(2000))


def test_restore_tf_keras_checkpoint_layer_with_weights_names():
    """A Keras 2 (tf_keras 2.21) checkpoint: model/layer_with_weights-0/kernel, and an
    optimizer whose _variables has no learning rate."""
    record = EXPECTED["tf_keras"]
    assert "model/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE" in record["tensors"]
    model = checkpoint_fixtures.keras_model(keras)
    status = tf.train.Checkpoint(model=model, optimizer=model.optimizer).read(
        str(ROOT / record["prefix"]))
    assert_same(model.layers[1].kernel.numpy(),
                record["tensors"]["model/layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE"])
    x, y = checkpoint_fixtures.keras_data()
    model.train_on_batch(x[:4], y[:4])
    status.assert_consumed()
    for weight, expected in zip(model.get_weights(), record["after_one_step"]):
        np.testing.assert_allclose(weight, as_array(expected), rtol=1e-6, atol=1e-7)


def test_more_layer_kinds_get_tf_keys_and_shapes(tmp_path):
    """Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose, GroupNormalization,
    SimpleRNN, GRU, PReLU, Embedding, Conv1D: the keys and shapes TF 2.21 writes."""
    models = checkpoint_fixtures.more_layers(keras)
    prefix = tf.train.Checkpoint(**models).write(str(tmp_path / "c"))
    assert dict(tf.train.list_variables(prefix)) == EXPECTED["more_layers"]
