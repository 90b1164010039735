"""tf.keras.config: the global settings Keras 3 exposes."""

import logging

import numpy as np
import pytest

import featherflow as tf


@pytest.fixture
def restore():
    cfg = tf.keras.config
    yield cfg
    cfg.set_max_epochs(None)
    cfg.set_max_steps_per_epoch(None)
    cfg.enable_interactive_logging()
    from featherflow.serialization import safe_mode

    safe_mode.set_global_safe_mode(True)


def _model():
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_settings_are_the_backend_ones(restore):
    cfg = restore
    assert cfg.backend() == "tensorflow"
    assert cfg.floatx() == tf.keras.backend.floatx() == "float32"
    assert cfg.epsilon() == 1e-7
    assert cfg.image_data_format() == "channels_last"
    assert cfg.is_nnx_enabled() is False
    assert cfg.is_flash_attention_enabled() is None
    cfg.enable_flash_attention()
    assert cfg.is_flash_attention_enabled() is True
    cfg.disable_flash_attention()
    with pytest.raises(ValueError, match="tensorflow"):
        cfg.set_backend("jax")


def test_max_epochs_and_steps_cap_fit_evaluate_predict(restore):
    cfg = restore
    x, y = np.ones((64, 3), np.float32), np.ones((64, 1), np.float32)
    model = _model()
    cfg.set_max_epochs(2)
    cfg.set_max_steps_per_epoch(3)
    with pytest.warns(UserWarning) as caught:
        history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert {str(w.message) for w in caught} == {"Limiting epochs to 2",
                                                "Limiting steps_per_epoch to 3"}
    assert len(history.history["loss"]) == 2
    assert model.optimizer.iterations.numpy() == 6
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        out = model.predict(x, batch_size=8, verbose=0)
    assert out.shape == (24, 1)
    with pytest.raises(ValueError, match="positive integer"):
        cfg.set_max_epochs(0)


def test_disable_interactive_logging_sends_progress_to_logging(restore, caplog, capsys):
    cfg = restore
    cfg.disable_interactive_logging()
    assert not cfg.is_interactive_logging_enabled()
    model = _model()
    with caplog.at_level(logging.INFO, logger="keras"):
        model.fit(np.ones((8, 3)), np.ones((8, 1)), epochs=1, verbose=2)
        model.summary()
    assert "loss" in caplog.text and "Total params" in caplog.text
    assert "loss" not in capsys.readouterr().out


def test_enable_unsafe_deserialization_turns_the_default_safe_mode_off(restore):
    # As in Keras: the global setting is the default of deserialization that names no
    # safe_mode (model_from_json, deserialize_keras_object); load_model(safe_mode=True), its
    # default, still refuses. featherflow never runs code carried in a file: the function
    # comes from custom_objects either way.
    tf.keras.backend.clear_session()  # the Lambda layer is named "lambda", custom_objects' key
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Lambda(lambda t: t * 2)])
    text = model.to_json()
    custom = {"lambda": lambda t: t * 2}
    with pytest.raises(ValueError, match="Refusing to load .*Lambda"):
        tf.keras.models.model_from_json(text, custom_objects=custom)
    restore.enable_unsafe_deserialization()
    loaded = tf.keras.models.model_from_json(text, custom_objects=custom)
    np.testing.assert_allclose(loaded.predict(np.ones((1, 2)), verbose=0), [[2.0, 2.0]])
