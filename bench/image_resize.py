"""tf.image.resize: featherflow against TensorFlow on the same arrays, in alternating rounds.

    python bench/image_resize.py [--rounds 3] [--reps 3] [--tf /work/venv-tf/bin/python]

The batches (32 x 224x224x3 float32 -> 128x128, 32 x 256x256x3 uint8 -> 224x224) are written
once as .npy files; TensorFlow runs in its own interpreter as a child process that times one
case whenever asked, so every round times featherflow and then TensorFlow on the same case
while the machine is in the same state. Each time is the best of ``reps`` calls; the table
prints the median over rounds and the ratio featherflow / TensorFlow (below 1: featherflow
is faster). Both sides use every core they find (TF's intra-op pool, NumPy's BLAS).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CASES = [  # (name, data file, size, method, antialias)
    ("f32 224->128 bilinear", "f32", (128, 128), "bilinear", False),
    ("f32 224->128 nearest", "f32", (128, 128), "nearest", False),
    ("f32 224->128 bicubic", "f32", (128, 128), "bicubic", False),
    ("f32 224->128 area", "f32", (128, 128), "area", False),
    ("f32 224->128 bilinear aa", "f32", (128, 128), "bilinear", True),
    ("u8 256->224 bilinear", "u8", (224, 224), "bilinear", False),
    ("u8 256->224 nearest", "u8", (224, 224), "nearest", False),
    ("u8 256->224 bicubic", "u8", (224, 224), "bicubic", False),
    ("u8 256->224 area", "u8", (224, 224), "area", False),
    ("u8 256->224 lanczos3 aa", "u8", (224, 224), "lanczos3", True),
]

# the TensorFlow side: reads case indices on stdin, answers with the best time in seconds
_TF_SIDE = r"""
import json, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
cases = json.loads(sys.argv[1])
data = {k: tf.constant(np.load(os.path.join(sys.argv[2], k + ".npy"))) for k in ("f32", "u8")}
print("ready", flush=True)
for line in sys.stdin:
    name, key, size, method, antialias = cases[int(line)]
    best = float("inf")
    for _ in range(int(sys.argv[3]) + 1):
        start = time.perf_counter()
        tf.image.resize(data[key], size, method=method, antialias=antialias).numpy()
        best = min(best, time.perf_counter() - start)
    print(best, flush=True)
"""


def _data(workdir):
    rng = np.random.default_rng(0)
    arrays = {"f32": rng.random((32, 224, 224, 3), dtype=np.float32),
              "u8": rng.integers(0, 256, (32, 256, 256, 3), dtype=np.uint8)}
    for key, array in arrays.items():
        np.save(os.path.join(workdir, key + ".npy"), array)
    return arrays


def _featherflow_time(tf, data, case, reps):
    _, key, size, method, antialias = case
    best = float("inf")
    for _ in range(reps + 1):  # the first call builds the weight tables
        start = time.perf_counter()
        tf.image.resize(data[key], size, method=method, antialias=antialias).numpy()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--tf", default="/work/venv-tf/bin/python")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    args = parser.parse_args()
    cases = [c for c in CASES if args.only in c[0]]

    import featherflow as tf

    with tempfile.TemporaryDirectory() as workdir:
        data = _data(workdir)
        side = subprocess.Popen(
            [args.tf, "-c", _TF_SIDE, json.dumps(cases), workdir, str(args.reps)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert side.stdout.readline().strip() == "ready", "the TensorFlow side did not start"
            times = {c[0]: ([], []) for c in cases}
            for _ in range(args.rounds):
                for index, case in enumerate(cases):
                    times[case[0]][0].append(_featherflow_time(tf, data, case, args.reps))
                    side.stdin.write(f"{index}\n")
                    side.stdin.flush()
                    times[case[0]][1].append(float(side.stdout.readline()))
        finally:
            side.stdin.close()
            side.wait(timeout=60)
    print(f"{'case':28s} {'featherflow ms':>15s} {'TensorFlow ms':>14s} {'ratio':>7s}")
    for name, (ours, theirs) in times.items():
        mine, tfs = float(np.median(ours)) * 1e3, float(np.median(theirs)) * 1e3
        print(f"{name:28s} {mine:15.1f} {tfs:14.1f} {mine / tfs:7.2f}")


if __name__ == "__main__":
    main()
