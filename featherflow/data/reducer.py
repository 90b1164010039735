"""``tf.data.experimental.Reducer`` and ``group_by_reducer``: one reduction per key.

Each element's key (``key_func``, a scalar int64) picks a state: ``init_func(key)`` the
first time the key is seen, then ``reduce_func(state, element)`` for each of its elements.
When the input ends, ``finalize_func(state)`` gives one element per key, in increasing key
order (TensorFlow's: its kernel keeps the states in a map ordered by key). A state that is a
tuple is unpacked into ``finalize_func``'s arguments, as TF does.

Example::

    >>> reducer = tf.data.experimental.Reducer(
    ...     init_func=lambda key: np.int64(0), reduce_func=lambda state, x: state + x,
    ...     finalize_func=lambda state: state)
    >>> ds = tf.data.Dataset.range(10).apply(
    ...     tf.data.experimental.group_by_reducer(lambda x: x % 2, reducer))
    >>> list(ds.as_numpy_iterator())
    [20, 25]
"""

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import END, UNKNOWN, Dataset
from featherflow.data.functions import ElementFunction, annotate, function_name


class Reducer:
    """The three functions of a reduction: ``init_func(key) -> state``,
    ``reduce_func(state, element) -> state`` and ``finalize_func(state) -> element``."""

    def __init__(self, init_func, reduce_func, finalize_func):
        for what, fn in (("init_func", init_func), ("reduce_func", reduce_func),
                         ("finalize_func", finalize_func)):
            if not callable(fn):
                raise TypeError(f"Reducer: `{what}` must be a function, received "
                                f"{type(fn).__name__} ({fn!r}).")
        self.init_func = init_func
        self.reduce_func = reduce_func
        self.finalize_func = finalize_func


def _call(fn, *args):
    """``fn`` on featherflow Tensors (a tuple state unpacked), its result as arrays."""
    tensors = [structure.to_tensors(structure.normalize_output(a)) for a in args]
    return structure.normalize_output(fn(*tensors))


class GroupByReducerDataset(Dataset):
    """One finalized state per key of the input (``group_by_reducer``)."""

    def __init__(self, input_dataset, key_func, reducer, name=None):
        super().__init__([input_dataset], name=name)
        if not isinstance(reducer, Reducer):
            raise TypeError(f"group_by_reducer: `reducer` must be a "
                            f"tf.data.experimental.Reducer, received {type(reducer).__name__}.")
        self._input = input_dataset
        self._key = ElementFunction(key_func, "group_by_reducer")
        self._key_func = key_func
        self._reducer = reducer
        first = input_dataset._peek()
        if first is not END:
            self._key_of(first, 0)

    def _key_of(self, element, index):
        key = self._key(element, index)
        if not isinstance(key, np.ndarray) or key.dtype != np.int64 or key.shape != ():
            described = (f"types={structure.describe_structure(key)}"
                         if not isinstance(key, np.ndarray) else
                         f"types=<dtype: '{structure.dtype_name(key.dtype)}'> and "
                         f"shapes={tuple(key.shape)}")
            raise ValueError(
                f"Invalid `key_func`. Expected `key_func` to return a scalar tf.int64 tensor, "
                f"but instead `key_func` has output {described}. Cast the key with "
                "tf.cast(key, tf.int64).")
        return int(key)

    def _compute_cardinality(self):
        return UNKNOWN

    def _compute_spec(self):
        first = self._input._peek()
        if first is END:
            raise ValueError("group_by_reducer: the input dataset is empty, so the output "
                             "spec cannot be read from an element.")
        key = self._key_of(first, 0)
        state = self._step(self._init(np.int64(key)), first, 0)
        return structure.spec_of(self._finalize(state))

    def _init(self, key):
        try:
            return _call(self._reducer.init_func, key)
        except Exception as err:
            raise annotate(err, "group_by_reducer", self._reducer.init_func, 0) from None

    def _step(self, state, element, index):
        try:
            new = _call(self._reducer.reduce_func, state, element)
        except Exception as err:
            raise annotate(err, "group_by_reducer", self._reducer.reduce_func, index) from None
        if structure.describe_structure(new) != structure.describe_structure(state):
            raise TypeError(
                f"group_by_reducer: reduce_func {function_name(self._reducer.reduce_func)!r} "
                f"returned {structure.describe_structure(new)} for a state of "
                f"{structure.describe_structure(state)}; it must return the state's "
                "structure and dtypes.")
        return new

    def _finalize(self, state):
        try:
            args = state if type(state) is tuple else (state,)
            return _call(self._reducer.finalize_func, *args)
        except Exception as err:
            raise annotate(err, "group_by_reducer", self._reducer.finalize_func, 0) from None

    def _iterate(self):
        states = {}
        it = self._input._iterate()
        try:
            for index, element in enumerate(it):
                key = self._key_of(element, index)
                state = states.get(key)
                if state is None:
                    state = self._init(np.int64(key))
                states[key] = self._step(state, element, index)
        finally:
            getattr(it, "close", lambda: None)()
        for key in sorted(states):  # TF's kernel keeps the states in a map ordered by key
            yield self._finalize(states[key])


def group_by_reducer(key_func, reducer):
    """``tf.data.experimental.group_by_reducer``: a function for ``Dataset.apply``."""
    return lambda dataset: GroupByReducerDataset(dataset, key_func, reducer)
