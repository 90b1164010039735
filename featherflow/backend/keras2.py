"""``tf.keras.backend`` as tf.keras 2 code uses it (``from keras import backend as K``).

Thin names over featherflow's ops with tf.keras 2.x semantics (TensorFlow dtypes, no Keras 3
promotion): ``K.mean`` of ints stays int, ``K.sqrt`` clips negatives to 0, ``K.ones`` and
``K.zeros`` of a known shape return Variables, ``K.binary_crossentropy`` is elementwise with
tf.keras's epsilon clipping. Loaded on first use of a name (``featherflow.backend.__getattr__``).
"""

import builtins
import contextlib
import itertools
import sys
import types
import warnings

import numpy as np

import featherflow as tf
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config

_py_all, _py_any, _py_sum = builtins.all, builtins.any, builtins.sum


def _t(x, dtype=None):
    if isinstance(x, Tensor):
        return x if dtype is None or x.data.dtype == np.dtype(dtype) else tf.cast(x, dtype)
    return tf.convert_to_tensor(x, dtype=dtype)


def _floats(x):
    x = _t(x)
    return x if x.data.dtype.kind == "f" else tf.cast(x, config.floatx())


def _data_format(data_format):
    from featherflow.backend import image_data_format

    data_format = image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"Unknown data_format: {data_format!r}; expected 'channels_first' or "
                         "'channels_last'.")
    return data_format


def backend():
    """The backend's name: ``"tensorflow"``, the API featherflow provides."""
    return "tensorflow"


# -- tensors and variables --
def variable(value, dtype=None, name=None, constraint=None):
    dtype = dtype or config.floatx()
    v = tf.Variable(np.asarray(getattr(value, "data", value)), dtype=dtype, name=name)
    if constraint is not None:
        from featherflow import constraints

        v.constraint = constraints.get(constraint)
    return v


def constant(value, dtype=None, shape=None, name=None):
    return tf.constant(getattr(value, "data", value), dtype=dtype or config.floatx(),
                       shape=shape)


def is_keras_tensor(x):
    from featherflow.graph.keras_tensor import KerasTensor

    if isinstance(x, KerasTensor):
        return True
    if not isinstance(x, Tensor):
        raise ValueError(f"Unexpectedly found an instance of type `{type(x)}`. Expected a "
                         "symbolic tensor instance.")
    return False


def is_sparse(tensor):
    return False


def to_dense(tensor):
    return tensor


def placeholder(shape=None, ndim=None, dtype=None, sparse=False, name=None, ragged=False):
    """A symbolic input (``keras.Input``) of ``shape`` (batch dimension included)."""
    if sparse or ragged:
        raise ValueError("placeholder: featherflow has no sparse or ragged tensors yet.")
    if not shape:
        shape = (None,) * (ndim or 0)
    from featherflow.layers import Input

    shape = tuple(shape)
    return Input(shape=shape[1:], batch_size=shape[0] if shape else None,
                 dtype=dtype or config.floatx(), name=name)


def int_shape(x):
    shape = getattr(x, "shape", None)
    if shape is None:
        return None
    return tuple(None if d is None else int(d) for d in shape)


def shape(x):
    return tf.shape(x)


def ndim(x):
    shape_ = int_shape(x)
    return None if shape_ is None else len(shape_)


def dtype(x):
    return np.dtype(getattr(x, "dtype", np.asarray(x).dtype)).name


def count_params(x):
    return np.prod(int_shape(x))


def cast_to_floatx(x):
    if isinstance(x, Tensor):
        return tf.cast(x, config.floatx())
    return np.asarray(x, dtype=config.floatx())


def cast(x, dtype):
    return tf.cast(x, dtype)


def eval(x):  # noqa: A001 - K.eval
    return np.array(_t(x).numpy())


def batch_get_value(tensors):
    return [np.array(_t(x).numpy()) for x in tensors]


def batch_set_value(tuples):
    for x, value in tuples:
        x.assign(np.asarray(value, dtype=x.dtype))


def update(x, new_x):
    return x.assign(new_x)


def update_add(x, increment):
    return x.assign_add(increment)


def update_sub(x, decrement):
    return x.assign_sub(decrement)


def moving_average_update(x, value, momentum):
    momentum = np.asarray(momentum, x.dtype)
    value = _t(value, x.dtype)
    return x.assign_sub((x - value) * (1 - momentum))


def print_tensor(x, message="", summarize=3):
    value = x.numpy() if isinstance(x, Tensor) else x
    with np.printoptions(edgeitems=summarize, threshold=2 * summarize):
        print(message, value, file=sys.stdout)
    return x


