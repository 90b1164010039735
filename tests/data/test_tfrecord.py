"""TFRecord files, tf.train.Example and tf.io parsing against real TensorFlow
(tools/data_fixtures/tfrecord.py; TensorFlow's own files in tests/fixtures/tf/data/tfrecord/)."""

import pytest

from tests.data.scenarios import scenario_test

_run_scenario, workdir = scenario_test("tfrecord")
# scenario_test put tools/ on the path, as data_fixtures, the name the recorder uses
from data_fixtures import tfrecord as scenarios  # noqa: E402


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_tf_scenario(name, workdir, monkeypatch):
    _run_scenario(name, workdir, monkeypatch)
