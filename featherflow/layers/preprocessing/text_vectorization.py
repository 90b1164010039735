"""TextVectorization: strings to token ids or token vectors, as ``keras.layers.TextVectorization``.

Each string is standardized (``tf.strings.lower`` then ``tf.strings.regex_replace`` with Keras's
punctuation class), split (``tf.strings.split`` / ``unicode_split``), turned into n-grams
(``tf.strings.ngrams``) and looked up in a ``StringLookup`` whose index 0 is the padding token
``""``. TF keeps the split tokens in a RaggedTensor; featherflow keeps them as rows of a flat
token array and pads them (``"int"`` mode) or counts them per row (the other modes), which is
what TF returns for a dense output.
"""

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.tensor import Tensor
from featherflow.layers.preprocessing import adapt as adapt_data
from featherflow.layers.preprocessing.index_lookup import (
    canonical_output_mode,
    listify,
    refuse_sparse,
)
from featherflow.layers.preprocessing.raw_input_layer import (
    RawInputLayer,
    as_tensor,
    check_string_input,
)
from featherflow.layers.preprocessing.string_lookup import StringLookup
from featherflow.ops import ngrams as ngrams_ops
from featherflow.ops import strings as string_ops
from featherflow.ops import unicode as unicode_ops
from featherflow.serialization import deserialize_keras_object, serialize_keras_object

# Keras's DEFAULT_STRIP_REGEX: ASCII punctuation (",-\." is the range , - .)
DEFAULT_STRIP_REGEX = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"The `{arg}` argument of layer TextVectorization received an invalid "
                     f"value {value!r}. Allowed values are: {list(allowed)}, None, or a "
                     "callable.")


def _rows_of(value, count, where):
    """A callable split's result as ``count`` 1-D rows of strings."""
    if isinstance(value, (Tensor, np.ndarray)):
        data = as_tensor(value).data
        if data.ndim == 1 and count == 1:
            return [data]
        rows = list(data.reshape(count, -1)) if data.ndim == 2 else None
    else:
        rows = [as_tensor(row if isinstance(row, (Tensor, np.ndarray)) else list(row))
                .data.reshape(-1) if len(row) else np.empty((0,), dtype=object)
                for row in value]
    if rows is None or len(rows) != count:
        raise ValueError(f"{where}: a callable `split` must return one row of tokens per input "
                         f"string ({count}): a dense 2-D string tensor or a list of 1-D ones "
                         "(featherflow has no RaggedTensor yet).")
    return [check_string_input_rows(row, where) for row in rows]


def check_string_input_rows(row, where):
    if row.dtype != object:
        raise TypeError(f"{where}: `split` returned non-string tokens of dtype {row.dtype}.")
    return row


