"""The GEMM floor of one training step of the bench's Transformer workload (issue 20).

    python bench/transformer_gemm_floor.py [--rounds 3]

Runs only the matrix products one step of featherflow's Transformer workload needs (the
same shapes, float32, NumPy's BLAS with the threads it is given) and prints their time: what
a step would cost if everything but the GEMMs were free.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

B, T, D, HEADS, FF, BLOCKS = 32, 64, 128, 4, 256, 4


def step_gemms(arrays):
    x, w, w1, w2, h1, q, k, v, p = arrays
    for _ in range(BLOCKS):
        for _ in range(4):                      # q, k, v, output projections
            y = x @ w                           # forward
            gx = y @ w.T                        # backward, input
            gw = x.T @ y                        # backward, kernel
        y1 = x @ w1
        y2 = y1 @ w2
        gx1 = y2 @ w2.T
        gw2 = y1.T @ y2
        gx = gx1 @ w1.T
        gw1 = x.T @ gx1
        s = q @ k                               # scores (B*N, T, T)
        o = p @ v                               # weighted values
        gp = o @ v.swapaxes(1, 2)
        gv = p.swapaxes(1, 2) @ o
        gq = gp @ k.swapaxes(1, 2)
        gk = q.swapaxes(1, 2) @ gp
    return gx, gw, gw1, gw2, s, gv, gq, gk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    def a(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    hd = D // HEADS
    arrays = (a(B * T, D), a(D, D), a(D, FF), a(FF, D), a(B * T, FF), a(B * HEADS, T, hd),
              a(B * HEADS, hd, T), a(B * HEADS, T, hd), a(B * HEADS, T, T))
    step_gemms(arrays)
    flops = BLOCKS * (4 * 3 * 2 * B * T * D * D + 3 * 2 * 2 * B * T * D * FF
                      + 6 * 2 * B * HEADS * T * T * hd)
    for _ in range(args.rounds):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.steps):
            step_gemms(arrays)
        took = (time.perf_counter() - start) / args.steps
        cpu = (time.process_time() - cpu) / args.steps
        # CPU time: comparable with profile_transformer.py --parts --cpu on one thread
        print(f"GEMMs of one step: {took * 1e3:.1f} ms wall, {cpu * 1e3:.1f} ms CPU "
              f"({flops / 1e9:.2f} GFLOP, {flops / took / 1e9:.1f} GFLOP/s)")


if __name__ == "__main__":
    main()
