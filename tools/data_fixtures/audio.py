"""Scenarios for tf.audio.decode_wav / encode_wav (featherflow/ops/wav.py), recorded with
TensorFlow 2.21: WAV bytes built here, decoded and encoded by each library, header errors."""

import struct

import numpy as np

_STEREO = np.array([[0, 32767], [-32768, 1], [1000, -1000], [-1, 12345]], dtype="<i2")


def _fmt(channels=2, rate=8000, bits=16, audio_format=1, frame=None, per_second=None,
         size=16):
    frame = (bits * channels + 7) // 8 if frame is None else frame
    per_second = frame * rate if per_second is None else per_second
    body = struct.pack("<HHIIHH", audio_format, channels, rate, per_second, frame, bits)
    return b"fmt " + struct.pack("<I", size) + body + (b"\0\0" if size == 18 else b"")


def _chunk(chunk_id, payload):
    return chunk_id + struct.pack("<I", len(payload)) + payload


def _wav(*chunks, riff=b"RIFF", wave=b"WAVE"):
    body = b"".join(chunks)
    return riff + struct.pack("<I", 4 + len(body)) + wave + body


def _stereo(**fmt):
    return _wav(_fmt(**fmt), _chunk(b"data", _STEREO.tobytes()))


def _decode(tf, contents, **kwargs):
    audio, rate = tf.audio.decode_wav(contents, **kwargs)
    return audio, rate


_ROUNDING = np.array([[0.5 / 32768], [-0.5 / 32768], [1.5 / 32768], [-2.5 / 32768],
                      [1.0], [-1.0], [1.5], [-7.0], [0.123456], [-0.999], [1e-9]],
                     dtype=np.float32)


SCENARIOS = {
    "decode_stereo": lambda tf: _decode(tf, _stereo()),
    "decode_mono": lambda tf: _decode(tf, _wav(_fmt(channels=1, rate=16000),
                                               _chunk(b"data", _STEREO[:, 0].tobytes()))),
    "decode_fields": lambda tf: list(tf.audio.decode_wav(_stereo())._fields),
    "decode_one_channel": lambda tf: _decode(tf, _stereo(), desired_channels=1),
    "decode_more_channels": lambda tf: _decode(tf, _stereo(), desired_channels=3),
    "decode_zero_channels": lambda tf: _decode(tf, _stereo(), desired_channels=0),
    "decode_pad_samples": lambda tf: _decode(tf, _stereo(), desired_samples=6),
    "decode_cut_samples": lambda tf: _decode(tf, _stereo(), desired_samples=2,
                                             desired_channels=1),
    "decode_bad_desired": lambda tf: _decode(tf, _stereo(), desired_samples=-2),
    "decode_tensor_input": lambda tf: _decode(tf, tf.constant(_stereo())),
    "decode_junk_before_fmt": lambda tf: _decode(tf, _wav(
        _chunk(b"JUNK", b"\0" * 6), _fmt(), _chunk(b"data", _STEREO.tobytes()))),
    "decode_list_chunk_after_fmt": lambda tf: _decode(tf, _wav(
        _fmt(), _chunk(b"LIST", b"INFOabcd"), _chunk(b"data", _STEREO.tobytes()),
        _chunk(b"id3 ", b"xy"))),
    "decode_fmt_size_18": lambda tf: _decode(tf, _stereo(size=18)),
    "decode_odd_data_size": lambda tf: _decode(tf, _wav(
        _fmt(), _chunk(b"data", _STEREO.tobytes()[:-2]))),
    "decode_empty_data": lambda tf: _decode(tf, _wav(_fmt(), _chunk(b"data", b""))),
    "err_not_riff": lambda tf: _decode(tf, _stereo()[:-4].replace(b"RIFF", b"RIFX")),
    "err_not_wave": lambda tf: _decode(tf, _wav(_fmt(), wave=b"AVI ")),
    "err_unknown_chunk_before_fmt": lambda tf: _decode(tf, _wav(
        _chunk(b"LIST", b"abcd"), _fmt(), _chunk(b"data", b""))),
    "err_float_format": lambda tf: _decode(tf, _stereo(audio_format=3)),
    "err_8_bit": lambda tf: _decode(tf, _stereo(bits=8)),
    "err_bad_bytes_per_frame": lambda tf: _decode(tf, _stereo(frame=3)),
    "err_bad_bytes_per_second": lambda tf: _decode(tf, _stereo(per_second=1)),
    "err_bad_fmt_size": lambda tf: _decode(tf, _stereo(size=20)),
    "err_zero_channels": lambda tf: _decode(tf, _stereo(channels=0, frame=0)),
    "err_no_data": lambda tf: _decode(tf, _wav(_fmt())),
    "err_two_data": lambda tf: _decode(tf, _wav(_fmt(), _chunk(b"data", b"\0" * 4),
                                                _chunk(b"data", b"\0" * 4))),
    "err_truncated_data": lambda tf: _decode(tf, _stereo()[:-3]),
    "err_truncated_header": lambda tf: _decode(tf, _stereo()[:20]),
    "err_empty": lambda tf: _decode(tf, b""),
    "err_not_scalar": lambda tf: _decode(tf, tf.constant([_stereo()])),
    "encode_stereo": lambda tf: tf.audio.encode_wav(
        tf.constant(_STEREO.astype(np.float32) / 32768), 8000),
    "encode_rounding_and_clipping": lambda tf: tf.audio.encode_wav(_ROUNDING, 44100),
    "encode_empty": lambda tf: tf.audio.encode_wav(np.zeros((0, 1), np.float32), 100),
    "encode_rate_tensor": lambda tf: tf.audio.encode_wav(
        np.zeros((2, 1), np.float32), tf.constant(22050)),
    "encode_decode_roundtrip": lambda tf: _decode(tf, tf.audio.encode_wav(
        np.linspace(-1, 1, 12, dtype=np.float32).reshape(6, 2), 16000)),
    "err_encode_1d": lambda tf: tf.audio.encode_wav(np.zeros((4,), np.float32), 100),
    "err_encode_rate_zero": lambda tf: tf.audio.encode_wav(np.zeros((2, 1), np.float32), 0),
    "err_encode_zero_channels": lambda tf: tf.audio.encode_wav(np.zeros((2, 0), np.float32),
                                                               100),
    "map_decode": lambda tf: list(tf.data.Dataset.from_tensor_slices(
        [_stereo(), _stereo(rate=16000)]).map(
        lambda wav: tf.audio.decode_wav(wav, desired_channels=1, desired_samples=3))
        .as_numpy_iterator()),
}
