"""``tf.types``: TF's public type namespace (``tf.types.experimental``)."""

from featherflow.api import types_experimental as experimental

__all__ = ["experimental"]
