"""docs/coverage.md lists, generated, the public names of Keras 3, tf.keras 2 and TensorFlow
2.21 featherflow has and lacks (tests/fixtures/keras/namespaces.json, recorded from the real
packages). This keeps the page true: add a name and the page must be regenerated."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _coverage_module():
    spec = importlib.util.spec_from_file_location("namespace_coverage",
                                                  ROOT / "tools" / "namespace_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_coverage_page_is_current():
    coverage = _coverage_module()
    expected = coverage.render()
    actual = (ROOT / "docs" / "coverage.md").read_text()
    assert actual == expected, (
        "docs/coverage.md is out of date: run `python tools/namespace_coverage.py` and commit "
        "the page")


def test_core_namespaces_are_complete():
    # namespaces this project has finished: a regression shows up here by name
    _, rows = _coverage_module().coverage()
    missing = {ns: m for ns, _, _, m in rows}
    for ns in ("keras.ops.numpy", "keras.ops.linalg", "keras.activations",
               "keras.regularizers", "keras.constraints", "keras.datasets", "keras.tree",
               "keras.optimizers.schedules", "tf_keras.backend", "keras.random"):
        assert missing[ns] == [], (ns, missing[ns])
