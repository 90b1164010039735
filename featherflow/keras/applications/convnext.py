"""``keras.applications.convnext``: ConvNeXtTiny/Small/Base/Large/XLarge (Liu et al., 2022),
channels_last only, with Keras's layer names (``convnext_tiny_stage_2_block_8_layer_scale``)
and Keras's two custom layers, ``LayerScale`` and ``StochasticDepth`` (same class names and
config keys, so models saved by Keras name them the same way).

The stem and the three downsampling steps are nested ``Sequential`` models, as in Keras. The
preprocessing is inside the model (a ``Normalization`` with the ImageNet mean and variance in
[0, 255] units) unless ``include_preprocessing=False``; ``preprocess_input`` returns its input
unchanged, as Keras's does.
"""

import numpy as np

from featherflow import backend, initializers, layers
from featherflow.keras.applications import builder, imagenet_utils
from featherflow.layers.layer import Layer

BASE_WEIGHTS_PATH = "https://storage.googleapis.com/tensorflow/keras-applications/convnext/"
# weights name -> (sha256 of the include_top file, sha256 of the no-top file), Keras's values
WEIGHTS_HASHES = {
    "convnext_tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
                      "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "convnext_small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
                       "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "convnext_base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
                      "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "convnext_large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
                       "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "convnext_xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
                        "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
MODEL_CONFIGS = {
    "tiny": {"depths": [3, 3, 9, 3], "projection_dims": [96, 192, 384, 768],
             "default_size": 224},
    "small": {"depths": [3, 3, 27, 3], "projection_dims": [96, 192, 384, 768],
              "default_size": 224},
    "base": {"depths": [3, 3, 27, 3], "projection_dims": [128, 256, 512, 1024],
             "default_size": 224},
    "large": {"depths": [3, 3, 27, 3], "projection_dims": [192, 384, 768, 1536],
              "default_size": 224},
    "xlarge": {"depths": [3, 3, 27, 3], "projection_dims": [256, 512, 1024, 2048],
               "default_size": 224},
}


class StochasticDepth(Layer):
    """Drops whole samples of a residual branch with probability ``drop_path_rate`` in
    training (scaling the kept ones by ``1 / (1 - rate)``); the identity at inference."""

    def __init__(self, drop_path_rate, **kwargs):
        super().__init__(**kwargs)
        self.drop_path_rate = drop_path_rate

    def call(self, x, training=None):
        if not training:
            return x
        import featherflow as tf

        keep_prob = 1.0 - self.drop_path_rate
        shape = tf.concat([tf.shape(x)[:1], tf.ones([len(x.shape) - 1], "int32")], 0)
        random_tensor = tf.floor(keep_prob + tf.random.uniform(shape, 0, 1, dtype=x.dtype))
        return (x / keep_prob) * random_tensor

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"drop_path_rate": self.drop_path_rate})
        return config


class LayerScale(Layer):
    """Multiplies the last axis by a learned per-channel ``gamma`` (``projection_dim`` values,
    starting at ``init_values``)."""

    def __init__(self, init_values, projection_dim, **kwargs):
        super().__init__(**kwargs)
        self.init_values = init_values
        self.projection_dim = projection_dim

    def build(self, _):
        self.gamma = self.add_weight(shape=(self.projection_dim,),
                                     initializer=initializers.Constant(self.init_values),
                                     trainable=True)
        self.built = True

    def call(self, x):
        return x * self.gamma

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = super().get_config()
        config.update({"init_values": self.init_values, "projection_dim": self.projection_dim})
        return config


def ConvNeXtBlock(projection_dim, drop_path_rate=0.0, layer_scale_init_value=1e-6, name=None):
    """Depthwise 7x7, LayerNormalization, Dense x4 + GELU, Dense, LayerScale, residual."""
    if name is None:
        name = f"prestem{backend.get_uid('prestem')}"

    def apply(inputs):
        x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same",
                          groups=projection_dim, name=f"{name}_depthwise_conv")(inputs)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_layernorm")(x)
        x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
        x = layers.Activation("gelu", name=f"{name}_gelu")(x)
        x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
        if layer_scale_init_value is not None:
            x = LayerScale(layer_scale_init_value, projection_dim,
                           name=f"{name}_layer_scale")(x)
        if drop_path_rate:
            layer = StochasticDepth(drop_path_rate, name=f"{name}_stochastic_depth")
        else:
            layer = layers.Activation("linear", name=f"{name}_identity")
        return inputs + layer(x)  # an operation, not a layer, as in Keras

    return apply


def PreStem(name=None):
    """The ImageNet mean/variance normalization of pixels in [0, 255]."""
    if name is None:
        name = f"prestem{backend.get_uid('prestem')}"

    def apply(x):
        return layers.Normalization(
            mean=[0.485 * 255, 0.456 * 255, 0.406 * 255],
            variance=[(0.229 * 255) ** 2, (0.224 * 255) ** 2, (0.225 * 255) ** 2],
            name=f"{name}_prestem_normalization")(x)

    return apply


def Head(num_classes=1000, classifier_activation=None, name=None):
    """Global average pooling, LayerNormalization, the Dense classifier."""
    if name is None:
        name = str(backend.get_uid("head"))

    def apply(x):
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=1e-6, name=f"{name}_head_layernorm")(x)
        return layers.Dense(num_classes, activation=classifier_activation,
                            name=f"{name}_head_dense")(x)

    return apply


