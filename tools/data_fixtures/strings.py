"""Scenarios for tf.strings (featherflow/ops/strings.py, featherflow/ops/string_conversion.py),
recorded with TensorFlow 2.21, including string ops inside Dataset.map and filter."""

import numpy as np

_WORDS = ["Hello World", "  padded\t", "", "héllo WÖRLD", "#comment", "0,1,2"]
_GRID = [["a", "b", "c"], ["d", "e", "f"]]
_CUBE = np.array([[["a", "b"], ["c", "d"]], [["e", "f"], ["g", "h"]]])
# One string per FarmHash length class (0, 1-3, 4-7, 8-16, 17-32, 33-64, >64, many blocks).
_HASHED = ["", "a", "abc", "word", "hello w", "sixteen chars!!!", "x" * 17, "y" * 32,
           "the quick brown fox jumps over", "z" * 64, "é" * 40, "0123456789" * 7,
           "lorem ipsum " * 30]
_LINES = ["# header", "0,skip me", "1,keep", "2,also", "#another", "3,last"]


def _lines(tf):
    return tf.data.Dataset.from_tensor_slices(_LINES)


def _csv_fields(tf, line):
    # TF splits one scalar line into a 1-D tensor: the use featherflow supports without
    # RaggedTensor.
    fields = tf.strings.split(line, ",")
    return tf.strings.to_number(fields[0], tf.int32), tf.strings.upper(fields[1])


