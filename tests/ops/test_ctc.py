"""CTC: brute force over all alignments, finite differences, TensorFlow/Keras fixtures, decoders."""

import itertools

import numpy as np
import pytest

import featherflow as tf

from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import ctc as K
from featherflow.losses.ctc import CTC, ctc
from featherflow.ops import ctc as C
from featherflow.ops import math as M
from featherflow.ops.softmax import log_softmax_array
from featherflow.testing import check_gradients
from tests.fixtures.keras_loader import load

RNG = np.random.default_rng(3)


def collapse(path, blank):
    out = []
    prev = None
    for p in path:
        if p != prev and p != blank:
            out.append(p)
        prev = p
    return tuple(out)


def brute_loss(logits, label, blank):
    """-log of the summed probability of every path that collapses to ``label``."""
    lp = log_softmax_array(logits.astype(np.float64))
    T, Cn = lp.shape
    total = -np.inf
    for path in itertools.product(range(Cn), repeat=T):
        if collapse(path, blank) == tuple(label):
            total = np.logaddexp(total, sum(lp[t, c] for t, c in enumerate(path)))
    return -total


def brute_grad(logits, label, blank, eps=1e-6):
    g = np.zeros_like(logits)
    for idx in np.ndindex(*logits.shape):
        up, down = logits.copy(), logits.copy()
        up[idx] += eps
        down[idx] -= eps
        g[idx] = (brute_loss(up, label, blank) - brute_loss(down, label, blank)) / (2 * eps)
    return g


def loss_and_grad(logits, labels, label_length, logit_length, blank):
    x = Tensor(np.asarray(logits, np.float64))
    with GradientTape() as tape:
        tape.watch(x)
        loss = C.ctc_loss(labels, x, label_length, logit_length, logits_time_major=False,
                          blank_index=blank)
        total = M.reduce_sum(loss)
    return loss.numpy(), tape.gradient(total, x).numpy()


# -- exact values against the sum over all alignments ----------------------------------------
@pytest.mark.parametrize("label,T,blank", [
    ((0,), 1, 2), ((1, 0), 4, 2), ((1, 1), 4, 2), ((0, 1, 0), 5, 3), ((), 3, 2),
    ((2, 2), 3, 0), ((1,), 4, 0),
])
def test_brute_force_value_and_gradient(label, T, blank):
    Cn = 3 if blank != 3 else 4
    logits = RNG.normal(size=(T, Cn))
    labels = np.array([list(label) + [9]])  # padded with a junk value past label_length
    loss, grad = loss_and_grad(logits[None], labels, [len(label)], [T], blank)
    assert loss[0] == pytest.approx(brute_loss(logits, label, blank), rel=1e-10)
    np.testing.assert_allclose(grad[0], brute_grad(logits, label, blank), atol=1e-6)


def test_batch_with_padding_equals_samples_one_by_one():
    Cn = 5
    logits = RNG.normal(size=(3, 7, Cn))
    labels = np.array([[1, 2, 3], [2, 0, 0], [3, 3, 0]])
    lab_len, log_len = np.array([3, 1, 2]), np.array([7, 4, 6])
    loss, grad = loss_and_grad(logits, labels, lab_len, log_len, -1)
    for b in range(3):
        one, g1 = loss_and_grad(logits[b:b + 1, :log_len[b]], labels[b:b + 1, :lab_len[b]],
                                [lab_len[b]], [log_len[b]], -1)
        assert loss[b] == pytest.approx(one[0], rel=1e-12)
        np.testing.assert_allclose(grad[b, :log_len[b]], g1[0], atol=1e-12)
        assert not grad[b, log_len[b]:].any()  # steps past the input length get no gradient


def test_check_gradients_mixed_lengths():
    labels = np.array([[0, 1, 1], [2, 0, 0]])

    def fn(x):
        return C.ctc_loss(labels, x, [3, 1], [6, 3], logits_time_major=False, blank_index=3)

    check_gradients(fn, [RNG.normal(size=(2, 6, 4))])


