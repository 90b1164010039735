"""The Keras-API side of the benchmark: runs one workload on featherflow or on Keras-on-TF.

Both frameworks run THIS SAME code (`import featherflow as tf` or `import tensorflow as tf`),
so the two sides cannot drift apart: any difference in the numbers is the library, not the
script. Started by run.py in its own interpreter, one process per workload:

    python side_keras_api.py --framework featherflow --workload xor --params '{"epochs": 2000}'

It prints one `BENCH_RESULT {...}` line (see common.emit) and exits 0 even when the workload
fails, so the driver can show the error next to the other frameworks' numbers.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time

import numpy as np
from common import (
    TRANSFORMER,
    Repeats,
    classification_data,
    emit,
    error_text,
    image_data,
    linreg_data,
    numpy_versions,
    per_call_seconds,
    token_data,
    truth_table,
    xor_initial_weights,
)

MODULES = {"featherflow": "featherflow", "keras-tf": "tensorflow"}
WARMUP_BATCHES = 4


def load_framework(name: str):
    """Import the framework and check it is usable, or raise with what is missing."""
    module = importlib.import_module(MODULES[name])
    if getattr(module, "__file__", None) is None:
        # A package directory without __init__.py imports as an empty namespace package.
        raise ImportError(
            f"{MODULES[name]} imported as an empty namespace package from "
            f"{list(getattr(module, '__path__', []))}: its __init__.py does not exist yet"
        )
    module.keras.Sequential  # noqa: B018 - TF loads tf.keras lazily; fail here, not mid-timing
    return module


def versions(tf, name: str) -> dict:
    info = numpy_versions()
    info[MODULES[name]] = getattr(tf, "__version__", "unknown")
    keras_version = getattr(tf.keras, "__version__", None)
    if keras_version is None and name == "keras-tf":
        import keras

        keras_version = keras.__version__
    if keras_version is not None:
        info["keras"] = keras_version
    return info


def timed_fit(tf, build, compile_kwargs, x, y, fit_kwargs, warmup: bool):
    """compile() and fit() timed apart; an optional short fit first for the large workloads."""
    model = build()
    start = time.perf_counter()
    model.compile(**compile_kwargs())
    compiled = time.perf_counter()
    if warmup:
        rows = WARMUP_BATCHES * fit_kwargs["batch_size"]
        model.fit(x[:rows], y[:rows], batch_size=fit_kwargs["batch_size"], epochs=1, verbose=0)
    fit_start = time.perf_counter()
    history = model.fit(x, y, verbose=0, **fit_kwargs)
    fit_end = time.perf_counter()
    return fit_end - fit_start, compiled - start, model, history


def last(history, key):
    values = history.history.get(key)
    return float(values[-1]) if values else None


def repeat_fit(tf, repeat, build, compile_kwargs, x, y, fit_kwargs, warmup=False, check=None):
    samples, compile_samples = [], []
    model = history = None
    for _ in repeat:
        tf.keras.utils.set_random_seed(0)
        fit_s, compile_s, model, history = timed_fit(
            tf, build, compile_kwargs, x, y, fit_kwargs, warmup
        )
        samples.append(fit_s)
        compile_samples.append(compile_s)
    result = {"samples": samples, "compile_samples": compile_samples}
    result["check"] = {"loss": last(history, "loss")}
    if check is not None:
        result["check"].update(check(model, history))
    return result


def xor_model(tf):
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(2, activation="sigmoid", input_shape=(2,)))
    model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
    return model


def truth_check(x):
    def check(model, history):
        predictions = np.round(np.asarray(model.predict(x, verbose=0))).reshape(-1)
        return {
            "accuracy": last(history, "accuracy"),
            "predictions": [int(v) for v in predictions],
        }

    return check


def w_linreg(tf, p, repeat):
    x, y = linreg_data()

    def build():
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.Dense(units=1, input_dim=1))
        return model

    return repeat_fit(
        tf,
        repeat,
        build,
        lambda: {"optimizer": "sgd", "loss": "mse"},
        x,
        y,
        {"epochs": p["epochs"], "batch_size": 32},
    )


def w_and(tf, p, repeat):
    x, y = truth_table("and")

    def build():
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.Dense(1, activation="sigmoid", input_shape=(2,)))
        return model

    def compile_kwargs():
        return {"optimizer": "sgd", "loss": "binary_crossentropy", "metrics": ["accuracy"]}

    return repeat_fit(
        tf,
        repeat,
        build,
        compile_kwargs,
        x,
        y,
        {"epochs": p["epochs"], "batch_size": 4},
        check=truth_check(x),
    )


def xor_compile_kwargs(tf):
    return lambda: {
        "optimizer": tf.keras.optimizers.SGD(learning_rate=0.1),
        "loss": "binary_crossentropy",
        "metrics": ["accuracy"],
    }


def w_xor(tf, p, repeat):
    x, y = truth_table("xor")
    return repeat_fit(
        tf,
        repeat,
        lambda: xor_model(tf),
        xor_compile_kwargs(tf),
        x,
        y,
        {"epochs": p["epochs"], "batch_size": 4},
        check=truth_check(x),
    )


def per_call_repeats(tf, repeat, budget_s, make_call):
    samples, calls = [], []
    for _ in repeat:
        tf.keras.utils.set_random_seed(0)
        seconds, count = per_call_seconds(make_call(), budget_s)
        samples.append(seconds)
        calls.append(count)
    return {"samples": samples, "check": {"calls_per_repeat": calls}}


def xor_ready_model(tf):
    model = xor_model(tf)
    model.compile(**xor_compile_kwargs(tf)())
    return model


def w_xor_predict1(tf, p, repeat):
    x1 = truth_table("xor")[0][:1]

    def make_call():
        model = xor_ready_model(tf)
        return lambda: model.predict(x1, verbose=0)

    return per_call_repeats(tf, repeat, p["budget_s"], make_call)


def w_xor_predict_on_batch1(tf, p, repeat):
    x1 = truth_table("xor")[0][:1]

    def make_call():
        model = xor_ready_model(tf)
        return lambda: model.predict_on_batch(x1)

    return per_call_repeats(tf, repeat, p["budget_s"], make_call)


def w_xor_call1(tf, p, repeat):
    x1 = truth_table("xor")[0][:1]

    def make_call():
        model = xor_ready_model(tf)
        return lambda: model(x1)

    return per_call_repeats(tf, repeat, p["budget_s"], make_call)


def w_custom_loop(tf, p, repeat):
    """The seed's XOR net written by hand: GradientTape, matmul, sigmoid, assign_sub."""
    x_np, y_np = truth_table("xor")
    lr = 0.1
    samples, loss = [], None
    for _ in repeat:
        weights = [tf.Variable(w) for w in xor_initial_weights()]
        x = tf.constant(x_np)
        y = tf.constant(y_np)
        start = time.perf_counter()
        for _step in range(p["steps"]):
            with tf.GradientTape() as tape:
                hidden = tf.sigmoid(tf.matmul(x, weights[0]) + weights[1])
                output = tf.sigmoid(tf.matmul(hidden, weights[2]) + weights[3])
                loss = tf.reduce_mean(tf.square(output - y))
            grads = tape.gradient(loss, weights)
            for variable, grad in zip(weights, grads):
                variable.assign_sub(lr * grad)
        samples.append((time.perf_counter() - start) / p["steps"])
    return {"samples": samples, "check": {"loss": float(np.asarray(loss))}}


