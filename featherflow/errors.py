"""TensorFlow's error classes (``tf.errors``) for the errors featherflow raises in TF's places.

``InvalidArgumentError`` also derives from ValueError, so code written for either catches it.
"""


class OpError(Exception):
    """Base of TensorFlow's op errors."""


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot use (a shape, an index), as in TensorFlow."""


__all__ = ["InvalidArgumentError", "OpError"]
