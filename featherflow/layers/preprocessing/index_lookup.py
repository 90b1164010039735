"""IndexLookup: the vocabulary table behind StringLookup, IntegerLookup and TextVectorization.

Keras 3's semantics: indices are ``[mask][oov * num_oov_indices][tokens...]`` (the mask slot
only in ``"int"`` mode); ``adapt`` orders tokens by count, ties by the token itself, both
descending (Keras's ``np.lexsort(...)[::-1]``); several OOV indices are chosen by FarmHash
Fingerprint64 of the token (SipHash with a ``salt``; integers by ``floormod`` unless
``oov_method="farmhash"``); tf-idf weights are ``log(1 + documents / (1 + document count))``
with the OOV slots given their mean. The table is a Python dict (strings) or a sorted array
searched with NumPy (integers).
"""

import collections
import math

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.errors import InvalidArgumentError
from featherflow.layers.preprocessing import adapt as adapt_data
from featherflow.layers.preprocessing import encoding
from featherflow.layers.preprocessing.raw_input_layer import RawInputLayer, as_tensor
from featherflow.ops import fingerprint
from featherflow.serialization.safe_mode import in_safe_mode

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_INT64_MAX = np.iinfo(np.int64).max


def canonical_output_mode(output_mode, where):
    """Keras's old spellings ("binary", "tf-idf") mapped; anything else unknown refused."""
    output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if output_mode not in OUTPUT_MODES:
        raise ValueError(f"{where}: Unknown value for `output_mode`. Expected one of "
                         f"{OUTPUT_MODES}, received output_mode={output_mode!r}.")
    return output_mode


def listify(value):
    """A vocabulary or weights argument as the plain list a config holds."""
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return value


def refuse_sparse(layer):
    raise ValueError(
        f"{type(layer).__name__} layer {layer.name!r}: sparse=True would return a "
        "SparseTensor, which featherflow does not have yet; use sparse=False (dense output).")


