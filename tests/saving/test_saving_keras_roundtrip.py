"""Files written by featherflow load in real Keras 3 and tf_keras with identical predictions.

Runs tools/make_keras_roundtrip_check.py: featherflow writes the files here, then the
TensorFlow Python ($FF_TF_PYTHON or /work/venv-tf/bin/python, never a featherflow dependency)
loads them. Skipped when that Python is absent.
"""

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_keras_roundtrip_check.py"


def _tool():
    spec = importlib.util.spec_from_file_location("make_keras_roundtrip_check", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_featherflow_files_open_in_real_keras(tmp_path):
    tool = _tool()
    python = tool.tf_python()
    if not os.path.exists(python):
        pytest.skip(f"no TensorFlow Python at {python} (set FF_TF_PYTHON to run this check)")
    names = tool.write(tmp_path)
    assert len(names) >= 6
    proc = subprocess.run([python, str(TOOL), "check", str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    summary_line = [ln for ln in proc.stdout.splitlines() if ln.startswith("SUMMARY ")]
    assert summary_line, f"check did not finish:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    summary = json.loads(summary_line[-1][len("SUMMARY "):])
    failures = [ln for ln in proc.stdout.splitlines() if ln.startswith("FAIL")]
    assert proc.returncode == 0 and summary["failed"] == 0, "\n".join(failures)
    # every model in both Kerases: 4 files in Keras 3, 2 in tf_keras (when it is installed)
    assert summary["checked"] >= 4 * len(names)
