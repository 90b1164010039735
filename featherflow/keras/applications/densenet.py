"""``keras.applications.densenet``: DenseNet121/169/201 (Huang et al., 2017) with Keras's layer
names (``conv4_block24_concat``, ``pool3_conv``) and epsilons; preprocessing is mode "torch"
(``x / 255`` then the ImageNet mean and std per channel). channels_last only, as in Keras."""

from featherflow import backend, layers
from featherflow.keras.applications import builder, imagenet_utils

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
# blocks per dense stage -> (weights name, md5 of the include_top file, md5 of the no-top file)
WEIGHTS = {
    (6, 12, 24, 16): ("densenet121", "9d60b8095a5708f2dcce2bca79d332c7",
                      "30ee3e1110167f948a6b9946edeeb738"),
    (6, 12, 32, 32): ("densenet169", "d699b8f76981ab1b30698df4c175e90b",
                      "b8c4d4c20dd625c148057b9ff1c1176b"),
    (6, 12, 48, 32): ("densenet201", "1ceb130c1ea1b78c3bf6114dbdfd8807",
                      "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
_EPS = 1.001e-5
_GROWTH = 32


def _bn(name):
    return layers.BatchNormalization(axis=3, epsilon=_EPS, name=name)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 (4 x growth) -> BN-ReLU-3x3 (growth), concatenated onto the input."""
    y = _bn(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _bn(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name):
    for i in range(1, blocks + 1):
        x = conv_block(x, _GROWTH, name=f"{name}_block{i}")
    return x


def transition_block(x, reduction, name):
    """BN-ReLU-1x1 conv to ``reduction`` x the channels, then 2x2 average pooling."""
    x = _bn(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="densenet"):
    """The DenseNet body for ``blocks`` building blocks in each of the four dense stages."""
    if backend.image_data_format() == "channels_first":
        raise ValueError(
            f"{name}: DenseNet does not support the 'channels_first' image data format (as in "
            "Keras); call tf.keras.backend.set_image_data_format('channels_last').")
    blocks = tuple(int(b) for b in blocks)
    builder.check_weights(weights, include_top, classes, name)
    if weights == "imagenet" and blocks not in WEIGHTS:
        raise ValueError(
            f"{name}: ImageNet weights are published only for blocks (6, 12, 24, 16), "
            f"(6, 12, 32, 32) and (6, 12, 48, 32); received blocks={blocks}")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=224, min_size=32, data_format=backend.image_data_format(),
        require_flatten=include_top, weights=weights)
    img_input = builder.image_input(input_tensor, input_shape, name)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, n in enumerate(blocks, start=2):
        x = dense_block(x, n, name=f"conv{stage}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = _bn("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    x = builder.pooled(x, include_top, pooling, avg_name="avg_pool", max_name="max_pool")
    model = builder.functional(input_tensor, img_input, x, name)
    if weights == "imagenet":
        weights_name, top_hash, notop_hash = WEIGHTS[blocks]
        suffix = "" if include_top else "_notop"
        file_name = f"{weights_name}_weights_tf_dim_ordering_tf_kernels{suffix}.h5"
        return builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                    top_hash if include_top else notop_hash)
    return builder.load_weights(model, weights)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    """DenseNet121 (dense blocks 6-12-24-16); torch preprocessing
    (``densenet.preprocess_input``).

    Example::

        base = tf.keras.applications.DenseNet121(include_top=False, weights="imagenet")
        features = tf.keras.Model(base.input, base.get_layer("pool3_relu").output)
    """
    return DenseNet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    """DenseNet169 (dense blocks 6-12-32-32); torch preprocessing."""
    return DenseNet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    """DenseNet201 (dense blocks 6-12-48-32); torch preprocessing."""
    return DenseNet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape, pooling,
                    classes, classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """Torch preprocessing: ``x / 255``, then ``(x - mean) / std`` per channel with the ImageNet
    RGB statistics."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
