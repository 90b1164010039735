# ruff: noqa: E501 - a table of one-line scenarios
"""tf.quantization's fake-quant ops from TF 2.21: the nudged ranges, rounding, narrow range,
bit widths, per-channel ranges, the min == max == 0 case, the gradient ops, the gradients a
tape gives (inputs, min, max) and the argument errors."""

import numpy as np

X = np.array([-7.0, -0.6, -0.5, -0.26, -0.25, 0.0, 0.1, 0.37, 0.5, 0.99, 1.0, 1.3, 6.1], np.float32)
M = np.array([[-1.0, 0.2, 3.0], [0.5, -0.05, 9.0], [-2.5, 0.7, 0.0], [0.33, 2.0, -0.4]], np.float32)
G = np.linspace(0.5, 2.0, X.size).astype(np.float32)


def _fq_args(tf, **kw):
    return tf.quantization.fake_quant_with_min_max_args(X, **kw)


def _vars_tape(tf, per_channel):
    x = tf.constant(M)
    low = tf.Variable([-0.5, 0.0, -1.0] if per_channel else -0.5)
    high = tf.Variable([0.5, 1.0, 2.0] if per_channel else 1.0)
    fq = tf.quantization.fake_quant_with_min_max_vars_per_channel if per_channel else tf.quantization.fake_quant_with_min_max_vars
    weights = tf.constant(np.arange(1.0, 13.0, dtype=np.float32).reshape(4, 3))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fq(x, low, high, num_bits=6)
        loss = tf.reduce_sum(y * weights)
    return [y] + tape.gradient(loss, [x, low, high])


def _args_tape(tf):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.quantization.fake_quant_with_min_max_args(x, min=-0.5, max=1.0)
        loss = tf.reduce_sum(y * G)
    return tape.gradient(loss, x)


def _qdq_tape(tf, fn, **kw):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x, -0.5, 1.0, **kw)
        loss = tf.reduce_sum(y * G)
    return [y, tape.gradient(loss, x)]


