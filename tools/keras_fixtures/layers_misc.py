"""Keras 3's remaining layers: GroupNormalization, UnitNormalization, RMSNormalization,
SpectralNormalization, ActivityRegularization, AlphaDropout, ConvLSTM1D/2D/3D.

Writes tests/fixtures/keras/layers_misc/:
- ``layers/<case>``: outputs, input and weight gradients, config and weight names through
  layer_runner (float64); ConvLSTM2D also inside Bidirectional. SpectralNormalization cases
  in training also hold the weights after the call (``w_after*``: the kernel overwritten by
  kernel / sigma, the new ``vector_u``) and an inference output with them (``y_infer``).
  ActivityRegularization cases (and a regularized ConvLSTM2D) hold the added losses
  (``losses``) and their gradient with respect to the input (``dlosses``).
- ``alpha_dropout_train_*``, ``alpha_dropout_noise_shape``: Keras's training output on
  standard-normal data (the draw cannot be reproduced; the test checks every entry against
  Keras's affine formula).
- ``layer_cases``: the case names.
- ``models/misc_model.{keras,h5}`` + ``models/misc_model``: a float32 model holding
  ConvLSTM2D, GroupNormalization and SpectralNormalization(Dense) saved by Keras 3, with its
  input, weights (get_weights order) and predictions; ``models/tf_keras_misc_model.h5`` + npz:
  the same kind of model (no SpectralNormalization) written by tf_keras 2.

ConvLSTM cases are channels-last only: TensorFlow's CPU convolutions refuse NCHW.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, as_numpy, rng_for, save_npz, to_json
from .layer_runner import run_layer

GROUP = "layers_misc"

# rows: full length, post-padded, pre-padded (Keras keeps the previous state on masked steps)
_MASK = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [0, 1, 1, 1]], dtype=bool)


def _x(name, shape, scale=1.0, loc=0.0):
    return rng_for(f"{GROUP}/{name}").normal(loc, scale, size=shape)


def _spectral_after(layer, txs, out):
    for i, w in enumerate(layer.get_weights()):
        out[f"w_after{i}"] = np.asarray(w)
    out["y_infer"] = as_numpy(layer(txs[0], training=False))


def _activity_after(layer, txs, out):
    import tensorflow as tf

    with tf.GradientTape() as tape:
        tape.watch(txs[0])
        layer(txs[0])
        loss = tf.add_n(layer.losses)
    out["losses"] = as_numpy(loss)
    out["dlosses"] = as_numpy(tape.gradient(loss, txs[0]))


def run_cases():
    import keras

    L = keras.layers
    cases = []

    def add(name, layer, inputs, **kwargs):
        out = run_layer(name, layer, inputs, save=False, **kwargs)
        save_npz(f"{GROUP}/layers/{name}", out)
        cases.append(name)
        return out

    # -- normalization -------------------------------------------------------------------
    x4 = _x("norm/x4", (2, 3, 5, 4), scale=2.0, loc=0.5)
    x3 = _x("norm/x3", (3, 4, 6))
    add("group_norm_g2", L.GroupNormalization(groups=2), [x4])
    add("group_norm_g1", L.GroupNormalization(groups=1), [x4])
    add("group_norm_instance", L.GroupNormalization(groups=-1, epsilon=1e-5), [x4])
    add("group_norm_axis1", L.GroupNormalization(groups=2, axis=1), [x3])
    add("group_norm_axis_neg2", L.GroupNormalization(groups=5, axis=-2), [x4])
    add("group_norm_no_center_scale", L.GroupNormalization(groups=3, center=False, scale=False),
        [x3])
    add("group_norm_2d", L.GroupNormalization(groups=3), [x3[:, 0]])
    add("unit_norm", L.UnitNormalization(), [x3])
    add("unit_norm_axes12", L.UnitNormalization(axis=[1, 2]), [x3])
    add("unit_norm_axis1", L.UnitNormalization(axis=1), [x4])
    add("rms_norm", L.RMSNormalization(), [x3])
    add("rms_norm_axes", L.RMSNormalization(axis=[-2, -1], epsilon=1e-3), [x3])

    xd = _x("spectral/x", (4, 5))
    xc = _x("spectral/xc", (2, 6, 6, 3))
    train = {"training": True}
    add("spectral_dense_train", L.SpectralNormalization(L.Dense(3)), [xd], call_kwargs=train,
        after=_spectral_after)
    add("spectral_dense_infer", L.SpectralNormalization(L.Dense(3)), [xd],
        call_kwargs={"training": False})
    add("spectral_dense_iter3", L.SpectralNormalization(L.Dense(4, activation="tanh"),
                                                        power_iterations=3), [xd],
        call_kwargs=train, after=_spectral_after)
    add("spectral_conv2d_train", L.SpectralNormalization(L.Conv2D(4, 3, padding="same")), [xc],
        call_kwargs=train, after=_spectral_after)
    add("spectral_conv2d_infer", L.SpectralNormalization(L.Conv2D(4, 3)), [xc],
        call_kwargs={"training": False})

    # -- regularization ------------------------------------------------------------------
    add("activity_reg_l1l2", L.ActivityRegularization(l1=0.01, l2=0.02), [x3],
        after=_activity_after)
    add("activity_reg_l2_4d", L.ActivityRegularization(l2=0.5), [x4], after=_activity_after)
    add("alpha_dropout_infer", L.AlphaDropout(0.3, seed=2), [x3],
        call_kwargs={"training": False})
    xa = _x("alpha/x", (100, 80)).astype("float32")
    for rate in (0.1, 0.4):
        layer = L.AlphaDropout(rate, seed=5)
        y = as_numpy(layer(xa, training=True))
        save_npz(f"{GROUP}/alpha_dropout_train_{int(rate * 10)}",
                 {"x": xa, "y": y, "rate": np.asarray(rate),
                  "config": to_json(layer.get_config())})
    layer = L.AlphaDropout(0.3, noise_shape=(None, 1, 6), seed=5)
    x_ns = _x("alpha/x_ns", (50, 4, 6)).astype("float32")
    save_npz(f"{GROUP}/alpha_dropout_noise_shape",
             {"x": x_ns, "y": as_numpy(layer(x_ns, training=True)), "rate": np.asarray(0.3),
              "config": to_json(layer.get_config())})

    # -- ConvLSTM --------------------------------------------------------------------------
    xs = _x("conv_lstm/x2", (3, 4, 5, 5, 2), scale=0.7)
    add("conv_lstm2d_last", L.ConvLSTM2D(3, 3), [xs])
    add("conv_lstm2d_seq_same", L.ConvLSTM2D(3, 3, padding="same", return_sequences=True), [xs])
    add("conv_lstm2d_state", L.ConvLSTM2D(2, (2, 3), return_state=True), [xs])
    add("conv_lstm2d_seq_state_same", L.ConvLSTM2D(2, 3, padding="same", return_sequences=True,
                                                   return_state=True), [xs])
    add("conv_lstm2d_backwards_seq", L.ConvLSTM2D(2, 2, return_sequences=True,
                                                  go_backwards=True), [xs])
    add("conv_lstm2d_strides2", L.ConvLSTM2D(2, 3, strides=2, padding="same"), [xs])
    add("conv_lstm2d_dilation", L.ConvLSTM2D(2, 2, dilation_rate=2, return_sequences=True),
        [xs])
    add("conv_lstm2d_no_bias_relu", L.ConvLSTM2D(2, 3, use_bias=False, activation="relu",
                                                 recurrent_activation="hard_sigmoid"), [xs])
    add("conv_lstm2d_mask_seq", L.ConvLSTM2D(2, 3, padding="same", return_sequences=True),
        [xs], mask=_MASK)
    add("conv_lstm2d_mask_last_state", L.ConvLSTM2D(2, 3, return_state=True), [xs], mask=_MASK)
    states = [_x(f"conv_lstm/s{i}", (3, 3, 3, 2), scale=0.5) for i in range(2)]
    add("conv_lstm2d_initial_state", L.ConvLSTM2D(2, 3, return_sequences=True,
                                                  return_state=True), [xs], states=states)
    add("conv_lstm2d_inference_dropout", L.ConvLSTM2D(2, 3, dropout=0.4, recurrent_dropout=0.3),
        [xs], call_kwargs={"training": False})
    add("conv_lstm2d_regularized", L.ConvLSTM2D(
        2, 3, kernel_regularizer=keras.regularizers.L2(0.01), recurrent_regularizer="l1",
        bias_regularizer=keras.regularizers.L1L2(0.01, 0.02),
        activity_regularizer=keras.regularizers.L2(0.05)), [xs], after=_activity_after)
    add("bidirectional_conv_lstm2d_seq", L.Bidirectional(
        L.ConvLSTM2D(2, 3, padding="same", return_sequences=True)), [xs])
    add("bidirectional_conv_lstm2d_mask_sum", L.Bidirectional(
        L.ConvLSTM2D(2, 3, return_sequences=True), merge_mode="sum"), [xs], mask=_MASK)
    x1 = _x("conv_lstm/x1", (2, 5, 7, 3), scale=0.7)
    add("conv_lstm1d_seq", L.ConvLSTM1D(3, 3, return_sequences=True), [x1])
    add("conv_lstm1d_same_state", L.ConvLSTM1D(2, 2, padding="same", strides=2,
                                               return_state=True), [x1])
    x5 = _x("conv_lstm/x3", (2, 3, 4, 4, 3, 2), scale=0.7)
    add("conv_lstm3d_last", L.ConvLSTM3D(2, 2), [x5])
    add("conv_lstm3d_seq_same", L.ConvLSTM3D(2, 3, padding="same", return_sequences=True), [x5])
    save_npz(f"{GROUP}/layer_cases", {"names": np.array(cases)})


def model_cases():
    import keras

    L = keras.layers
    inp = keras.Input((3, 6, 6, 2))
    h = L.ConvLSTM2D(4, 3, padding="same", return_sequences=False, name="conv_lstm")(inp)
    h = L.GroupNormalization(groups=2, name="group_norm")(h)
    h = L.Flatten(name="flatten")(h)
    out = L.SpectralNormalization(L.Dense(3, name="dense"), name="spectral")(h)
    model = keras.Model(inp, out, name="misc_model")
    rng = rng_for(f"{GROUP}/model")
    weights = [rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    x = rng.normal(size=(2, 3, 6, 6, 2)).astype("float32")
    y = as_numpy(model.predict(x, verbose=0))
    folder = OUT / GROUP / "models"
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / "misc_model.keras")
    model.save(folder / "misc_model.h5")
    out = {"x": x, "y": y,
           "weight_names": to_json([v.path for v in model.weights])}
    for i, w in enumerate(weights):
        out[f"w{i}"] = w
    save_npz(f"{GROUP}/models/misc_model", out)


def tf_keras_model_case():
    """The same kind of model written by tf_keras 2 (Keras 2 configs and HDF5 layout).

    SpectralNormalization is left out: tf_keras 2.21's raises a TypeError on its own
    InputSpec beside Keras 3. ConvLSTM2D sets recurrent_activation="sigmoid": tf.keras 2's
    default "hard_sigmoid" is another function (0.2 x + 0.5) than Keras 3's (x / 6 + 0.5).
    """
    import tf_keras

    L = tf_keras.layers
    inp = tf_keras.Input((3, 6, 6, 2))
    h = L.ConvLSTM2D(4, 3, padding="same", recurrent_activation="sigmoid",
                     name="conv_lstm")(inp)
    h = L.GroupNormalization(groups=2, name="group_norm")(h)
    h = L.UnitNormalization(name="unit_norm")(h)
    h = L.Flatten(name="flatten")(h)
    h = L.ActivityRegularization(l1=0.01, name="activity")(h)
    h = L.AlphaDropout(0.2, name="alpha_dropout")(h)
    out = L.Dense(3, name="dense")(h)
    model = tf_keras.Model(inp, out, name="tf_keras_misc_model")
    rng = rng_for(f"{GROUP}/tf_keras_model")
    weights = [rng.normal(0, 0.3, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(weights)
    x = rng.normal(size=(2, 3, 6, 6, 2)).astype("float32")
    folder = OUT / GROUP / "models"
    folder.mkdir(parents=True, exist_ok=True)
    model.save(folder / "tf_keras_misc_model.h5")
    out = {"x": x, "y": np.asarray(model.predict(x, verbose=0))}
    for i, w in enumerate(weights):
        out[f"w{i}"] = w
    save_npz(f"{GROUP}/models/tf_keras_misc_model", out)


def run():
    import keras

    run_cases()
    keras.backend.clear_session()
    previous = keras.config.floatx()
    keras.config.set_floatx("float32")
    try:
        model_cases()
        tf_keras_model_case()
    finally:
        keras.config.set_floatx(previous)
