"""The tf.data guide's and the CSV / text / TFRecord tutorials' snippets against real TF 2.21
(tools/data_fixtures/guide.py; examples/data_pipelines.py and data_files.py type them in).

A scenario that shows a gap featherflow still has is a strict xfail naming the gap, so it
turns into a failure the day the gap closes and the mark must go.
"""

import os
import sys
from pathlib import Path

import pytest

import featherflow

TOOLS = Path(__file__).resolve().parents[2] / "tools"
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))

from data_fixtures import common, guide  # noqa: E402

GAPS = {}

RECORDED = common.load("guide")["results"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    path = tmp_path_factory.mktemp("guide")
    cwd = os.getcwd()
    os.chdir(path)
    try:
        guide.setup(featherflow, str(path))
    finally:
        os.chdir(cwd)
    return path


def _param(name):
    if name in GAPS:
        return pytest.param(name, marks=pytest.mark.xfail(reason=GAPS[name], strict=True))
    return name


@pytest.mark.parametrize("name", [_param(n) for n in sorted(guide.SCENARIOS)])
def test_tf_scenario(name, workdir, monkeypatch):
    assert name in RECORDED, (
        f"scenario {name!r} has no recorded answer: run "
        f"/work/venv-tf/bin/python tools/make_data_fixtures.py guide")
    monkeypatch.chdir(workdir)
    actual = common.run(guide.SCENARIOS[name], featherflow)
    common.assert_matches(RECORDED[name], actual, name)


def test_every_gap_names_a_scenario():
    assert set(GAPS) <= set(guide.SCENARIOS)


def test_tf_refuses_a_bool_in_an_int64_list_as_featherflow_does():
    # The TFRecord tutorial's _int64_feature(True) stopped working with protobuf 5: the
    # recorded TF answer is the refusal, and featherflow's protobuf gives the same one.
    assert RECORDED["int64_feature_bool"]["raised"] == "TypeError"
    with pytest.raises(TypeError, match="Expected an int, got a boolean"):
        guide.int64_feature_bool(featherflow)


def test_shuffle_then_repeat_keeps_epochs_apart(workdir):
    near_boundary, shuffle_repeat, blended, repeat_shuffle = guide.shuffle_then_repeat(
        featherflow)
    # shuffle before repeat: the first pass ends in a short batch (628 = 62 * 10 + 8), and
    # the second pass starts again from low ids (a buffer of 100 holds ids < 110 at first)
    assert [len(batch) for batch in near_boundary] == [10, 10, 8, 10, 10]
    assert max(near_boundary[3]) < 110 and min(near_boundary[2]) > 300
    assert len(shuffle_repeat) == 2 * 63
    # repeat before shuffle: no short batch, and batches near the boundary mix both passes
    assert len(repeat_shuffle) == 126 and all(len(batch) == 10 for batch in blended)
    assert any(min(batch) < 100 and max(batch) > 520 for batch in blended)
