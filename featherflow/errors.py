"""TensorFlow's error classes and codes (``tf.errors``) for the errors featherflow raises in TF's
places.

Each class takes TensorFlow's arguments, ``(node_def, op, message, *args)`` (``OpError`` itself
also takes the ``error_code`` after the message), and has TF's ``error_code``, ``message``,
``op``, ``node_def`` and ``experimental_payloads``; ``str(err)`` is the message. featherflow
runs eagerly, so ``op`` and ``node_def`` are None when featherflow raises one, and featherflow
itself raises them with the message alone (``InvalidArgumentError("...")``), which is accepted
too.

Several also derive from the Python error a Python user would catch: InvalidArgumentError is a
ValueError, OutOfRangeError an IndexError, NotFoundError a FileNotFoundError, AlreadyExistsError
a FileExistsError, PermissionDeniedError a PermissionError, DeadlineExceededError a
TimeoutError (TensorFlow's classes derive from Exception only).
"""

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """Base of TensorFlow's op errors: ``OpError(node_def, op, message, error_code, *args)``."""

    #: the code of the subclass (``OpError`` takes it as an argument)
    _code = UNKNOWN

    def __init__(self, *args):
        if len(args) == 1:  # featherflow's short form: the message alone
            node_def, op, message, rest = None, None, args[0], ()
        elif len(args) >= 3:
            node_def, op, message, rest = args[0], args[1], args[2], args[3:]
        else:
            raise TypeError(
                f"{type(self).__name__} takes (node_def, op, message, *args) as TensorFlow "
                f"(or the message alone); received {len(args)} arguments.")
        if type(self)._is_base:
            if not rest:
                raise TypeError("OpError takes (node_def, op, message, error_code, *args); "
                                "error_code is missing.")
            code, rest = rest[0], rest[1:]
        else:
            code = type(self)._code
        super().__init__(message)
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = code
        self._experimental_payloads = rest[0] if rest else {}

    _is_base = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._is_base = False

    @property
    def message(self):
        """The error message."""
        return self._message

    @property
    def op(self):
        """The operation that failed: None, as in TensorFlow's eager execution."""
        return self._op

    @property
    def node_def(self):
        return self._node_def

    @property
    def error_code(self):
        """The integer code of the error (``tf.errors.INVALID_ARGUMENT`` ...)."""
        return self._error_code

    @property
    def experimental_payloads(self):
        return self._experimental_payloads

    def __str__(self):
        return str(self._message)

    def __reduce__(self):
        args = (self._node_def, self._op, self._message)
        if type(self)._is_base:
            args += (self._error_code,)
        if self._experimental_payloads:
            args += (self._experimental_payloads,)
        return type(self), args


class CancelledError(OpError):
    """An operation or step was cancelled."""

    _code = CANCELLED


class UnknownError(OpError):
    """An error TensorFlow does not classify, e.g. raised inside a dataset's generator."""

    _code = UNKNOWN


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot use (a shape, an index), as in TensorFlow."""

    _code = INVALID_ARGUMENT


class DeadlineExceededError(OpError, TimeoutError):
    """A deadline expired before the operation could complete."""

    _code = DEADLINE_EXCEEDED


class NotFoundError(OpError, FileNotFoundError):
    """A file or other entity does not exist (a dataset reading a missing file), as in
    TensorFlow; also a FileNotFoundError, so code written for either catches it."""

    _code = NOT_FOUND


class AlreadyExistsError(OpError, FileExistsError):
    """An entity to create already exists (``tf.io.gfile.copy``/``rename`` without
    ``overwrite``), as in TensorFlow; also a FileExistsError."""

    _code = ALREADY_EXISTS


class PermissionDeniedError(OpError, PermissionError):
    """The caller may not run the operation (e.g. a file it may not read)."""

    _code = PERMISSION_DENIED


class UnauthenticatedError(OpError):
    """The request has no valid authentication credentials."""

    _code = UNAUTHENTICATED


class ResourceExhaustedError(OpError):
    """Memory or another resource ran out (a MemoryError inside a dataset's generator)."""

    _code = RESOURCE_EXHAUSTED


class FailedPreconditionError(OpError):
    """The system is not in a state the operation needs (e.g. a dataset's cardinality was
    asserted wrongly)."""

    _code = FAILED_PRECONDITION


class AbortedError(OpError):
    """The operation was aborted (typically a concurrency conflict)."""

    _code = ABORTED


class OutOfRangeError(OpError, IndexError):
    """An iterator ran past its end (``Iterator.get_next`` at the end of a dataset)."""

    _code = OUT_OF_RANGE


class UnimplementedError(OpError):
    """An operation is not implemented (raised as such inside a dataset's generator)."""

    _code = UNIMPLEMENTED


class InternalError(OpError):
    """A broken internal invariant, e.g. a generator yielding a Python object TensorFlow
    cannot turn into a string tensor."""

    _code = INTERNAL


class UnavailableError(OpError):
    """The runtime is currently unavailable."""

    _code = UNAVAILABLE


class DataLossError(OpError):
    """Stored data is damaged or cut short (a TFRecord whose CRC does not match, a truncated
    record), as TensorFlow raises when reading such a file."""

    _code = DATA_LOSS


class OperatorNotAllowedInGraphError(TypeError):
    """An operator a traced graph does not allow (a tensor used as a Python bool inside
    ``tf.function``). featherflow runs eagerly and does not raise it; it exists so code that
    catches it runs."""


__all__ = [
    "ABORTED", "ALREADY_EXISTS", "AbortedError", "AlreadyExistsError", "CANCELLED",
    "CancelledError", "DATA_LOSS", "DEADLINE_EXCEEDED", "DataLossError",
    "DeadlineExceededError", "FAILED_PRECONDITION", "FailedPreconditionError", "INTERNAL",
    "INVALID_ARGUMENT", "InternalError", "InvalidArgumentError", "NOT_FOUND", "NotFoundError",
    "OK", "OUT_OF_RANGE", "OpError", "OperatorNotAllowedInGraphError", "OutOfRangeError",
    "PERMISSION_DENIED", "PermissionDeniedError", "RESOURCE_EXHAUSTED",
    "ResourceExhaustedError", "UNAUTHENTICATED", "UNAVAILABLE", "UNIMPLEMENTED", "UNKNOWN",
    "UnauthenticatedError", "UnavailableError", "UnimplementedError", "UnknownError",
]
