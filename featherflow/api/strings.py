"""``tf.strings``: ops on string tensors (object arrays of UTF-8 ``bytes``).

As in TF, the ops take RaggedTensors of strings (elementwise ops work on the flat values),
and the splitting ops (split, bytes_split, unicode_split, unicode_decode) return a
RaggedTensor for a batch of strings, one ragged dimension more than their input; a scalar
string still gives a dense 1-D tensor. ngrams of a RaggedTensor gives a RaggedTensor.
"""

import numpy as np

from featherflow.api.strings_unicode import (  # noqa: E402, I001 - after the helpers it uses
    to_hash_bucket,
    unicode_decode,
    unicode_decode_with_offsets,
    unicode_script,
    unicode_split,
    unicode_split_with_offsets,
    unicode_transcode,
)
from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.ops import fingerprint, string_conversion
from featherflow.ops import ngrams as ngrams_ops
from featherflow.ops import strings as string_ops
from featherflow.ops import unicode as unicode_ops


def _ragged():
    # tf.ragged loads on first use; a RaggedTensor can only be met after it has loaded
    from featherflow.api import ragged_tensor

    return ragged_tensor.RaggedTensor


def _is_ragged(value):
    return type(value).__name__ == "RaggedTensor" and isinstance(value, _ragged())


def _flat_wise(op):
    """``op`` applied to the flat values of a RaggedTensor input, or to a dense input."""
    def wrapper(input, *args, **kwargs):  # noqa: A002 - TF's argument name
        if _is_ragged(input):
            return input.with_flat_values(op(input.flat_values, *args, **kwargs))
        return op(input, *args, **kwargs)
    wrapper.__name__ = op.__name__
    wrapper.__doc__ = op.__doc__
    wrapper.__wrapped__ = op
    return wrapper


lower = _flat_wise(string_ops.lower)
upper = _flat_wise(string_ops.upper)
strip = _flat_wise(string_ops.strip)
length = _flat_wise(string_ops.length)
regex_replace = _flat_wise(string_ops.regex_replace)
regex_full_match = _flat_wise(string_ops.regex_full_match)
as_string = _flat_wise(string_conversion.as_string)
format = string_conversion.format  # noqa: A001 - TF's name
to_number = _flat_wise(string_conversion.to_number)
to_hash_bucket_fast = _flat_wise(fingerprint.to_hash_bucket_fast)
to_hash_bucket_strong = _flat_wise(fingerprint.to_hash_bucket_strong)
unsorted_segment_join = string_ops.unsorted_segment_join


def substr(input, pos, len, unit="BYTE", name=None):  # noqa: A002 - TF's argument names
    """``tf.strings.substr`` (a RaggedTensor input takes scalar ``pos`` and ``len``)."""
    if _is_ragged(input):
        return input.with_flat_values(string_ops.substr(input.flat_values, pos, len, unit))
    return string_ops.substr(input, pos, len, unit)


substr.__doc__ = string_ops.substr.__doc__ or substr.__doc__


def join(inputs, separator="", name=None):
    """``tf.strings.join``: elementwise; RaggedTensor inputs must share one row partition."""
    if not isinstance(inputs, (list, tuple)) or not any(_is_ragged(v) for v in inputs):
        return string_ops.join(inputs, separator)
    from featherflow.api import ragged_math  # the shared elementwise rule for ragged

    return ragged_math.elementwise(lambda *flats: string_ops.join(list(flats), separator),
                                   "tf.strings.join", *inputs)


def reduce_join(inputs, axis=None, keepdims=False, separator="", name=None):
    """``tf.strings.reduce_join``; a RaggedTensor joins along its ragged axis 1 (or all)."""
    if not _is_ragged(inputs):
        return string_ops.reduce_join(inputs, axis, keepdims, separator)
    rank = len(inputs.shape)
    if axis is None or (isinstance(axis, (list, tuple)) and len(axis) == rank):
        return string_ops.reduce_join(inputs.flat_values, None, keepdims, separator)
    ax = int(axis[0] if isinstance(axis, (list, tuple)) else axis) % rank
    if ax != inputs.ragged_rank or inputs.flat_values.data.ndim != 1:
        raise ValueError(f"tf.strings.reduce_join: a RaggedTensor is joined along its "
                         f"innermost ragged axis ({inputs.ragged_rank}) only; received "
                         f"axis={axis}.")
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    return _join_rows(inputs, sep, keepdims)


def _join_rows(rt, sep, keepdims):
    values = rt.values
    if _is_ragged(values):
        return rt.with_values(_join_rows(values, sep, keepdims))
    flat = values.data
    splits = rt._row_splits.tolist()
    out = np.empty(len(splits) - 1, dtype=object)
    for i, (s, e) in enumerate(zip(splits[:-1], splits[1:])):
        out[i] = sep.join(flat[s:e])
    return Tensor(out.reshape(-1, 1) if keepdims else out)