def mlp_model(tf):
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Dense(128, activation="relu", input_shape=(784,)))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    return model


def adam_sparse(tf):
    return lambda: {
        "optimizer": tf.keras.optimizers.Adam(),
        "loss": "sparse_categorical_crossentropy",
    }


def w_mlp(tf, p, repeat):
    x, y = classification_data(p["rows"], (784,), 10)
    return repeat_fit(
        tf,
        repeat,
        lambda: mlp_model(tf),
        adam_sparse(tf),
        x,
        y,
        {"epochs": 1, "batch_size": 128},
        warmup=True,
    )


def w_mlp_predict(tf, p, repeat):
    x, _ = classification_data(p["rows"], (784,), 10)
    samples, out = [], None
    for _ in repeat:
        tf.keras.utils.set_random_seed(0)
        model = mlp_model(tf)
        model.compile(**adam_sparse(tf)())
        model.predict(x[:1024], batch_size=1024, verbose=0)
        start = time.perf_counter()
        out = model.predict(x, batch_size=1024, verbose=0)
        samples.append(time.perf_counter() - start)
    out = np.asarray(out)
    return {"samples": samples, "check": {"shape": list(out.shape), "row_sum": float(out[0].sum())}}


def w_cnn(tf, p, repeat):
    x, y = classification_data(p["rows"], (28, 28, 1), 10)
    layers = tf.keras.layers

    def build():
        model = tf.keras.Sequential()
        model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Flatten())
        model.add(layers.Dense(10, activation="softmax"))
        return model

    return repeat_fit(
        tf, repeat, build, adam_sparse(tf), x, y, {"epochs": 1, "batch_size": 128}, warmup=True
    )


