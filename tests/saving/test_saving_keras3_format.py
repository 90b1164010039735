"""Keras 3 files: ``*.weights.h5`` (paths as Keras writes them) and the ``.keras`` zip."""

import json
import zipfile

import h5py
import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import ROOT

KERAS3 = ROOT / "models" / "keras3"
MODELS = ["dense_seq", "functional_branches", "conv_bn", "lstm_seq", "gru_seq",
          "embedding_bilstm"]


def _layout(path):
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj.shape)
                     if isinstance(obj, h5py.Dataset) else None)
    return out


@pytest.mark.parametrize("name", MODELS)
def test_weights_h5_paths_match_what_keras3_writes(tmp_path, name):
    # rebuild the Keras model in featherflow, write its weights, compare with Keras's file
    model = tf.keras.models.load_model(KERAS3 / f"{name}.keras")
    path = tmp_path / f"{name}.weights.h5"
    model.save_weights(path)
    assert _layout(path) == _layout(KERAS3 / f"{name}.weights.h5")


def test_weights_h5_roundtrip_restores_weights_and_optimizer(tmp_path, make_dense, xy):
    x, y = xy
    model = make_dense()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    other = make_dense(seed=9)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(model.optimizer.variables, other.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_keras_zip_holds_metadata_config_and_weights(tmp_path, make_dense, xy):
    x, y = xy
    model = make_dense(optimizer=tf.keras.optimizers.Adam(learning_rate=0.003))
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        meta = json.loads(zf.read("metadata.json"))
        config = json.loads(zf.read("config.json"))
    assert meta["keras_version"].startswith("3.") and "date_saved" in meta
    assert {"module", "class_name", "config", "registered_name", "build_config",
            "compile_config"} <= set(config)
    assert config["class_name"] == "Sequential"
    first = config["config"]["layers"][0]
    assert first["class_name"] == "InputLayer" and first["config"]["batch_shape"] == [None, 3]
    compile_config = config["compile_config"]
    assert compile_config["optimizer"]["class_name"] == "Adam"
    assert compile_config["loss"] == "sparse_categorical_crossentropy"
    assert compile_config["metrics"] == ["accuracy"]


def test_keras_roundtrip_predicts_compiles_and_keeps_optimizer_state(tmp_path, make_dense,
                                                                     xy):
    x, y = xy
    model = make_dense(optimizer=tf.keras.optimizers.Adam(learning_rate=0.003))
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(model.predict(x, verbose=0), again.predict(x, verbose=0))
    assert again.optimizer.get_config() == model.optimizer.get_config()
    assert int(again.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    for a, b in zip(model.optimizer.variables, again.optimizer.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert again.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))
    uncompiled = tf.keras.models.load_model(path, compile=False)
    assert not uncompiled.compiled


def test_load_weights_from_a_keras_archive(tmp_path, make_branchy):
    model = make_branchy(seed=1)
    path = tmp_path / "b.keras"
    model.save(path)
    other = make_branchy(seed=2)
    other.load_weights(path)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_keras3_layout_refuses_by_name(tmp_path, make_dense):
    path = tmp_path / "m.weights.h5"
    make_dense().save_weights(path)
    with pytest.raises(ValueError, match="by_name"):
        make_dense().load_weights(path, by_name=True)


def test_keras3_layout_mismatch_names_layer_shapes_and_changes_nothing(tmp_path):
    L = tf.keras.layers
    src = tf.keras.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(2)])
    path = tmp_path / "m.weights.h5"
    src.save_weights(path)
    dst = tf.keras.Sequential([L.Dense(4, input_shape=(3,), name="body"),
                               L.Dense(6, name="head")])
    before = [w.copy() for w in dst.get_weights()]
    with pytest.raises(ValueError) as info:
        dst.load_weights(path)
    message = str(info.value)
    assert "'head'" in message and "(4, 6)" in message and "(4, 2)" in message
    for a, b in zip(dst.get_weights(), before):
        np.testing.assert_array_equal(a, b)
    with pytest.warns(UserWarning, match="head"):
        dst.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(dst.layers[0].kernel.numpy(), src.layers[0].kernel.numpy())
    np.testing.assert_array_equal(dst.layers[1].kernel.numpy(), before[2])


def test_keras3_file_with_missing_layer_weights_is_an_error(tmp_path):
    L = tf.keras.layers
    src = tf.keras.Sequential([L.Dense(4, input_shape=(3,))])
    path = tmp_path / "m.weights.h5"
    src.save_weights(path)
    dst = tf.keras.Sequential([L.Dense(4, input_shape=(3,)), L.Dense(1, name="extra")])
    with pytest.raises(ValueError, match="'extra'.*the file holds 0"):
        dst.load_weights(path)


def test_save_format_is_chosen_by_name(tmp_path, make_dense):
    model = make_dense()
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "model")
    with pytest.raises(ValueError, match="save_weights"):
        model.save(tmp_path / "model.weights.h5")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "weights.ckpt")
    with pytest.raises(ValueError, match="SavedModel"):
        model.save(tmp_path / "m", save_format="tf")
    model.save(tmp_path / "explicit", save_format="h5")
    assert h5py.is_hdf5(tmp_path / "explicit")


def test_overwrite_false_refuses_to_replace(tmp_path, make_dense):
    path = tmp_path / "m.keras"
    model = make_dense()
    model.save(path)
    with pytest.raises(FileExistsError, match="overwrite"):
        model.save(path, overwrite=False)


class TwoLayer(tf.keras.Model):
    """A subclassed model (not registered): rebuilt from its get_config via custom_objects."""

    def __init__(self, hidden=4, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden
        self.body = tf.keras.layers.Dense(hidden, activation="relu")
        self.head = tf.keras.layers.Dense(1)

    def call(self, inputs, training=None):
        return self.head(self.body(inputs))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden_units}


@pytest.mark.parametrize("name", ["sub.keras", "sub.h5"])
def test_subclassed_model_roundtrip_with_custom_objects(tmp_path, name):
    model = TwoLayer(hidden=5)
    model.compile(optimizer="adam", loss="mse")
    x = np.linspace(0, 1, 24, dtype="float32").reshape(8, 3)
    model.fit(x, x[:, :1], epochs=2, verbose=0)
    model.save(tmp_path / name)
    with pytest.raises(ValueError, match="custom_objects"):
        tf.keras.models.load_model(tmp_path / name)
    again = tf.keras.models.load_model(tmp_path / name, custom_objects={"TwoLayer": TwoLayer})
    assert isinstance(again, TwoLayer) and again.hidden_units == 5
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert again.compiled


def test_subclassed_model_weights_use_attribute_paths(tmp_path):
    model = TwoLayer()
    model(np.zeros((1, 3), "float32"))
    model.save_weights(tmp_path / "w.weights.h5")
    # Keras 3 stores a subclassed model's layers under the attributes that hold them
    assert set(_layout(tmp_path / "w.weights.h5")) == {"body/vars/0", "body/vars/1",
                                                       "head/vars/0", "head/vars/1"}
