"""IntegerLookup: integer ids to contiguous indices (or back), as ``keras.layers.IntegerLookup``."""

from featherflow.layers.preprocessing.index_lookup import IndexLookup
from featherflow.layers.preprocessing.raw_input_layer import check_integer_input


class IntegerLookup(IndexLookup):
    """Maps integer tokens to indices from a vocabulary (adapted or given).

    Example::

        >>> layer = tf.keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer([[12, 1138, 42], [42, 1000, 36]]).numpy()
        array([[1, 3, 4],
               [4, 0, 2]])
    """

    _INTEGER_KEYS = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if vocabulary_dtype != "int64":
            raise ValueError("IntegerLookup: Only `vocabulary_dtype='int64'` is supported at "
                             f"this time. Received: vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens,
                         oov_method=oov_method, salt=salt, name=name, **kwargs)

    def _to_key(self, token):
        if isinstance(token, (str, bytes)) or isinstance(token, bool):
            raise TypeError(f"IntegerLookup layer {self.name!r}: vocabulary terms must be "
                            f"integers; received {token!r}.")
        return int(token)

    def _to_keys(self, data):
        return check_integer_input(self, data)

    def _show_token(self, key):
        return int(key)

    def _line_of(self, token):
        return str(int(token)).encode("utf-8")

    def _token_from_text(self, line):
        return int(line)

    def _key_from_line(self, line):
        return int(line)

    def _input_keys(self, data):
        return check_integer_input(self, data)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