class IndexLookup(RawInputLayer):
    """Maps tokens to indices (or back, ``invert=True``); the shared base, not public API.

    Subclasses say how tokens are stored (``_to_tokens``: bytes for strings, ints for
    integers), how the table is searched and how a token is shown in ``get_vocabulary``.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=None,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", salt=None,
                 name=None, vocabulary_size=None, has_input_vocabulary=None,
                 vocabulary_dtype=None, **kwargs):
        # the subclass fixes the key type (vocabulary_dtype is in the config for Keras);
        # Keras ignores a saved dtype here: the layer's dtype is floatx
        kwargs.pop("dtype", None)
        kwargs.pop("trainable", None)
        super().__init__(name=name, **kwargs)
        where = f"{type(self).__name__} layer {self.name!r}"
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{where}: If set, `max_tokens` must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{where}: If pad_to_max_tokens is True, must set `max_tokens`. "
                             f"Received: max_tokens={max_tokens}")
        if not isinstance(num_oov_indices, (int, np.integer)) or num_oov_indices < 0:
            raise ValueError(f"{where}: `num_oov_indices` must be an integer greater than or "
                             f"equal to 0. Received: num_oov_indices={num_oov_indices!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{where}: Unknown value for `oov_method`. Expected one of "
                             f"('floormod', 'farmhash'), received oov_method={oov_method!r}.")
        output_mode = canonical_output_mode(output_mode, where)
        if invert and output_mode != "int":
            raise ValueError(f"{where}: `output_mode` must be `'int'` when `invert` is true. "
                             f"Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError(f"{where}: `sparse` may only be true if `output_mode` is "
                             "`'one_hot'`, `'multi_hot'`, `'count'` or `'tf_idf'`. Received: "
                             f"sparse={sparse} and output_mode={output_mode}")
        if sparse:
            refuse_sparse(self)
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{where}: `idf_weights` should only be set if `output_mode` is "
                             f"`'tf_idf'`. Received: output_mode={output_mode}")
        self.salt = self._check_salt(salt, oov_method, where)
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.oov_method = oov_method
        if max_tokens is not None and max_tokens < self._token_start_index():
            raise ValueError(
                f"{where}: max_tokens={max_tokens} leaves no room for the "
                f"{self._token_start_index()} special indices (mask and {num_oov_indices} "
                "OOV). Raise max_tokens or lower num_oov_indices.")
        self._frozen_vocab_size = vocabulary_size
        # the vocabulary a config repeats; a file path is stored as an asset instead
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = (vocabulary is not None if has_input_vocabulary is None
                                      else bool(has_input_vocabulary))
        self._tokens = []
        self._idf = None
        self._set_table([], learned=False)
        self.reset_state()
        if output_mode == "tf_idf":
            if self._has_input_vocabulary and idf_weights is None:
                raise ValueError(f"{where}: When specifying the `vocabulary` argument, in "
                                 "TF-IDF output mode, the `idf_weights` argument must also be "
                                 "provided.")
            if idf_weights is not None:
                self._idf = np.asarray(listify(idf_weights), dtype=config.floatx())
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    def _check_salt(self, salt, oov_method, where):
        if salt is None:
            return None
        if self._integer_keys() and oov_method != "farmhash":
            raise ValueError(f"{where}: `salt` can only be used when `oov_method='farmhash'`. "
                             f"Received: oov_method={oov_method}")
        if isinstance(salt, (tuple, list)) and len(salt) == 2:
            return [int(s) for s in salt]
        if isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
            return [int(salt), int(salt)]
        raise ValueError(f"{where}: The `salt` argument can only be a tuple of 2 integers, or "
                         f"a single integer. Received: salt={salt!r}.")

    # IntegerLookup's keys are int64 (a sorted array), StringLookup's UTF-8 bytes (a dict)
    _INTEGER_KEYS = False

    def _integer_keys(self):
        return self._INTEGER_KEYS

    # -- indices -----------------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _special_tokens(self):
        return ([self.mask_token] * self._oov_start_index()
                + [self.oov_token] * self.num_oov_indices)

    def vocabulary_size(self):
        """The number of indices: the tokens plus the mask and OOV slots."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary, index order; without the mask and OOV tokens if asked."""
        specials = self._special_tokens()
        tokens = [self._show_token(t) for t in self._tokens]
        return specials + tokens if include_special_tokens else tokens

    def _set_table(self, tokens, learned=True):
        self._has_vocabulary = learned
        self._tokens = list(tokens)
        start = self._token_start_index()
        if self._integer_keys():
            keys = np.asarray(self._tokens, dtype=np.int64)
            order = np.argsort(keys, kind="stable")
            self._sorted_keys = keys[order]
            self._sorted_values = order.astype(np.int64) + start
            self._table = None
        else:
            self._table = {t: i for i, t in enumerate(self._tokens, start)}

    # -- state -------------------------------------------------------------------------------
    def reset_state(self):
        if self._has_input_vocabulary:
            return
        self._token_counts = collections.Counter()
        self._document_counts = collections.Counter()
        self._num_documents = 0

    def adapt(self, data, steps=None, batch_size=None):
        """Learn the vocabulary (and tf-idf weights) from ``data``: an array, a list, a Tensor
        or a ``tf.data.Dataset`` of batches. Tokens are ordered by count, ties broken by the
        token, both high to low; ``max_tokens`` keeps the most frequent."""
        adapt_data.adapt_vocabulary(self, data, batch_size=batch_size, steps=steps)

    def update_state(self, data):
        """Count one batch: rank 0 or 1 is one document, rank 2+ one document per row."""
        if self._has_input_vocabulary:
            raise ValueError(
                f"Cannot adapt layer '{self.name}' after setting a static vocabulary via "
                "`vocabulary` argument or `set_vocabulary()` method.")
        data = as_tensor(data).data
        if data.ndim < 2:
            data = data.reshape(1, -1)
        self.update_rows([self._to_keys(row.reshape(-1)) for row in data])

    def update_rows(self, rows):
        """Count documents given as 1-D key arrays (TextVectorization's ragged rows)."""
        counts = self._token_counts
        if self._integer_keys():
            flat = np.concatenate(rows) if rows else np.zeros((0,), np.int64)
            values, numbers = np.unique(flat, return_counts=True)
            for v, n in zip(values.tolist(), numbers.tolist()):
                counts[v] += n
        else:
            for row in rows:
                counts.update(row.tolist())
        if self.output_mode == "tf_idf":
            documents = self._document_counts
            for row in rows:
                documents.update(set(row.tolist()))
            self._num_documents += len(rows)

    def finalize_state(self):
        if self._has_input_vocabulary or not self._token_counts:
            self._record_vocabulary_size()
            return
        counts = self._token_counts
        for special in (self.mask_token, self.oov_token):
            if special is not None:
                counts.pop(self._to_key(special), None)
        ranked = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ranked = ranked[:self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ranked]
        self._set_table(tokens)
        if self.output_mode == "tf_idf":
            documents = np.array([self._document_counts[t] for t in tokens], dtype=np.float64)
            idf = np.log(1.0 + self._num_documents / (1.0 + documents)).astype(config.floatx())
            # the correctly rounded mean; TF's float32 reduce_mean sums in Eigen's packet
            # order and can land one ulp away (float64 floatx: equal to 1e-12)
            front = idf.mean(dtype=np.float64) if idf.size else math.nan
            weights = np.concatenate([np.full(self._token_start_index(), front, idf.dtype), idf])
            if self.pad_to_max_tokens and self.max_tokens is not None:
                weights = np.pad(weights, (0, self.max_tokens - weights.size))
            self._idf = weights.astype(config.floatx())
        self.reset_state()
        self._record_vocabulary_size()

    def _record_vocabulary_size(self):
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and size != self._frozen_vocab_size):
            raise RuntimeError(
                f"{type(self).__name__} layer {self.name!r}: When using "
                f"`output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the vocabulary "
                "size cannot be changed after the layer is called. Old vocab size is "
                f"{self._frozen_vocab_size}, new vocab size is {size}")
        self._frozen_vocab_size = size

    @property
    def idf_weights(self):
        """The tf-idf weights per index (a Tensor), or None outside ``"tf_idf"`` mode."""
        return None if self._idf is None else Tensor(self._idf)

    # -- setting a vocabulary ----------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, array, Tensor or the path of a one-token-per-line file)
        and, in ``"tf_idf"`` mode, its idf weights; replaces what ``adapt`` learned."""
        where = f"{type(self).__name__} layer {self.name!r}"
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{where}: `idf_weights` must be set if output_mode is "
                                 "'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(f"{where}: `idf_weights` should only be set if output_mode is "
                             f"`'tf_idf'`. Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            self._set_vocabulary_file(vocabulary, where)
            return
        tokens = [self._to_key(t) for t in np.asarray(listify(vocabulary),
                                                       dtype=object).reshape(-1)]
        if not tokens:
            raise ValueError(f"{where}: Cannot set an empty vocabulary. Received: "
                             f"vocabulary={listify(vocabulary)!r}")
        token_start = self._token_start_index()
        specials = [self._to_key(t) for t in self._special_tokens()]
        found_specials = tokens[:token_start] == specials
        full_length = len(tokens)
        if found_specials:
            tokens = tokens[token_start:]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{where}: The passed vocabulary has at least one repeated term. "
                             "Please uniquify your dataset. The repeated terms are: "
                             f"{[self._show_token(t) for t in repeated]}")
        for token, what, applies in ((self.mask_token, "mask_token", True),
                                     (self.oov_token, "oov_token", self.invert)):
            if token is not None and applies and self._to_key(token) in tokens:
                raise ValueError(
                    f"{where}: Found reserved {what} {token!r} at unexpected location in "
                    "`vocabulary` (index "
                    f"{tokens.index(self._to_key(token)) + (token_start if found_specials else 0)}"
                    "). Note that passed `vocabulary` does not need to include the OOV and mask "
                    "tokens. Either remove all mask and OOV tokens, or include them only at the "
                    f"start of the vocabulary in precisely this order: "
                    f"{[self._show_token(t) for t in specials]}.")
        size = token_start + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(f"{where}: Attempted to set a vocabulary larger than the maximum "
                             f"vocab size. Received vocabulary size is {size}; `max_tokens` is "
                             f"{self.max_tokens}.")
        self._set_table(tokens)
        self._record_vocabulary_size()
        if self.output_mode == "tf_idf":
            weights = np.asarray(listify(idf_weights))
            if weights.ndim != 1:
                raise ValueError(f"{where}: TF-IDF data must be a 1-index array. Received "
                                 f"idf_weights of shape {weights.shape}.")
            if weights.size != full_length:
                raise ValueError(f"{where}: `idf_weights` must be the same length as "
                                 f"vocabulary. len(idf_weights) is {weights.size}; "
                                 f"len(vocabulary) is {full_length}")
            front = 0 if found_specials else token_start
            front_value = 0 if found_specials else np.average(weights)
            back = 0
            if self.pad_to_max_tokens and self.max_tokens is not None:
                back = self.max_tokens - front - weights.size
            weights = np.pad(weights, (front, back), constant_values=(front_value, 0))
            self._idf = weights.astype(config.floatx())

    def _set_vocabulary_file(self, path, where):
        try:
            with open(path, "rb") as f:
                text = f.read()
        except OSError:
            raise ValueError(f"{where}: Vocabulary file {path} does not exist.") from None
        if self.output_mode == "tf_idf":
            raise ValueError(f"{where}: output_mode `'tf_idf'` does not support loading a "
                             "vocabulary from file.")
        lines = text.split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
        tokens = [self._key_from_line(line) for line in lines]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{where}: vocabulary file {path} repeats the terms "
                             f"{[self._show_token(t) for t in repeated]}; each line must be a "
                             "different term.")
        self._set_table(tokens)
        self._record_vocabulary_size()

    # -- saving (Keras 3's save_assets / own variables) ---------------------------------------
    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self._idf is not None:
            store["idf_weights"] = self._idf

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            # the stored dtype is kept, as Keras's tf.Variable keeps it
            self._idf = np.asarray(store["idf_weights"])

    def save_assets(self, dir_path):
        """Write ``vocabulary.txt`` (every index, special tokens first), as Keras does when
        the vocabulary is not in the config."""
        if self.input_vocabulary is not None:
            return
        lines = [self._line_of(t) for t in self.get_vocabulary(include_special_tokens=True)]
        with open(f"{dir_path}/vocabulary.txt", "wb") as f:
            f.write(b"\n".join(lines))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(f"{dir_path}/vocabulary.txt", "rb") as f:
            lines = f.read().decode("utf-8").splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        values = [self._token_from_text(line) for line in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self._idf)
        else:
            self.set_vocabulary(values)

    # -- calling -----------------------------------------------------------------------------
    def output_depth(self):
        """The size of a non-int output: ``max_tokens`` when padded, else the vocabulary's."""
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def check_ready(self, owner=None):
        """Refuse a call before the vocabulary exists (Keras would map every token to OOV in
        "int" mode: never what was meant); the error names ``owner`` (TextVectorization)."""
        if not self._has_vocabulary:
            raise adapt_data.not_adapted_error(owner or self, "a `vocabulary`")

    def lookup(self, keys):
        """The indices (or, inverted, the tokens) of a key ndarray, any shape."""
        flat = keys.reshape(-1)
        if self.invert:
            return self._invert(flat).reshape(keys.shape)
        if self._integer_keys():
            ids = self._search(flat)
        else:
            get = self._table.get
            default = self._default_index()
            ids = np.fromiter((get(v, default) for v in flat.tolist()), np.int64, flat.size)
        if self.mask_token is not None:
            mask_value = 0 if self.output_mode == "int" else _INT64_MAX
            ids[flat == self._to_key(self.mask_token)] = mask_value
        if self.num_oov_indices == 0:
            missing = ids == -1
            if missing.any():
                found = [self._show_token(t) for t in flat[missing][:10].tolist()]
                raise InvalidArgumentError(
                    f"{type(self).__name__} layer {self.name!r}: When `num_oov_indices=0` all "
                    f"inputs should be in vocabulary, found OOV values {found}, consider "
                    "setting `num_oov_indices=1`.")
        elif self.num_oov_indices > 1:
            missing = ids == -1
            if missing.any():
                ids[missing] = self._oov_buckets(flat[missing]) + self._oov_start_index()
        return ids.reshape(keys.shape)

    def _default_index(self):
        return self._oov_start_index() if self.num_oov_indices == 1 else -1

    def _search(self, flat):
        keys, values = self._sorted_keys, self._sorted_values
        ids = np.full(flat.shape, self._default_index(), np.int64)
        if keys.size:
            pos = np.minimum(np.searchsorted(keys, flat), keys.size - 1)
            hit = keys[pos] == flat
            ids[hit] = values[pos[hit]]
        return ids

    def _oov_buckets(self, missing):
        n = self.num_oov_indices
        if self._integer_keys():
            if self.oov_method != "farmhash":
                return np.mod(missing, n)
            missing = np.array([str(int(v)).encode() for v in missing], dtype=object)
        if self.salt is not None:
            return fingerprint.to_hash_bucket_strong(missing, n, self.salt).data
        return fingerprint.to_hash_bucket_fast(missing, n).data

    def _invert(self, flat):
        ids = flat.astype(np.int64)
        start = self._token_start_index()
        table = np.empty(len(self._tokens) + 1, dtype=object)
        table[:-1] = self._tokens
        table[-1] = self._to_key(self.oov_token) if self.oov_token is not None else None
        pos = ids - start
        pos[(pos < 0) | (pos >= len(self._tokens))] = len(self._tokens)
        out = table[pos]
        if self.mask_token is not None:
            out[ids == 0] = self._to_key(self.mask_token)
        if self._integer_keys():
            return out.astype(np.int64)
        return out

    def encode_ids(self, ids):
        """Indices in the layer's output mode (tf-idf: counts times the weights)."""
        if self.output_mode == "int":
            return ids
        depth = self.output_depth()
        if self.output_mode == "tf_idf":
            idf = self._idf_for(depth)
            return encoding.encode(ids, "count", depth).astype(idf.dtype) * idf
        return encoding.encode(ids, self.output_mode, depth)

    def encode_rows(self, ids, row_ids, rows):
        """Ragged rows of indices (flat ids + their row) in a non-int output mode."""
        depth = self.output_depth()
        counts = encoding.bincount_rows(ids, row_ids, rows, depth,
                                        self.output_mode == "multi_hot")
        if self.output_mode == "tf_idf":
            idf = self._idf_for(depth)
            return counts.astype(idf.dtype) * idf
        return counts

    def _idf_for(self, depth):
        if self._idf is None:
            raise RuntimeError(adapt_data.not_adapted_error(self, "`idf_weights`").args[0])
        if self._idf.size != depth:
            raise ValueError(f"{type(self).__name__} layer {self.name!r}: {self._idf.size} "
                             f"idf weights for an output of size {depth}.")
        return self._idf

    def call(self, inputs):
        self.check_ready()
        keys = self._input_keys(as_tensor(inputs).data)
        return Tensor(self.encode_ids(self.lookup(keys)))

    def output_dtype(self):
        if self.invert:
            return "int64" if self._integer_keys() else "string"
        if self.output_mode != "tf_idf":
            return "int64"
        return config.floatx() if self._idf is None else self._idf.dtype.name

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.output_depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    @classmethod
    def from_config(cls, config_):
        if isinstance(config_.get("vocabulary"), str) and in_safe_mode():
            raise ValueError(
                f"{cls.__name__}: the config asks to read the vocabulary file "
                f"'{config_['vocabulary']}' outside of the model archive. This carries a "
                "potential risk of loading arbitrary and sensitive files and thus it is "
                "disallowed by default. If you trust the source of the artifact, pass "
                "safe_mode=False to the loading function.")
        return cls(**config_)

    def get_build_config(self):
        return {}

    def build_from_config(self, config_):
        self.built = True

    def get_config(self):
        base = super().get_config()
        base.pop("batch_input_shape", None)
        return {
            **base,
            "invert": self.invert,
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token,
            "mask_token": self.mask_token,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": "int64" if self._integer_keys() else "string",
            "idf_weights": listify(self.input_idf_weights),
            "vocabulary": listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method,
            "salt": self.salt,
        }
