"""Every differentiable primitive and activation through the numerical gradient checker.

Shapes (with broadcasting) and values are drawn by hypothesis; values keep away from kinks
(|x| > 0.1 for relu/abs, no ties for max/min) where central differences are meaningless, and
those kinks get their own tests in test_edge_values.py. A coverage test fails when a new
primitive is added to ops.math/shape/nn without a case here.
"""

import inspect
import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import featherflow as tf
from featherflow.autodiff.function import Function
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.ops import activations as activations_ops
from featherflow.ops import concat as concat_ops
from featherflow.ops import cross_entropy as cross_entropy_ops
from featherflow.ops import dense as dense_ops
from featherflow.ops import indexing as indexing_ops
from featherflow.ops import math as M
from featherflow.ops import padding as padding_ops
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import reverse as reverse_ops
from featherflow.ops import softmax as softmax_ops
from featherflow.ops import sort as sort_ops
from featherflow.ops import tiling as tiling_ops
from featherflow.testing import check_gradients

SETTINGS = settings(max_examples=10, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

CASES = {}


def case(name, *prims, kinds=()):
    """Register a case drawing ``(fn, inputs, check_kwargs)`` and the primitives it covers."""
    def deco(f):
        CASES[name] = (f, prims, kinds)
        return f
    return deco


def arr(d, shape, lo=-2.0, hi=2.0, away=0.0):
    """Random float64 values in [lo, hi]; with ``away``, magnitudes in [away, hi] of
    random sign. Each call in one example gets its own stream (no accidental ties)."""
    salt = d.__dict__.setdefault("_salt", itertools.count())
    seed = d.draw(st.integers(0, 2**31 - 1), label="seed")
    rng = np.random.default_rng([seed, next(salt)])
    if away:
        return rng.uniform(away, hi, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    return rng.uniform(lo, hi, size=shape)


def shape(d, min_dims=0, max_dims=3):
    return d.draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                   max_side=3), label="shape")


def bshapes(d, n=2, min_dims=0):
    return d.draw(hnp.mutually_broadcastable_shapes(num_shapes=n, min_dims=min_dims,
                                                    max_dims=3, max_side=3),
                  label="shapes").input_shapes


def axis_of(d, nd):
    return d.draw(st.integers(-nd, nd - 1), label="axis") if nd else None


# -- elementwise binary (broadcasting) --------------------------------------------------------
def _binary(name, fn, prim, lo=-2.0, hi=2.0, b_lo=None, b_hi=None, b_away=0.0):
    @case(name, prim)
    def _(d):
        sa, sb = bshapes(d)
        a = arr(d, sa, lo, hi)
        b = arr(d, sb, b_lo if b_lo is not None else lo, b_hi if b_hi is not None else hi,
                away=b_away)
        return fn, [a, b], {}


_binary("add", lambda a, b: a + b, M.Add)
_binary("subtract", lambda a, b: a - b, M.Subtract)
_binary("multiply", lambda a, b: a * b, M.Multiply)
_binary("divide", lambda a, b: a / b, M.Divide, b_away=0.5)
_binary("pow", lambda a, b: a ** b, M.Pow, lo=0.5, hi=2.0)
_binary("maximum", tf.maximum, M.Maximum)
_binary("minimum", tf.minimum, M.Minimum)
_binary("squared_difference", M.squared_difference, M.SquaredDifference)
_binary("xlogy", M.xlogy, M.Xlogy, lo=0.2, hi=2.0)
_binary("floormod", M.mod, M.Mod, lo=-3.0, hi=3.0, b_lo=0.7, b_hi=1.3)


# -- elementwise unary ------------------------------------------------------------------------
def _unary(name, fn, prim, lo=-2.0, hi=2.0, away=0.0, kinds=()):
    @case(name, *((prim,) if prim else ()), kinds=kinds)
    def _(d):
        return fn, [arr(d, shape(d), lo, hi, away)], {}


