"""Fused recurrent primitives: Keras equations step by step, Keras fixtures, finite differences."""

import numpy as np
import pytest

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as M
from featherflow.ops import reshape as reshape_ops
from featherflow.ops import rnn as R
from featherflow.ops.activations import ELEMENTWISE
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load, names, stacked

RNG = np.random.default_rng(7)


def rand(*shape, scale=0.5):
    return RNG.normal(scale=scale, size=shape)


# -- a direct step-by-step reference (Keras's cell equations and RNN masking rules) -----------
def act(name, x):
    return np.asarray(ELEMENTWISE[name][0](np.asarray(x, np.float64)), np.float64)


def ref_run(kind, x, k, r, b, states, mask=None, rmask=None, go_backwards=False,
            zero_output=False, activation="tanh", recurrent_activation="sigmoid",
            reset_after=True):
    """Outputs (B, T, u) in processing order and the final states, one step at a time."""
    B, T, _ = x.shape
    u = r.shape[0]
    states = [np.zeros((B, u)) if s is None else s for s in states]
    out_prev = np.zeros((B, u))
    outs = []
    steps = range(T - 1, -1, -1) if go_backwards else range(T)
    for t in steps:
        xt, h = x[:, t], states[0]
        hm = h if rmask is None else h * rmask
        if kind == "simple":
            z = xt @ k + hm @ r + (0 if b is None else b)
            new = [act(activation, z)]
        elif kind == "lstm":
            z = xt @ k + hm @ r + (0 if b is None else b)
            i, f, c_in, o = np.split(z, 4, axis=1)
            c = act(recurrent_activation, f) * states[1] + act(recurrent_activation, i) * act(
                activation, c_in)
            new = [act(recurrent_activation, o) * act(activation, c), c]
        else:
            if reset_after:
                b_in, b_rec = (0, 0) if b is None else (b[0], b[1])
                xz, xr, xh = np.split(xt @ k + b_in, 3, axis=1)
                rz, rr, rh = np.split(hm @ r + b_rec, 3, axis=1)
                z = act(recurrent_activation, xz + rz)
                rg = act(recurrent_activation, xr + rr)
                hh = act(activation, xh + rg * rh)
            else:
                xz, xr, xh = np.split(xt @ k + (0 if b is None else b), 3, axis=1)
                z = act(recurrent_activation, xz + hm @ r[:, :u])
                rg = act(recurrent_activation, xr + hm @ r[:, u:2 * u])
                hh = act(activation, xh + (rg * hm) @ r[:, 2 * u:])
            new = [z * h + (1 - z) * hh]
        out = new[0]
        if mask is not None:
            m = mask[:, t:t + 1]
            out = np.where(m, out, 0 if zero_output else out_prev)
            new = [np.where(m, n, s) for n, s in zip(new, states)]
        states, out_prev = new, out
        outs.append(out)
    return np.stack(outs, axis=1), states


GATES = {"simple": 1, "lstm": 4, "gru": 3}


def make(kind, n=3, u=2, bias=True, reset_after=True, B=2):
    g = GATES[kind]
    k, r = rand(n, g * u), rand(u, g * u)
    if not bias:
        b = None
    elif kind == "gru" and reset_after:
        b = rand(2, g * u)
    else:
        b = rand(g * u)
    return k, r, b


def call(kind, x, k, r, b, states, **kw):
    if kind == "simple":
        return R.simple_rnn(x, k, r, b, initial_state=states[0], **kw)
    if kind == "lstm":
        init = None if states[0] is None else states
        return R.lstm(x, k, r, b, initial_state=init, **kw)
    return R.gru(x, k, r, b, initial_state=states[0], **kw)


MASK = np.array([[True, True, True, True, False],
                 [False, False, True, True, True]])

CASES = [
    ("simple", {}),
    ("simple", {"activation": "softplus"}),
    ("lstm", {}),
    ("lstm", {"activation": "elu", "recurrent_activation": "softsign"}),
    ("gru", {}),
    ("gru", {"reset_after": False}),
    ("gru", {"activation": "swish", "recurrent_activation": "softsign"}),
    ("gru", {"reset_after": False, "activation": "softsign"}),
]


