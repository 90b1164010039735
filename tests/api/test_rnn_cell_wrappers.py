"""tf.nn.RNNCellDropoutWrapper / RNNCellResidualWrapper / RNNCellDeviceWrapper against
TensorFlow 2.21 (tools/data_fixtures/rnn_cell_wrappers.py): the same dropout masks for the
same seeds, residual sums, configs and errors; and, where TensorFlow 2.21 fails, featherflow's
documented choices (docs/tf_core.md)."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

_SKIP = {
    # TF 2.21 maps its state noise over the cell's state_size (an int for Keras 3 cells)
    # against the list of states and raises TypeError; featherflow applies it per state
    "dropout_variational_states": "TF 2.21 raises TypeError for variational state dropout "
                                  "on Keras 3 cells; featherflow applies it",
    # TF 2.21's wrappers build their cell again and Keras 3 refuses; featherflow keeps the
    # cell's weights
    "prebuilt_cell_refused_by_tf": "TF 2.21 refuses a built Keras 3 cell; featherflow uses it",
}
test_rnn_cell_wrappers_scenario, workdir = scenario_test("rnn_cell_wrappers", rtol=1e-5,
                                                         atol=1e-6, skip=_SKIP.get)


def test_wrappers_run_inside_an_rnn_layer():
    # TF 2.21's Keras 3 RNN cannot run these wrappers (no initial-state dtype); featherflow's can
    x = np.random.default_rng(0).normal(size=(2, 4, 3)).astype(np.float32)
    cell = tf.keras.layers.SimpleRNNCell(3)
    layer = tf.keras.layers.RNN(tf.nn.RNNCellResidualWrapper(cell), return_sequences=True)
    out = layer(x).numpy()
    states = [np.zeros((2, 3), np.float32)]
    for t in range(4):
        step, states = cell(x[:, t], states)
        np.testing.assert_allclose(out[:, t], x[:, t] + step.numpy(), rtol=1e-5, atol=1e-6)


def test_variational_state_dropout_keeps_one_mask():
    cell = tf.keras.layers.SimpleRNNCell(3)
    wrapper = tf.nn.RNNCellDropoutWrapper(cell, state_keep_prob=0.5, variational_recurrent=True,
                                          dtype="float32", seed=1)
    states = [np.ones((1, 3), np.float32)]
    masks = []
    for _ in range(3):
        _, new = wrapper(np.ones((1, 2), np.float32), states)
        masks.append(new[0].numpy() == 0)
    assert all((m == masks[0]).all() for m in masks)


def test_config_round_trip():
    wrapper = tf.nn.RNNCellResidualWrapper(tf.keras.layers.GRUCell(2),
                                           residual_fn=lambda i, o: o - i)
    again = tf.nn.RNNCellResidualWrapper.from_config(wrapper.get_config())
    assert again._residual_fn(3.0, 5.0) == 2.0 and again.cell.units == 2
    with pytest.raises(TypeError, match="cell must be an RNN cell"):
        tf.nn.RNNCellDeviceWrapper("not a cell", "/cpu:0")
