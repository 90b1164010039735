# ruff: noqa: E501 - a table of one-line scenarios
"""tf.nn.ctc_greedy_decoder, ctc_beam_search_decoder and ctc_unique_labels, recorded from
TensorFlow 2.21 eagerly (time-major logits, blank last unless blank_index moves it)."""

import numpy as np

RNG = np.random.default_rng(11)
LOGITS = (RNG.standard_normal((6, 3, 5)) * 2).astype("float32")   # [time, batch, classes]
LENGTHS = np.array([6, 4, 0], "int32")
REPEATS = np.log(np.array([[[0.1, 0.8, 0.1]], [[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]],
                           [[0.1, 0.8, 0.1]]], "float32"))            # a a _ a


def _sp(s):
    return [s.indices, s.values, s.dense_shape]


def _greedy(tf, **kw):
    decoded, logp = tf.nn.ctc_greedy_decoder(tf.constant(LOGITS), tf.constant(LENGTHS), **kw)
    return [_sp(decoded[0]), logp]


def _beam(tf, logits=LOGITS, lengths=LENGTHS, **kw):
    decoded, logp = tf.nn.ctc_beam_search_decoder(tf.constant(logits), tf.constant(lengths), **kw)
    return [[_sp(d) for d in decoded], logp]


SCENARIOS = {
    "greedy": lambda tf: _greedy(tf),
    "greedy_no_merge": lambda tf: _greedy(tf, merge_repeated=False),
    "greedy_blank_0": lambda tf: _greedy(tf, blank_index=0),
    "greedy_blank_minus_2": lambda tf: _greedy(tf, blank_index=-2),
    "greedy_repeats": lambda tf: [_sp(tf.nn.ctc_greedy_decoder(tf.constant(REPEATS), tf.constant([4]))[0][0])],
    "beam_top1": lambda tf: _beam(tf, beam_width=10),
    "beam_top3": lambda tf: _beam(tf, beam_width=8, top_paths=3),
    "beam_repeats": lambda tf: _beam(tf, REPEATS, np.array([4], "int32"), beam_width=5, top_paths=2),
    "beam_length_too_long": lambda tf: _beam(tf, LOGITS, np.array([7, 1, 1], "int32")),
    "unique_labels": lambda tf: list(tf.nn.ctc_unique_labels(tf.constant([[3, 4, 3, 0, 0], [1, 1, 1, 2, 5]]))),
}
