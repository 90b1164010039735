"""Keras 3.15's adaptive pooling layers: AdaptiveAveragePooling1D/2D/3D and
AdaptiveMaxPooling1D/2D/3D.

Writes tests/fixtures/keras/layers_adaptive/:
- ``layers/<case>``: outputs, input gradients and configs through layer_runner. The layers run
  in float32 (TensorFlow's 3-D pooling kernels behind them have no float64) on float64 inputs.
- ``layer_cases``: the case names.
- ``models/adaptive_model.{keras,h5}`` and ``models/adaptive_model``: a small float32 model
  with adaptive layers (both layouts), saved by Keras 3, with inputs, weights, predictions and
  each layer's output shape.
"""

from __future__ import annotations

import numpy as np

from .common import OUT, rng_for, save_npz, to_json
from .layer_runner import run_layer

GROUP = "layers_adaptive"


def _x(name, shape):
    return rng_for(f"{GROUP}/{name}").normal(size=shape)


def run_cases():
    import keras

    L = keras.layers
    cases = []
    f32 = {"dtype": "float32"}

    def add(name, layer, inputs):
        out = run_layer(name, layer, inputs, save=False)
        save_npz(f"{GROUP}/layers/{name}", out)
        cases.append(name)

    x1 = _x("x1", (2, 10, 3))
    x2 = _x("x2", (2, 9, 7, 3))
    x3 = _x("x3", (2, 5, 7, 6, 2))
    for kind in ("Average", "Max"):
        low = kind.lower()
        add(f"{low}_1d", getattr(L, f"Adaptive{kind}Pooling1D")(4, **f32), [x1])
        add(f"{low}_1d_upsample", getattr(L, f"Adaptive{kind}Pooling1D")(13, **f32), [x1])
        add(f"{low}_1d_cf", getattr(L, f"Adaptive{kind}Pooling1D")(
            (3,), data_format="channels_first", **f32), [np.transpose(x1, (0, 2, 1))])
        add(f"{low}_2d", getattr(L, f"Adaptive{kind}Pooling2D")((4, 3), **f32), [x2])
        add(f"{low}_2d_int", getattr(L, f"Adaptive{kind}Pooling2D")(2, **f32), [x2])
        add(f"{low}_2d_larger", getattr(L, f"Adaptive{kind}Pooling2D")((11, 5), **f32), [x2])
        add(f"{low}_2d_cf", getattr(L, f"Adaptive{kind}Pooling2D")(
            (3, 4), data_format="channels_first", **f32), [np.transpose(x2, (0, 3, 1, 2))])
        add(f"{low}_3d", getattr(L, f"Adaptive{kind}Pooling3D")((2, 3, 4), **f32), [x3])
        add(f"{low}_3d_int", getattr(L, f"Adaptive{kind}Pooling3D")(3, **f32), [x3])
        add(f"{low}_3d_cf", getattr(L, f"Adaptive{kind}Pooling3D")(
            (3, 2, 5), data_format="channels_first", **f32),
            [np.transpose(x3, (0, 4, 1, 2, 3))])
    save_npz(f"{GROUP}/layer_cases", {"names": np.array(cases)})


def build_model(keras):
    """The model file's architecture (tests/layers/test_adaptive_pooling.py builds the same)."""
    L = keras.layers
    inputs = keras.Input(shape=(11, 9, 3), name="image")
    h = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")(inputs)
    h = L.AdaptiveMaxPooling2D((5, 4), name="adaptive_max")(h)
    h = L.AdaptiveAveragePooling2D(3, name="adaptive_avg")(h)
    h = L.Permute((3, 1, 2), name="to_cf")(h)
    h = L.AdaptiveAveragePooling2D((2, 2), data_format="channels_first", name="avg_cf")(h)
    h = L.Reshape((4, 4), name="steps")(h)
    h = L.AdaptiveMaxPooling1D(2, name="adaptive_max_1d")(h)
    out = L.Dense(3, name="dense")(L.Flatten(name="flat")(h))
    return keras.Model(inputs, out, name="adaptive_model")


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
        x = rng_for(f"{GROUP}/model/x").normal(size=(3, 11, 9, 3)).astype("float32")
        y = model.predict(x, verbose=0)
        for ext in ("keras", "h5"):
            model.save(folder / f"adaptive_model.{ext}")
            again = keras.models.load_model(folder / f"adaptive_model.{ext}")
            np.testing.assert_allclose(again.predict(x, verbose=0), y, rtol=1e-6)
        out = {"x": x, "y": y,
               "layer_names": np.array([layer.name for layer in model.layers]),
               "output_shapes": to_json({layer.name: list(layer.output.shape)
                                         for layer in model.layers}),
               "weight_names": to_json([v.path for v in model.weights])}
        for i, w in enumerate(model.get_weights()):
            out[f"w{i}"] = w
        save_npz(f"{GROUP}/models/adaptive_model", out)
    finally:
        keras.config.set_floatx("float64")


def run():
    run_cases()
    model_cases()
