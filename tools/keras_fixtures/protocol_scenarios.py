"""Scenarios of the layer-call protocol and the model runner, written once for any Keras.

Each function takes a ``keras`` module (Keras 3, tf_keras or ``featherflow.keras``) and
returns plain JSON data. ``tools/make_protocol_fixtures.py`` runs them with real Keras into
``tests/fixtures/keras/protocol/``; ``tests/models/test_protocol_keras.py`` runs the same
code with featherflow and compares. Weights are fixed arrays, never random draws, so both
sides compute the same numbers.
"""

import numpy as np

X = np.array([[0.5, -1.0], [1.5, 2.0], [-0.5, 0.25], [1.0, 1.0]], "float32")
Y = np.array([[1.0], [0.0], [0.5], [2.0]], "float32")


def _fixed(shape, offset):
    n = int(np.prod(shape))
    return (np.sin(np.arange(n, dtype="float64") * 0.7 + offset) * 0.5).reshape(shape).astype(
        "float32")


def _set_fixed(model):
    model.set_weights([_fixed(w.shape, i) for i, w in enumerate(model.get_weights())])


def _floats(values):
    return [float(np.asarray(v)) for v in values]


def training_flags(keras):
    """The ``training`` value a nested layer sees in fit, evaluate, predict and calls, when
    the model's own ``call`` has no ``training`` parameter, and under an explicit
    ``training=False`` of a nested model."""

    class Probe(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = []

        def call(self, x, training=None):
            self.seen.append(None if training is None else bool(training))
            return x

    class Sub(keras.Model):
        def __init__(self):
            super().__init__()
            self.probe = Probe()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(self.probe(x))

    out = {}
    model = Sub()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    for what, run in [
        ("fit", lambda: model.fit(X, Y, batch_size=4, epochs=1, verbose=0)),
        ("train_on_batch", lambda: model.train_on_batch(X, Y)),
        ("evaluate", lambda: model.evaluate(X, Y, batch_size=4, verbose=0)),
        ("predict", lambda: model.predict(X, batch_size=4, verbose=0)),
        ("call", lambda: model(X)),
        ("call_training_true", lambda: model(X, training=True)),
    ]:
        model.probe.seen.clear()
        run()
        out[what] = list(model.probe.seen)

    base_in = keras.Input((2,))
    inner = Probe(name="inner_probe")
    base = keras.Model(base_in, inner(base_in))
    inputs = keras.Input((2,))
    outer = Probe(name="outer_probe")
    outputs = keras.layers.Dense(1)(outer(base(inputs, training=False)))
    nested = keras.Model(inputs, outputs)
    nested.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    inner.seen.clear()
    outer.seen.clear()
    nested.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    out["nested_fit_inner"] = list(inner.seen)
    out["nested_fit_outer"] = list(outer.seen)
    return out


def losses_per_call(keras, reduce_sum=None):
    """Activity regularizer and add_loss values: per call, after fit, after predict.

    ``reduce_sum`` sums a tensor (``keras.ops.sum``, or tf.keras 2's ``backend.sum``)."""
    reduce_sum = reduce_sum or getattr(getattr(keras, "ops", None), "sum", None) \
        or keras.backend.sum

    class AddsLoss(keras.layers.Layer):
        def call(self, x):
            self.add_loss(0.01 * reduce_sum(x))
            return x

    def build():
        model = keras.Sequential([
            keras.Input((2,)),
            keras.layers.Dense(3, activity_regularizer=keras.regularizers.L2(0.1), name="d1"),
            AddsLoss(name="adds"),
            keras.layers.Dense(1, name="d2"),
        ])
        _set_fixed(model)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse",
                      run_eagerly=True)
        return model

    out = {}
    model = build()
    model(X)
    out["losses_after_call"] = _floats(model.losses)
    model(X[:2])
    out["losses_after_call_of_2"] = _floats(model.losses)
    out["test_on_batch"] = float(model.test_on_batch(X, Y))
    out["train_on_batch"] = float(model.train_on_batch(X, Y))
    out["weights_after_step"] = [np.asarray(w).tolist() for w in model.get_weights()]
    model.predict(X[:3], verbose=0)
    out["losses_after_predict_of_3"] = _floats(model.losses)
    out["evaluate_after_predict"] = float(model.evaluate(X, Y, batch_size=4, verbose=0))
    history = model.fit(X, Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    out["fit_loss"] = [float(v) for v in history.history["loss"]]
    out["test_on_batch_after_fit"] = float(model.test_on_batch(X, Y))
    return out


def masks(keras):
    """A mask made by Embedding reaches a layer's ``mask`` argument and an LSTM."""

    seen = {}

    class MaskProbe(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.supports_masking = True

        def call(self, x, mask=None):
            try:
                seen["mask"] = None if mask is None else np.asarray(mask).tolist()
            except (TypeError, ValueError, NotImplementedError):
                pass  # a symbolic mask, while the model is built: nothing to record
            return x

    probe = MaskProbe()
    model = keras.Sequential([
        keras.Input((4,), dtype="int32"),
        keras.layers.Embedding(5, 3, mask_zero=True),
        probe,
        keras.layers.LSTM(2, return_sequences=True),
    ])
    _set_fixed(model)
    assert len(model.weights) == 4, "every layer must be built before its weights are set"
    ids = np.array([[1, 2, 0, 0], [3, 4, 2, 0]], "int32")
    y = np.asarray(model(ids))
    return {"mask_seen": seen.get("mask"), "outputs": y.tolist(),
            "output_mask": np.asarray(getattr(model(ids), "_keras_mask", None)).tolist()}


def graph_access(keras):
    """``input``/``output`` of models and layers, and a model cut out of another."""
    seq = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, name="x"),
                            keras.layers.Dense(1, name="y")])
    _set_fixed(seq)
    cut = keras.Model(seq.inputs[0], seq.get_layer("x").output)

    class SubFunctional(keras.Model):
        def __init__(self):
            inputs = keras.Input((2,))
            outputs = keras.layers.Dense(2)(keras.layers.Dense(4)(inputs))
            super().__init__(inputs=inputs, outputs=outputs)

    sub = SubFunctional()
    return {
        "seq_inputs_shape": [list(t.shape) for t in seq.inputs],
        "seq_outputs_shape": [list(t.shape) for t in seq.outputs],
        "layer_x_output_shape": list(seq.get_layer("x").output.shape),
        "cut_output_shape": list(cut.output.shape),
        "cut_layers": [type(la).__name__ for la in cut.layers],
        "cut_predict": np.asarray(cut.predict(X, verbose=0)).tolist(),
        "sub_built": bool(sub.built),
        "sub_layers": len(sub.layers),
        "sub_params": int(sub.count_params()),
        "sub_output_shape": list(sub.output.shape),
    }


def unknown_argument(keras):
    """The class of the error for an unknown constructor keyword."""
    try:
        keras.layers.Dense(2, unitz=3)
    except Exception as err:  # noqa: BLE001 - the class is what we record
        return {"error_class": [c.__name__ for c in type(err).__mro__
                                if c.__name__ in ("TypeError", "ValueError")]}
    return {"error_class": []}


def unbuilt_summary(keras):
    """What summary() prints for a Sequential model that is not built yet."""
    model = keras.Sequential([keras.layers.Dense(2, name="first"),
                              keras.layers.Dense(1, name="second")])
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return {"text": "\n".join(lines)}


SCENARIOS = {
    "training_flags": training_flags,
    "losses_per_call": losses_per_call,
    "masks": masks,
    "graph_access": graph_access,
    "unknown_argument": unknown_argument,
    "unbuilt_summary": unbuilt_summary,
}
