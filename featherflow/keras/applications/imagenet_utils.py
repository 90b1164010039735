"""``keras.applications.imagenet_utils``: ImageNet preprocessing and the top-k class decoder.

``preprocess_input(x, data_format=None, mode="caffe")`` as Keras 3.15:

- ``caffe``: RGB -> BGR, then subtract the ImageNet BGR means (103.939, 116.779, 123.68);
- ``tf``: ``x / 127.5 - 1``;
- ``torch``: ``x / 255``, then per channel ``(x - mean) / std`` with the ImageNet RGB statistics.

A float NumPy array is changed in place where Keras changes it (use ``np.copy`` to keep it);
integer arrays become ``floatx()``. Tensors and symbolic inputs (``keras.Input``) give a new
tensor. ``decode_predictions`` reads Keras's ``imagenet_class_index.json``, shipped with
featherflow as package data (``data/imagenet_class_index.json``, Keras's md5), so it never
needs the network.
"""

import json
import os
import warnings

import numpy as np

from featherflow import backend

CLASS_INDEX = None
CLASS_INDEX_PATH = (
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
# the same file as CLASS_INDEX_PATH (same md5), installed with the package
CLASS_INDEX_FILE = os.path.join(os.path.dirname(__file__), "data", "imagenet_class_index.json")

_CAFFE_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)
_MODES = ("caffe", "tf", "torch")


def preprocess_input(x, data_format=None, mode="caffe"):
    """Preprocess a batch (4-D) or one image (3-D) with values in [0, 255].

    Example::

        x = tf.keras.applications.imagenet_utils.preprocess_input(images, mode="torch")
    """
    if mode not in _MODES:
        raise ValueError(
            f"preprocess_input: expected mode to be one of 'caffe', 'tf' or 'torch'. "
            f"Received: mode={mode!r}")
    if data_format is None:
        data_format = backend.image_data_format()
    elif data_format not in ("channels_first", "channels_last"):
        raise ValueError(
            "preprocess_input: expected data_format to be one of 'channels_first' or "
            f"'channels_last'. Received: data_format={data_format!r}")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy(x, data_format, mode)
    return _preprocess_tensor(x, data_format, mode)


def _channel_view(x, data_format, c):
    if data_format == "channels_first":
        return x[c] if x.ndim == 3 else x[:, c]
    return x[..., c]


def _preprocess_numpy(x, data_format, mode):
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(backend.floatx(), copy=False)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == "channels_first":
            x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_MEAN, None
    for c in range(3):
        view = _channel_view(x, data_format, c)
        view -= mean[c]
        if std is not None:
            view /= std[c]
    return x


def _channel_shape(ndim, data_format):
    if data_format == "channels_first":
        return (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    return (1,) * (ndim - 1) + (3,)


def _preprocess_tensor(x, data_format, mode):
    ndim = len(x.shape)
    dtype = np.dtype(getattr(x.dtype, "name", x.dtype))
    if mode == "tf":
        return x / np.asarray(127.5, dtype) - np.asarray(1.0, dtype)
    if mode == "torch":
        x = x / np.asarray(255.0, dtype)
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == "channels_first":
            x = x[::-1] if ndim == 3 else x[:, ::-1]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_MEAN, None
    shape = _channel_shape(ndim, data_format)
    x = x + (-np.asarray(mean)).astype(dtype).reshape(shape)
    if std is not None:
        x = x / np.asarray(std).astype(dtype).reshape(shape)
    return x


def _class_index():
    global CLASS_INDEX
    if CLASS_INDEX is None:
        with open(CLASS_INDEX_FILE, encoding="utf-8") as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """``[[(wnid, name, score), ...] per sample]``: the ``top`` classes, best first.

    Example::

        decode_predictions(model.predict(x), top=3)[0]
        # [('n02504458', 'African_elephant', 0.82), ...]
    """
    preds = np.asarray(preds.numpy() if hasattr(preds, "numpy") else preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            "decode_predictions expects a batch of ImageNet predictions (a 2D array of shape "
            f"(samples, 1000)). Received array with shape: {preds.shape}")
    index = _class_index()
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda r: r[2], reverse=True)
        results.append(result)
    return results


def obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                       weights=None):
    """The model's input shape from the user's one, checked as Keras checks it."""
    channels_first = data_format == "channels_first"
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if channels_first else input_shape[-1]
        if channels not in (1, 3):
            warnings.warn(
                "This model usually expects 1 or 3 input channels. However, it was passed an "
                f"input_shape with {channels} input channels.", stacklevel=3)
        default_shape = ((channels, default_size, default_size) if channels_first
                         else (default_size, default_size, channels))
    else:
        default_shape = ((3, default_size, default_size) if channels_first
                         else (default_size, default_size, 3))
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError(
                "When setting include_top=True and loading 'imagenet' weights, input_shape "
                f"should be {default_shape}. Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        input_shape = tuple(input_shape)
        if len(input_shape) != 3:
            raise ValueError(
                f"input_shape must be a tuple of three integers (height, width, channels); "
                f"received input_shape={input_shape}")
        channels = input_shape[0] if channels_first else input_shape[-1]
        spatial = input_shape[1:] if channels_first else input_shape[:2]
        if channels != 3 and weights == "imagenet":
            raise ValueError(
                f"The input must have 3 channels for 'imagenet' weights; received "
                f"input_shape={input_shape}")
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(
                f"Input size must be at least {min_size}x{min_size}; received "
                f"input_shape={input_shape}")
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if channels_first else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError(
            "If include_top is True, you should specify a static input_shape. Received: "
            f"input_shape={input_shape}")
    return input_shape


def correct_pad(inputs, kernel_size):
    """Zero padding ``((top, bottom), (left, right))`` before a stride-2 'valid' convolution."""
    axis = 2 if backend.image_data_format() == "channels_first" else 1
    size = tuple(inputs.shape[axis:axis + 2])
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return ((correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1]))


def validate_activation(classifier_activation, weights):
    """Pretrained weights allow only ``None`` or ``"softmax"`` on the classifier."""
    if weights is None:
        return
    from featherflow import activations

    act = activations.get(classifier_activation)
    if act not in (activations.get("softmax"), activations.get(None)):
        raise ValueError(
            "Only None and 'softmax' activations are allowed for the classifier_activation "
            f"argument when using pretrained weights, with include_top=True; received "
            f"classifier_activation={classifier_activation!r}")