def test_time_major_default_blank_zero_and_sparse_labels():
    logits = RNG.normal(size=(6, 2, 4))  # time-major, as tf.nn.ctc_loss's default
    labels = np.array([[1, 2, 0], [3, 0, 0]])
    dense = C.ctc_loss(labels, logits, [2, 1], [6, 5]).numpy()
    sparse = K.ctc_label_dense_to_sparse(labels, [2, 1])
    assert sparse.indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]]
    assert sparse.values.numpy().tolist() == [1, 2, 3]
    assert isinstance(sparse, tf.SparseTensor)
    np.testing.assert_array_equal(tf.sparse.to_dense(sparse).numpy(), labels)
    np.testing.assert_allclose(C.ctc_loss(sparse, logits, None, [6, 5]).numpy(), dense)
    batch_major = np.transpose(logits, (1, 0, 2))
    expect = [brute_loss(batch_major[0], (1, 2), 0), brute_loss(batch_major[1, :5], (3,), 0)]
    np.testing.assert_allclose(dense, expect, rtol=1e-6)


# -- errors ----------------------------------------------------------------------------------
def test_label_too_long_for_input_is_a_clear_error():
    logits = np.zeros((1, 3, 4))
    with pytest.raises(ValueError, match=r"sample 0 .*length 2 with 1 repeated.*needs at least 3"
                                         r".*has 2"):
        C.ctc_loss([[1, 1]], logits, [2], [2], logits_time_major=False)
    with pytest.raises(ValueError, match=r"length 4 with 0 repeated"):
        C.ctc_loss([[1, 2, 3, 1]], logits, [4], [3], logits_time_major=False)
    # repeats need blanks between them, so "aa" fits 3 steps but not 2
    C.ctc_loss([[1, 1]], logits, [2], [3], logits_time_major=False)


def test_bad_labels_and_lengths():
    logits = np.zeros((1, 4, 3))
    with pytest.raises(ValueError, match="other than the blank index 2"):
        C.ctc_loss([[2]], logits, [1], [4], logits_time_major=False, blank_index=-1)
    with pytest.raises(ValueError, match=r"label_length\[0\] = 3 is outside \[0, 1\]"):
        C.ctc_loss([[1]], logits, [3], [4], logits_time_major=False)
    with pytest.raises(ValueError, match=r"logit_length\[0\] = 5"):
        C.ctc_loss([[1]], logits, [1], [5], logits_time_major=False)
    with pytest.raises(ValueError, match=r"label_length must have shape \(batch,\)"):
        C.ctc_loss([[1]], logits, [1, 1], [4], logits_time_major=False)


# -- TensorFlow and Keras fixtures -----------------------------------------------------------
LOSS_FIXTURES = ["ctc/loss_batch1", "ctc/loss_padded_batch3", "ctc/loss_repeated_aa",
                 "ctc/loss_tight_length"]


def _grad_of_sum(fn, x):
    x = Tensor(x)
    with GradientTape() as tape:
        tape.watch(x)
        out = fn(x)
        total = M.reduce_sum(out)
    return out.numpy(), tape.gradient(total, x).numpy()