def stop_gradient(variables):
    if isinstance(variables, (list, tuple)):
        return [tf.stop_gradient(v) for v in variables]
    return tf.stop_gradient(variables)


def gradients(loss, variables):
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use "
                       "tf.GradientTape instead (featherflow, like TensorFlow 2, runs eagerly).")


# -- creation --
def _variable_if_known(value, dtype, name):
    return variable(value, dtype=dtype, name=name)


def zeros(shape, dtype=None, name=None):
    dtype = dtype or config.floatx()
    return _variable_if_known(np.zeros(shape, dtype), dtype, name)


def ones(shape, dtype=None, name=None):
    dtype = dtype or config.floatx()
    return _variable_if_known(np.ones(shape, dtype), dtype, name)


def eye(size, dtype=None, name=None):
    dtype = dtype or config.floatx()
    if not isinstance(size, (int, np.integer)) or size < 1:
        raise TypeError(f"K.eye: size must be a positive integer; received {size!r}.")
    return variable(np.eye(int(size), dtype=dtype), dtype=dtype, name=name)


def zeros_like(x, dtype=None, name=None):
    return tf.zeros_like(x, dtype=dtype)


def ones_like(x, dtype=None, name=None):
    return tf.ones_like(x, dtype=dtype)


def identity(x, name=None):
    return tf.identity(x)


def arange(start, stop=None, step=1, dtype="int32"):
    if stop is None and start < 0:
        start = 0
    if stop is None:
        start, stop = 0, start
    return tf.cast(tf.range(start, stop, step), dtype)


def _seed(seed):
    return np.random.randint(10_000_000) if seed is None else seed


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.normal(shape, mean=mean, stddev=stddev, dtype=dtype or config.floatx(),
                            seed=_seed(seed))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return tf.random.uniform(shape, minval=minval, maxval=maxval,
                             dtype=dtype or config.floatx(), seed=_seed(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return tf.random.truncated_normal(shape, mean, stddev, dtype=dtype or config.floatx(),
                                      seed=_seed(seed))


def random_bernoulli(shape, p=0.0, dtype=None, seed=None):
    dtype = dtype or config.floatx()
    u = random_uniform(shape, dtype=dtype, seed=seed)
    return tf.where(u <= p, tf.ones(shape, dtype=dtype), tf.zeros(shape, dtype=dtype))


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    warnings.warn("`tf.keras.backend.random_binomial` is deprecated; use "
                  "`tf.keras.backend.random_bernoulli` instead.", stacklevel=2)
    return random_bernoulli(shape, p, dtype, seed)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None):
    return variable(random_normal(shape, mean, scale, dtype, seed), dtype=dtype, name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None):
    return variable(random_uniform(shape, low, high, dtype, seed), dtype=dtype, name=name)


# -- elementwise and reductions --
def abs(x):  # noqa: A001
    return tf.abs(x)


def square(x):
    return tf.square(x)


def sqrt(x):
    x = _t(x)
    return tf.sqrt(tf.maximum(x, tf.zeros_like(x)))


def exp(x):
    return tf.exp(x)


def log(x):
    return tf.math.log(x)


def round(x):  # noqa: A001
    return tf.round(x)


def sign(x):
    return tf.sign(x)


def pow(x, a):  # noqa: A001
    return tf.pow(x, a)


def sin(x):
    return tf.sin(x)


def cos(x):
    return tf.cos(x)


def clip(x, min_value, max_value):
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)) and \
            max_value < min_value:
        max_value = min_value
    x = _t(x)
    lo = -np.inf if min_value is None else min_value
    hi = np.inf if max_value is None else max_value
    return tf.clip_by_value(x, np.asarray(lo, x.dtype), np.asarray(hi, x.dtype))


def equal(x, y):
    return tf.equal(x, y)


def not_equal(x, y):
    return tf.not_equal(x, y)


def greater(x, y):
    return tf.greater(x, y)


def greater_equal(x, y):
    return tf.greater_equal(x, y)


def less(x, y):
    return tf.less(x, y)


def less_equal(x, y):
    return tf.less_equal(x, y)


def maximum(x, y):
    return tf.maximum(x, y)


def minimum(x, y):
    return tf.minimum(x, y)