def w_lstm(tf, p, repeat):
    x, y = classification_data(p["rows"], (100, 32), 2)

    def build():
        model = tf.keras.Sequential()
        model.add(tf.keras.layers.LSTM(64, input_shape=(100, 32)))
        model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
        return model

    def compile_kwargs():
        return {"optimizer": tf.keras.optimizers.Adam(), "loss": "binary_crossentropy"}

    return repeat_fit(
        tf, repeat, build, compile_kwargs, x, y, {"epochs": 1, "batch_size": 64}, warmup=True
    )


def _w_recurrent(kind):
    def workload(tf, p, repeat):
        x, y = classification_data(p["rows"], (100, 32), 2)

        def build():
            model = tf.keras.Sequential()
            model.add(tf.keras.Input((100, 32)))
            model.add(getattr(tf.keras.layers, kind)(64))
            model.add(tf.keras.layers.Dense(1, activation="sigmoid"))
            return model

        def compile_kwargs():
            return {"optimizer": tf.keras.optimizers.Adam(), "loss": "binary_crossentropy"}

        return repeat_fit(tf, repeat, build, compile_kwargs, x, y,
                          {"epochs": 1, "batch_size": 64}, warmup=True)

    return workload


def w_transformer(tf, p, repeat):
    c = TRANSFORMER
    x, y = token_data(p["rows"], c["length"], c["vocab"])
    layers = tf.keras.layers

    def build():
        inputs = tf.keras.Input((c["length"],), dtype="int64")
        h = layers.Embedding(c["vocab"], c["d_model"])(inputs)
        for _ in range(c["blocks"]):
            attended = layers.MultiHeadAttention(c["heads"], c["d_model"] // c["heads"])(h, h)
            h = layers.LayerNormalization(epsilon=1e-5)(h + attended)
            ff = layers.Dense(c["ff"], activation="relu")(h)
            ff = layers.Dense(c["d_model"])(ff)
            h = layers.LayerNormalization(epsilon=1e-5)(h + ff)
        pooled = layers.GlobalAveragePooling1D()(h)
        outputs = layers.Dense(2)(pooled)
        return tf.keras.Model(inputs, outputs)

    def compile_kwargs():
        return {"optimizer": tf.keras.optimizers.Adam(1e-3),
                "loss": tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)}

    return repeat_fit(tf, repeat, build, compile_kwargs, x, y,
                      {"epochs": 1, "batch_size": c["batch"]}, warmup=True)


