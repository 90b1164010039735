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



class NotFoundError(OpError, FileNotFoundError):
    """A file or other entity does not exist (a dataset reading a missing file), as in
    TensorFlow; also a FileNotFoundError, so code written for either catches it."""


class InternalError(OpError):
    """A broken internal invariant, e.g. a generator yielding a Python object TensorFlow
    cannot turn into a string tensor."""


class UnimplementedError(OpError):
    """An operation is not implemented (raised as such inside a dataset's generator)."""


class ResourceExhaustedError(OpError):
    """Memory or another resource ran out (a MemoryError inside a dataset's generator)."""


class AlreadyExistsError(OpError, FileExistsError):
    """An entity to create already exists (``tf.io.gfile.copy``/``rename`` without
    ``overwrite``), as in TensorFlow; also a FileExistsError."""


__all__ = ["AlreadyExistsError", "DataLossError", "FailedPreconditionError", "InternalError",
           "InvalidArgumentError", "NotFoundError", "OpError", "OutOfRangeError",
           "ResourceExhaustedError", "UnimplementedError", "UnknownError"]
