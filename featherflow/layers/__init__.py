"""Layers, as ``keras.layers``.

The core families load with the package; the preprocessing, attention and activation layers
load on first use (``_LAZY``), so ``import featherflow`` does not pay for them.
"""

import importlib
import importlib.util

from featherflow.layers.conv import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from featherflow.layers.core import (
    Activation,
    Dense,
    Dropout,
    Flatten,
    Identity,
    Lambda,
    Permute,
    RepeatVector,
    Reshape,
)
from featherflow.layers.embedding import Embedding, Masking
from featherflow.layers.input_layer import Input, InputLayer
from featherflow.layers.layer import Layer
from featherflow.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from featherflow.layers.noise import (
    GaussianDropout,
    GaussianNoise,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
)
from featherflow.layers.normalization import BatchNormalization, LayerNormalization
from featherflow.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
    MaxPooling2D,
)
from featherflow.layers.reshaping import (
    Cropping1D,
    Cropping2D,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
)
from featherflow.layers.rnn import (
    GRU,
    LSTM,
    RNN,
    Bidirectional,
    GRUCell,
    LSTMCell,
    SimpleRNN,
    SimpleRNNCell,
    StackedRNNCells,
    TimeDistributed,
)
from featherflow.serialization import layer_config, serialize_keras_object

# Keras aliases
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D


def serialize(layer):
    """The Keras 3 config dict of a layer (``deserialize`` rebuilds it)."""
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer a Keras 2 or Keras 3 config dict describes."""
    return layer_config.layer_from_dict(config, custom_objects)


# public name -> module that defines it (loaded on first attribute access)
_LAZY_MODULES = {
    "featherflow.layers.activations": ("ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"),
    "featherflow.layers.einsum_dense": ("EinsumDense",),
    "featherflow.layers.attention.multi_head_attention": ("MultiHeadAttention",),
    "featherflow.layers.attention.attention": ("Attention",),
    "featherflow.layers.attention.additive_attention": ("AdditiveAttention",),
    "featherflow.layers.preprocessing.normalization": ("Normalization",),
    "featherflow.layers.preprocessing.image_preprocessing": ("CenterCrop", "Rescaling",
                                                            "Resizing"),
    "featherflow.layers.preprocessing.category_encoding": ("CategoryEncoding",),
    "featherflow.layers.preprocessing.discretization": ("Discretization",),
    "featherflow.layers.preprocessing.augmentation": (
        "RandomBrightness", "RandomContrast", "RandomCrop", "RandomFlip", "RandomRotation",
        "RandomTranslation", "RandomZoom"),
    "featherflow.layers.preprocessing.text_vectorization": ("TextVectorization",),
    "featherflow.layers.preprocessing.string_lookup": ("StringLookup",),
    "featherflow.layers.preprocessing.integer_lookup": ("IntegerLookup",),
    "featherflow.layers.preprocessing.hashing": ("Hashing",),
    "featherflow.layers.preprocessing.hashed_crossing": ("HashedCrossing",),
    "featherflow.layers.conv3d": ("Conv3D", "Conv3DTranspose", "Convolution3D",
                                  "Convolution3DTranspose"),
    "featherflow.layers.pooling3d": ("AveragePooling3D", "AvgPool3D", "GlobalAveragePooling3D",
                                     "GlobalAvgPool3D", "GlobalMaxPool3D",
                                     "GlobalMaxPooling3D", "MaxPool3D", "MaxPooling3D"),
    "featherflow.layers.reshaping3d": ("Cropping3D", "UpSampling3D", "ZeroPadding3D"),
    "featherflow.layers.normalization_extra": ("GroupNormalization", "RMSNormalization",
                                               "SpectralNormalization", "UnitNormalization"),
    "featherflow.layers.regularization": ("ActivityRegularization", "AlphaDropout"),
    "featherflow.layers.wrapper": ("Wrapper",),
    "featherflow.layers.rnn.conv_lstm": ("ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"),
    "featherflow.layers.pooling_adaptive": (
        "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
        "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"),
    "featherflow.layers.preprocessing.augmentation_color": (
        "AutoContrast", "ContrastLimitedAdaptiveHistogramEqualization", "Equalization",
        "RandomColorDegeneration", "RandomColorJitter", "RandomGrayscale", "RandomHue",
        "RandomInvert", "RandomPosterization", "RandomSaturation", "RandomSharpness",
        "Solarization"),
    "featherflow.layers.preprocessing.augmentation_geometric": (
        "MaxNumBoundingBoxes", "RandomElasticTransform", "RandomErasing", "RandomGaussianBlur",
        "RandomPerspective", "RandomShear"),
    "featherflow.layers.preprocessing.augmentation_mix": ("AugMix", "CutMix", "MixUp",
                                                          "RandAugment"),
    "featherflow.layers.preprocessing.pipeline": ("Pipeline",),
    "featherflow.layers.preprocessing.audio": ("MelSpectrogram", "STFTSpectrogram"),
    "featherflow.layers.attention.grouped_query_attention": ("GroupQueryAttention",),
    "featherflow.layers.reversible_embedding": ("ReversibleEmbedding",),
    "featherflow.layers.input_spec": ("InputSpec",),
}
_LAZY = {name: module for module, names in _LAZY_MODULES.items() for name in names}


def _module_exists(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None or not _module_exists(module):
        raise AttributeError(f"module 'featherflow.layers' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def _defines(module, name):
    try:
        return hasattr(importlib.import_module(module), name)
    except Exception:  # a broken optional module must not break dir()
        return False


def __dir__():
    # a registered name is listed once its module exists and defines it (dir() imports the
    # lazy modules; attribute access alone stays lazy)
    return sorted(set(globals()) | {n for n, m in _LAZY.items()
                                    if _module_exists(m) and _defines(m, n)})
