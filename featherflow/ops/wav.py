"""16-bit PCM WAV files to float audio and back, byte for byte as TensorFlow's
``DecodeWav``/``EncodeWav`` ops: the same header checks, chunk skipping and sample scaling
(int16 / 32768 on the way in; round(x * 32768) clipped to int16 on the way out)."""

import collections
import struct

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError

DecodeWav = collections.namedtuple("DecodeWav", ["audio", "sample_rate"])

# Chunks TF lets stand between "WAVE" and "fmt " (padding, broadcast-WAV metadata).
_SKIPPABLE = (b"JUNK", b"bext", b"iXML", b"qlty", b"mext", b"levl", b"link", b"axml")
_INT32_MAX = 2 ** 31 - 1


class _Reader:
    """Reads a WAV byte string front to back, failing as TF does when it runs short."""

    def __init__(self, data):
        self.data = data
        self.offset = 0

    def advance(self, count):
        if self.offset + count > len(self.data):
            raise InvalidArgumentError(
                f"decode_wav: Data too short when trying to read string (needed {count} "
                f"bytes at offset {self.offset} of a {len(self.data)}-byte WAV).")
        start = self.offset
        self.offset += count
        return start

    def take(self, count):
        start = self.advance(count)
        return self.data[start:self.offset]

    def expect(self, text):
        found = self.take(len(text))
        if found != text:
            raise InvalidArgumentError(
                f"decode_wav: Header mismatch: Expected {text.decode()} but found "
                f"{found.decode('latin-1')}; is this a WAV file?")

    def value(self, code):
        return struct.unpack("<" + code, self.take(struct.calcsize(code)))[0]


def _scalar_bytes(value, name, op):
    data = value.data if isinstance(value, Tensor) else np.asarray(value, dtype=object)
    if data.ndim != 0:
        raise InvalidArgumentError(
            f"{op}: {name} must be scalar, got shape {list(data.shape)}.")
    item = data.item()
    if not isinstance(item, bytes):
        raise TypeError(f"{op}: {name} must be a string (the WAV file's bytes); received "
                        f"{type(item).__name__}.")
    return item


def _read_format(reader):
    """Channels, sample rate and bytes per frame from the "fmt " chunk, with TF's checks."""
    chunk_size = reader.value("I")
    if chunk_size not in (16, 18):
        raise InvalidArgumentError(
            f"decode_wav: Bad format chunk size for WAV: Expected 16 or 18, but got "
            f"{chunk_size}.")
    audio_format = reader.value("H")
    if audio_format != 1:
        raise InvalidArgumentError(
            f"decode_wav: Bad audio format for WAV: Expected 1 (PCM), but got {audio_format}; "
            f"only 16-bit PCM files can be decoded (convert others, e.g. with sox).")
    channels = reader.value("H")
    if channels < 1:
        raise InvalidArgumentError(
            f"decode_wav: Bad number of channels for WAV: Expected at least 1, but got "
            f"{channels}.")
    sample_rate = reader.value("I")
    bytes_per_second = reader.value("I")
    bytes_per_frame = reader.value("H")
    bits = reader.value("H")
    if bits != 16:
        raise InvalidArgumentError(
            f"decode_wav: Can only read 16-bit WAV files, but received {bits}.")
    expected_frame = (bits * channels + 7) // 8
    if bytes_per_frame != expected_frame:
        raise InvalidArgumentError(
            f"decode_wav: Bad bytes per sample in WAV header: Expected {expected_frame} but "
            f"got {bytes_per_frame}.")
    if bytes_per_second != bytes_per_frame * sample_rate:
        raise InvalidArgumentError(
            f"decode_wav: Bad bytes per second in WAV header: Expected "
            f"{bytes_per_frame * sample_rate} but got {bytes_per_second} "
            f"(sample_rate={sample_rate}, bytes_per_sample={bytes_per_frame}).")
    if chunk_size == 18:
        reader.offset += 2
    return channels, sample_rate, bytes_per_frame


