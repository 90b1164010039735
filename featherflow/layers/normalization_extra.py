"""GroupNormalization, UnitNormalization, RMSNormalization and SpectralNormalization (Keras 3)."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.layers.layer import Layer
from featherflow.layers.normalization import Normalize
from featherflow.layers.wrapper import Wrapper
from featherflow.ops import math as math_ops
from featherflow.ops import reduce as reduce_ops
from featherflow.ops import reshape as reshape_ops


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def _axes_list(axis, where):
    if isinstance(axis, (list, tuple)):
        if not all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
            raise TypeError(f"{where}: axis must be an int or a list of ints, received {axis!r}.")
        return [int(a) for a in axis]
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return int(axis)
    raise TypeError(f"{where}: axis must be an int or a list of ints, received {axis!r}.")


def _check_axes(axes, ndim, where, shown):
    for a in ([axes] if isinstance(axes, int) else axes):
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{where}: axis {a} is out of bounds for inputs of rank {ndim} (axis={shown!r})."
            )


class GroupNormalization(Layer):
    """Normalizes each sample over groups of channels (Wu & He, 2018), as Keras 3's layer.

    The ``axis`` channels are split into ``groups`` groups; each group of each sample is
    normalized over its channels and every other non-batch axis, then scaled by ``gamma`` and
    shifted by ``beta`` (one per channel). ``groups=1`` is layer normalization over all
    non-batch axes, ``groups=-1`` (one channel per group) instance normalization; as in Keras,
    ``groups=-1`` becomes the channel count when the layer is built.

    Example::

        >>> gn = tf.keras.layers.GroupNormalization(groups=2)
        >>> gn(np.arange(8.0).reshape(1, 2, 4)).shape
        TensorShape([1, 2, 4])
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        if (not isinstance(groups, (int, np.integer)) or isinstance(groups, bool)
                or (groups <= 0 and groups != -1)):
            raise ValueError(
                f"GroupNormalization: groups must be a positive integer, or -1 for instance "
                f"normalization; received groups={groups!r}."
            )
        super().__init__(**kwargs)
        if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
            raise TypeError(
                f"GroupNormalization '{self.name}': axis must be one int (the channels axis), "
                f"received {axis!r}."
            )
        self.groups = int(groups)
        self.axis = int(axis)
        self.epsilon = float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def _where(self):
        return f"GroupNormalization '{self.name}'"

    def build(self, input_shape):
        ndim = len(input_shape)
        _check_axes(self.axis, ndim, self._where(), self.axis)
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(
                f"{self._where()}: axis {self.axis} must have a known size, received input "
                f"shape {tuple(input_shape)}."
            )
        dim = int(dim)
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(
                f"{self._where()}: the {dim} channels on axis {self.axis} cannot be split into "
                f"groups={self.groups} equal groups; use a number of groups that divides {dim} "
                f"(or groups=-1 for one channel per group)."
            )
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=(dim,),
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=(dim,),
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        shape = inputs.data.shape
        ndim = len(shape)
        _check_axes(self.axis, ndim, self._where(), self.axis)
        ax = self.axis % ndim
        dim, g = shape[ax], self.groups
        if dim % g:
            raise ValueError(
                f"{self._where()}: built for groups={g}, received {dim} channels on axis "
                f"{self.axis}."
            )
        grouped = shape[:ax] + (g, dim // g) + shape[ax + 1:]
        # statistics per (sample, group): every axis but the batch and the group axis
        axes = tuple(i for i in range(1, ndim + 1) if i != ax)
        param_shape = [1] * (ndim + 1)
        param_shape[ax], param_shape[ax + 1] = g, dim // g
        x = reshape_ops.reshape(inputs, grouped)
        y = Normalize(axes, tuple(param_shape), self.epsilon, True)(x, self.gamma, self.beta)
        return reshape_ops.reshape(y, shape)

    def compute_output_shape(self, input_shape):
        _check_axes(self.axis, len(input_shape), self._where(), self.axis)
        return tuple(input_shape)

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "groups": self.groups, "axis": self.axis, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": _serialize(regularizers, self.beta_regularizer),
            "gamma_regularizer": _serialize(regularizers, self.gamma_regularizer),
            "beta_constraint": _serialize(constraints, self.beta_constraint),
            "gamma_constraint": _serialize(constraints, self.gamma_constraint),
        })
        return cfg