def _kind_kwargs(kind, kw):
    ref_kw = dict(kw)
    if kind != "gru":
        ref_kw.pop("reset_after", None)
    return ref_kw


# -- forward values against the step-by-step reference ----------------------------------------
@pytest.mark.parametrize("kind,kw", CASES)
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("zero_output", [False, True])
def test_forward_matches_step_reference(kind, kw, go_backwards, masked, zero_output):
    B, T, n, u = 2, 5, 3, 2
    x = rand(B, T, n)
    k, r, b = make(kind, n, u, reset_after=kw.get("reset_after", True))
    states = [rand(B, u)] + ([rand(B, u)] if kind == "lstm" else [])
    mask = MASK if masked else None
    rmask = (RNG.random((B, u)) > 0.3) / 0.7
    ref_seq, ref_states = ref_run(kind, x, k, r, b, states, mask, rmask, go_backwards,
                                  zero_output, **kw)
    for seq in (True, False):
        outs = call(kind, Tensor(x), k, r, b, states, mask=mask, recurrent_mask=rmask,
                    return_sequences=seq, go_backwards=go_backwards,
                    zero_output_for_mask=zero_output, **_kind_kwargs(kind, kw))
        expect = ref_seq if seq else ref_seq[:, -1]
        np.testing.assert_allclose(outs[0].numpy(), expect, rtol=1e-10, atol=1e-12)
        for got, want in zip(outs[1:], ref_states):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=1e-12)


def test_float32_stays_float32_and_agrees_with_float64():
    x = rand(3, 6, 4)
    k, r, b = make("lstm", 4, 5)
    out32 = R.lstm(Tensor(x.astype(np.float32)), k.astype(np.float32), r.astype(np.float32),
                   b.astype(np.float32), return_sequences=True)
    out64 = R.lstm(Tensor(x), k, r, b, return_sequences=True)
    assert all(o.numpy().dtype == np.float32 for o in out32)
    np.testing.assert_allclose(out32[0].numpy(), out64[0].numpy(), rtol=1e-5, atol=1e-6)


# -- gradients against central differences ---------------------------------------------------
def _flat(outs):
    return concat_ops.concat([reshape_ops.reshape(o, (-1,)) for o in outs], axis=0)