def _decode(contents):
    reader = _Reader(contents)
    reader.expect(b"RIFF")
    reader.value("I")
    reader.expect(b"WAVE")
    chunk_id = reader.take(4)
    while chunk_id != b"fmt ":
        if chunk_id not in _SKIPPABLE:
            raise InvalidArgumentError(
                f"decode_wav: Unexpected field {chunk_id.decode('latin-1')} before the "
                f"'fmt ' chunk.")
        reader.advance(reader.value("I"))
        chunk_id = reader.take(4)
    channels, sample_rate, bytes_per_frame = _read_format(reader)
    samples = None
    while reader.offset < len(contents):
        chunk_id = reader.take(4)
        chunk_size = reader.value("I")
        if chunk_size > _INT32_MAX:
            raise InvalidArgumentError(
                f"decode_wav: WAV data chunk '{chunk_id.decode('latin-1')}' is too large: "
                f"{chunk_size} bytes, but the limit is {_INT32_MAX}.")
        if chunk_id != b"data":
            reader.offset += chunk_size
            continue
        if samples is not None:
            raise InvalidArgumentError("decode_wav: More than one data chunk found in WAV.")
        frames = chunk_size // bytes_per_frame
        start = reader.advance(2 * frames * channels)
        raw = np.frombuffer(contents, dtype="<i2", count=frames * channels, offset=start)
        samples = raw.reshape(frames, channels)
    if samples is None:
        raise InvalidArgumentError("decode_wav: No data chunk found in WAV.")
    return samples, sample_rate


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """``tf.audio.decode_wav``: a 16-bit PCM WAV file's bytes -> ``(audio, sample_rate)``.

    ``audio`` is float32 ``[samples, channels]`` in [-1, 1); ``desired_samples`` pads with
    zeros or cuts, ``desired_channels`` drops channels or repeats the last one.

    >>> audio, rate = tf.audio.decode_wav(tf.io.read_file("speech.wav"), desired_channels=1)
    """
    samples, sample_rate = _decode(_scalar_bytes(contents, "contents", "decode_wav"))
    if desired_channels < -1 or desired_samples < -1:
        raise InvalidArgumentError(
            f"decode_wav: desired_channels and desired_samples must be >= -1 (-1 keeps the "
            f"file's); got {desired_channels} and {desired_samples}.")
    frames, channels = samples.shape
    out_frames = frames if desired_samples == -1 else desired_samples
    out_channels = channels if desired_channels == -1 else desired_channels
    audio = np.zeros((out_frames, out_channels), dtype=np.float32)
    kept = min(frames, out_frames)
    if out_channels:
        source = np.minimum(np.arange(out_channels), channels - 1)
        audio[:kept] = samples[:kept][:, source] * np.float32(1.0 / 32768)
    audio = Tensor(audio)
    if state.tracing is not None:
        # a traced map function: TF knows the sizes that were asked for, not the file's
        state.traced_shape(audio, (None if desired_samples == -1 else desired_samples,
                                   None if desired_channels == -1 else desired_channels))
    return DecodeWav(audio, Tensor(np.asarray(sample_rate, dtype=np.int32)))


def encode_wav(audio, sample_rate, name=None):
    """``tf.audio.encode_wav``: float audio ``[samples, channels]`` -> a 16-bit PCM WAV
    file's bytes (a scalar string tensor), values clipped to the int16 range."""
    data = np.asarray(audio.data if isinstance(audio, Tensor) else audio)
    if data.ndim != 2:
        raise InvalidArgumentError(
            f"encode_wav: audio must be 2-D [samples, channels]; got shape "
            f"{list(data.shape)} (add a channel axis with tf.expand_dims(audio, -1)).")
    if data.dtype != np.float32:
        data = data.astype(np.float32)
    rate = np.asarray(sample_rate.data if isinstance(sample_rate, Tensor) else sample_rate)
    if rate.ndim != 0:
        raise InvalidArgumentError(
            f"encode_wav: sample_rate must be a scalar; got shape {list(rate.shape)}.")
    rate = int(rate)
    frames, channels = data.shape
    if not 0 < rate < 2 ** 32:
        raise InvalidArgumentError(f"encode_wav: sample_rate must be in (0, 2^32), got: {rate}.")
    if not 0 < channels < 2 ** 16:
        raise InvalidArgumentError(
            f"encode_wav: num_channels must be in (0, 2^16), got: {channels}.")
    data_size = 2 * frames * channels
    if 44 + data_size > 2 ** 32 - 1:
        raise InvalidArgumentError(
            "encode_wav: Provided channels and frames cannot be encoded as a WAV.")
    # TF scales in float32 and rounds halves away from zero (roundf).
    scaled = (data * np.float32(32768)).astype(np.float64)
    rounded = np.copysign(np.floor(np.abs(scaled) + 0.5), scaled)
    pcm = np.clip(rounded, -32768, 32767).astype("<i2")
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_size, b"WAVE", b"fmt ", 16,
                         1, channels, rate, rate * 2 * channels, 2 * channels, 16, b"data",
                         data_size)
    out = np.empty((), dtype=object)
    out[()] = header + pcm.tobytes()
    return Tensor(out)
