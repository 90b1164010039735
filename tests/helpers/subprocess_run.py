"""Run a Python snippet in a fresh interpreter that imports this checkout's featherflow."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run_python(code, timeout=120):
    """Run ``code`` with ``python -c`` (this checkout first on PYTHONPATH); fail on error."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=timeout)
