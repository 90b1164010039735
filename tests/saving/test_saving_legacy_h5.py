"""Keras 2 HDF5 files: weights (topological, by name, skip_mismatch) and full models."""

import json

import h5py
import numpy as np
import pytest

import featherflow as tf
from featherflow.saving import h5_io


def _predict(model, x):
    return model.predict(x, verbose=0)


def test_save_weights_writes_the_keras2_layout(tmp_path, make_dense):
    model = make_dense(compile=False)
    path = tmp_path / "w.h5"
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert h5_io.read_str_list_attr(f, "layer_names") == [la.name for la in model.layers]
        first = model.layers[0].name
        names = h5_io.read_str_list_attr(f[first], "weight_names")
        assert names == [f"{first}/kernel:0", f"{first}/bias:0"]
        np.testing.assert_array_equal(f[first][f"{first}/kernel:0"][()],
                                      model.layers[0].kernel.numpy())
        assert h5_io.read_str_attr(f, "keras_version").startswith("2.")
        assert h5_io.read_str_attr(f, "backend") == "tensorflow"
        assert "top_level_model_weights" in f


def test_save_then_load_weights_topological(tmp_path, make_dense):
    model = make_dense(seed=1, compile=False)
    path = tmp_path / "w.h5"
    model.save_weights(path)
    other = make_dense(seed=2, compile=False)
    x = np.ones((2, 3), "float32")
    assert not np.array_equal(_predict(model, x), _predict(other, x))
    other.load_weights(path)
    np.testing.assert_array_equal(_predict(model, x), _predict(other, x))


def test_load_by_name_skips_layers_not_in_the_file(tmp_path):
    L = tf.keras.layers
    src = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="body"),
                               L.Dense(2, name="old_head")])
    path = tmp_path / "w.h5"
    src.save_weights(path)
    dst = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="body"),
                               L.Dense(7, name="new_head")])
    head_before = dst.layers[1].get_weights()
    with pytest.raises(ValueError, match="new_head"):
        dst.load_weights(path)  # topological: shapes differ at the head
    dst.load_weights(path, by_name=True)
    np.testing.assert_array_equal(dst.layers[0].kernel.numpy(), src.layers[0].kernel.numpy())
    for a, b in zip(dst.layers[1].get_weights(), head_before):
        np.testing.assert_array_equal(a, b)


def test_skip_mismatch_loads_what_fits(tmp_path):
    L = tf.keras.layers
    src = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="body"),
                               L.Dense(2, name="head")])
    path = tmp_path / "w.h5"
    src.save_weights(path)
    dst = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="body"),
                               L.Dense(5, name="head")])
    head_before = dst.layers[1].kernel.numpy().copy()
    with pytest.warns(UserWarning, match="head"):
        dst.load_weights(path, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(dst.layers[0].kernel.numpy(), src.layers[0].kernel.numpy())
    np.testing.assert_array_equal(dst.layers[1].kernel.numpy(), head_before)


def test_shape_mismatch_names_layer_and_shapes_and_changes_nothing(tmp_path):
    L = tf.keras.layers
    src = tf.keras.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(2)])
    path = tmp_path / "w.h5"
    src.save_weights(path)
    dst = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="first"),
                               L.Dense(6, name="second")])
    before = [w.copy() for w in dst.get_weights()]
    with pytest.raises(ValueError) as info:
        dst.load_weights(path)
    message = str(info.value)
    assert "'second'" in message and "(4, 6)" in message and "(4, 2)" in message
    assert "unchanged" in message
    # the first layer matched, but nothing was assigned because the second did not
    for a, b in zip(dst.get_weights(), before):
        np.testing.assert_array_equal(a, b)


def test_full_model_h5_predicts_and_compiles_the_same(tmp_path, make_dense, xy):
    x, y = xy
    model = make_dense(optimizer=tf.keras.optimizers.Adam(learning_rate=0.005))
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path, "r") as f:
        assert {"model_weights", "optimizer_weights"} <= set(f)
        config = json.loads(h5_io.read_str_attr(f, "model_config"))
        training = json.loads(h5_io.read_str_attr(f, "training_config"))
    assert config["class_name"] == "Sequential"
    assert training["loss"] == "sparse_categorical_crossentropy"
    assert training["metrics"] == ["accuracy"]
    assert training["optimizer_config"]["class_name"] == "Adam"
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(_predict(model, x), _predict(again, x))
    assert type(again.optimizer) is type(model.optimizer)
    assert again.optimizer.get_config() == model.optimizer.get_config()
    for a, b in zip(again.optimizer.variables, model.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    logs = again.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"}


def test_load_weights_accepts_a_full_model_file(tmp_path, make_dense):
    model = make_dense(seed=3)
    path = tmp_path / "m.h5"
    model.save(path)
    other = make_dense(seed=4)
    other.load_weights(path)
    x = np.ones((2, 3), "float32")
    np.testing.assert_array_equal(_predict(model, x), _predict(other, x))


def test_weights_file_given_to_load_model_says_what_to_do(tmp_path, make_dense):
    path = tmp_path / "w.h5"
    make_dense().save_weights(path)
    with pytest.raises(ValueError, match="load_weights"):
        tf.keras.models.load_model(path)


def test_long_layer_name_lists_are_split_like_keras(tmp_path):
    names = [f"layer_{i:05d}_" + "x" * 200 for i in range(600)]  # ~125 KB of names
    path = tmp_path / "attrs.h5"
    with h5py.File(path, "w") as f:
        h5_io.write_str_list_attr(f, "layer_names", names)
        assert "layer_names" not in f.attrs and "layer_names1" in f.attrs
    with h5py.File(path, "r") as f:
        assert h5_io.read_str_list_attr(f, "layer_names") == names


def test_bytes_attributes_from_old_files_are_read(tmp_path):
    path = tmp_path / "old.h5"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([b"dense"], dtype="S5")
        g = f.create_group("dense")
        g.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        g["dense/kernel:0"] = np.full((3, 2), 0.5, "float32")
        g["dense/bias:0"] = np.ones(2, "float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
    model.load_weights(path)
    np.testing.assert_array_equal(model.layers[0].kernel.numpy(), np.full((3, 2), 0.5))


def test_functional_model_h5_roundtrip(tmp_path, make_branchy):
    model = make_branchy()
    path = tmp_path / "f.h5"
    model.save(path)
    again = tf.keras.models.load_model(path)
    x = [np.ones((2, 3), "float32"), np.ones((2, 2), "float32")]
    for a, b in zip(_predict(model, x), _predict(again, x)):
        np.testing.assert_array_equal(a, b)
    assert again.compiled is False


def test_training_config_writes_keras_readable_loss_names(tmp_path):
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    path = tmp_path / "m.h5"
    model.save(path)
    with h5py.File(path, "r") as f:
        training = json.loads(h5_io.read_str_attr(f, "training_config"))
    # Keras 3 cannot read the "mse" alias back from a .h5 training config
    assert training["loss"] == "mean_squared_error"
    # settings at their defaults are left out, so tf.keras builds its optimizer from the rest
    assert set(training["optimizer_config"]["config"]) == {"name", "learning_rate",
                                                           "momentum", "nesterov"}
    again = tf.keras.models.load_model(path)
    assert again.compiled and again.optimizer.get_config()["momentum"] == 0.0
