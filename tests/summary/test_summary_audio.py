"""tf.summary.audio against TF 2.21 + TensorBoard 2.21 (tools/data_fixtures/summary_audio.py):
the event files are read back with TensorBoard's EventAccumulator and the audio plugin's
metadata parser, and the WAV bytes, labels, shapes and plugin data must equal TF's."""

import io
import wave

import numpy as np
import pytest

import featherflow as tf
from tests.data.scenarios import scenario_test

pytest.importorskip("tensorboard")

test_summary_audio_scenario, workdir = scenario_test("summary_audio")


@pytest.fixture(autouse=True)
def clean_default_state():
    yield
    tf.summary.writer.state.writer = None
    tf.summary.writer.state.step = None


def test_the_wav_plays_back(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator
    from tensorboard.util import tensor_util

    clip = np.linspace(-0.5, 0.5, 16, dtype=np.float32).reshape(1, 8, 2)
    with tf.summary.create_file_writer(str(tmp_path)).as_default():
        assert tf.summary.audio("pcm", clip, 4000, step=1) is True
    acc = event_accumulator.EventAccumulator(str(tmp_path), size_guidance={"tensors": 0})
    acc.Reload()
    wav_bytes, label = tensor_util.make_ndarray(acc.Tensors("pcm")[0].tensor_proto)[0]
    assert label == b""
    with wave.open(io.BytesIO(wav_bytes)) as reader:
        assert (reader.getnchannels(), reader.getframerate(), reader.getnframes()) == (2, 4000, 8)
