"""The optional compiled kernels (backend/fast, numba): the same numbers as the NumPy path.

Every test runs the NumPy path; where numba is installed the compiled path runs too (forced
on, with no minimum size) and must agree within float32 rounding, and the Keras attention
fixtures are replayed through it at their own tolerances.
"""

import importlib.util
import os
import subprocess
import sys

import numpy as np
import pytest

import featherflow as tf
from featherflow.backend import fast
from featherflow.layers.normalization import Normalize
from featherflow.ops import attention as attention_ops
from tests.layers import attention_replay
from tests.layers.test_attention import MHA

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba (the [fast] extra) is missing")


@pytest.fixture
def compiled(monkeypatch):
    """The compiled kernels on for every array size; restored afterwards."""
    monkeypatch.setattr(fast, "MIN_SIZE", 0)
    fast.set_enabled(True)
    yield fast.kernels()
    fast.set_enabled(fast._env_enabled())


def _both(fn):
    """``fn()`` with the kernels off, then on (forced): the two results."""
    previous = fast.MIN_SIZE
    try:
        fast.set_enabled(False)
        off = fn()
        fast.set_enabled(True)
        fast.MIN_SIZE = 0
        on = fn()
    finally:
        fast.MIN_SIZE = previous
        fast.set_enabled(fast._env_enabled())
    return off, on


def _close(a, b, dtype, summed_rows=1):
    """Equal within float32 (or float64) rounding. ``summed_rows``: the values are sums over
    that many rows (the parameter gradients), which the NumPy path adds in float32 and the
    kernels in float64, so their rounding grows like the square root of the row count."""
    tol = (2e-6 if dtype == np.float32 else 1e-12) * max(1.0, np.sqrt(summed_rows))
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _layer_norm_step(x, center=True, scale=True, seed=0):
    rng = np.random.default_rng(seed)
    layer = tf.keras.layers.LayerNormalization(epsilon=1e-5, center=center, scale=scale,
                                               dtype=x.dtype.name)
    layer.build(x.shape)
    for w in layer.weights:
        w.assign(rng.standard_normal(w.shape).astype(x.dtype))
    r = rng.standard_normal(x.shape).astype(x.dtype)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        loss = tf.reduce_sum(y * r)
    grads = tape.gradient(loss, [xt] + layer.trainable_weights)
    return [y.numpy()] + [g.numpy() for g in grads]


def test_switch_and_numpy_path():
    fast.set_enabled(False)
    try:
        assert fast.kernels() is None
    finally:
        fast.set_enabled(fast._env_enabled())
    with pytest.raises(TypeError, match="set_enabled"):
        fast.set_enabled("yes")
    assert fast.available() == HAVE_NUMBA


def test_env_var_turns_the_compiled_path_off():
    code = ("from featherflow.backend import fast; import sys; "
            "sys.exit(0 if fast.kernels() is None else 1)")
    env = dict(os.environ, FEATHERFLOW_FAST="0")
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_import_does_not_import_numba():
    code = "import featherflow, sys; sys.exit(1 if 'numba' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3, 5, 7), (32, 64, 128), (2, 1030)])
@pytest.mark.parametrize("center,scale", [(True, True), (False, True), (True, False)])
def test_layer_norm_compiled_equals_numpy(dtype, shape, center, scale):
    x = (np.random.default_rng(1).standard_normal(shape) * 3 + 1).astype(dtype)
    off, on = _both(lambda: _layer_norm_step(x, center, scale))
    assert len(off) == len(on)
    rows = int(np.prod(shape[:-1]))
    for i, (a, b) in enumerate(zip(off, on)):
        _close(a, b, dtype, rows if i >= 2 else 1)


@needs_numba
def test_layer_norm_compiled_keeps_the_batch_statistics(compiled):
    x = np.random.default_rng(2).standard_normal((4, 6, 16)).astype(np.float32)
    op = Normalize((2,), (1, 1, 16), 1e-3, True)
    op.forward(x, np.ones(16, np.float32), np.zeros(16, np.float32))
    _close(op.batch_mean, x.mean(-1, keepdims=True), np.float32)
    _close(op.batch_var, x.var(-1, keepdims=True), np.float32)


