"""The 3-D layers of Keras 3: Conv3D/Conv3DTranspose, 3-D pooling, padding/cropping/up-sampling
and SpatialDropout3D.

Writes tests/fixtures/keras/layers_3d/:
- ``layers/<case>``: outputs, input and weight gradients, config and weight names through
  layer_runner (float64, except local 3-D pooling: TensorFlow's MaxPool3D/AvgPool3D kernels
  have no float64, so those layers run in float32 on the float64 inputs).
- ``layer_cases``: the case names.
- ``models/conv3d_model.{keras,h5}`` and ``models/conv3d_model``: a small float32 model with
  every 3-D layer saved by Keras 3, with inputs, weights, predictions and each layer's output
  shape (what ``summary()`` prints).
- ``models/conv3d_model_tf_keras.h5`` and ``models/conv3d_model_tf_keras``: the same kind of
  model saved by tf_keras (Keras 2), with inputs, weights and predictions.

Channels-first transposed convolutions cannot run on TensorFlow's CPU kernels (nor can dilated
ones, in any layout), and channels-first Conv3D with a non-cubic kernel gives wrong numbers
there (it disagrees with the same layer channels-last): those channels-first cases are derived
from the same layer run channels-last with identical weights and the arrays transposed.
Dilated transposed convolutions have no fixture (featherflow checks them as the adjoint of the
dilated Conv3D). Cubic channels-first Conv3D cases are recorded directly.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, rng_for, save_npz, to_json
from .layer_runner import run_layer

GROUP = "layers_3d"


def _x(name, shape):
    return rng_for(f"{GROUP}/{name}").normal(size=shape)


def _cf(x):
    return np.transpose(x, (0, 4, 1, 2, 3))


def run_cases():
    import keras

    L = keras.layers
    cases = []

    def add(name, layer, inputs, **kwargs):
        out = run_layer(name, layer, inputs, save=False, **kwargs)
        save_npz(f"{GROUP}/layers/{name}", out)
        cases.append(name)
        return out

    def losses(layer, tensors, out):
        out["losses"] = np.asarray(sum(float(v) for v in layer.losses))

    x = _x("conv/x", (2, 5, 6, 5, 3))
    add("conv3d_valid", L.Conv3D(4, 3), [x])
    add("conv3d_same_s2", L.Conv3D(4, 3, strides=2, padding="same"), [x])
    add("conv3d_rect_strides", L.Conv3D(2, (2, 3, 1), strides=(1, 2, 3), padding="same"), [x])
    add("conv3d_dilation2", L.Conv3D(3, 2, dilation_rate=2), [x])
    add("conv3d_dilation_same", L.Conv3D(3, 3, dilation_rate=(2, 1, 2), padding="same"), [x])
    add("conv3d_groups3", L.Conv3D(6, 2, groups=3, padding="same"), [x])
    add("conv3d_relu_nobias", L.Conv3D(3, 1, activation="relu", use_bias=False), [x])
    add("conv3d_tanh", L.Conv3D(2, 2, activation="tanh"), [x])
    add("conv3d_elu", L.Conv3D(2, 2, activation="elu"), [x])
    add("conv3d_channels_first", L.Conv3D(4, 3, strides=2, padding="same",
                                          data_format="channels_first"), [_cf(x)])
    # a channels-first Conv3D with a non-cubic kernel comes out wrong from TF 2.21's CPU (XLA)
    # path (it differs from the same layer channels-last, which matches the direct sum), so
    # this case is derived from the channels-last run like the transposed one below
    _derived_channels_first("conv3d_channels_first_groups", L.Conv3D,
                            dict(filters=3, kernel_size=(1, 2, 3), groups=3), x, cases)
    add("conv3d_options", L.Conv3D(
        2, 2, kernel_initializer="he_normal", bias_initializer="ones",
        kernel_regularizer=keras.regularizers.L2(0.01), bias_regularizer="l1",
        activity_regularizer=keras.regularizers.L1(0.001), kernel_constraint="max_norm",
        bias_constraint="non_neg"), [x], after=losses)

    xt = _x("conv_transpose/x", (2, 3, 4, 3, 3))
    add("conv3d_transpose_s2_same", L.Conv3DTranspose(3, 3, strides=2, padding="same"), [xt])
    add("conv3d_transpose_s2_valid", L.Conv3DTranspose(2, 3, strides=2), [xt])
    add("conv3d_transpose_s1_rect", L.Conv3DTranspose(2, (2, 3, 1)), [xt])
    add("conv3d_transpose_outpad", L.Conv3DTranspose(
        2, 3, strides=(2, 3, 2), output_padding=(1, 2, 0)), [xt])
    add("conv3d_transpose_same_outpad", L.Conv3DTranspose(
        2, 2, strides=2, padding="same", output_padding=1, activation="sigmoid"), [xt])
    _derived_channels_first(
        "conv3d_transpose_channels_first", L.Conv3DTranspose,
        dict(filters=2, kernel_size=3, strides=2, padding="same"), xt, cases)

    xp = _x("pool/x", (2, 5, 6, 7, 3))
    f32 = {"dtype": "float32"}
    add("max_pooling3d", L.MaxPooling3D(**f32), [xp])
    add("max_pooling3d_p3_s2_same", L.MaxPooling3D(3, strides=2, padding="same", **f32), [xp])
    add("max_pooling3d_p2_s1_valid", L.MaxPooling3D(2, strides=1, **f32), [xp])
    add("max_pooling3d_rect", L.MaxPooling3D((1, 2, 3), strides=(2, 1, 2), **f32), [xp])
    add("average_pooling3d", L.AveragePooling3D(2, **f32), [xp])
    add("average_pooling3d_p3_s2_same", L.AveragePooling3D(3, strides=2, padding="same",
                                                           **f32), [xp])
    add("average_pooling3d_p2_s1_same", L.AveragePooling3D(2, strides=1, padding="same",
                                                           **f32), [xp])
    add("max_pooling3d_channels_first", L.MaxPooling3D(
        2, padding="same", data_format="channels_first", **f32), [_cf(xp)])
    add("average_pooling3d_channels_first", L.AveragePooling3D(
        (2, 3, 2), strides=1, data_format="channels_first", **f32), [_cf(xp)])
    add("global_max_pooling3d", L.GlobalMaxPooling3D(), [xp])
    add("global_average_pooling3d", L.GlobalAveragePooling3D(), [xp])
    add("global_max_pooling3d_keepdims", L.GlobalMaxPooling3D(keepdims=True), [xp])
    add("global_average_pooling3d_cf_keepdims", L.GlobalAveragePooling3D(
        data_format="channels_first", keepdims=True), [_cf(xp)])

    xr = _x("reshape/x", (2, 4, 5, 3, 2))
    add("zero_padding3d", L.ZeroPadding3D(), [xr])
    add("zero_padding3d_asym", L.ZeroPadding3D(((1, 2), (0, 1), (2, 0))), [xr])
    add("zero_padding3d_ints_cf", L.ZeroPadding3D((1, 0, 2), data_format="channels_first"),
        [_cf(xr)])
    add("cropping3d", L.Cropping3D(), [xr])
    add("cropping3d_asym", L.Cropping3D(((1, 2), (0, 3), (1, 0))), [xr])
    add("cropping3d_int_cf", L.Cropping3D(1, data_format="channels_first"), [_cf(xr)])
    add("upsampling3d", L.UpSampling3D(), [xr])
    add("upsampling3d_213", L.UpSampling3D((2, 1, 3)), [xr])
    add("upsampling3d_cf", L.UpSampling3D(3, data_format="channels_first"), [_cf(xr)])
    add("spatial_dropout3d_inference", L.SpatialDropout3D(0.4, seed=3), [xr],
        call_kwargs={"training": False})
    add("spatial_dropout3d_cf_inference", L.SpatialDropout3D(
        0.2, data_format="channels_first"), [_cf(xr)], call_kwargs={"training": False})
    save_npz(f"{GROUP}/layer_cases", {"names": np.array(cases)})


def _derived_channels_first(name, cls, kwargs, x_last, cases):
    out = run_layer(name, cls(**kwargs), [x_last], save=False)
    cf = cls(data_format="channels_first", **kwargs)
    case = {k: v for k, v in out.items() if k.startswith("w") or k.startswith("dw")}
    case.update(
        class_name=out["class_name"], config=to_json(cf.get_config()),
        call_kwargs=out["call_kwargs"], loss=out["loss"],
        note="derived: computed channels_last with the same weights and transposed")
    for key in ("x", "y", "r", "dx"):
        case[key] = _cf(out[key])
    save_npz(f"{GROUP}/layers/{name}", case)
    cases.append(name)


def build_model(keras):
    """The model file's architecture (tests/layers/test_layers_3d.py builds the same)."""
    L = keras.layers
    inputs = keras.Input(shape=(6, 7, 6, 2), name="volume")
    h = L.Conv3D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    h = L.SpatialDropout3D(0.3, name="drop")(h)
    h = L.MaxPooling3D(2, padding="same", name="max_pool")(h)
    h = L.Conv3DTranspose(4, 2, strides=2, name="up_conv")(h)
    h = L.Cropping3D(((0, 1), (1, 0), 0), name="crop")(h)
    h = L.ZeroPadding3D(1, name="pad")(h)
    h = L.AveragePooling3D(3, strides=2, name="avg_pool")(h)
    h = L.UpSampling3D((1, 2, 1), name="upsample")(h)
    h = L.Conv3D(4, 2, groups=2, name="conv_groups")(h)
    a = L.GlobalMaxPooling3D(name="gmax")(h)
    b = L.GlobalAveragePooling3D(name="gavg")(h)
    out = L.Dense(3, name="dense")(L.Concatenate(name="concat")([a, b]))
    return keras.Model(inputs, out, name="conv3d_model")


