"""keras.applications inference: images per second, featherflow against Keras on TensorFlow.

    python bench/applications.py [--rounds 3] [--reps 3] [--tf /work/venv-tf/bin/python]
                                 [--models MobileNetV2,ResNet50,EfficientNetB0] [--batches 1,8]

Each model is built with ``weights=None`` at 224x224x3 (include_top=True, 1000 classes) on
both sides, and timed on the same seeded batch of pixels in [0, 255] (preprocessed by the
family's ``preprocess_input`` outside the timing) with ``model.predict_on_batch(x)`` after two
warm-up calls. Keras runs in its own interpreter as a child process that times one case
whenever asked, so every round times featherflow and then Keras on the same case while the
machine is in the same state. Each time is the best of ``reps`` calls; the table prints the
median over rounds as images per second and the ratio featherflow / Keras (above 1:
featherflow is faster). Both sides use every core they find (TF's intra-op pool, NumPy's
BLAS); on a shared machine also run it with one thread each, ``OPENBLAS_NUM_THREADS=1
OMP_NUM_THREADS=1 NUMBA_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1``
(the child inherits the environment). torchvision is not installed in this environment, so
PyTorch is not a peer here. Results: bench/RESULTS.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FAMILIES = {"MobileNetV2": "mobilenet_v2", "ResNet50": "resnet", "EfficientNetB0": "efficientnet"}

# the Keras side: builds the models, then reads "model batch" lines on stdin and answers with
# the best time in seconds
_TF_SIDE = r"""
import json, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
families, reps = json.loads(sys.argv[1]), int(sys.argv[2])
models = {}
print("ready", keras.__version__, flush=True)
for line in sys.stdin:
    name, batch = line.split()
    batch = int(batch)
    if name not in models:
        models[name] = getattr(keras.applications, name)(weights=None)
    model = models[name]
    family = getattr(keras.applications, families[name])
    x = np.random.default_rng(0).uniform(0, 255, (batch, 224, 224, 3)).astype("float32")
    x = np.asarray(family.preprocess_input(x))
    for _ in range(2):
        model.predict_on_batch(x)
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        model.predict_on_batch(x)
        best = min(best, time.perf_counter() - start)
    print(best, flush=True)
"""


def _featherflow_time(tf, models, name, batch, reps):
    if name not in models:
        models[name] = getattr(tf.keras.applications, name)(weights=None)
    model = models[name]
    family = getattr(tf.keras.applications, FAMILIES[name])
    x = np.random.default_rng(0).uniform(0, 255, (batch, 224, 224, 3)).astype("float32")
    x = np.asarray(family.preprocess_input(x))
    for _ in range(2):
        model.predict_on_batch(x)
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        model.predict_on_batch(x)
        best = min(best, time.perf_counter() - start)
    return best


def gemm_efficiency(batch=8, reps=3):
    """Each Conv2D of ResNet50 at 224x224 run alone (eager, its input shape, ``batch``): GFLOP/s
    against a large square float32 GEMM on the same threads, grouped by kernel and stage."""
    import featherflow as tf

    model = tf.keras.applications.ResNet50(weights=None)
    rng = np.random.default_rng(0)
    a = rng.random((2048, 2048), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(reps):
        a @ a
    peak = 2 * 2048 ** 3 * reps / (time.perf_counter() - start) / 1e9
    rows = []
    for layer in model.layers:
        if type(layer).__name__ != "Conv2D":
            continue
        shape = (batch,) + tuple(layer.input.shape[1:])
        x = tf.constant(rng.random(shape, dtype=np.float32))
        layer(x)
        best = float("inf")
        for _ in range(reps):
            start = time.perf_counter()
            layer(x)
            best = min(best, time.perf_counter() - start)
        _, oh, ow, f = layer.output.shape
        kh, kw, c, _ = layer.kernel.shape
        flops = 2.0 * batch * oh * ow * kh * kw * c * f
        rows.append((layer.name, f"{kh}x{kw}" + (" stride 2" if layer.strides[0] == 2 else ""),
                     flops, best))
    total_flops = sum(r[2] for r in rows)
    total_time = sum(r[3] for r in rows)
    print(f"float32 GEMM 2048^3: {peak:.1f} GFLOP/s; load average {os.getloadavg()[0]:.1f}")
    start = time.perf_counter()
    model.predict_on_batch(np.zeros((batch, 224, 224, 3), np.float32))
    print(f"whole model: {time.perf_counter() - start:.2f} s (first call)")
    print(f"ResNet50 convolutions, batch {batch}: {total_flops / 1e9:.1f} GFLOP in "
          f"{total_time:.2f} s = {total_flops / total_time / 1e9:.1f} GFLOP/s "
          f"({total_flops / total_time / 1e9 / peak:.0%} of the GEMM)")
    print("| convolutions | count | GFLOP | seconds | GFLOP/s | of GEMM |")
    print("|---|---|---|---|---|---|")
    groups = {}
    for name, kernel, flops, secs in rows:
        stage = name.split("_")[0]
        key = f"{stage} {kernel}"
        g = groups.setdefault(key, [0, 0.0, 0.0])
        g[0] += 1
        g[1] += flops
        g[2] += secs
    for key, (count, flops, secs) in groups.items():
        rate = flops / secs / 1e9
        print(f"| {key} | {count} | {flops / 1e9:.2f} | {secs:.3f} | {rate:.1f} | "
              f"{rate / peak:.0%} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tf", default=os.environ.get("FF_BENCH_TF_PYTHON",
                                                       "/work/venv-tf/bin/python"))
    parser.add_argument("--models", default=",".join(FAMILIES))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--gemm", action="store_true",
                        help="instead: GEMM efficiency of ResNet50's convolutions (featherflow)")
    args = parser.parse_args(argv)
    if args.gemm:
        return gemm_efficiency(batch=int(args.batches.split(",")[-1]), reps=args.reps)
    names = args.models.split(",")
    batches = [int(b) for b in args.batches.split(",")]

    import featherflow as tf

    child = subprocess.Popen([args.tf, "-c", _TF_SIDE, json.dumps(FAMILIES), str(args.reps)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        ready = child.stdout.readline().split()
        keras_version = ready[1] if len(ready) > 1 else "?"
        models = {}
        times = {(n, b): {"featherflow": [], "keras": []} for n in names for b in batches}
        for r in range(args.rounds):
            for name in names:
                for batch in batches:
                    ff = _featherflow_time(tf, models, name, batch, args.reps)
                    child.stdin.write(f"{name} {batch}\n")
                    child.stdin.flush()
                    keras_time = float(child.stdout.readline())
                    times[(name, batch)]["featherflow"].append(ff)
                    times[(name, batch)]["keras"].append(keras_time)
                    print(f"round {r + 1} {name} batch {batch}: featherflow {ff:.3f} s, "
                          f"Keras {keras_time:.3f} s", flush=True)
    finally:
        child.stdin.close()
        child.wait(timeout=60)
    print(f"\nfeatherflow {tf.__version__}, Keras {keras_version}, NumPy {np.__version__}, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print("| model | batch | featherflow images/s | Keras-TF images/s | featherflow / Keras |")
    print("|---|---|---|---|---|")
    for (name, batch), sides in times.items():
        ff = batch / statistics.median(sides["featherflow"])
        ke = batch / statistics.median(sides["keras"])
        print(f"| {name} | {batch} | {ff:.1f} | {ke:.1f} | {ff / ke:.2f} |")


if __name__ == "__main__":
    main()