def _split_all(input, split_one, name):  # noqa: A002
    """Each string of ``input`` split by ``split_one`` (a list of pieces): a RaggedTensor
    with one more ragged dimension, or a dense 1-D tensor for a scalar string."""
    RaggedTensor = _ragged()
    if _is_ragged(input):
        return input.with_flat_values(_split_all(input.flat_values, split_one, name))
    data = string_ops.string_array(input)
    if data.ndim == 0:
        # a scalar string gives a dense 1-D tensor, as in TF; its length is the data's
        return state.data_dependent(Tensor(_pieces_array([split_one(data.item())])), 0)
    if data.ndim > 1:
        dense = RaggedTensor.from_tensor(Tensor(data), ragged_rank=data.ndim - 1)
        return dense.with_flat_values(_split_all(dense.flat_values, split_one, name))
    rows = [split_one(v) for v in data.tolist()]
    lengths = np.array([len(r) for r in rows], np.int64)
    values = state.data_dependent(Tensor(_pieces_array(rows)), 0)
    # TF's kernel returns the row partition as data: a traced split has unknown rows
    return state.data_dependent(RaggedTensor.from_row_lengths(values, lengths), 0)


def _pieces_array(rows):
    pieces = [p for row in rows for p in row]
    if not pieces:
        return np.empty((0,), dtype=object)
    if not isinstance(pieces[0], bytes):
        return np.asarray(pieces, np.int32)
    # the pieces are bytes already: straight into an object array (strings_array would
    # inspect each one again)
    out = np.empty(len(pieces), dtype=object)
    out[:] = pieces
    return out


def split(input, sep=None, maxsplit=-1, name=None):  # noqa: A002
    """``tf.strings.split``: ``sep=None`` splits on runs of ASCII whitespace (dropping empty
    pieces), any other separator keeps them; a batch gives a RaggedTensor.

    >>> tf.strings.split(["a b", "c"])
    <tf.RaggedTensor [[b'a', b'b'], [b'c']]>
    """
    if sep is not None:
        sep_bytes = sep.data.item() if isinstance(sep, Tensor) else sep
        sep_bytes = sep_bytes.encode("utf-8") if isinstance(sep_bytes, str) else sep_bytes
        if not isinstance(sep_bytes, bytes):
            raise TypeError(f"tf.strings.split: 'sep' must be a string; received {sep!r}.")
    else:
        sep_bytes = None
    limit = -1 if maxsplit is None else int(maxsplit)
    return _split_all(input, lambda v: v.split(sep_bytes or None, limit), "split")


def bytes_split(input, name=None):  # noqa: A002
    """``tf.strings.bytes_split``: each string's single bytes."""
    if _is_scalar(input):
        return string_ops.bytes_split(input)
    return _split_all(input, lambda v: [v[i:i + 1] for i in range(len(v))], "bytes_split")


def _is_scalar(value):
    return not _is_ragged(value) and string_ops.string_array(value).ndim == 0


def _scalar(v):
    out = np.empty((), dtype=object)
    out[()] = v
    return Tensor(out)


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533,
                   name=None):  # noqa: A002
    """``tf.strings.unicode_encode``: code points along the innermost (ragged) axis ->
    UTF-8 strings."""
    if not _is_ragged(input):
        return unicode_ops.unicode_encode(input, output_encoding, errors, replacement_char)
    values = input.values
    if _is_ragged(values):
        return input.with_values(unicode_encode(values, output_encoding, errors,
                                                replacement_char))
    points = values.data
    splits = input._row_splits.tolist()
    out = np.empty(len(splits) - 1, dtype=object)
    for i, (s, e) in enumerate(zip(splits[:-1], splits[1:])):
        out[i] = unicode_ops.unicode_encode(Tensor(points[s:e]), output_encoding, errors,
                                            replacement_char).data[()]
    return Tensor(out)


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """``tf.strings.ngrams``; a RaggedTensor gives the n-grams of each row as a
    RaggedTensor (dense input gives dense output, as in TF)."""
    if not _is_ragged(data):
        return ngrams_ops.ngrams(data, ngram_width, separator, pad_values, padding_width,
                                 preserve_short_sequences)
    values = data.values
    if _is_ragged(values):
        return data.with_values(ngrams(values, ngram_width, separator, pad_values,
                                       padding_width, preserve_short_sequences))
    flat = values.data
    splits = data._row_splits.tolist()
    rows = []
    for s, e in zip(splits[:-1], splits[1:]):
        row = ngrams_ops.ngrams(Tensor(flat[s:e]), ngram_width, separator, pad_values,
                                padding_width, preserve_short_sequences)
        rows.append(row.data.tolist())
    lengths = np.array([len(r) for r in rows], np.int64)
    return _ragged().from_row_lengths(Tensor(_pieces_array(rows) if any(rows) else
                                             np.empty((0,), dtype=object)), lengths)


__all__ = [
    "as_string", "bytes_split", "format", "join", "length", "lower", "ngrams", "reduce_join",
    "regex_full_match", "regex_replace", "split", "strip", "substr", "to_hash_bucket",
    "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number", "unicode_decode",
    "unicode_decode_with_offsets", "unicode_encode", "unicode_script", "unicode_split",
    "unicode_split_with_offsets", "unicode_transcode", "unsorted_segment_join", "upper",
]