def ConvNeXt(depths, projection_dims, drop_path_rate=0.0, layer_scale_init_value=1e-6,
             default_size=224, name="convnext", include_preprocessing=True, include_top=True,
             weights=None, input_tensor=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", weights_name=None):
    """The ConvNeXt body: four stages of ``depths[i]`` blocks of width ``projection_dims[i]``."""
    from featherflow.models import Sequential

    if backend.image_data_format() == "channels_first":
        raise ValueError(
            "ConvNeXt does not support the `channels_first` image data format. Switch to "
            "`channels_last` (tf.keras.backend.set_image_data_format('channels_last')).")
    builder.check_weights(weights, include_top, classes, name)
    if weights == "imagenet":
        variant = (weights_name or "").split("convnext_")[-1]
        expected = MODEL_CONFIGS.get(variant)
        if expected is None:
            raise ValueError(f"{name}: no ImageNet weights are published for "
                             f"weights_name={weights_name!r}")
        if (list(depths) != expected["depths"]
                or list(projection_dims) != expected["projection_dims"]):
            raise ValueError(
                f"Architecture configuration does not match {weights_name} variant. When "
                "using pre-trained weights, the model architecture must match the pre-trained "
                f"configuration exactly. Expected depths: {expected['depths']}, got: "
                f"{list(depths)}. Expected projection_dims: {expected['projection_dims']}, "
                f"got: {list(projection_dims)}.")
        if weights_name not in name:
            raise ValueError(
                f'Model name "{name}" does not match weights variant "{weights_name}". When '
                "using imagenet weights, model name must contain the weights variant (e.g., "
                f'"convnext_{variant}").')
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    if not include_top and pooling not in (None, "avg", "max"):
        raise ValueError(
            f"{name}: pooling should be None, 'avg' or 'max'; received pooling={pooling!r}")
    img_input = builder.image_input(input_tensor, input_shape, name)
    x = img_input
    if include_preprocessing and input_shape[-1] == 3:
        x = PreStem(name=name)(x)

    stem = Sequential([
        layers.Conv2D(projection_dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
        layers.LayerNormalization(epsilon=1e-6, name=f"{name}_stem_layernorm"),
    ], name=f"{name}_stem")
    downsample_layers = [stem]
    for i in range(3):
        downsample_layers.append(Sequential([
            layers.LayerNormalization(epsilon=1e-6, name=f"{name}_downsampling_layernorm_{i}"),
            layers.Conv2D(projection_dims[i + 1], kernel_size=2, strides=2,
                          name=f"{name}_downsampling_conv_{i}"),
        ], name=f"{name}_downsampling_block_{i}"))

    depth_drop_rates = [float(r) for r in np.linspace(0.0, drop_path_rate, sum(depths))]
    cur = 0
    for i in range(4):
        x = downsample_layers[i](x)
        for j in range(depths[i]):
            x = ConvNeXtBlock(projection_dim=projection_dims[i],
                              drop_path_rate=depth_drop_rates[cur + j],
                              layer_scale_init_value=layer_scale_init_value,
                              name=f"{name}_stage_{i}_block_{j}")(x)
        cur += depths[i]

    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = Head(num_classes=classes, classifier_activation=classifier_activation,
                 name=name)(x)
    else:
        x = builder.pooled(x, include_top, pooling)
        x = layers.LayerNormalization(epsilon=1e-6)(x)
    model = builder.functional(input_tensor, img_input, x, name)
    if weights == "imagenet":
        file_name = name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                    file_hash)
    return builder.load_weights(model, weights)


def _constructor(variant):
    config = MODEL_CONFIGS[variant]
    label = "ConvNeXt" + {"xlarge": "XLarge"}.get(variant, variant.capitalize())

    def build(include_top=True, include_preprocessing=True, weights="imagenet",
              input_tensor=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=f"convnext_{variant}"):
        return ConvNeXt(weights_name=f"convnext_{variant}", depths=config["depths"],
                        projection_dims=config["projection_dims"], drop_path_rate=0.0,
                        layer_scale_init_value=1e-6, default_size=config["default_size"],
                        name=name, include_top=include_top,
                        include_preprocessing=include_preprocessing, weights=weights,
                        input_tensor=input_tensor, input_shape=input_shape, pooling=pooling,
                        classes=classes, classifier_activation=classifier_activation)

    build.__name__ = build.__qualname__ = label
    build.__doc__ = (
        f"{label}: stages of {config['depths']} blocks, widths {config['projection_dims']}; "
        "inputs are pixels in [0, 255].\n\n    Example::\n\n"
        f"        model = tf.keras.applications.{label}(weights=None, include_top=False,\n"
        "            input_shape=(224, 224, 3), pooling='avg')\n")
    return build


ConvNeXtTiny = _constructor("tiny")
ConvNeXtSmall = _constructor("small")
ConvNeXtBase = _constructor("base")
ConvNeXtLarge = _constructor("large")
ConvNeXtXLarge = _constructor("xlarge")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: ConvNeXt normalizes inside the model (Keras's pass-through)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
