"""Inference folding of BatchNormalization into the convolution before it (layers/fold_bn.py):
the folded plan gives the unfolded layers' numbers, and steps aside whenever folding could be
seen (training, a recording tape, changed weights)."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.backend import fast
from featherflow.layers import fold_bn

L = tf.keras.layers


def _randomize_bn(model, seed=0):
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            c = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0, 0.5, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.2, 2.0, c).astype("float32"))
            if layer.gamma is not None:
                layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            if layer.beta is not None:
                layer.beta.assign(rng.normal(0, 0.5, c).astype("float32"))


def _model(seed=1):
    tf.keras.utils.set_random_seed(seed)
    inp = tf.keras.Input((12, 12, 3))
    x = L.Conv2D(8, 3, padding="same", use_bias=False)(inp)
    x = L.BatchNormalization(epsilon=1e-3)(x)
    x = L.ReLU(6.0)(x)                                     # conv + bn + relu6
    y = L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2)(x)
    y = L.BatchNormalization(center=False)(y)
    y = L.Activation("relu")(y)                            # depthwise + bn + relu
    z = L.Conv2D(16, 1)(y)
    z = L.BatchNormalization(scale=False)(z)               # conv + bn, then a merge
    s = L.Conv2D(16, 1, strides=1)(y)
    z = L.Add()([z, s])
    z = L.Conv2D(4, 3)(z)
    z = L.BatchNormalization()(z)
    z = L.Activation("swish")(z)                           # an activation applied after
    out = L.GlobalAveragePooling2D()(z)
    model = tf.keras.Model(inp, out)
    _randomize_bn(model)
    return model


def _folded_steps(model):
    return [s for s in model._graph.plan.steps if "folded" in repr(s.callee)]


@pytest.fixture
def restore_flag():
    yield
    fold_bn.ENABLED = True


def _both(model, x, **kwargs):
    fold_bn.ENABLED = False
    off = np.asarray(model(x, **kwargs))
    fold_bn.ENABLED = True
    on = np.asarray(model(x, **kwargs))
    return off, on


def test_the_plan_folds_the_chains(restore_flag):
    model = _model()
    model(np.zeros((1, 12, 12, 3), "float32"))
    names = sorted(repr(s.callee) for s in _folded_steps(model))
    assert len(names) == 4, names
    assert any("re_lu" in n for n in names) and any("activation" in n for n in names)


@pytest.mark.parametrize("kernels", [True, False])
def test_inference_equals_the_unfolded_layers(restore_flag, kernels):
    fast.set_enabled(kernels)
    try:
        model = _model()
        x = np.random.default_rng(2).normal(size=(3, 12, 12, 3)).astype("float32")
        for kwargs in ({}, {"training": False}):
            off, on = _both(model, x, **kwargs)
            np.testing.assert_allclose(on, off, rtol=0, atol=2e-6 * np.abs(off).max())
        fold_bn.ENABLED = False
        ref = model.predict(x, verbose=0)
        fold_bn.ENABLED = True
        np.testing.assert_allclose(model.predict(x, verbose=0), ref, rtol=0,
                                   atol=2e-6 * np.abs(ref).max())
    finally:
        fast.set_enabled(True)


def test_training_and_tapes_run_the_layers_as_written(restore_flag):
    x = np.random.default_rng(3).normal(size=(4, 12, 12, 3)).astype("float32")
    grads, stats = [], []
    for flag in (False, True):
        fold_bn.ENABLED = flag
        model = _model()
        with tf.GradientTape() as tape:
            y = model(x, training=False)
            loss = tf.reduce_sum(y * y)
        grads.append([np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)])
        model(x, training=True)  # batch statistics, moving averages updated
        stats.append([np.asarray(w) for w in model.non_trainable_weights])
    for a, b in zip(*grads):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(*stats):
        np.testing.assert_array_equal(a, b)


def test_a_frozen_batch_norm_folds_in_training_mode(restore_flag):
    model = _model()
    for layer in model.layers:
        if isinstance(layer, L.BatchNormalization):
            layer.trainable = False
    x = np.random.default_rng(4).normal(size=(2, 12, 12, 3)).astype("float32")
    before = [np.asarray(w) for w in model.non_trainable_weights]
    off, on = _both(model, x, training=True)
    np.testing.assert_allclose(on, off, rtol=0, atol=2e-6 * np.abs(off).max())
    for a, w in zip(before, model.non_trainable_weights):
        np.testing.assert_array_equal(a, np.asarray(w))


def test_changed_weights_are_seen_at_the_next_call(restore_flag):
    model = _model()
    x = np.random.default_rng(5).normal(size=(2, 12, 12, 3)).astype("float32")
    model.predict(x, verbose=0)
    _randomize_bn(model, seed=9)
    conv = model.layers[1]
    conv.kernel.assign(np.asarray(conv.kernel) * 1.5)
    off, on = _both(model, x)
    np.testing.assert_allclose(on, off, rtol=0, atol=2e-6 * np.abs(off).max())


def test_float64_models_fold_in_float64(restore_flag):
    tf.keras.utils.set_random_seed(6)
    inp = tf.keras.Input((6, 6, 2), dtype="float64")
    x = L.Conv2D(3, 3, dtype="float64")(inp)
    x = L.BatchNormalization(dtype="float64")(x)
    model = tf.keras.Model(inp, L.ReLU(dtype="float64")(x))
    _randomize_bn(model)
    x = np.random.default_rng(7).normal(size=(2, 6, 6, 2))
    off, on = _both(model, x)
    assert on.dtype == np.float64 and len(_folded_steps(model)) == 1
    np.testing.assert_allclose(on, off, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("strides,dilation,mult", [(1, 1, 1), (2, 1, 1), (1, 2, 3), (2, 1, 2)])
def test_depthwise_kernel_equals_numpy(monkeypatch, strides, dilation, mult):
    """The compiled depthwise forward (backend/fast) against the NumPy path, with the
    gradients (the backward unfolds the windows from the kept padded input)."""
    if not fast.available():
        pytest.skip("numba is not installed (the [fast] extra)")
    module = fast.kernels()
    calls = []
    compiled = module.depthwise_forward

    def spy(*args):
        calls.append(1)
        return compiled(*args)

    monkeypatch.setattr(module, "depthwise_forward", spy)
    rng = np.random.default_rng(8)
    x = tf.constant(rng.normal(size=(8, 23, 19, 6)).astype("float32"))
    k = tf.Variable(rng.normal(size=(3, 3, 6, mult)).astype("float32"))
    b = tf.Variable(rng.normal(size=(6 * mult,)).astype("float32"))
    results = []
    for flag in (False, True):
        fast.set_enabled(flag)
        try:
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = tf.nn.depthwise_conv2d(x, k, [1, strides, strides, 1], "SAME",
                                           dilations=None if strides > 1 else
                                           [dilation, dilation]) + b
                loss = tf.reduce_sum(y * y)
            results.append([np.asarray(y)] + [np.asarray(g) for g in
                                              tape.gradient(loss, [x, k, b])])
        finally:
            fast.set_enabled(True)
    assert len(calls) == 1
    for a, c in zip(*results):
        np.testing.assert_allclose(c, a, rtol=1e-5, atol=1e-5 * np.abs(a).max())


@pytest.mark.skipif(not fast.available(), reason="numba (the [fast] extra) is missing")
def test_swish_after_a_fold_runs_in_place_compiled(restore_flag, monkeypatch):
    """The folded step's own output gets the swish in place (one compiled pass): the
    unfolded layers' numbers, and the kernel is the one that ran."""
    from featherflow.backend.fast import numba_kernels

    monkeypatch.setattr(fast, "MIN_SIZE", 0)
    calls = []
    real = numba_kernels.swish_into
    monkeypatch.setattr(numba_kernels, "swish_into",
                        lambda x, out, low: (calls.append((x.size, x is out)), real(x, out, low)))
    model = _model()
    x = np.random.default_rng(5).normal(size=(3, 12, 12, 3)).astype("float32")
    off, on = _both(model, x)
    # the unfolded layers' swish writes a new array; the folded step's, its own output
    assert calls == [(3 * 4 * 4 * 4, False), (3 * 4 * 4 * 4, True)]
    np.testing.assert_allclose(on, off, rtol=0, atol=2e-6 * np.abs(off).max())


