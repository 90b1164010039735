"""tf.strings' Unicode ops (UTF-8/16/32 decode, split and encode with offsets, transcoding,
ill-formed input under each errors mode, control characters, scripts) and to_hash_bucket
against TensorFlow 2.21 (tools/data_fixtures/strings_unicode.py)."""

import featherflow as tf
from tests.data.scenarios import scenario_test

test_strings_unicode_scenario, workdir = scenario_test("strings_unicode")


def test_unicode_guide_word_segmentation_by_script():
    codepoints = tf.strings.unicode_decode(["Hello, world.", "世界こんにちは"], "UTF-8")
    scripts = tf.strings.unicode_script(codepoints)
    starts = tf.concat([tf.fill([codepoints.nrows(), 1], True),
                        tf.not_equal(scripts[:, 1:], scripts[:, :-1])], axis=1)
    word_starts = tf.squeeze(tf.where(starts.values), axis=1)
    words = tf.RaggedTensor.from_row_starts(values=codepoints.values, row_starts=word_starts)
    assert tf.strings.unicode_encode(words, "UTF-8").numpy().tolist() == [
        b"Hello", b", ", b"world", b".", "世界".encode(), "こんにちは".encode()]