SCENARIOS = {
    "lower": lambda tf: tf.strings.lower(_WORDS),
    "lower_utf8": lambda tf: tf.strings.lower(_WORDS, encoding="utf-8"),
    "upper": lambda tf: tf.strings.upper(_WORDS),
    "upper_scalar": lambda tf: tf.strings.upper("mixed Case é"),
    "strip": lambda tf: tf.strings.strip([" \t a b \n\x0b\x0c\r", "x", "   "]),
    "length_bytes": lambda tf: tf.strings.length(_WORDS),
    "length_chars": lambda tf: tf.strings.length(_WORDS, unit="UTF8_CHAR"),
    "length_2d": lambda tf: tf.strings.length(tf.constant(_GRID)),
    "length_bad_unit": lambda tf: tf.strings.length("a", unit="CHAR"),
    "substr": lambda tf: tf.strings.substr(_WORDS[:2], 1, 3),
    "substr_past_end": lambda tf: tf.strings.substr("hello", 3, 10),
    "substr_at_end": lambda tf: tf.strings.substr("hello", 5, 2),
    "substr_negative_pos": lambda tf: tf.strings.substr(["hello", "world"], -3, 2),
    "substr_negative_len": lambda tf: tf.strings.substr("hello", 1, -1),
    "substr_out_of_range": lambda tf: tf.strings.substr(["hello", "hi"], -3, 2),
    "substr_vector_pos": lambda tf: tf.strings.substr(["hello", "world"], [1, 2], [2, 3]),
    "substr_scalar_input_vector_pos": lambda tf: tf.strings.substr("hello", [0, 1, 2],
                                                                    [1, 2, 3]),
    "substr_shape_mismatch": lambda tf: tf.strings.substr(["ab", "cd"], [1, 0], 1),
    "substr_utf8": lambda tf: tf.strings.substr("héllo", 1, 2, unit="UTF8_CHAR"),
    "substr_utf8_negative": lambda tf: tf.strings.substr("héllo", -4, 2, unit="UTF8_CHAR"),
    "substr_utf8_negative_len": lambda tf: tf.strings.substr("héllo", 1, -1,
                                                              unit="UTF8_CHAR"),
    "regex_replace": lambda tf: tf.strings.regex_replace(["hello world", "aaa"], "(o|a)",
                                                         r"<\1>"),
    "regex_replace_once": lambda tf: tf.strings.regex_replace(["aaa", "bab"], "a", "x",
                                                              replace_global=False),
    "regex_replace_whole_match": lambda tf: tf.strings.regex_replace("abc", "b", r"[\0]"),
    "regex_replace_empty_pattern": lambda tf: tf.strings.regex_replace("abc", "", "-"),
    "regex_replace_missing_group": lambda tf: tf.strings.regex_replace("abc", "b", r"\2"),
    "regex_replace_backslash": lambda tf: tf.strings.regex_replace("a.b", r"\.", r"\\"),
    "regex_replace_utf8_dot": lambda tf: tf.strings.regex_replace("é!", ".", "x"),
    "regex_replace_classes": lambda tf: tf.strings.regex_replace(
        ["<br />Great  movie!!", "A\tB"], r"[^\w\s]|<br />", ""),
    "regex_replace_ascii_word": lambda tf: tf.strings.regex_replace("héllo, wörld! _1",
                                                                    r"[^\w\s]", ""),
    "regex_replace_keras_punctuation": lambda tf: tf.strings.regex_replace(
        "Hi! It's <a> [b] {c} ~~ \\ é", r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']', ""),
    "regex_replace_posix_classes": lambda tf: [
        tf.strings.regex_replace("ab12 é!,", p, "_")
        for p in (r"[[:alpha:]]", r"[^[:alnum:]]", r"[[:punct:]]", r"[[:space:][:digit:]]")],
    "regex_replace_space_class": lambda tf: tf.strings.regex_replace("a\x0bb\tc d", r"\s",
                                                                     "_"),
    "regex_replace_anchors": lambda tf: [
        tf.strings.regex_replace("ab\ncb\n", p, "X")
        for p in (r"b$", r"b\z", r"(?m)b$", r"^.", r"\bc")],
    "regex_replace_unicode_letters": lambda tf: [
        tf.strings.regex_replace("aé1 Ω_", p, "-") for p in (r"\pL", r"\p{L}", r"\PL")],
    "regex_full_match_case_insensitive": lambda tf: tf.strings.regex_full_match(
        ["É", "é", "E"], "(?i)é"),
    "regex_replace_bad_pattern": lambda tf: tf.strings.regex_replace("abc", "(", "x"),
    "regex_full_match": lambda tf: tf.strings.regex_full_match(_WORDS, "#.*"),
    "regex_full_match_alternation": lambda tf: tf.strings.regex_full_match(["ab", "abc"],
                                                                           "a|ab"),
    "regex_full_match_bad": lambda tf: tf.strings.regex_full_match("a", "("),
    "split_whitespace": lambda tf: tf.strings.split("  a b\t\nc  "),
    "split_sep": lambda tf: tf.strings.split("a,,b,", ","),
    "split_multichar_sep": lambda tf: tf.strings.split("a<>b<>c", "<>"),
    "split_maxsplit": lambda tf: tf.strings.split("a b c d", maxsplit=2),
    "split_maxsplit_sep": lambda tf: tf.strings.split("a,b,c", ",", maxsplit=1),
    "split_empty": lambda tf: tf.strings.split(""),
    "split_empty_sep": lambda tf: tf.strings.split("", ","),
    "bytes_split": lambda tf: tf.strings.bytes_split("hé"),
    "unicode_split": lambda tf: tf.strings.unicode_split("héllo", "UTF-8"),
    "unicode_split_invalid": lambda tf: tf.strings.unicode_split(b"a\xffb", "UTF-8"),
    "join_broadcast": lambda tf: tf.strings.join([["a", "b"], "c"], separator="-"),
    "join_tensors": lambda tf: tf.strings.join([tf.constant(_GRID), tf.constant(_GRID)],
                                               separator=":"),
    "join_scalars": lambda tf: tf.strings.join(["a", "b", "c"]),
    "join_shape_mismatch": lambda tf: tf.strings.join([["a", "b"], ["c", "d", "e"]]),
    "join_number": lambda tf: tf.strings.join([tf.constant([1])]),
    "reduce_join_all": lambda tf: tf.strings.reduce_join(_GRID),
    "reduce_join_axis1": lambda tf: tf.strings.reduce_join(_GRID, axis=1, separator=","),
    "reduce_join_axis0_keepdims": lambda tf: tf.strings.reduce_join(_GRID, axis=0,
                                                                    keepdims=True),
    "reduce_join_negative": lambda tf: tf.strings.reduce_join(_GRID, axis=-1),
    "reduce_join_axes_order": lambda tf: [tf.strings.reduce_join(tf.constant(_CUBE), axis=a)
                                          for a in ([1, 0], [0, 1], [0, 2], [2, 1],
                                                    [0, 1, 2], [2, 1, 0])],
    "reduce_join_empty": lambda tf: tf.strings.reduce_join(tf.zeros([2, 0], tf.string),
                                                           axis=1),
    "reduce_join_bad_axis": lambda tf: tf.strings.reduce_join(["a", "b"], axis=1),
    "to_number_float": lambda tf: tf.strings.to_number(
        [" 1.5", "1e3", "inf", "-nan", "0x10", ".5", "5.", "-0", "1e50", "Infinity"]),
    "to_number_float64": lambda tf: tf.strings.to_number(["0.1", "1e-300"], tf.float64),
    "to_number_int32": lambda tf: tf.strings.to_number(["12", " 7 ", "+3", "-2147483648"],
                                                       out_type=tf.int32),
    "to_number_int64": lambda tf: tf.strings.to_number(["3000000000"], out_type=tf.int64),
    "to_number_bad": lambda tf: tf.strings.to_number(["1", "abc"]),
    "to_number_empty": lambda tf: tf.strings.to_number([""]),
    "to_number_suffix": lambda tf: tf.strings.to_number(["1.5f"]),
    "to_number_underscore": lambda tf: tf.strings.to_number(["1_0"]),
    "to_number_int_from_float": lambda tf: tf.strings.to_number(["1.5"], tf.int32),
    "to_number_int_overflow": lambda tf: tf.strings.to_number(["3000000000"], tf.int32),
    "to_number_int_hex": lambda tf: tf.strings.to_number(["0x10"], tf.int32),
    "as_string_float": lambda tf: tf.strings.as_string([1.5, 2.0, 1e-7, 1e20, -0.0]),
    "as_string_float64": lambda tf: tf.strings.as_string(tf.constant([0.1], tf.float64)),
    "as_string_int_width": lambda tf: tf.strings.as_string([1, -22], width=5),
    "as_string_int_zero_fill": lambda tf: tf.strings.as_string([1, -22], width=5, fill="0"),
    "as_string_left": lambda tf: tf.strings.as_string([1], width=4, fill="-"),
    "as_string_plus": lambda tf: tf.strings.as_string([1], width=4, fill="+"),
    "as_string_precision": lambda tf: tf.strings.as_string([3.14159], precision=2),
    "as_string_width_precision": lambda tf: tf.strings.as_string([1.5], width=10,
                                                                 precision=1),
    "as_string_scientific": lambda tf: tf.strings.as_string([3.14159], scientific=True),
    "as_string_shortest": lambda tf: tf.strings.as_string([3.14159, 1e20, 0.1],
                                                          shortest=True),
    "as_string_bool": lambda tf: tf.strings.as_string([True, False]),
    "as_string_special": lambda tf: tf.strings.as_string([float("nan"), float("inf")]),
    "as_string_int64": lambda tf: tf.strings.as_string(tf.constant([2 ** 40], tf.int64)),
    "as_string_uint8": lambda tf: tf.strings.as_string(tf.constant([200], tf.uint8)),
    "as_string_int_precision": lambda tf: tf.strings.as_string([1], precision=2),
    "as_string_bad_fill": lambda tf: tf.strings.as_string([1], width=4, fill="x"),
    "as_string_both_notations": lambda tf: tf.strings.as_string([1.5], scientific=True,
                                                                shortest=True),
    "format_mixed": lambda tf: tf.strings.format("x={} y={}", (1, "a")),
    "format_long_vector": lambda tf: tf.strings.format(
        "x={}", tf.constant([1.5, 2, 3, 4, 5, 6, 7])),
    "format_matrix": lambda tf: tf.strings.format("{}", tf.constant([[1, 2], [3, 4]])),
    "format_summarized_matrix": lambda tf: tf.strings.format(
        "{}", tf.reshape(tf.range(64), [8, 8])),
    "format_3d": lambda tf: tf.strings.format("{}", tf.reshape(tf.range(8), [2, 2, 2])),
    "format_strings": lambda tf: tf.strings.format("{}", tf.constant(["a", "b"])),
    "format_floats": lambda tf: tf.strings.format("{} {} {}", (
        tf.constant(1 / 3), tf.constant(1 / 3, tf.float64),
        tf.constant([1e20, 1e-5, 123456789.0, float("nan"), -0.0]))),
    "format_bool": lambda tf: tf.strings.format("{}", tf.constant([True, False])),
    "format_summarize": lambda tf: [tf.strings.format("{}", tf.range(10), summarize=s)
                                    for s in (2, -1)],
    "format_placeholder": lambda tf: tf.strings.format("a % b", [1], placeholder="%"),
    "format_count_mismatch": lambda tf: tf.strings.format("{} {}", (1,)),
    "hash_bucket_fast": lambda tf: tf.strings.to_hash_bucket_fast(_HASHED, 1000),
    "hash_bucket_fast_large": lambda tf: tf.strings.to_hash_bucket_fast(_HASHED, 2 ** 62),
    "hash_bucket_fast_2d": lambda tf: tf.strings.to_hash_bucket_fast(tf.constant(_GRID), 7),
    "hash_bucket_in_map": lambda tf: list(_lines(tf).map(
        lambda line: tf.strings.to_hash_bucket_fast(line, 10)).as_numpy_iterator()),
    "hash_bucket_strong": lambda tf: tf.strings.to_hash_bucket_strong(_HASHED, 2 ** 62,
                                                                      [1, 2]),
    "hash_bucket_strong_lengths": lambda tf: tf.strings.to_hash_bucket_strong(
        ["abcdefghijklmnopqrstuvwxyz"[:n] for n in range(27)], 1000, [-5, 7]),
    "unicode_decode": lambda tf: tf.strings.unicode_decode("héllo 😀", "UTF-8"),
    "unicode_decode_invalid": lambda tf: [
        tf.strings.unicode_decode(b"a\xffb\xe2\x82", "UTF-8", errors=e)
        for e in ("replace", "ignore")],
    "unicode_decode_strict": lambda tf: tf.strings.unicode_decode(b"a\xff", "UTF-8",
                                                                  errors="strict"),
    "unicode_encode": lambda tf: tf.strings.unicode_encode([104, 233, 0x1F600], "UTF-8"),
    "unicode_encode_2d": lambda tf: tf.strings.unicode_encode([[104, 233], [65, 66]],
                                                              "UTF-8"),
    "unicode_encode_invalid": lambda tf: tf.strings.unicode_encode(
        [104, 0x110000, -1, 0xD800], "UTF-8"),
    "unicode_roundtrip_in_map": lambda tf: list(_lines(tf).map(
        lambda line: tf.strings.unicode_encode(
            tf.strings.unicode_decode(line, "UTF-8")[::-1], "UTF-8")).as_numpy_iterator()),
    "ngrams": lambda tf: [tf.strings.ngrams(["a", "b", "c", "d"], w) for w in (1, 2, (1, 2))],
    "ngrams_2d_and_3d": lambda tf: [tf.strings.ngrams(tf.constant(_GRID), 2, separator="_"),
                                    tf.strings.ngrams(tf.constant(_CUBE), 2)],
    "ngrams_padding": lambda tf: [
        tf.strings.ngrams(["a", "b"], 3, pad_values=("<s>", "</s>")),
        tf.strings.ngrams(["a", "b"], 2, pad_values="#", padding_width=1),
        tf.strings.ngrams(["a"], 2, pad_values="#", padding_width=3),
        tf.strings.ngrams(["a", "b", "c"], (2, 3), pad_values="#")],
    "ngrams_short": lambda tf: [
        tf.strings.ngrams(["a", "b"], 3),
        tf.strings.ngrams(["a", "b"], (3, 4), preserve_short_sequences=True),
        tf.strings.ngrams(["a", "b"], (2, 3), preserve_short_sequences=True),
        tf.strings.ngrams(["a"], 4, pad_values="#", padding_width=1,
                          preserve_short_sequences=True),
        tf.strings.ngrams([["a"], ["b"]], 2), tf.strings.ngrams([["a"], ["b"]], 2,
                                                                preserve_short_sequences=True),
        tf.strings.ngrams(tf.zeros([0], tf.string), 2, preserve_short_sequences=True)],
    "ngrams_width_zero": lambda tf: tf.strings.ngrams(["a"], 0),
    "ngrams_scalar": lambda tf: tf.strings.ngrams("a", 2),
    "ngrams_in_map": lambda tf: list(_lines(tf).map(
        lambda line: tf.strings.ngrams(tf.strings.split(line, ","), 2, pad_values="^"))
        .as_numpy_iterator()),
    "unsorted_segment_join": lambda tf: [
        tf.strings.unsorted_segment_join(["a", "b", "c", "d"], [1, 0, 1, 3], 4, separator=","),
        tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"], ["e", "f"]], [0, 1, 0], 2),
        tf.strings.unsorted_segment_join([["a", "b"], ["c", "d"]], [[0, 1], [1, 1]], 2)],
    "unsorted_segment_join_negative": lambda tf: tf.strings.unsorted_segment_join(
        ["a", "b"], [-1, 0], 2),
    "unsorted_segment_join_too_large": lambda tf: tf.strings.unsorted_segment_join(
        ["a", "b"], [2, 0], 2),
    "unsorted_segment_join_shape": lambda tf: tf.strings.unsorted_segment_join(["a", "b"], [0],
                                                                               2),
    "filter_comments": lambda tf: list(_lines(tf).filter(
        lambda line: tf.strings.regex_full_match(line, "#.*") == False)  # noqa: E712
        .as_numpy_iterator()),
    "filter_first_char": lambda tf: list(_lines(tf).filter(
        lambda line: tf.strings.substr(line, 0, 1) != "0").as_numpy_iterator()),
    "map_parse_csv": lambda tf: list(_lines(tf).filter(
        lambda line: tf.logical_not(tf.strings.regex_full_match(line, "#.*")))
        .map(lambda line: _csv_fields(tf, line)).as_numpy_iterator()),
    "map_batched_ops": lambda tf: list(_lines(tf).batch(3).map(
        lambda lines: (tf.strings.length(lines), tf.strings.reduce_join(lines, separator="|"),
                       tf.strings.join([lines, "!"])))
        .as_numpy_iterator()),
    "map_spec": lambda tf: _lines(tf).map(
        lambda line: (tf.strings.lower(line), tf.strings.length(line),
                      tf.strings.regex_full_match(line, "[0-9].*"))).element_spec,
}
