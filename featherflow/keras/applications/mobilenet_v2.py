"""``keras.applications.mobilenet_v2``: MobileNetV2 (Sandler et al., 2018), width ``alpha``;
inverted residual blocks ``block_{i}_expand/depthwise/project``; mode "tf" preprocessing."""

import warnings

from featherflow import backend, layers
from featherflow.keras.applications import builder, imagenet_utils
from featherflow.utils.keras_tensors import is_keras_tensor

BASE_WEIGHT_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                    "mobilenet_v2/")
_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
           (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6),
           (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _spatial(shape):
    if backend.image_data_format() == "channels_first":
        return shape[-2], shape[-1]
    return shape[-3], shape[-2]


def _default_size(input_shape, input_tensor):
    if input_shape is None and input_tensor is not None and is_keras_tensor(input_tensor):
        rows, cols = _spatial(tuple(input_tensor.shape))
    elif input_shape is not None:
        rows, cols = _spatial(tuple(input_shape))
    else:
        return 224
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=None):
    """MobileNetV2; the default name is ``mobilenetv2_{alpha:.2f}_{rows}``.

    Example::

        base = tf.keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35,
                                                 include_top=False, weights="imagenet")
        base.trainable = False
    """
    builder.check_weights(weights, include_top, classes, "MobileNetV2")
    if input_tensor is not None and not is_keras_tensor(input_tensor):
        builder.image_input(input_tensor, input_shape, "MobileNetV2")  # raises the clear error
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=_default_size(input_shape, input_tensor), min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = _spatial(input_shape)
    if weights == "imagenet":
        if alpha not in _ALPHAS:
            raise ValueError(
                "MobileNetV2: if imagenet weights are being loaded, alpha must be one of 0.35, "
                f"0.50, 0.75, 1.0, 1.3 or 1.4 only; received alpha={alpha}")
        if rows != cols or rows not in _SIZES:
            rows = 224
            warnings.warn(
                "input_shape is undefined or non-square, or rows is not in [96, 128, 160, 192, "
                "224]. Weights for input shape (224, 224) will be loaded as the default.",
                stacklevel=2)
    img_input = builder.image_input(input_tensor, input_shape, "MobileNetV2")
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                      padding="same", use_bias=False, name="Conv1")(img_input)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion=expansion, stride=stride, alpha=alpha,
                                filters=filters, block_id=block_id)
    last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name="Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = builder.pooled(x, include_top, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    model = builder.functional(input_tensor, img_input, x, name)
    if weights == "imagenet":
        tail = f"_{float(alpha)}_{rows}.h5" if include_top else f"_{float(alpha)}_{rows}_no_top.h5"
        file_name = "mobilenet_v2_weights_tf_dim_ordering_tf_kernels" + tail
        # Keras publishes no hash for the MobileNetV2 files
        return builder.load_weights(model, weights, file_name, BASE_WEIGHT_PATH + file_name)
    return builder.load_weights(model, weights)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    axis = 1 if backend.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[axis]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same",
                          use_bias=False, activation=None, name=f"{prefix}expand")(x)
        x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                      name=f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3),
                                 name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
                      activation=None, name=f"{prefix}project")(x)
    x = layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999,
                                  name=f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _make_divisible(v, divisor, min_value=None):
    """The channel count rounded to a multiple of ``divisor``, never below 90% of ``v``."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def preprocess_input(x, data_format=None):
    """Scales pixels to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
