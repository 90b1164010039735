"""``tf.summary.audio``: TensorBoard's audio summary, as its ``summary_v2.audio`` writes it.

Each of the first ``max_outputs`` clips of ``data`` (``[k, frames, channels]`` floats in
[-1, 1]) is encoded as a 16-bit PCM WAV file by ``tf.audio.encode_wav``; the summary tensor
is a ``[k, 2]`` string tensor of (WAV bytes, empty label) rows, and the metadata names the
"audio" plugin with ``AudioPluginData(version=0, encoding=WAV)``, so TensorBoard's Audio
dashboard plays it as it plays TF's.

    with tf.summary.create_file_writer("logs").as_default():
        tone = np.sin(np.linspace(0, 880 * np.pi, 8000, dtype=np.float32))
        tf.summary.audio("tone", tone[None, :, None], sample_rate=8000, step=0)
"""

import numpy as np

from featherflow.errors import InvalidArgumentError
from featherflow.ops.wav import encode_wav
from featherflow.summary import _proto
from featherflow.summary.ops import _writer, resolve_step

# tensorboard/plugins/audio/plugin_data.proto: AudioPluginData.Encoding WAV = 11, field 2.
_WAV_ENCODING = 11
PLUGIN_CONTENT = b"\x10" + _proto.varint(_WAV_ENCODING)


def _array(value):
    return np.asarray(value.numpy() if hasattr(value, "numpy") else value)


def audio_tensor(name, data, sample_rate, max_outputs=3):
    """TensorProto bytes of TF's audio summary: ``[k, 2]`` strings (WAV file, label)."""
    clips = _array(data)
    if clips.ndim != 3:
        raise ValueError(
            f"tf.summary.audio({name!r}): `data` must have rank 3 [clips, frames, channels]; "
            f"received shape {list(clips.shape)}. For one mono clip use "
            "data[None, :, None].")
    limit = int(_array(max_outputs))
    if limit < 0:
        raise InvalidArgumentError(
            f"tf.summary.audio({name!r}): `max_outputs` must be non-negative; received "
            f"{limit}.")
    if clips.dtype != np.float32:
        raise InvalidArgumentError(
            f"tf.summary.audio({name!r}): `data` must be float32 (TF's encode_wav takes "
            f"float32 only); received {clips.dtype}. Cast it with tf.cast(data, tf.float32).")
    rows = []
    for clip in clips[:limit]:
        rows += [encode_wav(clip, sample_rate).numpy(), b""]
    return _proto.tensor(_proto.DT_STRING, [len(rows) // 2, 2], strings=rows)


def audio(name, data, sample_rate, step=None, max_outputs=3, encoding=None,
          description=None):
    """Write up to ``max_outputs`` audio clips, as ``tf.summary.audio``; True when written,
    False without a default writer."""
    if encoding is None:
        encoding = "wav"
    if encoding != "wav":
        raise ValueError(f"Unknown encoding: {encoding!r}")
    events = _writer()
    if events is None:
        return False
    tensor = audio_tensor(name, data, sample_rate, max_outputs)
    metadata = _proto.summary_metadata("audio", content=PLUGIN_CONTENT,
                                       description=description)
    events.add_value(name, tensor, metadata, resolve_step(step, "audio"))
    return True
