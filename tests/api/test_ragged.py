"""tf.RaggedTensor / tf.ragged against TF 2.21's recorded answers
(tools/data_fixtures/ragged.py: construction, properties, indexing, elementwise ops,
reductions, concat/stack/gather/map_fn, tf.ragged's functions, tf.strings on ragged input,
gradients w.r.t. the flat values, tf.data with ragged elements, TextVectorization(ragged=True)
and audio_dataset_from_directory(ragged=True)). Float values to rtol 1e-6, atol 1e-6: the
same float32 ops run on the same values; a mean or a gradient through a sum may differ in
the last bit."""

import os
import sys
from pathlib import Path

import pytest

import featherflow

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from data_fixtures import common, ragged  # noqa: E402

GAPS = {}
RECORDED = common.load("ragged")["results"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("ragged")
    cwd = os.getcwd()
    os.chdir(path)
    try:
        ragged.setup(featherflow, str(path))
    finally:
        os.chdir(cwd)
    return path


def _param(name):
    if name in GAPS:
        return pytest.param(name, marks=pytest.mark.xfail(reason=GAPS[name], strict=True))
    return name


@pytest.mark.parametrize("name", [_param(n) for n in sorted(ragged.SCENARIOS)])
def test_tf_scenario(name, workdir, monkeypatch):
    assert name in RECORDED, (
        f"scenario {name!r} has no recorded answer: run /work/venv-tf/bin/python "
        "tools/make_data_fixtures.py ragged")
    monkeypatch.chdir(workdir)
    actual = common.run(ragged.SCENARIOS[name], featherflow)
    common.assert_matches(RECORDED[name], actual, name, rtol=1e-6, atol=1e-6)
