"""``import featherflow as tf`` gives what TensorFlow tutorials reach for."""

import numpy as np

import featherflow as tf


def test_keras_submodules_are_the_featherflow_modules():
    from featherflow.keras.layers import Dense

    import featherflow.layers

    assert tf.keras.layers is featherflow.layers
    assert Dense is featherflow.layers.Dense
    for name in ("models", "layers", "losses", "optimizers", "metrics", "callbacks",
                 "initializers", "regularizers", "activations", "utils", "backend"):
        assert hasattr(tf.keras, name), name
    assert tf.keras.Sequential is tf.keras.models.Sequential
    assert tf.keras.Model is tf.keras.models.Model
    assert tf.keras.Input is tf.keras.layers.Input


def test_utils_to_categorical_and_seed():
    onehot = tf.keras.utils.to_categorical([0, 2, 1], 3)
    np.testing.assert_array_equal(onehot, np.eye(3)[[0, 2, 1]])
    tf.keras.utils.set_random_seed(5)
    a = tf.random.normal((3,)).numpy()
    tf.keras.utils.set_random_seed(5)
    assert np.array_equal(a, tf.random.normal((3,)).numpy())


def test_hardware_answers_are_honest():
    assert tf.test.is_gpu_available() is False
    devices = tf.config.list_physical_devices()
    assert [d.device_type for d in devices] == ["CPU"]
    assert tf.config.list_physical_devices("GPU") == []


def test_backend_functions():
    assert tf.keras.backend.floatx() == "float32"
    assert tf.keras.backend.epsilon() == 1e-7
    assert tf.keras.backend.image_data_format() == "channels_last"
    tf.keras.backend.clear_session()
    assert tf.keras.layers.Dense(1).name == "dense"
