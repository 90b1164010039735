"""``tf.quantization``'s fake-quantization ops: TF's ``FakeQuantWithMinMax*`` kernels.

Quantization-aware training simulates integer inference in float32: values are clamped to a
range *nudged* so that 0.0 is exactly representable, then rounded to one of
``2**num_bits`` levels (``narrow_range`` drops the lowest). Each op is one primitive whose
forward is TF's kernel arithmetic in float32 and whose backward is TF's gradient op (the
straight-through estimator inside the nudged range; for the ``_vars`` ops the gradients
outside it go to ``min``/``max``). The ``*_gradient`` functions are those gradient ops.

    x = tf.constant([-0.6, 0.0, 0.37, 1.3])
    tf.quantization.fake_quant_with_min_max_args(x, min=-0.5, max=1.0, num_bits=4)

``quantize_and_dequantize_v2`` (and the older ``quantize_and_dequantize``) are TF's
``QuantizeAndDequantizeV4``/``V2`` kernels: the range (given, or the data's min/max) is
widened on one side so 0 stays a level, values are scaled, rounded half to even (or half up)
and scaled back, in the input's float dtype; gradients straight through (inside the range
for ``_v2``). The ops producing TF's quantized integer dtypes (``quantize``, ``dequantize``,
``quantized_concat``) are not here.
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

__all__ = [
    "fake_quant_with_min_max_args", "fake_quant_with_min_max_args_gradient",
    "fake_quant_with_min_max_vars", "fake_quant_with_min_max_vars_gradient",
    "fake_quant_with_min_max_vars_per_channel",
    "fake_quant_with_min_max_vars_per_channel_gradient", "quantize_and_dequantize",
    "quantize_and_dequantize_v2",
]

_F = np.float32


def _levels(num_bits, narrow_range, op):
    if not 2 <= int(num_bits) <= 16:
        raise InvalidArgumentError(f"{op}: num_bits must be between 2 and 16, inclusive; "
                                   f"received {num_bits}.")
    return (1 if narrow_range else 0), (1 << int(num_bits)) - 1


def _nudge(low, high, quant_min, quant_max):
    """TF's ``Nudge``, in float32: (nudged_min, nudged_max, scale, inv_scale)."""
    low, high = _F(low), _F(high)
    qmin, qmax = _F(quant_min), _F(quant_max)
    scale = (high - low) / (qmax - qmin)
    inv_scale = (qmax - qmin) / (high - low)
    zero_from_min = qmin - low / scale
    if zero_from_min < qmin:
        zero = _F(quant_min)
    elif zero_from_min > qmax:
        zero = _F(quant_max)
    else:  # std::round: halves away from zero
        zero = _F(np.floor(np.abs(zero_from_min) + _F(0.5)) * np.sign(zero_from_min))
    return (qmin - zero) * scale, (qmax - zero) * scale, scale, inv_scale


def _quantize(x, nudged_min, nudged_max, scale, inv_scale, divide):
    quant_zero = np.floor(-nudged_min * inv_scale + _F(0.5))
    shifted = np.minimum(np.maximum(x, nudged_min), nudged_max) - nudged_min
    steps = shifted / scale if divide else shifted * inv_scale
    return (np.floor(steps - quant_zero + _F(0.5)) * scale).astype(_F)


def _float32(x, op, what="inputs"):
    a = np.asarray(as_array(x))
    if not isinstance(x, Tensor) and a.dtype.kind == "f":
        a = a.astype(_F)  # TF converts a NumPy or Python float operand to the op's float32
    if a.dtype != np.float32:
        raise InvalidArgumentError(f"{op}: `{what}` must be float32 (TF's fake-quant kernels "
                                   f"are float32 only); received {a.dtype.name}.")
    return a


class _FakeQuantArgs(Function):
    def __init__(self, low, high, quant_min, quant_max):
        self.nudged = _nudge(low, high, quant_min, quant_max)

    def forward(self, x):
        self.x = x
        return _quantize(x, *self.nudged, divide=False)

    def backward(self, g):
        nudged_min, nudged_max = self.nudged[:2]
        inside = (self.x >= nudged_min) & (self.x <= nudged_max)
        return (g * inside.astype(g.dtype),)


