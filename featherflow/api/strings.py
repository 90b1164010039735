"""``tf.strings``: ops on string tensors (object arrays of UTF-8 ``bytes``)."""

from featherflow.ops.fingerprint import to_hash_bucket_fast, to_hash_bucket_strong
from featherflow.ops.ngrams import ngrams
from featherflow.ops.string_conversion import as_string, format, to_number  # noqa: A004
from featherflow.ops.strings import (
    bytes_split,
    join,
    length,
    lower,
    reduce_join,
    regex_full_match,
    regex_replace,
    split,
    strip,
    substr,
    unsorted_segment_join,
    upper,
)
from featherflow.ops.unicode import unicode_decode, unicode_encode, unicode_split

__all__ = ["as_string", "bytes_split", "format", "join", "length", "lower", "ngrams",
           "reduce_join", "regex_full_match", "regex_replace", "split", "strip", "substr",
           "to_hash_bucket_fast",
           "to_hash_bucket_strong", "to_number", "unicode_decode", "unicode_encode",
           "unicode_split", "unsorted_segment_join", "upper"]
