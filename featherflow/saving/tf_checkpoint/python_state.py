"""``tf.train.experimental.PythonState``: a Python object a checkpoint saves as one string.

A subclass says how its state becomes a string (``serialize``) and comes back
(``deserialize``, given the bytes the checkpoint holds). It is saved as TensorFlow saves it: a
scalar string tensor under ``<path>/.ATTRIBUTES/py_state``, so TensorFlow restores it into its
own PythonState and featherflow restores TensorFlow's.

Example::

    >>> class Counter(tf.train.experimental.PythonState):
    ...     def __init__(self):
    ...         self.count = 0
    ...     def serialize(self):
    ...         return str(self.count)
    ...     def deserialize(self, string_value):
    ...         self.count = int(string_value)
    >>> tf.train.Checkpoint(counter=Counter()).write("ckpt")
"""

import abc

PYTHON_STATE = "py_state"


class PythonState(abc.ABC):
    """A checkpointable Python object whose state is one string (``serialize`` /
    ``deserialize``); see the module docstring."""

    @abc.abstractmethod
    def serialize(self):
        """The state as a ``str`` or ``bytes`` (a str is written as UTF-8)."""

    @abc.abstractmethod
    def deserialize(self, string_value):
        """Set the state from ``string_value``, the ``bytes`` the checkpoint holds."""

    def _checkpoint_value(self):
        value = self.serialize()
        if isinstance(value, str):
            return value.encode("utf-8")
        if isinstance(value, (bytes, bytearray)):
            return bytes(value)
        raise TypeError(
            f"{type(self).__name__}.serialize() must return str or bytes (the string a "
            f"checkpoint saves); it returned {type(value).__name__} {value!r}.")
