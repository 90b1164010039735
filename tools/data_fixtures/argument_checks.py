# ruff: noqa: E501 - a table of one-line scenarios
"""Bad arguments to ops, layers and losses (issue 18): the error class TF 2.21 / Keras 3.15
raise, or what they return, for each case.

``op_*`` and ``layer_*`` scenarios: featherflow must raise the class TF raises (or return the
same value). ``loss_*`` scenarios: where Keras 3.15 broadcasts ``y_true`` against ``y_pred`` of
another shape and returns a number, featherflow refuses on purpose (tests/reliability/
test_argument_checks.py lists those cases and checks the refusal); everywhere else the outcome
must match. ``f64_*``: float64 stays float64 where the user asked for it.
"""

import numpy as np

_rng = np.random.default_rng(18)
X3 = _rng.uniform(-1, 1, (2, 5, 3)).astype(np.float32)
X4 = _rng.uniform(-1, 1, (2, 4, 4, 3)).astype(np.float32)
P = _rng.uniform(0.1, 0.9, (16, 1)).astype(np.float32)
P2 = _rng.uniform(0.1, 0.9, (16, 2)).astype(np.float32)
P3 = _rng.uniform(0.1, 0.9, (16, 3)).astype(np.float32)
P44 = _rng.uniform(0.1, 0.9, (4, 4)).astype(np.float32)
Y1 = _rng.uniform(0, 1, (16, 1)).astype(np.float32)
Y2 = _rng.uniform(0, 1, (16, 2)).astype(np.float32)
Y16 = _rng.uniform(0, 1, (16,)).astype(np.float32)
Y4 = _rng.uniform(0, 1, (4,)).astype(np.float32)
LABELS = (np.arange(16) % 4).astype(np.float32).reshape(16, 1)


def _layer(tf, cls, *args, **kwargs):
    return getattr(tf.keras.layers, cls)(*args, **kwargs)


def _loss(tf, name, y, p):
    return tf.keras.losses.get(name)(y, p)


