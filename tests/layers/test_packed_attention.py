"""MultiHeadAttention's packed self-attention path (layers/attention/packed_projections.py):
the same outputs and gradients as the four EinsumDense sublayers."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.layers.attention import packed_projections


def _close(a, b, dtype, scale):
    """Equal within float32 (or float64) rounding of sums of ~30 terms; ``scale`` is the
    size of the terms, for values that are near 0 by cancellation (the key bias's gradient
    is 0 in exact arithmetic: a softmax ignores a shift of its row)."""
    tol = (1.2e-5 if dtype == np.float32 else 1e-11)
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol * scale)


def _mha_step(dtype, mask, dropout, scores, seed=5):
    rng = np.random.default_rng(seed)
    x = tf.constant(rng.standard_normal((3, 10, 12)).astype(dtype))
    layer = tf.keras.layers.MultiHeadAttention(3, 4, dropout=dropout, seed=7, dtype=dtype.__name__)
    layer(x, x)
    for w in layer.weights:
        w.assign(rng.standard_normal(w.shape).astype(dtype) * 0.5)
    layer._rng = None
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x, x, attention_mask=mask, return_attention_scores=scores,
                    training=dropout > 0)
        y, s = out if scores else (out, None)
        loss = tf.reduce_sum(y * y) + (tf.reduce_sum(s * 0.3) if scores else 0.0)
    grads = tape.gradient(loss, [x] + layer.trainable_weights)
    return [y.numpy()] + ([s.numpy()] if scores else []) + [g.numpy() for g in grads]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("masked,dropout,scores", [(False, 0.0, False), (True, 0.0, False),
                                                   (True, 0.0, True), (False, 0.3, False)])
def test_packed_self_attention_equals_the_einsum_dense_path(monkeypatch, dtype, masked,
                                                            dropout, scores):
    mask = np.random.default_rng(6).random((3, 10, 10)) > 0.3 if masked else None
    monkeypatch.setattr(packed_projections, "ENABLED", False)
    plain = _mha_step(dtype, mask, dropout, scores)
    monkeypatch.setattr(packed_projections, "ENABLED", True)
    packed = _mha_step(dtype, mask, dropout, scores)
    assert len(plain) == len(packed)
    scale = max(float(np.abs(a).max()) for a in plain)
    for a, b in zip(plain, packed):
        _close(a, b, dtype, scale)