class UnitNormalization(Layer):
    """Scales each sample to unit L2 norm over ``axis``: ``x * min(1/||x||, 1e12)`` (Keras's).

    Example::

        >>> y = tf.keras.layers.UnitNormalization()(np.array([[3.0, 4.0]]))
        >>> y.numpy()
        array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axes_list(axis, f"UnitNormalization '{self.name}'")
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        ndim = inputs.data.ndim
        _check_axes(self.axis, ndim, f"UnitNormalization '{self.name}'", self.axis)
        axis = self.axis if isinstance(self.axis, int) else tuple(self.axis)
        square_sum = reduce_ops.reduce_sum(math_ops.square(inputs), axis=axis, keepdims=True)
        # Keras's L2 normalize with epsilon 1e-12: the inverse norm is capped at 1e12
        inv = math_ops.minimum(math_ops.rsqrt(square_sum),
                               np.asarray(1e12, inputs.data.dtype))
        return math_ops.multiply(inputs, inv)

    def compute_output_shape(self, input_shape):
        _check_axes(self.axis, len(input_shape), f"UnitNormalization '{self.name}'", self.axis)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


class RMSNormalization(Layer):
    """Root-mean-square normalization (Zhang & Sennrich, 2019), as Keras 3's layer.

    ``y = x * rsqrt(mean(x^2 over axis) + epsilon) * scale``; ``scale`` (initialized to ones)
    has the sizes of the ``axis`` dimensions and, as in Keras, multiplies the trailing axes.

    Example::

        >>> rms = tf.keras.layers.RMSNormalization()
        >>> rms(np.array([[1.0, 1.0, 1.0]])).numpy().round(4)
        array([[1., 1., 1.]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axes_list(axis, f"RMSNormalization '{self.name}'")
        self.epsilon = config.epsilon() if epsilon is None else float(epsilon)
        self.scale = None

    def build(self, input_shape):
        where = f"RMSNormalization '{self.name}'"
        _check_axes(self.axis, len(input_shape), where, self.axis)
        axes = sorted(self.axis) if isinstance(self.axis, list) else [self.axis]
        shape = tuple(input_shape[a] for a in axes)
        if any(n is None for n in shape):
            raise ValueError(
                f"{where}: the normalized axes {axes} must have known sizes, received input "
                f"shape {tuple(input_shape)}."
            )
        self.axis = axes
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, inputs):
        x = inputs.data
        where = f"RMSNormalization '{self.name}'"
        _check_axes(self.axis, x.ndim, where, self.axis)
        axis = tuple(self.axis)
        mean_square = reduce_ops.reduce_mean(math_ops.square(inputs), axis=axis, keepdims=True)
        rrms = math_ops.rsqrt(math_ops.add(mean_square, np.asarray(self.epsilon, x.dtype)))
        out = math_ops.multiply(inputs, rrms)
        scale_shape = tuple(self.scale.shape)
        try:
            fits = np.broadcast_shapes(x.shape, scale_shape) == x.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(
                f"{where}: the scale of shape {scale_shape} (axis={self.axis}) does not "
                f"broadcast against the trailing axes of inputs of shape {x.shape}; normalize "
                f"over the last axes."
            )
        return math_ops.multiply(out, self.scale)

    def compute_output_shape(self, input_shape):
        _check_axes(self.axis, len(input_shape), f"RMSNormalization '{self.name}'", self.axis)
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"axis": self.axis, "epsilon": self.epsilon})
        return cfg


