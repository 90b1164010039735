"""Hostile files: memory bombs, dtype and class tricks, and deep nesting get clear errors.

Each case checks the error (class, what it names) and that the loader did not allocate what the
file declared (tracemalloc sees NumPy's allocations).
"""

import json
import os
import struct
import tracemalloc
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import featherflow as tf
from featherflow.saving import CorruptFileError, LoadLimitError, h5_io, set_load_limits
from featherflow.serialization import deserialize_keras_object, layer_config, load_limits
from featherflow.serialization.load_limits import DEFAULT_MAX_CONFIG_DEPTH, ENV_BUDGET

MIB = 1 << 20


@pytest.fixture(autouse=True)
def _default_limits():
    set_load_limits()
    yield
    set_load_limits()


def _peak(fn):
    """(result or exception, peak bytes NumPy and Python allocated while ``fn`` ran)."""
    tracemalloc.start()
    try:
        try:
            out = fn()
        except Exception as err:  # the caller checks which
            out = err
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _dense_file(tmp_path, declared, **dataset_kwargs):
    """A Keras 2 weights file whose kernel dataset declares ``declared`` (nothing stored)."""
    path = tmp_path / "bomb.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"])
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        g.create_dataset("dense/kernel:0", shape=declared, dtype="float32", **dataset_kwargs)
        g["dense/bias:0"] = np.zeros(2, "float32")
    return path


def _model():
    return tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])


@pytest.mark.parametrize("kwargs", [
    {"chunks": (64, 64), "compression": "gzip"},      # compressed, nothing written
    {"chunks": (1024, 1024), "fillvalue": 1.0},       # sparse: only a fill value
    {},                                               # contiguous, never allocated
], ids=["compressed", "filled", "contiguous"])
def test_a_weight_declaring_another_shape_is_not_read(tmp_path, kwargs):
    # 512 MiB declared: under the old 1 GiB floor, but never the model's (3, 2) kernel
    path = _dense_file(tmp_path, (1 << 14, 1 << 13), **kwargs)
    model = _model()
    before = model.get_weights()
    err, peak = _peak(lambda: model.load_weights(path))
    assert isinstance(err, ValueError), err
    assert "(3, 2) in the model but (16384, 8192) in the file" in str(err)
    assert "bomb.h5" in str(err) and "dense" in str(err)
    assert peak < 32 * MIB
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_skips_a_bomb_without_reading_it(tmp_path):
    path = _dense_file(tmp_path, (1 << 14, 1 << 13), chunks=(64, 64), compression="gzip")
    model = _model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out, peak = _peak(lambda: model.load_weights(path, skip_mismatch=True))
    assert not isinstance(out, Exception), out
    assert any("Skipped" in str(w.message) for w in caught)
    assert peak < 32 * MIB


def test_an_unexpected_dataset_declaring_far_more_than_stored_is_refused(tmp_path):
    # an optimizer-state or own-variable array has no model shape to compare with first
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        ds = f.create_dataset("x", shape=(1 << 15, 1 << 12), dtype="float32",
                              chunks=(256, 256), compression="gzip")
        err, peak = _peak(lambda: h5_io.read_array(f, "x", "w.h5").read())
        assert ds.id.get_storage_size() == 0
    assert isinstance(err, CorruptFileError)
    assert "declares shape (32768, 4096)" in str(err) and "refusing to allocate" in str(err)
    assert peak < 8 * MIB


def test_datasets_of_non_numbers_are_refused(tmp_path):
    path = tmp_path / "w.h5"
    with h5py.File(path, "w") as f:
        f["text"] = np.array([b"abc"])
        f["pairs"] = np.zeros(3, dtype=[("a", "f4"), ("b", "f4")])
        for name in ("text", "pairs"):
            with pytest.raises(CorruptFileError, match=f"dataset '{name}' holds"):
                h5_io.read_array(f, name, "w.h5")