class TextVectorization(RawInputLayer):
    """Turns strings into sequences of token indices (or multi-hot, count, tf-idf vectors).

    Example::

        >>> layer = tf.keras.layers.TextVectorization(output_sequence_length=4)
        >>> layer.adapt(["The cat sat.", "The dog sat!"])
        >>> layer(["the cat", "a dog sat down"]).numpy()
        array([[3, 5, 0, 0],
               [1, 4, 2, 1]])
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 vocabulary_size=None, has_input_vocabulary=None, **kwargs):
        super().__init__(name=name, **kwargs)
        where = f"TextVectorization layer {self.name!r}"
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = canonical_output_mode(output_mode, where)
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise ValueError(f"{where}: `ngrams` must be None, an integer, or a tuple of "
                             f"integers. Received: ngrams={ngrams!r}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(
                output_sequence_length, int)):
            raise ValueError(f"{where}: `output_sequence_length` must be either None or an "
                             "integer when `output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length!r}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(f"{where}: `output_sequence_length` must not be set if "
                             "`output_mode` is not 'int'. Received "
                             f"output_sequence_length={output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError(f"{where}: `ragged` must not be true if `output_mode` is not "
                             f"`'int'`. Received: ragged={ragged} and output_mode={output_mode}")
        if sparse:
            refuse_sparse(self)
        if output_mode == "one_hot" and split is not None:
            raise ValueError(f"{where}: output_mode='one_hot' with split={split!r} gives one "
                             "vector per token of a ragged row (a RaggedTensor in TF), which "
                             "featherflow does not have yet; use 'multi_hot' or 'count', or "
                             "split=None.")
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged = bool(ragged)
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = (vocabulary is not None if has_input_vocabulary is None
                                      else bool(has_input_vocabulary))
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            sparse=sparse, has_input_vocabulary=self._has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)

    # -- vocabulary --------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and tf-idf weights) from strings: an array, a list, a Tensor
        or a ``tf.data.Dataset`` of batches. Tokens are ordered by count, ties broken by the
        token (both high to low); ``max_tokens`` keeps the most frequent."""
        adapt_data.adapt_vocabulary(self, data, batch_size=batch_size, steps=steps)

    def update_state(self, data):
        kind, value, _ = self._preprocess(data)
        if kind == "rows":
            self._lookup_layer.update_rows(value)
        else:
            self._lookup_layer.update_state(value)

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary in index order: ``""`` (padding) and ``"[UNK]"`` first unless
        ``include_special_tokens=False``."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, array, Tensor or file path) and tf-idf weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- the pipeline ------------------------------------------------------------------------
    def _standardized(self, data):
        if self._standardize in ("lower", "lower_and_strip_punctuation"):
            data = string_ops.lower(data).data
        if self._standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            data = string_ops.regex_replace(data, DEFAULT_STRIP_REGEX, "").data
        if callable(self._standardize):
            data = check_string_input(self, as_tensor(self._standardize(Tensor(data))).data)
        return data

    def _split_rows(self, data):
        where = f"TextVectorization layer {self.name!r}"
        if data.ndim > 1:
            if data.shape[-1] != 1:
                raise ValueError(
                    f"{where}: When using `TextVectorization` to tokenize strings, the input "
                    "rank must be 1 or the last shape dimension must be 1. Received: "
                    f"inputs.shape={data.shape} with rank={data.ndim}")
            data = data.reshape(data.shape[:-1])
        if data.ndim > 1:
            raise ValueError(f"{where}: inputs of shape {data.shape + (1,)} would split into a "
                             "rank-3 RaggedTensor; pass one string per row, shape (batch,) or "
                             "(batch, 1).")
        flat = data.reshape(-1)
        if self._split == "whitespace":
            # tf.strings.split's rule (runs of ASCII whitespace, no empty pieces), applied to
            # the whole batch at once: its per-string Tensors would cost 2/3 of the call
            rows = [_object_row(v.split()) for v in flat.tolist()]
        elif self._split == "character":
            rows = [unicode_ops.unicode_split(v, "UTF-8").data for v in flat]
        else:
            rows = _rows_of(self._split(Tensor(data)), flat.size, where)
        return rows, data.shape

    def _preprocess(self, inputs):
        """``("rows", token rows, outer shape)`` after a split, else ``("dense", array,
        shape)``; n-grams applied."""
        data = check_string_input(self, as_tensor(inputs).data)
        data = self._standardized(data)
        if self._split is None:
            if self._ngrams is not None:
                data = ngrams_ops.ngrams(data, self._ngrams, separator=" ").data
            return "dense", data, data.shape
        rows, shape = self._split_rows(data)
        if self._ngrams is not None:
            rows = [ngrams_ops.ngrams(row, self._ngrams, separator=" ").data for row in rows]
        return "rows", rows, shape

    def call(self, inputs):
        kind, value, shape = self._preprocess(inputs)
        lookup = self._lookup_layer
        lookup.check_ready(self)
        if kind == "dense":
            ids = lookup.lookup(value)
            if self._output_mode != "int":
                return Tensor(lookup.encode_ids(ids))
            if self._output_sequence_length is not None:
                ids = _fit_last_axis(ids, self._output_sequence_length)
            return Tensor(ids)
        lengths = np.fromiter((row.size for row in value), np.int64, len(value))
        flat = np.concatenate(value) if value else np.empty((0,), dtype=object)
        ids = lookup.lookup(flat)
        row_ids = np.repeat(np.arange(len(value)), lengths)
        if self._ragged and self._output_mode == "int":
            # Keras returns the looked-up rows as they are (output_sequence_length does not
            # cut a ragged output)
            from featherflow.api import ragged  # tf.ragged loads on first use

            return ragged.RaggedTensor.from_row_lengths(Tensor(ids), lengths)
        if self._output_mode != "int":
            out = lookup.encode_rows(ids, row_ids, len(value))
        else:
            width = self._output_sequence_length
            if width is None:
                width = int(lengths.max()) if lengths.size else 0
            starts = np.cumsum(lengths) - lengths
            column = np.arange(flat.size) - np.repeat(starts, lengths)
            keep = column < width
            out = np.zeros((len(value), width), np.int64)
            out[row_ids[keep], column[keep]] = ids[keep]
        result = Tensor(out.reshape(shape + out.shape[1:]))
        if state.tracing is not None and self._output_mode == "int" and \
                self._output_sequence_length is None:
            # a traced map function: padded to the longest row, a length only the data knows
            state.data_dependent(result, result.data.ndim - 1)
        return result

    def output_dtype(self):
        return self._lookup_layer.output_dtype()

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            if self._split is None:
                if self._output_sequence_length is None:
                    return input_shape
                return input_shape[:-1] + (self._output_sequence_length,)
            if self._ragged:
                return (input_shape[0] if input_shape else None, None)
            return (input_shape[0] if input_shape else None, self._output_sequence_length)
        if self._split is None:
            return self._lookup_layer.compute_output_shape(
                input_shape + (1,) if len(input_shape) <= 1 else input_shape)
        rows = input_shape[:-1] if len(input_shape) > 1 and input_shape[-1] == 1 \
            else input_shape
        return rows + (self._lookup_layer.output_depth(),)

    # -- saving ------------------------------------------------------------------------------
    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    def get_config(self):
        base = super().get_config()
        base.pop("batch_input_shape", None)
        lookup = self._lookup_layer
        return {
            **base,
            "max_tokens": lookup.max_tokens,
            "standardize": _serialized(self._standardize),
            "split": _serialized(self._split),
            "ngrams": self._ngrams_arg,
            "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": lookup.sparse,
            "ragged": self._ragged,
            "vocabulary": listify(lookup.input_vocabulary),
            "idf_weights": listify(lookup.input_idf_weights),
            "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key, names in (("standardize", _STANDARDIZE), ("split", _SPLIT)):
            value = config.get(key)
            # a registered function: Keras 3 writes a dict, featherflow "package>name"
            if isinstance(value, dict) or (isinstance(value, str) and value not in names):
                config[key] = deserialize_keras_object(value)
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)


def _serialized(choice):
    """A callable standardize/split as the dict Keras 3 writes for a registered function."""
    return serialize_keras_object(choice) if callable(choice) else choice


def _object_row(pieces):
    row = np.empty(len(pieces), dtype=object)
    row[:] = pieces
    return row


def _fit_last_axis(ids, length):
    """``ids`` cut or zero-padded along the last axis to ``length``."""
    ids = ids[..., :length]
    pad = length - ids.shape[-1]
    if pad > 0:
        ids = np.pad(ids, [(0, 0)] * (ids.ndim - 1) + [(0, pad)])
    return ids
