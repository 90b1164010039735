# ruff: noqa: E501 - a table of one-line scenarios
"""tf.strings' Unicode ops over the three encodings, offsets, transcoding, scripts and the
legacy hash, recorded from TensorFlow 2.21 eagerly (including ill-formed input under each
`errors` mode)."""

import numpy as np

GOOD = ["hÃllo", "What is 😊?", "Göödnight", "", "语言处理"]
BAD_UTF8 = [b"ab\xffcd", b"\xe8\xaf", b"ok\xc3(", b"\xf0\x9f\x98", b"\xed\xa0\x80x", b"\xc0\xafz"]


def _rows(r):
    return r.to_list() if hasattr(r, "to_list") else r


def _decode_offsets(tf, data, enc="UTF-8", **kw):
    cps, offs = tf.strings.unicode_decode_with_offsets(data, enc, **kw)
    return [_rows(cps), _rows(offs)]


def _split_offsets(tf, data, enc="UTF-8", **kw):
    chars, offs = tf.strings.unicode_split_with_offsets(data, enc, **kw)
    return [_rows(chars), _rows(offs)]


def _encoded(enc):
    codec = {"UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}[enc]
    return [s.encode(codec) for s in GOOD]


SCENARIOS = {
    "decode_offsets_utf8": lambda tf: _decode_offsets(tf, GOOD),
    "decode_offsets_scalar": lambda tf: _decode_offsets(tf, "🎈🎉🎊"),
    "decode_offsets_2d": lambda tf: _decode_offsets(tf, [["ab", "ü"], ["", "xyz"]]),
    "split_offsets_utf8": lambda tf: _split_offsets(tf, GOOD),
    "decode_utf16": lambda tf: _rows(tf.strings.unicode_decode(_encoded("UTF-16-BE"), "UTF-16-BE")),
    "decode_utf32": lambda tf: _rows(tf.strings.unicode_decode(_encoded("UTF-32-BE"), "UTF-32-BE")),
    "decode_offsets_utf16": lambda tf: _decode_offsets(tf, _encoded("UTF-16-BE"), "UTF-16-BE"),
    "split_utf16": lambda tf: _rows(tf.strings.unicode_split(_encoded("UTF-16-BE"), "UTF-16-BE")),
    "encode_utf16_utf32": lambda tf: [tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [128522], []]), "UTF-16-BE"),
                                      tf.strings.unicode_encode(tf.ragged.constant([[104, 233], [128522], []]), "UTF-32-BE")],
    "bad_replace": lambda tf: _decode_offsets(tf, BAD_UTF8),
    "bad_replace_char": lambda tf: _decode_offsets(tf, BAD_UTF8, errors="replace", replacement_char=ord("?")),
    "bad_ignore": lambda tf: _decode_offsets(tf, BAD_UTF8, errors="ignore"),
    "bad_strict": lambda tf: _decode_offsets(tf, BAD_UTF8, errors="strict"),
    "bad_split_replace": lambda tf: _split_offsets(tf, BAD_UTF8),
    "control_characters": lambda tf: _decode_offsets(tf, ["a\x00b\x1fc\x7f\x85d\t"], replace_control_characters=True),
    "transcode_utf16": lambda tf: tf.strings.unicode_transcode(GOOD, "UTF8", "UTF-16-BE"),
    "transcode_utf32_to_utf8": lambda tf: tf.strings.unicode_transcode(_encoded("UTF-32-BE"), "UTF-32-BE", "UTF-8"),
    "transcode_latin1": lambda tf: tf.strings.unicode_transcode([b"caf\xe9", b"na\xefve"], "ISO-8859-1", "UTF-8"),
    "transcode_ascii_bad": lambda tf: tf.strings.unicode_transcode([b"ab\xe9c"], "US-ASCII", "UTF-8"),
    "transcode_bad_replace": lambda tf: tf.strings.unicode_transcode(BAD_UTF8, "UTF-8", "UTF-8"),
    "transcode_bad_ignore": lambda tf: tf.strings.unicode_transcode(BAD_UTF8, "UTF-8", "UTF-16-BE", errors="ignore"),
    "transcode_bad_strict": lambda tf: tf.strings.unicode_transcode(BAD_UTF8, "UTF-8", "UTF-8", errors="strict"),
    "transcode_control": lambda tf: tf.strings.unicode_transcode(["a\x01b"], "UTF-8", "UTF-8", replace_control_characters=True),
    "transcode_ragged": lambda tf: _rows(tf.strings.unicode_transcode(tf.ragged.constant([["a", "é"], ["😊"]]), "UTF-8", "UTF-32-BE")),
    "transcode_unknown_encoding": lambda tf: tf.strings.unicode_transcode(["a"], "NOT-AN-ENCODING", "UTF-8"),
    "decode_unknown_encoding": lambda tf: tf.strings.unicode_decode(["a"], "ISO-8859-1"),
    "script_guide": lambda tf: tf.strings.unicode_script([33464, 1041]),
    "script_sample": lambda tf: tf.strings.unicode_script(tf.constant(
        [0, 32, 48, 65, 97, 768, 880, 1024, 1329, 1488, 1575, 1792, 2309, 2437, 2944, 3585, 3840, 4256, 4352,
         5024, 6016, 8364, 12354, 12450, 19968, 44032, 65313, 66560, 119808, 128522, 917760, 0x10FFFF, 0xE0000, -5, 0x110000],
        tf.int32)),
    "script_ragged": lambda tf: _rows(tf.strings.unicode_script(tf.strings.unicode_decode(["Hi 世界", "Привет"], "UTF-8"))),
    "to_hash_bucket": lambda tf: [tf.strings.to_hash_bucket(["", "a", "hello", "hello world!", "exactly8", "0123456789abcdef", "语言处理"], 1000),
                                  tf.strings.to_hash_bucket(tf.constant([["x", "y"], ["z", "w"]]), 7)],
}