def model_cases():
    import keras

    folder = OUT / GROUP / "models"
    folder.mkdir(parents=True, exist_ok=True)
    keras.config.set_floatx("float32")
    try:
        keras.backend.clear_session()
        model = build_model(keras)
        rng = rng_for(f"{GROUP}/model/weights")
        model.set_weights([rng.normal(0, 0.5, np.shape(w)).astype("float32")
                           for w in model.get_weights()])
        x = rng_for(f"{GROUP}/model/x").normal(size=(3, 6, 7, 6, 2)).astype("float32")
        y = model.predict(x, verbose=0)
        for ext in ("keras", "h5"):
            model.save(folder / f"conv3d_model.{ext}")
            again = keras.models.load_model(folder / f"conv3d_model.{ext}")
            np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-6)
        out = {"x": x, "y": y,
               "layer_names": np.array([layer.name for layer in model.layers]),
               "output_shapes": to_json({layer.name: list(layer.output.shape)
                                         for layer in model.layers}),
               "params": np.array([layer.count_params() for layer in model.layers]),
               "weight_names": to_json([v.path for v in model.weights])}
        for i, w in enumerate(model.get_weights()):
            out[f"w{i}"] = w
        save_npz(f"{GROUP}/models/conv3d_model", out)
    finally:
        keras.config.set_floatx("float64")


