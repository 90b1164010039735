"""Conv3D forward + backward: featherflow next to Keras 3 on TensorFlow, same data, one run.

Input (8, 16, 16, 16, 4) float32, Conv3D(8, 3) (valid padding, bias, no activation); one step
is the layer's call under a tape and the gradients of ``sum(y * r)`` with respect to the
input, kernel and bias. The two sides take turns (``--rounds``) so a burst of load on a shared
machine hits both; the minimum and median over all samples are printed, with the ratio
TensorFlow time / featherflow time (above 1: featherflow is faster). The gradients of the two
sides are compared first.

Run with the TensorFlow virtualenv (featherflow itself never imports TensorFlow):

    /work/venv-tf/bin/python bench/conv3d_layer.py [--rounds 5] [--repeat 10]
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _featherflow_step(x, kernel, bias, r):
    import featherflow as ff

    layer = ff.keras.layers.Conv3D(8, 3)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    xt, rt = ff.constant(x), ff.constant(r)

    def step():
        with ff.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
        return tape.gradient(y, [xt] + layer.trainable_weights, output_gradients=rt)

    return step


def _tensorflow_step(x, kernel, bias, r):
    import keras
    import tensorflow as tf

    layer = keras.layers.Conv3D(8, 3)
    layer.build(x.shape)
    layer.set_weights([kernel, bias])
    xt, rt = tf.constant(x), tf.constant(r)

    def step():
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
        return tape.gradient(y, [xt] + layer.trainable_weights, output_gradients=rt)

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 16, 16, 16, 4)).astype(np.float32)
    kernel = rng.normal(0, 0.1, (3, 3, 3, 4, 8)).astype(np.float32)
    bias = rng.normal(0, 0.1, 8).astype(np.float32)
    r = rng.normal(size=(8, 14, 14, 14, 8)).astype(np.float32)
    sides = {"featherflow": _featherflow_step(x, kernel, bias, r),
             "tensorflow": _tensorflow_step(x, kernel, bias, r)}
    grads = {name: [np.asarray(g) for g in step()] for name, step in sides.items()}
    for label, a, b in zip(("input", "kernel", "bias"), grads["featherflow"],
                           grads["tensorflow"]):
        print(f"gradient of the {label}: max |ff - tf| / max |tf| = "
              f"{np.abs(a - b).max() / np.abs(b).max():.2e}")
    samples = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, step in sides.items():
            step()
            for _ in range(args.repeat):
                start = time.perf_counter()
                step()
                samples[name].append(time.perf_counter() - start)
    for name, ts in samples.items():
        print(f"{name:12s} forward+backward: min {min(ts) * 1e3:7.2f} ms, median "
              f"{np.median(ts) * 1e3:7.2f} ms ({len(ts)} samples)")
    ratio = min(samples["tensorflow"]) / min(samples["featherflow"])
    print(f"tensorflow / featherflow (min): {ratio:.2f}; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
