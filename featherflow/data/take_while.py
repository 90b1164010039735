"""``Dataset.take_while``: the elements before the first one a predicate rejects."""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.data.functions import annotate, function_name


class TakeWhileDataset(Dataset):
    """The input's elements up to (not including) the first for which ``predicate`` is
    False; the input is not read further.

    Example::

        >>> [int(x) for x in tf.data.Dataset.range(10).take_while(lambda x: x < 3)]
        [0, 1, 2]

    The predicate must return a scalar ``tf.bool``; featherflow checks it on every element
    (TensorFlow checks it when tracing), with TensorFlow's ValueError. The cardinality is
    unknown, as TensorFlow's.
    """

    def __init__(self, input_dataset, predicate, name=None):
        super().__init__([input_dataset], name=name)
        if not callable(predicate):
            raise TypeError(f"take_while: expected a function, received "
                            f"{type(predicate).__name__} ({predicate!r}).")
        self._input = input_dataset
        self._fn = predicate

    def _compute_spec(self):
        return self._input.element_spec

    def _compute_cardinality(self):
        return UNKNOWN

    def _keep(self, element, index):
        try:
            out = structure.call_with_element(self._fn, element)
        except Exception as err:
            raise annotate(err, "take_while", self._fn, index) from None
        value = np.asarray(out.data if hasattr(out, "data") else out)
        if value.shape != () or value.dtype != np.bool_:
            raise ValueError(
                f"take_while: the predicate {function_name(self._fn)!r} must return a scalar "
                f"tf.bool; it returned dtype {value.dtype} and shape "
                f"{value.shape} for element {index}. Compare (x < 3) or reduce "
                "(tf.reduce_all) to make one boolean.")
        return bool(value)

    def _iterate(self):
        it = self._input._iterate()
        try:
            for index, element in enumerate(it):
                if not self._keep(element, index):
                    return
                yield element
        finally:
            getattr(it, "close", lambda: None)()
