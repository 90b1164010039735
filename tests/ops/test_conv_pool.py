"""Fused convolution + relu + max pooling: the same numbers as the two ops one after the other."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import fast
from featherflow.graph import Plan
from featherflow.layers.fused import ConvMaxPool, fuse
from featherflow.ops import conv as conv_ops
from featherflow.ops import conv_pool as CP
from featherflow.ops import pooling as P
from featherflow.testing import check_gradients

RNG = np.random.default_rng(0)


@pytest.fixture(params=["compiled", "numpy"], autouse=True)
def kernel_path(request):
    """Every test here runs on both paths of the fused op: the compiled pooling kernels
    ([fast], one pass) and the NumPy passes (skipped where numba is not installed)."""
    if request.param == "compiled" and not fast.available():
        pytest.skip("numba is not installed (the [fast] extra)")
    fast.set_enabled(request.param == "compiled")
    yield request.param
    fast.set_enabled(fast._env_enabled())


def both_ways(x, k, b, pool, **conv_args):
    """Outputs and gradients (x, kernel[, bias]) of the fused op and of conv then max_pool."""
    act = conv_args.pop("activation", "relu")
    results = []
    for fused in (False, True):
        xs, ks = Tensor(x), Tensor(k)
        bs = None if b is None else Tensor(b)
        sources = [xs, ks] + ([] if b is None else [bs])
        with GradientTape() as tape:
            for s in sources:
                tape.watch(s)
            if fused:
                y = CP.conv_max_pool(xs, ks, bs, pool_size=pool, activation=act, **conv_args)
            else:
                y = P.max_pool(conv_ops.conv(xs, ks, bs, activation=act, **conv_args), pool)
            weights = np.linspace(-1, 1, y.data.size).reshape(y.shape)
            loss = tf.reduce_sum(y * weights)
        results.append([y.numpy()] + [g.numpy() for g in tape.gradient(loss, sources)])
    return results


CASES = [
    # input, kernel, pool, conv arguments
    ((3, 9, 9, 3), (3, 3, 3, 4), 2, {}),
    ((2, 10, 11, 2), (3, 3, 2, 4), 2, {}),  # odd conv output: the last row/column unpooled
    ((2, 12, 12, 5), (3, 3, 5, 3), 2, {"padding": "same"}),
    ((2, 13, 13, 4), (2, 2, 4, 3), (3, 2), {"activation": None}),
    ((2, 14, 15, 1), (3, 3, 1, 6), 2, {"strides": 2}),
    ((2, 11, 11, 2), (3, 3, 2, 2), 2, {"dilation_rate": 2}),
    ((2, 8, 8, 2), (3, 3, 2, 2), 1, {}),
]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("shape,kshape,pool,args", CASES)
@pytest.mark.parametrize("chunk_bytes", [1, 1 << 30])  # one image per chunk, one chunk
def test_same_as_conv_then_max_pool(monkeypatch, shape, kshape, pool, args, bias, chunk_bytes):
    monkeypatch.setattr(CP, "CHUNK_BYTES", chunk_bytes)
    x, k = RNG.normal(size=shape), RNG.normal(size=kshape)
    b = RNG.normal(size=kshape[-1]) if bias else None
    plain, fused = both_ways(x, k, b, pool, **dict(args))
    assert len(plain) == len(fused)
    for a, f in zip(plain, fused):
        assert f.dtype == np.float64 and a.shape == f.shape
        # float64 throughout; only the GEMMs' summation order differs (chunks)
        np.testing.assert_allclose(f, a, rtol=1e-12, atol=1e-12)


def test_ties_go_where_max_pool_sends_them(monkeypatch):
    # A kernel of ones over an input of small integers makes many equal window values: the
    # gradient must reach the same (first) maximum as max_pool's.
    monkeypatch.setattr(CP, "CHUNK_BYTES", 1)
    x = RNG.integers(-2, 3, size=(3, 8, 8, 1)).astype(np.float64)
    k = np.ones((2, 2, 1, 2))
    plain, fused = both_ways(x, k, None, 2, activation="relu")
    for a, f in zip(plain, fused):
        # float64 (the arrays' own dtype); the GEMMs' summation order may differ in the
        # last bit, a tie sent elsewhere would differ by whole units
        np.testing.assert_allclose(f, a, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pool", [2, (3, 2)])
def test_nan_and_ties_follow_max_pool(monkeypatch, pool):
    # a NaN makes its window's maximum NaN (np.maximum's rule, as the layers give), and the
    # windows full of ties send their gradient where max_pool sends it
    monkeypatch.setattr(CP, "CHUNK_BYTES", 1 << 30)
    x = RNG.integers(-1, 2, size=(2, 8, 9, 1)).astype(np.float64)
    k = np.ones((1, 1, 1, 2))
    k[..., 1] = -1
    plain, fused = both_ways(x, k, None, pool, activation="relu")
    for a, f in zip(plain, fused):
        np.testing.assert_allclose(f, a, rtol=1e-12, atol=1e-12)
    x[0, 1, 1, 0] = x[1, 4, 6, 0] = np.nan
    # outputs only: where a window holds a NaN, the layers' relu mask reads the winning
    # pixel while the fused op's reads the pooled NaN (training on NaN is lost either way)
    plain, fused = both_ways(x, k, None, pool, activation="relu")
    assert np.isnan(plain[0]).sum() == 4  # two NaN pixels, two channels
    np.testing.assert_array_equal(np.isnan(fused[0]), np.isnan(plain[0]))
    np.testing.assert_allclose(fused[0], plain[0], rtol=1e-12, atol=1e-12)


def test_gradients_against_finite_differences():
    x, k, b = RNG.normal(size=(2, 7, 8, 2)), RNG.normal(size=(3, 3, 2, 3)), RNG.normal(size=3)
    check_gradients(lambda x, k, b: CP.conv_max_pool(x, k, b, pool_size=2, activation="relu"),
                    [x, k, b])
    check_gradients(lambda x, k: CP.conv_max_pool(x, k, padding="same", pool_size=(2, 3)),
                    [x, k])


def test_float32_inputs_stay_float32():
    x = RNG.random((4, 10, 10, 3), dtype=np.float32)
    k = RNG.random((3, 3, 3, 8), dtype=np.float32)
    y = CP.conv_max_pool(x, k, np.zeros(8, np.float32), activation="relu")
    assert y.dtype == np.float32 and y.shape == (4, 4, 4, 8)


def test_bad_arguments_are_named():
    x, k = np.zeros((1, 6, 6, 2)), np.zeros((3, 3, 2, 4))
    with pytest.raises(ValueError, match="activation must be 'relu', 'linear' or None"):
        CP.conv_max_pool(x, k, activation="tanh")
    with pytest.raises(ValueError, match=r"same channels; received input \(1, 6, 6, 2\)"):
        CP.conv_max_pool(x, np.zeros((3, 3, 3, 4)))
    with pytest.raises(ValueError, match="output would be empty"):
        CP.conv_max_pool(np.zeros((1, 4, 4, 2)), k, pool_size=3)


# -- Sequential runs eligible pairs fused --------------------------------------------------

def cnn(conv_kwargs=None, pool_kwargs=None):
    tf.keras.utils.set_random_seed(0)
    return tf.keras.Sequential([
        tf.keras.layers.Conv2D(4, 3, input_shape=(9, 9, 2),
                               **({"activation": "relu"} | (conv_kwargs or {}))),
        tf.keras.layers.MaxPooling2D(**(pool_kwargs or {})),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(3, activation="softmax"),
    ])


@pytest.mark.parametrize("conv_kwargs,pool_kwargs,fused", [
    ({}, {}, True),
    ({"activation": None}, {}, True),
    ({"padding": "same", "strides": 2}, {"pool_size": 2}, True),
    ({"activation": "tanh"}, {}, False),  # tanh is not fused here
    ({"activity_regularizer": "l2"}, {}, False),  # the conv output is needed for the loss
    ({"groups": 2}, {}, False),
    ({}, {"padding": "same"}, False),
    ({}, {"strides": 1}, False),  # overlapping windows
])
def test_sequential_fuses_only_eligible_pairs(conv_kwargs, pool_kwargs, fused):
    model = cnn(conv_kwargs, pool_kwargs)
    steps = model._graph.plan.steps
    assert (len(_fused_steps(model)) == 1) is fused
    assert len(steps) == (3 if fused else 4)
    x = RNG.random((5, 9, 9, 2), dtype=np.float32)
    # the fused chain gives what the layers give one by one
    layer_by_layer = x
    for layer in model.layers:
        layer_by_layer = layer(layer_by_layer)
    np.testing.assert_allclose(model(x).numpy(), layer_by_layer.numpy(), rtol=1e-5, atol=1e-6)


def test_fuse_declines_other_pairs():
    conv = tf.keras.layers.Conv2D(2, 3, activation="relu")
    assert fuse(conv, tf.keras.layers.AveragePooling2D()) is None
    assert fuse(tf.keras.layers.Conv1D(2, 3), tf.keras.layers.MaxPooling1D()) is None
    assert fuse(conv, tf.keras.layers.MaxPooling2D(data_format="channels_first")) is None
    assert repr(fuse(conv, tf.keras.layers.MaxPooling2D())).startswith("<fused conv2d")


# -- Functional models fuse a pair whose middle tensor nobody else uses --------------------

def functional_cnn(extra_branch=False, conv_out_too=False):
    tf.keras.utils.set_random_seed(0)
    inputs = tf.keras.Input((9, 9, 2))
    c = tf.keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    p = tf.keras.layers.MaxPooling2D()(c)
    x = tf.keras.layers.Flatten()(p)
    if extra_branch:  # the conv output is read a second time
        x = tf.keras.layers.Concatenate()([x, tf.keras.layers.Flatten()(c)])
    out = tf.keras.layers.Dense(3, activation="softmax")(x)
    return tf.keras.Model(inputs, [out, c] if conv_out_too else out)


@pytest.mark.parametrize("kwargs,fused", [
    ({}, True), ({"extra_branch": True}, False), ({"conv_out_too": True}, False)])
def test_functional_fuses_only_private_pairs(kwargs, fused):
    model = functional_cnn(**kwargs)
    x = RNG.random((5, 9, 9, 2), dtype=np.float32)
    got = model(x)
    assert (len(_fused_steps(model)) == 1) is fused
    _unfused(model)
    want = model(x)
    for a, b in zip(got if isinstance(got, list) else [got],
                    want if isinstance(want, list) else [want]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def _fused_steps(model):
    """The steps of the model's plan that run a fused pair."""
    return [s for s in model._graph.plan.steps
            if isinstance(getattr(s.callee, "__self__", None), ConvMaxPool)]


def _unfused(model):
    """Give the model its plan without the fusion rewrite: every node through its layer."""
    graph = model._graph
    graph._plan = Plan(graph.inputs, graph.outputs, graph.nodes)


@pytest.mark.parametrize("build", [lambda: cnn(), lambda: functional_cnn()])
def test_training_with_the_fused_pair_matches_the_layers(build):
    x = RNG.random((16, 9, 9, 2), dtype=np.float32)
    y = RNG.integers(0, 3, size=16)
    losses = []
    for allow in (True, False):
        model = build()
        if not allow:
            _unfused(model)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        losses.append(model.fit(x, y, epochs=3, batch_size=8, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)
