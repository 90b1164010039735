"""StringLookup: strings to integer indices (or back), as ``keras.layers.StringLookup``."""

import numpy as np

from featherflow.layers.preprocessing.index_lookup import IndexLookup
from featherflow.layers.preprocessing.raw_input_layer import (
    check_integer_input,
    check_string_input,
)


def _utf8(token):
    if isinstance(token, bytes):
        return token
    if isinstance(token, (str, np.str_)):
        return str(token).encode("utf-8")
    raise TypeError(f"StringLookup: vocabulary terms must be strings; received {token!r}.")


class StringLookup(IndexLookup):
    """Maps string tokens to indices from a vocabulary (adapted or given).

    Example::

        >>> layer = tf.keras.layers.StringLookup(vocabulary=["a", "b", "c", "d"])
        >>> layer([["a", "c", "d"], ["d", "z", "b"]]).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, **kwargs)

    def _to_key(self, token):
        return _utf8(token)

    def _to_keys(self, data):
        return check_string_input(self, data)

    def _show_token(self, key):
        return key.decode(self.encoding) if isinstance(key, bytes) else key

    def _line_of(self, token):
        return str(token).encode("utf-8")

    def _token_from_text(self, line):
        return line

    def _key_from_line(self, line):
        return line

    def _input_keys(self, data):
        if self.invert:
            return check_integer_input(self, data, "integer indices (invert=True)")
        return check_string_input(self, data)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config
