"""tf.strings against TF 2.21's recorded answers (tools/data_fixtures/strings.py), plus the
cases featherflow refuses on purpose and the error messages."""

import numpy as np
import pytest

import featherflow as tf
from featherflow.errors import InvalidArgumentError
from tests.data.scenarios import scenario_test

test_tf_scenario, workdir = scenario_test("strings")


def test_split_of_a_batch_is_a_ragged_tensor():
    # the values against TF are in tests/api/test_ragged.py (strings_*)
    pieces = tf.strings.split(["a b", "c"])
    assert isinstance(pieces, tf.RaggedTensor)
    assert pieces.to_list() == [[b"a", b"b"], [b"c"]]


def test_numbers_are_refused_with_a_fix():
    with pytest.raises(TypeError, match="as_string"):
        tf.strings.length(1)
    with pytest.raises(TypeError, match="as_string"):
        tf.strings.lower(tf.constant([1.0]))


def test_to_number_error_names_the_string_and_element():
    with pytest.raises(InvalidArgumentError, match=r"convert string: abc \(element 1"):
        tf.strings.to_number(["1", "abc"])


def test_substr_error_gives_the_valid_range():
    with pytest.raises(InvalidArgumentError, match=r"must be in \[-2, 2\]"):
        tf.strings.substr("hi", 3, 1)


def test_outputs_are_tensors_with_tf_dtypes():
    lengths = tf.strings.length(tf.constant([["ab"], ["c"]]))
    assert lengths.dtype == np.int32 and lengths.shape == (2, 1)
    assert tf.strings.regex_full_match("a", "a").numpy().dtype == np.bool_
    assert tf.strings.lower("A").numpy() == b"a"


def test_split_result_feeds_other_ops():
    fields = tf.strings.split(tf.constant("3,4.5"), ",")
    np.testing.assert_allclose(tf.strings.to_number(fields).numpy(), [3.0, 4.5])


def test_join_of_a_single_tensor_points_to_reduce_join():
    with pytest.raises(TypeError, match="reduce_join"):
        tf.strings.join(tf.constant(["a", "b"]))


def test_hash_bucket_fast_refuses_zero_buckets():
    with pytest.raises(InvalidArgumentError, match="num_buckets must be >= 1"):
        tf.strings.to_hash_bucket_fast(["a"], 0)


def test_unicode_ops_on_a_batch_give_ragged_tensors():
    assert tf.strings.unicode_split(["ab", "c"], "UTF-8").to_list() == [[b"a", b"b"], [b"c"]]
    assert tf.strings.unicode_decode(["ab", "c"], "UTF-8").to_list() == [[97, 98], [99]]
    assert tf.strings.bytes_split(["ab"]).to_list() == [[b"a", b"b"]]


def test_regex_unicode_classes_other_than_letters_are_refused_clearly():
    with pytest.raises(InvalidArgumentError, match=r"\\pL"):
        tf.strings.regex_replace("a", r"\p{Greek}", "")
    assert tf.strings.regex_replace("aé1", r"\pL", "-").numpy() == b"--1"


def test_to_number_of_a_large_batch_keeps_its_shape():
    numbers = tf.strings.as_string(tf.reshape(tf.range(12), [3, 4]))
    np.testing.assert_array_equal(tf.strings.to_number(numbers, tf.int64).numpy(),
                                  np.arange(12).reshape(3, 4))
