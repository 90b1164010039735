"""Functional models whose inputs are tensors from the middle of another graph (keras.io's
FeatureSpace example: ``keras.Model(inputs=encoded_features, outputs=...)``), and Keras 3's
symbolic tensor names, recorded from Keras 3.15.1 (tf.keras of TensorFlow 2.21)."""

import numpy as np


def _graph(tf):
    keras = tf.keras
    keras.backend.clear_session()
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = keras.layers.Concatenate(name="cat")([a, b])
    h2 = keras.layers.Dense(4, kernel_initializer="ones", bias_initializer="zeros",
                            name="d0")(h)
    x = keras.layers.Dense(5, activation="relu", kernel_initializer="ones",
                           bias_initializer="zeros", name="d1")(h2)
    y = keras.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros",
                           name="d2")(x)
    return keras, a, b, h, h2, x, y


def _middle_input(tf):
    keras, a, b, h, h2, x, y = _graph(tf)
    names = {"h": h.name, "h2": h2.name, "x": x.name, "y": y.name, "a": a.name}
    model = keras.Model(h2, y)
    whole = keras.Model({"a": a, "b": b}, y)
    value = np.arange(8, dtype="float32").reshape(2, 4) / 8
    raw = {"a": np.ones((2, 3), "float32"), "b": np.full((2, 2), 0.5, "float32")}
    config = model.get_config()
    return {"tensor_names": names,
            "layers": [[la.name, type(la).__name__] for la in model.layers],
            "inputs": [[t.name, list(t.shape), str(t.dtype)] for t in model.inputs],
            "input_repr": repr(model.inputs[0]),
            "whole_layers": [la.name for la in whole.layers],
            "params": model.count_params(),
            "out": np.asarray(model(value)),
            "predict": model.predict(value, verbose=0),
            "whole": whole.predict(raw, verbose=0),
            "config_layers": [la["name"] for la in config["layers"]]}


def _middle_inputs_two(tf):
    keras, a, b, h, h2, x, y = _graph(tf)
    z = keras.layers.Add(name="add")([h2, keras.layers.Dense(4, name="d3")(a)])
    model = keras.Model([h2, a], z)
    return {"layers": [la.name for la in model.layers],
            "inputs": [t.name for t in model.inputs]}


def _not_connected(tf):
    keras, a, b, h, h2, x, y = _graph(tf)
    try:
        keras.Model(x, h2)
    except ValueError:
        return "ValueError"
    return "no error"


def _fit_on_middle(tf):
    keras, a, b, h, h2, x, y = _graph(tf)
    model = keras.Model(h2, y)
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    rng = np.random.default_rng(0)
    data = rng.normal(size=(16, 4)).astype("float32")
    target = rng.normal(size=(16, 1)).astype("float32")
    history = model.fit(data, target, batch_size=8, epochs=2, shuffle=False, verbose=0)
    whole = keras.Model([a, b], y)
    return {"loss": history.history["loss"],
            "kernel": model.get_layer("d2").get_weights()[0],
            # the original graph runs with the trained (shared) layers
            "whole": whole.predict([np.ones((1, 3), "float32"), np.ones((1, 2), "float32")],
                                   verbose=0)}


def _tensor_names(tf):
    keras = tf.keras
    keras.backend.clear_session()
    unnamed = keras.Input((3,))
    named = keras.Input((3,), name="named")
    d = keras.layers.Dense(2)(unnamed)
    e = keras.layers.Dense(2)(named)
    s = d + e
    return [unnamed.name, named.name, d.name, e.name, s.name]


SCENARIOS = {
    "middle_input": _middle_input,
    "middle_inputs_two": _middle_inputs_two,
    "not_connected": _not_connected,
    "fit_on_middle": _fit_on_middle,
    "tensor_names": _tensor_names,
}
