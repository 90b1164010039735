"""Property-based checks: ~30 ops and layers on random shapes, dtypes and arguments.

Every outcome must be either NumPy's answer (the oracle, with TF's semantics where they
differ: no negative gather indices, argmax over axis 0 by default...) or, where TensorFlow
refuses the arguments, a clear error of a documented class: ``ValueError`` (featherflow's
``tf.errors.InvalidArgumentError`` is one) or ``TypeError``, raised by featherflow itself,
never an ``IndexError``/``ZeroDivisionError``/``AxisError`` from inside NumPy. Each property
runs a bounded number of examples (``EXAMPLES``) so the module stays fast; the counts are in
docs/reliability.md.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import featherflow as tf

EXAMPLES = 12
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FLOATS = st.sampled_from([np.float32, np.float64])
NUMERIC = st.sampled_from([np.float32, np.float64, np.int32, np.int64])


def arrays(dtype=FLOATS, min_dims=0, max_dims=3, min_side=1, max_side=4):
    shapes = hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                              max_side=max_side)
    return dtype.flatmap(lambda dt: hnp.arrays(
        dt, shapes, elements=st.integers(-9, 9) if np.dtype(dt).kind == "i" else
        st.floats(-4, 4, width=32)))


# outcomes seen in this run ({"value": n, "error": n}); printed with ``pytest -s``
COUNTS = {"value": 0, "error": 0}


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nproperty cases: {COUNTS['value'] + COUNTS['error']} ({COUNTS['value']} answers "
          f"equal to NumPy's, {COUNTS['error']} clear errors)")


def outcome(fn):
    """``("value", array)`` or ``("error", exception)``; NumPy-internal errors fail the test."""
    kind, value = _outcome(fn)
    COUNTS[kind] += 1
    return kind, value


def _outcome(fn):
    try:
        out = fn()
    except (ValueError, TypeError) as err:
        assert type(err).__module__.split(".")[0] in ("featherflow", "builtins"), (
            f"an error from inside {type(err).__module__}: {type(err).__name__}: {err}")
        assert type(err).__name__ != "AxisError", err
        assert len(str(err)) > 15, f"a vague message: {err!r}"
        return "error", err
    if isinstance(out, (list, tuple)):
        return "value", [np.asarray(o) for o in out]
    return "value", np.asarray(out)


def check(fn, expected, rtol=1e-5, dtype=None):
    """``expected`` an array (the answer) or None (TF refuses: a clear error is required)."""
    kind, got = outcome(fn)
    if expected is None:
        assert kind == "error", f"expected a clear error, got {got!r}"
        return
    assert kind == "value", f"refused valid arguments: {got}"
    if isinstance(expected, list):
        assert len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=rtol, atol=1e-5)
        return
    assert got.shape == np.shape(expected), (got.shape, np.shape(expected))
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=1e-5)
    if dtype is not None:
        assert got.dtype == np.dtype(dtype), (got.dtype, dtype)


def valid_axis(axis, rank):
    return -rank <= axis < rank


# -- elementwise with broadcasting ----------------------------------------------------------
BINARY = {
    "add": (tf.add, np.add), "subtract": (tf.subtract, np.subtract),
    "multiply": (tf.multiply, np.multiply), "maximum": (tf.maximum, np.maximum),
    "minimum": (tf.minimum, np.minimum), "squared_difference":
        (tf.math.squared_difference, lambda a, b: np.square(a - b)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@PROPERTY
@given(data=st.data())
def test_binary_ops_broadcast_as_numpy_or_refuse(name, data):
    dtype = data.draw(FLOATS)
    a = data.draw(arrays(st.just(dtype)))
    b = data.draw(arrays(st.just(dtype)))
    ours, oracle = BINARY[name]
    try:
        expected = oracle(a, b)
    except ValueError:
        expected = None  # shapes that do not broadcast: TF refuses too
    check(lambda: ours(a, b), expected, dtype=dtype if expected is not None else None)


UNARY = {
    "abs": (tf.abs, np.abs), "negative": (tf.negative, np.negative),
    "square": (tf.square, np.square), "exp": (tf.exp, np.exp), "tanh": (tf.tanh, np.tanh),
    "sqrt_of_abs": (lambda x: tf.sqrt(tf.abs(x)), lambda x: np.sqrt(np.abs(x))),
    "sign": (tf.sign, np.sign), "floor": (tf.floor, np.floor),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@PROPERTY
@given(x=arrays())
def test_unary_ops_match_numpy_and_keep_the_dtype(name, x):
    ours, oracle = UNARY[name]
    check(lambda: ours(x), oracle(x), dtype=x.dtype)


# -- reductions -----------------------------------------------------------------------------
REDUCE = {
    "reduce_sum": (tf.reduce_sum, np.sum), "reduce_max": (tf.reduce_max, np.max),
    "reduce_min": (tf.reduce_min, np.min), "reduce_mean": (tf.reduce_mean, np.mean),
    "reduce_prod": (tf.reduce_prod, np.prod),
}


@pytest.mark.parametrize("name", sorted(REDUCE))
@PROPERTY
@given(x=arrays(min_dims=1), axis=st.one_of(st.none(), st.integers(-4, 4)),
       keepdims=st.booleans())
def test_reductions_match_numpy_or_refuse_a_bad_axis(name, x, axis, keepdims):
    ours, oracle = REDUCE[name]
    expected = None
    if axis is None or valid_axis(axis, x.ndim):
        expected = oracle(x, axis=axis, keepdims=keepdims).astype(x.dtype)
    check(lambda: ours(x, axis=axis, keepdims=keepdims), expected, rtol=1e-4)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@PROPERTY
@given(x=arrays(NUMERIC, min_dims=1), axis=st.one_of(st.none(), st.integers(-4, 4)))
def test_argmax_argmin_default_to_axis_0_as_tf(name, x, axis):
    ours, oracle = {"argmax": (tf.argmax, np.argmax), "argmin": (tf.argmin, np.argmin)}[name]
    expected = oracle(x, axis=0 if axis is None else axis) if axis is None or valid_axis(
        axis, x.ndim) else None
    check(lambda: ours(x, axis=axis), expected)


@PROPERTY
@given(x=arrays(NUMERIC), axis=st.integers(-3, 3), exclusive=st.booleans(),
       reverse=st.booleans())
def test_cumsum_matches_numpy_and_refuses_scalars(x, axis, exclusive, reverse):
    expected = None
    if x.ndim and valid_axis(axis, x.ndim):
        a = np.flip(x, axis) if reverse else x
        out = np.cumsum(a, axis=axis, dtype=x.dtype)
        if exclusive:
            out = out - a
        expected = np.flip(out, axis) if reverse else out
    check(lambda: tf.cumsum(x, axis=axis, exclusive=exclusive, reverse=reverse), expected)


# -- shapes and indexing --------------------------------------------------------------------
@PROPERTY
@given(x=arrays(NUMERIC, min_side=0), shape=st.lists(st.integers(-1, 6), max_size=4))
def test_reshape_keeps_the_values_or_refuses(x, shape):
    known = int(np.prod([s for s in shape if s != -1]))
    ok = shape.count(-1) <= 1 and all(s >= -1 for s in shape) and (
        known == x.size if -1 not in shape else (known > 0 and x.size % known == 0))
    check(lambda: tf.reshape(x, shape), x.reshape(shape) if ok else None)


@PROPERTY
@given(x=arrays(NUMERIC), perm=st.lists(st.integers(-1, 3), max_size=3))
def test_transpose_permutes_or_refuses(x, perm):
    ok = sorted(p % x.ndim if x.ndim else p for p in perm) == list(range(x.ndim)) and \
        all(-x.ndim <= p < x.ndim for p in perm)
    check(lambda: tf.transpose(x, perm), np.transpose(x, perm) if ok else None)


@PROPERTY
@given(x=arrays(NUMERIC, max_side=2), axis=st.integers(-4, 4))
def test_squeeze_removes_only_size_1_axes(x, axis):
    ok = valid_axis(axis, x.ndim) and x.shape[axis] == 1
    check(lambda: tf.squeeze(x, axis=axis), np.squeeze(x, axis=axis) if ok else None)


@PROPERTY
@given(x=arrays(NUMERIC), axis=st.integers(-5, 5))
def test_expand_dims_inserts_or_refuses(x, axis):
    ok = -x.ndim - 1 <= axis <= x.ndim
    check(lambda: tf.expand_dims(x, axis), np.expand_dims(x, axis) if ok else None)


@PROPERTY
@given(data=st.data())
def test_concat_joins_or_refuses_shapes_that_differ(data):
    a = data.draw(arrays(NUMERIC, min_dims=1))
    shape = list(a.shape)
    if data.draw(st.booleans()):
        shape[data.draw(st.integers(0, len(shape) - 1))] = data.draw(st.integers(1, 4))
    b = np.ones(shape, a.dtype)
    axis = data.draw(st.integers(-3, 3))
    try:
        expected = np.concatenate([a, b], axis=axis) if valid_axis(axis, a.ndim) else None
    except ValueError:
        expected = None
    check(lambda: tf.concat([a, b], axis=axis), expected)


@PROPERTY
@given(x=arrays(NUMERIC), reps=st.lists(st.integers(-1, 3), max_size=4))
def test_tile_repeats_or_refuses(x, reps):
    ok = len(reps) == x.ndim and min(reps, default=0) >= 0
    check(lambda: tf.tile(x, reps), np.tile(x, reps) if ok else None)


@PROPERTY
@given(x=arrays(NUMERIC, min_dims=1), data=st.data(),
       mode=st.sampled_from(["CONSTANT", "REFLECT", "SYMMETRIC"]))
def test_pad_matches_numpy_or_refuses_widths_that_do_not_fit(x, data, mode):
    pads = data.draw(st.lists(st.tuples(st.integers(-1, 4), st.integers(-1, 4)),
                              min_size=x.ndim - 1, max_size=x.ndim + 1))
    ok = len(pads) == x.ndim and min((min(p) for p in pads), default=0) >= 0
    if ok and mode != "CONSTANT":
        limit = [s - 1 if mode == "REFLECT" else s for s in x.shape]
        ok = all(max(p) <= lim for p, lim in zip(pads, limit))
    expected = np.pad(x, pads, mode=mode.lower()) if ok else None
    check(lambda: tf.pad(x, pads, mode=mode), expected)


@PROPERTY
@given(x=arrays(NUMERIC, min_dims=1), idx=st.lists(st.integers(-5, 5), min_size=0,
                                                   max_size=5), axis=st.integers(-2, 2))
def test_gather_takes_rows_or_refuses_out_of_range_and_negative_indices(x, idx, axis):
    ok = valid_axis(axis, x.ndim) and all(0 <= i < x.shape[axis] for i in idx)
    expected = np.take(x, np.asarray(idx, np.int64), axis=axis) if ok else None
    check(lambda: tf.gather(x, np.asarray(idx, np.int64), axis=axis), expected)


@PROPERTY
@given(idx=st.lists(st.integers(-2, 6), max_size=5), depth=st.integers(-2, 5))
def test_one_hot_matches_and_refuses_a_negative_depth(idx, depth):
    expected = None
    if depth >= 0:
        i = np.asarray(idx, np.int64)
        expected = (i[:, None] == np.arange(depth)).astype(np.float32)
    check(lambda: tf.one_hot(np.asarray(idx, np.int64), depth), expected, dtype=np.float32)


@PROPERTY
@given(x=arrays(), lo=st.floats(-3, 3, width=32), hi=st.floats(-3, 3, width=32))
def test_clip_by_value_matches_numpy(x, lo, hi):
    if lo > hi:
        lo, hi = hi, lo
    check(lambda: tf.clip_by_value(x, lo, hi), np.clip(x, lo, hi), dtype=x.dtype)


@PROPERTY
@given(x=arrays(NUMERIC, min_dims=1), axis=st.integers(-3, 3))
def test_reverse_flips_or_refuses(x, axis):
    ok = valid_axis(axis, x.ndim)
    check(lambda: tf.reverse(x, [axis]), np.flip(x, axis) if ok else None)


# -- layers ---------------------------------------------------------------------------------
@PROPERTY
@given(x=arrays(st.just(np.float32), min_dims=2, max_dims=3),
       units=st.integers(-1, 5))
def test_dense_is_a_matmul_or_refuses_bad_units(x, units):
    def run():
        layer = tf.keras.layers.Dense(units)
        out = layer(x)
        return out, layer.kernel.numpy(), layer.bias.numpy()

    kind, got = outcome(run)
    if units <= 0:
        assert kind == "error"
        return
    assert kind == "value", got
    out, kernel, bias = got
    np.testing.assert_allclose(out, x @ kernel + bias, rtol=1e-5, atol=1e-5)


@PROPERTY
@given(x=arrays(st.just(np.float32), min_dims=2, max_dims=4))
def test_global_average_pooling_1d_refuses_other_ranks(x):
    check(lambda: tf.keras.layers.GlobalAveragePooling1D()(x),
          x.mean(axis=1) if x.ndim == 3 else None)


@PROPERTY
@given(x=arrays(st.just(np.float32), min_dims=3, max_dims=3, max_side=6),
       crop=st.tuples(st.integers(0, 4), st.integers(0, 4)))
def test_cropping1d_crops_or_refuses_what_does_not_fit(x, crop):
    ok = crop[0] + crop[1] < x.shape[1]
    check(lambda: tf.keras.layers.Cropping1D(crop)(x),
          x[:, crop[0]:x.shape[1] - crop[1]] if ok else None)


@PROPERTY
@given(x=arrays(st.just(np.float32), min_dims=3, max_dims=3),
       pad=st.tuples(st.integers(0, 3), st.integers(0, 3)))
def test_zero_padding1d_pads_with_zeros(x, pad):
    check(lambda: tf.keras.layers.ZeroPadding1D(pad)(x),
          np.pad(x, [(0, 0), pad, (0, 0)]))


@PROPERTY
@given(x=arrays(st.just(np.float32), min_dims=3, max_dims=3, max_side=5),
       kernel=st.integers(1, 6), padding=st.sampled_from(["valid", "same"]))
def test_conv1d_correlates_or_refuses_a_kernel_larger_than_the_input(x, kernel, padding):
    def run():
        layer = tf.keras.layers.Conv1D(2, kernel, padding=padding)
        return layer(x), layer.kernel.numpy(), layer.bias.numpy()

    kind, got = outcome(run)
    if padding == "valid" and kernel > x.shape[1]:
        assert kind == "error"
        return
    assert kind == "value", got
    out, k, b = got
    xp = x
    if padding == "same":
        total = kernel - 1
        xp = np.pad(x, [(0, 0), (total // 2, total - total // 2), (0, 0)])
    steps = xp.shape[1] - kernel + 1
    expected = np.stack([np.einsum("bkc,kcf->bf", xp[:, t:t + kernel], k)
                         for t in range(steps)], axis=1) + b
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)


@PROPERTY
@given(x=arrays(FLOATS, min_dims=1, max_dims=3), axis=st.integers(-3, 2))
def test_softmax_sums_to_one_or_refuses_a_bad_axis(x, axis):
    expected = None
    if valid_axis(axis, x.ndim):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        expected = e / e.sum(axis=axis, keepdims=True)
    check(lambda: tf.nn.softmax(x, axis=axis), expected, rtol=1e-4)
