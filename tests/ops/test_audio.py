"""tf.audio against TF 2.21's recorded answers (tools/data_fixtures/audio.py), plus checks
with the stdlib ``wave`` module and of the error messages."""

import io
import wave

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("audio")


def _wave_bytes(frames, rate, channels):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames.astype("<i2").tobytes())
    return buffer.getvalue()


def test_decodes_what_the_wave_module_writes():
    pcm = np.array([[0, -32768], [32767, 5], [-3, 100]], dtype=np.int16)
    audio, rate = tf.audio.decode_wav(_wave_bytes(pcm, 22050, 2))
    assert int(rate) == 22050 and rate.numpy().dtype == np.int32
    np.testing.assert_array_equal(audio.numpy(), pcm.astype(np.float32) / 32768)


def test_encoded_bytes_are_read_back_by_the_wave_module():
    audio = np.array([[0.25, -0.5], [1.0, -1.0]], dtype=np.float32)
    contents = tf.audio.encode_wav(audio, 8000).numpy()
    with wave.open(io.BytesIO(contents)) as reader:
        assert (reader.getnchannels(), reader.getframerate(), reader.getsampwidth()) == (
            2, 8000, 2)
        frames = np.frombuffer(reader.readframes(2), dtype="<i2").reshape(2, 2)
    np.testing.assert_array_equal(frames, [[8192, -16384], [32767, -32768]])


def test_errors_say_what_was_expected():
    with pytest.raises(InvalidArgumentError, match="Expected RIFF"):
        tf.audio.decode_wav(b"RIFX" + b"\0" * 40)
    with pytest.raises(InvalidArgumentError, match="expand_dims"):
        tf.audio.encode_wav(np.zeros(3, np.float32), 100)
    with pytest.raises(TypeError, match="WAV file's bytes"):
        tf.audio.decode_wav(np.asarray(3.0, dtype=object))