def _attention_step(q, k, v, mask=None, zero_masked=True):
    rng = np.random.default_rng(3)
    r = rng.standard_normal((q.shape[0], q.shape[1], q.shape[2], v.shape[3])).astype(q.dtype)
    ts = [tf.constant(a) for a in (q, k, v)]
    with tf.GradientTape() as tape:
        for t in ts:
            tape.watch(t)
        op = attention_ops.DotProductAttention(0.25, mask, -1e9, zero_masked=zero_masked)
        out, probs = op(*ts)
        loss = tf.reduce_sum(out * r) + tf.reduce_sum(probs * 0.5)
    grads = tape.gradient(loss, ts)
    return [out.numpy(), probs.numpy()] + [g.numpy() for g in grads]


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("masked", [False, True])
def test_attention_softmax_compiled_equals_numpy(dtype, masked):
    rng = np.random.default_rng(4)
    q, k, v = (rng.standard_normal((4, 9, 2, 8)).astype(dtype) * 2 for _ in range(3))
    mask = rng.random((4, 1, 9, 9)) > 0.3 if masked else None
    off, on = _both(lambda: _attention_step(q, k, v, mask))
    for a, b in zip(off, on):
        _close(a, b, dtype)


@needs_numba
@pytest.mark.parametrize("name", MHA)
def test_keras_attention_fixtures_through_the_compiled_path(name, compiled):
    assert compiled is not None
    attention_replay.replay(name)


@needs_numba
def test_softmax_rows_handles_large_logits(compiled):
    x = np.array([[1e4, 0.0, -1e4, 3.0], [-5.0, -5.0, -5.0, -5.0]], np.float32)
    rows = x.copy()
    compiled.subtract_row_max(rows)
    np.exp(rows, out=rows)
    compiled.divide_by_row_sum(rows)
    e = np.exp(x - x.max(-1, keepdims=True))
    _close(rows, e / e.sum(-1, keepdims=True), np.float32)



def _adam_run(cls, dtype, **kwargs):
    rng = np.random.default_rng(8)
    shapes = [(3,), (100, 70), (300, 300)]
    variables = [tf.Variable(rng.standard_normal(s).astype(dtype)) for s in shapes]
    optimizer = cls(1e-2, **kwargs)
    for _ in range(4):
        grads = [rng.standard_normal(s).astype(dtype) for s in shapes]
        grads[1] = np.asfortranarray(grads[1])   # a non-contiguous gradient takes a copy
        optimizer.apply_gradients(zip(grads, variables))
    return ([v.numpy() for v in variables] + [m.numpy() for m in optimizer._momentums]
            + [v.numpy() for v in optimizer._velocities])


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls,kwargs", [(tf.keras.optimizers.Adam, {}),
                                        (tf.keras.optimizers.AdamW, {"weight_decay": 0.1})])
def test_fused_adam_equals_numpy_bit_for_bit(dtype, cls, kwargs):
    off, on = _both(lambda: _adam_run(cls, dtype, **kwargs))
    for a, b in zip(off, on):
        np.testing.assert_array_equal(a, b)


@needs_numba
def test_kernels_follow_the_intra_op_thread_setting():
    import numba

    previous = tf.config.threading.get_intra_op_parallelism_threads()
    try:
        tf.config.threading.set_intra_op_parallelism_threads(0)
        fast.kernels()
        assert numba.get_num_threads() == 1
        tf.config.threading.set_intra_op_parallelism_threads(2)
        fast.kernels()
        assert numba.get_num_threads() == min(2, numba.config.NUMBA_NUM_THREADS)
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(previous)
        fast.kernels()


