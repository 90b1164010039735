"""Activation layers: ReLU, LeakyReLU, PReLU, ELU and Softmax, with Keras 3's arguments and
configs; masks pass through each of them unchanged.

Example::

    >>> tf.keras.layers.ReLU(max_value=1.0)(np.array([-1.0, 0.5, 3.0])).numpy()
    array([0. , 0.5, 1. ], dtype=float32)
"""

import numpy as np

from featherflow import activations, constraints, initializers, regularizers
from featherflow.layers.layer import Layer
from featherflow.ops import math as math_ops
from featherflow.ops import prelu as prelu_ops
from featherflow.ops import reduce as reduce_ops
from featherflow.ops._convert import data


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def _check_number(layer, argument, value, allow_none=False):
    """Keras's rule for ReLU/LeakyReLU settings: a number >= 0 (or None where allowed).
    Returns it as a Python number (tf.keras 2 keeps them as 0-d float32 arrays)."""
    if value is None and allow_none:
        return None
    if isinstance(value, (np.ndarray, np.number)) and np.ndim(value) == 0:
        value = value.item()
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) \
            or value < 0:
        raise ValueError(
            f"{layer} layer: {argument} must be a number >= 0"
            f"{' or None' if allow_none else ''}; received {argument}={value!r}. "
            f"{'Use None for no cap.' if allow_none else 'Use 0.0 to switch it off.'}"
        )
    return value


class ReLU(Layer):
    """Rectified linear unit: ``max_value`` caps it, ``negative_slope`` leaks below
    ``threshold``, which moves the kink.

    Example::

        >>> layer = tf.keras.layers.ReLU(max_value=6.0, negative_slope=0.5)
        >>> layer(np.array([-4.0, 2.0, 9.0])).numpy()
        array([-2.,  2.,  6.], dtype=float32)
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _check_number("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _check_number("ReLU", "negative_slope", negative_slope)
        self.threshold = _check_number("ReLU", "threshold", threshold)
        self.supports_masking = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"max_value": self.max_value, "negative_slope": self.negative_slope,
                    "threshold": self.threshold})
        return cfg


class LeakyReLU(Layer):
    """``x`` where positive, ``negative_slope * x`` elsewhere.

    Keras 3's default slope is 0.3 (the function ``activations.leaky_relu`` defaults to 0.2);
    tf.keras 2's ``alpha=`` is accepted as the same setting.

    Example::

        >>> tf.keras.layers.LeakyReLU()(np.array([-10.0, 5.0])).numpy()
        array([-3.,  5.], dtype=float32)
    """

    def __init__(self, negative_slope=0.3, alpha=None, **kwargs):
        # ``alpha``: tf.keras 2's name (its code and .h5 configs); it wins, as in Keras 3. A
        # named argument (not read from **kwargs) so configs that carry it keep it.
        if alpha is not None:
            negative_slope = alpha
        super().__init__(**kwargs)
        self.negative_slope = _check_number("LeakyReLU", "negative_slope", negative_slope)
        self.supports_masking = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["negative_slope"] = self.negative_slope
        return cfg


class PReLU(Layer):
    """Parametric relu: ``x`` where positive, ``alpha * x`` elsewhere, with ``alpha`` learned
    per input position, or shared along ``shared_axes`` (axes of the input, batch is 0).

    Example::

        >>> layer = tf.keras.layers.PReLU(shared_axes=[1])
        >>> layer(np.ones((2, 5, 3))).shape
        TensorShape([2, 5, 3])
        >>> layer.alpha.shape
        TensorShape([1, 3])
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer) \
            if alpha_regularizer is not None else None
        self.alpha_constraint = constraints.get(alpha_constraint) \
            if alpha_constraint is not None else None
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        shared = set(self.shared_axes or ())
        bad = sorted(a for a in shared if not 1 <= a < rank)
        if bad:
            raise ValueError(
                f"PReLU '{self.name}': shared_axes must be axes of the input after the batch "
                f"axis (1 to {rank - 1} for inputs of shape {input_shape}); received "
                f"shared_axes={self.shared_axes}."
            )
        param_shape = []
        for axis in range(1, rank):
            if axis in shared:
                param_shape.append(1)
            elif input_shape[axis] is None:
                raise ValueError(
                    f"PReLU '{self.name}': axis {axis} of the input has no fixed size (input "
                    f"shape {input_shape}), so alpha cannot have one value per position. Add "
                    f"{axis} to shared_axes, or give the input a fixed size there."
                )
            else:
                param_shape.append(int(input_shape[axis]))
        self.alpha = self.add_weight(name="alpha", shape=param_shape,
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        # the sizes alpha fixes, checked on every call (Keras's input_spec)
        self._fixed_axes = {axis: input_shape[axis] for axis in range(1, rank)
                            if axis not in shared}
        self._rank = rank
        self.built = True

    def call(self, inputs):
        shape = np.shape(data(inputs))
        if len(shape) != self._rank or any(shape[a] != n for a, n in self._fixed_axes.items()):
            raise ValueError(
                f"PReLU '{self.name}' was built for inputs of rank {self._rank} with sizes "
                f"{ {a: n for a, n in self._fixed_axes.items()} } on its non-shared axes; "
                f"received shape {tuple(shape)}. Call it on inputs like those it was built "
                "on, or share the varying axes (shared_axes)."
            )
        return prelu_ops.prelu(inputs, self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": _serialize(regularizers, self.alpha_regularizer),
            "alpha_constraint": _serialize(constraints, self.alpha_constraint),
            "shared_axes": self.shared_axes,
        })
        return cfg


