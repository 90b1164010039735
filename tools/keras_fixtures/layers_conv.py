"""Convolution, pooling and spatial reshaping layers (channels_last unless the name says so)."""

from __future__ import annotations

import numpy as np

from .common import rng_for, save_npz, to_json
from .layer_runner import run_layer


def _x(name, shape):
    return rng_for(name).normal(size=shape)


def conv_cases():
    import keras

    L = keras.layers
    x1 = _x("conv1d/x", (2, 9, 3))
    run_layer("conv1d_valid", L.Conv1D(4, 3), [x1])
    run_layer("conv1d_same_s2", L.Conv1D(4, 3, strides=2, padding="same"), [x1])
    run_layer("conv1d_causal_d2", L.Conv1D(2, 3, padding="causal", dilation_rate=2), [x1])
    run_layer("conv1d_relu_nobias", L.Conv1D(2, 2, activation="relu", use_bias=False), [x1])

    x2 = _x("conv2d/x", (2, 7, 6, 4))
    run_layer("conv2d_valid", L.Conv2D(3, 3), [x2])
    run_layer("conv2d_same", L.Conv2D(3, 3, padding="same"), [x2])
    run_layer("conv2d_valid_s2", L.Conv2D(3, 3, strides=2), [x2])
    run_layer("conv2d_same_s2", L.Conv2D(3, 3, strides=2, padding="same"), [x2])
    run_layer("conv2d_rect_s21", L.Conv2D(2, (2, 3), strides=(2, 1), padding="same"), [x2])
    run_layer("conv2d_dilation2", L.Conv2D(3, 3, dilation_rate=2), [x2])
    run_layer("conv2d_dilation2_same", L.Conv2D(3, 3, dilation_rate=2, padding="same"), [x2])
    run_layer("conv2d_groups2", L.Conv2D(4, 3, groups=2), [x2])
    run_layer("conv2d_relu_nobias", L.Conv2D(3, 1, activation="relu", use_bias=False), [x2])

    xt = _x("conv2d_transpose/x", (2, 4, 3, 3))
    run_layer("conv2d_transpose_s2_same", L.Conv2DTranspose(3, 3, strides=2, padding="same"), [xt])
    run_layer("conv2d_transpose_s2_valid", L.Conv2DTranspose(3, 3, strides=2), [xt])
    run_layer("conv2d_transpose_s1_valid", L.Conv2DTranspose(2, (2, 3)), [xt])
    run_layer(
        "conv2d_transpose_s2_outpad", L.Conv2DTranspose(2, 3, strides=2, output_padding=1), [xt]
    )
    run_layer("conv1d_transpose_s2_same", L.Conv1DTranspose(2, 3, strides=2, padding="same"), [x1])

    run_layer("depthwise_conv2d", L.DepthwiseConv2D(3), [x2])
    run_layer(
        "depthwise_conv2d_mult2_s2_same",
        L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2),
        [x2],
    )
    run_layer("separable_conv2d", L.SeparableConv2D(3, 3), [x2])
    run_layer(
        "separable_conv2d_mult2_same",
        L.SeparableConv2D(3, 3, padding="same", depth_multiplier=2),
        [x2],
    )
    run_layer("separable_conv1d", L.SeparableConv1D(3, 3), [x1])

    _channels_first_conv("conv2d_channels_first", L.Conv2D, dict(filters=3, kernel_size=3), x2)
    _channels_first_conv(
        "conv2d_channels_first_same_s2",
        L.Conv2D,
        dict(filters=3, kernel_size=3, strides=2, padding="same"),
        x2,
    )
    _channels_first_conv("conv1d_channels_first", L.Conv1D, dict(filters=2, kernel_size=3), x1)


def _channels_first_conv(name, cls, kwargs, x_last):
    """TensorFlow's CPU kernels reject NCHW convolutions, so Keras cannot run channels_first
    here. The case is derived from the same layer run channels_last with identical weights
    and the arrays transposed; the config stored is the channels_first layer's own config."""
    out = run_layer(name, cls(**kwargs), [x_last], save=False)
    perm = (0, x_last.ndim - 1) + tuple(range(1, x_last.ndim - 1))
    cf = cls(data_format="channels_first", **kwargs)
    case = {k: v for k, v in out.items() if k.startswith("w") or k.startswith("dw")}
    case.update(
        class_name=out["class_name"],
        config=to_json(cf.get_config()),
        call_kwargs=out["call_kwargs"],
        loss=out["loss"],
        note="derived: TF CPU has no NCHW conv; computed channels_last and transposed",
    )
    for key in ("x", "y", "r", "dx"):
        case[key] = np.transpose(out[key], perm)
    save_npz(f"layers/{name}", case)