_unary("negative", lambda x: -x, M.Negative)
_unary("exp", tf.exp, M.Exp)
_unary("log", tf.math.log, M.Log, 0.2, 3.0)
_unary("log1p", tf.math.log1p, M.Log1p, -0.5, 2.0)
_unary("expm1", tf.math.expm1, M.Expm1)
_unary("sqrt", tf.sqrt, M.Sqrt, 0.2, 3.0)
_unary("rsqrt", tf.math.rsqrt, M.Rsqrt, 0.2, 3.0)
_unary("square", tf.square, M.Square)
_unary("abs", tf.abs, M.Abs, away=0.1)
_unary("sign", tf.sign, M.Sign, away=0.1)
_unary("sin", tf.sin, M.Sin)
_unary("cos", tf.cos, M.Cos)
_unary("tan", tf.math.tan, M.Tan, -1.2, 1.2)
_unary("sinh", tf.math.sinh, M.Sinh)
_unary("cosh", tf.math.cosh, M.Cosh)
_unary("atan", tf.math.atan, M.Atan)
_unary("asin", tf.math.asin, M.Asin, -0.9, 0.9)
_unary("acos", tf.math.acos, M.Acos, -0.9, 0.9)
_unary("erf", tf.math.erf, M.Erf, -3.0, 3.0)
_unary("reciprocal", tf.math.reciprocal, M.Reciprocal, away=0.3)
_unary("identity", tf.identity, M.Identity)

# activations: every ELEMENTWISE kind, kept away from kinks (0 for relu-like, +-3 hard)
for _kind, _away in [("sigmoid", 0), ("tanh", 0), ("relu", 0.1), ("relu6", 0.1),
                     ("elu", 0.1), ("selu", 0.1), ("softplus", 0), ("softsign", 0.1),
                     ("swish", 0), ("silu", 0), ("hard_sigmoid", 0.1), ("hard_silu", 0.1),
                     ("hard_swish", 0.1), ("gelu", 0), ("gelu_tanh", 0), ("mish", 0),
                     ("exponential", 0), ("linear", 0), ("log_sigmoid", 0)]:
    _unary(f"activation_{_kind}", (lambda k: lambda x: activations_ops.Elementwise(k)(x))(_kind),
           activations_ops.Elementwise, lo=-2.5, hi=2.5, away=_away, kinds=(_kind,))

_unary("nn.relu", tf.nn.relu, None, away=0.1, kinds=("relu",))
_unary("nn.gelu_approximate", lambda x: tf.nn.gelu(x, approximate=True), None,
       kinds=("gelu_tanh",))
_unary("leaky_relu", lambda x: tf.nn.leaky_relu(x, alpha=0.3), activations_ops.LeakyRelu, away=0.1)
_unary("elu_alpha", lambda x: tf.nn.elu(x, alpha=0.5), activations_ops.ParamElu, away=0.1)
_unary("reduce_variance", lambda x: tf.math.reduce_variance(x, axis=-1), None)
_unary("l2_normalize", lambda x: tf.math.l2_normalize(x, axis=-1), None, away=0.2)
_unary("l2_loss", tf.nn.l2_loss, None)
_unary("norm", lambda x: tf.linalg.norm(x), None, away=0.2)
_unary("norm_1", lambda x: tf.linalg.norm(x, ord=1), None, away=0.2)
_unary("clip_by_norm", lambda x: M.clip_by_norm(x, 0.5), None, away=0.2)
_unary("reduce_euclidean_norm", lambda x: tf.math.reduce_euclidean_norm(x), None, away=0.2)
_unary("divide_no_nan", lambda x: M.divide_no_nan(x, x * x), None, away=0.3)


@case("reduce_std")
def _(d):
    # at least two values along the axis: the std of one value is 0, where sqrt has no
    # derivative (TensorFlow gives nan too)
    s = (d.draw(st.integers(2, 3)),) + shape(d, max_dims=2)
    return (lambda x: tf.math.reduce_std(x, axis=0)), [arr(d, s)], {}


@case("clip_by_value", M.Clip)
def _(d):
    x = arr(d, shape(d), -2.0, 2.0)
    x = np.where(np.abs(np.abs(x) - 1.0) < 0.05, x + 0.1, x)  # away from the bounds
    return lambda t: tf.clip_by_value(t, -1.0, 1.0), [x], {}


@case("where", M.Where)
def _(d):
    sc, sa, sb = bshapes(d, 3)
    cond = arr(d, sc) > 0
    return lambda a, b: tf.where(cond, a, b), [arr(d, sa), arr(d, sb)], {}


