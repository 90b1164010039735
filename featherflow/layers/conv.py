"""Convolution layers: Conv1D/2D, their transposes, depthwise and separable convolutions.

Weights use Keras 3's names and layouts, so weights copied from Keras give the same outputs:
``kernel (*kernel_size, in // groups, filters)``, transposed ``kernel (*kernel_size, filters,
in)``, depthwise ``kernel (*kernel_size, in, depth_multiplier)``, separable
``depthwise_kernel`` + ``pointwise_kernel (1, ..., in * depth_multiplier, filters)`` + ``bias``.
Each layer is one fused primitive (bias and a simple activation included, see ops/conv.py).
"""

import numpy as np

from featherflow.errors import InvalidArgumentError
from featherflow.layers.layer import Layer
from featherflow.ops import conv as conv_ops
from featherflow.ops import conv_geometry as conv_geometry_ops
from featherflow.ops import conv_transpose as conv_transpose_ops
from featherflow.ops import depthwise_conv as depthwise_conv_ops
from featherflow.ops.activations import FROM_OUTPUT


def _serialize(module, obj):
    return None if obj is None else module.serialize(obj)


def conv_output_length(size, k, padding, stride, dilation=1):
    """Keras's output length of a convolution or pooling along one axis (None stays None)."""
    if size is None:
        return None
    keff = (k - 1) * dilation + 1
    if padding in ("same", "causal"):
        return -(-size // stride)
    return (size - keff) // stride + 1


def _data_format(value, where):
    fmt = "channels_last" if value is None else str(value).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"{where}: data_format must be 'channels_last' or 'channels_first', received "
            f"{value!r}."
        )
    return fmt


def _padding(value, rank, where):
    mode = str(value).lower()
    allowed = ("valid", "same", "causal") if rank == 1 else ("valid", "same")
    if mode not in allowed:
        raise ValueError(f"{where}: padding must be one of {allowed}, received {value!r}.")
    return mode


def _check_filters(filters, where):
    if not isinstance(filters, (int, np.integer)) or isinstance(filters, bool) or filters <= 0:
        raise ValueError(f"{where}: filters must be a positive integer, received {filters!r}.")


