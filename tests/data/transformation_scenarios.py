"""One group of tools/data_fixtures/transformations.py's scenarios as a parametrized test,
run with featherflow against TensorFlow's recorded answers (each in its own directory)."""

import importlib
import warnings

import pytest

import featherflow
from tests.data.scenarios import common  # scenarios puts tools/ on sys.path first


def group_test(group, only=None):
    """A test over the scenarios of ``transformations.<group>`` (those whose name starts
    with ``only`` when given)."""
    module = importlib.import_module("data_fixtures.transformations")
    names = sorted(n for n in getattr(module, group) if only is None or n.startswith(only))
    recorded = common.load("transformations")["results"]

    @pytest.mark.parametrize("name", names)
    def test(name, tmp_path, monkeypatch):
        assert name in recorded, (
            f"scenario {name!r} has no recorded answer: run /work/venv-tf/bin/python "
            "tools/make_data_fixtures.py transformations")
        monkeypatch.chdir(tmp_path)
        with warnings.catch_warnings():
            # the cache scenarios stop first passes early on purpose
            warnings.simplefilter("ignore")
            actual = common.run(module.SCENARIOS[name], featherflow)
        common.assert_matches(recorded[name], actual, name)

    return test
