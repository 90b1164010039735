"""Inference-time folding of ``BatchNormalization`` into the convolution before it.

At inference a BatchNormalization is an affine map per channel, ``y = z * a + b`` with
``a = gamma / sqrt(moving_variance + epsilon)`` and ``b = beta - moving_mean * a``, so a
convolution feeding it can absorb it: the kernel times ``a`` (per output channel) and the bias
``bias * a + b``. TensorFlow's graph optimizer does the same for Keras's ``predict`` (its
remapper fuses Conv2D + FusedBatchNorm (+ Relu) on the CPU). featherflow rewrites a model's
plan (``fold_batch_norm``) so that such a pair, or a triple ending in a ReLU/Activation layer,
runs as one step, which takes the folded path only when nothing can tell the difference:

- not training (``training`` falsy, or the BatchNormalization frozen with
  ``trainable=False``, which Keras runs in inference mode),
- no ``GradientTape`` recording (gradients then flow through the unfolded layers, as written),
- float32/float64 weights of one dtype.

Otherwise the step calls the layers one after the other, exactly as the unfused plan would.
Folding changes the rounding, not the maths: the outputs agree with the unfolded layers
within float32 rounding (a few ULPs of the largest activation), which is how TF's fused
kernels differ from its unfused ones too. The folded weights are recomputed at every call
(nothing is cached, so weights changed in any way are always seen): the kernel is scaled when
it is smaller than the output, otherwise the output is scaled in place (one pass instead of
the layer's four), so folding never costs more than it saves.
"""

import numpy as np

from featherflow import activations
from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.backend import fast
from featherflow.graph import DIRECT, DIRECT_TRAINING, PROTOCOL, Step
from featherflow.layers.activations import ReLU
from featherflow.layers.conv import Conv2D, DepthwiseConv2D
from featherflow.layers.core import Activation
from featherflow.layers.normalization import BatchNormalization
from featherflow.layers.reshaping import ZeroPadding2D
from featherflow.ops import conv as conv_ops
from featherflow.ops import depthwise_conv as depthwise_ops
from featherflow.ops.activation_kernels import dtype_consts
from featherflow.ops.bias_activation import _RELU_LIMITS

#: module switch (tests and benchmarks compare the folded and unfolded paths in one process)
ENABLED = True

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _relu_kind(layer):
    """'relu' / 'relu6' for activation layers the fold applies in place, else None."""
    if type(layer) is ReLU:
        if layer.negative_slope == 0 and layer.threshold == 0:
            if layer.max_value is None:
                return "relu"
            if layer.max_value == 6:
                return "relu6"
        return None
    if type(layer) is Activation:
        name = activations.builtin_name(layer.activation)
        if name in ("relu", "relu6"):
            return name
    return None


class ConvBatchNorm:
    """A Conv2D / DepthwiseConv2D (linear), its BatchNormalization, and optionally the
    activation layer after it, as one plan step (see the module docstring)."""

    __slots__ = ("conv", "bn", "act", "relu", "swish", "depthwise", "_sizes", "pad",
                 "padding")

    def __init__(self, conv, bn, act=None, pad=None):
        self.conv, self.bn, self.act, self.pad = conv, bn, act, pad
        # a ZeroPadding2D before a 'valid' convolution: its zeros become the convolution's
        # explicit padding (no padded copy of the input)
        self.padding = conv.padding if pad is None else tuple(pad.padding)
        self.relu = None if act is None else _relu_kind(act)
        self.swish = act is not None and type(act) is Activation and \
            activations.builtin_name(act.activation) in ("swish", "silu")
        self.depthwise = type(conv) is DepthwiseConv2D
        self._sizes = {}  # input shape -> output size (the layer's shape rule is slow)

    def _unfolded(self, x, training):
        if self.pad is not None:
            x = self.pad.call(x)
        y = self.conv.call(x)
        y = self.bn.call(y) if training is None else self.bn.call(y, training=training)
        return y if self.act is None else self.act.call(y)

    def call(self, x, training=None):
        bn = self.bn
        if (not ENABLED or state.recording or (training and bn.trainable)
                or not isinstance(x, Tensor)):
            return self._unfolded(x, training)
        conv = self.conv
        kernel = conv.kernel.data
        dt = kernel.dtype
        params = [bn.moving_mean.data, bn.moving_variance.data]
        params += [p.data for p in (bn.gamma, bn.beta, conv.bias) if p is not None]
        if dt not in _FLOATS or x.data.dtype != dt or any(p.dtype != dt for p in params):
            return self._unfolded(x, training)
        # a = gamma / sqrt(var + eps), b = beta - mean * a, in the weights' dtype as TF does
        a = bn.moving_variance.data + dt.type(bn.epsilon)
        np.sqrt(a, out=a)
        np.divide(dt.type(1), a, out=a)
        if bn.gamma is not None:
            a *= bn.gamma.data
        b = bn.moving_mean.data * a
        b = (bn.beta.data - b) if bn.beta is not None else np.negative(b, out=b)
        if conv.bias is not None:
            b += conv.bias.data * a
        act = self.relu
        out_size = self._out_size(x)
        if kernel.size < out_size:
            if self.depthwise:
                k = kernel * a.reshape(kernel.shape[-2], kernel.shape[-1])
            else:
                k = kernel * a
            y = self._conv(x, k, b, act)
        else:
            y = self._conv(x, kernel, None, None)
            z = y.data
            kernels = fast.kernels() if dt == np.float32 and z.flags.c_contiguous else None
            if kernels is not None:
                low, high = _RELU_LIMITS[act]
                kernels.scale_bias_relu_inplace(z.reshape(-1, z.shape[-1]), a, b, low, high)
                return y if self.act is None or self.relu is not None else self._activate(y)
            z *= a
            z += b
            if act == "relu":
                np.maximum(z, 0, out=z)
            elif act == "relu6":
                np.maximum(z, 0, out=z)
                np.minimum(z, 6, out=z)
        if self.act is not None and self.relu is None:
            y = self._activate(y)
        return y

    def _activate(self, y):
        """The activation layer on the step's own fresh output ``y``; swish in place, in one
        compiled pass (EfficientNet's blocks), when it is float32 and the layer computes in
        float32."""
        z = y.data
        if (self.swish and z.dtype == np.float32 and z.flags.c_contiguous
                and z.size >= fast.MIN_SIZE and self.act.compute_dtype == "float32"):
            kernels = fast.kernels()
            if kernels is not None:
                flat = z.reshape(-1)
                kernels.swish_into(flat, flat, np.float32(dtype_consts(z.dtype)[0]))
                return y
        return self.act.call(y)

    def _out_size(self, x):
        key = x.data.shape
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 64:
                self._sizes.clear()
            shape = key if self.pad is None else self.pad.compute_output_shape(key)
            size = self._sizes[key] = int(np.prod(self.conv.compute_output_shape(shape)))
        return size

    def _conv(self, x, kernel, bias, act):
        conv = self.conv
        fn = depthwise_ops.depthwise_conv if self.depthwise else conv_ops.conv
        return fn(x, kernel, bias, strides=conv.strides, padding=self.padding,
                  dilation_rate=conv.dilation_rate, data_format=conv.data_format,
                  activation=act)

    def __repr__(self):
        head = "" if self.pad is None else f"{self.pad.name} + "
        tail = "" if self.act is None else f" + {self.act.name}"
        return f"<folded {head}{self.conv.name} + {self.bn.name}{tail}>"


