"""``keras.applications.xception``: Xception (Chollet, 2017), depthwise-separable convolutions
with residual connections, Keras's layer names (``block13_sepconv2_bn``); default input 299x299,
at least 71x71; preprocessing scales to [-1, 1] (mode "tf")."""

from featherflow import backend, layers
from featherflow.keras.applications import builder, imagenet_utils

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                "xception/xception_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                       "xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5")
# md5 of the include_top file, of the no-top file (Keras's values)
WEIGHTS_HASHES = ("0a58e3b7378bc2990ea3b43d5981f1f6", "b0042744bf5b25fce3cb969f33bebb97")


def _channel_axis():
    return 1 if backend.image_data_format() == "channels_first" else -1


def _bn(name=None):
    return layers.BatchNormalization(axis=_channel_axis(), name=name)


def _sepconv_bn(x, filters, name):
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return _bn(f"{name}_bn")(x)


def _shortcut(x, filters):
    """The strided 1x1 projection of an entry/exit block (unnamed layers, as in Keras)."""
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding="same",
                             use_bias=False)(x)
    return _bn()(residual)


def _downsampling_block(x, filters, block, first_relu=True):
    """[ReLU] sepconv-BN, ReLU sepconv-BN, 3x3/2 max pool, plus the projected shortcut."""
    residual = _shortcut(x, filters[1])
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _sepconv_bn(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same",
                            name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Xception; ``weights="imagenet"`` loads Keras's published file.

    Example::

        base = tf.keras.applications.Xception(include_top=False, weights="imagenet",
                                              input_shape=(150, 150, 3))
        x = tf.keras.applications.xception.preprocess_input(images)   # [0, 255] -> [-1, 1]
    """
    builder.check_weights(weights, include_top, classes, name)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=299, min_size=71, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = builder.image_input(input_tensor, input_shape, name)
    # entry flow
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = _bn("block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = _bn("block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _downsampling_block(x, (128, 128), 2, first_relu=False)
    x = _downsampling_block(x, (256, 256), 3)
    x = _downsampling_block(x, (728, 728), 4)
    # middle flow: eight residual blocks of three ReLU-sepconv-BN
    for block in range(5, 13):
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])
    # exit flow
    x = _downsampling_block(x, (728, 1024), 13)
    x = _sepconv_bn(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _sepconv_bn(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = builder.pooled(x, include_top, pooling)
    model = builder.functional(input_tensor, img_input, x, name)
    if weights == "imagenet":
        origin = WEIGHTS_PATH if include_top else WEIGHTS_PATH_NO_TOP
        return builder.load_weights(model, weights, origin.rsplit("/", 1)[1], origin,
                                    WEIGHTS_HASHES[0 if include_top else 1])
    return builder.load_weights(model, weights)


def preprocess_input(x, data_format=None):
    """Scales pixels to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