def _padded_model(seed=3):
    """Keras's stride-2 blocks (MobileNetV2, EfficientNet, ResNet's stem): a ZeroPadding2D
    before a 'valid' convolution."""
    tf.keras.utils.set_random_seed(seed)
    inp = tf.keras.Input((13, 12, 3))
    x = L.ZeroPadding2D(((3, 3), (3, 3)))(inp)
    x = L.Conv2D(8, 7, strides=2, use_bias=False)(x)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    y = L.ZeroPadding2D(((0, 1), (0, 1)))(x)
    y = L.DepthwiseConv2D(3, strides=2, use_bias=False)(y)
    y = L.BatchNormalization()(y)
    y = L.Activation("swish")(y)
    z = L.ZeroPadding2D(1)(y)  # feeds two layers: stays a layer of its own
    a = L.DepthwiseConv2D(3)(z)
    a = L.BatchNormalization()(a)
    out = L.Concatenate()([L.GlobalAveragePooling2D()(a), L.GlobalAveragePooling2D()(z)])
    model = tf.keras.Model(inp, out)
    _randomize_bn(model, seed)
    return model


@pytest.mark.parametrize("kernels", [True, False])
def test_zero_padding_before_a_valid_convolution_folds_in(restore_flag, monkeypatch, kernels):
    monkeypatch.setattr(fast, "MIN_SIZE", 0)
    fast.set_enabled(kernels)
    try:
        model = _padded_model()
        x = np.random.default_rng(6).normal(size=(2, 13, 12, 3)).astype("float32")
        off, on = _both(model, x)
        names = sorted(repr(s.callee) for s in _folded_steps(model))
        assert len(names) == 3, names
        assert sum("zero_padding2d" in n for n in names) == 2, names
        np.testing.assert_allclose(on, off, rtol=0, atol=2e-6 * np.abs(off).max())
        # gradients and training run the layers as written, padding included
        grads = []
        for flag in (False, True):
            fold_bn.ENABLED = flag
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(model(x, training=True) ** 2)
            grads.append([np.asarray(g) for g in tape.gradient(loss, model.trainable_weights)])
        for a, b in zip(*grads):
            np.testing.assert_array_equal(a, b)
    finally:
        fast.set_enabled(True)
