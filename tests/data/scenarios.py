"""Run a tools/data_fixtures module's scenarios with featherflow against TF's recorded answers.

Usage in a test file::

    from tests.data.scenarios import scenario_test
    test_fixture = scenario_test("sources")

gives one test per scenario; each runs in the directory the module's ``setup`` filled.
"""

import importlib
import os
import sys
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from data_fixtures import common  # noqa: E402

import featherflow  # noqa: E402


def scenario_test(module_name, rtol=1e-6, atol=1e-7, prefixes=None, skip=None):
    """One test per scenario of ``module_name`` (only the names starting with one of
    ``prefixes`` when given); ``skip(name)`` may return a reason to skip one here."""
    module = importlib.import_module(f"data_fixtures.{module_name}")
    recorded = common.load(module_name)["results"]
    names = sorted(n for n in module.SCENARIOS
                   if prefixes is None or n.startswith(tuple(prefixes)))

    @pytest.fixture(scope="module")
    def workdir(tmp_path_factory):
        path = tmp_path_factory.mktemp(module_name)
        cwd = os.getcwd()
        os.chdir(path)
        try:
            if hasattr(module, "setup"):
                module.setup(featherflow, str(path))
        finally:
            os.chdir(cwd)
        return path

    @pytest.mark.parametrize("name", names)
    def test(name, workdir, monkeypatch):
        reason = skip(name) if skip is not None else None
        if reason:
            pytest.skip(reason)
        assert name in recorded, (
            f"scenario {name!r} has no recorded answer: run "
            f"/work/venv-tf/bin/python tools/make_data_fixtures.py {module_name}")
        monkeypatch.chdir(workdir)
        actual = common.run(module.SCENARIOS[name], featherflow)
        common.assert_matches(recorded[name], actual, name, rtol=rtol, atol=atol)

    test.workdir = workdir
    return test, workdir