@case("cast", M.Cast)
def _(d):
    def fn(x):
        # float64 -> float32 -> float64 is the identity up to float32 rounding
        return tf.cast(tf.cast(x, tf.float32), tf.float64)
    return fn, [arr(d, shape(d))], {"eps": 1e-2, "atol": 1e-4}


# -- matmul, einsum, tensordot --------------------------------------------------------------
@case("matmul", M.MatMul)
def _(d):
    n, k, m = (d.draw(st.integers(1, 3)) for _ in range(3))
    batch = d.draw(st.sampled_from([((), ()), ((2,), (2,)), ((2,), ()), ((1,), (3,)),
                                    ((2, 1), (3,))]), label="batch")
    ba, bb = batch
    ta, tb = d.draw(st.booleans()), d.draw(st.booleans())
    a = arr(d, ba + ((k, n) if ta else (n, k)))
    b = arr(d, bb + ((m, k) if tb else (k, m)))
    return lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb), [a, b], {}


@case("matmul_vector")
def _(d):
    n, k = d.draw(st.integers(1, 3)), d.draw(st.integers(1, 3))
    which = d.draw(st.sampled_from(["mv", "vm", "vv"]))
    if which == "mv":
        ins = [arr(d, (n, k)), arr(d, (k,))]
    elif which == "vm":
        ins = [arr(d, (k,)), arr(d, (2, k, n))]
    else:
        ins = [arr(d, (k,)), arr(d, (k,))]
    return tf.matmul, ins, {}


@case("einsum", M.Einsum)
def _(d):
    eq, shapes = d.draw(st.sampled_from([
        ("ij,jk->ik", [(2, 3), (3, 4)]),
        ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
        ("...ij,jk->...ik", [(2, 1, 2, 3), (3, 2)]),
        ("...ij,...jk->...ik", [(1, 2, 3), (3, 3, 2)]),
        ("i,i->", [(3,), (3,)]),
        ("ij->j", [(2, 3)]),
        ("ij,k->ik", [(2, 3), (2,)]),
        ("ij,jk->ik", [(2, 1), (3, 2)]),
        ("bqhd,bkhd->bhqk", [(1, 2, 2, 3), (1, 3, 2, 3)]),
        ("ij,j", [(2, 3), (3,)]),
        ("a...c,c->...a", [(2, 3, 2), (2,)]),
    ]), label="equation")
    return (lambda *xs: M.einsum(eq, *xs)), [arr(d, s) for s in shapes], {}


@case("tensordot")
def _(d):
    return (lambda a, b: tf.tensordot(a, b, axes=[[1, 2], [0, 1]]),
            [arr(d, (2, 3, 2)), arr(d, (3, 2, 2))], {})


@case("matvec")
def _(d):
    return tf.linalg.matvec, [arr(d, (2, 3, 2)), arr(d, (2,))], {}


# -- reductions ----------------------------------------------------------------------------
def _reduction(name, fn, prim, away=0.0):
    @case(name, prim)
    def _(d):
        s = shape(d)
        ax = d.draw(st.one_of(st.none(), st.integers(-len(s), len(s) - 1) if s else st.none(),
                              st.just(tuple(range(len(s))))), label="axis")
        keep = d.draw(st.booleans(), label="keepdims")
        return (lambda x: fn(x, axis=ax, keepdims=keep)), [arr(d, s, away=away)], {}


_reduction("reduce_sum", tf.reduce_sum, M.Sum)
_reduction("reduce_mean", tf.reduce_mean, M.Mean)
_reduction("reduce_max", tf.reduce_max, M.MaxMin)
_reduction("reduce_min", tf.reduce_min, M.MaxMin)
_reduction("reduce_prod", tf.reduce_prod, M.Prod, away=0.3)
_reduction("reduce_logsumexp", tf.reduce_logsumexp, M.LogSumExp)


@case("cumsum", M.CumSum)
def _(d):
    s = shape(d, min_dims=1)
    ax = axis_of(d, len(s))
    ex, rev = d.draw(st.booleans()), d.draw(st.booleans())
    return (lambda x: tf.cumsum(x, axis=ax, exclusive=ex, reverse=rev)), [arr(d, s)], {}