def tf_keras_model_case():
    """The same kind of model from tf_keras (Keras 2) as .h5: its configs spell some
    settings differently (SpatialDropout3D's ``noise_shape``, Conv3DTranspose's ``groups``)."""
    import tf_keras

    L = tf_keras.layers
    tf_keras.backend.clear_session()
    inputs = tf_keras.Input(shape=(6, 7, 6, 2), name="volume")
    h = L.Conv3D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    h = L.SpatialDropout3D(0.3, name="drop")(h)
    h = L.MaxPooling3D(2, padding="same", name="max_pool")(h)
    h = L.Conv3DTranspose(4, 2, strides=2, name="up_conv")(h)
    h = L.Cropping3D(((0, 1), (1, 0), 0), name="crop")(h)
    h = L.ZeroPadding3D(1, name="pad")(h)
    h = L.AveragePooling3D(3, strides=2, name="avg_pool")(h)
    h = L.UpSampling3D((1, 2, 1), name="upsample")(h)
    h = L.Conv3D(4, 2, groups=2, name="conv_groups")(h)
    a = L.GlobalMaxPooling3D(name="gmax")(h)
    b = L.GlobalAveragePooling3D(name="gavg")(h)
    out = L.Dense(3, name="dense")(L.Concatenate(name="concat")([a, b]))
    model = tf_keras.Model(inputs, out, name="conv3d_model")
    rng = rng_for(f"{GROUP}/tf_keras_model/weights")
    model.set_weights([rng.normal(0, 0.5, np.shape(w)).astype("float32")
                       for w in model.get_weights()])
    x = rng_for(f"{GROUP}/tf_keras_model/x").normal(size=(3, 6, 7, 6, 2)).astype("float32")
    y = model.predict(x, verbose=0)
    model.save(OUT / GROUP / "models" / "conv3d_model_tf_keras.h5")
    out = {"x": x, "y": y}
    for i, w in enumerate(model.get_weights()):
        out[f"w{i}"] = w
    save_npz(f"{GROUP}/models/conv3d_model_tf_keras", out)


def run():
    run_cases()
    model_cases()
    tf_keras_model_case()
