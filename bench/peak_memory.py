"""Peak resident memory of one training epoch: featherflow, PyTorch and Keras on TensorFlow.

Issue 20's row "peak memory of the MLP and CNN epochs <= PyTorch's peak RSS". Each
(framework, workload) pair runs in a fresh subprocess, which

1. imports its framework (one BLAS / intra-op thread: the machine is shared),
2. builds the workload's data with bench/common.py (the same arrays as bench/run.py),
3. records its resident set size then (`VmRSS`, the "baseline") and resets the kernel's
   high-water mark (`echo 5 > /proc/self/clear_refs`, Linux >= 4.0),
4. builds, compiles and fits the model for one epoch, as bench/run.py's `mlp` / `cnn`
   workloads do (same model, optimizer, batch 128; no warm-up fit),
5. reports the high-water mark since the reset (`VmHWM`, the epoch's peak RSS), the growth
   over the baseline, and `getrusage(RUSAGE_SELF).ru_maxrss`, the lifetime peak that includes
   the imports.

The interpreters differ (TensorFlow's import alone is ~1 GB of mappings, PyTorch's ~300 MB), so
the growth column is the fairer comparison of what an epoch costs; the peak column is what a
user's machine sees. `--trace` (featherflow only) adds tracemalloc's peak of NumPy's traced
allocations during the epoch and the allocation sites alive at a sampled peak batch.

    python bench/peak_memory.py                        # mlp and cnn, all three frameworks
    python bench/peak_memory.py --frameworks featherflow,torch --only mlp --trace
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
MARKER = "PEAK_RESULT "
PYTHONS = {
    "featherflow": sys.executable,
    "keras-tf": os.environ.get("FF_BENCH_TF_PYTHON", "/work/venv-tf/bin/python"),
    "torch": os.environ.get("FF_BENCH_TORCH_PYTHON", "/work/venv-torch/bin/python"),
}
WORKLOADS = ("mlp", "cnn")
ROWS = {"mlp": 60000, "cnn": 6000}
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "TF_CPP_MIN_LOG_LEVEL": "3",
}


def status_kb(field: str) -> int:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field} line (needs Linux)")


def reset_high_water_mark() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


# ---------------------------------------------------------------- the side (one subprocess)


def keras_side(name: str, workload: str, trace: bool) -> dict:
    import importlib

    tf = importlib.import_module("featherflow" if name == "featherflow" else "tensorflow")
    layers = tf.keras.layers
    from common import classification_data

    if workload == "mlp":
        x, y = classification_data(ROWS["mlp"], (784,), 10)
    else:
        x, y = classification_data(ROWS["cnn"], (28, 28, 1), 10)
    gc.collect()
    baseline = status_kb("VmRSS")
    reset_high_water_mark()
    tracer = None
    if trace:
        tracer = PeakTracer()
    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential()
    if workload == "mlp":
        model.add(layers.Dense(128, activation="relu", input_shape=(784,)))
        model.add(layers.Dense(10, activation="softmax"))
    else:
        model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Conv2D(64, (3, 3), activation="relu"))
        model.add(layers.MaxPooling2D((2, 2)))
        model.add(layers.Flatten())
        model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=tf.keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    callbacks = [tracer.callback(tf)] if tracer is not None else []
    history = model.fit(x, y, batch_size=128, epochs=1, verbose=0, callbacks=callbacks)
    result = {"baseline_kb": baseline, "loss": float(history.history["loss"][-1])}
    if tracer is not None:
        result["trace"] = tracer.report()
    return result


class PeakTracer:
    """tracemalloc during the epoch: NumPy registers its buffers with it, so the traced peak is
    the arrays alive at once; the sites are those of the batch whose traced total was largest
    at its end (a sample, not the exact instant of the peak)."""

    def __init__(self):
        import tracemalloc

        self.tracemalloc = tracemalloc
        tracemalloc.start(8)
        self.best = None
        self.best_total = -1

    def callback(self, tf):
        tracer = self

        class Sample(tf.keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                current, _ = tracer.tracemalloc.get_traced_memory()
                if current > tracer.best_total and batch % 50 == 1:
                    tracer.best_total = current
                    tracer.best = tracer.tracemalloc.take_snapshot()

        return Sample()

    def report(self) -> dict:
        current, peak = self.tracemalloc.get_traced_memory()
        sites = []
        if self.best is not None:
            for stat in self.best.statistics("traceback")[:8]:
                frames = [
                    f"{Path(f.filename).name}:{f.lineno}"
                    for f in stat.traceback
                    if "tracemalloc" not in f.filename
                ][:4]
                sites.append({"kb": stat.size // 1024, "count": stat.count, "where": frames})
        return {
            "traced_peak_kb": peak // 1024,
            "traced_end_kb": current // 1024,
            "sampled_batch_total_kb": self.best_total // 1024,
            "sites": sites,
        }


def torch_side(workload: str) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(1)
    from common import classification_data

    nn = torch.nn
    if workload == "mlp":
        x_np, y_np = classification_data(ROWS["mlp"], (784,), 10)
    else:
        x_np, y_np = classification_data(ROWS["cnn"], (28, 28, 1), 10)
        # A PyTorch user holds the images channels-first; the channels-last copy is dropped.
        x_np = np.ascontiguousarray(x_np.transpose(0, 3, 1, 2))
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    gc.collect()
    baseline = status_kb("VmRSS")
    reset_high_water_mark()
    torch.manual_seed(0)
    if workload == "mlp":
        model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    else:
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * 5 * 5, 10),
        )
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    perm = torch.randperm(n)
    running = 0.0
    for start in range(0, n, 128):
        idx = perm[start : start + 128]
        xb, yb = x[idx], y[idx]
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        running += loss.item() * len(idx)
    return {"baseline_kb": baseline, "loss": running / n}


def side_main(name: str, workload: str, trace: bool) -> None:
    sys.path.insert(0, str(BENCH_DIR))
    before_kb = status_kb("VmRSS")
    if name == "torch":
        result = torch_side(workload)
    else:
        result = keras_side(name, workload, trace)
    result["interpreter_start_kb"] = before_kb
    result["epoch_peak_kb"] = status_kb("VmHWM")
    result["end_kb"] = status_kb("VmRSS")
    result["ru_maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(MARKER + json.dumps(result), flush=True)


# ---------------------------------------------------------------- the driver


def run_side(name: str, workload: str, trace: bool) -> dict:
    python = PYTHONS[name]
    if not Path(python).exists():
        return {"error": f"skipped ({python} not found)"}
    env = dict(os.environ, **ONE_THREAD)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT), str(BENCH_DIR), env.get("PYTHONPATH", "")]
    ).rstrip(os.pathsep)
    cmd = [python, str(Path(__file__).resolve()), "--side", name, "--workload", workload]
    if trace and name == "featherflow":
        cmd.append("--trace")
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=1200)
    for line in proc.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


def mb(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", choices=sorted(PYTHONS), help=argparse.SUPPRESS)
    parser.add_argument("--workload", choices=WORKLOADS, help=argparse.SUPPRESS)
    parser.add_argument("--only", default=",".join(WORKLOADS), help="mlp,cnn (default both)")
    parser.add_argument("--frameworks", default="featherflow,torch,keras-tf")
    parser.add_argument("--trace", action="store_true", help="tracemalloc sites (featherflow)")
    parser.add_argument("--json", help="write every result to this file")
    args = parser.parse_args()
    if args.side:
        side_main(args.side, args.workload, args.trace)
        return
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("MB; baseline = RSS after imports and data; epoch peak = VmHWM since then; "
          "growth = peak - baseline; ru_maxrss = lifetime peak (imports included)")
    print(f"{'workload':9} {'framework':12} {'start':>6} {'baseline':>9} {'epoch peak':>11} "
          f"{'growth':>7} {'ru_maxrss':>10} {'loss':>8}")
    results = {}
    for workload in args.only.split(","):
        for name in args.frameworks.split(","):
            res = run_side(name, workload, args.trace)
            results[f"{workload}/{name}"] = res
            if "error" in res:
                print(f"{workload:9} {name:12} {res['error']}")
                continue
            print(
                f"{workload:9} {name:12} {mb(res['interpreter_start_kb']):>6} "
                f"{mb(res['baseline_kb']):>9} {mb(res['epoch_peak_kb']):>11} "
                f"{mb(res['epoch_peak_kb'] - res['baseline_kb']):>7} "
                f"{mb(res['ru_maxrss_kb']):>10} {res['loss']:>8.4f}"
            )
            if "trace" in res:
                t = res["trace"]
                print(f"    tracemalloc: traced peak {mb(t['traced_peak_kb'])} MB, sampled "
                      f"batch total {mb(t['sampled_batch_total_kb'])} MB; largest sites:")
                for site in t["sites"]:
                    print(f"      {site['kb'] / 1024:7.1f} MB x{site['count']:<5} "
                          f"{' <- '.join(site['where'])}")
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
