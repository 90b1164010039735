"""``Dataset.scan``: a running state carried from element to element, each step giving an
output element."""

from featherflow.data import seeds, structure
from featherflow.data.dataset import Dataset
from featherflow.data.functions import annotate, function_name, signature


class ScanDataset(Dataset):
    """The outputs of ``scan_func(state, element) -> (new_state, output)``, the state
    starting at ``initial_state`` on every pass.

    Example::

        >>> ds = tf.data.Dataset.range(5).scan(
        ...     tf.constant(0, tf.int64), lambda total, x: (total + x, total + x))
        >>> [int(x) for x in ds]
        [0, 1, 3, 6, 10]

    As TensorFlow: the function gets the state and the element as two arguments (a tuple
    element is not unpacked), and the new state must keep the initial state's structure and
    dtypes (its shape may change). The output spec is that of the first step's output
    (featherflow has no tracer): where TensorFlow retraces with a relaxed state because the
    state's shape changed, an output that follows the state's shape keeps the first step's
    shape here.
    """

    def __init__(self, input_dataset, initial_state, scan_func, name=None):
        super().__init__([input_dataset], name=name)
        if not callable(scan_func):
            raise TypeError(f"scan: expected a function, received {type(scan_func).__name__} "
                            f"({scan_func!r}).")
        self._input = input_dataset
        self._initial = structure.normalize_output(initial_state)
        self._fn = scan_func

    def _compute_cardinality(self):
        return self._input._compute_cardinality()

    def _compute_spec(self):
        it = self._input._iterate()
        try:
            first = next(it, None)
        finally:
            getattr(it, "close", lambda: None)()
        if first is None:
            raise ValueError(
                "scan: the input dataset is empty, so the output spec cannot be read from a "
                "step (featherflow runs scan_func on the first element to learn it).")
        _, output = self._step(self._initial, first, 0)
        return structure.spec_of(output)

    def _step(self, state, element, index):
        try:
            with seeds.function_scope():  # TF traces scan_func: its random ops' seeds
                out = self._fn(structure.to_tensors(state), structure.to_tensors(element))
        except Exception as err:
            raise annotate(err, "scan", self._fn, index) from None
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            raise TypeError(
                f"scan: {function_name(self._fn)!r} must return a pair (new_state, output); "
                f"it returned {type(out).__name__} for element {index}.")
        new_state = structure.normalize_output(out[0])
        if signature(new_state) != signature(self._initial):
            raise TypeError(
                f"scan: the new state {structure.describe_structure(new_state)} returned by "
                f"{function_name(self._fn)!r} for element {index} does not match the initial "
                f"state {structure.describe_structure(self._initial)}: it must keep the "
                "structure and dtypes (cast with tf.cast, or give an initial state of the "
                "right dtype, e.g. tf.constant(0, tf.int64)).")
        return new_state, structure.normalize_output(out[1])

    def _iterate(self):
        state = self._initial
        it = self._input._iterate()
        try:
            for index, element in enumerate(it):
                state, output = self._step(state, element, index)
                yield output
        finally:
            getattr(it, "close", lambda: None)()
