"""``group_by_window`` and ``bucket_by_sequence_length``: elements grouped by a key, each
group handed on as a dataset once it holds a window's worth.

Order, as TensorFlow: input elements are read until some key's group reaches its window
size; that group goes through ``reduce_func`` and its dataset's elements are produced
before more input is read. At the end of the input the groups left over are flushed in
ascending key order.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, dtype_name
from featherflow.data import nested, padded_batch, structure
from featherflow.data.dataset import INFINITE, UNKNOWN, Dataset
from featherflow.data.functions import annotate, function_name
from featherflow.errors import InternalError, InvalidArgumentError


def _scalar(value, fn, what, index):
    a = np.asarray(value.data if isinstance(value, Tensor) else value)
    if a.shape != () or a.dtype != np.int64:
        raise ValueError(
            f"group_by_window: {what} {function_name(fn)!r} must return a scalar tf.int64 "
            f"tensor; it returned dtype {dtype_name(a.dtype)} and shape {a.shape} for element "
            f"{index}. Cast it with tf.cast(..., tf.int64).")
    return int(a)


class GroupByWindowDataset(Dataset):
    """Groups of up to ``window_size`` elements of one key (``key_func``, an int64 scalar),
    each turned into a dataset by ``reduce_func(key, window_dataset)``.

    Example::

        >>> ds = tf.data.Dataset.range(10).group_by_window(
        ...     key_func=lambda x: x % 2, reduce_func=lambda key, w: w.batch(3),
        ...     window_size=3)
        >>> [b.tolist() for b in ds.as_numpy_iterator()]
        [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]

    ``window_size_func(key)`` instead of ``window_size`` gives each key its own size. The
    element spec comes from calling ``reduce_func`` once on an empty window of the input's
    spec (featherflow has no tracer); a ``reduce_func`` whose spec cannot be read that way
    is run on the first group instead. The key's dtype is checked on the first element (at
    iteration), where TensorFlow checks it when tracing.
    """

    def __init__(self, input_dataset, key_func, reduce_func, window_size=None,
                 window_size_func=None, name=None):
        super().__init__([input_dataset], name=name)
        if (window_size is None) == (window_size_func is None):
            raise ValueError(
                "group_by_window: give exactly one of window_size (one size for every key) "
                "and window_size_func (a size per key); received "
                f"window_size={window_size!r} and window_size_func={window_size_func!r}.")
        for fn, what in ((key_func, "key_func"), (reduce_func, "reduce_func"),
                         (window_size_func, "window_size_func")):
            if fn is not None and not callable(fn):
                raise TypeError(f"group_by_window: {what} must be a function, received "
                                f"{type(fn).__name__}.")
        self._input = input_dataset
        self._key_func = key_func
        self._reduce_func = reduce_func
        if window_size is not None:
            size = int(np.asarray(window_size.numpy() if hasattr(window_size, "numpy")
                                  else window_size))
            self._size_of = lambda key: size
        else:
            self._size_of = self._sized_by(window_size_func)

    @staticmethod
    def _sized_by(fn):
        def size_of(key):
            out = fn(Tensor(np.array(key, dtype=np.int64)))
            return _scalar(out, fn, "window_size_func", key)
        return size_of

    def _compute_cardinality(self):
        return INFINITE if self._input._compute_cardinality() == INFINITE else UNKNOWN

    def _reduce(self, key, group):
        window = nested.ElementsDataset(group, self._input.element_spec)
        out = self._reduce_func(Tensor(np.array(key, dtype=np.int64)), window)
        if not isinstance(out, Dataset):
            raise TypeError(
                f"group_by_window: reduce_func {function_name(self._reduce_func)!r} must "
                f"return one Dataset made from its window; it returned {type(out).__name__}. "
                "Return e.g. window.batch(n).")
        return out

    def _compute_spec(self):
        try:
            return self._reduce(0, []).element_spec
        except TypeError:
            raise
        except Exception:  # noqa: BLE001 - a spec needing a real element: run one group
            it = self._iterate()
            try:
                first = next(it, None)
            finally:
                it.close()
            if first is None:
                raise ValueError(
                    "group_by_window: the element spec cannot be read from an empty window "
                    "and the dataset has no element to read it from.") from None
            return nested.spec_of(first)

    def _iterate(self):
        it = self._input._iterate()
        groups, sizes = {}, {}
        inner = None
        try:
            index = 0
            for element in it:
                try:
                    out = structure.call_with_element(self._key_func, element)
                    key = _scalar(out, self._key_func, "key_func", index)
                except ValueError:
                    raise
                except Exception as err:
                    raise annotate(err, "group_by_window", self._key_func, index) from None
                index += 1
                if key not in groups:
                    size = self._size_of(key)
                    if size <= 0:
                        raise InvalidArgumentError(
                            f"group_by_window: the window size for key {key} is {size}; it "
                            "must be at least 1 (check window_size_func).")
                    groups[key], sizes[key] = [], size
                group = groups[key]
                group.append(element)
                if len(group) == sizes[key]:
                    del groups[key]
                    inner = self._reduce(key, group)._iterate()
                    yield from inner
                    inner = None
            for key in sorted(groups):
                inner = self._reduce(key, groups.pop(key))._iterate()
                yield from inner
                inner = None
        finally:
            if inner is not None:
                getattr(inner, "close", lambda: None)()
            getattr(it, "close", lambda: None)()


def bucket_by_sequence_length(input_dataset, element_length_func, bucket_boundaries,
                              bucket_batch_sizes, padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False, name=None):
    """Batches of elements of similar length: an element of length ``n`` goes to the bucket
    ``i`` with ``bucket_boundaries[i-1] <= n < bucket_boundaries[i]``, batched
    ``bucket_batch_sizes[i]`` at a time and padded (unless ``no_padding``) to the batch's
    longest, or to the bucket's boundary minus one with ``pad_to_bucket_boundary``.

    Example::

        >>> ds = tf.data.Dataset.range(1, 8).map(lambda x: tf.fill([x], x))
        >>> ds = ds.bucket_by_sequence_length(lambda x: tf.shape(x)[0], [3, 5], [2, 2, 2])
        >>> [b.shape for b in ds.as_numpy_iterator()]
        [(2, 2), (2, 4), (2, 6), (1, 7)]
    """
    boundaries = [int(b) for b in bucket_boundaries]
    batch_sizes = [int(b) for b in bucket_batch_sizes]
    if len(batch_sizes) != len(boundaries) + 1:
        raise ValueError(
            "len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1, received "
            f"{len(batch_sizes)} batch sizes for {len(boundaries)} boundaries.")
    if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
        raise ValueError(f"bucket_boundaries must be increasing, received {boundaries}.")
    lows = [np.iinfo(np.int32).min] + boundaries
    highs = boundaries + [np.iinfo(np.int32).max]

    def bucket_of(*element):
        value = element_length_func(*element)
        length = int(np.asarray(value.data if isinstance(value, Tensor) else value))
        bucket = next(i for i, (lo, hi) in enumerate(zip(lows, highs)) if lo <= length < hi)
        return np.int64(bucket)

    def batch_bucket(bucket_id, window):
        bucket = int(bucket_id.numpy())
        size = batch_sizes[bucket]
        if no_padding:
            return window.batch(size, drop_remainder=drop_remainder)
        filler = None
        if pad_to_bucket_boundary:
            if bucket >= len(boundaries):
                # TensorFlow's assertion fails inside reduce_func, which it reports as an
                # InternalError wrapping the InvalidArgumentError
                raise InternalError(
                    "When pad_to_bucket_boundary=True, elements must have length < "
                    f"max(bucket_boundaries) = {max(boundaries)}; an element fell in the last "
                    "bucket.")
            filler = boundaries[bucket] - 1
        if filler is None and padded_shapes is None:
            # pad every dimension to the batch's longest: a static dimension gives the same
            # batch, and a dimension a map's first element made look static stays right
            shapes = [[None] * len(s.shape) for s in structure.flatten(window.element_spec)]
        else:
            shapes = [[filler if d is None else d for d in shape] for shape in _padded(
                window.element_spec, padded_shapes, window)]
        return window.padded_batch(
            size, padded_shapes=structure.pack_as(window.element_spec, shapes),
            padding_values=padding_values, drop_remainder=drop_remainder)

    return _BucketDataset(input_dataset, bucket_of, batch_bucket,
                          window_size_func=lambda bucket_id: np.int64(
                              batch_sizes[int(bucket_id.numpy())]),
                          name=name, padded_shapes=None if no_padding else padded_shapes)


def _padded(spec, padded_shapes, window=None):
    """Every component's padded shape as a list, ``None`` for a dimension left to the batch.

    Without ``padded_shapes`` a static dimension of the spec stays, as TensorFlow's, unless
    the window's elements disagree with it: a map's spec is read off its first element
    (featherflow has no tracer), so a length that only looked static is padded too."""
    if padded_shapes is None:
        shapes = [list(s.shape) for s in structure.flatten(spec)]
        if window is not None:
            for element in window.elements:
                for shape, a in zip(shapes, structure.flatten(element)):
                    for i, d in enumerate(shape):
                        if d is not None and a.shape[i] != d:
                            shape[i] = None
        return shapes
    return [[None if d is None or d == -1 else int(d) for d in (
        shape.as_list() if hasattr(shape, "as_list") else shape)]
        for shape in padded_batch.flatten_up_to(spec, padded_shapes, "padded_shapes")]


class _BucketDataset(GroupByWindowDataset):
    """``bucket_by_sequence_length``'s grouping. Its spec is known without running
    ``reduce_func``: TensorFlow's batch size and boundary padding are run-time values, so
    the batch dimension (and every padded one) is unknown."""

    def __init__(self, *args, padded_shapes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._padded_shapes = padded_shapes

    def _compute_spec(self):
        spec = self._input.element_spec
        shapes = _padded(spec, self._padded_shapes)
        return structure.pack_as(spec, [s._with_shape((None,) + tuple(shape)) for s, shape in
                                        zip(structure.flatten(spec), shapes)])
