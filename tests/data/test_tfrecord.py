"""TFRecord files, tf.train.Example and tf.io parsing against real TensorFlow
(tools/data_fixtures/tfrecord.py; TensorFlow's own files in tests/fixtures/tf/data/tfrecord/)."""

import pytest

from tests.data.scenarios import scenario_test

_run_scenario, workdir = scenario_test("tfrecord")
# scenario_test put tools/ on the path, as data_fixtures, the name the recorder uses
from data_fixtures import tfrecord as scenarios  # noqa: E402

# Scenarios that need a change outside featherflow/io and data/tfrecord_*.py; strict, so
# each fails loudly once the change lands and its entry here can go
PENDING = {
    "experimental_writer": "data/experimental.py: register TFRecordWriter "
                           "(featherflow.data.tfrecord_writer)",
    "experimental_writer_gzip": "data/experimental.py: register TFRecordWriter",
    "experimental_writer_not_strings": "data/experimental.py: register TFRecordWriter",
    "read_ignore_errors_next_file": "data/map.py IgnoreErrorsDataset: call next() on its "
                                    "input again after an error (TF goes on with the next "
                                    "file)",
}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=PENDING[name]))
    if name in PENDING else name for name in sorted(scenarios.SCENARIOS)])
def test_tf_scenario(name, workdir, monkeypatch):
    _run_scenario(name, workdir, monkeypatch)