@case("unsorted_segment_sum", M.UnsortedSegmentSum)
def _(d):
    ids = np.array([0, 2, -1, 2, 1])
    return (lambda x: tf.math.unsorted_segment_sum(x, ids, 3)), [arr(d, (5, 2))], {}


# -- shape ops ------------------------------------------------------------------------------
@case("reshape", reshape_ops.Reshape)
def _(d):
    s = shape(d)
    return (lambda x: tf.reshape(x, (-1,))), [arr(d, s)], {}


@case("expand_squeeze")
def _(d):
    s = shape(d)
    ax = d.draw(st.integers(-len(s) - 1, len(s)))
    return (lambda x: tf.squeeze(tf.expand_dims(x, ax) * 2.0, ax)), [arr(d, s)], {}


@case("transpose", reshape_ops.Transpose)
def _(d):
    s = shape(d, min_dims=1)
    perm = d.draw(st.permutations(range(len(s))))
    return (lambda x: tf.transpose(x, perm)), [arr(d, s)], {}


@case("concat", concat_ops.Concat)
def _(d):
    s = shape(d, min_dims=1)
    ax = axis_of(d, len(s))
    s2 = list(s)
    s2[ax] = d.draw(st.integers(1, 3))
    return (lambda a, b: tf.concat([a, b], axis=ax)), [arr(d, s), arr(d, tuple(s2))], {}


@case("stack", concat_ops.Stack)
def _(d):
    s = shape(d)
    ax = d.draw(st.integers(-len(s) - 1, len(s)))
    return (lambda a, b: tf.stack([a, b], axis=ax)), [arr(d, s), arr(d, s)], {}


@case("split", concat_ops.Split)
def _(d):
    s = list(shape(d, min_dims=1))
    ax = axis_of(d, len(s))
    s[ax] = 3
    sizes = d.draw(st.sampled_from([3, [1, 2], [2, -1], [1, 1, 1]]))
    return (lambda x: tf.split(x, sizes, axis=ax)), [arr(d, tuple(s))], {}


@case("unstack")
def _(d):
    return (lambda x: [t * (i + 1.0) for i, t in enumerate(tf.unstack(x, axis=1))],
            [arr(d, (2, 3))], {})


@case("getitem", indexing_ops.GetItem)
def _(d):
    key = d.draw(st.sampled_from([
        (slice(None), 1), (Ellipsis, slice(None, None, -1)), (0, None, slice(1, 3)),
        np.array([2, 0, 2]), ([0, 1, 1], [3, 0, 0]), (slice(None), [1, 1]),
        np.array([True, False, True]), -1,
    ]), label="key")
    return (lambda x: x[key]), [arr(d, (3, 4))], {}


@case("getitem_bool_tensor")
def _(d):
    def fn(x):
        return x[x > 0.0] * 3.0
    return fn, [arr(d, (3, 4), away=0.1)], {}


@case("gather", indexing_ops.Gather)
def _(d):
    s = shape(d, min_dims=1)
    ax = axis_of(d, len(s))
    idx = np.array([[0, s[ax] - 1], [s[ax] - 1, 0]])
    return (lambda x: tf.gather(x, idx, axis=ax)), [arr(d, s)], {}


@case("gather_batch_dims")
def _(d):
    idx = np.array([[0, 2, 2], [1, 1, 0]])
    return (lambda x: tf.gather(x, idx, axis=2, batch_dims=1)), [arr(d, (2, 2, 3, 2))], {}


@case("gather_nd")
def _(d):
    idx = np.array([[0, 1], [2, 0], [0, 1]])
    return (lambda x: tf.gather_nd(x, idx)), [arr(d, (3, 2, 2))], {}


@case("boolean_mask")
def _(d):
    m = np.array([True, False, True])
    return (lambda x: tf.boolean_mask(x, m, axis=1)), [arr(d, (2, 3))], {}


@case("pad", padding_ops.Pad)
def _(d):
    mode = d.draw(st.sampled_from(["CONSTANT", "REFLECT", "SYMMETRIC"]))
    pads = [[1, 2], [0, 1]] if mode != "REFLECT" else [[1, 1], [2, 0]]
    return (lambda x: tf.pad(x, pads, mode=mode, constant_values=0.5)), [arr(d, (3, 3))], {}