def _l2_normalize(x, epsilon):
    """Keras's ``ops.normalize(x, axis=None)``: ``x * min(rsqrt(sum(x^2)), 1/epsilon)``."""
    inv = min(1.0 / np.sqrt(np.sum(x * x)), 1.0 / epsilon) if np.any(x) else 1.0 / epsilon
    return x * np.asarray(inv, x.dtype)


class SpectralNormalization(Wrapper):
    """Divides the wrapped layer's kernel by its largest singular value (Miyato et al., 2018).

    As in Keras 3: in a training call, ``power_iterations`` steps of the power method (from the
    non-trainable ``vector_u``, shape ``(1, kernel.shape[-1])``) estimate ``sigma``, and the
    kernel *variable* is overwritten with ``kernel / sigma`` (and ``vector_u`` with the new
    estimate) before the wrapped layer runs; gradients are those of the layer at the
    normalized kernel. Inference calls use the kernel as it is. A layer with ``embeddings``
    (Embedding) has those normalized instead.

    Example::

        >>> sn = tf.keras.layers.SpectralNormalization(tf.keras.layers.Dense(4))
        >>> sn(np.ones((2, 3)), training=True).shape
        TensorShape([2, 4])
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if (not isinstance(power_iterations, (int, np.integer)) or isinstance(
                power_iterations, bool) or power_iterations <= 0):
            raise ValueError(
                f"SpectralNormalization '{self.name}': power_iterations must be a positive "
                f"integer, received {power_iterations!r}."
            )
        self.power_iterations = int(power_iterations)
        # an Embedding inside takes integer indices: keep them integers
        self._cast_int_inputs = layer._cast_int_inputs
        self.vector_u = None

    def build(self, input_shape):
        super().build(input_shape)
        kernel = getattr(self.layer, "kernel", None)
        if kernel is None:
            kernel = getattr(self.layer, "embeddings", None)
        if kernel is None or not hasattr(kernel, "assign"):
            raise ValueError(
                f"SpectralNormalization '{self.name}': the wrapped layer "
                f"{type(self.layer).__name__} '{self.layer.name}' has no 'kernel' nor "
                f"'embeddings' weight to normalize; wrap a layer such as Dense, Conv2D or "
                f"Embedding."
            )
        # tracked as this layer's own weight, as in Keras (weights: kernel, vector_u, bias)
        self.kernel = kernel
        self.kernel_shape = tuple(kernel.shape)
        from featherflow import initializers

        self.vector_u = self.add_weight(name="vector_u", shape=(1, self.kernel_shape[-1]),
                                        initializer=initializers.TruncatedNormal(stddev=0.02),
                                        trainable=False, dtype=kernel.dtype)
        self.built = True

    def call(self, inputs, training=False):
        if training:
            kernel = self.kernel.numpy()
            if np.any(kernel != 0):
                u, new_kernel = self.normalized_weights()
                self.vector_u.assign(u)
                self.kernel.assign(new_kernel)
        out = self.layer(inputs)
        dtype = inputs.data.dtype if isinstance(inputs, Tensor) else None
        if dtype is not None and dtype.kind == "f" and out.data.dtype != dtype:
            out = math_ops.cast(out, dtype)
        return out

    def normalized_weights(self):
        """``(new vector_u, kernel / sigma)`` as NumPy arrays (no gradient flows through)."""
        kernel = self.kernel.numpy()
        eps = config.epsilon()
        w = kernel.reshape(-1, self.kernel_shape[-1])
        u = self.vector_u.numpy()
        v = u
        for _ in range(self.power_iterations):
            v = _l2_normalize(u @ w.T, eps)
            u = _l2_normalize(v @ w, eps)
        sigma = (v @ w) @ u.T
        return u.astype(self.vector_u.dtype), (kernel / sigma).astype(kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["power_iterations"] = self.power_iterations
        return cfg
