"""CategoryEncoding and Discretization against Keras 3.15
(tests/fixtures/keras/layers_preprocessing/): encodings, count weights, adapted boundaries
(Keras's quantile summary, on arrays and batched Datasets), configs; then models and errors."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.fixtures.keras_loader import load, names

CASES = [n for n in names("layers_preprocessing")
         if n.split("/")[1].startswith(("category_encoding", "discretization"))]


def _config(fx):
    return {k: v for k, v in fx["config"].items() if k != "dtype"}


def test_fixtures_present():
    assert len(CASES) >= 16


@pytest.mark.parametrize("name", CASES)
def test_outputs_boundaries_and_config_match_keras(name):
    fx = load(name)
    cls = getattr(tf.keras.layers, fx["class_name"])
    if "boundaries" in fx:
        layer = cls.from_config({**_config(fx), "bin_boundaries": None})
        if "dataset" in name:
            layer.adapt(tf.data.Dataset.from_tensor_slices(fx["data"]).batch(32))
        else:
            layer.adapt(fx["data"])
        # the same float32 summary arithmetic as Keras: equal boundaries
        np.testing.assert_array_equal(layer.bin_boundaries, fx["boundaries"])
    else:
        layer = cls.from_config(_config(fx))
    y = layer(fx["x"])
    assert y.dtype == fx["y"].dtype
    np.testing.assert_array_equal(y.numpy(), fx["y"])
    if "y_weighted" in fx:
        np.testing.assert_allclose(layer(fx["x"], count_weights=fx["count_weights"]).numpy(),
                                   fx["y_weighted"], rtol=1e-6)
    cfg = layer.get_config()
    assert set(cfg) == set(fx["config"])
    for key, value in fx["config"].items():
        if key not in ("name", "dtype"):
            assert cfg[key] == value, (name, key)
    assert cls.from_config(cfg).get_config() == cfg


def test_discretization_adapts_a_list_of_batches_and_saves_boundaries(tmp_path):
    values = np.random.default_rng(3).normal(size=(300,)).astype(np.float32)
    by_batches = tf.keras.layers.Discretization(num_bins=4)
    by_batches.adapt([values[:150], values[150:]])
    whole = tf.keras.layers.Discretization(num_bins=4)
    whole.adapt(values)
    assert len(by_batches.bin_boundaries) == 3
    np.testing.assert_allclose(by_batches.bin_boundaries, whole.bin_boundaries, atol=0.1)
    model = tf.keras.Sequential([tf.keras.Input((1,)), whole])
    path = str(tmp_path / "disc.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    assert again.layers[0].bin_boundaries == whole.bin_boundaries
    np.testing.assert_array_equal(again.predict(values[:5, None], verbose=0),
                                  model.predict(values[:5, None], verbose=0))


def test_encoders_in_models_and_dataset_map():
    inputs = tf.keras.Input((2,), dtype="int64")
    encoded = tf.keras.layers.CategoryEncoding(5, output_mode="count")(inputs)
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(encoded))
    assert encoded.shape == (None, 5)
    assert model.predict(np.array([[1, 4], [0, 0]]), verbose=0).shape == (2, 1)
    bucket = tf.keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    mapped = tf.data.Dataset.from_tensor_slices(np.array([[-1.0], [0.5], [2.0]])).map(bucket)
    # rank-1 elements of size 1 keep their axis (Keras squeezes it from rank 2 up only)
    np.testing.assert_array_equal([e.numpy() for e in mapped], np.eye(3)[:, None])


def test_bad_input_is_named():
    layer = tf.keras.layers.CategoryEncoding(num_tokens=3, name="enc")
    with pytest.raises(InvalidArgumentError, match=r"layer 'enc'.*0 <= values < num_tokens.*3"):
        layer(np.array([[0, 3]]))
    with pytest.raises(InvalidArgumentError, match="layer 'enc'"):
        layer(np.array([-1]))
    with pytest.raises(ValueError, match="sparse"):
        tf.keras.layers.CategoryEncoding(3, sparse=True)
    with pytest.raises(ValueError, match="num_tokens must be set"):
        tf.keras.layers.CategoryEncoding()
    with pytest.raises(ValueError, match="count_weights"):
        layer(np.array([1]), count_weights=np.array([1.0]))
    with pytest.raises(ValueError, match="rank 1 or 2"):
        layer(np.zeros((1, 1, 2), np.int64))
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        tf.keras.layers.Discretization()
    with pytest.raises(ValueError, match="should not be set"):
        tf.keras.layers.Discretization(bin_boundaries=[1.0], num_bins=2)
    with pytest.raises(RuntimeError, match="Discretization layer 'd'.*adapt"):
        tf.keras.layers.Discretization(num_bins=3, name="d")(np.zeros((2, 1)))
    with pytest.raises(ValueError, match="cannot adapt"):
        tf.keras.layers.Discretization(bin_boundaries=[0.0]).adapt(np.zeros(3))
