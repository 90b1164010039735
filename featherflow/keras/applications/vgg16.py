"""``keras.applications.vgg16``: VGG16 (Simonyan & Zisserman, 2014), caffe preprocessing."""

from featherflow.keras.applications import imagenet_utils
from featherflow.keras.applications.vgg import build_vgg

WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5")
WEIGHTS_PATH_NO_TOP = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                       "vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
WEIGHTS_HASHES = ("64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc")


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """The VGG16 model; ``weights="imagenet"`` loads Keras's published file.

    Example::

        base = tf.keras.applications.VGG16(include_top=False, weights=None,
                                           input_shape=(64, 64, 3))
    """
    files = ((WEIGHTS_PATH.rsplit("/", 1)[1], WEIGHTS_PATH, WEIGHTS_HASHES[0]),
             (WEIGHTS_PATH_NO_TOP.rsplit("/", 1)[1], WEIGHTS_PATH_NO_TOP, WEIGHTS_HASHES[1]))
    return build_vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name, files)


def preprocess_input(x, data_format=None):
    """Caffe preprocessing: RGB -> BGR, ImageNet mean subtracted, no scaling."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
