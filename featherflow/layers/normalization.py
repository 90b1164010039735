"""BatchNormalization and LayerNormalization over one fused normalization primitive."""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config, fast
from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops

_BLAS_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class Normalize(Function):
    """``(x - mean) / sqrt(var + epsilon) * gamma + beta`` as one node.

    ``axes``: the axes the statistics run over. ``param_shape``: ``gamma``/``beta`` reshaped
    to broadcast against ``x``. With ``training`` the statistics come from ``x`` (optionally
    weighted by a 0/1 ``weights`` array broadcastable to ``x``, divided by ``sum(weights) +
    weight_eps`` as Keras's masked moments); otherwise ``mean``/``var`` are given. The batch
    statistics are left on the instance (``batch_mean``, ``batch_var``, shaped like ``x``
    reduced with keepdims) for the moving averages.
    """

    def __init__(self, axes, param_shape, epsilon, training, weights=None, weight_eps=0.0):
        self.axes, self.param_shape, self.epsilon = axes, param_shape, epsilon
        self.training, self.weights, self.weight_eps = training, weights, weight_eps

    def _last_axis_case(self, x):
        """True for statistics over the last axis only, unweighted, in training mode, on a
        C-contiguous float32/float64 array: LayerNormalization's usual case, which runs on
        row sums by matrix-vector products (NumPy's reductions over short contiguous rows
        cost 3-4 times a GEMV) and fewer temporaries."""
        return (self.training and self.weights is None and self.axes == (x.ndim - 1,)
                and tuple(self.param_shape) == (1,) * (x.ndim - 1) + (x.shape[-1],)
                and x.dtype in _BLAS_DTYPES and x.flags.c_contiguous and x.size > 0)

    def _forward_last_axis(self, x, gamma, beta):
        dt = x.dtype
        c = x.shape[-1]
        x2 = x.reshape(-1, c)
        kernels = fast.kernels() if x.size >= fast.MIN_SIZE else None
        if kernels is not None and all(p is None or p.dtype == dt for p in (gamma, beta)):
            return self._forward_compiled(kernels, x, x2, gamma, beta)
        self._compiled = False
        ones = np.ones(c, dt)
        mean = x2 @ ones
        mean /= c
        mean = mean[:, None]
        d = x2 - mean
        sq = np.multiply(d, d)
        var = sq @ ones
        var /= c
        var = var[:, None]
        self.batch_mean = mean.reshape(x.shape[:-1] + (1,))
        self.batch_var = var.reshape(x.shape[:-1] + (1,))
        inv = var + np.asarray(self.epsilon, dt)
        np.sqrt(inv, out=inv)
        np.divide(1.0, inv, out=inv)
        xhat = np.multiply(d, inv, out=d)
        self.xhat2, self.inv2 = xhat, inv
        self.xhat = xhat.reshape(x.shape)
        self.inv = inv.reshape(x.shape[:-1] + (1,))
        self.gamma = None if gamma is None else gamma.reshape(self.param_shape)
        if gamma is None:
            y = xhat.copy() if beta is None else xhat + beta.reshape(-1)
        else:
            y = np.multiply(xhat, gamma.reshape(-1), out=sq)
            if beta is not None:
                y += beta.reshape(-1)
        return y.reshape(x.shape)

    def _forward_compiled(self, kernels, x, x2, gamma, beta):
        """The same normalization as one compiled pass over the rows (backend/fast)."""
        dt = x.dtype
        rows = x2.shape[0]
        empty = np.empty(0, dt)
        y = np.empty_like(x2)
        xhat = np.empty_like(x2)
        mean, var, inv = (np.empty(rows, dt) for _ in range(3))
        kernels.layer_norm_forward(x2, empty if gamma is None else gamma.reshape(-1),
                                   empty if beta is None else beta.reshape(-1),
                                   float(self.epsilon), y, xhat, mean, var, inv)
        self._compiled = True
        self.batch_mean = mean.reshape(x.shape[:-1] + (1,))
        self.batch_var = var.reshape(x.shape[:-1] + (1,))
        self.xhat2, self.inv2 = xhat, inv[:, None]
        self.xhat = xhat.reshape(x.shape)
        self.inv = self.inv2.reshape(x.shape[:-1] + (1,))
        self.gamma = None if gamma is None else gamma.reshape(self.param_shape)
        return y.reshape(x.shape)

    def _backward_compiled(self, kernels, g):
        xhat, inv = self.xhat2, self.inv2
        c = xhat.shape[1]
        g2 = g.reshape(-1, c)
        gamma = np.empty(0, xhat.dtype) if self.gamma is None else self.gamma.reshape(-1)
        gx = np.empty_like(g2)
        ggamma = np.empty(c)
        gbeta = np.empty(c)
        kernels.layer_norm_backward(g2, xhat, inv.reshape(-1), gamma, gx, ggamma, gbeta)
        needs = self.needs + (False,) * (5 - len(self.needs))
        inputs = self.inputs
        dt = xhat.dtype
        return (gx.reshape(g.shape) if needs[0] else None,
                ggamma.astype(dt).reshape(np.shape(inputs[1].data)) if needs[1] else None,
                gbeta.astype(dt).reshape(np.shape(inputs[2].data)) if needs[2] else None,
                None, None)

    def _backward_last_axis(self, g):
        if self._compiled:
            kernels = fast.kernels()
            if kernels is not None:
                return self._backward_compiled(kernels, g)
        needs = self.needs + (False,) * (5 - len(self.needs))
        xhat, inv = self.xhat2, self.inv2
        c = xhat.shape[1]
        g2 = g.reshape(-1, c)
        dt = xhat.dtype
        ones_rows = np.ones(g2.shape[0], dt)
        ones = np.ones(c, dt)
        gamma = None if self.gamma is None else self.gamma.reshape(-1)
        inputs = self.inputs
        ggamma = gbeta = gx = None
        if needs[2]:
            gbeta = (ones_rows @ g2).reshape(np.shape(inputs[2].data))
        gxh = np.multiply(g2, xhat)
        if needs[1]:
            ggamma = (ones_rows @ gxh).reshape(np.shape(inputs[1].data))
        if needs[0]:
            if gamma is None:
                gh = g2.copy()
            else:
                gh = np.multiply(g2, gamma)
                gxh *= gamma
            mean_gh = gh @ ones
            mean_gh /= c
            mean_ghx = gxh @ ones
            mean_ghx /= c
            t = np.multiply(xhat, mean_ghx[:, None], out=gxh)
            gh -= mean_gh[:, None]
            gh -= t
            gh *= inv
            gx = gh.reshape(g.shape)
        return gx, ggamma, gbeta, None, None

    def forward(self, x, gamma=None, beta=None, mean=None, var=None):
        if self._last_axis_case(x) and mean is None:
            self._fast = True
            return self._forward_last_axis(x, gamma, beta)
        self._fast = False
        axes = self.axes
        dt = x.dtype
        if self.training:
            w = self.weights
            if w is None:
                mean = x.mean(axis=axes, keepdims=True)
                d = x - mean
                var = np.mean(d * d, axis=axes, keepdims=True)
            else:
                w = np.broadcast_to(w, x.shape)
                total = w.sum(axis=axes, keepdims=True) + np.asarray(self.weight_eps, dt)
                mean = (w * x).sum(axis=axes, keepdims=True) / total
                d = x - mean
                var = (w * d * d).sum(axis=axes, keepdims=True) / total
                self.w, self.total = w, total
            self.batch_mean, self.batch_var = mean, var
        else:
            mean = np.reshape(mean, self.param_shape)
            var = np.reshape(var, self.param_shape)
            d = x - mean
        inv = 1.0 / np.sqrt(var + np.asarray(self.epsilon, dt))
        xhat = d * inv
        self.xhat, self.inv = xhat, inv
        self.gamma = None if gamma is None else gamma.reshape(self.param_shape)
        y = xhat if gamma is None else xhat * self.gamma
        if beta is not None:
            y = y + beta.reshape(self.param_shape)
        return y.astype(dt, copy=False)

    def _param_grad(self, g, shape):
        axes = tuple(i for i, n in enumerate(self.param_shape) if n == 1)
        return g.sum(axis=axes).reshape(shape)

    def backward(self, g):
        if self._fast and g.dtype == self.xhat.dtype:
            return self._backward_last_axis(np.ascontiguousarray(g))
        needs = self.needs + (False,) * (5 - len(self.needs))
        xhat, inv = self.xhat, self.inv
        gh = g if self.gamma is None else g * self.gamma
        gx = ggamma = gbeta = gmean = gvar = None
        inputs = self.inputs
        if needs[1]:
            ggamma = self._param_grad(g * xhat, np.shape(inputs[1].data))
        if needs[2]:
            gbeta = self._param_grad(g, np.shape(inputs[2].data))
        axes = self.axes
        if needs[0]:
            if not self.training:
                gx = gh * inv
            elif self.weights is None:
                mean_gh = gh.mean(axis=axes, keepdims=True)
                mean_ghx = (gh * xhat).mean(axis=axes, keepdims=True)
                gx = inv * (gh - mean_gh - xhat * mean_ghx)
            else:
                # masked statistics: differentiate mean and variance of the weighted moments
                w, total = self.w, self.total
                d = xhat / inv
                g_var = -0.5 * inv * inv * (gh * xhat).sum(axis=axes, keepdims=True)
                g_mean = (-inv * gh.sum(axis=axes, keepdims=True)
                          - 2.0 * g_var * (w * d).sum(axis=axes, keepdims=True) / total)
                gx = gh * inv + (2.0 * g_var * d + g_mean) * w / total
            gx = gx.astype(g.dtype, copy=False)
        if not self.training and (needs[3] or needs[4]):
            if needs[3]:
                gmean = self._param_grad(-gh * inv, np.shape(inputs[3].data))
            if needs[4]:
                gvar = self._param_grad(-0.5 * inv * inv * gh * xhat, np.shape(inputs[4].data))
        return gx, ggamma, gbeta, gmean, gvar


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