def image_pipeline(tf, x, y, per_element=False):
    def scale(image, label):
        return tf.cast(image, tf.float32) / 255.0, label

    def standardise(image, label):
        image = tf.cast(image, tf.float32)
        mean = tf.reduce_mean(image)
        std = tf.math.reduce_std(image)
        return (image - mean) / std, label

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.map(standardise if per_element else scale)
    return ds.shuffle(10000).batch(128).prefetch(tf.data.AUTOTUNE)


def w_pipeline(tf, p, repeat, per_element=False):
    x, y = image_data(p["rows"])
    samples, batches, total = [], 0, 0.0
    for _ in repeat:
        start = time.perf_counter()
        batches, last_batch = 0, None
        for batch in image_pipeline(tf, x, y, per_element):
            batches += 1
            last_batch = batch
        samples.append(time.perf_counter() - start)
        total = float(np.asarray(last_batch[0]).sum())
    return {"samples": samples, "check": {"batches": batches, "last_batch_sum": total}}


def image_mlp(tf):
    model = tf.keras.Sequential()
    model.add(tf.keras.layers.Flatten(input_shape=(28, 28)))
    model.add(tf.keras.layers.Dense(128, activation="relu"))
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    return model


def w_data_fit(tf, p, repeat, arrays=False):
    x, y = image_data(p["rows"])
    scaled = x.astype("float32") / 255.0
    samples, compile_samples, history = [], [], None
    for _ in repeat:
        tf.keras.utils.set_random_seed(0)
        model = image_mlp(tf)
        start = time.perf_counter()
        model.compile(**adam_sparse(tf)())
        compiled = time.perf_counter()
        rows = WARMUP_BATCHES * 128
        model.fit(scaled[:rows], y[:rows], batch_size=128, epochs=1, verbose=0)
        if arrays:
            fit_start = time.perf_counter()
            history = model.fit(scaled, y, batch_size=128, epochs=1, verbose=0)
        else:
            ds = image_pipeline(tf, x, y)
            fit_start = time.perf_counter()
            history = model.fit(ds, epochs=1, verbose=0)
        samples.append(time.perf_counter() - fit_start)
        compile_samples.append(compiled - start)
    return {"samples": samples, "compile_samples": compile_samples,
            "check": {"loss": last(history, "loss")}}


WORKLOADS = {
    "linreg": w_linreg,
    "and": w_and,
    "xor": w_xor,
    "xor_predict1": w_xor_predict1,
    "xor_call1": w_xor_call1,
    "xor_predict_on_batch1": w_xor_predict_on_batch1,
    "custom_loop": w_custom_loop,
    "mlp": w_mlp,
    "mlp_predict": w_mlp_predict,
    "cnn": w_cnn,
    "lstm": w_lstm,
    "gru": _w_recurrent("GRU"),
    "simple_rnn": _w_recurrent("SimpleRNN"),
    "transformer": w_transformer,
    "data_pipeline": w_pipeline,
    "data_pipeline_per_element": lambda tf, p, repeat: w_pipeline(tf, p, repeat, True),
    "data_fit": w_data_fit,
    "data_fit_arrays": lambda tf, p, repeat: w_data_fit(tf, p, repeat, arrays=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", choices=sorted(MODULES), required=True)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    parser.add_argument("--params", default="{}", help="JSON object of workload settings")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--budget",
        type=float,
        default=0.0,
        help="stop repeating once this many seconds are spent (0: take every repeat)",
    )
    args = parser.parse_args()
    try:
        tf = load_framework(args.framework)
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        emit({"status": "unavailable", "error": error_text(exc), "versions": numpy_versions()})
        return
    info = versions(tf, args.framework)
    repeat = Repeats(args.repeat, args.budget)
    try:
        result = WORKLOADS[args.workload](tf, json.loads(args.params), repeat)
    except Exception as exc:  # noqa: BLE001 - reported in the table instead of crashing the run
        emit({"status": "error", "error": error_text(exc), "versions": info})
        return
    emit({"status": "ok", "versions": info, **result})


if __name__ == "__main__":
    main()
