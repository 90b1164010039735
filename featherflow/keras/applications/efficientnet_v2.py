"""``keras.applications.efficientnet_v2``: EfficientNetV2B0..B3, S, M, L (Tan and Le, 2021):
Fused-MBConv stages (a full convolution in place of expand + depthwise) then MBConv stages with
squeeze-excite, Keras's layer names (``block1a_project_conv``, ``block4b_dwconv2``).

The preprocessing is inside the model unless ``include_preprocessing=False``: for the B
variants ``Rescaling(1/255)`` then ``Normalization`` with the ImageNet mean and variance (given,
not weights), for S/M/L ``Rescaling(1/128, offset=-1)``. The models take pixels in [0, 255] and
``preprocess_input`` returns its input unchanged, as Keras's does.
"""

import copy
import math

from featherflow import backend, initializers, layers
from featherflow.keras.applications import builder, imagenet_utils

BASE_WEIGHTS_PATH = ("https://storage.googleapis.com/tensorflow/keras-applications/"
                     "efficientnet_v2/")
# weights name -> (md5 of the include_top file, md5 of the no-top file), Keras's values
WEIGHTS_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "-s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "-m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "-l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}

_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio",
         "se_ratio", "strides", "conv_type")
# stages per variant: (kernel, repeats, filters in, filters out, expansion, squeeze-excite
# ratio, stride, conv type: 1 fused, 0 MBConv)
_B = ((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
      (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0),
      (3, 8, 112, 192, 6, 0.25, 2, 0))
_STAGES = {
    "s": ((3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
          (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0),
          (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "m": ((3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
          (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0),
          (3, 18, 176, 304, 6, 0.25, 2, 0), (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "l": ((3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
          (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0),
          (3, 25, 224, 384, 6, 0.25, 2, 0), (3, 7, 384, 640, 6, 0.25, 1, 0)),
    "b0": _B, "b1": _B, "b2": _B, "b3": _B,
}
DEFAULT_BLOCKS_ARGS = {f"efficientnetv2-{v}": [dict(zip(_KEYS, row)) for row in rows]
                       for v, rows in _STAGES.items()}
CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out",
                                      "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out",
                                       "distribution": "uniform"}}
# variant -> (width, depth, default size, weights name)
_SCALING = {
    "b0": (1.0, 1.0, 224, "b0"), "b1": (1.0, 1.1, 240, "b1"), "b2": (1.1, 1.2, 260, "b2"),
    "b3": (1.2, 1.4, 300, "b3"), "s": (1.0, 1.0, 384, "-s"), "m": (1.0, 1.0, 480, "-m"),
    "l": (1.0, 1.0, 480, "-l"),
}


def _bn_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """Width-scaled filters rounded to a multiple of ``depth_divisor`` (at least ``min_depth``)."""
    filters *= width_coefficient
    minimum_depth = min_depth or depth_divisor
    return int(max(minimum_depth,
                   int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    return int(math.ceil(depth_coefficient * repeats))


def _squeeze_excite(x, input_filters, filters, se_ratio, activation, name):
    filters_se = max(1, int(input_filters * se_ratio))
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se_shape = (filters, 1, 1) if _bn_axis() == 1 else (1, 1, filters)
    se = layers.Reshape(se_shape, name=f"{name}se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            # Keras passes the survival probability as the Dropout rate (inference: identity)
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1),
                               name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def _bn(momentum, name):
    return layers.BatchNormalization(axis=_bn_axis(), momentum=momentum, name=name)


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
                se_ratio=0.0, bn_momentum=0.9, activation="swish", survival_probability=0.8,
                name=None):
    """Expand 1x1, depthwise ``kernel_size``, squeeze-excite, project 1x1 (a function of x)."""
    name = name if name is not None else backend.get_uid("block0")

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters=filters, kernel_size=1, strides=1,
                              kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                              use_bias=False, name=f"{name}expand_conv")(x)
            x = _bn(bn_momentum, f"{name}expand_bn")(x)
            x = layers.Activation(activation, name=f"{name}expand_activation")(x)
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                                   depthwise_initializer=CONV_KERNEL_INITIALIZER,
                                   padding="same", use_bias=False, name=f"{name}dwconv2")(x)
        x = _bn(bn_momentum, f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = layers.Conv2D(filters=output_filters, kernel_size=1, strides=1,
                          kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                          use_bias=False, name=f"{name}project_conv")(x)
        x = _bn(bn_momentum, f"{name}project_bn")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1,
                     se_ratio=0.0, bn_momentum=0.9, activation="swish",
                     survival_probability=0.8, name=None):
    """A full ``kernel_size`` convolution in place of expand + depthwise (a function of x)."""
    name = name if name is not None else backend.get_uid("block0")

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = layers.Conv2D(filters, kernel_size=kernel_size, strides=strides,
                              kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                              use_bias=False, name=f"{name}expand_conv")(x)
            x = _bn(bn_momentum, f"{name}expand_bn")(x)
            x = layers.Activation(activation=activation, name=f"{name}expand_activation")(x)
        if 0 < se_ratio <= 1:
            x = _squeeze_excite(x, input_filters, filters, se_ratio, activation, name)
        x = layers.Conv2D(output_filters, kernel_size=1 if expand_ratio != 1 else kernel_size,
                          strides=1 if expand_ratio != 1 else strides,
                          kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                          use_bias=False, name=f"{name}project_conv")(x)
        x = _bn(bn_momentum, f"{name}project_bn")(x)
        if expand_ratio == 1:
            x = layers.Activation(activation=activation, name=f"{name}project_activation")(x)
        return _residual(x, inputs, strides, input_filters, output_filters,
                         survival_probability, name)

    return apply


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2,
                   drop_connect_rate=0.2, depth_divisor=8, min_depth=8, bn_momentum=0.9,
                   activation="swish", blocks_args="default", name="efficientnetv2",
                   include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax",
                   include_preprocessing=True, weights_name=None, variant=None):
    """The EfficientNetV2 body. ``variant`` ("b0".."b3", "s", "m", "l") picks the stages and
    the preprocessing; Keras picks both from ``name``, so a renamed Keras model fails or
    changes its preprocessing, while featherflow's keeps its variant's."""
    if variant is None:
        variant = name.split("-")[-1]
    if blocks_args == "default":
        key = f"efficientnetv2-{variant}"
        if key not in DEFAULT_BLOCKS_ARGS:
            raise ValueError(f"{name}: no default stages for variant {variant!r}; expected one "
                             f"of {sorted(_STAGES)} or pass blocks_args")
        blocks_args = DEFAULT_BLOCKS_ARGS[key]
    builder.check_weights(weights, include_top, classes, name)
    if weights == "imagenet" and weights_name not in WEIGHTS_HASHES:
        raise ValueError(f"{name}: no ImageNet weights are published for "
                         f"weights_name={weights_name!r}")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=backend.image_data_format(), require_flatten=include_top, weights=weights)
    if not include_top and pooling not in (None, "avg", "max"):
        raise ValueError(
            f"{name}: pooling should be None, 'avg' or 'max'; received pooling={pooling!r}")
    for args in blocks_args:
        if args["num_repeat"] <= 0:
            raise ValueError(f"The number of repeats in `EfficientNetV2` must be > 0. "
                             f"Received: num_repeat={args['num_repeat']}")
    img_input = builder.image_input(input_tensor, input_shape, name)
    bn_axis = _bn_axis()
    x = img_input
    if include_preprocessing:
        num_channels = input_shape[bn_axis - 1]
        if variant.startswith("b") and num_channels == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=[0.485, 0.456, 0.406],
                                     variance=[0.229 ** 2, 0.224 ** 2, 0.225 ** 2],
                                     axis=bn_axis)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)

    def filters_of(n):
        return round_filters(filters=n, width_coefficient=width_coefficient,
                             min_depth=min_depth, depth_divisor=depth_divisor)

    x = layers.Conv2D(filters=filters_of(blocks_args[0]["input_filters"]), kernel_size=3,
                      strides=2, kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                      use_bias=False, name="stem_conv")(x)
    x = _bn(bn_momentum, "stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)

    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(args["num_repeat"] for args in blocks_args))
    for i, args in enumerate(blocks_args):
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = {0: MBConvBlock, 1: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / blocks,
                      name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            b += 1

    x = layers.Conv2D(filters=filters_of(1280), kernel_size=1, strides=1,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same",
                      use_bias=False, name="top_conv")(x)
    x = _bn(bn_momentum, "top_bn")(x)
    x = layers.Activation(activation=activation, name="top_activation")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation,
                         kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    x = builder.pooled(x, include_top, pooling, avg_name="avg_pool", max_name="max_pool")
    model = builder.functional(input_tensor, img_input, x, name)
    if weights == "imagenet":
        file_name = name + (".h5" if include_top else "_notop.h5")
        file_hash = WEIGHTS_HASHES[weights_name][0 if include_top else 1]
        return builder.load_weights(model, weights, file_name, BASE_WEIGHTS_PATH + file_name,
                                    file_hash)
    return builder.load_weights(model, weights)


def _constructor(variant):
    width, depth, size, weights_name = _SCALING[variant]
    label = "EfficientNetV2" + variant.upper()

    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              include_preprocessing=True, name=f"efficientnetv2-{variant}"):
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth,
                              default_size=size, name=name, include_top=include_top,
                              weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing,
                              weights_name=weights_name, variant=variant)

    build.__name__ = build.__qualname__ = label
    build.__doc__ = (
        f"{label}: width x{width}, depth x{depth}, default input {size}x{size}; inputs are "
        f"pixels in [0, 255] (or already preprocessed with include_preprocessing=False).\n\n"
        f"    Example::\n\n        model = tf.keras.applications.{label}(weights=None, "
        f"include_top=False,\n            input_shape=({size}, {size}, 3), pooling='avg')\n")
    return build


EfficientNetV2B0 = _constructor("b0")
EfficientNetV2B1 = _constructor("b1")
EfficientNetV2B2 = _constructor("b2")
EfficientNetV2B3 = _constructor("b3")
EfficientNetV2S = _constructor("s")
EfficientNetV2M = _constructor("m")
EfficientNetV2L = _constructor("l")


def preprocess_input(x, data_format=None):
    """Returns ``x`` unchanged: EfficientNetV2 preprocesses inside the model (Keras's
    pass-through)."""
    return x


def decode_predictions(preds, top=5):
    """The top ImageNet classes per sample (see ``imagenet_utils.decode_predictions``)."""
    return imagenet_utils.decode_predictions(preds, top=top)
