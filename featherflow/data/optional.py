"""``tf.experimental.Optional`` and ``tf.OptionalSpec``: a value that may be absent, what
``Iterator.get_next_as_optional`` returns.

Example::

    >>> it = iter(tf.data.Dataset.range(1))
    >>> it.get_next_as_optional().get_value()
    <tf.Tensor: shape=(), dtype=int64, numpy=0>
    >>> it.get_next_as_optional().has_value()
    <tf.Tensor: shape=(), dtype=bool, numpy=False>
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.errors import InvalidArgumentError


class OptionalSpec:
    """The type of an Optional: the spec of the value it may hold (``tf.OptionalSpec``)."""

    __slots__ = ("element_spec",)

    def __init__(self, element_spec):
        self.element_spec = element_spec

    @property
    def value_type(self):
        return Optional

    @property
    def _shape(self):
        return None  # an Optional is no tensor: it has no static shape of its own

    def __eq__(self, other):
        return type(other) is OptionalSpec and other.element_spec == self.element_spec

    def __hash__(self):
        return hash(("OptionalSpec", repr(self.element_spec)))

    def __repr__(self):
        return f"OptionalSpec({self.element_spec!r},)"


class Optional:
    """A value that may be absent (``tf.experimental.Optional``): ``from_value(v)`` holds
    ``v``, ``empty(spec)`` holds nothing of type ``spec``."""

    def __init__(self, value, has_value, element_spec):
        self._value = value
        self._has_value = bool(has_value)
        self._element_spec = element_spec

    @staticmethod
    def from_value(value):
        """An Optional holding ``value`` (a nest of tensors or of what converts to them)."""
        element = structure.normalize_output(value)
        return Optional(structure.to_tensors(element), True, structure.spec_of(element))

    @staticmethod
    def empty(element_spec):
        """An Optional of type ``element_spec`` that holds nothing."""
        return Optional(None, False, element_spec)

    @property
    def element_spec(self):
        return self._element_spec

    def has_value(self, name=None):
        return Tensor(np.array(self._has_value))

    def get_value(self, name=None):
        if not self._has_value:
            raise InvalidArgumentError(
                "The given optional does not have a value. Check has_value() before "
                "get_value().")
        return self._value

    @property
    def _type_spec(self):
        return OptionalSpec(self._element_spec)

    def __repr__(self):
        return f"<Optional has_value={self._has_value} element_spec={self._element_spec!r}>"
