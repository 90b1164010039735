"""featherflow.summary ops read back with TensorBoard's own EventAccumulator."""

import io

import numpy as np
import pytest

from featherflow import summary
from featherflow.autodiff.tensor import Tensor, constant
from featherflow.autodiff.variable import Variable
from featherflow.summary import experimental
from featherflow.summary.ops import histogram_buckets

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")


def load(logdir):
    acc = event_accumulator.EventAccumulator(
        str(logdir), size_guidance={"tensors": 0, "scalars": 0, "histograms": 0, "images": 0}
    )
    acc.Reload()
    return acc


def tensors(acc, tag):
    return [(e.step, tensor_util.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


@pytest.fixture(autouse=True)
def clean_default_state():
    yield
    summary.writer.state.writer = None
    summary.writer.state.step = None
    summary.writer.state.record = True


def test_scalar_accepts_numbers_arrays_and_tensors(tmp_path):
    values = [0.5, 2, np.float32(1.25), np.array(3.5), np.array([4.5]), constant(5.5),
              Variable(6.5)]
    with summary.create_file_writer(tmp_path).as_default():
        for step, value in enumerate(values):
            assert summary.scalar("loss", value, step=step) is True
    acc = load(tmp_path)
    got = tensors(acc, "loss")
    assert [s for s, _ in got] == list(range(len(values)))
    assert [v.item() for _, v in got] == [0.5, 2.0, 1.25, 3.5, 4.5, 5.5, 6.5]
    assert all(v.dtype == np.float32 and v.shape == () for _, v in got)
    assert acc.summary_metadata["loss"].plugin_data.plugin_name == "scalars"


def test_scalar_description_is_in_the_metadata(tmp_path):
    with summary.create_file_writer(tmp_path).as_default():
        summary.scalar("acc", 0.9, step=1, description="share of **right** answers")
    assert load(tmp_path).summary_metadata["acc"].summary_description == (
        "share of **right** answers"
    )


def test_scalar_rejects_arrays(tmp_path):
    with summary.create_file_writer(tmp_path).as_default():
        with pytest.raises(ValueError, match=r"expected one real number.*shape \(3,\)"):
            summary.scalar("loss", np.ones(3), step=0)
        with pytest.raises(ValueError, match="expected one real number"):
            summary.scalar("loss", "high", step=0)


def test_no_default_writer_writes_nothing(tmp_path):
    assert summary.scalar("x", 1.0, step=0) is False
    assert summary.histogram("x", [1.0], step=0) is False
    assert summary.text("x", "a", step=0) is False
    assert summary.image("x", np.zeros((1, 2, 2, 1)), step=0) is False
    assert summary.should_record_summaries() is False


def test_default_step_sources(tmp_path):
    counter = Variable(7, dtype="int64")
    writer = summary.create_file_writer(tmp_path)
    with writer.as_default(step=3):
        summary.scalar("a", 1.0)
        assert experimental.get_step() == 3
    assert experimental.get_step() is None
    experimental.set_step(counter)
    with writer.as_default():
        summary.scalar("b", 1.0)
        counter.assign(8)
        summary.scalar("b", 2.0)
        summary.scalar("b", 3.0, step=100)
    experimental.set_step(None)
    with writer.as_default():
        with pytest.raises(ValueError, match="no step was given and no default step is set"):
            summary.scalar("c", 1.0)
        with pytest.raises(TypeError, match="step must be an integer"):
            summary.scalar("c", 1.0, step="one")
    writer.close()
    acc = load(tmp_path)
    assert [s for s, _ in tensors(acc, "a")] == [3]
    assert [s for s, _ in tensors(acc, "b")] == [7, 8, 100]


def test_as_default_nests_restores_and_flushes(tmp_path):
    outer = summary.create_file_writer(tmp_path / "outer")
    inner = summary.create_file_writer(tmp_path / "inner")
    with outer.as_default():
        with inner.as_default():
            summary.scalar("x", 1.0, step=0)
        summary.scalar("x", 2.0, step=0)
        # Leaving the inner context flushed it: the value is on disk already.
        assert [v.item() for _, v in tensors(load(tmp_path / "inner"), "x")] == [1.0]
    assert summary.writer.state.writer is None
    assert [v.item() for _, v in tensors(load(tmp_path / "outer"), "x")] == [2.0]


def test_set_as_default_and_close(tmp_path):
    writer = summary.create_file_writer(tmp_path)
    writer.set_as_default(step=4)
    summary.scalar("x", 1.0)
    summary.flush()
    assert [s for s, _ in tensors(load(tmp_path), "x")] == [4]
    writer.close()
    assert writer.closed and summary.writer.state.writer is None
    assert summary.scalar("x", 1.0) is False


def test_record_if(tmp_path):
    with summary.create_file_writer(tmp_path).as_default():
        with summary.record_if(False):
            assert summary.scalar("x", 1.0, step=0) is False
        step = {"n": 0}
        with summary.record_if(lambda: step["n"] % 2 == 0):
            for n in range(5):
                step["n"] = n
                summary.scalar("x", float(n), step=n)
        assert summary.should_record_summaries()
    assert [s for s, _ in tensors(load(tmp_path), "x")] == [0, 2, 4]


def test_noop_writer(tmp_path):
    writer = summary.create_file_writer(tmp_path)
    with writer.as_default():
        with summary.create_noop_writer().as_default():
            assert summary.scalar("x", 1.0, step=0) is False
        assert summary.writer.state.writer is writer


def test_writer_options(tmp_path):
    writer = summary.create_file_writer(tmp_path, max_queue=2, flush_millis=10**9,
                                        filename_suffix=".mine")
    assert writer.path.endswith(".mine")
    with writer.as_default():
        summary.scalar("x", 1.0, step=0)
        summary.scalar("x", 2.0, step=1)
        # max_queue reached: written before any flush.
        assert len(tensors(load(tmp_path), "x")) == 2
    with pytest.raises(ValueError, match="max_queue must be >= 0"):
        summary.create_file_writer(tmp_path, max_queue=-1)


@pytest.mark.parametrize(
    "data, buckets",
    [
        (np.random.default_rng(0).normal(size=1000), None),
        (np.random.default_rng(1).uniform(-3, 7, size=(20, 30)), 7),
        (np.array([2.5, 2.5, 2.5]), None),
        (np.array([1, 2, 3, 4], dtype=np.int32), 2),
        (np.array([]), None),
        (np.array([1.0, 2.0]), 0),
    ],
)
def test_histogram_matches_tensorboard(tmp_path, data, buckets):
    reference = pytest.importorskip("tensorboard.plugins.histogram.summary_v2")
    want = tensor_util.make_ndarray(reference.histogram_pb("h", data, buckets).value[0].tensor)
    with summary.create_file_writer(tmp_path).as_default():
        summary.histogram("weights", Tensor(np.asarray(data)), step=3, buckets=buckets)
    acc = load(tmp_path)
    ((step, got),) = tensors(acc, "weights")
    assert step == 3 and got.dtype == np.float64
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert acc.summary_metadata["weights"].plugin_data.plugin_name == "histograms"


def test_histogram_counts_every_finite_value():
    table = histogram_buckets([0.0, 1.0, 1.0, 10.0, np.nan, np.inf], buckets=10)
    assert table[:, 2].sum() == 4
    assert table[0, 0] == 0.0 and table[-1, 1] == 10.0
    assert table[-1, 2] == 1 and table[0, 2] == 1 and table[1, 2] == 2
    with pytest.raises(ValueError, match="buckets must be >= 0"):
        histogram_buckets([1.0], buckets=-1)


def test_histograms_show_in_the_histogram_dashboard_format(tmp_path):
    histogram_plugin = pytest.importorskip("tensorboard.plugins.histogram.histograms_plugin")
    del histogram_plugin
    with summary.create_file_writer(tmp_path).as_default():
        for step in range(3):
            summary.histogram("w", np.arange(10.0) * (step + 1), step=step)
    got = tensors(load(tmp_path), "w")
    assert [s for s, _ in got] == [0, 1, 2]
    assert [t[:, 2].sum() for _, t in got] == [10, 10, 10]
    assert [t[-1, 1] for _, t in got] == [9.0, 18.0, 27.0]


def test_text(tmp_path):
    with summary.create_file_writer(tmp_path).as_default():
        summary.text("notes", "learning rate **0.1** – ünïcode", step=0)
        summary.text("table", np.array([["a", "b"], ["c", "d"]]), step=1)
        summary.text("bytes", b"raw", step=2)
        with pytest.raises(TypeError, match="expected a string"):
            summary.text("bad", 3.0, step=0)
    acc = load(tmp_path)
    ((_, note),) = tensors(acc, "notes")
    assert note.shape == () and note.item().decode() == "learning rate **0.1** – ünïcode"
    ((_, table),) = tensors(acc, "table")
    assert table.shape == (2, 2) and table[1, 0] == b"c"
    assert tensors(acc, "bytes")[0][1].item() == b"raw"
    assert acc.summary_metadata["notes"].plugin_data.plugin_name == "text"


def test_image(tmp_path):
    image_module = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    grey = rng.uniform(size=(4, 5, 7, 1))
    rgb = rng.integers(0, 256, size=(1, 3, 2, 3), dtype=np.uint8)
    rgba = rng.integers(0, 256, size=(2, 6, 4, 4), dtype=np.uint8)
    with summary.create_file_writer(tmp_path).as_default():
        summary.image("grey", grey, step=0)
        summary.image("rgb", rgb, step=1, max_outputs=5)
        summary.image("rgba", Tensor(rgba), step=2, max_outputs=1)
        with pytest.raises(ValueError, match=r"4-D array.*received shape \(5, 7\)"):
            summary.image("bad", np.zeros((5, 7)), step=0)
    acc = load(tmp_path)
    assert acc.summary_metadata["grey"].plugin_data.plugin_name == "images"

    def decode(tag):
        ((_, strings),) = tensors(acc, tag)
        width, height = int(strings[0]), int(strings[1])
        pics = [np.asarray(image_module.open(io.BytesIO(s))) for s in strings[2:]]
        return width, height, pics

    width, height, pics = decode("grey")
    assert (width, height, len(pics)) == (7, 5, 3)
    # As TF's convert_image_dtype: scale by 255.5, clamp and truncate.
    np.testing.assert_array_equal(pics[1], (grey[1, ..., 0] * 255.5).astype(np.uint8))
    width, height, pics = decode("rgb")
    assert (width, height, len(pics)) == (2, 3, 1)
    np.testing.assert_array_equal(pics[0], rgb[0])
    width, height, pics = decode("rgba")
    assert len(pics) == 1
    np.testing.assert_array_equal(pics[0], rgba[0])


def test_write_and_write_raw_pb(tmp_path):
    summary_pb2 = pytest.importorskip("tensorboard.compat.proto.summary_pb2")
    metadata = summary_pb2.SummaryMetadata()
    metadata.plugin_data.plugin_name = "custom"
    raw = summary_pb2.Summary()
    raw.value.add(tag="raw", simple_value=4.0)
    with summary.create_file_writer(tmp_path).as_default():
        summary.write("ints", np.arange(6, dtype=np.int64).reshape(2, 3), step=1,
                      metadata=metadata)
        summary.write("flags", np.array([True, False]), step=2)
        assert experimental.write_raw_pb(raw.SerializeToString(), step=5)
        with pytest.raises(TypeError, match="serialized Summary"):
            experimental.write_raw_pb(raw, step=5)
    acc = load(tmp_path)
    ((step, ints),) = tensors(acc, "ints")
    assert step == 1 and ints.dtype == np.int64
    np.testing.assert_array_equal(ints, np.arange(6).reshape(2, 3))
    assert acc.summary_metadata["ints"].plugin_data.plugin_name == "custom"
    np.testing.assert_array_equal(tensors(acc, "flags")[0][1], [True, False])
    # A legacy simple_value: the accumulator files it under scalars.
    (event,) = acc.Scalars("raw")
    assert event.step == 5 and event.value == 4.0
