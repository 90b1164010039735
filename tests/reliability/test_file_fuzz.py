"""Mutated .h5 / .weights.h5 / .keras files: a correct load or a clear error, memory bounded.

The mutations (flipped bits, truncation, overwritten runs, HDF5 datasets and attributes
replaced, configs edited deep inside, zip sizes patched) run in a subprocess
(tests/reliability/fuzz_files.py) so a crash of the HDF5 library could not hide; the summary
it prints is checked here. Counts of a larger run and Keras's on the same cases:
docs/reliability.md.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("fuzz_files.py")
# per kind: x 4 files for byte mutations, 3 for HDF5 edits, 2 for configs, 1 for zip sizes
CASES_PER_FILE = 18


def _run(tmp_path, seed, per_kind):
    env = {k: v for k, v in os.environ.items() if k != "FUZZ_WITH_TENSORFLOW"}
    out = subprocess.run([sys.executable, str(WORKER), str(tmp_path), str(seed), str(per_kind)],
                         capture_output=True, text=True, timeout=900, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _check(summary, per_kind):
    assert summary["bad"] == []
    assert summary["cases"] == per_kind * CASES_PER_FILE
    assert summary["ok"] + summary["error"] == summary["cases"]
    assert summary["error"] > 0 and summary["ok"] > 0
    assert summary["peak"] < 64 << 20  # bytes NumPy/Python allocated while loading one file


def test_mutated_files_load_correctly_or_fail_clearly(tmp_path):
    _check(_run(tmp_path, 18, 2), 2)


@pytest.mark.slow
def test_many_mutated_files(tmp_path):
    _check(_run(tmp_path, 7, 40), 40)
