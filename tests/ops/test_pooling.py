"""Pooling and up-sampling primitives: values against direct loops, gradients numerically."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.ops import conv_geometry as conv_geometry_ops
from featherflow.ops import parallel as parallel_ops
from featherflow.ops import pooling as P
from featherflow.testing import check_gradients

RNG = np.random.default_rng(1)


def rand(*shape):
    return RNG.normal(size=shape)


def t(a):
    return Tensor(np.asarray(a))


def ref_pool(x, pool, strides, padding, kind):
    """Direct loop over output pixels; padded pixels are left out of every window."""
    n, h, w, c = x.shape
    pads = conv_geometry_ops.conv_pads((h, w), pool, strides, (1, 1), padding)
    oh = (h + sum(pads[0]) - pool[0]) // strides[0] + 1
    ow = (w + sum(pads[1]) - pool[1]) // strides[1] + 1
    out = np.zeros((n, oh, ow, c))
    for a in range(oh):
        for b in range(ow):
            r0 = a * strides[0] - pads[0][0]
            c0 = b * strides[1] - pads[1][0]
            win = x[:, max(r0, 0):r0 + pool[0], max(c0, 0):c0 + pool[1]]
            out[:, a, b] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


@pytest.mark.parametrize("pool,strides,padding", [
    ((2, 2), (2, 2), "valid"), ((3, 3), (2, 2), "same"), ((3, 3), (1, 1), "valid"),
    ((2, 2), (1, 1), "same"), ((2, 3), (1, 2), "same"), ((3, 2), (3, 2), "valid"),
])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_matches_direct_loop(pool, strides, padding, kind):
    x = rand(2, 7, 6, 3)
    fn = P.max_pool if kind == "max" else P.average_pool
    got = fn(t(x), pool, strides, padding).numpy()
    np.testing.assert_allclose(got, ref_pool(x, pool, strides, padding, kind), rtol=1e-12)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool1d_and_channels_first(kind):
    fn = P.max_pool if kind == "max" else P.average_pool
    x = rand(2, 7, 3)
    got = fn(t(x), 3, 2, "same").numpy()
    want = ref_pool(x[:, None], (1, 3), (1, 2), "same", kind)[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-12)
    x4 = rand(2, 3, 7, 6)
    got = fn(t(x4), 2, padding="same", data_format="channels_first").numpy()
    want = ref_pool(x4.transpose(0, 2, 3, 1), (2, 2), (2, 2), "same", kind)
    np.testing.assert_allclose(got, want.transpose(0, 3, 1, 2), rtol=1e-12)


def test_max_pool_keeps_float32_and_breaks_ties_to_the_first():
    x = np.zeros((1, 2, 2, 1), np.float32)
    xt = Tensor(x)
    with GradientTape() as tape:
        tape.watch(xt)
        y = P.max_pool(xt, 2)
    assert y.dtype == np.float32
    g = tape.gradient(y, xt).numpy()
    np.testing.assert_array_equal(g[0, :, :, 0], [[1, 0], [0, 0]])
    assert g.dtype == np.float32


@pytest.mark.parametrize("pool,strides,padding", [
    (2, 2, "valid"), (3, 2, "same"), (2, 1, "same"), (3, 1, "valid"), ((2, 3), (1, 2), "same"),
])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_gradients(pool, strides, padding, kind):
    fn = P.max_pool if kind == "max" else P.average_pool
    check_gradients(lambda x: fn(x, pool, strides, padding), [rand(2, 5, 6, 2)])


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool1d_gradients(kind):
    fn = P.max_pool if kind == "max" else P.average_pool
    check_gradients(lambda x: fn(x, 3, 2, "same"), [rand(2, 7, 2)])
    check_gradients(lambda x: fn(x, 2, data_format="channels_first"), [rand(2, 2, 5)])


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling(kind, keepdims):
    fn = P.global_max_pool if kind == "max" else P.global_average_pool
    x = rand(2, 4, 3, 5)
    red = np.max if kind == "max" else np.mean
    np.testing.assert_allclose(fn(t(x), keepdims=keepdims).numpy(),
                               red(x, axis=(1, 2), keepdims=keepdims))
    np.testing.assert_allclose(fn(t(x), data_format="channels_first").numpy(),
                               red(x, axis=(2, 3)))
    check_gradients(lambda x: fn(x, keepdims=keepdims), [x])
    check_gradients(lambda x: fn(x), [rand(2, 6, 3)])


def test_global_max_shares_the_gradient_of_ties():
    xt = Tensor(np.array([[[1.0], [3.0], [3.0]]]))
    with GradientTape() as tape:
        tape.watch(xt)
        y = P.global_max_pool(xt)
    np.testing.assert_allclose(tape.gradient(y, xt).numpy()[0, :, 0], [0, 0.5, 0.5])


def test_upsample_nearest():
    x = rand(2, 2, 3, 2)
    y = P.upsample(t(x), (2, 3)).numpy()
    np.testing.assert_array_equal(y, x.repeat(2, axis=1).repeat(3, axis=2))
    check_gradients(lambda x: P.upsample(x, (2, 3)), [x])
    check_gradients(lambda x: P.upsample(x, 3), [rand(2, 3, 2)])
    check_gradients(lambda x: P.upsample(x, 2, data_format="channels_first"), [x])


def test_bilinear_rows_are_convex_weights_and_exact_on_linear_ramps():
    a = P.bilinear_matrix(4, 8, np.float64)
    np.testing.assert_allclose(a.sum(axis=1), 1)
    # half-pixel centres: output 0 sits left of the first input centre, so it copies it;
    # output 2 sits at input coordinate 0.75
    np.testing.assert_allclose(a[0], [1, 0, 0, 0])
    np.testing.assert_allclose(a[2], [0.25, 0.75, 0, 0])
    ramp = np.arange(4.0)[None, :, None, None] * np.ones((1, 4, 3, 1))
    y = P.upsample(t(ramp), 2, interpolation="bilinear").numpy()
    np.testing.assert_allclose(y[0, 1:-1, 0, 0], (np.arange(1, 7) + 0.5) / 2 - 0.5)


def test_bilinear_gradients():
    check_gradients(lambda x: P.upsample(x, (2, 3), interpolation="bilinear"),
                    [rand(2, 3, 2, 2)])
    check_gradients(lambda x: P.upsample(x, 2, data_format="channels_first",
                                         interpolation="bilinear"), [rand(1, 2, 3, 2)])


def test_tf_nn_pool_names():
    x = rand(1, 6, 6, 2)
    np.testing.assert_allclose(P.max_pool2d(t(x), [1, 2, 2, 1], [1, 2, 2, 1], "VALID").numpy(),
                               ref_pool(x, (2, 2), (2, 2), "valid", "max"))
    np.testing.assert_allclose(P.avg_pool2d(t(x), 3, 2, "SAME").numpy(),
                               ref_pool(x, (3, 3), (2, 2), "same", "avg"))
    np.testing.assert_allclose(P.max_pool1d(t(x[:, 0]), 2, 1, "SAME").numpy(),
                               ref_pool(x[:, :1], (1, 2), (1, 1), "same", "max")[:, 0])
    np.testing.assert_allclose(P.avg_pool1d(t(x[:, 0]), 2, 2, "VALID").numpy(),
                               ref_pool(x[:, :1], (1, 2), (1, 2), "valid", "avg")[:, 0])


def test_pool_errors():
    with pytest.raises(ValueError, match="smaller than the"):
        P.max_pool(t(np.zeros((1, 1, 1, 1))), 2)
    with pytest.raises(ValueError, match="padding"):
        P.average_pool(t(np.zeros((1, 4, 4, 1))), 2, padding="causal")
    with pytest.raises(ValueError, match="rank 3"):
        P.max_pool(t(np.zeros((4, 4))), 2)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 7), w=st.integers(1, 7), ph=st.integers(1, 3), pw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       kind=st.sampled_from(["max", "avg"]))
def test_pool_random_shapes(h, w, ph, pw, sh, sw, padding, kind):
    if padding == "valid" and (h < ph or w < pw):
        return
    x = rand(2, h, w, 2)
    fn = P.max_pool if kind == "max" else P.average_pool
    got = fn(t(x), (ph, pw), (sh, sw), padding).numpy()
    np.testing.assert_allclose(got, ref_pool(x, (ph, pw), (sh, sw), padding, kind),
                               rtol=1e-12)


def ref_max_pool_grad(x, g, pool, strides, padding):
    """Each window's gradient to its first maximum in row-major order (TensorFlow's rule)."""
    n, h, w, c = x.shape
    pads = conv_geometry_ops.conv_pads((h, w), pool, strides, (1, 1), padding)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=-np.inf)
    gx = np.zeros_like(xp)
    for a in range(g.shape[1]):
        for b in range(g.shape[2]):
            r0, c0 = a * strides[0], b * strides[1]
            win = xp[:, r0:r0 + pool[0], c0:c0 + pool[1]].reshape(n, -1, c)
            first = np.argmax(win, axis=1)
            for i in range(n):
                for ch in range(c):
                    dr, dc = divmod(first[i, ch], pool[1])
                    gx[i, r0 + dr, c0 + dc, ch] += g[i, a, b, ch]
    return gx[:, pads[0][0]:pads[0][0] + h, pads[1][0]:pads[1][0] + w]


@settings(max_examples=40, deadline=None)
@given(h=st.integers(2, 6), w=st.integers(2, 6), ph=st.integers(1, 3), pw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       seed=st.integers(0, 1000))
def test_max_pool_gradient_goes_to_the_first_maximum_with_ties(h, w, ph, pw, sh, sw, padding,
                                                              seed):
    if padding == "valid" and (h < ph or w < pw):
        return
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 3, size=(2, h, w, 2)).astype(np.float64)  # many ties
    xt = Tensor(x)
    with GradientTape() as tape:
        tape.watch(xt)
        y = P.max_pool(xt, (ph, pw), (sh, sw), padding)
    g = rng.normal(size=y.shape)
    got = tape.gradient(y, xt, output_gradients=[g]).numpy()
    np.testing.assert_allclose(got, ref_max_pool_grad(x, g, (ph, pw), (sh, sw), padding),
                               atol=1e-12)


def test_splitting_work_across_threads_changes_nothing(monkeypatch):
    x = rand(5, 7, 6, 3)
    cases = [(P.max_pool, 2, None, "valid"), (P.max_pool, 3, 2, "same"),
             (P.max_pool, 2, 1, "same"), (P.average_pool, 3, 2, "same"),
             (P.average_pool, 2, None, "valid")]
    plain = [fn(t(x), p, s, pad).numpy() for fn, p, s, pad in cases]
    monkeypatch.setattr(parallel_ops, "MIN_PARALLEL", 0)
    monkeypatch.setattr(parallel_ops, "PARTS", 3)
    for (fn, p, s, pad), want in zip(cases, plain):
        np.testing.assert_array_equal(fn(t(x), p, s, pad).numpy(), want)
        check_gradients(lambda x, fn=fn, p=p, s=s, pad=pad: fn(x, p, s, pad), [x])
