"""``tf.keras.applications``: Keras's ImageNet architectures with Keras's layer names, loading
Keras's published weight files (``weights="imagenet"`` or a path to a Keras 2 ``.h5`` file).

Each family lives in its own module (``tf.keras.applications.resnet_v2``...) with its
constructors, ``preprocess_input`` and ``decode_predictions``. The family modules and the names
they export are listed once in ``_FAMILIES`` below (Keras 3's list); a family is imported when
one of its names is first used, and a family whose module is not written yet is absent (an
AttributeError that says so). docs/applications.md lists what is built.
"""

import importlib
import os

# family module -> the constructors it exports at ``tf.keras.applications.<Name>``
_FAMILIES = {
    "convnext": ("ConvNeXtTiny", "ConvNeXtSmall", "ConvNeXtBase", "ConvNeXtLarge",
                 "ConvNeXtXLarge"),
    "densenet": ("DenseNet121", "DenseNet169", "DenseNet201"),
    "efficientnet": tuple(f"EfficientNetB{i}" for i in range(8)),
    "efficientnet_v2": ("EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
                        "EfficientNetV2B3", "EfficientNetV2S", "EfficientNetV2M",
                        "EfficientNetV2L"),
    "imagenet_utils": (),
    "inception_resnet_v2": ("InceptionResNetV2",),
    "inception_v3": ("InceptionV3",),
    "mobilenet": ("MobileNet",),
    "mobilenet_v2": ("MobileNetV2",),
    "mobilenet_v3": ("MobileNetV3Small", "MobileNetV3Large"),
    "nasnet": ("NASNetMobile", "NASNetLarge"),
    "resnet": ("ResNet50", "ResNet101", "ResNet152"),
    "resnet50": (),
    "resnet_v2": ("ResNet50V2", "ResNet101V2", "ResNet152V2"),
    "vgg16": ("VGG16",),
    "vgg19": ("VGG19",),
    "xception": ("Xception",),
}
_HERE = os.path.dirname(__file__)


def _written(family):
    return os.path.exists(os.path.join(_HERE, family + ".py"))


_OWNER = {name: family for family, names in _FAMILIES.items() for name in names}
__all__ = sorted(n for f, names in _FAMILIES.items() if _written(f) for n in (f,) + names)


def __getattr__(name):
    family = name if name in _FAMILIES else _OWNER.get(name)
    if family is None or not _written(family):
        if family is not None:
            raise AttributeError(
                f"tf.keras.applications.{name} is not built in featherflow yet (its family "
                f"module '{family}' is missing); docs/applications.md lists the families that "
                "are")
        raise AttributeError(f"module 'featherflow.keras.applications' has no attribute "
                             f"'{name}'")
    module = importlib.import_module(f"featherflow.keras.applications.{family}")
    value = module if name == family else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))

