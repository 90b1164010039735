"""Profile training steps of the bench's Transformer encoder workload (issue 20).

    python bench/profile_transformer.py --steps 20            # cProfile, top functions
    python bench/profile_transformer.py --steps 40 --time     # wall clock per step only
    python bench/profile_transformer.py --steps 20 --parts    # ms/step per primitive,
                                                              # compiled kernels off and on

Builds the same model as side_keras_api.w_transformer, fits a few warm-up batches, then
profiles (or times) `--steps` training steps of `fit`. Threads are left at their defaults,
as the bench runs, unless OPENBLAS_NUM_THREADS is set by the caller.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import TRANSFORMER, token_data  # noqa: E402


def build(tf):
    c = TRANSFORMER
    layers = tf.keras.layers
    inputs = tf.keras.Input((c["length"],), dtype="int64")
    h = layers.Embedding(c["vocab"], c["d_model"])(inputs)
    for _ in range(c["blocks"]):
        attended = layers.MultiHeadAttention(c["heads"], c["d_model"] // c["heads"])(h, h)
        h = layers.LayerNormalization(epsilon=1e-5)(h + attended)
        ff = layers.Dense(c["ff"], activation="relu")(h)
        ff = layers.Dense(c["d_model"])(ff)
        h = layers.LayerNormalization(epsilon=1e-5)(h + ff)
    pooled = layers.GlobalAveragePooling1D()(h)
    outputs = layers.Dense(2)(pooled)
    model = tf.keras.Model(inputs, outputs)
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def parts(tf, model, x, y, args):
    """Per-primitive time (forward and backward apart) of `fit` over x, y, in rounds that
    alternate the compiled kernels off and on, so both are measured under the same load."""
    from featherflow.autodiff.function import Function
    from featherflow.backend import fast
    from featherflow.layers.attention import packed_projections

    def switch(enabled):
        if args.toggle in ("kernels", "both"):
            fast.set_enabled(enabled)
        if args.toggle in ("packed", "both"):
            packed_projections.ENABLED = enabled

    totals = {}
    # CPU time of the process: with one BLAS and one numba thread it is the work done, not
    # counting the time other processes on a loaded machine hold the core
    clock = time.process_time if args.cpu else time.perf_counter

    def wrap(cls, name):
        method = cls.__dict__[name]

        def timed(self, *a, **k):
            start = clock()
            try:
                return method(self, *a, **k)
            finally:
                key = (cls.__name__, name)
                totals[key] = totals.get(key, 0.0) + clock() - start
        setattr(cls, name, timed)

    for cls in set(_subclasses(Function)):
        for name in ("forward", "backward"):
            if name in cls.__dict__:
                wrap(cls, name)
    owner = next(c for c in type(model.optimizer).__mro__ if "apply" in c.__dict__)
    wrap(owner, "apply")
    steps = len(x) // TRANSFORMER["batch"]
    table = {}
    for _ in range(args.rounds):
        for enabled in (False, True):
            switch(enabled)
            totals.clear()
            start = clock()
            model.fit(x, y, batch_size=TRANSFORMER["batch"], verbose=0)
            total = clock() - start
            for key, value in list(totals.items()) + [(("step", "total"), total)]:
                table.setdefault(key, {}).setdefault(enabled, []).append(value / steps * 1e3)
    print(f"{'CPU' if args.cpu else 'wall'} ms per step (best of {args.rounds} rounds): "
          f"{args.toggle} off / on "
          f"(numba {'available' if fast.available() else 'missing'})")
    rows = sorted(table.items(), key=lambda kv: -max(min(s) for s in kv[1].values()))
    for (cls, name), v in rows:
        off, on = min(v.get(False, [0.0])), min(v.get(True, [0.0]))
        if off < 0.2 and on < 0.2:
            continue
        print(f"  {cls + '.' + name:42s} {off:8.2f} {on:8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--time", action="store_true", help="time only, no profiler")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--parts", action="store_true",
                        help="time each primitive's forward/backward, a feature off then on")
    parser.add_argument("--cpu", action="store_true",
                        help="--parts measures process CPU time instead of wall-clock time")
    parser.add_argument("--toggle", choices=("kernels", "packed", "both"), default="kernels",
                        help="what --parts turns off and on: the compiled kernels, the packed "
                             "self-attention projections, or both at once")
    args = parser.parse_args()
    import featherflow as tf

    c = TRANSFORMER
    rows = args.steps * c["batch"]
    x, y = token_data(max(rows, 4 * c["batch"]), c["length"], c["vocab"])
    tf.keras.utils.set_random_seed(0)
    model = build(tf)
    model.fit(x[:4 * c["batch"]], y[:4 * c["batch"]], batch_size=c["batch"], verbose=0)
    if args.parts:
        parts(tf, model, x[:rows], y[:rows], args)
        return
    if args.time:
        for _ in range(args.rounds):
            start, cpu = time.perf_counter(), time.process_time()
            history = model.fit(x[:rows], y[:rows], batch_size=c["batch"], verbose=0)
            took, cpu = time.perf_counter() - start, time.process_time() - cpu
            # CPU time: with one thread, what the step costs whatever else the machine runs
            print(f"{took / args.steps * 1e3:.1f} ms/step wall, {cpu / args.steps * 1e3:.1f} "
                  f"ms/step CPU, loss {history.history['loss'][-1]:.5f}")
        return
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(x[:rows], y[:rows], batch_size=c["batch"], verbose=0)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"{args.steps} steps, {total / args.steps * 1e3:.1f} ms/step under the profiler")
    stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
