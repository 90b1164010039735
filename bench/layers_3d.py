"""3-D layers forward + backward: featherflow next to Keras 3 on TensorFlow, same data, one run.

Workloads: ``conv3d``: input (8, 16, 16, 16, 4) float32, Conv3D(8, 3) (valid padding, bias, no
activation), gradients of ``sum(y * r)`` with respect to the input, kernel and bias;
``max_pool3d`` / ``avg_pool3d``: MaxPooling3D(2) / AveragePooling3D(2) on (8, 16, 16, 16, 8),
the input gradient. The two sides take turns (``--rounds``) so a burst of load on a shared
machine hits both; the minimum and median over all samples are printed, with the ratio
TensorFlow time / featherflow time (above 1: featherflow is faster). The gradients of the two
sides are compared first.

Run with the TensorFlow virtualenv (featherflow itself never imports TensorFlow):

    /work/venv-tf/bin/python bench/layers_3d.py [--only conv3d] [--rounds 5] [--repeat 10]
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _step(module, make_layer, x, weights, r):
    """One forward + backward of a fresh layer of ``module`` (featherflow or keras/tf)."""
    layer = make_layer()
    layer.build(x.shape)
    if weights:
        layer.set_weights(weights)
    xt, rt = module.constant(x), module.constant(r)

    def step():
        with module.GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt)
        return tape.gradient(y, [xt] + layer.trainable_weights, output_gradients=rt)

    return step


def _workloads(rng):
    x4 = rng.normal(size=(8, 16, 16, 16, 4)).astype(np.float32)
    x8 = rng.normal(size=(8, 16, 16, 16, 8)).astype(np.float32)
    kernel = rng.normal(0, 0.1, (3, 3, 3, 4, 8)).astype(np.float32)
    bias = rng.normal(0, 0.1, 8).astype(np.float32)
    return {
        "conv3d": (lambda layers: layers.Conv3D(8, 3), x4, [kernel, bias],
                   rng.normal(size=(8, 14, 14, 14, 8)).astype(np.float32)),
        "max_pool3d": (lambda layers: layers.MaxPooling3D(2), x8, [],
                       rng.normal(size=(8, 8, 8, 8, 8)).astype(np.float32)),
        "avg_pool3d": (lambda layers: layers.AveragePooling3D(2), x8, [],
                       rng.normal(size=(8, 8, 8, 8, 8)).astype(np.float32)),
    }


def _run(name, make, x, weights, r, args):
    # imported here: TensorFlow is only in the benchmark virtualenv, and featherflow must come
    # from this checkout (sys.path above)
    import keras
    import tensorflow as tf

    import featherflow as ff

    sides = {"featherflow": _step(ff, lambda: make(ff.keras.layers), x, weights, r),
             "tensorflow": _step(tf, lambda: make(keras.layers), x, weights, r)}
    grads = {side: [np.asarray(g) for g in step()] for side, step in sides.items()}
    print(f"{name}:")
    for label, a, b in zip(("input", "kernel", "bias"), grads["featherflow"],
                           grads["tensorflow"]):
        print(f"  gradient of the {label}: max |ff - tf| / max |tf| = "
              f"{np.abs(a - b).max() / np.abs(b).max():.2e}")
    samples = {side: [] for side in sides}
    for _ in range(args.rounds):
        for side, step in sides.items():
            step()
            for _ in range(args.repeat):
                start = time.perf_counter()
                step()
                samples[side].append(time.perf_counter() - start)
    for side, ts in samples.items():
        print(f"  {side:12s} forward+backward: min {min(ts) * 1e3:7.2f} ms, median "
              f"{np.median(ts) * 1e3:7.2f} ms ({len(ts)} samples)")
    ratio = min(samples["tensorflow"]) / min(samples["featherflow"])
    print(f"  tensorflow / featherflow (min): {ratio:.2f}; load average {os.getloadavg()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="conv3d,max_pool3d,avg_pool3d")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    workloads = _workloads(np.random.default_rng(0))
    for name in args.only.split(","):
        _run(name, *workloads[name], args)


if __name__ == "__main__":
    main()
