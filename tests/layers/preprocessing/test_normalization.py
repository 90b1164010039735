"""Normalization against Keras 3.15 (tests/fixtures/keras/layers_preprocessing/norm_*): the
adapted mean/variance on arrays, lists of batches and Datasets, outputs and input gradients;
then models, files, Dataset.map and bad input."""

import numpy as np
import pytest

import featherflow as tf
from tests.fixtures.keras_loader import load, names

CASES = [n for n in names("layers_preprocessing") if "/norm_" in n]
# float32 throughout: one-pass statistics are NumPy's as in Keras (bit-equal); batch-by-batch
# ones go through TF's float32 reductions in Keras, so they agree to a few float32 ulps.
STAT_RTOL = 2e-6
OUT_RTOL = 1e-5


def _layer(fx):
    cfg = {k: v for k, v in fx["config"].items() if k != "dtype"}
    return tf.keras.layers.Normalization.from_config(cfg)


def _adapt(layer, name, data):
    if "dataset_batched" in name:
        layer.adapt(tf.data.Dataset.from_tensor_slices(data).batch(7))
    elif "dataset_unbatched" in name:
        layer.adapt(tf.data.Dataset.from_tensor_slices(data))
    elif "list_of_batches" in name:
        layer.adapt([data[:20], data[20:]])
    else:
        layer.adapt(data)


def test_fixtures_present():
    assert len(CASES) >= 12


@pytest.mark.parametrize("name", CASES)
def test_adapt_outputs_and_gradients_match_keras(name):
    fx = load(name)
    layer = _layer(fx)
    if "data" in fx:
        _adapt(layer, name, fx["data"])
        assert [v.name for v in layer.weights] == fx["weight_names"] == ["mean", "variance",
                                                                          "count"]
        for i in range(2):
            np.testing.assert_allclose(layer.get_weights()[i], fx[f"w{i}"], rtol=STAT_RTOL,
                                       atol=1e-6, err_msg=f"{name}: weight {i}")
    else:
        assert layer.weights == [] and fx["weight_names"] == []
    with tf.GradientTape() as tape:
        x = tf.constant(fx["x"])
        tape.watch(x)
        y = layer(x)
        loss = tf.reduce_sum(y * fx["r"])
    np.testing.assert_allclose(y.numpy(), fx["y"], rtol=OUT_RTOL, atol=1e-5, err_msg=name)
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), fx["dx"], rtol=OUT_RTOL,
                               atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", CASES)
def test_config_matches_keras(name):
    fx = load(name)
    layer = _layer(fx)
    if "data" in fx:
        _adapt(layer, name, fx["data"])
    cfg = layer.get_config()
    for key, value in fx["config"].items():
        if key not in ("name", "dtype"):
            assert cfg[key] == value, (name, key)
    assert set(cfg) == set(fx["config"])
    assert type(layer).from_config(cfg).get_config() == cfg


def _data():
    return (np.random.default_rng(0).normal(size=(30, 3)) * [1.0, 5.0, 0.5] + 2
            ).astype(np.float32)