def max(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_max(x, axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_min(x, axis=axis, keepdims=keepdims)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_sum(x, axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims=False):
    return tf.reduce_prod(x, axis=axis, keepdims=keepdims)


def _bool_to_float(x):
    x = _t(x)
    return tf.cast(x, config.floatx()) if x.data.dtype == np.bool_ else x


def mean(x, axis=None, keepdims=False):
    return tf.reduce_mean(_bool_to_float(x), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    return tf.math.reduce_variance(_bool_to_float(x), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return tf.math.reduce_std(_bool_to_float(x), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_any(tf.cast(x, "bool"), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):  # noqa: A001
    return tf.reduce_all(tf.cast(x, "bool"), axis=axis, keepdims=keepdims)


def argmax(x, axis=-1):
    return tf.argmax(x, axis)


def argmin(x, axis=-1):
    return tf.argmin(x, axis)


def cumsum(x, axis=0):
    return tf.cumsum(x, axis=axis)


def cumprod(x, axis=0):
    from featherflow.keras import ops

    x = _t(x)
    return tf.cast(ops.cumprod(x, axis=axis), x.dtype)


# -- shapes --
def reshape(x, shape):
    return tf.reshape(x, shape)


def permute_dimensions(x, pattern):
    return tf.transpose(x, perm=list(pattern))


def expand_dims(x, axis=-1):
    return tf.expand_dims(x, axis)


def squeeze(x, axis):
    return tf.squeeze(x, [axis])


def flatten(x):
    return tf.reshape(x, [-1])


def batch_flatten(x):
    x = _t(x)
    return tf.reshape(x, [-1, int(np.prod(x.shape[1:]))])


def concatenate(tensors, axis=-1):
    if axis < 0:
        rank = ndim(tensors[0])
        axis = axis % rank if rank else 0
    return tf.concat(list(tensors), axis)


def stack(x, axis=0):
    return tf.stack(x, axis=axis)


def tile(x, n):
    if isinstance(n, int):
        n = [n]
    return tf.tile(x, n)


def repeat(x, n):
    x = _t(x)
    if x.ndim != 2:
        raise ValueError(f"K.repeat expects a 2-D input (batch, features); received shape "
                         f"{tuple(x.shape)}.")
    return tf.tile(tf.expand_dims(x, 1), [1, n, 1])


def repeat_elements(x, rep, axis):
    return tf.repeat(x, rep, axis=axis)


def reverse(x, axes):
    return tf.reverse(x, [axes] if isinstance(axes, int) else list(axes))


def transpose(x):
    return tf.transpose(x)


def gather(reference, indices):
    return tf.gather(reference, indices)


def one_hot(indices, num_classes):
    return tf.one_hot(indices, depth=num_classes, axis=-1)


def temporal_padding(x, padding=(1, 1)):
    return tf.pad(x, [[0, 0], [padding[0], padding[1]], [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None):
    data_format = _data_format(data_format)
    if data_format == "channels_first":
        pattern = [[0, 0], [0, 0], list(padding[0]), list(padding[1])]
    else:
        pattern = [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]
    return tf.pad(x, pattern)


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None):
    data_format = _data_format(data_format)
    spatial = [list(p) for p in padding]
    if data_format == "channels_first":
        pattern = [[0, 0], [0, 0]] + spatial
    else:
        pattern = [[0, 0]] + spatial + [[0, 0]]
    return tf.pad(x, pattern)


def resize_images(x, height_factor, width_factor, data_format, interpolation="nearest"):
    data_format = _data_format(data_format)
    methods = ("area", "bicubic", "bilinear", "gaussian", "lanczos3", "lanczos5",
               "mitchellcubic", "nearest")
    if interpolation not in methods:
        raise ValueError(f"`interpolation` argument should be one of: {methods}. Received: "
                         f"{interpolation!r}.")
    x = _t(x)
    if data_format == "channels_first":
        x = tf.transpose(x, [0, 2, 3, 1])
    h, w = x.shape[1], x.shape[2]
    out = tf.image.resize(x, (h * height_factor, w * width_factor), method=interpolation)
    if interpolation == "nearest":
        out = tf.cast(out, x.dtype)
    if data_format == "channels_first":
        out = tf.transpose(out, [0, 3, 1, 2])
    return out


def resize_volumes(x, depth_factor, height_factor, width_factor, data_format):
    data_format = _data_format(data_format)
    first = 2 if data_format == "channels_first" else 1
    out = repeat_elements(x, depth_factor, axis=first)
    out = repeat_elements(out, height_factor, axis=first + 1)
    return repeat_elements(out, width_factor, axis=first + 2)


# -- products --
def dot(x, y):
    x, y = _t(x), _t(y)
    if x.ndim > 2 or y.ndim > 2:
        x_shape, y_shape = tuple(x.shape), tuple(y.shape)
        perm = list(range(y.ndim))
        perm = [perm.pop(-2)] + perm
        xt = tf.reshape(x, [-1, x_shape[-1]])
        yt = tf.reshape(tf.transpose(y, perm), [y_shape[-2], -1])
        return tf.reshape(tf.matmul(xt, yt), x_shape[:-1] + y_shape[:-2] + y_shape[-1:])
    return tf.matmul(x, y)


def batch_dot(x, y, axes=None):
    x, y = _t(x), _t(y)
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with "
                         f"shapes {x_shape} and {y_shape}.")
    if x_shape[0] != y_shape[0]:
        raise ValueError("Cannot do batch_dot on inputs with different batch sizes. Received "
                         f"inputs with shapes {x_shape} and {y_shape}.")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    if _py_any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError("Multiple target dimensions are not supported. Expected: None, int, "
                         f"(int, int), Provided: {axes}")
    a0, a1 = (axes[0] % x_ndim, axes[1] % y_ndim)
    if 0 in (a0, a1):
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not "
                         "batched, add a dummy batch dimension with K.expand_dims(x, 0).")
    if x_shape[a0] != y_shape[a1]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} "
                         f"with axes={[a0, a1]}. x.shape[{a0}] != y.shape[{a1}] "
                         f"({x_shape[a0]} != {y_shape[a1]}).")
    # contract a0 of x with a1 of y, batch axis 0 shared; the remaining axes of x, then y
    letters = "abcdefghijklmnopqrstuvwxyz"
    xs = ["B"] + [letters[i] for i in range(x_ndim - 1)]
    ys = ["B"] + [letters[12 + i] for i in range(y_ndim - 1)]
    ys[a1] = xs[a0] = "Z"
    out = [c for c in xs if c != "Z"] + [c for i, c in enumerate(ys) if i and c != "Z"]
    result = tf.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    if x_ndim + y_ndim - 3 == 1:
        result = tf.expand_dims(result, 1)
    return result


def l2_normalize(x, axis=None):
    return tf.math.l2_normalize(x, axis=axis)


def in_top_k(predictions, targets, k):
    return tf.math.in_top_k(targets, predictions, k)


def bias_add(x, bias, data_format=None):
    data_format = _data_format(data_format)
    x, bias = _t(x), _t(bias)
    bias_shape = tuple(bias.shape)
    if len(bias_shape) != 1 and len(bias_shape) != x.ndim - 1:
        raise ValueError(f"Unexpected bias dimensions {len(bias_shape)}, expect to be 1 or "
                         f"{x.ndim - 1} dimensions")
    if len(bias_shape) == 1:
        if data_format == "channels_first" and x.ndim > 2:
            return x + tf.reshape(bias, (1, bias_shape[0]) + (1,) * (x.ndim - 2))
        return x + bias
    if data_format == "channels_first":
        perm = [len(bias_shape) - 1] + list(range(len(bias_shape) - 1))
        return x + tf.expand_dims(tf.transpose(bias, perm), 0)
    return x + tf.expand_dims(bias, 0)


# -- activations and losses --
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    from featherflow import activations

    return activations.relu(_t(x), negative_slope=alpha, max_value=max_value,
                            threshold=threshold)


def elu(x, alpha=1.0):
    x = _t(x)
    res = tf.nn.elu(x)
    return res if alpha == 1 else tf.where(x > 0, res, alpha * res)


def softmax(x, axis=-1):
    x = _t(x)
    if x.ndim <= 1:
        raise ValueError(f"Cannot apply softmax to a tensor that is 1D. Received input: {x}")
    if isinstance(axis, int):
        return tf.nn.softmax(x, axis=axis)
    e = tf.exp(x - tf.reduce_max(x, axis=axis, keepdims=True))
    return e / tf.reduce_sum(e, axis=axis, keepdims=True)


def softplus(x):
    return tf.math.softplus(x)


def softsign(x):
    return tf.math.softsign(x)


def sigmoid(x):
    return tf.sigmoid(x)


def hard_sigmoid(x):
    x = _t(x)
    return tf.clip_by_value(x * np.asarray(0.2, x.dtype) + np.asarray(0.5, x.dtype),
                            np.asarray(0.0, x.dtype), np.asarray(1.0, x.dtype))


def tanh(x):
    return tf.tanh(x)


def dropout(x, level, noise_shape=None, seed=None):
    return tf.nn.dropout(x, rate=level, noise_shape=noise_shape, seed=_seed(seed))


def binary_crossentropy(target, output, from_logits=False):
    target, output = _t(target), _floats(output)
    target = tf.cast(target, output.dtype)
    if from_logits:
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = np.asarray(config.epsilon(), output.dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    bce = target * tf.math.log(output + eps)
    bce = bce + (1 - target) * tf.math.log(1 - output + eps)
    return -bce


def binary_focal_crossentropy(target, output, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False):
    target, output = _t(target), _floats(output)
    target = tf.cast(target, output.dtype)
    p = tf.sigmoid(output) if from_logits else output
    p_t = target * p + (1 - target) * (1 - p)
    focal = tf.pow(1.0 - p_t, gamma) * binary_crossentropy(target, output, from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1 - target) * (1 - alpha)) * focal
    return focal


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    target, output = _t(target), _floats(output)
    target = tf.cast(target, output.dtype)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"Shapes {tuple(target.shape)} and {tuple(output.shape)} are "
                         "incompatible")
    if from_logits:
        return tf.nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    output = output / tf.reduce_sum(output, axis, True)
    eps = np.asarray(config.epsilon(), output.dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    return -tf.reduce_sum(target * tf.math.log(output), axis)


def categorical_focal_crossentropy(target, output, alpha=0.25, gamma=2.0, from_logits=False,
                                   axis=-1):
    target, output = _t(target), _floats(output)
    target = tf.cast(target, output.dtype)
    if from_logits:
        output = tf.nn.softmax(output, axis=axis)
    output = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    eps = np.asarray(config.epsilon(), output.dtype)
    output = tf.clip_by_value(output, eps, 1.0 - eps)
    cce = -target * tf.math.log(output)
    focal = tf.pow(1.0 - output, gamma) * alpha * cce
    return tf.reduce_sum(focal, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1,
                                    ignore_class=None):
    output = _floats(output)
    target = tf.cast(_t(target), "int64")
    if not from_logits:
        eps = np.asarray(config.epsilon(), output.dtype)
        output = tf.math.log(tf.clip_by_value(output, eps, 1 - eps))
    rank = output.ndim
    axis %= rank
    if axis != rank - 1:
        output = tf.transpose(output, list(range(axis)) + list(range(axis + 1, rank)) + [axis])
    if target.ndim == output.ndim:
        target = tf.squeeze(target, [-1]) if target.shape[-1] == 1 else target
    if ignore_class is not None:
        valid = tf.not_equal(target, ignore_class)
        safe = tf.where(valid, target, tf.zeros_like(target))
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=safe, logits=output)
        return tf.where(valid, loss, tf.zeros_like(loss))
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


# -- normalisation --
def batch_normalization(x, mean, var, beta, gamma, axis=-1, epsilon=1e-3):
    x = _t(x)
    rank = x.ndim
    axis %= rank
    shape_ = [1] * rank
    shape_[axis] = x.shape[axis]

    def b(v):
        if v is None:
            return None
        v = _t(v, x.dtype)
        return tf.reshape(v, shape_) if v.ndim <= 1 and rank > 1 else v
    return tf.nn.batch_normalization(x, b(mean), b(var), b(beta), b(gamma), epsilon)


def normalize_batch_in_training(x, gamma, beta, reduction_axes, epsilon=1e-3):
    x = _t(x)
    axes = list(reduction_axes)
    mean_, var_ = tf.nn.moments(x, axes)
    target = [1 if a in axes else x.shape[a] for a in range(x.ndim)]

    def b(v):
        return None if v is None else tf.reshape(_t(v, x.dtype), target)
    normed = tf.nn.batch_normalization(x, tf.reshape(mean_, target), tf.reshape(var_, target),
                                       b(beta), b(gamma), epsilon)
    return normed, mean_, var_


# -- convolution and pooling --
def _to_last(x, data_format):
    if data_format == "channels_first":
        nd = x.ndim
        return tf.transpose(x, [0] + list(range(2, nd)) + [1])
    return x


def _to_first(x, data_format):
    if data_format == "channels_first":
        nd = x.ndim
        return tf.transpose(x, [0, nd - 1] + list(range(1, nd - 1)))
    return x


def _pair(value, n):
    return tuple(value) if isinstance(value, (list, tuple)) else (value,) * n


def conv1d(x, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    data_format = _data_format(data_format)
    x, kernel = _to_last(_t(x), data_format), _t(kernel)
    if padding == "causal":
        left = dilation_rate * (kernel.shape[0] - 1)
        x = temporal_padding(x, (left, 0))
        padding = "valid"
    out = tf.nn.conv1d(x, kernel, stride=strides, padding=padding.upper(),
                       dilations=dilation_rate)
    return _to_first(out, data_format)


def conv2d(x, kernel, strides=(1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    x = _to_last(_t(x), data_format)
    out = tf.nn.conv2d(x, _t(kernel), strides=_pair(strides, 2), padding=padding.upper(),
                       dilations=_pair(dilation_rate, 2))
    return _to_first(out, data_format)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    if tuple(_pair(dilation_rate, 2)) != (1, 1):
        raise ValueError("conv2d_transpose: featherflow supports dilation_rate=(1, 1) only.")
    x = _to_last(_t(x), data_format)
    output_shape = list(output_shape)
    if data_format == "channels_first":
        output_shape = [output_shape[0], output_shape[2], output_shape[3], output_shape[1]]
    if output_shape[0] is None:
        output_shape[0] = x.shape[0]
    out = tf.nn.conv2d_transpose(x, _t(kernel), output_shape, strides=_pair(strides, 2),
                                 padding=padding.upper())
    return _to_first(out, data_format)


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding="valid", data_format=None,
                     dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    x = _to_last(_t(x), data_format)
    out = tf.nn.depthwise_conv2d(x, _t(depthwise_kernel), (1,) + _pair(strides, 2) + (1,),
                                 padding.upper(), dilations=_pair(dilation_rate, 2))
    return _to_first(out, data_format)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1), padding="valid",
                     data_format=None, dilation_rate=(1, 1)):
    data_format = _data_format(data_format)
    if len(_pair(strides, 2)) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    x = _to_last(_t(x), data_format)
    out = tf.nn.separable_conv2d(x, _t(depthwise_kernel), _t(pointwise_kernel),
                                 (1,) + _pair(strides, 2) + (1,), padding.upper(),
                                 dilations=_pair(dilation_rate, 2))
    return _to_first(out, data_format)


def _same_pads(size, k, s, d=1):
    eff = (k - 1) * d + 1
    out = -(-size // s)
    total = builtins.max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def conv3d(x, kernel, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1)):
    """3-D convolution as a sum over the kernel's offsets of strided slices times the
    kernel tap (differentiable through the ops it is made of)."""
    data_format = _data_format(data_format)
    x, kernel = _to_last(_t(x), data_format), _t(kernel)
    strides, dil = _pair(strides, 3), _pair(dilation_rate, 3)
    kd, kh, kw = kernel.shape[:3]
    if padding == "same":
        pads = [_same_pads(x.shape[1 + i], (kd, kh, kw)[i], strides[i], dil[i])
                for i in range(3)]
        x = tf.pad(x, [[0, 0]] + [list(p) for p in pads] + [[0, 0]])
    elif padding != "valid":
        raise ValueError(f"conv3d: padding must be 'valid' or 'same'; received {padding!r}.")
    sizes = [(x.shape[1 + i] - ((k - 1) * dil[i] + 1)) // strides[i] + 1
             for i, k in enumerate((kd, kh, kw))]
    out = None
    for a, b, c in itertools.product(range(kd), range(kh), range(kw)):
        window = x[:, a * dil[0]: a * dil[0] + (sizes[0] - 1) * strides[0] + 1: strides[0],
                   b * dil[1]: b * dil[1] + (sizes[1] - 1) * strides[1] + 1: strides[1],
                   c * dil[2]: c * dil[2] + (sizes[2] - 1) * strides[2] + 1: strides[2], :]
        term = tf.einsum("ndhwc,co->ndhwo", window, kernel[a, b, c])
        out = term if out is None else out + term
    return _to_first(out, data_format)


def _pool_nd(x, pool_size, strides, padding, pool_mode, n):
    if pool_mode not in ("max", "avg"):
        raise ValueError(f"Invalid pooling mode: {pool_mode!r}")
    pool_size, strides = _pair(pool_size, n), _pair(strides, n)
    if padding == "same":
        pads = [_same_pads(x.shape[1 + i], pool_size[i], strides[i]) for i in range(n)]
        fill = -np.inf if pool_mode == "max" else 0.0
        x_pad = tf.pad(x, [[0, 0]] + [list(p) for p in pads] + [[0, 0]],
                       constant_values=fill)
        ones_ = tf.pad(tf.ones_like(x), [[0, 0]] + [list(p) for p in pads] + [[0, 0]])
    elif padding == "valid":
        x_pad, ones_ = x, None
    else:
        raise ValueError(f"padding must be 'valid' or 'same'; received {padding!r}.")
    sizes = [(x_pad.shape[1 + i] - pool_size[i]) // strides[i] + 1 for i in range(n)]
    windows, counts = [], []
    for offs in itertools.product(*[range(k) for k in pool_size]):
        key = (slice(None),) + tuple(
            slice(o, o + (sizes[i] - 1) * strides[i] + 1, strides[i])
            for i, o in enumerate(offs)) + (slice(None),)
        windows.append(x_pad[key])
        if ones_ is not None:
            counts.append(ones_[key])
    stacked = tf.stack(windows, 0)
    if pool_mode == "max":
        return tf.reduce_max(stacked, 0)
    total = tf.reduce_sum(stacked, 0)
    if ones_ is None:
        return total / np.asarray(len(windows), total.dtype)
    return total / tf.reduce_sum(tf.stack(counts, 0), 0)


def pool2d(x, pool_size, strides=(1, 1), padding="valid", data_format=None, pool_mode="max"):
    data_format = _data_format(data_format)
    if len(pool_size) != 2:
        raise ValueError("`pool_size` must be a tuple of 2 integers.")
    if len(strides) != 2:
        raise ValueError("`strides` must be a tuple of 2 integers.")
    x = _to_last(_t(x), data_format)
    if pool_mode == "max":
        out = tf.nn.max_pool2d(x, pool_size, strides, padding.upper())
    elif pool_mode == "avg":
        out = tf.nn.avg_pool2d(x, pool_size, strides, padding.upper())
    else:
        raise ValueError(f"Invalid pooling mode: {pool_mode!r}")
    return _to_first(out, data_format)


def pool3d(x, pool_size, strides=(1, 1, 1), padding="valid", data_format=None,
           pool_mode="max"):
    data_format = _data_format(data_format)
    x = _to_last(_t(x), data_format)
    return _to_first(_pool_nd(x, pool_size, strides, padding, pool_mode, 3), data_format)


def local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    data_format = _data_format(data_format)
    inputs, kernel = _t(inputs), _t(kernel)
    feature_dim, channels_out = kernel.shape[1], kernel.shape[-1]
    n = len(output_shape)
    xs = []
    for position in itertools.product(*[range(m) for m in output_shape]):
        key = [slice(None)]
        if data_format == "channels_first":
            key.append(slice(None))
        key.extend(slice(position[d] * strides[d], position[d] * strides[d] + kernel_size[d])
                   for d in range(n))
        if data_format == "channels_last":
            key.append(slice(None))
        xs.append(tf.reshape(inputs[tuple(key)], (1, -1, feature_dim)))
    out = batch_dot(tf.concat(xs, 0), kernel)
    out = tf.reshape(out, tuple(output_shape) + (-1, channels_out))
    perm = ([n, n + 1] + list(range(n)) if data_format == "channels_first"
            else [n] + list(range(n)) + [n + 1])
    return tf.transpose(out, perm)


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    return local_conv(inputs, kernel, kernel_size, strides, (kernel.shape[0],), data_format)


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    return local_conv(inputs, kernel, kernel_size, strides, output_shape, data_format)


# -- control flow and the learning phase --
_LEARNING_PHASE = None


def learning_phase():
    """0 (inference) unless set: in TF 2, ``training=`` on a call decides instead."""
    return 0 if _LEARNING_PHASE is None else _LEARNING_PHASE


def set_learning_phase(value):
    warnings.warn("`tf.keras.backend.set_learning_phase` is deprecated; pass training=True/"
                  "False to the call of your layer or model instead.", stacklevel=2)
    global _LEARNING_PHASE
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    _LEARNING_PHASE = value


@contextlib.contextmanager
def learning_phase_scope(value):
    global _LEARNING_PHASE
    if value not in (0, 1):
        raise ValueError("Expected learning phase to be 0 or 1.")
    previous = _LEARNING_PHASE
    _LEARNING_PHASE = value
    try:
        yield value
    finally:
        _LEARNING_PHASE = previous


def in_train_phase(x, alt, training=None):
    if training is None:
        from featherflow.layers import call_context

        context = getattr(call_context.local, "context", None)
        training = getattr(context, "training", None) if context is not None else None
    if training is None:
        training = learning_phase()
    if not isinstance(training, Tensor):
        if training == 1 or training is True:
            return x() if callable(x) else x
        return alt() if callable(alt) else alt
    return switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


def switch(condition, then_expression, else_expression):
    cond = _t(condition)
    if cond.data.dtype != np.bool_:
        cond = tf.cast(cond, "bool")
    if cond.ndim == 0:
        branch = then_expression if bool(cond.numpy()) else else_expression
        return branch() if callable(branch) else branch
    then_ = _t(then_expression() if callable(then_expression) else then_expression)
    else_ = _t(else_expression() if callable(else_expression) else else_expression)
    if cond.ndim > then_.ndim:
        raise ValueError("Rank of `condition` should be less than or equal to rank of "
                         f"`then_expression` and `else_expression`. ndim(condition)="
                         f"{cond.ndim}, ndim(then_expression)={then_.ndim}")
    shape_ = tuple(cond.shape) + (1,) * (then_.ndim - cond.ndim)
    mask = np.broadcast_to(cond.numpy().reshape(shape_), tuple(then_.shape))
    return tf.where(mask, then_, else_)


def map_fn(fn, elems, name=None, dtype=None):
    from featherflow.keras import ops

    return ops.map(fn, elems)


def foldl(fn, elems, initializer=None, name=None):
    elems = _t(elems)
    start = 0
    acc = initializer
    if acc is None:
        acc, start = elems[0], 1
    for i in range(start, elems.shape[0]):
        acc = fn(acc, elems[i])
    return acc


def foldr(fn, elems, initializer=None, name=None):
    elems = _t(elems)
    n = elems.shape[0]
    acc = initializer
    stop = n
    if acc is None:
        acc, stop = elems[n - 1], n - 1
    for i in range(stop - 1, -1, -1):
        acc = fn(acc, elems[i])
    return acc


def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None, time_major=False, zero_output_for_mask=False,
        return_all_outputs=True):
    """Run ``step_function(input_t, states + constants) -> (output, new_states)`` over time;
    returns ``(last_output, outputs, new_states)`` as tf.keras 2's ``K.rnn``."""
    from featherflow import tree

    def batch_major(t):
        return t if time_major else tf.transpose(t, [1, 0] + list(range(2, t.ndim)))

    flat = [batch_major(_t(t)) for t in tree.flatten(inputs)]
    steps = flat[0].shape[0]
    masks = None
    if mask is not None:
        m = _t(mask).numpy().astype(bool)
        m = m if time_major else np.swapaxes(m, 0, 1)
        masks = m.reshape(m.shape[:2])
    states = tuple(initial_states)
    constants = tuple(constants or ())
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, last, prev_output = [], None, None
    for t in order:
        step_input = tree.pack_sequence_as(inputs, [f[t] for f in flat])
        output, new_states = step_function(step_input, states + constants)
        new_states = tuple(new_states) if isinstance(new_states, (list, tuple)) else (
            new_states,)
        if masks is not None:
            keep = masks[t]
            if prev_output is None:
                prev_output = tf.zeros_like(output)

            def pick(new, old, keep=keep):
                k = keep.reshape((-1,) + (1,) * (new.ndim - 1))
                return tf.where(np.broadcast_to(k, tuple(new.shape)), new, old)
            fallback = tf.zeros_like(output) if zero_output_for_mask else prev_output
            output = pick(output, fallback)
            new_states = tuple(pick(n, o) for n, o in zip(new_states, states))
        states = new_states
        prev_output = output
        outputs.append(output)
        last = output
    stacked = tf.stack(outputs, 0) if return_all_outputs else tf.expand_dims(last, 0)
    if not time_major:
        stacked = tf.transpose(stacked, [1, 0] + list(range(2, stacked.ndim)))
    return last, stacked, tuple(states)


def function(inputs, outputs, updates=None, name=None, **kwargs):
    """A callable mapping input arrays to the outputs' NumPy values (a Model underneath)."""
    if kwargs:
        raise ValueError(f"Session keyword arguments are not supported during eager execution. "
                         f"You passed: {kwargs}")
    if updates:
        raise ValueError(f"`updates` argument is not supported during eager execution. You "
                         f"passed: {updates}")
    from featherflow.models import Model

    model = Model(inputs=inputs, outputs=outputs)
    wrap = isinstance(outputs, list) and len(outputs) == 1

    def run(model_inputs):
        outs = model(model_inputs)
        if wrap and not isinstance(outs, (list, tuple)):
            outs = [outs]
        if isinstance(outs, (list, tuple)):
            return [np.array(o.numpy()) for o in outs]
        return np.array(outs.numpy())
    return run


# -- names and sessions --
_UIDS = {}


def get_uid(prefix=""):
    _UIDS[prefix] = _UIDS.get(prefix, 0) + 1
    return _UIDS[prefix]


def reset_uids():
    _UIDS.clear()


@contextlib.contextmanager
def name_scope(name):
    """A no-op scope: eager tensors carry no names (as in TensorFlow 2)."""
    yield name


_MANUAL_INIT = False


def manual_variable_initialization(value):
    """Kept for tf.keras 1 code: variables are always initialised when created here."""
    global _MANUAL_INIT
    _MANUAL_INIT = bool(value)


_TF_RANDOM_GENERATOR = True
experimental = types.SimpleNamespace(
    is_tf_random_generator_enabled=lambda: _TF_RANDOM_GENERATOR,
)


def _set_tf_random_generator(value):
    global _TF_RANDOM_GENERATOR
    _TF_RANDOM_GENERATOR = value


experimental.enable_tf_random_generator = lambda: _set_tf_random_generator(True)
experimental.disable_tf_random_generator = lambda: _set_tf_random_generator(False)
experimental.is_tf_random_generator_enabled = lambda: _TF_RANDOM_GENERATOR

__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "builtins", "contextlib", "itertools", "np", "sys", "tf", "types", "warnings", "Tensor",
    "config")]
