"""``tf.io.decode_json_example``: ``tf.train.Example`` protos written as JSON (protobuf's JSON
mapping: ``{"features": {"feature": {"x": {"floatList": {"value": [1.5]}}}}}``, int64 values
as strings or numbers, bytes in base64) turned into the binary records ``parse_example``
reads, element by element, in the input's shape.

Example::

    >>> records = tf.io.decode_json_example(['{"features": {}}'])
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.errors import InvalidArgumentError
from featherflow.io import example_proto
from featherflow.io.strings import string_array


def decode_json_example(json_examples, name=None):
    """The binary serialization of every JSON-encoded ``tf.train.Example`` in
    ``json_examples`` (a string tensor of any shape)."""
    texts = string_array(json_examples, "json_examples",
                         "Pass JSON strings, e.g. json_format.MessageToJson(example).")
    example_class = example_proto.message_class("Example")
    # protobuf was imported by message_class: its JSON parser and error class are here
    from google.protobuf import json_format

    out = np.empty(texts.shape, dtype=object)
    for index, text in np.ndenumerate(texts):
        message = example_class()
        try:
            json_format.Parse(bytes(text).decode("utf-8"), message)
        except (json_format.ParseError, UnicodeDecodeError) as err:
            raise InvalidArgumentError(
                f"Error while parsing JSON: {err} (element {list(index)} of json_examples). "
                "Each element must be one tf.train.Example in protobuf's JSON mapping.") from None
        out[index] = message.SerializeToString(deterministic=True)
    return Tensor(out)