def fake_quant_with_min_max_args(inputs, min=-6.0, max=6.0, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """Fake-quantize ``inputs`` (float32) into ``[min, max]`` given as Python floats."""
    op = "fake_quant_with_min_max_args"
    quant_min, quant_max = _levels(num_bits, narrow_range, op)
    if not min < max:
        raise InvalidArgumentError(f"{op}: min has to be smaller than max, was: {min} >= {max}")
    x = inputs if isinstance(inputs, Tensor) else Tensor(_float32(inputs, op))
    _float32(x, op)
    return _FakeQuantArgs(min, max, quant_min, quant_max)(x)


def fake_quant_with_min_max_args_gradient(gradients, inputs, min=-6.0, max=6.0,  # noqa: A002
                                          num_bits=8, narrow_range=False, name=None):
    """TF's gradient op: ``gradients`` where ``inputs`` lie in the nudged range, else 0."""
    op = "fake_quant_with_min_max_args_gradient"
    quant_min, quant_max = _levels(num_bits, narrow_range, op)
    if not min < max:
        raise InvalidArgumentError(f"{op}: min has to be smaller than max, was: {min} >= {max}")
    g, x = _float32(gradients, op, "gradients"), _float32(inputs, op)
    nudged_min, nudged_max = _nudge(min, max, quant_min, quant_max)[:2]
    return Tensor((g * ((x >= nudged_min) & (x <= nudged_max))).astype(_F))


def _vars_ranges(low, high, quant_min, quant_max):
    """Per channel: None where min == max == 0 (TF outputs zeros there), else the nudge."""
    return [None if lo == 0 and hi == 0 else _nudge(lo, hi, quant_min, quant_max)
            for lo, hi in zip(low.reshape(-1), high.reshape(-1))]


def _vars_backward(g, x, ranges):
    """TF's vars gradient per channel (last axis; one channel when min/max are scalars)."""
    channels = len(ranges)
    g2, x2 = g.reshape(-1, channels), x.reshape(-1, channels)
    dx = np.empty_like(g2)
    dmin = np.zeros(channels, _F)
    dmax = np.zeros(channels, _F)
    for c, nudged in enumerate(ranges):
        if nudged is None:
            dx[:, c] = g2[:, c]
            continue
        nudged_min, nudged_max = nudged[:2]
        xs, gs = x2[:, c], g2[:, c]
        dx[:, c] = gs * ((xs >= nudged_min) & (xs <= nudged_max))
        dmin[c] = np.sum(gs * (xs < nudged_min), dtype=_F)
        dmax[c] = np.sum(gs * (xs > nudged_max), dtype=_F)
    return dx.reshape(g.shape), dmin, dmax


class _FakeQuantVars(Function):
    def __init__(self, quant_min, quant_max, per_channel):
        self.quant_min, self.quant_max, self.per_channel = quant_min, quant_max, per_channel

    def forward(self, x, low, high):
        self.x, self.low_shape, self.high_shape = x, low.shape, high.shape
        self.ranges = _vars_ranges(low, high, self.quant_min, self.quant_max)
        channels = len(self.ranges)
        flat = x.reshape(-1, channels) if self.per_channel else x.reshape(-1, 1)
        out = np.empty_like(flat)
        for c, nudged in enumerate(self.ranges):
            out[:, c] = 0.0 if nudged is None else _quantize(
                flat[:, c], *nudged, divide=not self.per_channel)
        return out.reshape(x.shape)

    def backward(self, g):
        dx, dmin, dmax = _vars_backward(g, self.x, self.ranges)
        return dx, dmin.reshape(self.low_shape), dmax.reshape(self.high_shape)


def _vars_inputs(inputs, low, high, op, per_channel):
    x = _float32(inputs, op)
    lo, hi = _float32(low, op, "min"), _float32(high, op, "max")
    if per_channel:
        if lo.ndim != 1 or hi.shape != lo.shape or x.ndim < 1 or x.shape[-1] != lo.shape[0]:
            raise InvalidArgumentError(
                f"{op}: min and max must be vectors of the last dimension of inputs "
                f"({x.shape[-1] if x.ndim else None}); received {list(lo.shape)} and "
                f"{list(hi.shape)}.")
    elif lo.ndim != 0 or hi.ndim != 0:
        raise InvalidArgumentError(f"{op}: min and max must be scalars; received "
                                   f"{list(lo.shape)} and {list(hi.shape)}.")
    return x, lo, hi


def _tensor_or(value, array):
    return value if isinstance(value, Tensor) else Tensor(array)


def fake_quant_with_min_max_vars(inputs, min, max, num_bits=8,  # noqa: A002
                                 narrow_range=False, name=None):
    """Fake-quantize with ``min``/``max`` scalar tensors (trainable: they get gradients)."""
    op = "fake_quant_with_min_max_vars"
    quant_min, quant_max = _levels(num_bits, narrow_range, op)
    x, lo, hi = _vars_inputs(inputs, min, max, op, per_channel=False)
    return _FakeQuantVars(quant_min, quant_max, False)(
        _tensor_or(inputs, x), _tensor_or(min, lo), _tensor_or(max, hi))


def fake_quant_with_min_max_vars_per_channel(inputs, min, max, num_bits=8,  # noqa: A002
                                             narrow_range=False, name=None):
    """Fake-quantize each channel (last axis) with its own ``min``/``max``."""
    op = "fake_quant_with_min_max_vars_per_channel"
    quant_min, quant_max = _levels(num_bits, narrow_range, op)
    x, lo, hi = _vars_inputs(inputs, min, max, op, per_channel=True)
    return _FakeQuantVars(quant_min, quant_max, True)(
        _tensor_or(inputs, x), _tensor_or(min, lo), _tensor_or(max, hi))


def _vars_gradient(gradients, inputs, low, high, num_bits, narrow_range, op, per_channel):
    quant_min, quant_max = _levels(num_bits, narrow_range, op)
    x, lo, hi = _vars_inputs(inputs, low, high, op, per_channel)
    g = _float32(gradients, op, "gradients")
    dx, dmin, dmax = _vars_backward(g, x, _vars_ranges(lo, hi, quant_min, quant_max))
    return Tensor(dx), Tensor(dmin.reshape(lo.shape)), Tensor(dmax.reshape(hi.shape))


def fake_quant_with_min_max_vars_gradient(gradients, inputs, min, max, num_bits=8,  # noqa: A002
                                          narrow_range=False, name=None):
    """TF's gradient op: (d inputs, d min, d max)."""
    return _vars_gradient(gradients, inputs, min, max, num_bits, narrow_range,
                          "fake_quant_with_min_max_vars_gradient", per_channel=False)


def fake_quant_with_min_max_vars_per_channel_gradient(gradients, inputs, min, max,  # noqa: A002
                                                      num_bits=8, narrow_range=False,
                                                      name=None):
    """TF's per-channel gradient op: (d inputs, d min, d max), one min/max per channel."""
    return _vars_gradient(gradients, inputs, min, max, num_bits, narrow_range,
                          "fake_quant_with_min_max_vars_per_channel_gradient", per_channel=True)


# -- quantize_and_dequantize -------------------------------------------------------------------
def _qdq_range(low, high, signed, num_bits, narrow_range, dtype):
    """TF's ``ComputeQuantizationRange`` in ``dtype``: (min, max, scale, inverse_scale)."""
    if signed:
        qmin = -(1 << (num_bits - 1)) + (1 if narrow_range else 0)
        qmax = (1 << (num_bits - 1)) - 1
    else:
        qmin, qmax = 0, (1 << num_bits) - 1
    kind = np.dtype(dtype).type
    low, high = kind(low), kind(high)
    biggest = np.finfo(dtype).max
    from_min = kind(qmin) / low if qmin * low > 0 else biggest
    from_max = kind(qmax) / high if qmax * high > 0 else biggest
    if from_min < from_max:
        inverse = low / kind(qmin)
        return low, kind(qmax) * inverse, kind(from_min), inverse
    inverse = high / kind(qmax)
    return kind(qmin) * inverse, high, kind(from_max), inverse


def _round(values, mode):
    if mode == "HALF_TO_EVEN":
        return np.rint(values)
    return np.floor(values + values.dtype.type(0.5))  # Eigen's scalar_round_up_op


class _QuantizeDequantize(Function):
    def __init__(self, signed, num_bits, range_given, round_mode, narrow_range, axis,
                 grad_in_range):
        self.signed, self.num_bits, self.range_given = signed, num_bits, range_given
        self.round_mode, self.narrow_range, self.axis = round_mode, narrow_range, axis
        self.grad_in_range = grad_in_range

    def forward(self, x, low, high):
        self.x, self.low, self.high = x, low, high
        if self.axis is None:
            return self._one(x, low, high)
        moved = np.moveaxis(x, self.axis, -1)
        out = np.empty_like(moved)
        for c in range(moved.shape[-1]):
            out[..., c] = self._one(moved[..., c], low[c], high[c])
        return np.moveaxis(out, -1, self.axis)

    def _one(self, x, low, high):
        if not self.range_given:
            low, high = x.min(), x.max()
        low, high, scale, inverse = _qdq_range(low, high, self.signed, self.num_bits,
                                               self.narrow_range, x.dtype)
        if self.range_given:
            x = np.minimum(np.maximum(x, low), high)
        return (_round(x * scale, self.round_mode) * inverse).astype(x.dtype)

    def backward(self, g):
        if not self.grad_in_range:
            return g, None, None
        low, high = self.low, self.high
        if self.axis is not None:
            shape = [1] * self.x.ndim
            shape[self.axis] = -1
            low, high = low.reshape(shape), high.reshape(shape)
        inside = (self.x >= low) & (self.x <= high)
        return g * inside.astype(g.dtype), None, None


def _qdq(input, input_min, input_max, signed_input, num_bits, range_given, round_mode,
         narrow_range, axis, op, grad_in_range):
    x = input if isinstance(input, Tensor) else Tensor(np.asarray(as_array(input)))
    dtype = x.data.dtype
    if dtype not in (np.float16, np.float32, np.float64):
        raise InvalidArgumentError(f"{op}: `input` must be float16, float32 or float64; "
                                   f"received {dtype.name}.")
    if round_mode not in ("HALF_TO_EVEN", "HALF_UP"):
        raise InvalidArgumentError(f"{op}: round_mode must be HALF_TO_EVEN or HALF_UP; "
                                   f"received {round_mode!r}.")
    num_bits = int(num_bits)
    if not 0 < num_bits < (62 if signed_input else 63):
        raise InvalidArgumentError(f"num_bits is out of range: {num_bits} with signed_input_ "
                                   f"{int(bool(signed_input))}")
    low = np.asarray(as_array(input_min), dtype)
    high = np.asarray(as_array(input_max), dtype)
    if axis is not None:
        if range_given:
            # TF 2.21's kernel checks a given range as one scalar pair even per channel
            raise InvalidArgumentError("input_min must be a scalar. (TF 2.21's kernel takes a "
                                       "given range only without `axis`; per-channel ranges "
                                       "come from the data with range_given=False)")
        axis = int(axis) % x.data.ndim
        channels = x.data.shape[axis]
        if low.shape != (channels,) or high.shape != (channels,):
            raise InvalidArgumentError(f"{op}: with axis={axis}, input_min and input_max must "
                                       f"have shape [{channels}]; received {list(low.shape)} "
                                       f"and {list(high.shape)}.")
    elif low.ndim or high.ndim:
        raise InvalidArgumentError(f"{op}: input_min and input_max must be scalars without "
                                   f"`axis`; received {list(low.shape)} and {list(high.shape)}.")
    if range_given and np.any(low > high):
        raise InvalidArgumentError(f"Invalid range: input_min {low.tolist()} > input_max "
                                   f"{high.tolist()}")
    primitive = _QuantizeDequantize(bool(signed_input), num_bits, bool(range_given), round_mode,
                                    bool(narrow_range), axis, grad_in_range)
    return primitive(x, _tensor_or(input_min, low), _tensor_or(input_max, high))


def quantize_and_dequantize_v2(input, input_min, input_max, signed_input=True,  # noqa: A002
                               num_bits=8, range_given=False, round_mode="HALF_TO_EVEN",
                               name=None, narrow_range=False, axis=None):
    """TF's ``QuantizeAndDequantizeV4``: quantize to ``num_bits`` and back; the gradient
    passes where ``input`` lies in ``[input_min, input_max]``."""
    return _qdq(input, input_min, input_max, signed_input, num_bits, range_given, round_mode,
                narrow_range, axis, "quantize_and_dequantize_v2", grad_in_range=True)


def quantize_and_dequantize(input, input_min, input_max, signed_input=True,  # noqa: A002
                            num_bits=8, range_given=False, round_mode="HALF_TO_EVEN",
                            name=None, narrow_range=False, axis=None):
    """TF's older ``QuantizeAndDequantizeV2``: as ``_v2``, the gradient passing everywhere."""
    return _qdq(input, input_min, input_max, signed_input, num_bits, range_given, round_mode,
                narrow_range, axis, "quantize_and_dequantize", grad_in_range=False)
