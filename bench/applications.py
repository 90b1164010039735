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
(the children inherit the environment); ``--cpu`` then times process CPU seconds, which a
busy machine disturbs much less than wall-clock time. With ``--torch <python>`` (an interpreter with
torch and torchvision) torchvision's models of the same architectures run as a third side
(eval mode, ``torch.inference_mode()``). Results: bench/RESULTS.md.
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
clock = time.process_time if os.environ.get("FF_BENCH_CPU") == "1" else time.perf_counter
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
        start = clock()
        model.predict_on_batch(x)
        best = min(best, clock() - start)
    print(best, flush=True)
"""

# the PyTorch side (torchvision's models of the same architectures, eval mode, no autograd,
# NCHW float32), same protocol; threads: torch's default, or OMP_NUM_THREADS when set
_TORCH_SIDE = r"""
import json, os, sys, time
import numpy as np
import torch, torchvision
names = {"MobileNetV2": "mobilenet_v2", "ResNet50": "resnet50",
         "EfficientNetB0": "efficientnet_b0"}
reps = int(sys.argv[2])
clock = time.process_time if os.environ.get("FF_BENCH_CPU") == "1" else time.perf_counter
if os.environ.get("OMP_NUM_THREADS"):
    torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
models = {}
print("ready", torch.__version__, torchvision.__version__, torch.get_num_threads(), flush=True)
for line in sys.stdin:
    name, batch = line.split()
    batch = int(batch)
    if name not in models:
        models[name] = getattr(torchvision.models, names[name])(weights=None).eval()
    model = models[name]
    x = torch.from_numpy(np.random.default_rng(0).uniform(-1, 1, (batch, 3, 224, 224))
                         .astype("float32"))
    with torch.inference_mode():
        for _ in range(2):
            model(x)
        best = float("inf")
        for _ in range(reps):
            start = clock()
            model(x)
            best = min(best, clock() - start)
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
    clock = time.process_time if os.environ.get("FF_BENCH_CPU") == "1" else time.perf_counter
    best = float("inf")
    for _ in range(reps):
        start = clock()
        model.predict_on_batch(x)
        best = min(best, clock() - start)
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
    parser.add_argument("--torch", default=os.environ.get("FF_BENCH_TORCHVISION_PYTHON"),
                        help="a Python with torch + torchvision: torchvision as a third side")
    parser.add_argument("--cpu", action="store_true",
                        help="time process CPU seconds instead of wall-clock seconds (with one "
                             "thread per side: the work done, whatever else the machine runs)")
    parser.add_argument("--models", default=",".join(FAMILIES))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--gemm", action="store_true",
                        help="instead: GEMM efficiency of ResNet50's convolutions (featherflow)")
    args = parser.parse_args(argv)
    if args.gemm:
        return gemm_efficiency(batch=int(args.batches.split(",")[-1]), reps=args.reps)
    names = args.models.split(",")
    batches = [int(b) for b in args.batches.split(",")]
    if args.cpu:
        os.environ["FF_BENCH_CPU"] = "1"  # the children inherit it

    import featherflow as tf

    peers = {"keras": subprocess.Popen(
        [args.tf, "-c", _TF_SIDE, json.dumps(FAMILIES), str(args.reps)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)}
    if args.torch:
        peers["torch"] = subprocess.Popen(
            [args.torch, "-c", _TORCH_SIDE, json.dumps(FAMILIES), str(args.reps)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        versions = {}
        for side, child in peers.items():
            ready = child.stdout.readline().split()
            if not ready or ready[0] != "ready":
                raise RuntimeError(f"the {side} side did not start (is it installed?)")
            versions[side] = " ".join(ready[1:])
        models = {}
        times = {(n, b): {"featherflow": [], **{side: [] for side in peers}}
                 for n in names for b in batches}
        for r in range(args.rounds):
            for name in names:
                for batch in batches:
                    ff = _featherflow_time(tf, models, name, batch, args.reps)
                    times[(name, batch)]["featherflow"].append(ff)
                    said = [f"featherflow {ff:.3f} s"]
                    for side, child in peers.items():
                        child.stdin.write(f"{name} {batch}\n")
                        child.stdin.flush()
                        t = float(child.stdout.readline())
                        times[(name, batch)][side].append(t)
                        said.append(f"{side} {t:.3f} s")
                    print(f"round {r + 1} {name} batch {batch}: " + ", ".join(said),
                          flush=True)
    finally:
        for child in peers.values():
            child.stdin.close()
            child.wait(timeout=60)
    print(f"\nfeatherflow {tf.__version__}, Keras {versions['keras']}"
          + (f", torch/torchvision/threads {versions['torch']}" if "torch" in peers else "")
          + f", NumPy {np.__version__}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")
    head = "| model | batch | featherflow images/s | Keras-TF images/s | featherflow / Keras |"
    rule = "|---|---|---|---|---|"
    if "torch" in peers:
        head += " torchvision images/s | featherflow / torchvision |"
        rule += "---|---|"
    print(head)
    print(rule)
    for (name, batch), sides in times.items():
        ff = batch / statistics.median(sides["featherflow"])
        ke = batch / statistics.median(sides["keras"])
        row = f"| {name} | {batch} | {ff:.1f} | {ke:.1f} | {ff / ke:.2f} |"
        if "torch" in peers:
            tv = batch / statistics.median(sides["torch"])
            row += f" {tv:.1f} | {ff / tv:.2f} |"
        print(row)


if __name__ == "__main__":
    main()