# -- the recurrent step kernels and their tanh --------------------------------------------------
@needs_numba
def test_rational_tanh_is_within_a_few_ulps(compiled):
    x = np.concatenate([np.linspace(-12, 12, 400001), [0.0, -0.0, 1e-5, -3e-4, 50.0, -50.0]])
    x = x.astype(np.float32)
    out = np.empty_like(x)
    compiled.tanh_into(x, out)
    exact = np.tanh(x.astype(np.float64))
    assert np.abs(out - exact).max() < 4.5e-7
    assert out[400001] == 0 and np.signbit(out[400002]) and out[400003] == np.float32(1e-5)
    assert np.abs(out).max() <= 1.0


def _lstm_run(seed, masked, return_sequences, go_backwards):
    rng = np.random.default_rng(seed)
    layer = tf.keras.layers.LSTM(16, return_sequences=return_sequences,
                                 go_backwards=go_backwards, return_state=True)
    x = tf.constant(rng.normal(size=(5, 7, 3)).astype("float32"))
    layer.build(x.shape)
    for w in layer.weights:
        w.assign(rng.normal(0, 0.6, w.shape).astype("float32"))
    mask = None
    if masked:
        mask = np.ones((5, 7), bool)
        mask[1, 4:] = False
        mask[3, :2] = False
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, h, c = layer(x, mask=mask)
        loss = tf.reduce_sum(out * out) + tf.reduce_sum(h * c)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    return [np.asarray(v) for v in (out, h, c, *grads)]


@needs_numba
@pytest.mark.parametrize("masked,return_sequences,go_backwards",
                         [(False, False, False), (False, True, True), (True, True, False),
                          (True, False, True)])
def test_lstm_step_kernels_equal_numpy(masked, return_sequences, go_backwards, monkeypatch):
    """The compiled LSTM steps (forward, and the unmasked backward steps) against NumPy's:
    equal within the rational tanh's few ULPs, carried through 7 steps."""
    from featherflow.backend.fast import numba_kernels

    fast.kernels()  # settle the thread setting first: set_threads rebinds the row kernels
    calls = []
    for name in ("lstm_step_forward", "lstm_step_backward"):
        real = getattr(numba_kernels, name)
        monkeypatch.setattr(numba_kernels, name,
                            lambda *a, _real=real, _name=name: (calls.append(_name), _real(*a)))
    off, on = _both(lambda: _lstm_run(3, masked, return_sequences, go_backwards))
    assert calls.count("lstm_step_forward") == 7
    # steps where a column is masked take the NumPy backward (here 5 of the 7)
    assert calls.count("lstm_step_backward") == (2 if masked else 7)
    for a, b in zip(off, on):
        np.testing.assert_allclose(b, a, rtol=2e-5, atol=2e-5 * max(1.0, np.abs(a).max()))


@needs_numba
@pytest.mark.parametrize("act", [None, "linear", "relu", "relu6"])
@pytest.mark.parametrize("with_bias", [True, False])
def test_bias_relu_kernel_is_bit_for_bit_numpy(act, with_bias):
    """The compiled bias + ReLU/ReLU6 epilogue of a convolution's GEMM (ops/bias_activation)
    against NumPy's passes: the same bits, NaN and -0.0 included."""
    from featherflow.ops.bias_activation import bias_act

    rng = np.random.default_rng(11)
    z = rng.normal(0, 5, (700, 33)).astype(np.float32)
    z[5, 3], z[7, 1], z[9, 2] = np.nan, -0.0, np.inf
    bias = rng.normal(size=33).astype(np.float32) if with_bias else None
    if act is None and not with_bias:
        pytest.skip("nothing to do: bias_act returns z")
    off, on = _both(lambda: bias_act(z.copy(), bias, act))
    assert np.array_equal(off, on, equal_nan=True)
    assert np.array_equal(np.signbit(off), np.signbit(on))


