"""``keras.applications.resnet50``: the ResNet50 names under their Keras 2 module."""

from featherflow.keras.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