def _patch_zip_size(path, member, size):
    """Rewrite the central directory so ``member`` claims to inflate to ``size`` bytes."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    at = 0
    while True:
        at = data.index(b"PK\x01\x02", at)
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + name_len]) == name:
            struct.pack_into("<I", data, at + 24, size)
            break
        at += 4
    path.write_bytes(bytes(data))


def test_a_zip_member_declaring_an_inflated_size_is_refused(tmp_path):
    path = tmp_path / "m.keras"
    _model().save(path)
    _patch_zip_size(path, "model.weights.h5", 4_000_000_000)
    err, peak = _peak(lambda: tf.keras.models.load_model(path))
    assert isinstance(err, CorruptFileError), err
    assert "model.weights.h5" in str(err) and "4000000000" in str(err)
    assert peak < 32 * MIB


def _keras_file(tmp_path, layer_entry, input_shape):
    """A .keras archive holding a Sequential of one layer described by ``layer_entry``."""
    config = {
        "module": "keras", "class_name": "Sequential", "registered_name": None,
        "config": {"name": "s", "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None,
             "config": {"batch_shape": [None, *input_shape], "dtype": "float32",
                        "name": "input"}},
            layer_entry]},
        "build_config": {"input_shape": [None, *input_shape]},
    }
    path = tmp_path / "cfg.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", b"")
    return path


def _layer(class_name, **config):
    return {"module": "keras.layers", "class_name": class_name, "registered_name": None,
            "config": {"name": class_name.lower(), **config}}


@pytest.mark.parametrize("entry, shape, named", [
    (_layer("Dense", units=10 ** 12), (4,), "units=1000000000000"),
    (_layer("Embedding", input_dim=10 ** 10, output_dim=64), (5,), "input_dim=10000000000"),
    (_layer("Conv2D", filters=4, kernel_size=[30000, 30000]), (8, 8, 3), "kernel_size"),
    (_layer("Dense", units=60000), (60000,), "weight 'kernel' of shape (60000, 60000)"),
    (_layer("Embedding", input_dim=2_000_000, output_dim=512), (5,),
     "weight 'embeddings' of shape (2000000, 512)"),
    (_layer("Conv1D", filters=8192, kernel_size=512), (1024, 512),
     "weight 'kernel' of shape (512, 512, 8192)"),
], ids=["dense-units", "embedding-vocab", "conv-kernel", "dense-product", "embedding-product",
        "conv1d-product"])
def test_layer_configs_beyond_the_budget_are_refused_before_building(tmp_path, entry, shape,
                                                                     named):
    path = _keras_file(tmp_path, entry, shape)
    err, peak = _peak(lambda: tf.keras.models.load_model(path))
    assert isinstance(err, LoadLimitError), err
    assert named in str(err) and "cfg.keras" in str(err) and "set_load_limits" in str(err)
    assert peak < 64 * MIB


def test_a_subclassed_models_build_shape_is_budgeted():
    class Tiny(tf.keras.Model):
        def call(self, x):
            return x

    with load_limits.loading("test"), pytest.raises(LoadLimitError, match="build input"):
        layer_config._call_on_zeros(Tiny(), [None, 1 << 20, 1 << 12])


def test_the_budget_can_be_lowered_and_lifted(tmp_path, monkeypatch):
    model = tf.keras.Sequential([tf.keras.layers.Dense(100, input_shape=(100,))])
    path = tmp_path / "m.keras"
    model.save(path)
    model.save(tmp_path / "m.h5")
    set_load_limits(max_bytes=20_000)  # the kernel alone is 40 000 bytes
    with pytest.raises(LoadLimitError, match="zip member 'model.weights.h5'"):
        tf.keras.models.load_model(path)
    with pytest.raises(LoadLimitError, match="weight 'kernel' of shape \\(100, 100\\)"):
        tf.keras.models.load_model(tmp_path / "m.h5")
    set_load_limits(max_bytes=200_000)
    tf.keras.models.load_model(path)
    tf.keras.models.load_model(tmp_path / "m.h5")
    set_load_limits()
    monkeypatch.setenv(ENV_BUDGET, "20000")
    with pytest.raises(LoadLimitError, match="loading budget of 19.5 KiB"):
        tf.keras.models.load_model(path)
    monkeypatch.setenv(ENV_BUDGET, str(1 << 20))
    tf.keras.models.load_model(path)
    for bad in (0, -1, "big", True):
        with pytest.raises(ValueError, match="max_bytes must be a positive"):
            set_load_limits(max_bytes=bad)


def test_model_from_json_is_budgeted_and_clone_model_is_not():
    big = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"units": 40000, "batch_input_shape": [None, 40000]}}
    ]}}
    err, peak = _peak(lambda: tf.keras.models.model_from_json(json.dumps(big)))
    assert isinstance(err, LoadLimitError) and "(40000, 40000)" in str(err)
    assert peak < 32 * MIB
    set_load_limits(max_bytes=1000)
    model = tf.keras.Sequential([tf.keras.layers.Dense(100, input_shape=(100,))])
    assert tf.keras.models.clone_model(model).count_params() == 10100


# -- dtype and class tricks ------------------------------------------------------------------
TRICKS = ["object", "O", "|O", "numpy.dtype", "__builtins__.eval", "numpy.core.multiarray",
          "V8", "U3", "S5", "datetime64", "timedelta64[s]", "str", "<f4", "float",
          {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "object"}},
          {"class_name": "Policy", "config": {"name": "__import__"}},
          {"class_name": "__builtins__.type", "config": {"name": "float32"}}]


@pytest.mark.parametrize("safe_mode", [True, False])
@pytest.mark.parametrize("dtype", TRICKS, ids=[str(t)[:30] for t in TRICKS])
def test_layer_dtype_tricks_are_refused(dtype, safe_mode):
    config = {"class_name": "Dense", "config": {"units": 2, "dtype": dtype}}
    with pytest.raises(ValueError) as info:
        deserialize_keras_object(config, safe_mode=safe_mode)
    assert "dtype" in str(info.value).lower() or "policy" in str(info.value).lower()


@pytest.mark.parametrize("safe_mode", [True, False])
@pytest.mark.parametrize("dtype", ["O", "object", "V10", "datetime64", "numpy.object_",
                                   "__class__", "float", 7, ["f4"]])
def test_numpy_config_values_refuse_non_numeric_dtypes(dtype, safe_mode):
    config = {"class_name": "__numpy__", "config": {"value": [1, 2], "dtype": dtype}}
    with pytest.raises(ValueError, match="not a numeric dtype name"):
        deserialize_keras_object(config, safe_mode=safe_mode)


def test_numpy_config_values_keep_numbers_and_text():
    out = deserialize_keras_object({"class_name": "__numpy__",
                                    "config": {"value": [[1, 2]], "dtype": "int16"}})
    assert out.dtype == np.int16 and out.tolist() == [[1, 2]]
    text = deserialize_keras_object({"class_name": "__numpy__",
                                     "config": {"value": ["ab"], "dtype": "U1000000000"}})
    assert text.dtype == np.dtype("U2")  # the width comes from the values, not the file


@pytest.mark.parametrize("safe_mode", [True, False])
def test_a_keras_file_with_an_object_dtype_is_refused(tmp_path, safe_mode):
    path = _keras_file(tmp_path, _layer("Dense", units=2, dtype="object"), (3,))
    with pytest.raises(ValueError, match="'object'"):
        tf.keras.models.load_model(path, safe_mode=safe_mode)


@pytest.mark.parametrize("safe_mode", [True, False])
@pytest.mark.parametrize("config", [
    {"class_name": "__class__", "config": {}},
    {"module": "numpy", "class_name": "dtype", "config": {"dtype": "O"}},
    {"module": "os", "class_name": "system", "config": {"command": "true"}},
    {"module": "builtins", "class_name": "eval", "config": {}},
    {"class_name": "function", "config": "builtins.eval"},
    "eval", "os.system", "__import__",
])
def test_class_and_function_tricks_are_unknown_names(config, safe_mode):
    with pytest.raises(ValueError, match="Unknown"):
        deserialize_keras_object(config, safe_mode=safe_mode)


# -- depth -----------------------------------------------------------------------------------
def _nested_sequential(levels):
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    for _ in range(levels):
        model = tf.keras.Sequential([tf.keras.Input((3,)), model])
    return model


def test_deeply_nested_models_stop_with_a_clear_error(tmp_path):
    x = np.ones((1, 3), "float32")
    ok = _nested_sequential(60)  # 187 levels of JSON
    np.testing.assert_allclose(tf.keras.models.model_from_json(ok.to_json()).predict(
        x, verbose=0).shape, (1, 2))
    deep = _nested_sequential(70)  # 217 levels
    for name in ("deep.keras", "deep.h5"):
        deep.save(tmp_path / name)
        with pytest.raises(LoadLimitError, match=f"more than {DEFAULT_MAX_CONFIG_DEPTH} levels"):
            tf.keras.models.load_model(tmp_path / name)
    with pytest.raises(LoadLimitError, match="max_config_depth"):
        tf.keras.models.model_from_json(deep.to_json())
    set_load_limits(max_config_depth=400)
    assert len(tf.keras.models.model_from_json(deep.to_json()).layers) == 1


@pytest.mark.parametrize("make", [
    lambda n: "[" * n + "]" * n,
    lambda n: '{"a":' * n + "1" + "}" * n,
], ids=["lists", "dicts"])
def test_deeply_nested_json_never_raises_recursion_error(make):
    for n in (300, 100_000):
        with pytest.raises(LoadLimitError, match="nested more than"):
            tf.keras.models.model_from_json(make(n))


def test_deeply_nested_wrappers_and_settings_are_refused():
    entry = {"class_name": "Dense", "config": {"units": 2}}
    for _ in range(300):
        entry = {"class_name": "TimeDistributed", "config": {"layer": entry}}
    with pytest.raises(LoadLimitError, match="nested more than"):
        deserialize_keras_object(entry)
    setting = {}
    for _ in range(3000):
        setting = {"x": setting}
    with pytest.raises(LoadLimitError, match="nested more than"):
        deserialize_keras_object({"class_name": "Dense", "config": {"units": 2, "x": setting}})


def test_a_deep_model_config_in_an_h5_file_is_refused(tmp_path):
    path = tmp_path / "m.h5"
    _model().save(path)
    with h5py.File(path, "a") as f:
        f.attrs["model_config"] = np.bytes_(("[" * 5000 + "]" * 5000).encode())
    with pytest.raises(LoadLimitError, match="nested more than"):
        tf.keras.models.load_model(path)
    assert os.path.getsize(path) > 0