class ELU(Layer):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere.

    Example::

        >>> tf.keras.layers.ELU(alpha=0.5)(np.array([-100.0, 2.0])).numpy()
        array([-0.5,  2. ], dtype=float32)
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["alpha"] = self.alpha
        return cfg


# Keras 3's value for masked logits (-3e4 in float16, which cannot hold -1e9)
_MASKED_LOGIT = {np.dtype("float16"): -3e4}


class Softmax(Layer):
    """Softmax over ``axis`` (an int or a list of axes).

    A ``mask`` (broadcastable to the inputs; nonzero or True keeps) replaces masked logits by
    -1e9 before the softmax and sets masked outputs to 0 after it, as Keras 3 does, so an
    entirely masked row is all zeros.

    Example::

        >>> layer = tf.keras.layers.Softmax()
        >>> layer(np.array([[1.0, 2.0, 1.0]]), mask=np.array([[True, True, False]])).numpy()
        array([[0.2689414, 0.7310586, 0.       ]], dtype=float32)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        self.supports_masking = True

    def call(self, inputs, mask=None):
        keep = None
        if mask is not None:
            keep = self._keep(inputs, mask)
            dtype = data(inputs).dtype
            inputs = math_ops.where(keep, inputs,
                                    np.asarray(_MASKED_LOGIT.get(dtype, -1e9), dtype))
        axis = self.axis
        if isinstance(axis, list) and len(axis) == 1:
            axis = axis[0]
        if isinstance(axis, list):
            lse = reduce_ops.reduce_logsumexp(inputs, axis=axis, keepdims=True)
            outputs = math_ops.exp(math_ops.subtract(inputs, lse))
        else:
            outputs = activations.softmax(inputs, axis=axis)
        if keep is not None:
            outputs = math_ops.where(keep, outputs, np.asarray(0.0, data(outputs).dtype))
        return outputs

    def _keep(self, inputs, mask):
        """The mask as booleans, after Keras 3's shape rule: no more dimensions than the
        inputs, and each trailing dimension 1 or equal to the input's."""
        mask = np.asarray(data(mask))
        shape = np.shape(data(inputs))
        fits = mask.ndim <= len(shape) and all(
            m in (1, n) for m, n in zip(mask.shape[::-1], shape[::-1]))
        if not fits:
            raise ValueError(
                f"Softmax '{self.name}': the mask must broadcast to the inputs (no more "
                f"dimensions, and each dimension, counted from the last, 1 or equal to the "
                f"input's); received inputs of shape {shape} and a mask of shape "
                f"{mask.shape}. Give a mask of shape {shape}, or with 1 where it is shared."
            )
        if mask.dtype == np.bool_:
            return mask
        return mask > 0.5

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg
