"""Merging layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot."""

import numpy as np

from featherflow.layers.layer import Layer
from featherflow.ops import concat as concat_ops
from featherflow.ops import math as math_ops
from featherflow.ops import reshape as reshape_ops


class _Merge(Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _check(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(
                input_shape[0], (list, tuple)):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' must be called on a list of tensors, "
                f"received one input of shape {input_shape}."
            )
        if len(input_shape) < 1:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs at least one input.")

    def build(self, input_shape):
        self._check(input_shape)
        self.built = True

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = self._merge(out, x)
        return out

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        masks = [m for m in mask if m is not None]
        if not masks:
            return None
        out = np.asarray(masks[0], bool)
        for m in masks[1:]:
            out = out & np.asarray(m, bool)
        return out

    def _output_has_mask(self, input_has_mask):
        # a mask comes out only when one goes in (compute_mask above): a model's plan then
        # calls the layers after a merge directly (ResNet's blocks after each Add)
        return bool(input_has_mask)

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        out = list(input_shape[0])
        for s in input_shape[1:]:
            if len(s) != len(out):
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': inputs have shapes "
                    f"{[tuple(x) for x in input_shape]}; they must have the same rank."
                )
            for i, (a, b) in enumerate(zip(out, s)):
                if a is None or b is None:  # Keras 3: unknown if either is (None * 1 too)
                    out[i] = None
                elif a != b and a != 1 and b != 1:
                    raise ValueError(
                        f"{type(self).__name__} '{self.name}': inputs have incompatible shapes "
                        f"{[tuple(x) for x in input_shape]}."
                    )
                else:
                    out[i] = max(a, b)
        return tuple(out)


class Add(_Merge):
    """Adds a list of inputs elementwise."""

    def _merge(self, a, b):
        return math_ops.add(a, b)


class Subtract(_Merge):
    """Subtracts the second input from the first."""

    def call(self, inputs):
        if len(inputs) != 2:
            raise ValueError(
                f"Subtract '{self.name}' takes exactly 2 inputs, received {len(inputs)}."
            )
        return math_ops.subtract(inputs[0], inputs[1])


class Multiply(_Merge):
    """Multiplies a list of inputs elementwise."""

    def _merge(self, a, b):
        return math_ops.multiply(a, b)


class Maximum(_Merge):
    """Elementwise maximum of a list of inputs."""

    def _merge(self, a, b):
        return math_ops.maximum(a, b)


class Minimum(_Merge):
    """Elementwise minimum of a list of inputs."""

    def _merge(self, a, b):
        return math_ops.minimum(a, b)


class Average(_Merge):
    """Elementwise average of a list of inputs."""

    def call(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = math_ops.add(out, x)
        return math_ops.multiply(out, 1.0 / len(inputs))


class Concatenate(_Merge):
    """Concatenates a list of inputs along ``axis`` (default: the last)."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def call(self, inputs):
        return concat_ops.concat(list(inputs), axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        return None

    def _output_has_mask(self, input_has_mask):
        return False

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        rank = len(input_shape[0])
        ax = self.axis % rank
        out = list(input_shape[0])
        for s in input_shape[1:]:
            if len(s) != rank or any(
                    a is not None and b is not None and a != b
                    for i, (a, b) in enumerate(zip(out, s)) if i != ax):
                raise ValueError(
                    f"Concatenate '{self.name}': inputs of shapes "
                    f"{[tuple(x) for x in input_shape]} differ outside axis {self.axis}; they "
                    "must match on every other axis."
                )
            out[ax] = None if out[ax] is None or s[ax] is None else out[ax] + s[ax]
        return tuple(out)

    def get_config(self):
        cfg = super().get_config()
        cfg["axis"] = self.axis
        return cfg


class Dot(_Merge):
    """Dot product of two inputs along ``axes`` (optionally L2-normalised: cosine)."""

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def _axes(self, rank_a, rank_b):
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        return axes[0] % rank_a, axes[1] % rank_b

    def call(self, inputs):
        a, b = inputs
        ra, rb = np.ndim(a.data), np.ndim(b.data)
        ax_a, ax_b = self._axes(ra, rb)
        if self.normalize:
            a = math_ops.l2_normalize(a, axis=ax_a)
            b = math_ops.l2_normalize(b, axis=ax_b)
        if ra == 2 and rb == 2:
            return math_ops.reduce_sum(math_ops.multiply(a, b), axis=1, keepdims=True)
        a_t = reshape_ops.transpose(a, [0] + [i for i in range(1, ra) if i != ax_a] + [ax_a])
        b_t = reshape_ops.transpose(b, [0, ax_b] + [i for i in range(1, rb) if i != ax_b])
        return math_ops.matmul(a_t, b_t)

    def compute_output_shape(self, input_shape):
        sa, sb = input_shape
        ax_a, ax_b = self._axes(len(sa), len(sb))
        if len(sa) == 2 and len(sb) == 2:
            return (sa[0], 1)
        rest_a = [d for i, d in enumerate(sa) if i not in (0, ax_a)]
        rest_b = [d for i, d in enumerate(sb) if i not in (0, ax_b)]
        return (sa[0],) + tuple(rest_a) + tuple(rest_b)

    def get_config(self):
        cfg = super().get_config()
        cfg.update({"axes": self.axes, "normalize": self.normalize})
        return cfg


def add(inputs, **kwargs):
    return Add(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    return Concatenate(axis=axis, **kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