def _recurrent_run(kind, seed, masked, reset_after=True):
    rng = np.random.default_rng(seed)
    kwargs = {"reset_after": reset_after} if kind == "GRU" else {}
    layer = getattr(tf.keras.layers, kind)(16, return_sequences=True, return_state=True,
                                           **kwargs)
    x = tf.constant(rng.normal(size=(5, 7, 3)).astype("float32"))
    layer.build(x.shape)
    for w in layer.weights:
        w.assign(rng.normal(0, 0.6, w.shape).astype("float32"))
    mask = None
    if masked:
        mask = np.ones((5, 7), bool)
        mask[2, 5:] = False
    with tf.GradientTape() as tape:
        tape.watch(x)
        out, h = layer(x, mask=mask)
        loss = tf.reduce_sum(out * out) + tf.reduce_sum(h)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    return [np.asarray(v) for v in (out, h, *grads)]


@needs_numba
@pytest.mark.parametrize("kind,masked,reset_after",
                         [("GRU", False, True), ("GRU", True, False), ("SimpleRNN", False, True),
                          ("SimpleRNN", True, True)])
def test_gru_and_simple_rnn_compiled_activations_equal_numpy(kind, masked, reset_after,
                                                            monkeypatch):
    from featherflow.backend.fast import numba_kernels

    fast.kernels()  # settle the thread setting first: set_threads rebinds the row kernels
    calls = []
    for name in ("tanh_into", "tanh_inplace", "sigmoid_of_half_inplace", "gru_step_forward",
                 "gru_step_backward"):
        real = getattr(numba_kernels, name)
        monkeypatch.setattr(numba_kernels, name,
                            lambda *a, _real=real, _name=name: (calls.append(_name), _real(*a)))
    off, on = _both(lambda: _recurrent_run(kind, 4, masked, reset_after))
    assert len(calls) >= 7
    for a, b in zip(off, on):
        np.testing.assert_allclose(b, a, rtol=2e-5, atol=2e-5 * max(1.0, np.abs(a).max()))


@needs_numba
def test_vectorized_exp_is_within_one_ulp(compiled):
    x = np.linspace(-87, 88, 400001).astype(np.float32)
    out = np.empty_like(x)
    compiled.exp_into(x, out)
    exact = np.exp(x.astype(np.float64))
    ulps = np.abs(out - exact) / np.spacing(exact.astype(np.float32)).astype(np.float64)
    assert ulps.max() <= 1.0
    compiled.exp_into(np.asarray([0.0, 1.0, -1.0], np.float32), out[:3], negate=True)
    np.testing.assert_allclose(out[:3], np.exp([0.0, -1.0, 1.0]), rtol=1.2e-7)


@needs_numba
@pytest.mark.parametrize("negate", [False, True])
def test_in_place_exp_and_sigmoid_equal_the_two_array_kernels(compiled, negate):
    """``exp_into(x, x)`` and ``sigmoid_into(t, t)`` take the one-pointer loops (the
    two-pointer ones fall back to scalar code when the arrays overlap): the same bits."""
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(0, 20, 10000), [-1e9, -88.0, 0.0, 88.0, 1e9]])
    x = x.astype(np.float32)
    two = compiled.exp_into(x, np.empty_like(x), negate=negate)
    inplace = x.copy()
    compiled.exp_into(inplace, inplace, negate=negate)
    np.testing.assert_array_equal(inplace, two)
    t = x.copy()
    compiled.sigmoid_into(t, t)
    np.testing.assert_array_equal(t, compiled.sigmoid_into(x, np.empty_like(x)))
    with pytest.raises(ValueError, match="swish needs xc and out"):
        compiled.sigmoid_into(t, t, swish=True)


