# ruff: noqa: E501, E741 - a table of one-line cases over short array names
"""tf.keras 2's backend functions (``from keras import backend as K``) on fixed inputs,
recorded from tf_keras 2.21 (the Keras 2 that TensorFlow 2.21 pairs with)."""

import numpy as np

_rng = np.random.default_rng(31)
F = _rng.uniform(-2, 2, (3, 4)).astype(np.float32)
G = _rng.uniform(-2, 2, (3, 4)).astype(np.float32)
P = _rng.uniform(0.05, 0.95, (3, 4)).astype(np.float32)
I = _rng.integers(-5, 6, (3, 4)).astype(np.int32)
B = F > 0
T3 = _rng.uniform(-1, 1, (2, 3, 4)).astype(np.float32)
T3B = _rng.uniform(-1, 1, (2, 4, 5)).astype(np.float32)
IMG = _rng.uniform(0, 1, (2, 5, 6, 3)).astype(np.float32)
KER = _rng.uniform(-1, 1, (3, 3, 3, 2)).astype(np.float32)
VOL = _rng.uniform(0, 1, (1, 4, 5, 6, 2)).astype(np.float32)
KER3 = _rng.uniform(-1, 1, (2, 2, 3, 2, 3)).astype(np.float32)
SEQ = _rng.uniform(-1, 1, (2, 6, 3)).astype(np.float32)
ONEHOT = np.eye(4, dtype=np.float32)[[0, 3, 1]]
SOFT = (np.exp(F) / np.exp(F).sum(-1, keepdims=True)).astype(np.float32)


class _Tensors:
    """K with NumPy array arguments passed as tensors (tf.keras 2's K.* expect tensors)."""

    def __init__(self, K, tf):
        self._K, self._tf = K, tf

    def __getattr__(self, name):
        fn = getattr(self._K, name)
        if not callable(fn):
            return fn

        def call(*args, **kwargs):
            args = [self._tensor(a) for a in args]
            return fn(*args, **kwargs)
        return call

    def _tensor(self, a):
        if isinstance(a, np.ndarray):
            return self._tf.constant(a)
        if isinstance(a, list) and a and all(isinstance(v, np.ndarray) for v in a):
            return [self._tf.constant(v) for v in a]
        return a


def _K(tf):
    if tf.__name__ == "tensorflow":
        import tf_keras

        return _Tensors(tf_keras.backend, tf)
    return _Tensors(tf.keras.backend, tf)