SCENARIOS = {
    # gather / gather_nd
    "op_gather_in_range": lambda tf: tf.gather(tf.constant([1.0, 2.0, 3.0]), [2, 0]),
    "op_gather_out_of_range": lambda tf: tf.gather(tf.constant([1.0, 2.0, 3.0]), [3]),
    "op_gather_negative": lambda tf: tf.gather(tf.constant([1.0, 2.0, 3.0]), [-1]),
    "op_gather_axis1_out_of_range": lambda tf: tf.gather(tf.ones((2, 3)), [5], axis=1),
    "op_gather_bad_axis": lambda tf: tf.gather(tf.ones((2, 3)), [0], axis=2),
    "op_gather_nd_out_of_range": lambda tf: tf.gather_nd(tf.ones((2, 3)), [[2, 0]]),
    "op_gather_nd_negative": lambda tf: tf.gather_nd(tf.ones((2, 3)), [[-1, 0]]),
    # one_hot
    "op_one_hot_ok": lambda tf: tf.one_hot([0, 2], 3),
    "op_one_hot_negative_depth": lambda tf: tf.one_hot([0, 1], -1),
    "op_one_hot_zero_depth": lambda tf: tf.one_hot([0, 1], 0),
    "op_one_hot_out_of_range_index": lambda tf: tf.one_hot([5, -1], 3),
    # cumsum / cumprod
    "op_cumsum_scalar": lambda tf: tf.cumsum(tf.constant(3.0)),
    "op_cumsum_bad_axis": lambda tf: tf.cumsum(tf.ones((2, 3)), axis=2),
    "op_cumprod_scalar": lambda tf: tf.math.cumprod(tf.constant(3.0)),
    # squeeze
    "op_squeeze_non_one_axis": lambda tf: tf.squeeze(tf.ones((2, 3)), axis=1),
    "op_squeeze_bad_axis": lambda tf: tf.squeeze(tf.ones((2, 1)), axis=3),
    "op_squeeze_ok": lambda tf: tf.squeeze(tf.ones((2, 1)), axis=1),
    # pad
    "op_pad_negative": lambda tf: tf.pad(tf.ones((2, 3)), [[-1, 0], [0, 0]]),
    "op_pad_wrong_rank": lambda tf: tf.pad(tf.ones((2, 3)), [[1, 1]]),
    "op_pad_reflect_too_large": lambda tf: tf.pad(tf.ones((2, 3)), [[2, 2], [0, 0]], mode="REFLECT"),
    "op_pad_symmetric_too_large": lambda tf: tf.pad(tf.ones((2, 3)), [[3, 0], [0, 0]], mode="SYMMETRIC"),
    "op_pad_reflect_edge_ok": lambda tf: tf.pad(tf.constant([[1.0, 2.0, 3.0]]), [[0, 0], [2, 2]], mode="REFLECT"),
    # reshape / tile / slicing
    "op_reshape_wrong_size": lambda tf: tf.reshape(tf.ones((2, 3)), (4, 2)),
    "op_reshape_two_unknown": lambda tf: tf.reshape(tf.ones((2, 3)), (-1, -1)),
    "op_tile_wrong_length": lambda tf: tf.tile(tf.ones((2, 3)), [2]),
    "op_tile_negative": lambda tf: tf.tile(tf.ones((2, 3)), [1, -1]),
    "op_range_zero_delta": lambda tf: tf.range(0, 5, 0),
    "op_split_uneven": lambda tf: tf.split(tf.ones((5, 2)), 2),
    "op_transpose_bad_perm": lambda tf: tf.transpose(tf.ones((2, 3)), [0, 0]),
    "op_concat_shape_mismatch": lambda tf: tf.concat([tf.ones((2, 3)), tf.ones((2, 4))], axis=0),
    "op_matmul_mismatch": lambda tf: tf.matmul(tf.ones((2, 3)), tf.ones((4, 2))),
    "op_reduce_sum_bad_axis": lambda tf: tf.reduce_sum(tf.ones((2, 3)), axis=2),
    "op_argmax_bad_axis": lambda tf: tf.argmax(tf.ones((2, 3)), axis=-3),
    # layers: pooling
    "layer_gap1d_on_4d": lambda tf: _layer(tf, "GlobalAveragePooling1D")(X4),
    "layer_gmp1d_on_4d": lambda tf: _layer(tf, "GlobalMaxPooling1D")(X4),
    "layer_gap2d_on_3d": lambda tf: _layer(tf, "GlobalAveragePooling2D")(X3),
    "layer_gap1d_ok": lambda tf: _layer(tf, "GlobalAveragePooling1D")(X3),
    "layer_maxpool2d_on_3d": lambda tf: _layer(tf, "MaxPooling2D")(X3),
    "layer_maxpool1d_pool_too_large": lambda tf: _layer(tf, "MaxPooling1D", pool_size=9)(X3),
    "layer_avgpool2d_zero_pool": lambda tf: _layer(tf, "AveragePooling2D", pool_size=0),
    # layers: padding and cropping
    "layer_zeropad2d_negative": lambda tf: _layer(tf, "ZeroPadding2D", padding=-1)(X4).shape,
    "layer_zeropad1d_wrong_length": lambda tf: _layer(tf, "ZeroPadding1D", padding=(1, 2, 3)),
    "layer_cropping1d_too_much": lambda tf: _layer(tf, "Cropping1D", cropping=(3, 3))(X3),
    "layer_cropping2d_too_much": lambda tf: _layer(tf, "Cropping2D", cropping=((2, 2), (0, 0)))(X4),
    "layer_cropping2d_negative": lambda tf: _layer(tf, "Cropping2D", cropping=-1),
    "layer_cropping2d_ok": lambda tf: _layer(tf, "Cropping2D", cropping=((1, 1), (0, 1)))(X4).shape,
    # layers: convolutions
    "layer_conv2d_zero_channels": lambda tf: _layer(tf, "Conv2D", 2, 3, padding="same")(np.zeros((1, 4, 4, 0), np.float32)),
    "layer_conv1d_zero_channels": lambda tf: _layer(tf, "Conv1D", 2, 3)(np.zeros((1, 6, 0), np.float32)),
    "layer_conv2d_kernel_too_large": lambda tf: _layer(tf, "Conv2D", 2, 5)(X4),
    "layer_conv1d_kernel_too_large": lambda tf: _layer(tf, "Conv1D", 2, 6)(X3),
    "layer_conv2d_kernel_same_ok": lambda tf: _layer(tf, "Conv2D", 2, 5, padding="same")(X4).shape,
    "layer_conv2d_zero_filters": lambda tf: _layer(tf, "Conv2D", 0, 3),
    "layer_conv2d_negative_kernel": lambda tf: _layer(tf, "Conv2D", 2, -3),
    "layer_conv2d_on_3d": lambda tf: _layer(tf, "Conv2D", 2, 3)(X3),
    "layer_dense_zero_units": lambda tf: _layer(tf, "Dense", 0),
    "layer_embedding_zero_dim": lambda tf: _layer(tf, "Embedding", 0, 4),
    "layer_reshape_wrong_size": lambda tf: _layer(tf, "Reshape", (7,))(X3),
    "layer_dropout_rate_above_one": lambda tf: _layer(tf, "Dropout", 1.5),
    # losses: shapes (Keras 3.15 broadcasts some of these; featherflow refuses them)
    "loss_mse_16x2_vs_16x1": lambda tf: _loss(tf, "mean_squared_error", Y2, P),
    "loss_mse_16x1_vs_16x2": lambda tf: _loss(tf, "mean_squared_error", Y1, P2),
    "loss_mse_4_vs_4x4": lambda tf: _loss(tf, "mean_squared_error", Y4, P44),
    "loss_mse_16_vs_16x3": lambda tf: _loss(tf, "mean_squared_error", Y16, P3),
    "loss_mse_16_vs_16x1": lambda tf: _loss(tf, "mean_squared_error", Y16, P),
    "loss_mse_16x1_vs_16": lambda tf: _loss(tf, "mean_squared_error", Y1, P.reshape(16)),
    "loss_mse_scalar_target": lambda tf: _loss(tf, "mean_squared_error", np.float32(0.5), P),
    "loss_mae_16x2_vs_16x1": lambda tf: _loss(tf, "mean_absolute_error", Y2, P),
    "loss_huber_16x1_vs_16x2": lambda tf: _loss(tf, "huber", Y1, P2),
    "loss_cosine_16x2_vs_16x1": lambda tf: _loss(tf, "cosine_similarity", Y2, P),
    "loss_bce_16x2_vs_16x1": lambda tf: _loss(tf, "binary_crossentropy", Y2, P),
    "loss_bce_4_vs_4x4": lambda tf: _loss(tf, "binary_crossentropy", Y4, P44),
    "loss_bce_16_vs_16x1": lambda tf: _loss(tf, "binary_crossentropy", Y16, P),
    "loss_cce_16x2_vs_16x3": lambda tf: _loss(tf, "categorical_crossentropy", Y2, P3),
    "loss_bce_class_index_labels": lambda tf: _loss(tf, "binary_crossentropy", LABELS, P),
    "loss_bce_minus_one_labels": lambda tf: _loss(tf, "binary_crossentropy", LABELS * 0 - 1, P),
    # float64 where asked for
    "f64_dense_layer": lambda tf: _layer(tf, "Dense", 2, dtype="float64")(np.ones((1, 3))).dtype.name,
    "f64_ops_keep_float64": lambda tf: (tf.reduce_sum(tf.constant(np.ones(3))).dtype.name, tf.matmul(tf.constant(np.ones((2, 2))), tf.constant(np.ones((2, 2)))).dtype.name),
    "f64_conv_layer": lambda tf: _layer(tf, "Conv1D", 2, 2, dtype="float64")(np.ones((1, 4, 3))).dtype.name,
    "f64_constant_from_numpy": lambda tf: tf.constant(np.ones(2)).dtype.name,
    "f64_default_layer_casts_to_float32": lambda tf: _layer(tf, "Dense", 2)(np.ones((1, 3))).dtype.name,
    "f64_loss_float64_predictions": lambda tf: tf.keras.losses.MeanSquaredError(dtype="float64")(np.ones((2, 1)), np.zeros((2, 1))).dtype.name,
}
