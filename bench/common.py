"""Shared by every side of the benchmark: seeded data, timers and the result protocol.

This module runs inside each framework's own interpreter (featherflow's python, the
TensorFlow venv, the PyTorch venv), so it may use only the standard library and NumPy.
Every side builds its data here from the same NumPy seed, so all frameworks train on
byte-identical arrays.
"""

from __future__ import annotations

import json
import platform
import sys
import time
import traceback

import numpy as np

RESULT_MARKER = "BENCH_RESULT "
DATA_SEED = 0


def linreg_data() -> tuple[np.ndarray, np.ndarray]:
    """200 noisy points of y = 2x - 1, as in the seed notes (noise grows with |x|)."""
    rs = np.random.RandomState(DATA_SEED)
    x = rs.uniform(low=-2, high=2, size=200)
    noise = np.array([rs.normal(loc=0.0, scale=0.5 + t * t / 3) for t in x])
    y = 2 * x - 1 + noise
    # A column vector keeps every framework on its plainest path (Keras 3 would otherwise
    # have to reshape a 1-D input, PyTorch cannot feed one to nn.Linear at all).
    return x.reshape(-1, 1).astype("float32"), y.reshape(-1, 1).astype("float32")


def truth_table(kind: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
    if kind == "and":
        y = np.array([[0], [0], [0], [1]], dtype="float32")
    elif kind == "xor":
        y = np.array([[0], [1], [1], [0]], dtype="float32")
    else:
        raise ValueError(f"truth_table: expected kind 'and' or 'xor', received {kind!r}")
    return x, y


def xor_initial_weights() -> list[np.ndarray]:
    """Glorot-uniform start for the custom-loop XOR net, identical on every side.

    Sharing the start point makes the final losses of the three custom loops comparable,
    so a wrong gradient shows up as a different number in the check column.
    """
    rs = np.random.RandomState(DATA_SEED)
    limit1 = np.sqrt(6.0 / (2 + 2))
    limit2 = np.sqrt(6.0 / (2 + 1))
    return [
        rs.uniform(-limit1, limit1, size=(2, 2)).astype("float32"),
        np.zeros((2,), dtype="float32"),
        rs.uniform(-limit2, limit2, size=(2, 1)).astype("float32"),
        np.zeros((1,), dtype="float32"),
    ]


def image_data(n: int):
    """MNIST-shaped uint8 images (n x 28 x 28) and int64 labels in [0, 10)."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=(n,)).astype("int64")
    return x, y


def classification_data(n: int, feature_shape: tuple[int, ...], classes: int):
    """Uniform [0, 1) float32 features and integer labels, like scaled pixels."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.random((n, *feature_shape), dtype=np.float32)
    if classes == 2:
        y = rng.integers(0, 2, size=(n, 1)).astype("float32")
    else:
        y = rng.integers(0, classes, size=(n,)).astype("int64")
    return x, y


def token_data(n: int, length: int, vocab: int):
    """Integer token sequences and a label that depends on them (first token in the lower
    half of the vocabulary), so a Transformer has something to learn."""
    rng = np.random.default_rng(DATA_SEED)
    x = rng.integers(1, vocab, size=(n, length)).astype("int64")
    y = (x[:, 0] < vocab // 2).astype("int64")
    return x, y


TRANSFORMER = {"vocab": 1000, "length": 64, "d_model": 128, "heads": 4, "ff": 256, "blocks": 4,
               "batch": 32}


def per_call_seconds(fn, budget_s: float, min_calls: int = 5, warmup: int = 3) -> tuple[float, int]:
    """Mean seconds per call of `fn` over at least `budget_s` seconds after a short warm-up.

    A time budget rather than a fixed count, because the sides differ by three orders of
    magnitude per call (tens of microseconds to tens of milliseconds).
    """
    for _ in range(warmup):
        fn()
    calls = 0
    start = time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if calls >= min_calls and elapsed >= budget_s:
            return elapsed / calls, calls


def numpy_versions() -> dict:
    return {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "numpy": np.__version__,
    }


def emit(payload: dict) -> None:
    """Print the one machine-readable line the driver looks for (last line of stdout)."""
    sys.stdout.flush()
    print(RESULT_MARKER + json.dumps(payload, default=_jsonable), flush=True)


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def error_text(exc: BaseException) -> str:
    """One line naming the exception and where it was raised, for the driver's table."""
    # Frames of the import machinery ("<frozen importlib._bootstrap>") locate nothing useful.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    where = ""
    if frames:
        last = frames[-1]
        where = f" at {last.filename.rsplit('/', 1)[-1]}:{last.lineno}"
    return f"{type(exc).__name__}: {exc}{where}"


class Repeats:
    """Yields up to `count` sample indices, stopping early once `budget_s` seconds are spent.

    At least one sample is always taken. The budget keeps a full run short where a peer needs
    a minute per sample (Keras fitting AND for 3000 epochs): one more sample would not move a
    ratio of several hundred, while fast workloads still get every repeat.

        for _ in Repeats(3, budget_s=60.0):
            ...
    """

    def __init__(self, count: int, budget_s: float | None = None):
        self.count = count
        self.budget_s = budget_s

    def __iter__(self):
        start = time.perf_counter()
        for index in range(self.count):
            if index and self.budget_s and time.perf_counter() - start >= self.budget_s:
                return
            yield index