@pytest.mark.parametrize("kind,kw", CASES)
@pytest.mark.parametrize("seq,go_backwards,masked,zero_output,with_state,dropped", [
    (True, False, False, False, False, False),
    (False, True, False, False, True, False),
    (True, True, True, False, True, False),
    (False, False, True, True, False, True),
    (True, False, True, True, True, True),
])
def test_gradients(kind, kw, seq, go_backwards, masked, zero_output, with_state, dropped):
    B, T, n, u = 2, 5, 3, 2
    k, r, b = make(kind, n, u, reset_after=kw.get("reset_after", True))
    x = rand(B, T, n)
    nstates = 2 if kind == "lstm" else 1
    states = [rand(B, u) for _ in range(nstates)] if with_state else []
    mask = MASK if masked else None
    rmask = (np.array([[1, 0], [1, 1]]) / 0.75) if dropped else None

    def fn(x, k, r, b, *s):
        st = list(s) if s else [None] * nstates
        outs = call(kind, x, k, r, b, st, mask=mask, recurrent_mask=rmask,
                    return_sequences=seq, go_backwards=go_backwards,
                    zero_output_for_mask=zero_output, **_kind_kwargs(kind, kw))
        return _flat(outs)

    check_gradients(fn, [x, k, r, b] + states, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("kind", ["simple", "lstm", "gru"])
def test_gradients_without_bias(kind):
    k, r, _ = make(kind, bias=False)
    x = rand(2, 4, 3)

    def fn(x, k, r):
        return _flat(call(kind, x, k, r, None, [None, None], return_sequences=True))

    check_gradients(fn, [x, k, r])


def test_only_requested_gradients_are_computed():
    k, r, b = make("lstm")
    x = Tensor(rand(2, 4, 3))
    kt = Tensor(k)
    with GradientTape() as tape:
        tape.watch(kt)
        out, _, _ = R.lstm(x, kt, r, b)
        loss = M.reduce_sum(out)
    (gk,) = tape.gradient(loss, [kt])
    assert gk.shape == k.shape
    assert out._node.needs == (False, True, False, False, False, False, False, False)


# -- Keras fixtures, straight through the primitives -----------------------------------------
RNN_FIXTURES = [n for n in names("layers")
                if n.split("/")[1].startswith(("lstm", "gru", "simple_rnn"))]


@pytest.mark.parametrize("name", RNN_FIXTURES)
def test_keras_fixture(name):
    fx = load(name)
    cfg = fx["config"]
    kind = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple"}[str(fx["class_name"])]
    x = Tensor(stacked(fx, "x")[0])
    ws = [Tensor(w) for w in stacked(fx, "w")]
    bias = ws[2] if len(ws) > 2 else None
    init = [Tensor(s) for s in stacked(fx, "s")] if ("s" in fx or "s0" in fx) else []
    kw = {"return_sequences": cfg["return_sequences"], "go_backwards": cfg["go_backwards"],
          "activation": cfg["activation"], "mask": fx.get("mask")}
    if kind != "simple":
        kw["recurrent_activation"] = cfg["recurrent_activation"]
    if kind == "gru":
        kw["reset_after"] = cfg["reset_after"]
    with GradientTape() as tape:
        tape.watch([x] + ws + init)
        outs = call(kind, x, ws[0], ws[1], bias, init or [None, None], **kw)
        n_out = len(stacked(fx, "y")) if cfg["return_state"] else 1
        outs = list(outs)[:n_out]
        loss = M.add_n([M.reduce_sum(o * Tensor(rr)) for o, rr in zip(outs, stacked(fx, "r"))])
    for got, want in zip(outs, stacked(fx, "y")):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-7)
    grads = tape.gradient(loss, [x] + ws + init)
    wants = [fx["dx"]] + stacked(fx, "dw") + (stacked(fx, "ds") if init else [])
    for got, want in zip(grads, wants):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-4, atol=1e-7)


# -- argument checking -----------------------------------------------------------------------
def test_errors_name_the_expected_shapes():
    k, r, b = make("lstm", 3, 2)
    with pytest.raises(ValueError, match=r"\(batch, timesteps, features\)"):
        R.lstm(Tensor(rand(2, 3)), k, r, b)
    with pytest.raises(ValueError, match=r"kernel must have shape \(3, 8\)"):
        R.lstm(Tensor(rand(2, 4, 3)), rand(4, 8), r, b)
    with pytest.raises(ValueError, match=r"recurrent_kernel must have shape"):
        R.lstm(Tensor(rand(2, 4, 3)), k, rand(2, 6), b)
    with pytest.raises(ValueError, match=r"bias must have shape \(8,\)"):
        R.lstm(Tensor(rand(2, 4, 3)), k, r, rand(6))
    with pytest.raises(ValueError, match=r"mask must have shape"):
        R.lstm(Tensor(rand(2, 4, 3)), k, r, b, mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match=r"initial states must have shape"):
        R.lstm(Tensor(rand(2, 4, 3)), k, r, b, initial_state=[rand(2, 3), rand(2, 2)])
    kg, rg, _ = make("gru", 3, 2)
    with pytest.raises(ValueError, match=r"bias must have shape \(2, 6\)"):
        R.gru(Tensor(rand(2, 4, 3)), kg, rg, rand(6))
    with pytest.raises(ValueError, match="no fused recurrent kernel"):
        R.simple_rnn(Tensor(rand(2, 4, 3)), rand(3, 2), rand(2, 2), activation="nonsense")