class BatchNormalization(Layer):
    """Normalizes each feature with batch statistics in training, moving averages otherwise.

    In training (``training=True`` and the layer trainable) the output uses the batch mean
    and (biased) variance over every axis but ``axis``, and the non-trainable ``moving_mean``
    / ``moving_variance`` move towards them: ``moving = moving * momentum + batch * (1 -
    momentum)``. Weights in Keras order: ``gamma``, ``beta``, ``moving_mean``,
    ``moving_variance``.

    Example::

        >>> bn = tf.keras.layers.BatchNormalization()
        >>> y = bn(np.random.rand(8, 3), training=True)
        >>> [w.shape for w in bn.get_weights()]
        [(3,), (3,), (3,), (3,)]
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        if renorm:
            raise ValueError(
                f"BatchNormalization '{self.name}': renorm=True (batch renormalization) is not "
                "supported by featherflow; use renorm=False."
            )
        if isinstance(axis, (list, tuple)):
            if len(axis) != 1:
                raise ValueError(
                    f"BatchNormalization '{self.name}': axis must be one int, received {axis!r}."
                )
            axis = axis[0]
        self.axis = int(axis)
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.renorm, self.renorm_clipping = False, renorm_clipping
        self.renorm_momentum, self.synchronized = renorm_momentum, bool(synchronized)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def _axis(self, ndim):
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"BatchNormalization '{self.name}': axis {self.axis} is out of range for "
                f"inputs of rank {ndim}."
            )
        return self.axis % ndim

    def build(self, input_shape):
        ax = self._axis(len(input_shape))
        n = input_shape[ax]
        if n is None:
            raise ValueError(
                f"BatchNormalization '{self.name}': the size of axis {self.axis} must be known, "
                f"received input shape {tuple(input_shape)}."
            )
        shape = (int(n),)
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = inputs.data
        ax = self._axis(x.ndim)
        axes = tuple(i for i in range(x.ndim) if i != ax)
        param_shape = tuple(x.shape[ax] if i == ax else 1 for i in range(x.ndim))
        if training and self.trainable:
            weights = None
            if mask is not None:
                m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
                if m.ndim != x.ndim - 1:
                    raise ValueError(
                        f"BatchNormalization '{self.name}': the mask must have one dimension "
                        f"less than the inputs; received mask shape {m.shape} for inputs "
                        f"{x.shape}."
                    )
                weights = m.astype(bool).astype(x.dtype)[..., None]
            fn = Normalize(axes, param_shape, self.epsilon, True, weights, config.epsilon())
            out = fn(inputs, self.gamma, self.beta)
            mom = self.momentum
            mm, mv = self.moving_mean, self.moving_variance
            mm.assign(mm.data * mom + fn.batch_mean.reshape(-1).astype(mm.dtype) * (1 - mom))
            mv.assign(mv.data * mom + fn.batch_var.reshape(-1).astype(mv.dtype) * (1 - mom))
            return out
        fn = Normalize(axes, param_shape, self.epsilon, False)
        return fn(inputs, self.gamma, self.beta, self.moving_mean, self.moving_variance)

    def compute_output_shape(self, input_shape):
        self._axis(len(input_shape))
        return tuple(input_shape)

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
            "center": self.center, "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer":
                initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": _serialize(regularizers, self.beta_regularizer),
            "gamma_regularizer": _serialize(regularizers, self.gamma_regularizer),
            "beta_constraint": _serialize(constraints, self.beta_constraint),
            "gamma_constraint": _serialize(constraints, self.gamma_constraint),
            "synchronized": self.synchronized, "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping, "renorm_momentum": self.renorm_momentum,
        })
        return cfg


class LayerNormalization(Layer):
    """Normalizes each sample over ``axis`` (the features), then scales and shifts.

    Example::

        >>> ln = tf.keras.layers.LayerNormalization()
        >>> ln(np.array([[1.0, 2.0, 3.0]])).numpy().round(3)
        array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 rms_scaling=False, **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [int(a) for a in axis]
        elif isinstance(axis, (int, np.integer)):
            self.axis = int(axis)
        else:
            raise TypeError(
                f"LayerNormalization '{self.name}': axis must be an int or a list of ints, "
                f"received {axis!r}."
            )
        self.epsilon = float(epsilon)
        self.center, self.scale, self.rms_scaling = bool(center), bool(scale), bool(rms_scaling)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def _axes(self, ndim):
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        for a in axes:
            if not -ndim <= a < ndim:
                raise ValueError(
                    f"LayerNormalization '{self.name}': axis {a} is out of range for inputs of "
                    f"rank {ndim}."
                )
        return tuple(sorted(a % ndim for a in axes))

    def build(self, input_shape):
        axes = self._axes(len(input_shape))
        shape = tuple(input_shape[a] for a in axes)
        if any(n is None for n in shape):
            raise ValueError(
                f"LayerNormalization '{self.name}': the normalized axes {axes} must have known "
                f"sizes, received input shape {tuple(input_shape)}."
            )
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(name="gamma", shape=shape,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(name="beta", shape=shape,
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.built = True

    def call(self, inputs):
        x = inputs.data
        axes = self._axes(x.ndim)
        param_shape = tuple(x.shape[i] if i in axes else 1 for i in range(x.ndim))
        if self.rms_scaling:
            # Keras's deprecated option: divide by the standard deviation without centring
            var = math_ops.reduce_variance(inputs, axis=axes, keepdims=True)
            scaled = math_ops.multiply(inputs, math_ops.rsqrt(math_ops.add(var,
                                                                           np.asarray(self.epsilon,
                                                                                      x.dtype))))
            from featherflow.ops.reshape import reshape

            return math_ops.multiply(scaled, reshape(self.gamma, param_shape))
        return Normalize(axes, param_shape, self.epsilon, True)(inputs, self.gamma, self.beta)

    def compute_output_shape(self, input_shape):
        self._axes(len(input_shape))
        return tuple(input_shape)

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "axis": self.axis if isinstance(self.axis, list) else [self.axis],
            "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": _serialize(regularizers, self.beta_regularizer),
            "gamma_regularizer": _serialize(regularizers, self.gamma_regularizer),
            "beta_constraint": _serialize(constraints, self.beta_constraint),
            "gamma_constraint": _serialize(constraints, self.gamma_constraint),
        })
        return cfg
