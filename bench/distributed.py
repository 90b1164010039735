"""Data-parallel scaling of featherflow's tf.distribute on MPI: 2 processes x 1 thread
(`mpiexec -n 2`, MultiWorkerMirroredStrategy, the same global batch) against 1 process with
1 and with 2 BLAS threads, on the MLP 256-512-512-10 (399,370 parameters) and the bench CNN.

    python bench/distributed.py [--rounds 3] [--only mlp400k,cnn] [--json out.json]

Each configuration runs in its own subprocess; the configurations alternate within each round
(the machine is shared and noisy: a burst of load then hits every configuration). A run
warms up on a few batches, then times one epoch of `fit` (rank 0's wall time; every rank
waits for the others at each step). For the 2-process runs it also records the gradient
all-reduce: its time per step (including the wait for the slower rank), the bytes each rank
sends into it per step, and, after training, the same all-reduce timed with both ranks ready
(a barrier first): the part that overlapping it with the backward pass could hide at most.

Speed-up = best 1-process epoch time / best 2-process epoch time; efficiency = speed-up / 2
(the goal: >= 0.8), against one process on one thread (the same resources per process, as
Horovod's and DDP's scaling figures are stated) and against the best one-process run (two
BLAS threads; on 2 cores that efficiency cannot pass 1 / (the one-process thread speed-up)).

Two ways of scaling are measured: *strong* (``2p x 1t``: the same global batch, each rank
half of it, the same number of steps) and *weak* (``2p x 1t weak``: each rank keeps the
one-process batch, so the global batch and the epoch's rows double and the step count stays;
the way Horovod's throughput figures are measured). For weak scaling the speed-up is the
throughput ratio, 2 x (1-process time) / (2-process time)."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MARK = "DIST_RESULT "

WORKLOADS = {
    "mlp400k": "MLP 256-512 relu-512 relu-10 (399,370 params), 16384 x 256 float32, global "
               "batch 256, 1 epoch, Adam",
    "cnn": "CNN conv32-3x3 relu, maxpool2, conv64-3x3 relu, maxpool2, flatten, dense 10; "
           "6000 x 28x28x1, global batch 128, 1 epoch, Adam",
}
CONFIGS = [("1p x 1t", 1, 1), ("1p x 2t", 1, 2), ("2p x 1t", 2, 1), ("2p x 1t weak", 2, 1)]


def build(tf, name):
    if name == "mlp400k":
        model = tf.keras.Sequential([
            tf.keras.Input((256,)), tf.keras.layers.Dense(512, activation="relu"),
            tf.keras.layers.Dense(512, activation="relu"), tf.keras.layers.Dense(10)])
    else:
        model = tf.keras.Sequential([
            tf.keras.Input((28, 28, 1)),
            tf.keras.layers.Conv2D(32, 3, activation="relu"), tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Conv2D(64, 3, activation="relu"), tf.keras.layers.MaxPooling2D(),
            tf.keras.layers.Flatten(), tf.keras.layers.Dense(10)])
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def data(name, times=1):
    """The workload's rows and global batch; ``times`` multiplies both (weak scaling)."""
    import numpy as np

    rng = np.random.default_rng(0)
    if name == "mlp400k":
        x = rng.random((16384 * times, 256), dtype=np.float32)
        return x, rng.integers(0, 10, 16384 * times).astype(np.int32), 256 * times
    x = rng.random((6000 * times, 28, 28, 1), dtype=np.float32)
    return x, rng.integers(0, 10, 6000 * times).astype(np.int32), 128 * times


