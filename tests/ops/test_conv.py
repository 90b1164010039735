"""Convolution primitives: values against a direct loop, gradients against finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.ops import conv as conv_ops
from featherflow.ops import conv_geometry as conv_geometry_ops
from featherflow.ops import conv_transpose as conv_transpose_ops
from featherflow.ops import depthwise_conv as depthwise_conv_ops
from featherflow.ops import im2col as im2col_ops
from featherflow.ops import parallel as parallel_ops
from featherflow.testing import check_gradients

RNG = np.random.default_rng(0)


def rand(*shape):
    return RNG.normal(size=shape)


def ref_conv2d(x, k, strides=(1, 1), pads=((0, 0), (0, 0)), dil=(1, 1), groups=1):
    """Direct definition: every output pixel a dot product with its (dilated) window."""
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    n, hh, ww, c = xp.shape
    kh, kw, cg, f = k.shape
    oh = (hh - (kh - 1) * dil[0] - 1) // strides[0] + 1
    ow = (ww - (kw - 1) * dil[1] - 1) // strides[1] + 1
    fg = f // groups
    out = np.zeros((n, oh, ow, f))
    for a in range(oh):
        for b in range(ow):
            patch = xp[:, a * strides[0]:a * strides[0] + (kh - 1) * dil[0] + 1:dil[0],
                       b * strides[1]:b * strides[1] + (kw - 1) * dil[1] + 1:dil[1]]
            for g in range(groups):
                out[:, a, b, g * fg:(g + 1) * fg] = np.tensordot(
                    patch[..., g * cg:(g + 1) * cg], k[..., g * fg:(g + 1) * fg], axes=3)
    return out


def ref_depthwise(x, k, strides=(1, 1), pads=((0, 0), (0, 0))):
    kh, kw, c, m = k.shape
    outs = [ref_conv2d(x[..., i:i + 1], k[:, :, i:i + 1, :], strides, pads) for i in range(c)]
    return np.concatenate(outs, axis=-1)


def t(a):
    return Tensor(np.asarray(a))


# -- helpers ---------------------------------------------------------------------------------
def test_same_pads_follow_tensorflow():
    # the odd pixel goes after; the total makes ceil(size / stride) outputs
    assert conv_geometry_ops.same_pads(5, 3, 1) == (1, 1)
    assert conv_geometry_ops.same_pads(6, 3, 2) == (0, 1)
    assert conv_geometry_ops.same_pads(7, 3, 2) == (1, 1)
    assert conv_geometry_ops.same_pads(4, 2, 1) == (0, 1)
    assert conv_geometry_ops.same_pads(5, 3, 1, dilation=2) == (2, 2)
    assert conv_geometry_ops.same_pads(8, 1, 3) == (0, 0)


# -- forward values --------------------------------------------------------------------------
@pytest.mark.parametrize("strides,padding,dil", [
    (1, "valid", 1), (1, "same", 1), (2, "valid", 1), (2, "same", 1), ((2, 1), "same", 1),
    (1, "valid", 2), (1, "same", (2, 1)), (3, "same", 1),
])
def test_conv2d_matches_direct_loop(strides, padding, dil):
    x, k, b = rand(2, 7, 6, 3), rand(3, 2, 3, 4), rand(4)
    st_ = conv_geometry_ops.normalize_tuple(strides, 2, "strides")
    dl = conv_geometry_ops.normalize_tuple(dil, 2, "dilation_rate")
    pads = conv_geometry_ops.conv_pads((7, 6), (3, 2), st_, dl, padding)
    want = ref_conv2d(x, k, st_, pads, dl) + b
    got = conv_ops.conv(t(x), t(k), t(b), strides=strides, padding=padding, dilation_rate=dil)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("channels", [1, 3, im2col_ops.TAP_MAJOR_CHANNELS + 2])
def test_both_unfold_layouts_agree_with_the_loop(channels):
    # few channels unfold tap-major, more position-major: both must give the same numbers
    x, k, b = rand(2, 6, 5, channels), rand(3, 2, channels, 3), rand(3)
    got = conv_ops.conv(t(x), t(k), t(b), strides=(1, 2), padding="same")
    pads = conv_geometry_ops.conv_pads((6, 5), (3, 2), (1, 2), (1, 1), "same")
    np.testing.assert_allclose(got.numpy(), ref_conv2d(x, k, (1, 2), pads) + b, rtol=1e-6,
                               atol=1e-6)
    check_gradients(lambda x, k, b: conv_ops.conv(x, k, b, strides=(1, 2), padding="same",
                                           activation="relu"), [x, k, b])
    check_gradients(lambda x, k: conv_ops.conv(x, k, dilation_rate=2), [x, k])


def test_conv2d_keeps_float32_and_fuses_relu():
    x = rand(2, 6, 6, 3).astype(np.float32)
    k = rand(3, 3, 3, 5).astype(np.float32)
    b = rand(5).astype(np.float32)
    y = conv_ops.conv(t(x), t(k), t(b), padding="same", activation="relu")
    assert y.dtype == np.float32
    want = np.maximum(ref_conv2d(x.astype(np.float64), k.astype(np.float64),
                                 pads=((1, 1), (1, 1))) + b, 0)
    np.testing.assert_allclose(y.numpy(), want, rtol=1e-4, atol=1e-5)


def test_conv2d_groups_match_per_group_convolutions():
    x, k = rand(2, 5, 5, 6), rand(3, 3, 2, 9)
    got = conv_ops.conv(t(x), t(k)).numpy()
    np.testing.assert_allclose(got, ref_conv2d(x, k, groups=3), rtol=1e-6, atol=1e-6)


def test_conv1d_causal_and_same():
    x, k = rand(2, 9, 3), rand(3, 3, 4)
    got = conv_ops.conv(t(x), t(k), padding="causal", dilation_rate=2).numpy()
    want = ref_conv2d(x[:, None], k[None], pads=((0, 0), (4, 0)), dil=(1, 2))[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    got = conv_ops.conv(t(x), t(k), strides=2, padding="same").numpy()
    want = ref_conv2d(x[:, None], k[None], strides=(1, 2), pads=((0, 0), (1, 1)))[:, 0]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_channels_first_is_a_transposed_channels_last():
    x, k = rand(2, 7, 6, 3), rand(3, 3, 3, 2)
    last = conv_ops.conv(t(x), t(k), strides=2, padding="same").numpy()
    first = conv_ops.conv(t(x.transpose(0, 3, 1, 2)), t(k), strides=2, padding="same",
                   data_format="channels_first").numpy()
    np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2), rtol=1e-6, atol=1e-6)


def test_depthwise_matches_per_channel_convolutions():
    x, k = rand(2, 6, 5, 3), rand(3, 3, 3, 2)
    got = depthwise_conv_ops.depthwise_conv(t(x), t(k), strides=2, padding="same").numpy()
    want = ref_depthwise(x, k, (2, 2), conv_geometry_ops.conv_pads((6, 5), (3, 3), (2, 2), (1, 1),
                                                                   "same"))
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_separable_is_depthwise_then_pointwise():
    x, dk, pk = rand(2, 6, 6, 3), rand(3, 3, 3, 2), rand(1, 1, 6, 4)
    got = depthwise_conv_ops.separable_conv(t(x), t(dk), t(pk)).numpy()
    want = ref_conv2d(ref_depthwise(x, dk), pk)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("strides,padding,output_padding,dil", [
    (1, "valid", None, 1), (2, "valid", None, 1), (2, "same", None, 1), (2, "valid", 1, 1),
    (2, "same", 1, 1), (3, "same", None, 1), (1, "same", None, 2), ((2, 1), "same", None, 1),
])
def test_conv_transpose_is_the_adjoint_of_conv(strides, padding, output_padding, dil):
    # <conv(y, K), x> == <conv_transpose(x, K), y> for every y of the transposed output's shape
    x, k = rand(2, 4, 3, 5), rand(3, 2, 2, 5)
    y = conv_transpose_ops.conv_transpose(t(x), t(k), strides=strides, padding=padding,
                         output_padding=output_padding, dilation_rate=dil).numpy()
    probe = rand(*y.shape)
    back = conv_ops.conv(t(probe), t(k), strides=strides, padding=padding,
                         dilation_rate=dil).numpy()
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(back * x), np.sum(y * probe), rtol=1e-9)


def test_conv_transpose_output_shapes_follow_keras():
    x, k = np.zeros((1, 7, 6, 4)), np.zeros((3, 3, 2, 4))
    assert conv_transpose_ops.conv_transpose(t(x), t(k)).shape == (1, 9, 8, 2)
    assert conv_transpose_ops.conv_transpose(t(x), t(k), strides=2).shape == (1, 15, 13, 2)
    conv_transpose = conv_transpose_ops.conv_transpose
    assert conv_transpose(t(x), t(k), strides=2, padding="same").shape == (1, 14, 12, 2)
    assert conv_transpose(t(x), t(k), strides=2, output_padding=1).shape == (1, 16, 14, 2)
    assert conv_transpose_ops.conv_transpose(t(x), t(k), strides=2, padding="same",
                            output_padding=0).shape == (1, 13, 11, 2)


def test_tf_nn_names():
    x, k = rand(1, 5, 5, 2), rand(3, 3, 2, 3)
    np.testing.assert_allclose(
        conv_ops.conv2d(t(x), t(k), strides=[1, 2, 2, 1], padding="SAME").numpy(),
        conv_ops.conv(t(x), t(k), strides=2, padding="same").numpy())
    y = conv_transpose_ops.conv2d_transpose(t(rand(1, 3, 3, 3)), t(k), output_shape=[1, 5, 5, 2],
                                            strides=2,
                           padding="SAME")
    assert y.shape == (1, 5, 5, 2)
    np.testing.assert_allclose(
        conv_ops.conv2d(t(x), t(k), 1, [[0, 0], [1, 1], [2, 0], [0, 0]]).numpy(),
        ref_conv2d(x, k, pads=((1, 1), (2, 0))))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="smaller than the"):
        conv_ops.conv(t(np.zeros((1, 2, 2, 1))), t(np.zeros((3, 3, 1, 1))))
    with pytest.raises(ValueError, match="channels"):
        conv_ops.conv(t(np.zeros((1, 5, 5, 3))), t(np.zeros((3, 3, 2, 4))))
    with pytest.raises(ValueError, match="padding"):
        conv_ops.conv(t(np.zeros((1, 5, 5, 1))), t(np.zeros((3, 3, 1, 1))), padding="full")
    with pytest.raises(ValueError, match="causal"):
        conv_ops.conv(t(np.zeros((1, 5, 5, 1))), t(np.zeros((3, 3, 1, 1))), padding="causal")
    with pytest.raises(ValueError, match="activation"):
        conv_ops.conv(t(np.zeros((1, 5, 5, 1))), t(np.zeros((3, 3, 1, 1))), activation="gelu")


# -- gradients -------------------------------------------------------------------------------
@pytest.mark.parametrize("strides,padding,dil,act", [
    (1, "valid", 1, None), (2, "same", 1, "relu"), ((1, 2), "same", 1, "tanh"),
    (1, "same", 2, "sigmoid"), (3, "valid", 1, None), (2, "valid", 1, "softmax"),
])
def test_conv2d_gradients(strides, padding, dil, act):
    x, k, b = rand(2, 6, 5, 2), rand(3, 2, 2, 3), rand(3)
    check_gradients(lambda x, k, b: conv_ops.conv(x, k, b, strides=strides, padding=padding,
                                           dilation_rate=dil, activation=act), [x, k, b])


def test_conv2d_groups_gradients():
    check_gradients(lambda x, k: conv_ops.conv(x, k, strides=2, padding="same"),
                    [rand(2, 5, 5, 4), rand(3, 3, 2, 6)])


def test_conv1d_gradients():
    check_gradients(lambda x, k, b: conv_ops.conv(x, k, b, padding="causal", dilation_rate=2),
                    [rand(2, 7, 3), rand(3, 3, 2), rand(2)])
    check_gradients(lambda x, k: conv_ops.conv(x, k, strides=2, padding="same"),
                    [rand(2, 8, 3), rand(2, 3, 2)])


def test_channels_first_gradients():
    check_gradients(lambda x, k, b: conv_ops.conv(x, k, b, padding="same",
                                           data_format="channels_first"),
                    [rand(2, 2, 5, 4), rand(3, 3, 2, 3), rand(3)])
    check_gradients(lambda x, k: conv_ops.conv(x, k, strides=2, data_format="channels_first"),
                    [rand(2, 3, 7), rand(3, 3, 2)])


@pytest.mark.parametrize("strides,padding,output_padding,act", [
    (1, "valid", None, None), (2, "same", None, "relu"), (2, "valid", 1, None),
    ((2, 1), "same", None, "tanh"),
])
def test_conv_transpose_gradients(strides, padding, output_padding, act):
    x, k, b = rand(2, 3, 4, 2), rand(3, 2, 3, 2), rand(3)
    check_gradients(lambda x, k, b: conv_transpose_ops.conv_transpose(
        x, k, b, strides=strides, padding=padding, output_padding=output_padding,
        activation=act), [x, k, b])


def test_conv_transpose_1d_and_channels_first_gradients():
    check_gradients(lambda x, k: conv_transpose_ops.conv_transpose(x, k, strides=2, padding="same"),
                    [rand(2, 4, 3), rand(3, 2, 3)])
    check_gradients(lambda x, k: conv_transpose_ops.conv_transpose(x, k, strides=2,
                                                  data_format="channels_first"),
                    [rand(1, 2, 3, 3), rand(2, 2, 3, 2)])


@pytest.mark.parametrize("strides,padding,dil", [(1, "valid", 1), (2, "same", 1),
                                                 (1, "same", 2)])
def test_depthwise_gradients(strides, padding, dil):
    check_gradients(lambda x, k, b: depthwise_conv_ops.depthwise_conv(x, k, b, strides=strides,
                                                     padding=padding, dilation_rate=dil),
                    [rand(2, 5, 6, 3), rand(3, 3, 3, 2), rand(6)])


def test_separable_gradients():
    check_gradients(lambda x, d, p, b: depthwise_conv_ops.separable_conv(x, d, p, b, padding="same",
                                                        activation="relu"),
                    [rand(2, 5, 5, 2), rand(3, 3, 2, 2), rand(1, 1, 4, 3), rand(3)])


def test_frozen_kernel_skips_its_gradient():
    x = Tensor(rand(1, 4, 4, 2))
    k = Tensor(rand(3, 3, 2, 2))
    with GradientTape() as tape:
        tape.watch(x)
        y = conv_ops.conv(x, k)
    gx, gk = tape.gradient(y, [x, k])
    assert gk is None and gx.shape == x.shape


# -- random shapes ---------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 3), kw=st.integers(1, 3),
       sh=st.integers(1, 3), sw=st.integers(1, 3), dh=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), groups=st.sampled_from([1, 2]))
def test_conv2d_random_shapes(h, w, kh, kw, sh, sw, dh, padding, groups):
    if padding == "valid" and (h < (kh - 1) * dh + 1 or w < kw):
        return
    x, k = rand(2, h, w, 2 * groups), rand(kh, kw, 2, 2 * groups)
    pads = conv_geometry_ops.conv_pads((h, w), (kh, kw), (sh, sw), (dh, 1), padding)
    got = conv_ops.conv(t(x), t(k), strides=(sh, sw), padding=padding, dilation_rate=(dh, 1))
    want = ref_conv2d(x, k, (sh, sw), pads, (dh, 1), groups)
    assert got.shape == want.shape
    if padding == "same":
        assert got.shape[1:3] == (-(-h // sh), -(-w // sw))
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-6, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 5), w=st.integers(1, 5), k=st.integers(1, 3), s=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same"]), extra=st.integers(0, 2))
def test_conv_transpose_random_shapes_are_adjoint(h, w, k, s, padding, extra):
    op = min(extra, s - 1) if extra else None
    x, kern = rand(1, h, w, 2), rand(k, k, 3, 2)
    if padding == "same" and op is not None and not 1 <= k % 2 + op <= s:
        # TensorFlow refuses these too: the output would not map back onto the input
        with pytest.raises(ValueError, match="does not map back"):
            conv_transpose_ops.conv_transpose(t(x), t(kern), strides=s, padding=padding,
                                              output_padding=op)
        return
    y = conv_transpose_ops.conv_transpose(t(x), t(kern), strides=s, padding=padding,
                                          output_padding=op)
    probe = rand(*y.shape)
    back = conv_ops.conv(t(probe), t(kern), strides=s, padding=padding).numpy()
    np.testing.assert_allclose(np.sum(back * x), np.sum(y.numpy() * probe), rtol=1e-9,
                               atol=1e-9)


# -- work split across threads ---------------------------------------------------------------
def test_splitting_work_across_threads_changes_nothing(monkeypatch):
    # force the multi-threaded paths on small arrays, cut unevenly in three
    x, k, b = rand(5, 7, 6, 3), rand(3, 3, 3, 4), rand(4)
    x6, k6 = rand(5, 6, 6, 6), rand(2, 2, 6, 4)

    def run():
        outs = [conv_ops.conv(t(x), t(k), t(b), padding="same", activation=act).numpy()
                for act in ("relu", "tanh", "softmax")]
        outs.append(conv_ops.conv(t(x6), t(k6), t(b), strides=2).numpy())
        outs.append(conv_transpose_ops.conv_transpose(t(x), t(rand(3, 3, 2, 3)), strides=2).numpy())
        return outs

    RNG.bit_generator.state = np.random.default_rng(42).bit_generator.state
    plain = run()
    monkeypatch.setattr(parallel_ops, "MIN_PARALLEL", 0)
    monkeypatch.setattr(parallel_ops, "PARTS", 3)
    RNG.bit_generator.state = np.random.default_rng(42).bit_generator.state
    for a, b_ in zip(run(), plain):
        np.testing.assert_array_equal(a, b_)
    check_gradients(lambda x, k, b: conv_ops.conv(x, k, b, strides=2, padding="same",
                                           activation="sigmoid"), [x, k, b])
    check_gradients(lambda x, k: conv_ops.conv(x, k, padding="same", activation="relu"), [x6, k6])
    check_gradients(lambda x, k: depthwise_conv_ops.depthwise_conv(x, k, padding="same"),
                    [x, rand(3, 3, 3, 2)])
