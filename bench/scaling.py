"""Scaling table (issue 20): featherflow and PyTorch as the MLP and the LSTM grow.

    python bench/scaling.py [--rounds 3] [--json out.json] [--plot bench/scaling.png]

Cases: an MLP 784-H relu-10 (softmax + sparse CE; PyTorch: logits + CrossEntropyLoss), Adam,
for hidden widths H in 64, 256, 1024, 2048 and batches 32, 128, 1024, one epoch over the same
8192 rows each time; and an LSTM(64) over sequences of 32 features, Dense(1), BCE, Adam, batch
64, 2048 sequences of length 25, 50, 100, 200 and 400.

Each framework runs in ONE long-lived worker process (featherflow: this python; PyTorch:
$FF_BENCH_TORCH_PYTHON, default /work/venv-torch/bin/python) with one thread everywhere
(OPENBLAS/OMP/MKL/NUMBA_NUM_THREADS=1, torch.set_num_threads(1)). A case's model is built and
warmed up (one fit on 4 batches) the first time it is asked for; every later request fits one
epoch of the case and returns its process CPU time (time.process_time). The driver asks the
two workers in turn, case by case, for --rounds rounds, and keeps the best (minimum) CPU time
of each side: on a machine shared with other agents CPU time is disturbed much less than the
wall clock, and the minimum is the run least disturbed by cache and memory-bus contention.

Columns: featherflow's and PyTorch's CPU seconds per epoch, their ratio featherflow / PyTorch
(below 1: featherflow is faster; issue 20's targets are in this direction), and each side's
achieved fraction of the machine's GEMM throughput: the floating-point operations of the
matrix products one epoch needs, divided by its time, over the GFLOP/s of a plain
numpy.matmul of two 2048 x 2048 float32 matrices measured in the same run on one thread.

GEMM FLOPs counted per epoch (2 per multiply-add): MLP, per row, the two layers' forward
products and kernel gradients, and the input gradient of the second layer (the first layer's
input gradient is not needed): 2 * (784 H + 10 H) * 2 + 2 * 10 H. LSTM, per sequence and step,
the input and recurrent projections forward, their kernel gradients and the input gradients of
the hidden state (the input sequence's gradient is not needed): 2 * 256 * (32 + 64) * 2 +
2 * 256 * 64; the Dense head is negligible. Element-wise gate arithmetic is not counted, so an
LSTM cannot reach a fraction near 1: its GEMMs are 64 x 256 per step.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
MARKER = "SCALING "
TORCH_PYTHON = os.environ.get("FF_BENCH_TORCH_PYTHON", "/work/venv-torch/bin/python")
ONE_THREAD = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}
MLP_WIDTHS = (64, 256, 1024, 2048)
MLP_BATCHES = (32, 128, 1024)
MLP_ROWS = 8192
LSTM_LENGTHS = (25, 50, 100, 200, 400)
LSTM_ROWS = 2048
LSTM_BATCH = 64
LSTM_UNITS, LSTM_FEATURES = 64, 32
WARMUP_BATCHES = 4


def cases():
    out = []
    for width in MLP_WIDTHS:
        for batch in MLP_BATCHES:
            out.append({"kind": "mlp", "width": width, "batch": batch, "rows": MLP_ROWS})
    for length in LSTM_LENGTHS:
        out.append({"kind": "lstm", "length": length, "batch": LSTM_BATCH, "rows": LSTM_ROWS})
    return out


def case_key(case: dict) -> str:
    if case["kind"] == "mlp":
        return f"mlp H={case['width']} B={case['batch']}"
    return f"lstm T={case['length']}"


def gemm_flops(case: dict) -> float:
    if case["kind"] == "mlp":
        h = case["width"]
        return case["rows"] * (2 * (784 * h + 10 * h) * 2 + 2 * 10 * h)
    gates = 4 * LSTM_UNITS
    per_step = 2 * gates * (LSTM_FEATURES + LSTM_UNITS) * 2 + 2 * gates * LSTM_UNITS
    return case["rows"] * case["length"] * per_step


# ------------------------------------------------------------------ workers


def case_data(case: dict):
    from common import classification_data

    if case["kind"] == "mlp":
        return classification_data(case["rows"], (784,), 10)
    return classification_data(case["rows"], (case["length"], LSTM_FEATURES), 2)


class FeatherflowWorker:
    def __init__(self):
        import featherflow as tf

        self.tf = tf
        self.ready = {}

    def build(self, case):
        tf = self.tf
        layers = tf.keras.layers
        tf.keras.utils.set_random_seed(0)
        if case["kind"] == "mlp":
            model = tf.keras.Sequential([
                layers.Input((784,)),
                layers.Dense(case["width"], activation="relu"),
                layers.Dense(10, activation="softmax"),
            ])
            loss = "sparse_categorical_crossentropy"
        else:
            model = tf.keras.Sequential([
                layers.Input((case["length"], LSTM_FEATURES)),
                layers.LSTM(LSTM_UNITS),
                layers.Dense(1, activation="sigmoid"),
            ])
            loss = "binary_crossentropy"
        model.compile(optimizer=tf.keras.optimizers.Adam(), loss=loss)
        x, y = case_data(case)
        rows = WARMUP_BATCHES * case["batch"]
        model.fit(x[:rows], y[:rows], batch_size=case["batch"], epochs=1, verbose=0)
        return model, x, y

    def epoch(self, case):
        key = case_key(case)
        if key not in self.ready:
            self.ready = {key: self.build(case)}  # one case's arrays alive at a time
        model, x, y = self.ready[key]
        start = time.process_time()
        history = model.fit(x, y, batch_size=case["batch"], epochs=1, verbose=0)
        took = time.process_time() - start
        return took, float(history.history["loss"][-1])

    @staticmethod
    def gemm_peak():
        import numpy as np

        rng = np.random.default_rng(0)
        n = 2048
        a = rng.standard_normal((n, n), dtype=np.float32)
        b = rng.standard_normal((n, n), dtype=np.float32)
        np.matmul(a, b)
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            np.matmul(a, b)
            best = min(best, time.process_time() - start)
        return 2 * n**3 / best


class TorchWorker:
    def __init__(self):
        import torch

        torch.set_num_threads(1)
        torch.set_num_interop_threads(1)
        self.torch = torch
        self.ready = {}

    def build(self, case):
        torch = self.torch
        nn = torch.nn
        torch.manual_seed(0)
        if case["kind"] == "mlp":
            model = nn.Sequential(nn.Linear(784, case["width"]), nn.ReLU(),
                                  nn.Linear(case["width"], 10))
            loss_fn = nn.CrossEntropyLoss()
        else:
            class LastStep(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.lstm = nn.LSTM(LSTM_FEATURES, LSTM_UNITS, batch_first=True)
                    self.head = nn.Linear(LSTM_UNITS, 1)

                def forward(self, inputs):
                    _, (h_n, _) = self.lstm(inputs)
                    return self.head(h_n[-1])

            model = LastStep()
            loss_fn = nn.BCEWithLogitsLoss()
        optimizer = torch.optim.Adam(model.parameters())
        x_np, y_np = case_data(case)
        x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
        rows = WARMUP_BATCHES * case["batch"]
        self.train(model, optimizer, loss_fn, x[:rows], y[:rows], case["batch"])
        return model, optimizer, loss_fn, x, y

    def train(self, model, optimizer, loss_fn, x, y, batch):
        n = x.shape[0]
        perm = self.torch.randperm(n)
        running = 0.0
        for start in range(0, n, batch):
            idx = perm[start : start + batch]
            xb, yb = x[idx], y[idx]
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            running += loss.item() * len(idx)
        return running / n

    def epoch(self, case):
        key = case_key(case)
        if key not in self.ready:
            self.ready = {key: self.build(case)}
        model, optimizer, loss_fn, x, y = self.ready[key]
        start = time.process_time()
        loss = self.train(model, optimizer, loss_fn, x, y, case["batch"])
        return time.process_time() - start, loss


def worker_main(side: str) -> None:
    sys.path.insert(0, str(BENCH_DIR))
    worker = FeatherflowWorker() if side == "featherflow" else TorchWorker()
    out = sys.stdout
    out.write(MARKER + json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("gemm_peak"):
            reply = {"flops_per_s": worker.gemm_peak()}
        else:
            seconds, loss = worker.epoch(request)
            reply = {"seconds": seconds, "loss": loss}
        out.write(MARKER + json.dumps(reply) + "\n")
        out.flush()


# ------------------------------------------------------------------ driver


class Worker:
    def __init__(self, side: str, python: str):
        env = dict(os.environ, **ONE_THREAD)
        env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), str(BENCH_DIR),
                                             env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        self.proc = subprocess.Popen(
            [python, str(Path(__file__).resolve()), "--worker", side],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
        )
        self.side = side
        self.read()

    def read(self) -> dict:
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the {self.side} worker exited ({self.proc.wait()})")
            if line.startswith(MARKER):
                return json.loads(line[len(MARKER):])

    def ask(self, request: dict) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def plot(rows, peak, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    mlp = [r for r in rows if r["kind"] == "mlp"]
    lstm = [r for r in rows if r["kind"] == "lstm"]
    colors = dict(zip(MLP_BATCHES, ("tab:blue", "tab:orange", "tab:green")))
    for batch in MLP_BATCHES:
        sel = [r for r in mlp if r["batch"] == batch]
        widths = [r["width"] for r in sel]
        axes[0, 0].plot(widths, [r["ff_fraction"] for r in sel], "o-", color=colors[batch],
                        label=f"featherflow, batch {batch}")
        axes[0, 0].plot(widths, [r["torch_fraction"] for r in sel], "x--", color=colors[batch],
                        label=f"PyTorch, batch {batch}")
        axes[0, 1].plot(widths, [r["ratio"] for r in sel], "o-", color=colors[batch],
                        label=f"batch {batch}")
    for ax in (axes[0, 0], axes[0, 1]):
        ax.set_xscale("log", base=2)
        ax.set_xticks(MLP_WIDTHS, [str(w) for w in MLP_WIDTHS])
        ax.set_xlabel("MLP hidden width H (784-H-10)")
    axes[0, 0].set_ylabel("fraction of numpy.matmul GFLOP/s")
    axes[0, 0].set_title(f"MLP: GEMM fraction (peak {peak / 1e9:.0f} GFLOP/s, 1 thread)")
    axes[0, 0].set_ylim(0, 1.05)
    axes[0, 0].legend(fontsize=7)
    axes[0, 1].axhline(1.0, color="grey", lw=0.8)
    axes[0, 1].axhline(1.1, color="red", lw=0.8, ls=":", label="10% behind")
    axes[0, 1].set_ylabel("featherflow / PyTorch CPU time")
    axes[0, 1].set_title("MLP: time ratio (below 1: featherflow faster)")
    axes[0, 1].legend(fontsize=7)
    lengths = [r["length"] for r in lstm]
    axes[1, 0].plot(lengths, [r["ff_fraction"] for r in lstm], "o-", label="featherflow")
    axes[1, 0].plot(lengths, [r["torch_fraction"] for r in lstm], "x--", label="PyTorch")
    axes[1, 0].set_ylabel("fraction of numpy.matmul GFLOP/s")
    axes[1, 0].set_title("LSTM(64), batch 64: GEMM fraction")
    axes[1, 0].legend(fontsize=7)
    axes[1, 1].plot(lengths, [r["ratio"] for r in lstm], "o-")
    axes[1, 1].axhline(1.0, color="grey", lw=0.8)
    axes[1, 1].axhline(1.1, color="red", lw=0.8, ls=":")
    axes[1, 1].set_ylabel("featherflow / PyTorch CPU time")
    axes[1, 1].set_title("LSTM: time ratio")
    for ax in (axes[1, 0], axes[1, 1]):
        ax.set_xscale("log", base=2)
        ax.set_xticks(LSTM_LENGTHS, [str(t) for t in LSTM_LENGTHS])
        ax.set_xlabel("sequence length")
    fig.suptitle("featherflow vs PyTorch 2.13 CPU eager, one thread, best CPU time of rounds")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=("featherflow", "torch"), help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=("mlp", "lstm"), help="one model family only")
    parser.add_argument("--json", help="write every sample to this file")
    parser.add_argument("--plot", default=str(BENCH_DIR / "scaling.png"),
                        help="PNG path (default bench/scaling.png; 'none' for no plot)")
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker)
        return
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()
    todo = [c for c in cases() if args.only in (None, c["kind"])]
    if not Path(TORCH_PYTHON).exists():
        sys.exit(f"scaling.py: PyTorch's python {TORCH_PYTHON} does not exist; point "
                 "FF_BENCH_TORCH_PYTHON at a python that has torch (README.md)")
    ff = Worker("featherflow", sys.executable)
    th = Worker("torch", TORCH_PYTHON)
    peaks = []
    samples = {case_key(c): {"featherflow": [], "torch": []} for c in todo}
    losses = {}
    for round_index in range(args.rounds):
        peaks.append(ff.ask({"gemm_peak": True})["flops_per_s"])
        for case in todo:
            key = case_key(case)
            order = (ff, th) if round_index % 2 == 0 else (th, ff)
            for worker in order:
                reply = worker.ask(case)
                samples[key][worker.side].append(reply["seconds"])
                losses[(key, worker.side)] = reply["loss"]
        print(f"round {round_index + 1}/{args.rounds} done "
              f"({(datetime.datetime.now(datetime.timezone.utc) - started).seconds} s)",
              file=sys.stderr)
    ff.close()
    th.close()
    peak = max(peaks)
    load_end = os.getloadavg()
    rows = []
    for case in todo:
        key = case_key(case)
        ff_s, th_s = min(samples[key]["featherflow"]), min(samples[key]["torch"])
        flops = gemm_flops(case)
        rows.append({**case, "key": key, "ff_s": ff_s, "torch_s": th_s, "ratio": ff_s / th_s,
                     "gflop": flops / 1e9, "ff_fraction": flops / ff_s / peak,
                     "torch_fraction": flops / th_s / peak,
                     "ff_loss": losses[(key, "featherflow")], "torch_loss": losses[(key, "torch")]})
    loads = [" ".join(f"{v:.2f}" for v in load) for load in (load_start, load_end)]
    print(f"started {started:%Y-%m-%d %H:%M} UTC; load average start {loads[0]}, end {loads[1]}")
    print(f"one thread per side; process CPU seconds per epoch, best of {args.rounds} rounds "
          f"(sides alternating); GEMM peak: numpy.matmul 2048^2 float32 = "
          f"{peak / 1e9:.1f} GFLOP/s (rounds: {', '.join(f'{p / 1e9:.1f}' for p in peaks)})")
    print()
    print("| case | rows | GEMM GFLOP | featherflow s | PyTorch s | ff / torch | ff GEMM fraction "
          "| torch GEMM fraction |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['key']} | {r['rows']} | {r['gflop']:.2f} | {r['ff_s']:.3f} | "
              f"{r['torch_s']:.3f} | {r['ratio']:.2f} | {r['ff_fraction']:.2f} | "
              f"{r['torch_fraction']:.2f} |")
    if args.json:
        Path(args.json).write_text(json.dumps({"peaks": peaks, "samples": samples, "rows": rows,
                                               "load": [load_start, load_end]}, indent=1))
    if args.plot != "none":
        plot(rows, peak, args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    main()
