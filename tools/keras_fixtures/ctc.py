"""CTC loss (tf.nn.ctc_loss, Keras 2 ctc_batch_cost, Keras 3 ops.ctc_loss) and decoding.

TensorFlow's CTC kernels are float32 only (Keras 3 casts float64 down itself), so every array
here is float32.
"""

from __future__ import annotations

import numpy as np

from .common import as_numpy, rng_for, save_npz

# (case, labels (unpadded), logit lengths, max time, classes incl. blank)
CASES = [
    ("batch1", [[0, 1]], [6], 6, 4),
    ("padded_batch3", [[2, 0, 3], [1], [3, 3]], [8, 5, 8], 8, 5),
    ("repeated_aa", [[1, 1], [0, 1, 1, 2]], [5, 7], 7, 4),
    ("tight_length", [[0, 0, 1], [2, 1, 2]], [4, 3], 4, 4),
]


def _pad(labels, width, value=0):
    out = np.full((len(labels), width), value, dtype=np.int32)
    for i, row in enumerate(labels):
        out[i, : len(row)] = row
    return out


def _tf_keras():
    try:
        import tf_keras
    except ImportError:
        return None
    return tf_keras


def loss_cases():
    import keras
    import tensorflow as tf

    tfk = _tf_keras()
    for case, labels, logit_len, t_max, n_cls in CASES:
        rng = rng_for("ctc/" + case)
        batch = len(labels)
        logits = rng.normal(0, 1.5, size=(batch, t_max, n_cls)).astype(np.float32)
        label_len = np.array([len(r) for r in labels], dtype=np.int32)
        dense = _pad(labels, max(label_len))
        logit_len = np.array(logit_len, dtype=np.int32)
        out = {
            "logits": logits,
            "labels": dense,
            "label_length": label_len,
            "logit_length": logit_len,
        }

        t_logits = tf.constant(logits)
        with tf.GradientTape() as tape:
            tape.watch(t_logits)
            loss = tf.nn.ctc_loss(
                labels=tf.constant(dense),
                logits=t_logits,
                label_length=tf.constant(label_len),
                logit_length=tf.constant(logit_len),
                logits_time_major=False,
                blank_index=-1,
            )
            total = tf.reduce_sum(loss)
        out["loss"] = as_numpy(loss)
        out["dlogits"] = as_numpy(tape.gradient(total, t_logits))

        # Keras 3 puts the blank at index 0: the same problem with the last column moved
        # first and labels shifted by one (0 then doubles as padding).
        logits3 = np.concatenate([logits[..., -1:], logits[..., :-1]], axis=-1)
        labels3 = _pad([[v + 1 for v in r] for r in labels], max(label_len))
        t3 = tf.constant(logits3)
        with tf.GradientTape() as tape:
            tape.watch(t3)
            loss3 = keras.ops.ctc_loss(labels3, t3, label_len, logit_len, mask_index=0)
            total3 = tf.reduce_sum(loss3)
        out["keras3_logits"] = logits3
        out["keras3_labels"] = labels3
        out["keras3_loss"] = as_numpy(loss3)
        out["keras3_dlogits"] = as_numpy(tape.gradient(total3, t3))
        # keras.losses.ctc uses the full time axis for every sample.
        out["keras3_loss_fn_full_length"] = as_numpy(keras.losses.ctc(labels3, logits3))

        if tfk is not None:
            probs = as_numpy(tf.nn.softmax(t_logits, axis=-1))
            tp = tf.constant(probs)
            with tf.GradientTape() as tape:
                tape.watch(tp)
                cost = tfk.backend.ctc_batch_cost(
                    tf.constant(dense),
                    tp,
                    tf.constant(logit_len[:, None]),
                    tf.constant(label_len[:, None]),
                )
                total2 = tf.reduce_sum(cost)
            out["keras2_y_pred"] = probs
            out["keras2_cost"] = as_numpy(cost)
            out["keras2_dy_pred"] = as_numpy(tape.gradient(total2, tp))
        save_npz(f"ctc/loss_{case}", out)


def decode_cases():
    import keras
    import tensorflow as tf

    tfk = _tf_keras()
    rng = rng_for("ctc/decode")
    logits = rng.normal(0, 1.0, size=(2, 6, 4)).astype(np.float32)
    logits[0, 1, 1] = logits[0, 2, 1] = 3.0  # a repeat that greedy decoding merges
    probs = as_numpy(tf.nn.softmax(tf.constant(logits), axis=-1))
    lengths = np.array([6, 4], dtype=np.int32)
    out = {"logits": logits, "y_pred": probs, "input_length": lengths}
    if tfk is not None:
        decoded, log_prob = tfk.backend.ctc_decode(probs, lengths, greedy=True)
        out["keras2_greedy_decoded"] = as_numpy(decoded[0])
        out["keras2_greedy_log_prob"] = as_numpy(log_prob)
        decoded, log_prob = tfk.backend.ctc_decode(
            probs, lengths, greedy=False, beam_width=3, top_paths=2
        )
        for i, d in enumerate(decoded):
            out[f"keras2_beam_decoded{i}"] = as_numpy(d)
        out["keras2_beam_log_prob"] = as_numpy(log_prob)
    # Keras 3: blank first, logits in.
    logits3 = np.concatenate([logits[..., -1:], logits[..., :-1]], axis=-1)
    out["keras3_logits"] = logits3
    decoded, scores = keras.ops.ctc_decode(logits3, lengths, strategy="greedy", mask_index=0)
    out["keras3_greedy_decoded"] = as_numpy(decoded)
    out["keras3_greedy_scores"] = as_numpy(scores)
    decoded, scores = keras.ops.ctc_decode(
        logits3, lengths, strategy="beam_search", beam_width=3, top_paths=2, mask_index=0
    )
    out["keras3_beam_decoded"] = as_numpy(decoded)
    out["keras3_beam_scores"] = as_numpy(scores)
    save_npz("ctc/decode", out)


def run():
    loss_cases()
    decode_cases()
