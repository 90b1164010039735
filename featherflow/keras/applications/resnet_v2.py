"""``keras.applications.resnet_v2``: ResNet50V2/101V2/152V2 (He et al., 2016, pre-activation);
preprocessing scales to [-1, 1] (mode "tf")."""

from featherflow.keras.applications import imagenet_utils
from featherflow.keras.applications.resnet import ResNet, stack_residual_blocks_v2


def _v2(blocks, name, weights_name, kwargs):
    def stack_fn(x):
        x = stack_residual_blocks_v2(x, 64, blocks[0], name="conv2")
        x = stack_residual_blocks_v2(x, 128, blocks[1], name="conv3")
        x = stack_residual_blocks_v2(x, 256, blocks[2], name="conv4")
        return stack_residual_blocks_v2(x, 512, blocks[3], stride1=1, name="conv5")

    return ResNet(stack_fn, True, True, name=name, weights_name=weights_name, **kwargs)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2 (blocks 3-4-6-3).

    Example::

        model = tf.keras.applications.ResNet50V2(weights=None, classes=10,
                                                 input_shape=(64, 64, 3))
    """
    return _v2((3, 4, 6, 3), name, "resnet50v2", dict(
        include_top=include_top, weights=weights, input_tensor=input_tensor,
        input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation))


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    """ResNet101V2 (blocks 3-4-23-3)."""
    return _v2((3, 4, 23, 3), name, "resnet101v2", dict(
        include_top=include_top, weights=weights, input_tensor=input_tensor,
        input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation))


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    """ResNet152V2 (blocks 3-8-36-3)."""
    return _v2((3, 8, 36, 3), name, "resnet152v2", dict(
        include_top=include_top, weights=weights, input_tensor=input_tensor,
        input_shape=input_shape, pooling=pooling, classes=classes,
        classifier_activation=classifier_activation))


def preprocess_input(x, data_format=None):
    """Scales pixels to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
