"""A pass that only peeks at one element (fit learning shapes) is not a cut-short cache pass:
no warning, as TensorFlow's Keras fit over ``shuffle().batch().cache().prefetch()`` prints none."""

import warnings

import numpy as np

import featherflow as tf


def test_fit_over_a_cached_dataset_does_not_warn(tmp_path):
    x = np.random.default_rng(0).random((200, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    for filename in ("", str(tmp_path / "c")):
        ds = (tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100)
              .batch(64, drop_remainder=True).cache(filename).prefetch(2))
        model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
        model.compile("adam", "mse")
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message="cache:")
            warnings.filterwarnings("ignore", message=".*shuffle=True")
            history = model.fit(ds, epochs=2, verbose=0)
        assert len(history.history["loss"]) == 2


def test_a_pass_cut_short_still_warns():
    ds = tf.data.Dataset.range(10).cache()
    it = iter(ds)
    next(it)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del it
        import gc
        gc.collect()
    assert any("cache:" in str(w.message) for w in caught)