def pooling_cases():
    import keras

    L = keras.layers
    x1 = _x("pool1d/x", (2, 7, 3))
    run_layer("max_pooling1d", L.MaxPooling1D(2), [x1])
    run_layer("max_pooling1d_p3_s2_same", L.MaxPooling1D(3, strides=2, padding="same"), [x1])
    run_layer("average_pooling1d", L.AveragePooling1D(2), [x1])
    run_layer(
        "average_pooling1d_p3_s2_same", L.AveragePooling1D(3, strides=2, padding="same"), [x1]
    )
    run_layer("average_pooling1d_p2_s1_valid", L.AveragePooling1D(2, strides=1), [x1])

    x2 = _x("pool2d/x", (2, 7, 6, 3))
    run_layer("max_pooling2d", L.MaxPooling2D(2), [x2])
    run_layer("max_pooling2d_p3_s2_same", L.MaxPooling2D(3, strides=2, padding="same"), [x2])
    run_layer("max_pooling2d_p3_s1_valid", L.MaxPooling2D(3, strides=1), [x2])
    run_layer("max_pooling2d_p2_s1_same", L.MaxPooling2D(2, strides=1, padding="same"), [x2])
    run_layer("average_pooling2d", L.AveragePooling2D(2), [x2])
    run_layer(
        "average_pooling2d_p3_s2_same", L.AveragePooling2D(3, strides=2, padding="same"), [x2]
    )
    run_layer(
        "average_pooling2d_p2_s1_same", L.AveragePooling2D(2, strides=1, padding="same"), [x2]
    )
    run_layer("average_pooling2d_p3_s1_valid", L.AveragePooling2D(3, strides=1), [x2])
    # Pooling does run channels_first on CPU (Keras transposes around the op).
    x2cf = np.transpose(x2, (0, 3, 1, 2))
    run_layer(
        "max_pooling2d_channels_first", L.MaxPooling2D(2, data_format="channels_first"), [x2cf]
    )
    run_layer(
        "average_pooling2d_channels_first",
        L.AveragePooling2D(2, padding="same", data_format="channels_first"),
        [x2cf],
    )

    run_layer("global_max_pooling1d", L.GlobalMaxPooling1D(), [x1])
    run_layer("global_average_pooling1d", L.GlobalAveragePooling1D(), [x1])
    run_layer("global_max_pooling2d", L.GlobalMaxPooling2D(), [x2])
    run_layer("global_average_pooling2d", L.GlobalAveragePooling2D(), [x2])
    run_layer("global_average_pooling2d_keepdims", L.GlobalAveragePooling2D(keepdims=True), [x2])
    mask = np.array([[1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 0]], dtype=bool)
    run_layer("global_average_pooling1d_mask", L.GlobalAveragePooling1D(), [x1], mask=mask)


def reshaping_cases():
    import keras

    L = keras.layers
    x2 = _x("reshape2d/x", (2, 4, 5, 3))
    run_layer("zero_padding2d", L.ZeroPadding2D(1), [x2])
    run_layer("zero_padding2d_asym", L.ZeroPadding2D(((1, 2), (0, 1))), [x2])
    run_layer("zero_padding1d", L.ZeroPadding1D((2, 1)), [x2[:, 0]])
    run_layer("cropping2d", L.Cropping2D(((1, 0), (1, 2))), [x2])
    run_layer("cropping1d", L.Cropping1D((1, 2)), [x2[:, 0]])
    run_layer("upsampling2d", L.UpSampling2D(2), [x2])
    run_layer("upsampling2d_21", L.UpSampling2D((2, 1)), [x2])
    run_layer("upsampling2d_bilinear", L.UpSampling2D(2, interpolation="bilinear"), [x2])
    run_layer("upsampling1d", L.UpSampling1D(3), [x2[:, 0]])


def run():
    conv_cases()
    pooling_cases()
    reshaping_cases()
