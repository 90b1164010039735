"""``tf.keras.applications``: Keras's ImageNet architectures with Keras's layer names, loading
Keras's published weight files (``weights="imagenet"`` or a path to a Keras 2 ``.h5`` file).

Families so far: VGG16, VGG19, ResNet50/101/152, ResNet50V2/101V2/152V2, MobileNet,
MobileNetV2; each family module (``tf.keras.applications.resnet_v2``...) also has its
``preprocess_input`` and ``decode_predictions``. docs/applications.md lists what is missing.
"""

import importlib
import sys

from featherflow.keras.applications import (  # noqa: F401
    imagenet_utils,
    mobilenet,
    mobilenet_v2,
    resnet,
    resnet50,
    resnet_v2,
    vgg16,
    vgg19,
)
from featherflow.keras.applications.mobilenet import MobileNet
from featherflow.keras.applications.mobilenet_v2 import MobileNetV2
from featherflow.keras.applications.resnet import ResNet50, ResNet101, ResNet152
from featherflow.keras.applications.resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
from featherflow.keras.applications.vgg16 import VGG16
from featherflow.keras.applications.vgg19 import VGG19

__all__ = [
    "MobileNet", "MobileNetV2", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2",
    "ResNet101V2", "ResNet152V2", "VGG16", "VGG19", "imagenet_utils", "mobilenet",
    "mobilenet_v2", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19",
]

# ``import featherflow.keras.applications.vgg16`` and the tf.keras spelling both resolve here
for _name in ("imagenet_utils", "mobilenet", "mobilenet_v2", "resnet", "resnet50",
              "resnet_v2", "vgg16", "vgg19"):
    sys.modules.setdefault(f"featherflow.keras.applications.{_name}",
                           importlib.import_module(f"featherflow.keras.applications.{_name}"))
del _name
