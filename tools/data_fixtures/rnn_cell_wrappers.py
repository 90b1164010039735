# ruff: noqa: E501 - a table of one-line scenarios
"""tf.nn.RNNCellDropoutWrapper / RNNCellResidualWrapper / RNNCellDeviceWrapper around Keras
cells, called step by step, recorded from TensorFlow 2.21 eagerly (its wrappers are the
Keras-2-era rnn_cell_wrapper_v2 classes; inside Keras 3's RNN layer they fail in TF 2.21, so
the scenarios call them directly). Cell weights are set from fixed arrays."""

import numpy as np

X = np.linspace(-1.0, 1.5, 20).reshape(4, 5).astype(np.float32)


def _init(shape, dtype=None):
    return np.linspace(-0.6, 0.7, int(np.prod(shape))).reshape(tuple(shape)).astype(np.float32)


def _cell(tf, kind, units, features=5):
    # left unbuilt: TF 2.21's wrappers build their cell and refuse one Keras 3 built already
    return getattr(tf.keras.layers, kind)(units, kernel_initializer=_init, recurrent_initializer=_init, bias_initializer=_init)


def _zeros(tf, cell, batch=4):
    sizes = cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
    return [tf.zeros((batch, s)) for s in sizes]


def _steps(tf, wrapper, cell, steps=2, x=X):
    states = _zeros(tf, cell, x.shape[0])
    out = []
    for _ in range(steps):
        output, states = wrapper(tf.constant(x), states)
        out.append([output, list(states)])
    return out


def _dropout(kind, units, steps=2, **kw):
    def scenario(tf):
        cell = _cell(tf, kind, units)
        return _steps(tf, tf.nn.RNNCellDropoutWrapper(cell, **kw), cell, steps)
    return scenario


def _variational(state_keep_prob):
    def scenario(tf):
        cell = _cell(tf, "SimpleRNNCell", 3)
        w = tf.nn.RNNCellDropoutWrapper(cell, input_keep_prob=0.5, output_keep_prob=0.6, state_keep_prob=state_keep_prob, variational_recurrent=True, input_size=5, dtype=tf.float32, seed=4)
        return _steps(tf, w, cell, 3)
    return scenario


def _filtered(tf):
    cell = _cell(tf, "LSTMCell", 2)
    w = tf.nn.RNNCellDropoutWrapper(cell, state_keep_prob=0.5, seed=6, dropout_state_filter_visitor=lambda s: False)
    return _steps(tf, w, cell, 1)


def _global_seed(tf):
    tf.random.set_seed(5)
    cell = _cell(tf, "SimpleRNNCell", 3)
    return _steps(tf, tf.nn.RNNCellDropoutWrapper(cell, input_keep_prob=0.7, output_keep_prob=0.8), cell, 2)


def _unseeded(tf):
    cell = _cell(tf, "GRUCell", 3)
    out = _steps(tf, tf.nn.RNNCellDropoutWrapper(cell, output_keep_prob=0.5), cell, 1)[0]
    values = out[0].numpy()
    return [out[0].shape.as_list(), bool(np.all((values == 0) | (np.abs(values) > 0)))]


def _residual(tf, fn=None):
    cell = _cell(tf, "SimpleRNNCell", 5)
    w = tf.nn.RNNCellResidualWrapper(cell) if fn is None else tf.nn.RNNCellResidualWrapper(cell, residual_fn=fn)
    return _steps(tf, w, cell, 2)


def _residual_gru(tf):
    cell = _cell(tf, "GRUCell", 5)
    return _steps(tf, tf.nn.RNNCellResidualWrapper(cell), cell, 2)


def _residual_mismatch(tf):
    cell = _cell(tf, "SimpleRNNCell", 3)
    return _steps(tf, tf.nn.RNNCellResidualWrapper(cell), cell, 1)


def _device(tf):
    cell = _cell(tf, "LSTMCell", 3)
    wrapped = tf.nn.RNNCellDeviceWrapper(cell, "/cpu:0")(tf.constant(X), _zeros(tf, cell))
    plain = cell(tf.constant(X), _zeros(tf, cell))
    return [plain[0], wrapped[0], list(wrapped[1])]


def _configs(tf):
    cell = tf.keras.layers.SimpleRNNCell(3)
    d = tf.nn.RNNCellDropoutWrapper(cell, input_keep_prob=0.5, seed=3).get_config()
    r = tf.nn.RNNCellResidualWrapper(cell).get_config()
    v = tf.nn.RNNCellDeviceWrapper(cell, "/cpu:0").get_config()
    pick = ("input_keep_prob", "output_keep_prob", "state_keep_prob", "variational_recurrent", "input_size", "seed", "device", "trainable")
    return [[sorted(c), {k: c[k] for k in pick if k in c}, c["cell"]["class_name"], c["cell"]["config"]["units"]] for c in (d, r, v)]


def _built(tf):
    cell = _cell(tf, "SimpleRNNCell", 5)
    cell.build((None, 5))
    return cell


def _sizes(tf):
    cell = _cell(tf, "LSTMCell", 3)
    w = tf.nn.RNNCellDropoutWrapper(cell)
    return [list(w.state_size), w.output_size, w.wrapped_cell is cell, tf.nn.RNNCellResidualWrapper(cell).output_size]


SCENARIOS = {
    "dropout_input": _dropout("SimpleRNNCell", 3, input_keep_prob=0.6, seed=1),
    "dropout_output_state_gru": _dropout("GRUCell", 3, output_keep_prob=0.5, state_keep_prob=0.7, seed=7),
    "dropout_lstm_all": _dropout("LSTMCell", 2, input_keep_prob=0.8, output_keep_prob=0.75, state_keep_prob=0.5, seed=2),
    "dropout_keep_all": _dropout("SimpleRNNCell", 3, seed=9),
    "dropout_variational": _variational(1.0),
    "dropout_variational_states": _variational(0.8),
    "dropout_state_filter": _filtered,
    "dropout_global_seed": _global_seed,
    "dropout_unseeded": _unseeded,
    "residual_default": lambda tf: _residual(tf),
    "residual_fn": lambda tf: _residual(tf, lambda i, o: o - 0.5 * i),
    "residual_gru": _residual_gru,
    "residual_mismatch": _residual_mismatch,
    "device": _device,
    "configs": _configs,
    "sizes": _sizes,
    "bad_keep_prob": lambda tf: tf.nn.RNNCellDropoutWrapper(_cell(tf, "SimpleRNNCell", 2), input_keep_prob=1.5),
    "variational_without_dtype": lambda tf: tf.nn.RNNCellDropoutWrapper(_cell(tf, "SimpleRNNCell", 2), variational_recurrent=True),
    "variational_without_input_size": lambda tf: tf.nn.RNNCellDropoutWrapper(_cell(tf, "SimpleRNNCell", 2), input_keep_prob=0.5, variational_recurrent=True, dtype=tf.float32),
    "prebuilt_cell_refused_by_tf": lambda tf: _steps(tf, tf.nn.RNNCellResidualWrapper(_built(tf)), _built(tf), 1),
    "filter_not_callable": lambda tf: tf.nn.RNNCellDropoutWrapper(_cell(tf, "SimpleRNNCell", 2), dropout_state_filter_visitor=3),
}
