# ruff: noqa: E501 - a table of one-line cases
"""More of tf.nn against TensorFlow 2.21: rank-generic pooling and convolution, crelu,
space/depth moves, LRN, moments helpers, log_poisson_loss, max_pool_with_argmax..."""

import numpy as np

_rng = np.random.default_rng(17)
IMG = _rng.uniform(-1, 1, (2, 6, 7, 4)).astype(np.float32)
SEQ = _rng.uniform(-1, 1, (2, 9, 3)).astype(np.float32)
VOL = _rng.uniform(-1, 1, (1, 4, 5, 6, 2)).astype(np.float32)
K1 = _rng.uniform(-1, 1, (3, 3, 5)).astype(np.float32)
K2 = _rng.uniform(-1, 1, (3, 3, 4, 2)).astype(np.float32)
K3 = _rng.uniform(-1, 1, (2, 2, 2, 2, 3)).astype(np.float32)
F = _rng.uniform(-2, 2, (3, 5)).astype(np.float32)


def _grad(tf, fn, x):
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return [y, tape.gradient(y, x)]


SCENARIOS = {
    "avg_pool_1d": lambda tf: tf.nn.avg_pool(SEQ, 2, 2, "VALID"), "avg_pool_2d": lambda tf: tf.nn.avg_pool(IMG, 3, 2, "SAME"),
    "avg_pool_3d": lambda tf: tf.nn.avg_pool(VOL, 2, 2, "VALID"), "max_pool_2d": lambda tf: tf.nn.max_pool(IMG, [2, 3], [1, 2], "SAME"),
    "max_pool_1d": lambda tf: tf.nn.max_pool(SEQ, 3, 1, "VALID"),
    "pool_max": lambda tf: tf.nn.pool(IMG, [2, 2], "MAX", strides=[2, 2]), "pool_avg_same": lambda tf: tf.nn.pool(IMG, [3, 3], "AVG", padding="SAME"),
    "convolution_1d": lambda tf: tf.nn.convolution(SEQ, K1, padding="SAME"), "convolution_2d": lambda tf: tf.nn.convolution(IMG, K2, strides=2),
    "convolution_3d": lambda tf: tf.nn.convolution(VOL, K3), "convolution_dilated": lambda tf: tf.nn.convolution(IMG, K2, dilations=2, padding="SAME"),
    "conv1d_transpose": lambda tf: tf.nn.conv1d_transpose(SEQ, _kernel_1d_transpose(), [2, 18, 4], 2),
    "conv_transpose_2d": lambda tf: tf.nn.conv_transpose(IMG[..., :2], K2, [2, 12, 14, 4], 2),
    "atrous_conv2d": lambda tf: tf.nn.atrous_conv2d(IMG, K2, 2, "SAME"),
    "crelu": lambda tf: tf.nn.crelu(F), "crelu_axis0": lambda tf: tf.nn.crelu(F, axis=0),
    "space_to_depth": lambda tf: tf.nn.space_to_depth(np.tile(IMG[:, :6, :6], (1, 1, 1, 1)), 2),
    "depth_to_space": lambda tf: tf.nn.depth_to_space(IMG, 2),
    "lrn": lambda tf: tf.nn.local_response_normalization(IMG), "lrn_args": lambda tf: tf.nn.lrn(IMG, depth_radius=1, bias=2.0, alpha=0.5, beta=0.75),
    "log_poisson_loss": lambda tf: tf.nn.log_poisson_loss(np.abs(F) * 2, F), "log_poisson_full": lambda tf: tf.nn.log_poisson_loss(np.abs(F) * 2, F, compute_full_loss=True),
    "sufficient_statistics": lambda tf: tf.nn.sufficient_statistics(F, [0])[:3], "sufficient_statistics_shift": lambda tf: tf.nn.sufficient_statistics(F, [1], shift=0.5)[:3],
    "normalize_moments": lambda tf: tf.nn.normalize_moments(3.0, tf.reduce_sum(F, 0), tf.reduce_sum(F * F, 0), None),
    "weighted_moments": lambda tf: tf.nn.weighted_moments(F, [1], np.abs(F)), "weighted_moments_keep": lambda tf: tf.nn.weighted_moments(F, [0], 2.0, keepdims=True),
    "zero_fraction": lambda tf: tf.nn.zero_fraction(np.array([0.0, 1.0, 0.0], np.float32)),
    "in_top_k": lambda tf: tf.nn.in_top_k([0, 3, 1], F, 2),
    "max_pool_with_argmax": lambda tf: tf.nn.max_pool_with_argmax(IMG, 2, 2, "VALID"),
    "max_pool_with_argmax_same_batch": lambda tf: tf.nn.max_pool_with_argmax(IMG, 3, 2, "SAME", include_batch_in_index=True),
    "compute_average_loss": lambda tf: tf.nn.compute_average_loss(F[0], sample_weight=np.abs(F[1])),
    "compute_average_loss_global": lambda tf: tf.nn.compute_average_loss(F[0], global_batch_size=10),
    "scale_regularization_loss": lambda tf: tf.nn.scale_regularization_loss(tf.constant([1.0, 2.5])),
    "collapse_repeated": lambda tf: tf.nn.collapse_repeated([[1, 1, 2, 2, 3], [4, 4, 4, 5, 5]], [5, 4]),
    "grad_lrn": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.nn.lrn(x, 2) * np.arange(4, dtype=np.float32)), IMG),
    "grad_crelu_s2d": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.nn.depth_to_space(tf.nn.crelu(x), 2) ** 2), IMG),
    "grad_weighted_moments": lambda tf: _grad(tf, lambda x: tf.reduce_sum(tf.nn.weighted_moments(x, [1], np.abs(F))[1]), F),
}


def _kernel_1d_transpose():
    return np.linspace(-1, 1, 3 * 4 * 3, dtype=np.float32).reshape(3, 4, 3)