def _foldable(conv, bn):
    if type(conv) not in (Conv2D, DepthwiseConv2D) or type(bn) is not BatchNormalization:
        return False
    if conv.data_format != "channels_last" or conv._fused != "linear":
        return False
    if conv.activity_regularizer is not None or bn.activity_regularizer is not None:
        return False
    if bn.axis not in (-1, 3):
        return False
    return conv.dtype == bn.dtype and conv.compute_dtype == conv.dtype


def _pad_foldable(pad, conv):
    """A ZeroPadding2D whose zeros the convolution after it can take as explicit padding."""
    return (pad.data_format == "channels_last" and conv.padding == "valid"
            and pad.dtype == conv.dtype and pad.activity_regularizer is None)


def fold_batch_norm(plan):
    """A plan rewrite pass: (ZeroPadding2D ->) Conv2D/DepthwiseConv2D -> BatchNormalization
    (-> activation layer) chains whose intermediate outputs feed nothing else become one
    ``ConvBatchNorm`` step (training mode), placed where the last of them was."""
    consumers = plan.consumers()
    outputs = set(plan.outputs)

    def only_user(step):
        if len(step.outs) != 1 or step.outs[0] in outputs:
            return None
        users = consumers.get(step.outs[0], [])
        if len(users) != 1:
            return None
        user = users[0]
        if user.mode == PROTOCOL or user.node is None or len(user.ins) != 1:
            return None
        return user

    producer = {}
    for step in plan.steps:
        if (step.node is not None and type(step.node.layer) is ZeroPadding2D
                and step.mode == DIRECT and len(step.ins) == 1 and len(step.outs) == 1):
            producer[step.outs[0]] = step
    replaced, dropped = {}, set()
    for step in plan.steps:
        if step.mode != DIRECT or step.node is None or len(step.ins) != 1:
            continue
        second = only_user(step)
        if second is None or second.mode != DIRECT_TRAINING or not _foldable(
                step.node.layer, second.node.layer):
            continue
        third = only_user(second)
        act = None
        if third is not None and third.mode == DIRECT and type(third.node.layer) in (
                ReLU, Activation) and third.node.layer.dtype == step.node.layer.dtype:
            act = third.node.layer
        pad = producer.get(step.ins[0])
        if pad is not None and (only_user(pad) is not step or not _pad_foldable(
                pad.node.layer, step.node.layer)):
            pad = None
        fused = ConvBatchNorm(step.node.layer, second.node.layer, act,
                              None if pad is None else pad.node.layer)
        last = third if act is not None else second
        dropped.add(id(step))
        if act is not None:
            dropped.add(id(second))
        ins = step.ins
        if pad is not None:
            dropped.add(id(pad))
            ins = pad.ins
        replaced[id(last)] = Step(None, fused.call, DIRECT_TRAINING, ins, last.outs)
    return [replaced.get(id(s), s) for s in plan.steps if id(s) not in dropped]