@case("tile", tiling_ops.Tile)
def _(d):
    s = shape(d, min_dims=1)
    reps = [d.draw(st.integers(1, 3)) for _ in s]
    return (lambda x: tf.tile(x, reps)), [arr(d, s)], {}


@case("broadcast_to", reshape_ops.BroadcastTo)
def _(d):
    return (lambda x: tf.broadcast_to(x, (2, 3, 4))), [arr(d, (3, 1))], {}


@case("reverse", reverse_ops.Reverse)
def _(d):
    return (lambda x: tf.reverse(x, [0, -1])), [arr(d, (2, 3))], {}


@case("roll", reverse_ops.Roll)
def _(d):
    return (lambda x: reverse_ops.roll(x, shift=[1, -2], axis=[0, 1])), [arr(d, (3, 4))], {}


@case("repeat", tiling_ops.Repeat)
def _(d):
    reps = d.draw(st.sampled_from([2, [1, 0, 3]]))
    return (lambda x: tiling_ops.repeat(x, reps, axis=0)), [arr(d, (3, 2))], {}


@case("sort_top_k", indexing_ops.TakeAlong)
def _(d):
    def fn(x):
        values, _ = tf.math.top_k(x, k=2)
        return [tf.sort(x, axis=0, direction="DESCENDING"), values]
    return fn, [arr(d, (3, 4))], {}


@case("scatter", indexing_ops.ScatterNd)
def _(d):
    idx = np.array([[0, 1], [2, 2], [0, 1]])

    def fn(t, u):
        return [indexing_ops.scatter_nd(idx, u, (3, 3)), indexing_ops.tensor_scatter_nd_add(t, idx,
                                                                                            u),
                indexing_ops.tensor_scatter_nd_update(t, idx[:2], u[:2])]
    return fn, [arr(d, (3, 3)), arr(d, (3,))], {}


# -- softmax, dense and the cross-entropies -----------------------------------------------------
@case("softmax", softmax_ops.Softmax)
def _(d):
    s = shape(d, min_dims=1)
    ax = axis_of(d, len(s))
    return (lambda x: tf.nn.softmax(x, axis=ax)), [arr(d, s, -4, 4)], {}


@case("log_softmax", softmax_ops.LogSoftmax)
def _(d):
    s = shape(d, min_dims=1)
    ax = axis_of(d, len(s))
    return (lambda x: tf.nn.log_softmax(x, axis=ax)), [arr(d, s, -4, 4)], {}


@case("dense", dense_ops.Dense)
def _(d):
    act = d.draw(st.sampled_from([None, "linear", "softmax"] + sorted(activations_ops.ELEMENTWISE)))
    lead = d.draw(st.sampled_from([(), (2,), (3,), (2, 2)]), label="leading")
    k, u = d.draw(st.integers(1, 3)), d.draw(st.integers(1, 3))
    bias = d.draw(st.booleans())
    x = arr(d, lead + (k,))
    w = arr(d, (k, u))
    ins = [x, w] + ([arr(d, (u,), -0.5, 0.5)] if bias else [])
    return (lambda *t: dense_ops.dense(*t, activation=act)), ins, {"atol": 1e-5, "rtol": 1e-4}


@case("bias_add")
def _(d):
    return (lambda x, b: tf.nn.bias_add(x, b, data_format="NCHW"),
            [arr(d, (2, 3, 2, 2)), arr(d, (3,))], {})


@case("moments_batch_normalization")
def _(d):
    def fn(x, scale, offset):
        mean, var = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, mean, var, offset, scale, 1e-3)
    return fn, [arr(d, (4, 3)), arr(d, (3,)), arr(d, (3,))], {"atol": 1e-5}


def _crossentropy(name, fn, prim, logits):
    @case(name, prim)
    def _(d):
        s = shape(d, min_dims=1)
        p = arr(d, s, -3, 3) if logits else arr(d, s, 0.05, 0.95)
        y = arr(d, s, 0.0, 1.0)
        return fn, [y, p], {}


_crossentropy("binary_crossentropy", cross_entropy_ops.binary_crossentropy,
              cross_entropy_ops.BinaryCrossentropy, False)
_crossentropy("binary_crossentropy_logits",
              lambda y, p: cross_entropy_ops.binary_crossentropy(y, p,
                                                                 from_logits=True), None, True)