SCENARIOS = {
    "args_default": lambda tf: _fq_args(tf),
    "args_small_range": lambda tf: _fq_args(tf, min=-0.5, max=1.0),
    "args_4_bits": lambda tf: _fq_args(tf, min=-0.5, max=1.0, num_bits=4),
    "args_narrow": lambda tf: _fq_args(tf, min=-0.5, max=1.0, num_bits=4, narrow_range=True),
    "args_positive_min_nudged": lambda tf: _fq_args(tf, min=0.1, max=1.0, num_bits=3),
    "args_negative_max_nudged": lambda tf: _fq_args(tf, min=-1.0, max=-0.2, num_bits=3),
    "args_2_and_16_bits": lambda tf: [_fq_args(tf, min=-1.0, max=1.0, num_bits=2), _fq_args(tf, min=-1.0, max=1.0, num_bits=16)],
    "args_matrix": lambda tf: tf.quantization.fake_quant_with_min_max_args(M, min=-2.0, max=3.0, num_bits=5),
    "args_bad_bits": lambda tf: _fq_args(tf, num_bits=1),
    "args_min_not_below_max": lambda tf: _fq_args(tf, min=1.0, max=1.0),
    "args_float64_refused": lambda tf: tf.quantization.fake_quant_with_min_max_args(X.astype(np.float64)),
    "args_gradient_op": lambda tf: tf.quantization.fake_quant_with_min_max_args_gradient(G, X, min=-0.5, max=1.0),
    "args_tape_gradient": _args_tape,
    "vars": lambda tf: tf.quantization.fake_quant_with_min_max_vars(X, tf.constant(-0.5), tf.constant(1.0)),
    "vars_narrow_3_bits": lambda tf: tf.quantization.fake_quant_with_min_max_vars(X, -0.3, 0.8, num_bits=3, narrow_range=True),
    "vars_zero_range": lambda tf: tf.quantization.fake_quant_with_min_max_vars(X, 0.0, 0.0),
    "vars_gradient_op": lambda tf: list(tf.quantization.fake_quant_with_min_max_vars_gradient(G, X, -0.5, 1.0)),
    "vars_gradient_op_zero_range": lambda tf: list(tf.quantization.fake_quant_with_min_max_vars_gradient(G, X, 0.0, 0.0)),
    "vars_tape": lambda tf: _vars_tape(tf, False),
    "per_channel": lambda tf: tf.quantization.fake_quant_with_min_max_vars_per_channel(M, [-0.5, 0.0, -1.0], [0.5, 1.0, 2.0]),
    "per_channel_zero_channel": lambda tf: tf.quantization.fake_quant_with_min_max_vars_per_channel(M, [0.0, -1.0, -3.0], [0.0, 1.0, 4.0], num_bits=4),
    "per_channel_vector": lambda tf: tf.quantization.fake_quant_with_min_max_vars_per_channel(M[0], [-0.5, 0.0, -1.0], [0.5, 1.0, 2.0], num_bits=5),
    "per_channel_gradient_op": lambda tf: list(tf.quantization.fake_quant_with_min_max_vars_per_channel_gradient(np.ones_like(M), M, [-0.5, 0.0, -1.0], [0.5, 1.0, 2.0])),
    "per_channel_tape": lambda tf: _vars_tape(tf, True),
    "qdq_data_range": lambda tf: tf.quantization.quantize_and_dequantize_v2(X, -1.0, 1.0),
    "qdq_given_range": lambda tf: tf.quantization.quantize_and_dequantize_v2(X, -0.5, 1.0, range_given=True),
    "qdq_unsigned_4_bits": lambda tf: tf.quantization.quantize_and_dequantize_v2(np.abs(X), 0.0, 1.0, signed_input=False, num_bits=4, range_given=True),
    "qdq_narrow_half_up": lambda tf: tf.quantization.quantize_and_dequantize_v2(X, -0.5, 1.0, num_bits=3, range_given=True, narrow_range=True, round_mode="HALF_UP"),
    "qdq_half_to_even_ties": lambda tf: tf.quantization.quantize_and_dequantize_v2(np.array([-1.0, -0.5, 0.5, 1.5, 2.5, 3.0], np.float32), -3.0, 3.0, num_bits=3, range_given=True),
    "qdq_float64": lambda tf: tf.quantization.quantize_and_dequantize_v2(X.astype(np.float64), -0.75, 2.0, num_bits=5, range_given=True),
    "qdq_axis": lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(M), tf.constant([-1.0, -0.1, -0.5]), tf.constant([0.6, 2.0, 9.0]), range_given=True, axis=1, num_bits=4),
    "qdq_axis_data_range": lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(M), tf.constant([0.0, 0.0, 0.0]), tf.constant([0.0, 0.0, 0.0]), axis=-1, num_bits=4),
    "qdq_axis_first": lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(M), tf.constant([-1.0, -0.1, -0.5, -2.0]), tf.constant([0.6, 2.0, 9.0, 1.0]), range_given=True, axis=0, num_bits=5),
    "qdq_tape": lambda tf: _qdq_tape(tf, tf.quantization.quantize_and_dequantize_v2, range_given=True),
    "qdq_v1": lambda tf: tf.quantization.quantize_and_dequantize(X, -0.5, 1.0, range_given=True, num_bits=4),
    "qdq_v1_tape": lambda tf: _qdq_tape(tf, tf.quantization.quantize_and_dequantize, range_given=True),
    "qdq_bad_range": lambda tf: tf.quantization.quantize_and_dequantize_v2(X, 1.0, -1.0, range_given=True),
    "qdq_bad_bits": lambda tf: tf.quantization.quantize_and_dequantize_v2(X, -1.0, 1.0, num_bits=0),
    "per_channel_bad_shape": lambda tf: tf.quantization.fake_quant_with_min_max_vars_per_channel(M, [-0.5, 0.0], [0.5, 1.0]),
}
