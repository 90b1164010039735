"""``tf.strings.ngrams`` on dense string tensors: n-grams along the last axis.

A dense input gives a dense output in TF too (every row has the same length, so the same
number of n-grams); ragged input waits for RaggedTensor (issue 15).
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.ops.strings import string_array


def _pads(pad_values):
    if pad_values is None:
        return None
    if isinstance(pad_values, (str, bytes)):
        pad_values = (pad_values, pad_values)
    if len(pad_values) != 2:
        raise ValueError(f"tf.strings.ngrams: pad_values must be a string or a (left, right) "
                         f"pair of strings; received {pad_values!r}.")
    return tuple(p.encode("utf-8") if isinstance(p, str) else bytes(p) for p in pad_values)


def _row_ngrams(tokens, widths, separator, pads, padding_width, preserve_short):
    out = []
    padded = tokens
    for width in widths:
        pad = 0
        if pads is not None:
            # TF never pads more than width - 1: a window of padding alone says nothing.
            pad = min(width - 1 if padding_width is None else padding_width, width - 1)
        padded = [pads[0]] * pad + tokens + [pads[1]] * pad if pads else tokens
        out.extend(separator.join(padded[i:i + width])
                   for i in range(len(padded) - width + 1))
    if preserve_short and not out and tokens:
        out.append(separator.join(padded))
    return out


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None,
           preserve_short_sequences=False, name=None):
    """``tf.strings.ngrams``: the ``ngram_width``-grams (an int or a tuple of them) of the
    tokens along the last axis, joined by ``separator``, with optional padding.

    >>> tf.strings.ngrams(["a", "b", "c"], 2).numpy()
    array([b'a b', b'b c'], dtype=object)
    """
    widths = (ngram_width,) if isinstance(ngram_width, int) else tuple(ngram_width)
    if any(w <= 0 for w in widths):
        raise ValueError(f"tf.strings.ngrams: All ngram_widths must be greater than 0. Got "
                         f"{ngram_width}.")
    pads = _pads(pad_values)
    if padding_width is not None and pads is None:
        raise ValueError("tf.strings.ngrams: pad_values must be provided if padding_width is "
                         "set.")
    tokens = string_array(data, "data")
    if tokens.ndim == 0:
        raise ValueError("tf.strings.ngrams: Data must have rank>0 (a sequence of tokens).")
    sep = separator.encode("utf-8") if isinstance(separator, str) else separator
    rows = tokens.reshape(int(np.prod(tokens.shape[:-1], dtype=np.int64)), tokens.shape[-1])
    grams = [_row_ngrams(list(row), widths, sep, pads, padding_width,
                         preserve_short_sequences) for row in rows]
    count = len(grams[0]) if grams else 0
    out = np.empty((len(grams), count), dtype=object)
    for i, row in enumerate(grams):
        out[i, :] = row
    return Tensor(out.reshape(tokens.shape[:-1] + (count,)))