_crossentropy("categorical_crossentropy", cross_entropy_ops.categorical_crossentropy,
              cross_entropy_ops.CategoricalCrossentropy, False)
_crossentropy("categorical_crossentropy_logits",
              lambda y, p: cross_entropy_ops.categorical_crossentropy(y, p,
                                                                      from_logits=True), None, True)
_crossentropy("sigmoid_cross_entropy_with_logits",
              lambda y, p: tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=p), None,
              True)
_crossentropy("softmax_cross_entropy_with_logits",
              lambda y, p: tf.nn.softmax_cross_entropy_with_logits(y, p), None, True)
_crossentropy("weighted_cross_entropy_with_logits",
              lambda y, p: tf.nn.weighted_cross_entropy_with_logits(y, p, 2.0), None, True)


@case("sparse_categorical_crossentropy", cross_entropy_ops.SparseCategoricalCrossentropy)
def _(d):
    s = shape(d, min_dims=1)
    logits = d.draw(st.booleans())
    p = arr(d, s, -3, 3) if logits else arr(d, s, 0.05, 0.95)
    rng = np.random.default_rng(0)
    lab = rng.integers(0, s[-1], size=s[:-1])
    return ((lambda x: cross_entropy_ops.sparse_categorical_crossentropy(lab, x,
                                                                         from_logits=logits)), [p],
            {})


@case("clip_by_global_norm")
def _(d):
    def fn(a, b):
        clipped, norm = M.clip_by_global_norm([a, None, b], 1.0)
        return [clipped[0], clipped[2], norm]
    return fn, [arr(d, (2, 2), away=0.3), arr(d, (3,), away=0.3)], {}


@case("dropout_seeded")
def _(d):
    return (lambda x: tf.nn.dropout(x, 0.5, seed=3)), [arr(d, (3, 4))], {}


# -- the tests ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(CASES))
@SETTINGS
@given(d=st.data())
def test_gradient_matches_central_differences(name, d):
    fn, inputs, kwargs = CASES[name][0](d)
    check_gradients(fn, inputs, **kwargs)


def _float32_grads(fn, inputs):
    tensors = [Tensor(np.asarray(a, np.float32)) if np.asarray(a).dtype.kind == "f"
               else Tensor(np.asarray(a)) for a in inputs]
    with GradientTape() as tape:
        for t in tensors:
            if t.dtype.kind == "f":
                tape.watch(t)
        out = fn(*tensors)
    outs = out if isinstance(out, (list, tuple)) else [out]
    outs = [o for o in outs if o.dtype.kind == "f"]
    grads = tape.gradient(outs, [t for t in tensors if t.dtype.kind == "f"])
    return outs, grads


@pytest.mark.parametrize("name", sorted(n for n in CASES if n != "cast"))
@settings(max_examples=3, deadline=None, derandomize=True)
@given(d=st.data())
def test_float32_stays_float32(name, d):
    """No op upcasts float32 (a NumPy float64 scalar or constant inside would)."""
    fn, inputs, _ = CASES[name][0](d)
    outs, grads = _float32_grads(fn, inputs)
    for o in outs:
        assert o.dtype == np.float32, f"{name}: output dtype {o.dtype}"
    for g in grads:
        if g is not None:
            assert g.dtype == np.float32, f"{name}: gradient dtype {g.dtype}"


def _primitives():
    found = set()
    for module in (M, activations_ops, softmax_ops, dense_ops, cross_entropy_ops, reshape_ops,
                   concat_ops, indexing_ops, padding_ops, tiling_ops, reverse_ops, sort_ops):
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, Function) and obj.__module__ == module.__name__
                    and obj.differentiable and not obj.__name__.startswith("_")
                    and "forward" in vars(obj)):  # bases such as reshape.View run nothing
                found.add(obj)
    return found


def test_every_primitive_has_a_gradient_case():
    covered = {p for _, prims, _ in CASES.values() for p in prims}
    missing = sorted(p.__name__ for p in _primitives() - covered)
    assert not missing, f"primitives without a gradient case: {missing}"


def test_every_activation_has_a_gradient_case():
    covered = {k for _, _, kinds in CASES.values() for k in kinds}
    elementwise = set(activations_ops.ELEMENTWISE)
    assert elementwise <= covered, sorted(elementwise - covered)