CASES = {
    "mean_int": lambda K: K.mean(I), "mean_bool": lambda K: K.mean(B, axis=0),
    "mean_axis_keep": lambda K: K.mean(F, axis=1, keepdims=True),
    "sum": lambda K: K.sum(F, axis=0), "sum_int": lambda K: K.sum(I),
    "prod": lambda K: K.prod(F, axis=1), "max": lambda K: K.max(F, axis=1, keepdims=True),
    "min": lambda K: K.min(I), "std": lambda K: K.std(F, axis=0), "var": lambda K: K.var(F),
    "var_bool": lambda K: K.var(B), "any": lambda K: K.any(I, axis=1), "all": lambda K: K.all(B),
    "argmax": lambda K: K.argmax(F), "argmin": lambda K: K.argmin(F, axis=0),
    "square": lambda K: K.square(I), "abs": lambda K: K.abs(F),
    "sqrt_clips": lambda K: K.sqrt(F), "exp": lambda K: K.exp(F), "log": lambda K: K.log(P),
"round": lambda K: K.round(F * 2),
    "sign": lambda K: K.sign(F), "pow": lambda K: K.pow(P, 2.5), "sin": lambda K: K.sin(F),
    "cos": lambda K: K.cos(F), "clip": lambda K: K.clip(F, -0.5, 0.5),
    "clip_swapped": lambda K: K.clip(F, 0.5, -0.5), "clip_none": lambda K: K.clip(F, None, 0.0),
    "equal": lambda K: K.equal(F, F), "not_equal": lambda K: K.not_equal(F, G),
    "greater": lambda K: K.greater(F, G), "greater_equal": lambda K: K.greater_equal(F, G),
    "less": lambda K: K.less(F, G), "less_equal": lambda K: K.less_equal(F, G),
    "maximum": lambda K: K.maximum(F, G), "minimum": lambda K: K.minimum(F, G),
    "cumsum": lambda K: K.cumsum(F, axis=1), "cumprod": lambda K: K.cumprod(F),
    "cumsum_int": lambda K: K.cumsum(I),
    "reshape": lambda K: K.reshape(F, (2, 6)), "permute": lambda K: K.permute_dimensions(T3, (2, 0, 1)),
    "expand_dims": lambda K: K.expand_dims(F), "squeeze": lambda K: K.squeeze(F[:, :1], 1),
    "flatten": lambda K: K.flatten(T3), "batch_flatten": lambda K: K.batch_flatten(T3),
    "concatenate": lambda K: K.concatenate([F, G]), "concatenate_0": lambda K: K.concatenate([F, G], 0),
    "stack": lambda K: K.stack([F, G], axis=1), "tile": lambda K: K.tile(F, (1, 2)),
    "tile_int": lambda K: K.tile(F[0], 2), "repeat": lambda K: K.repeat(F, 2),
    "repeat_elements": lambda K: K.repeat_elements(F, 2, axis=1), "reverse": lambda K: K.reverse(F, 1),
    "reverse_many": lambda K: K.reverse(T3, (0, 2)), "transpose": lambda K: K.transpose(F),
    "gather": lambda K: K.gather(F, np.array([2, 0])), "one_hot": lambda K: K.one_hot(np.array([0, 2, 1]), 3),
    "temporal_padding": lambda K: K.temporal_padding(T3, (1, 2)),
    "spatial_2d_padding": lambda K: K.spatial_2d_padding(IMG, ((1, 0), (0, 2))),
    "spatial_2d_padding_cf": lambda K: K.spatial_2d_padding(IMG, data_format="channels_first"),
    "spatial_3d_padding": lambda K: K.spatial_3d_padding(VOL),
    "resize_images": lambda K: K.resize_images(IMG, 2, 3, "channels_last"),
    "resize_images_bilinear": lambda K: K.resize_images(IMG, 2, 2, "channels_last", interpolation="bilinear"),
    "resize_volumes": lambda K: K.resize_volumes(VOL, 2, 1, 2, "channels_last"),
    "dot_2d": lambda K: K.dot(F, G.T), "dot_3d": lambda K: K.dot(T3, G.T),
    "dot_3d_3d": lambda K: K.dot(T3, T3B), "batch_dot_default": lambda K: K.batch_dot(T3, T3B),
    "batch_dot_axes": lambda K: K.batch_dot(T3, T3, axes=(1, 1)), "batch_dot_2d": lambda K: K.batch_dot(F, G, axes=1),
    "batch_dot_int_axes": lambda K: K.batch_dot(T3, T3, axes=2),
    "batch_dot_2d_3d": lambda K: K.batch_dot(F[:2], T3B, axes=(1, 1)),
    "l2_normalize": lambda K: K.l2_normalize(F, axis=1), "in_top_k": lambda K: K.in_top_k(F, np.array([0, 1, 3]), 2),
    "bias_add": lambda K: K.bias_add(IMG, np.array([0.1, 0.2, 0.3], np.float32)),
    "bias_add_cf": lambda K: K.bias_add(np.transpose(IMG, (0, 3, 1, 2)), np.array([0.1, 0.2, 0.3], np.float32), data_format="channels_first"),
    "relu": lambda K: K.relu(F), "relu_alpha": lambda K: K.relu(F, alpha=0.1),
    "relu_max": lambda K: K.relu(F, max_value=1.0), "relu_threshold": lambda K: K.relu(F, threshold=0.5),
    "relu_all": lambda K: K.relu(F, alpha=0.2, max_value=1.5, threshold=0.3),
    "elu": lambda K: K.elu(F), "elu_alpha": lambda K: K.elu(F, alpha=0.5),
    "softmax": lambda K: K.softmax(F), "softmax_axis0": lambda K: K.softmax(F, axis=0),
    "softplus": lambda K: K.softplus(F), "softsign": lambda K: K.softsign(F),
    "sigmoid": lambda K: K.sigmoid(F), "hard_sigmoid": lambda K: K.hard_sigmoid(F * 3), "tanh": lambda K: K.tanh(F),
    "binary_crossentropy": lambda K: K.binary_crossentropy(np.round(P), P),
    "binary_crossentropy_logits": lambda K: K.binary_crossentropy(np.round(P), F, from_logits=True),
    "binary_focal": lambda K: K.binary_focal_crossentropy(np.round(P), P),
    "binary_focal_balanced": lambda K: K.binary_focal_crossentropy(np.round(P), F, apply_class_balancing=True, from_logits=True),
    "categorical_crossentropy": lambda K: K.categorical_crossentropy(ONEHOT, SOFT),
    "categorical_crossentropy_logits": lambda K: K.categorical_crossentropy(ONEHOT, F, from_logits=True),
    "categorical_focal": lambda K: K.categorical_focal_crossentropy(ONEHOT, SOFT),
    "sparse_categorical_crossentropy": lambda K: K.sparse_categorical_crossentropy(np.array([0, 3, 1]), SOFT),
    "sparse_categorical_crossentropy_logits": lambda K: K.sparse_categorical_crossentropy(np.array([[0], [3], [1]]), F, from_logits=True),
    "sparse_categorical_ignore": lambda K: K.sparse_categorical_crossentropy(np.array([0, 3, 1]), F, from_logits=True, ignore_class=3),
    "batch_normalization": lambda K: K.batch_normalization(IMG, np.array([0.5, 0.4, 0.3], np.float32), np.array([1.0, 2.0, 0.5], np.float32), np.array([0.1, 0.0, -0.1], np.float32), np.array([1.0, 0.5, 2.0], np.float32)),
    "normalize_batch_in_training": lambda K: K.normalize_batch_in_training(F, np.ones(4, np.float32), np.zeros(4, np.float32), [0]),
    "conv1d": lambda K: K.conv1d(SEQ, KER[0], padding="same"),
    "conv1d_causal": lambda K: K.conv1d(SEQ, KER[0], padding="causal", dilation_rate=2),
    "conv2d": lambda K: K.conv2d(IMG, KER), "conv2d_same_strided": lambda K: K.conv2d(IMG, KER, strides=(2, 2), padding="same"),
    "conv2d_cf": lambda K: K.conv2d(np.transpose(IMG, (0, 3, 1, 2)), KER, data_format="channels_first"),
    "conv2d_transpose": lambda K: K.conv2d_transpose(IMG[..., :2], KER, (2, 10, 12, 3), strides=(2, 2), padding="same"),
    "depthwise_conv2d": lambda K: K.depthwise_conv2d(IMG, KER[..., :1]),
    "separable_conv2d": lambda K: K.separable_conv2d(IMG, KER[..., :1], KER[:1, :1, :, :]),
    "conv3d": lambda K: K.conv3d(VOL, KER3), "conv3d_same": lambda K: K.conv3d(VOL, KER3, strides=(2, 1, 2), padding="same"),
    "pool2d_max": lambda K: K.pool2d(IMG, (2, 2), strides=(2, 2)),
    "pool2d_avg_same": lambda K: K.pool2d(IMG, (3, 3), strides=(2, 2), padding="same", pool_mode="avg"),
    "pool3d_max": lambda K: K.pool3d(VOL, (2, 2, 2), strides=(2, 2, 2)),
    "pool3d_avg_same": lambda K: K.pool3d(VOL, (2, 3, 2), strides=(1, 2, 2), padding="same", pool_mode="avg"),
    "local_conv1d": lambda K: K.local_conv1d(SEQ, np.ones((5, 2 * 3, 4), np.float32) * 0.1, (2,), (1,)),
    "local_conv2d": lambda K: K.local_conv2d(IMG, np.linspace(-1, 1, 2 * 2 * 2 * 3 * 2 * 5).astype(np.float32).reshape(4, 12, 5), (2, 2), (2, 3), (2, 2)),
    "switch_scalar": lambda K: K.switch(K.constant(True, dtype="bool"), K.constant(F), K.constant(G)),
    "switch_tensor": lambda K: K.switch(F[:, :1] > 0, F, G),
    "in_train_phase": lambda K: K.in_train_phase(F, G, training=True),
    "in_test_phase": lambda K: K.in_test_phase(F, G, training=True),
    "learning_phase": lambda K: K.learning_phase(),
    "int_shape": lambda K: K.int_shape(K.constant(T3)), "ndim": lambda K: K.ndim(K.constant(T3)),
    "dtype": lambda K: K.dtype(K.constant(I, dtype="int32")), "count_params": lambda K: K.count_params(K.variable(T3)),
    "cast_to_floatx": lambda K: K.cast_to_floatx(I), "cast": lambda K: K.cast(F, "int32"),
    "eval": lambda K: K.eval(K.variable(F)), "ones": lambda K: K.eval(K.ones((2, 3))),
    "zeros_int": lambda K: K.eval(K.zeros((2,), dtype="int32")), "eye": lambda K: K.eval(K.eye(3)),
"ones_like": lambda K: K.ones_like(F),
    "zeros_like": lambda K: K.zeros_like(I), "arange": lambda K: K.arange(5),
    "arange_neg": lambda K: K.arange(-3), "arange_float": lambda K: K.arange(1, 4, 0.5, dtype="float32"),
    "constant": lambda K: K.constant([1, 2]), "variable_dtype": lambda K: K.dtype(K.variable([1, 2])),
    "moving_average_update": lambda K: K.eval(K.moving_average_update(K.variable(F), G, 0.9)),
    "update_add": lambda K: K.eval(K.update_add(K.variable(F), G)),
    "foldl": lambda K: K.foldl(lambda a, x: a + x * 2.0, K.constant(F)),
    "foldr": lambda K: K.foldr(lambda a, x: a * 0.5 + x, K.constant(F), initializer=K.constant(np.ones(4, np.float32))),
    "map_fn": lambda K: K.map_fn(lambda x: x * x, K.constant(F)),
    "rnn": lambda K: K.rnn(lambda x, s: (x * 2.0 + s[0], [s[0] + x]), K.constant(T3), [K.constant(np.zeros((2, 4), np.float32))]),
    "rnn_masked_backwards": lambda K: K.rnn(lambda x, s: (x + s[0], [s[0] * 0.5 + x]), K.constant(T3), [K.constant(np.ones((2, 4), np.float32))], go_backwards=True, mask=np.array([[1, 1, 0], [1, 0, 0]], bool)),
    "rnn_masked_zero": lambda K: K.rnn(lambda x, s: (x + s[0], [s[0] + x]), K.constant(T3), [K.constant(np.ones((2, 4), np.float32))], mask=np.array([[1, 0, 1], [1, 1, 0]], bool), zero_output_for_mask=True),
    "function": lambda K: _function(K),
    "stop_gradient": lambda K: K.stop_gradient(K.constant(F)),
}


def _function(K):
    x = K.placeholder(shape=(None, 4))
    y = x * 2.0 + 1.0
    f = K.function([x], [y])
    return f([F])


SCENARIOS = {f"k_{name}": (lambda tf, fn=fn: fn(_K(tf))) for name, fn in CASES.items()}
