"""``featherflow-demo`` / ``python -m featherflow.demo``: the seed notes, end to end.

Runs every example script of the seed notes in order (linear regression, TensorBoard, AND,
OR, XOR, the 20-point classification), printing summaries, progress and predictions. Figures,
the saved model and TensorBoard logs go to an output folder (``--out``, default
``./featherflow-demo``).
"""

import argparse
import os
import runpy
import sys
import time

SECTIONS = [
    ("linear_regression", "2. Linear regression: Sequential and Functional, save and load"),
    ("tensorboard_logs", "3. TensorBoard logs"),
    ("and_gate", "Dense 1) AND"),
    ("or_gate", "Dense 2) OR"),
    ("xor_gate", "Dense 3) XOR"),
    ("classification_20_points", "Binary classification of 20 points with MinMaxScaler"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="featherflow-demo", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="featherflow-demo",
                        help="folder for figures, the saved model and logs")
    parser.add_argument("--only", default=None,
                        help="comma-separated section names: " + ", ".join(s for s, _ in SECTIONS))
    args = parser.parse_args(argv)
    import featherflow.examples as ex

    folder = os.path.dirname(ex.__file__)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    os.environ["FEATHERFLOW_EXAMPLES_OUT"] = out
    chosen = SECTIONS
    if args.only:
        names = [n.strip() for n in args.only.split(",")]
        unknown = [n for n in names if n not in dict(SECTIONS)]
        if unknown:
            parser.error(f"unknown section(s) {unknown}; choose from {[s for s, _ in SECTIONS]}")
        chosen = [s for s in SECTIONS if s[0] in names]
    start = time.perf_counter()
    cwd = os.getcwd()
    os.chdir(out)
    try:
        for name, title in chosen:
            print("=" * 72)
            print(title)
            print("=" * 72)
            t0 = time.perf_counter()
            runpy.run_path(os.path.join(folder, f"{name}.py"), run_name="__main__")
            print(f"[{name}: {time.perf_counter() - t0:.2f} s]\n")
    finally:
        os.chdir(cwd)
    print(f"Seed notes done in {time.perf_counter() - start:.1f} s; outputs in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
