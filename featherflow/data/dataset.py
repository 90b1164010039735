"""``tf.data.Dataset``: the base class, its sources and the methods that chain transformations.

A dataset is a recipe: iterating it runs the recipe from the start (``iter(ds)`` twice gives
two passes). Each transformation lives in its own module of this package and is a subclass
of :class:`Dataset` that implements ``_iterate``, ``_compute_spec`` and
``_compute_cardinality``; the methods here only build them. The transformation modules
import this base, so the methods import them inside the method body: that cycle is the
price of TensorFlow's method-chaining API and cannot be broken without moving the methods.
"""

import threading

import numpy as np

from featherflow.data import structure

INFINITE = -1
UNKNOWN = -2
AUTOTUNE = -1


class Dataset:
    """A sequence of elements, built from sources and transformed lazily, as ``tf.data``.

    Example::

        >>> ds = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [0, 1, 0]))
        >>> ds = ds.map(lambda x, y: (x * 2, y)).batch(2)
        >>> [x.numpy().tolist() for x, _ in ds]
        [[2, 4], [6]]
    """

    def __init__(self, inputs=(), name=None):
        self._inputs = list(inputs)
        self._name = name
        self._spec = None
        self._own_options = None

    # -- what subclasses implement -----------------------------------------------------------
    def _iterate(self):
        """A fresh iterator over the elements (nests of NumPy arrays)."""
        raise TypeError(f"{type(self).__name__} does not define _iterate.")

    def _compute_spec(self):
        raise TypeError(f"{type(self).__name__} does not define _compute_spec.")

    def _compute_cardinality(self):
        return UNKNOWN

    def _peek(self):
        """One element, to learn shapes from, or ``END`` for an empty dataset. The pass it
        starts is marked as a peek (:func:`peeking`), so a shuffle in it neither fills its
        buffer nor takes seeds: the orders of the real passes stay TensorFlow's."""
        _PEEK.depth = getattr(_PEEK, "depth", 0) + 1
        it = None
        try:
            it = self._iterate()
            return next(it, END)
        finally:
            if it is not None:
                getattr(it, "close", lambda: None)()
            _PEEK.depth -= 1

    # -- structure ---------------------------------------------------------------------------
    @property
    def element_spec(self):
        """The nest of :class:`TensorSpec` every element fits."""
        if self._spec is None:
            self._spec = self._compute_spec()
        return self._spec

    def cardinality(self):
        """The number of elements as a scalar int64 tensor: -1 for infinite (``INFINITE``),
        -2 when only iterating tells (``UNKNOWN``), as ``tf.data``."""
        from featherflow.autodiff.tensor import Tensor

        return Tensor(np.array(self._compute_cardinality(), dtype=np.int64))

    def __len__(self):
        n = self._compute_cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True

    def __iter__(self):
        from featherflow.data.iterator import DatasetIterator

        return DatasetIterator(self)

    def as_numpy_iterator(self):
        """Iterate the elements as NumPy values (bytes for scalar strings)."""
        from featherflow.data.iterator import NumpyIterator

        return NumpyIterator(self)

    def __repr__(self):
        spec = self.element_spec
        return f"<_{type(self).__name__} element_spec={spec!r}>"

    # -- options -----------------------------------------------------------------------------
    def options(self):
        """The :class:`Options` in force here: those set on this dataset and its inputs."""
        from featherflow.data.options import Options, merge

        found = [d._own_options for d in self._lineage() if d._own_options is not None]
        return merge(found) if found else Options()

    def with_options(self, options, name=None):
        from featherflow.data.options import OptionsDataset

        return OptionsDataset(self, options, name=name)

    def _lineage(self):
        seen, order, stack = set(), [], [self]
        while stack:
            d = stack.pop()
            if id(d) in seen:
                continue
            seen.add(id(d))
            order.append(d)
            stack.extend(d._inputs)
        return order[::-1]

    # -- sources -----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """A dataset of the slices of ``tensors`` along their first dimension."""
        from featherflow.data.sources import TensorSliceDataset

        return TensorSliceDataset(tensors, name=name)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element, ``tensors``."""
        from featherflow.data.sources import TensorDataset

        return TensorDataset(tensors, name=name)

    @staticmethod
    def range(*args, output_type="int64", name=None):
        """``range(stop)``, ``range(start, stop[, step])`` as a dataset of int64 scalars."""
        from featherflow.data.sources import RangeDataset

        return RangeDataset(*args, output_type=output_type, name=name)

    @staticmethod
    def counter(start=0, step=1, dtype="int64", name=None):
        """An infinite dataset counting ``start, start + step, ...``."""
        from featherflow.data.sources import CounterDataset

        return CounterDataset(start, step, dtype, name=name)

    @staticmethod
    def zip(*datasets, name=None):
        """Elements of several datasets side by side, as a tuple (or the nest given)."""
        from featherflow.data.combine import ZipDataset

        if len(datasets) == 1 and not isinstance(datasets[0], Dataset):
            datasets = datasets[0]
        return ZipDataset(datasets, name=name)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """A dataset of what ``generator()`` yields (called anew for every pass)."""
        from featherflow.data.generator import GeneratorDataset

        return GeneratorDataset(generator, output_types=output_types,
                                output_shapes=output_shapes, args=args,
                                output_signature=output_signature, name=name)

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None, name=None):
        """Random int64 scalars forever, TF's numbers for the same seeds
        (featherflow/data/random_dataset.py)."""
        from featherflow.data.random_dataset import RandomDataset

        return RandomDataset(seed, rerandomize_each_iteration, name=name)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name=None):
        """A dataset of the file names matching ``file_pattern`` (a glob or list of them)."""
        from featherflow.data.files import list_files

        return list_files(file_pattern, shuffle=shuffle, seed=seed, name=name)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False,
                             rerandomize_each_iteration=None):
        from featherflow.data.sampling import sample_from_datasets

        return sample_from_datasets(datasets, weights=weights, seed=seed,
                                    stop_on_empty_dataset=stop_on_empty_dataset,
                                    rerandomize_each_iteration=rerandomize_each_iteration)

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
        from featherflow.data.sampling import choose_from_datasets

        return choose_from_datasets(datasets, choice_dataset,
                                    stop_on_empty_dataset=stop_on_empty_dataset)

    @staticmethod
    def load(path, element_spec=None, compression=None, reader_func=None):
        from featherflow.data.saving import load

        return load(path, element_spec=element_spec, compression=compression,
                    reader_func=reader_func)

    # -- element-wise ------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        """Apply ``map_func`` to every element (a tuple element is unpacked into arguments)."""
        from featherflow.data.map import MapDataset

        return MapDataset(self, map_func, num_parallel_calls=num_parallel_calls,
                          deterministic=deterministic, name=name)

    def filter(self, predicate, name=None):
        """Keep the elements for which ``predicate`` returns True."""
        from featherflow.data.filter import FilterDataset

        return FilterDataset(self, predicate, name=name)

    def enumerate(self, start=0, name=None):
        """Pairs ``(index, element)``, the index an int64 scalar counting from ``start``."""
        from featherflow.data.combine import ZipDataset
        from featherflow.data.sources import RangeDataset

        return ZipDataset((RangeDataset(start, np.iinfo(np.int64).max), self), name=name)

    def apply(self, transformation_func):
        """``transformation_func(self)``, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(
                f"apply: the transformation must return a Dataset; "
                f"{getattr(transformation_func, '__name__', transformation_func)!r} returned "
                f"{type(out).__name__}.")
        return out

    # -- batching ----------------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        """Stack consecutive elements into batches of ``batch_size``."""
        from featherflow.data.batch import BatchDataset

        return BatchDataset(self, batch_size, drop_remainder=drop_remainder, name=name)

    def ragged_batch(self, batch_size, drop_remainder=False, row_splits_dtype="int64",
                     name=None):
        """Batches in which components of rank >= 1 become RaggedTensors (rows may have
        different lengths)."""
        from featherflow.data.batch import RaggedBatchDataset

        return RaggedBatchDataset(self, batch_size, drop_remainder, row_splits_dtype,
                                  name=name)

    def sparse_batch(self, batch_size, row_shape, name=None):
        """Batches of dense elements as SparseTensors of dense shape ``[batch, *row_shape]``
        (``None`` in ``row_shape``: the batch's largest size there)."""
        from featherflow.data.sparse_batch import SparseBatchDataset

        return SparseBatchDataset(self, batch_size, row_shape, name=name)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None):
        """Batch elements of varying shape, padding each to the batch's largest."""
        from featherflow.data.padded_batch import PaddedBatchDataset

        return PaddedBatchDataset(self, batch_size, padded_shapes=padded_shapes,
                                  padding_values=padding_values,
                                  drop_remainder=drop_remainder, name=name)

    def unbatch(self, name=None):
        """Split every element along its first dimension into elements."""
        from featherflow.data.unbatch import UnbatchDataset

        return UnbatchDataset(self, name=name)

    def rebatch(self, batch_size, drop_remainder=False, name=None):
        from featherflow.data.rebatch import RebatchDataset

        return RebatchDataset(self, batch_size, drop_remainder=drop_remainder, name=name)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None):
        """A dataset of windows, each a dataset (or nest of datasets) of ``size`` elements."""
        from featherflow.data.window import WindowDataset

        return WindowDataset(self, size, shift=shift, stride=stride,
                             drop_remainder=drop_remainder, name=name)

    def group_by_window(self, key_func, reduce_func, window_size=None,
                        window_size_func=None, name=None):
        from featherflow.data.grouping import GroupByWindowDataset

        return GroupByWindowDataset(self, key_func, reduce_func, window_size=window_size,
                                    window_size_func=window_size_func, name=name)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary=False, no_padding=False,
                                  drop_remainder=False, name=None):
        from featherflow.data.grouping import bucket_by_sequence_length

        return bucket_by_sequence_length(
            self, element_length_func, bucket_boundaries, bucket_batch_sizes,
            padded_shapes=padded_shapes, padding_values=padding_values,
            pad_to_bucket_boundary=pad_to_bucket_boundary, no_padding=no_padding,
            drop_remainder=drop_remainder, name=name)

    # -- order and count ---------------------------------------------------------------------
    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        """Shuffle with a buffer of ``buffer_size`` elements, as ``tf.data`` does."""
        from featherflow.data.shuffle import ShuffleDataset

        return ShuffleDataset(self, buffer_size, seed=seed,
                              reshuffle_each_iteration=reshuffle_each_iteration, name=name)

    def repeat(self, count=None, name=None):
        """Repeat the dataset ``count`` times (forever when ``None`` or -1)."""
        from featherflow.data.slicing import RepeatDataset

        return RepeatDataset(self, count, name=name)

    def take(self, count, name=None):
        """The first ``count`` elements (all when -1)."""
        from featherflow.data.slicing import TakeDataset

        return TakeDataset(self, count, name=name)

    def skip(self, count, name=None):
        """All but the first ``count`` elements (none when -1)."""
        from featherflow.data.slicing import SkipDataset

        return SkipDataset(self, count, name=name)

    def shard(self, num_shards, index, name=None):
        """Every ``num_shards``-th element starting at ``index``."""
        from featherflow.data.slicing import ShardDataset

        return ShardDataset(self, num_shards, index, name=name)

    def take_while(self, predicate, name=None):
        from featherflow.data.take_while import TakeWhileDataset

        return TakeWhileDataset(self, predicate, name=name)

    def concatenate(self, dataset, name=None):
        """This dataset's elements, then ``dataset``'s."""
        from featherflow.data.combine import ConcatenateDataset

        return ConcatenateDataset(self, dataset, name=name)

    def flat_map(self, map_func, name=None):
        """``map_func`` makes a dataset of every element; their elements are chained."""
        from featherflow.data.interleave import FlatMapDataset

        return FlatMapDataset(self, map_func, name=name)

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None, name=None):
        """Elements of the datasets ``map_func`` makes, ``block_length`` at a time from
        ``cycle_length`` of them in turn."""
        from featherflow.data.interleave import InterleaveDataset

        return InterleaveDataset(self, map_func, cycle_length=cycle_length,
                                 block_length=block_length,
                                 num_parallel_calls=num_parallel_calls,
                                 deterministic=deterministic, name=name)

    def scan(self, initial_state, scan_func, name=None):
        from featherflow.data.scan import ScanDataset

        return ScanDataset(self, initial_state, scan_func, name=name)

    def unique(self, name=None):
        from featherflow.data.unique import UniqueDataset

        return UniqueDataset(self, name=name)

    def ignore_errors(self, log_warning=False, name=None):
        from featherflow.data.map import IgnoreErrorsDataset

        return IgnoreErrorsDataset(self, log_warning=log_warning, name=name)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name=None):
        """``(class, element)`` pairs resampled so the classes follow ``target_dist``."""
        from featherflow.data.resample import rejection_resample

        return rejection_resample(self, class_func, target_dist, initial_dist=initial_dist,
                                  seed=seed, name=name)

    def assert_cardinality(self, expected_cardinality, name=None):
        from featherflow.data.slicing import AssertCardinalityDataset

        return AssertCardinalityDataset(self, expected_cardinality, name=name)

    # -- performance -------------------------------------------------------------------------
    def cache(self, filename="", name=None):
        """Keep the elements of the first full pass (in memory, or in ``filename``)."""
        from featherflow.data.cache import CacheDataset

        return CacheDataset(self, filename, name=name)

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None,
                 name=None):
        """Persist the first complete pass under ``path``; later passes read it back."""
        from featherflow.data.snapshot import SnapshotDataset

        return SnapshotDataset(self, path, compression=compression, reader_func=reader_func,
                               shard_func=shard_func, name=name)

    def prefetch(self, buffer_size, name=None):
        """Prepare up to ``buffer_size`` elements in a background thread while the
        consumer works on the current one."""
        from featherflow.data.prefetch import PrefetchDataset

        return PrefetchDataset(self, buffer_size, name=name)

    # -- whole-dataset -----------------------------------------------------------------------
    def reduce(self, initial_state, reduce_func, name=None):
        """Fold the elements into a state with ``reduce_func(state, element)``."""
        state = structure.normalize_output(initial_state)
        for element in self._iterate():
            args = structure.to_tensors(state), structure.to_tensors(element)
            state = structure.normalize_output(reduce_func(*args))
        return structure.to_tensors(state)

    def get_single_element(self, name=None):
        """The one element of a dataset that has exactly one."""
        from featherflow.errors import InvalidArgumentError

        it = self._iterate()
        try:
            first = next(it, END)
            if first is END:
                raise InvalidArgumentError("Dataset was empty.")
            if next(it, END) is not END:
                raise InvalidArgumentError("Dataset had more than one element.")
        finally:
            close = getattr(it, "close", None)
            if close is not None:
                close()
        return structure.to_tensors(first)

    def save(self, path, compression=None, shard_func=None, checkpoint_args=None):
        from featherflow.data.saving import save

        save(self, path, compression=compression, shard_func=shard_func,
             checkpoint_args=checkpoint_args)


#: what ``_peek`` returns for an empty dataset
END = object()

_PEEK = threading.local()


def peeking():
    """True while this thread runs a pass only to learn an element's shapes."""
    return getattr(_PEEK, "depth", 0) > 0