@needs_numba
@pytest.mark.parametrize("name", ["sigmoid", "swish", "silu"])
def test_compiled_sigmoid_and_swish_equal_numpy(name):
    """Forward and gradient of the activations whose exponential the kernels compute, on
    values from -1e30 to 1e30 (the clamps), against the NumPy path."""
    rng = np.random.default_rng(12)
    x = np.concatenate([rng.normal(0, 6, 5000), [-1e30, -100.0, -88.5, 0.0, 30.0, 1e30]])
    x = tf.constant(x.astype(np.float32))

    def run():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = getattr(tf.keras.activations, name)(x)
        return [np.asarray(y), np.asarray(tape.gradient(y, x))]

    off, on = _both(run)
    for a, b in zip(off, on):
        assert np.isfinite(b).all()
        # 1 - sigmoid(x) near sigmoid = 1 (the derivatives) magnifies an ULP of the
        # exponential into a relative difference: compare those against the largest value
        np.testing.assert_allclose(b, a, rtol=5e-7, atol=2.5e-7 * max(1.0, np.abs(a).max()))


@needs_numba
@pytest.mark.parametrize("mult,strides,padding", [(1, 1, "same"), (2, 2, "valid"), (1, 2, "same")])
def test_conv_with_one_channel_per_group_uses_the_depthwise_kernel(mult, strides, padding,
                                                                    monkeypatch):
    """Conv2D(groups=channels) (ConvNeXt's depthwise convolutions) runs the compiled
    depthwise forward; output and gradients equal the grouped GEMM path."""
    from featherflow.backend.fast import numba_kernels

    fast.kernels()  # settle the thread setting first: set_threads rebinds the row kernels
    calls = []
    real = numba_kernels.depthwise_forward
    monkeypatch.setattr(numba_kernels, "depthwise_forward",
                        lambda *a: (calls.append(1), real(*a)))
    rng = np.random.default_rng(13)
    layer = tf.keras.layers.Conv2D(6 * mult, 3, strides=strides, padding=padding, groups=6)
    x = tf.constant(rng.normal(size=(4, 13, 11, 6)).astype("float32"))
    layer.build(x.shape)

    def run():
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
            loss = tf.reduce_sum(y * y)
        return [np.asarray(y)] + [np.asarray(g) for g in
                                  tape.gradient(loss, [x] + layer.trainable_weights)]

    off, on = _both(run)
    assert calls
    for a, b in zip(off, on):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-5 * np.abs(a).max())


@needs_numba
def test_compiled_gather_gradient_is_np_add_at_bit_for_bit():
    """The embedding gradient (gather on axis 0 of a 2-D table), with repeated indices: the
    compiled scatter-add adds in np.add.at's order."""
    rng = np.random.default_rng(4)
    table = tf.Variable(rng.normal(size=(50, 96)).astype(np.float32))
    ids = rng.integers(0, 50, (16, 40))
    upstream = rng.normal(size=(16, 40, 96)).astype(np.float32)

    def run():
        with tf.GradientTape() as tape:
            y = tf.gather(table, ids) * upstream
        return [np.asarray(tape.gradient(y, table))]

    off, on = _both(run)
    np.testing.assert_array_equal(on[0], off[0])
    expected = np.zeros((50, 96), np.float32)
    np.add.at(expected, ids, upstream)
    np.testing.assert_array_equal(on[0], expected)


@needs_numba
def test_one_pass_swish_is_the_multi_pass_swish_bit_for_bit(compiled):
    """swish_into, apart and in place (blocks through the exponential in local buffers), against
    the clamp, exp, sigmoid and product passes, across block edges, NaN and the clamps."""
    from featherflow.backend.fast import numba_kernels

    rng = np.random.default_rng(8)
    for n in (1, 511, 512, 513, 5000):
        x = (rng.normal(size=n) * 30).astype(np.float32)
        x[: min(n, 5)] = [np.nan, -1e30, 1e30, -0.0, -88.5][: min(n, 5)]
        low = np.float32(-88.0)
        xc = np.maximum(x, low)
        expected = compiled.sigmoid_into(xc, np.empty_like(xc), swish=True)
        out = np.empty_like(x)
        numba_kernels.swish_into(x, out, low)
        np.testing.assert_array_equal(out, expected)
        z = x.copy()
        numba_kernels.swish_into(z, z, low)
        np.testing.assert_array_equal(z, expected)