def worker(name, procs, weak=False):
    import numpy as np

    import featherflow as tf

    x, y, batch = data(name, procs if weak else 1)
    strategy = tf.distribute.MultiWorkerMirroredStrategy() if procs > 1 else None
    if strategy is not None:
        with strategy.scope():
            model = build(tf, name)
    else:
        model = build(tf, name)
    params = int(sum(np.prod(w.shape) for w in model.get_weights()))
    model.fit(x[:batch * 4], y[:batch * 4], batch_size=batch, epochs=1, shuffle=False,
              verbose=0)
    out = {"workload": name, "procs": procs, "params": params,
           "steps": -(-len(x) // batch)}
    if strategy is not None:
        c = strategy._collective
        c.barrier()
        before = dict(strategy.extended.collective_stats)
        wait_before = c.wait_seconds
    t0, c0 = time.perf_counter(), time.process_time()
    model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)
    out["epoch_s"] = time.perf_counter() - t0
    out["cpu_s"] = time.process_time() - c0  # this process's CPU time (rank 0's)
    if strategy is not None:
        after = strategy.extended.collective_stats
        calls = after["calls"] - before["calls"]
        out["allreduce_ms_per_step"] = 1e3 * (after["seconds"] - before["seconds"]) / calls
        out["allreduce_bytes_per_step"] = (after["bytes"] - before["bytes"]) / calls
        out["wait_ms_per_step"] = 1e3 * (c.wait_seconds - wait_before) / calls
        grads = [np.zeros(w.shape, np.float32) for w in model.trainable_weights]
        times = []
        for _ in range(20):
            c.barrier()
            t = time.perf_counter()
            c.allreduce_sum(grads, reuse=True)
            times.append(time.perf_counter() - t)
        out["ready_allreduce_ms"] = 1e3 * sorted(times)[len(times) // 2]
        out["ready_allreduce_min_ms"] = 1e3 * min(times)
        if c.rank != 0:
            return
    print(MARK + json.dumps(out), flush=True)


def run_config(name, procs, threads, timeout, weak=False):
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads),
                "MKL_NUM_THREADS": str(threads), "PYTHONPATH": ROOT})
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"})
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, str(procs)]
    if weak:
        cmd.append("weak")
    if procs > 1:
        mpiexec = os.path.join(os.path.dirname(sys.executable), "mpiexec")
        mpiexec = mpiexec if os.path.exists(mpiexec) else shutil.which("mpiexec")
        cmd = [mpiexec, "--oversubscribe", "--bind-to", "none", "-n", str(procs)] + cmd
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, start_new_session=True)
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise RuntimeError(f"{name} {procs}p x {threads}t failed ({proc.returncode}):\n"
                       f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


def _commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default=",".join(WORKLOADS))
    ap.add_argument("--two-threads", default=",".join(WORKLOADS),
                    help="the workloads that also run 1 process x 2 threads (default: all)")
    ap.add_argument("--json")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), args.worker[2:] == ["weak"])
        return
    names = args.only.split(",")
    samples = {(n, c[0]): [] for n in names for c in CONFIGS}
    print(f"# commit {_commit()}")
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores, {args.rounds} rounds")
    for r in range(args.rounds):
        for name in names:
            configs = [c for c in CONFIGS if c[2] == 1 or name in args.two_threads.split(",")]
            order = configs if r % 2 == 0 else configs[::-1]
            for label, procs, threads in order:
                res = run_config(name, procs, threads, args.timeout, label.endswith("weak"))
                res["round"] = r
                res["config"] = label
                samples[(name, label)].append(res)
                extra = ""
                if procs > 1:
                    extra = (f"  all-reduce {res['allreduce_ms_per_step']:.1f} ms/step "
                             f"(waiting {res['wait_ms_per_step']:.1f}), "
                             f"{res['allreduce_bytes_per_step'] / 1e6:.2f} MB/step, ready "
                             f"{res['ready_allreduce_ms']:.2f} ms")
                print(f"round {r} {name:8s} {label}: {res['epoch_s']:.2f} s (cpu "
                      f"{res['cpu_s']:.2f} s){extra}",
                      flush=True)
    print("\n| workload | 1p x 1t (s) | 1p x 2t (s) | 2p x 1t (s) | 2p x 1t weak (s) | strong "
          "speed-up vs 1p x 1t | strong efficiency vs 1p x 1t | vs 1p x 2t | weak efficiency "
          "vs 1p x 1t | vs 1p x 2t | all-reduce ms/step | MB/step | ready all-reduce ms | "
          "step ms (2p) | CPU s 1p x 1t / per rank 2p |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    summary = {}
    for name in names:
        best = {label: min((s["epoch_s"] for s in samples[(name, label)]),
                           default=float("inf")) for label, _, _ in CONFIGS}
        two = min(samples[(name, "2p x 1t")], key=lambda s: s["epoch_s"])
        one_t, two_t = best["1p x 1t"], best["1p x 2t"]
        strong, weak = best["2p x 1t"], best["2p x 1t weak"]
        # strong: the same work in less time; weak: twice the work, the throughput ratio
        eff = {"strong_vs_1t": one_t / strong / 2, "strong_vs_2t": two_t / strong / 2,
               "weak_vs_1t": one_t / weak, "weak_vs_2t": two_t / weak}
        summary[name] = {"best": best, "efficiency": eff, "two": two}
        print(f"| {name} | {one_t:.2f} | {two_t:.2f} | {strong:.2f} | {weak:.2f} | "
              f"{one_t / strong:.2f}x | {eff['strong_vs_1t']:.2f} | {eff['strong_vs_2t']:.2f} "
              f"| {eff['weak_vs_1t']:.2f} | {eff['weak_vs_2t']:.2f} | "
              f"{two['allreduce_ms_per_step']:.1f} | "
              f"{two['allreduce_bytes_per_step'] / 1e6:.2f} | {two['ready_allreduce_ms']:.2f} "
              f"| {1e3 * two['epoch_s'] / two['steps']:.1f} | "
              f"{min(s['cpu_s'] for s in samples[(name, '1p x 1t')]):.2f} / "
              f"{min(s['cpu_s'] for s in samples[(name, '2p x 1t')]):.2f} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"samples": {f"{k[0]}|{k[1]}": v for k, v in samples.items()},
                       "summary": summary}, f, indent=1)


if __name__ == "__main__":
    main()
