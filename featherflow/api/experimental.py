"""``tf.experimental``: the names of it featherflow has (``Optional``)."""

from featherflow.data.optional import Optional

__all__ = ["Optional"]