class _BaseConv(Layer):
    """Settings shared by every convolution layer (stored and validated as Keras does)."""

    _rank = 2

    def _init_common(self, kernel_size, strides, padding, data_format, dilation_rate,
                     activation, use_bias, bias_initializer, bias_regularizer,
                     activity_regularizer, bias_constraint):
        from featherflow import activations, constraints, initializers, regularizers

        where = f"{type(self).__name__} '{self.name}'"
        self._where = where
        rank = self._rank
        self.kernel_size = conv_geometry_ops.normalize_tuple(kernel_size, rank, "kernel_size",
                                                             where)
        self.strides = conv_geometry_ops.normalize_tuple(strides, rank, "strides", where)
        self.dilation_rate = conv_geometry_ops.normalize_tuple(dilation_rate, rank,
                                                               "dilation_rate", where)
        self.padding = _padding(padding, rank, where)
        self.data_format = _data_format(data_format, where)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.bias_initializer = initializers.get(bias_initializer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.bias_constraint = constraints.get(bias_constraint)
        name = activations.builtin_name(self.activation)
        # softmax fuses over the channels axis, which is the last one only in channels_last
        fusable = name in FROM_OUTPUT and not (
            name == "softmax" and self.data_format == "channels_first")
        self._fused = name if fusable else None
        self.bias = None

    def _channels(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != self._rank + 2:
            raise ValueError(
                f"{self._where}: expected inputs of rank {self._rank + 2} (batch, "
                f"{'steps' if self._rank == 1 else 'height, width'}, channels), received "
                f"input shape {shape}."
            )
        c = shape[1] if self.data_format == "channels_first" else shape[-1]
        if c is None:
            raise ValueError(
                f"{self._where}: the channel dimension of the inputs must be known, received "
                f"input shape {shape}."
            )
        return int(c)

    def _make_bias(self, size):
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(size,),
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def _finish(self, out):
        if self._fused is None:
            out = self.activation(out)
        return out

    def _act(self):
        return None if self._fused in (None, "linear") else self._fused

    def _shape(self, input_shape, channels, lengths):
        batch = input_shape[0]
        if self.data_format == "channels_first":
            return (batch, channels) + tuple(lengths)
        return (batch,) + tuple(lengths) + (channels,)

    def _spatial_in(self, input_shape):
        shape = tuple(input_shape)
        return shape[2:] if self.data_format == "channels_first" else shape[1:-1]

    def _common_config(self):
        from featherflow import activations, regularizers

        return {
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
        }

    def _bias_config(self):
        from featherflow import constraints, initializers, regularizers

        return {
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
        }

    def _out_lengths(self, input_shape):
        """Output lengths of the spatial axes of a (non-transposed) convolution."""
        return [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in zip(
            self._spatial_in(input_shape), self.kernel_size, self.strides, self.dilation_rate)]


class _Conv(_BaseConv):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        self._init_common(kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, bias_initializer, bias_regularizer,
                          activity_regularizer, bias_constraint)
        where = self._where
        _check_filters(filters, where)
        if not isinstance(groups, (int, np.integer)) or groups <= 0 or filters % groups:
            raise ValueError(
                f"{where}: groups must be a positive integer dividing filters ({filters}), "
                f"received groups={groups!r}."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 cannot be combined with dilation_rate > 1 (as in "
                f"Keras); received strides={self.strides}, dilation_rate={self.dilation_rate}."
            )
        self.filters, self.groups = int(filters), int(groups)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.kernel = None

    def build(self, input_shape):
        c = self._channels(input_shape)
        if c == 0:
            raise InvalidArgumentError(
                f"{self._where}: the input has 0 channels (input shape {tuple(input_shape)}); "
                "a convolution needs at least one input channel (filter depth must be strictly "
                "positive)."
            )
        if c % self.groups:
            raise ValueError(
                f"{self._where}: the input's {c} channels must divide into groups={self.groups}."
            )
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (c // self.groups, self.filters),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._make_bias(self.filters)
        self.built = True

    def call(self, inputs):
        out = conv_ops.conv(inputs, self.kernel, self.bias, strides=self.strides,
                            padding=self.padding,
                     dilation_rate=self.dilation_rate, data_format=self.data_format,
                     activation=self._act())
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        return self._shape(input_shape, self.filters, self._out_lengths(input_shape))

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({"filters": self.filters, **self._common_config(), "groups": self.groups,
                    "kernel_initializer": initializers.serialize(self.kernel_initializer),
                    "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
                    "kernel_constraint": _serialize(constraints, self.kernel_constraint),
                    **self._bias_config()})
        return cfg


class Conv1D(_Conv):
    """1D convolution over steps: ``(batch, steps, channels)`` in, ``filters`` channels out.

    ``padding`` may also be ``"causal"`` (output ``t`` sees inputs up to ``t``).

    Example::

        >>> layer = tf.keras.layers.Conv1D(4, 3, padding="causal")
        >>> layer(np.zeros((2, 10, 3))).shape
        TensorShape([2, 10, 4])
    """

    _rank = 1


class Conv2D(_Conv):
    """2D convolution over images ``(batch, height, width, channels)`` (channels_last).

    Example::

        >>> layer = tf.keras.layers.Conv2D(32, 3, activation="relu")
        >>> layer(np.zeros((2, 28, 28, 1))).shape
        TensorShape([2, 26, 26, 32])
    """


class _ConvTranspose(_BaseConv):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        self._init_common(kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, bias_initializer, bias_regularizer,
                          activity_regularizer, bias_constraint)
        where = self._where
        _check_filters(filters, where)
        self.filters = int(filters)
        if output_padding is not None:
            output_padding = conv_geometry_ops.normalize_tuple(output_padding, self._rank,
                                                               "output_padding",
                                               where, minimum=0)
            if any(p >= s for p, s in zip(output_padding, self.strides)):
                raise ValueError(
                    f"{where}: output_padding {output_padding} must be smaller than the strides "
                    f"{self.strides} along every axis."
                )
        self.output_padding = output_padding
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.kernel = None

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (self.filters, c),
            initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint)
        self._make_bias(self.filters)
        self.built = True

    def call(self, inputs):
        out = conv_transpose_ops.conv_transpose(inputs, self.kernel, self.bias,
                                                strides=self.strides,
                               padding=self.padding, output_padding=self.output_padding,
                               dilation_rate=self.dilation_rate, data_format=self.data_format,
                               activation=self._act())
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        ops = self.output_padding or (None,) * self._rank
        lengths = [None if n is None else conv_geometry_ops.transpose_out_length(n, k, s,
                                                                                 self.padding, p, d)
                   for n, k, s, p, d in zip(self._spatial_in(input_shape), self.kernel_size,
                                            self.strides, ops, self.dilation_rate)]
        return self._shape(input_shape, self.filters, lengths)

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({"filters": self.filters, **self._common_config(),
                    "output_padding": self.output_padding,
                    "kernel_initializer": initializers.serialize(self.kernel_initializer),
                    "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
                    "kernel_constraint": _serialize(constraints, self.kernel_constraint),
                    **self._bias_config()})
        return cfg


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1D convolution (the gradient of Conv1D), e.g. to up-sample sequences.

    Example::

        >>> tf.keras.layers.Conv1DTranspose(2, 3, strides=2, padding="same")(
        ...     np.zeros((1, 5, 4))).shape
        TensorShape([1, 10, 2])
    """

    _rank = 1


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2D convolution ("deconvolution"): up-samples feature maps.

    Example::

        >>> tf.keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same")(
        ...     np.zeros((1, 7, 7, 16))).shape
        TensorShape([1, 14, 14, 8])
    """


class _DepthwiseConv(_BaseConv):
    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        self._init_common(kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, bias_initializer, bias_regularizer,
                          activity_regularizer, bias_constraint)
        if not isinstance(depth_multiplier, (int, np.integer)) or depth_multiplier <= 0:
            raise ValueError(
                f"{self._where}: depth_multiplier must be a positive integer, received "
                f"{depth_multiplier!r}."
            )
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.kernel = None

    def build(self, input_shape):
        c = self._channels(input_shape)
        # Keras 3 names the depthwise weight "kernel" (Keras 2 said "depthwise_kernel")
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (c, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self._make_bias(c * self.depth_multiplier)
        self.built = True

    def call(self, inputs):
        out = depthwise_conv_ops.depthwise_conv(inputs, self.kernel, self.bias,
                                                strides=self.strides,
                               padding=self.padding, dilation_rate=self.dilation_rate,
                               data_format=self.data_format, activation=self._act())
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        c = self._channels(input_shape)
        return self._shape(input_shape, c * self.depth_multiplier,
                           self._out_lengths(input_shape))

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({**self._common_config(), "depth_multiplier": self.depth_multiplier,
                    "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                    "depthwise_regularizer": _serialize(regularizers,
                                                        self.depthwise_regularizer),
                    "depthwise_constraint": _serialize(constraints, self.depthwise_constraint),
                    **self._bias_config()})
        return cfg


class DepthwiseConv1D(_DepthwiseConv):
    """Depthwise 1D convolution: each input channel convolved with its own filters.

    Example::

        >>> tf.keras.layers.DepthwiseConv1D(3, depth_multiplier=2)(np.zeros((1, 8, 4))).shape
        TensorShape([1, 6, 8])
    """

    _rank = 1


class DepthwiseConv2D(_DepthwiseConv):
    """Depthwise 2D convolution: ``depth_multiplier`` filters per input channel.

    Example::

        >>> tf.keras.layers.DepthwiseConv2D(3)(np.zeros((1, 8, 8, 4))).shape
        TensorShape([1, 6, 6, 4])
    """


class _SeparableConv(_BaseConv):
    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        from featherflow import constraints, initializers, regularizers

        super().__init__(**kwargs)
        self._init_common(kernel_size, strides, padding, data_format, dilation_rate,
                          activation, use_bias, bias_initializer, bias_regularizer,
                          activity_regularizer, bias_constraint)
        where = self._where
        _check_filters(filters, where)
        if not isinstance(depth_multiplier, (int, np.integer)) or depth_multiplier <= 0:
            raise ValueError(
                f"{where}: depth_multiplier must be a positive integer, received "
                f"{depth_multiplier!r}."
            )
        self.filters, self.depth_multiplier = int(filters), int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.depthwise_kernel = self.pointwise_kernel = None

    def build(self, input_shape):
        c = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (c, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self._rank + (c * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self._make_bias(self.filters)
        self.built = True

    def call(self, inputs):
        out = depthwise_conv_ops.separable_conv(inputs, self.depthwise_kernel,
                                                self.pointwise_kernel, self.bias,
                               strides=self.strides, padding=self.padding,
                               dilation_rate=self.dilation_rate, data_format=self.data_format,
                               activation=self._act())
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        return self._shape(input_shape, self.filters, self._out_lengths(input_shape))

    def get_config(self):
        from featherflow import constraints, initializers, regularizers

        cfg = super().get_config()
        cfg.update({
            "filters": self.filters, **self._common_config(),
            "depth_multiplier": self.depth_multiplier,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "depthwise_regularizer": _serialize(regularizers, self.depthwise_regularizer),
            "pointwise_regularizer": _serialize(regularizers, self.pointwise_regularizer),
            "depthwise_constraint": _serialize(constraints, self.depthwise_constraint),
            "pointwise_constraint": _serialize(constraints, self.pointwise_constraint),
            **self._bias_config(),
        })
        return cfg


class SeparableConv1D(_SeparableConv):
    """Depthwise 1D convolution followed by a pointwise (kernel size 1) convolution.

    Example::

        >>> tf.keras.layers.SeparableConv1D(4, 3)(np.zeros((1, 8, 2))).shape
        TensorShape([1, 6, 4])
    """

    _rank = 1


class SeparableConv2D(_SeparableConv):
    """Depthwise 2D convolution followed by a 1x1 convolution mixing the channels.

    Example::

        >>> tf.keras.layers.SeparableConv2D(16, 3, padding="same")(np.zeros((1, 8, 8, 3))).shape
        TensorShape([1, 8, 8, 16])
    """


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
