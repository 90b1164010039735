"""Second-order reference numbers from real TensorFlow (float64): second derivatives of
elementwise expressions, Hessian-vector products of scalar ones, and the gradient of a
gradient penalty through a small Dense model with fixed weights.

Run with /work/venv-tf/bin/python tools/keras_fixtures/autodiff_second_order.py; writes
tests/fixtures/keras/autodiff/second_order.json. The expressions are stored as source text
(over ``tf``, ``x``, ``w``, ``c``) and evaluated by the test with featherflow as ``tf``.
"""

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tools.keras_fixtures.common import OUT, quiet_tensorflow, rng_for  # noqa: E402

#: f(x) elementwise: the fixture holds d2f/dx2 at x in (0.2, 0.9)
ELEMENTWISE = [
    "x ** 3", "tf.sin(x) * tf.exp(x)", "tf.math.log(x) + tf.sqrt(x) + 1 / x",
    "tf.cos(x) / (1 + x)", "tf.tan(x) - tf.math.atan(x)", "tf.math.rsqrt(x) * tf.square(x)",
    "tf.math.log1p(x) * tf.math.expm1(x)", "tf.math.sinh(x) + tf.math.cosh(x) * x",
    "tf.math.asin(x) + tf.math.acos(x) * x", "tf.math.erf(x) * x", "tf.math.reciprocal(x + 1)",
    "tf.pow(x, 2.5)", "tf.pow(2.0, x)", "tf.maximum(x * x, 0.3) + tf.minimum(x, 0.5) * x",
    "tf.math.squared_difference(x * x, 0.5)", "tf.abs(x - 0.5) * x",
    "tf.where(x > 0.5, x ** 2, x ** 3)", "tf.clip_by_value(x, 0.3, 0.8) * x",
    "tf.nn.sigmoid(x)", "tf.nn.tanh(x)", "tf.nn.elu(x - 0.5)", "tf.nn.selu(x - 0.5)",
    "tf.nn.softplus(x)", "x / (1 + tf.abs(x))", "tf.nn.silu(x)", "tf.nn.gelu(x)",
    "tf.math.log_sigmoid(x)", "tf.nn.relu(x - 0.5) * x",
    "tf.nn.leaky_relu(x - 0.5, alpha=0.25) * x",  # 0.25: TF keeps alpha as a float32
    "tf.exp(-x) * tf.nn.relu6(x * 8)",
]

#: f(x) scalar (x of shape (4, 3), w (3, 5), c (4, 5)): the fixture holds H(x) @ v
SCALAR = [
    "tf.reduce_sum(tf.nn.softmax(tf.matmul(x, w)) * c)",
    "tf.reduce_mean(tf.square(tf.matmul(x, w) - c))",
    "tf.reduce_sum(tf.nn.log_softmax(tf.matmul(x, w), axis=-1) * c)",
    "tf.reduce_sum(tf.reshape(tf.transpose(x), [-1])[:5] ** 3)",
    "tf.reduce_sum(tf.concat([x, x * x], axis=1) ** 2)",
    "tf.reduce_sum(tf.stack([x, tf.sin(x)], axis=0) ** 2)",
    "tf.reduce_max(x ** 2) + tf.reduce_mean(tf.exp(x), axis=0)[1]",
    "tf.reduce_sum(tf.broadcast_to(tf.reduce_sum(x, axis=0), [2, 3]) ** 3)",
    "tf.reduce_sum(tf.tile(x, [2, 1]) ** 3) + tf.reduce_sum(tf.reverse(x, [0]) * x)",
    "tf.reduce_sum(tf.gather(x, [0, 2, 2], axis=0) ** 3)",
    "tf.reduce_sum(tf.nn.sigmoid(tf.matmul(x, w, transpose_b=False)) * c)",
    "tf.reduce_sum(tf.split(tf.tanh(x), 3, axis=1)[1] ** 3)",
    "tf.reduce_sum(tf.pad(x, [[1, 0], [0, 2]]) ** 3)",
]


def main():
    quiet_tensorflow()
    import tensorflow as tf

    rng = rng_for("autodiff_second_order")
    out = {"elementwise": [], "scalar": [], "penalty": {}}
    x_el = rng.uniform(0.2, 0.9, size=7)
    for expr in ELEMENTWISE:
        x = tf.constant(x_el)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = eval(expr)
            g = t1.gradient(y, x)
        out["elementwise"].append({"expr": expr, "x": x_el.tolist(), "grad": g.numpy().tolist(),
                                   "second": t2.gradient(g, x).numpy().tolist()})
    xs, ws, cs = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
    vs = rng.normal(size=(4, 3))
    for expr in SCALAR:
        x, w, c = tf.constant(xs), tf.constant(ws), tf.constant(cs)  # noqa: F841 (eval reads them)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = eval(expr)
            g = tf.convert_to_tensor(t1.gradient(y, x))  # gather gives IndexedSlices
            gv = tf.reduce_sum(g * vs)
        out["scalar"].append({"expr": expr, "grad": g.numpy().tolist(),
                              "hvp": tf.convert_to_tensor(t2.gradient(gv, x)).numpy().tolist()})
    out["scalar_inputs"] = {"x": xs.tolist(), "w": ws.tolist(), "c": cs.tolist(),
                            "v": vs.tolist()}

    # gradient penalty (WGAN-GP style) through Dense layers with fixed float64 weights
    tf.keras.backend.set_floatx("float64")
    acts = ["tanh", "softplus", "sigmoid", "elu", "swish", "relu", None]
    layers = [tf.keras.layers.Dense(4, activation=a) for a in acts[:-1]]
    layers.append(tf.keras.layers.Dense(1))
    model = tf.keras.Sequential([tf.keras.Input((3,))] + layers)
    weights = [rng.normal(size=np.shape(v)) * 0.7 for v in model.get_weights()]
    model.set_weights(weights)
    xp = rng.normal(size=(6, 3))
    x = tf.constant(xp)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = model(x)
        g = inner.gradient(y, x)
        penalty = tf.reduce_mean((tf.norm(g, axis=1) - 1.0) ** 2)
    grads = outer.gradient(penalty, model.trainable_variables)
    out["penalty"] = {"activations": acts, "weights": [v.tolist() for v in weights],
                      "x": xp.tolist(), "input_grad": g.numpy().tolist(),
                      "penalty": float(penalty),
                      "grads": [None if v is None else v.numpy().tolist() for v in grads]}
    path = OUT / "autodiff" / "second_order.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=None, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes): {tf.__version__}")


if __name__ == "__main__":
    main()
