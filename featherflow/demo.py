"""``featherflow-demo`` / ``python -m featherflow.demo``: the seed notes, end to end.

Runs every example script of the seed notes in order (linear regression, TensorBoard, AND,
OR, XOR, the 20-point classification), printing summaries, progress and predictions. Figures,
the saved model and TensorBoard logs go to an output folder (``--out``, default
``./featherflow-demo``). Fits of more than 100 epochs (the AND/OR gates train for 3000)
print one summary line every tenth of the run instead of two lines per epoch
(``--all-epochs`` shows them all, as the scripts themselves do).
"""

import argparse
import io
import os
import re
import runpy
import sys
import textwrap
import time

_EPOCH = re.compile(r"Epoch (\d+)/(\d+)")
_METRICS = re.compile(r"/step - (.*)$")
LONG_RUN = 100

SECTIONS = [
    ("linear_regression", "2. Linear regression: Sequential and Functional, save and load"),
    ("tensorboard_logs", "3. TensorBoard logs"),
    ("and_gate", "Dense 1) AND"),
    ("or_gate", "Dense 2) OR"),
    ("xor_gate", "Dense 3) XOR"),
    ("classification_20_points", "Binary classification of 20 points with MinMaxScaler"),
]


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="featherflow-demo",
        description="Run the seed notes' examples end to end (linear regression, TensorBoard, "
                    "the AND/OR/XOR gates, 20-point classification).")
    parser.add_argument("--out", default="featherflow-demo",
                        help="folder for figures, the saved model and logs")
    parser.add_argument("--only", default=None,
                        help="comma-separated section names: " + ", ".join(s for s, _ in SECTIONS))
    parser.add_argument("--all-epochs", action="store_true",
                        help="print every epoch of long fits (default: a line per tenth)")
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
    stdout = sys.stdout
    try:
        for name, title in chosen:
            print("=" * 72)
            print(title)
            print("=" * 72)
            t0 = time.perf_counter()
            if not args.all_epochs:
                sys.stdout = EpochDigest(stdout, name)
            try:
                runpy.run_path(os.path.join(folder, f"{name}.py"), run_name="__main__")
            finally:
                if sys.stdout is not stdout:
                    sys.stdout.flush()
                    sys.stdout = stdout
                _close_figures()
            print(f"[{name}: {time.perf_counter() - t0:.2f} s]\n")
    finally:
        sys.stdout = stdout
        os.chdir(cwd)
    print(f"Seed notes done in {time.perf_counter() - start:.1f} s.")
    print(outputs_report(out))
    return 0


def _close_figures():
    """Close what a section left open, so the next one starts on a fresh figure."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


def outputs_report(out):
    """What the demo wrote to ``out``: figures, saved models and TensorBoard logs."""
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    figures = [n for n in names if n.endswith(".png")]
    models = [n for n in names if n.endswith((".h5", ".keras", ".index"))]
    lines = [f"Its files are in {out}:"]
    if figures:
        lines.append(textwrap.fill(", ".join(figures), width=96,
                                   initial_indent=f"  {len(figures)} figures: ",
                                   subsequent_indent="    "))
    if models:
        lines.append(f"  saved model weights: {', '.join(models)}")
    logs = os.path.join(out, "logs")
    if os.path.isdir(logs):
        lines.append(f"  TensorBoard logs: {logs}  (view them: tensorboard --logdir {logs})")
    if len(lines) == 1:
        lines.append("  (nothing was written)")
    return "\n".join(lines)


class EpochDigest(io.TextIOBase):
    """Passes a section's output through, but of a fit with more than ``LONG_RUN`` epochs
    keeps one line per tenth of the run (the first and last epoch too): ``Epoch k/N - `` and
    that epoch's metrics, in place of the two lines per epoch the progress bar prints."""

    def __init__(self, stream, section):
        self.stream = stream
        self.section = section
        self.pending = ""
        self.header = None  # (k, n, keep) of the last "Epoch k/N" line, until its bar line
        self.noted = False

    def isatty(self):
        return False  # one finished line per epoch from the progress bar, no redraws

    def writable(self):
        return True

    def write(self, text):
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self._line(line)
        return len(text)

    def flush(self):
        if self.pending:  # a partial line someone wants shown now (print(..., end=""))
            self.stream.write(self.pending)
            self.pending = ""
        self.stream.flush()

    def _line(self, line):
        match = _EPOCH.fullmatch(line)
        if match and int(match.group(2)) > LONG_RUN:
            k, n = int(match.group(1)), int(match.group(2))
            stride = _stride(n)
            self.header = (k, n, k in (1, n) or k % stride == 0)
            if k == 2 and not self.noted:
                self.noted = True
                self.stream.write(
                    f"(featherflow-demo: one line every {stride} of {n} epochs; "
                    f"`python -m featherflow.examples.{self.section}` or --all-epochs shows "
                    "every one)\n")
            return
        if self.header is not None:
            k, n, keep = self.header
            self.header = None
            if keep:
                metrics = _METRICS.search(line)
                self.stream.write(f"Epoch {k}/{n} - "
                                  f"{metrics.group(1) if metrics else line.strip()}\n")
            return
        self.stream.write(line + "\n")


def _stride(epochs):
    """A round tenth of ``epochs`` (3000 -> 300, 1500 -> 150, 2000 -> 200)."""
    tenth = max(epochs // 10, 1)
    digits = 10 ** (len(str(tenth)) - 1)
    return max(round(tenth / digits * 2) * digits // 2, 1)


if __name__ == "__main__":
    sys.exit(main())
