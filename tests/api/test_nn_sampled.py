"""tf.nn's sharded embedding_lookup, embedding_lookup_sparse, safe_embedding_lookup_sparse,
nce_loss and sampled_softmax_loss against TensorFlow 2.21 (tools/data_fixtures/nn_sampled.py:
values and gradients; the default sampler draws TensorFlow's candidates for the same seeds).

Tolerance: rtol 2e-5 / atol 2e-6 in float32; the losses sum ~10 float32 products per logit,
whose rounding order differs from TensorFlow's matmul kernels."""

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

test_nn_sampled_scenario, workdir = scenario_test("nn_sampled", rtol=2e-5, atol=2e-6)


def test_word2vec_style_training_lowers_the_loss():
    rng = np.random.default_rng(0)
    emb = tf.Variable(rng.standard_normal((100, 16)).astype("float32") * 0.1)
    w = tf.Variable(rng.standard_normal((100, 16)).astype("float32") * 0.1)
    b = tf.Variable(np.zeros(100, "float32"))
    centre = tf.constant(rng.integers(0, 100, 64))
    context = tf.reshape(centre % 10 + 50, (64, 1))  # a learnable pairing
    # one fixed draw of negatives keeps the loss curve deterministic
    negatives = tf.random.uniform_candidate_sampler(context, 1, 8, True, 100, seed=3)
    opt = tf.keras.optimizers.Adam(0.05)
    losses = []
    for _ in range(30):
        with tf.GradientTape() as tape:
            x = tf.nn.embedding_lookup(emb, centre)
            loss = tf.reduce_mean(tf.nn.nce_loss(w, b, context, x, num_sampled=8,
                                                 num_classes=100, sampled_values=negatives))
        opt.apply_gradients(zip(tape.gradient(loss, [emb, w, b]), [emb, w, b]))
        losses.append(float(loss))
    assert losses[-1] < 0.2 * losses[0], losses


def test_bad_shapes_name_the_argument():
    w, b = tf.zeros((10, 4)), tf.zeros(10)
    with pytest.raises(ValueError, match="labels"):
        tf.nn.nce_loss(w, b, tf.constant([1, 2]), tf.zeros((2, 4)), 3, 10)
    with pytest.raises(ValueError, match="inputs"):
        tf.nn.sampled_softmax_loss(w, b, tf.constant([[1]]), tf.zeros((4,)), 3, 10)
    with pytest.raises(tf.errors.InvalidArgumentError, match="id 12"):
        tf.nn.embedding_lookup([w[:5], w[5:]], [12])
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.embedding_lookup_sparse(w, tf.constant([[1]]), None)
