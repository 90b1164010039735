"""3-D convolution layers: Conv3D and Conv3DTranspose (aliases Convolution3D[Transpose]).

Keras 3's arguments, defaults, weight names and layouts: ``kernel (kd, kh, kw, in // groups,
filters)`` for Conv3D, ``kernel (kd, kh, kw, filters, in)`` for Conv3DTranspose, then ``bias
(filters,)``. Each call is one fused primitive of ops/conv3d.py (bias and a simple activation
included).
"""

from featherflow.layers.conv import _Conv, _ConvTranspose
from featherflow.ops import conv3d as conv3d_ops


class _Rank3:
    """What the 3-D convolutions share: the 5-D input check (errors name the layer)."""

    _rank = 3

    def _channels(self, input_shape):
        shape = tuple(input_shape)
        if len(shape) != 5:
            layout = "(batch, channels, depth, height, width)" if \
                self.data_format == "channels_first" else \
                "(batch, depth, height, width, channels)"
            raise ValueError(
                f"{self._where}: expected 5-D inputs {layout}, received input shape {shape}."
            )
        return super()._channels(shape)


class Conv3D(_Rank3, _Conv):
    """3-D convolution over volumes ``(batch, depth, height, width, channels)``.

    Example::

        >>> layer = tf.keras.layers.Conv3D(8, 3, activation="relu")
        >>> layer(np.zeros((2, 16, 16, 16, 4))).shape
        TensorShape([2, 14, 14, 14, 8])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups,
                         activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)

    def build(self, input_shape):
        c = self._channels(input_shape)
        if c % self.groups:
            raise ValueError(
                f"{self._where}: the input's {c} channels must divide into groups="
                f"{self.groups} (input shape {tuple(input_shape)}); use a number of groups "
                f"that divides both the input channels and filters={self.filters}."
            )
        self._check_window(input_shape)
        super().build(input_shape)

    def _check_window(self, input_shape):
        if self.padding != "valid":
            return
        sizes = tuple(self._spatial_in(input_shape))
        window = tuple((k - 1) * d + 1 for k, d in zip(self.kernel_size, self.dilation_rate))
        if any(n is not None and n < k for n, k in zip(sizes, window)):
            raise ValueError(
                f"{self._where}: the input's spatial size {sizes} is smaller than the "
                f"(dilated) kernel {window} with padding='valid', so the output would be "
                f"empty. Use padding='same', a smaller kernel_size or a larger input."
            )

    def call(self, inputs):
        out = conv3d_ops.convolution3d(inputs, self.kernel, self.bias, strides=self.strides,
                                       padding=self.padding,
                                       dilation_rate=self.dilation_rate,
                                       data_format=self.data_format, activation=self._act(),
                                       where=self._where)
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        self._check_window(input_shape)
        return super().compute_output_shape(input_shape)


class Conv3DTranspose(_Rank3, _ConvTranspose):
    """Transposed 3-D convolution: up-samples volumes (the gradient of Conv3D).

    Example::

        >>> tf.keras.layers.Conv3DTranspose(4, 3, strides=2, padding="same")(
        ...     np.zeros((1, 4, 4, 4, 8))).shape
        TensorShape([1, 8, 8, 8, 4])
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, output_padding=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)

    def call(self, inputs):
        out = conv3d_ops.convolution3d_transpose(
            inputs, self.kernel, self.bias, strides=self.strides, padding=self.padding,
            output_padding=self.output_padding, dilation_rate=self.dilation_rate,
            data_format=self.data_format, activation=self._act(), where=self._where)
        return self._finish(out)

    def compute_output_shape(self, input_shape):
        self._channels(input_shape)
        return super().compute_output_shape(input_shape)


Convolution3D = Conv3D
Convolution3DTranspose = Conv3DTranspose
