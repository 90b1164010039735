"""Record the tf.data / tf.io scenarios with real TensorFlow.

    /work/venv-tf/bin/python tools/make_data_fixtures.py [module ...]

Each module of tools/data_fixtures/ with a ``SCENARIOS`` dict (name -> ``fn(tf)``) is run and
written to tests/fixtures/tf/data/<module>.json; the tests run the same functions with
featherflow and compare (tools/data_fixtures/common.py). A module may also define
``setup(tf, workdir)`` to prepare files its scenarios read, called with a fresh directory.
"""

import importlib
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from data_fixtures import common  # noqa: E402


def record(name, tf):
    module = importlib.import_module(f"data_fixtures.{name}")
    results = {}
    with tempfile.TemporaryDirectory() as workdir:
        cwd = os.getcwd()
        os.chdir(workdir)
        try:
            if hasattr(module, "setup"):
                module.setup(tf, workdir)
            for key, scenario in module.SCENARIOS.items():
                results[key] = common.run(scenario, tf)
        finally:
            os.chdir(cwd)
    return {"versions": {"tensorflow": tf.__version__}, "results": results}


def main(names):
    import tensorflow as tf

    if not names:
        names = sorted(p.stem for p in (Path(__file__).parent / "data_fixtures").glob("*.py")
                       if p.stem not in ("__init__", "common"))
    common.OUT.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = record(name, tf)
        path = common.OUT / f"{name}.json"
        path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {path} ({len(data['results'])} scenarios)")


if __name__ == "__main__":
    main(sys.argv[1:])