@pytest.mark.parametrize("name", LOSS_FIXTURES)
def test_tf_nn_ctc_loss_fixture(name):
    fx = load(name)
    loss, grad = _grad_of_sum(
        lambda x: C.ctc_loss(fx["labels"], x, fx["label_length"], fx["logit_length"],
                             logits_time_major=False, blank_index=-1), fx["logits"])
    assert loss.dtype == np.float32
    np.testing.assert_allclose(loss, fx["loss"], rtol=1e-5)
    np.testing.assert_allclose(grad, fx["dlogits"], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", LOSS_FIXTURES)
def test_keras2_ctc_batch_cost_fixture(name):
    fx = load(name)
    cost, grad = _grad_of_sum(
        lambda p: K.ctc_batch_cost(fx["labels"], p, fx["logit_length"][:, None],
                                   fx["label_length"][:, None]), fx["keras2_y_pred"])
    assert cost.shape == (len(fx["labels"]), 1)
    np.testing.assert_allclose(cost, fx["keras2_cost"], rtol=1e-5)
    np.testing.assert_allclose(grad, fx["keras2_dy_pred"], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", LOSS_FIXTURES)
def test_keras3_ops_and_losses_ctc_fixture(name):
    fx = load(name)
    loss, grad = _grad_of_sum(
        lambda x: C.keras_ctc_loss(fx["keras3_labels"], x, fx["label_length"],
                                   fx["logit_length"]), fx["keras3_logits"])
    np.testing.assert_allclose(loss, fx["keras3_loss"], rtol=1e-5)
    np.testing.assert_allclose(grad, fx["keras3_dlogits"], rtol=1e-4, atol=1e-6)
    full = ctc(fx["keras3_labels"], fx["keras3_logits"]).numpy()
    np.testing.assert_allclose(full, fx["keras3_loss_fn_full_length"], rtol=1e-5)


def test_ctc_loss_class_reduces_like_keras():
    fx = load("ctc/loss_padded_batch3")
    per_sample = ctc(fx["keras3_labels"], fx["keras3_logits"]).numpy()
    assert float(CTC()(fx["keras3_labels"], fx["keras3_logits"])) == pytest.approx(
        per_sample.mean(), rel=1e-6)
    assert float(CTC(reduction="sum")(fx["keras3_labels"], fx["keras3_logits"])) == \
        pytest.approx(per_sample.sum(), rel=1e-6)
    assert CTC().get_config() == {"name": "ctc", "reduction": "sum_over_batch_size"}
    with pytest.raises(ValueError, match="y_pred must be logits of shape"):
        ctc(fx["keras3_labels"], fx["keras3_logits"][0])


# -- decoding ----------------------------------------------------------------------------------
def test_keras2_ctc_decode_fixture():
    fx = load("ctc/decode")
    decoded, log_prob = K.ctc_decode(fx["y_pred"], fx["input_length"])
    np.testing.assert_array_equal(decoded[0].numpy(), fx["keras2_greedy_decoded"])
    np.testing.assert_allclose(log_prob.numpy(), fx["keras2_greedy_log_prob"], rtol=1e-5)
    decoded, log_prob = K.ctc_decode(fx["y_pred"], fx["input_length"], greedy=False,
                                     beam_width=3, top_paths=2)
    np.testing.assert_array_equal(decoded[0].numpy(), fx["keras2_beam_decoded0"])
    np.testing.assert_array_equal(decoded[1].numpy(), fx["keras2_beam_decoded1"])
    np.testing.assert_allclose(log_prob.numpy(), fx["keras2_beam_log_prob"], rtol=1e-5)


def test_keras3_ctc_decode_fixture():
    fx = load("ctc/decode")
    decoded, scores = C.keras_ctc_decode(fx["keras3_logits"], fx["input_length"])
    np.testing.assert_array_equal(decoded.numpy(), fx["keras3_greedy_decoded"])
    np.testing.assert_allclose(scores.numpy(), fx["keras3_greedy_scores"], rtol=1e-5)
    decoded, scores = C.keras_ctc_decode(fx["keras3_logits"], fx["input_length"],
                                         strategy="beam_search", beam_width=3, top_paths=2)
    np.testing.assert_array_equal(decoded.numpy(), fx["keras3_beam_decoded"])
    np.testing.assert_allclose(scores.numpy(), fx["keras3_beam_scores"], rtol=1e-5)


def test_greedy_merges_repeats_and_drops_blanks():
    blank = 3
    path = [0, 0, 3, 0, 1, 1, 3, 3, 2]
    scores = np.full((1, len(path), 4), -5.0)
    scores[0, np.arange(len(path)), path] = 0.0
    seqs, neg = C.greedy_decode(scores, [len(path)], blank)
    assert seqs[0].tolist() == [0, 0, 1, 2]
    seqs, _ = C.greedy_decode(scores, [len(path)], blank, merge_repeated=False)
    assert seqs[0].tolist() == [0, 0, 0, 1, 1, 2]
    assert neg[0] == 0.0


def test_wide_beam_finds_the_exact_labelling_probability():
    logits = RNG.normal(size=(1, 5, 3))
    found = C.beam_search_decode(log_softmax_array(logits), [5], blank=2, beam_width=200,
                                 top_paths=4)[0]
    for seq, logp in found:
        exact = -brute_loss(logits[0], tuple(seq.tolist()), 2)
        assert logp == pytest.approx(exact, rel=1e-9)
    assert [lp for _, lp in found] == sorted([lp for _, lp in found], reverse=True)
    with pytest.raises(ValueError, match="top_paths"):
        C.beam_search_decode(logits, [5], 2, beam_width=2, top_paths=3)
