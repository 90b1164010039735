"""TensorFlow's error classes (``tf.errors``) for the errors featherflow raises in TF's places.

``InvalidArgumentError`` also derives from ValueError, so code written for either catches it.
"""


class OpError(Exception):
    """Base of TensorFlow's op errors."""


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot use (a shape, an index), as in TensorFlow."""


class DataLossError(OpError):
    """Stored data is damaged or cut short (a TFRecord whose CRC does not match, a truncated
    record), as TensorFlow raises when reading such a file."""


class OutOfRangeError(OpError, IndexError):
    """An iterator ran past its end (``Iterator.get_next`` at the end of a dataset)."""


class FailedPreconditionError(OpError):
    """The system is not in a state the operation needs (e.g. a dataset's cardinality was
    asserted wrongly)."""


class UnknownError(OpError):
    """An error TensorFlow does not classify, e.g. raised inside a dataset's generator."""


__all__ = ["FailedPreconditionError", "InvalidArgumentError", "OpError", "OutOfRangeError",
           "UnknownError"]