def test_in_models_summary_and_keras_file(tmp_path):
    x = _data()
    layer = tf.keras.layers.Normalization()
    model = tf.keras.Sequential([tf.keras.Input((3,)), layer, tf.keras.layers.Dense(2)])
    layer.adapt(x)  # adapt after build, as the Keras tutorials do
    assert model.compute_output_shape((None, 3)) == (None, 2)
    assert layer.count_params() == 7
    path = str(tmp_path / "norm.keras")
    model.save(path)
    again = tf.keras.models.load_model(path)
    np.testing.assert_array_equal(again.layers[0].get_weights()[0], layer.get_weights()[0])
    np.testing.assert_allclose(again.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    inputs = tf.keras.Input((3,))
    functional = tf.keras.Model(inputs, layer(inputs))
    np.testing.assert_allclose(functional.predict(x, verbose=0), layer(x).numpy(), rtol=1e-6)


def test_in_dataset_map_and_fit():
    x = _data()
    layer = tf.keras.layers.Normalization(axis=None)
    layer.adapt(tf.data.Dataset.from_tensor_slices(x).batch(8))
    np.testing.assert_allclose(layer.get_weights()[0], np.mean(x), rtol=1e-5)
    mapped = tf.data.Dataset.from_tensor_slices(x).batch(10).map(layer)
    first = next(iter(mapped)).numpy()
    np.testing.assert_allclose(first, (x[:10] - np.mean(x)) / np.std(x), rtol=1e-4, atol=1e-5)
    norm = tf.keras.layers.Normalization()
    norm.adapt(x)
    model = tf.keras.Sequential([norm, tf.keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam")
    history = model.fit(x, x[:, :1], epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert [v.name for v in model.non_trainable_weights] == ["mean", "variance", "count"]


def test_adapt_reads_steps_and_adapts_again():
    x = _data()
    layer = tf.keras.layers.Normalization()
    layer.adapt(tf.data.Dataset.from_tensor_slices(x).batch(10), steps=1)
    np.testing.assert_allclose(layer.get_weights()[0], x[:10].mean(axis=0), rtol=1e-5)
    layer.adapt(x)
    np.testing.assert_allclose(layer.get_weights()[0], x.mean(axis=0), rtol=1e-6)
    layer.adapt(np.array(x, dtype=np.float64).tolist())  # nested lists: one array
    np.testing.assert_allclose(layer.get_weights()[1], x.var(axis=0), rtol=1e-5)


def test_adapt_reads_generators_of_batches_and_pairs():
    x = _data()
    layer = tf.keras.layers.Normalization()
    layer.adapt((batch, batch[:, :1]) for batch in (x[:10], x[10:]))
    # batch-by-batch float32 combination: a few ulps from the one-pass statistics
    np.testing.assert_allclose(layer.get_weights()[0], x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[1], x.var(axis=0), rtol=1e-5)
    pairs = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(8)
    layer.adapt(pairs)  # (x, y) elements: the statistics of x, as Keras
    np.testing.assert_allclose(layer.get_weights()[0], x.mean(axis=0), rtol=1e-6)
    with pytest.raises(ValueError, match="received no batches"):
        tf.keras.layers.Normalization().adapt(iter([]))


def test_bad_input_is_named():
    x = _data()
    with pytest.raises(RuntimeError, match="Normalization layer 'never_adapted'.*adapt"):
        tf.keras.layers.Normalization(name="never_adapted")(x)
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        tf.keras.layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        tf.keras.layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match=r"axis.*range \[-ndim, ndim\).*axis=\(2,\)"):
        tf.keras.layers.Normalization(axis=2)(x)
    layer = tf.keras.layers.Normalization()
    layer.adapt(x)
    with pytest.raises(ValueError, match="incompatible shape"):
        layer.adapt(np.zeros((4, 5), np.float32))
    with pytest.raises(ValueError, match="given `mean` and `variance`"):
        tf.keras.layers.Normalization(mean=1.0, variance=1.0).adapt(x)
    with pytest.raises(ValueError, match="features first"):
        layer.adapt(tf.data.Dataset.from_tensor_slices({"a": x}).batch(4))


def test_weights_set_by_hand_count_as_state():
    layer = tf.keras.layers.Normalization()
    layer.build((None, 2))
    layer.set_weights([np.zeros(2, np.float32), np.ones(2, np.float32), np.array(0)])
    np.testing.assert_array_equal(layer(np.array([[1.0, 2.0]])).numpy(), [[1.0, 2.0]])


def test_weights_loaded_from_a_file_count_as_adapted_even_at_zeros_and_ones(tmp_path):
    # Keras-saved EfficientNet(weights=None) holds a Normalization at exactly mean 0 and
    # variance 1 (Keras 3 uses an unadapted layer as is); loaded, it must run
    inputs = tf.keras.Input((3,))
    model = tf.keras.Model(inputs, tf.keras.layers.Normalization(name="norm")(inputs))
    model.get_layer("norm").set_weights([np.zeros(3, "float32"), np.ones(3, "float32"),
                                         np.array(0)])
    path = str(tmp_path / "norm.weights.h5")
    model.save_weights(path)
    fresh_inputs = tf.keras.Input((3,))
    fresh = tf.keras.Model(fresh_inputs,
                           tf.keras.layers.Normalization(name="norm")(fresh_inputs))
    fresh.load_weights(path)
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), x)
