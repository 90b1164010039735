"""Running a user's function on elements: the call convention, output checks and errors.

Errors raised inside a user's function reach the consumer as the same exception class, with
a note naming the transformation, the function and the element's index; a function that
returns a different structure or dtype than it did for the first element is refused with a
TypeError saying both, because TensorFlow traces such a function once and would have refused
it at that point.
"""

import sys

import numpy as np

from featherflow.data import structure


def function_name(fn):
    return getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)


def annotate(err, transformation, fn, index):
    """``err`` with where it happened: the transformation, function and element index."""
    note = (f"raised by {transformation}'s function {function_name(fn)!r} on element "
            f"{index} of its input")
    if sys.version_info >= (3, 11):
        err.add_note(note)
        return err
    try:
        return type(err)(f"{err} ({note})")
    except Exception:  # noqa: BLE001 - an exception class that cannot be rebuilt
        return RuntimeError(f"{type(err).__name__}: {err} ({note})")


def signature(element):
    """Structure and dtypes of an element, cheap to compare on every element."""
    if type(element) is np.ndarray:
        # the dtype's string: a dtype compared with a tuple would try to parse the tuple
        return element.dtype.str
    if type(element) is tuple:
        return tuple(signature(v) for v in element)
    if isinstance(element, dict):
        return (type(element), tuple((k, signature(v)) for k, v in element.items()))
    if isinstance(element, tuple):
        return (type(element), tuple(signature(v) for v in element))
    return type(element)


class ElementFunction:
    """A user's function as a transformation calls it on element after element."""

    def __init__(self, fn, transformation):
        if not callable(fn):
            raise TypeError(
                f"{transformation}: expected a function, received {type(fn).__name__} "
                f"({fn!r}).")
        self.fn = fn
        self.transformation = transformation
        self._first = None

    def __call__(self, element, index):
        try:
            out = structure.call_with_element(self.fn, element)
            out = structure.normalize_output(out)
        except Exception as err:
            raise annotate(err, self.transformation, self.fn, index) from None
        sig = signature(out)
        if self._first is None:
            self._first = (sig, out)
        elif sig != self._first[0]:
            raise TypeError(
                f"{self.transformation}: the function {function_name(self.fn)!r} returned "
                f"{structure.describe_structure(out)} for element {index}, but "
                f"{structure.describe_structure(self._first[1])} for the first element. It "
                "must return the same structure and dtypes for every element: cast the "
                "outputs (tf.cast) or return the same nesting on every path.")
        return out

    def keep(self, element, index):
        """A predicate's answer for ``element``: a boolean scalar, as ``filter`` needs."""
        try:
            out = structure.call_with_element(self.fn, element)
            value = np.asarray(out.data if hasattr(out, "data") else out)
        except Exception as err:
            raise annotate(err, self.transformation, self.fn, index) from None
        if value.shape != () or value.dtype != np.bool_:
            raise TypeError(
                f"{self.transformation}: the predicate {function_name(self.fn)!r} must return "
                f"a scalar boolean tensor; it returned dtype {value.dtype} and shape "
                f"{value.shape} for element {index}. Reduce it (tf.reduce_all) or compare "
                "(x > 0) to make one boolean.")
        return bool(value)

    def reset(self):
        """Forget the first output (a fresh pass may legitimately start over)."""
        self._first = None
