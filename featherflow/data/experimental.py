"""``tf.data.experimental``: TensorFlow's older names for dataset sources and transformations.

The transformation functions here return a function for ``Dataset.apply``, as in TF
(``ds.apply(tf.data.experimental.unbatch())``); they build the same datasets as the methods.
"""

import importlib

import numpy as np

from featherflow.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from featherflow.data.debug_mode import enable_debug_mode
from featherflow.data.from_list import from_list
from featherflow.data.optional import Optional
from featherflow.data.options import (
    AutoShardPolicy,
    AutotuneAlgorithm,
    AutotuneOptions,
    DistributeOptions,
    ExternalStatePolicy,
    OptimizationOptions,
    ThreadingOptions,
)
from featherflow.data.random_access import at
from featherflow.data.random_dataset import RandomDataset
from featherflow.data.reducer import Reducer, group_by_reducer

#: ``shard(SHARD_HINT, ...)`` under ``AutoShardPolicy.HINT``: the strategy fills in the
#: number of workers and this worker's index
SHARD_HINT = -1

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def Counter(start=0, step=1, dtype="int64", name=None):  # noqa: N802 - TF's name
    """``tf.data.experimental.Counter``: an infinite dataset counting from ``start``."""
    return Dataset.counter(start, step, dtype, name=name)


def cardinality(dataset):
    """The dataset's cardinality, as ``dataset.cardinality()``."""
    return dataset.cardinality()


def assert_cardinality(expected_cardinality):
    return lambda ds: ds.assert_cardinality(expected_cardinality)


def enumerate_dataset(start=0):
    return lambda ds: ds.enumerate(start)


def unbatch():
    return lambda ds: ds.unbatch()


def dense_to_ragged_batch(batch_size, drop_remainder=False, row_splits_dtype="int64"):
    """``Dataset.ragged_batch`` as a function for ``Dataset.apply`` (TF's older name)."""
    return lambda ds: ds.ragged_batch(batch_size, drop_remainder, row_splits_dtype)


def dense_to_sparse_batch(batch_size, row_shape):
    """``Dataset.sparse_batch`` as a function for ``Dataset.apply`` (TF's older name)."""
    return lambda ds: ds.sparse_batch(batch_size, row_shape)


def get_structure(dataset_or_iterator):
    """The element spec of a dataset or of an iterator over one (``element_spec``)."""
    spec = getattr(dataset_or_iterator, "element_spec", None)
    if spec is None or not hasattr(dataset_or_iterator, "__iter__"):
        raise TypeError(
            f"Invalid `dataset_or_iterator`. `dataset_or_iterator` must be a tf.data.Dataset "
            f"or tf.data.Iterator, but got {type(dataset_or_iterator)}.")
    return spec


def ignore_errors(log_warning=False):
    return lambda ds: ds.ignore_errors(log_warning)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    return lambda ds: ds.shuffle(buffer_size, seed=seed).repeat(count)


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    return lambda ds: ds.map(map_func, num_parallel_calls=num_parallel_calls).batch(
        batch_size, drop_remainder=drop_remainder)


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False,
                        buffer_output_elements=None, prefetch_input_elements=None):
    return lambda ds: ds.interleave(map_func, cycle_length=cycle_length,
                                    block_length=block_length,
                                    num_parallel_calls=cycle_length,
                                    deterministic=not sloppy)


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    return lambda ds: ds.group_by_window(key_func, reduce_func, window_size=window_size,
                                         window_size_func=window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    return lambda ds: ds.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes,
        padded_shapes=padded_shapes, padding_values=padding_values,
        pad_to_bucket_boundary=pad_to_bucket_boundary, no_padding=no_padding,
        drop_remainder=drop_remainder)


def scan(initial_state, scan_func):
    return lambda ds: ds.scan(initial_state, scan_func)


def take_while(predicate):
    return lambda ds: ds.take_while(predicate)


def unique():
    return lambda ds: ds.unique()


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    return lambda ds: ds.rejection_resample(class_func, target_dist, initial_dist=initial_dist,
                                            seed=seed)


def snapshot(path, compression="AUTO", reader_func=None, shard_func=None):
    return lambda ds: ds.snapshot(path, compression=compression, reader_func=reader_func,
                                  shard_func=shard_func)


def get_next_as_optional(iterator):
    """``iterator.get_next_as_optional()`` (TF's older function for it)."""
    return iterator.get_next_as_optional()


def get_single_element(dataset):
    return dataset.get_single_element()


def sample_from_datasets(datasets, weights=None, seed=None, stop_on_empty_dataset=False):
    return Dataset.sample_from_datasets(datasets, weights=weights, seed=seed,
                                        stop_on_empty_dataset=stop_on_empty_dataset)


def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset=True):
    return Dataset.choose_from_datasets(datasets, choice_dataset,
                                        stop_on_empty_dataset=stop_on_empty_dataset)


def save(dataset, path, compression=None, shard_func=None, checkpoint_args=None):
    return dataset.save(path, compression=compression, shard_func=shard_func,
                        checkpoint_args=checkpoint_args)


def load(path, element_spec=None, compression=None, reader_func=None):
    return Dataset.load(path, element_spec=element_spec, compression=compression,
                        reader_func=reader_func)


def pad_to_cardinality(cardinality, mask_key="valid"):
    """``tf.data.experimental.pad_to_cardinality``: a function for ``Dataset.apply`` that
    adds a boolean ``mask_key`` (True) to every dict element, then pads the dataset with
    elements of zeros (``mask_key`` False) up to ``cardinality`` elements."""
    from featherflow.data import structure

    def apply(dataset):
        spec = dataset.element_spec
        if not isinstance(spec, dict):
            raise ValueError("`pad_to_cardinality` requires its input dataset to be a "
                             "dictionary.")
        n = dataset._compute_cardinality()
        if n < 0:
            raise ValueError(f"The dataset passed into `pad_to_cardinality` must have a known "
                             f"cardinalty, but has cardinality {n}")
        if n > cardinality:
            raise ValueError(f"The dataset passed into `pad_to_cardinality` must have a "
                             f"cardinalty less than the target cardinality ({cardinality}), "
                             f"but has cardinality {n}")
        for key, leaf in spec.items():
            if not isinstance(leaf, structure.TensorSpec) or leaf._shape is None or \
                    None in leaf._shape:
                raise ValueError(
                    f"pad_to_cardinality: component {key!r} has spec {leaf!r}; padding "
                    "needs fully known shapes of dense tensors.")
        padding = {key: _zeros(leaf) for key, leaf in spec.items()}
        padding[mask_key] = np.array(False)
        marked = dataset.map(lambda element: {**element, mask_key: True})
        return marked.concatenate(Dataset.from_tensors(padding).repeat(cardinality - n))

    return apply


def _zeros(spec):
    if spec.dtype.name == "string":
        out = np.empty(spec._shape, object)
        out[...] = b""
        return out
    return np.zeros(spec._shape, spec.dtype.as_numpy_dtype)


def prefetch_to_device(device, buffer_size=None):
    """On the CPU there is no device to copy to: a plain prefetch."""
    return lambda ds: ds.prefetch(AUTOTUNE if buffer_size is None else buffer_size)


def copy_to_device(target_device, source_device="/cpu:0"):
    """On the CPU there is no device to copy to: the dataset unchanged."""
    return lambda ds: ds


_LAZY = {
    "SqlDataset": ("featherflow.data.sql", "SqlDataset"),
    "DatasetInitializer": ("featherflow.data.lookup_tables", "DatasetInitializer"),
    "table_from_dataset": ("featherflow.data.lookup_tables", "table_from_dataset"),
    "index_table_from_dataset": ("featherflow.data.lookup_tables", "index_table_from_dataset"),
    "parse_example_dataset": ("featherflow.data.example_parsing", "parse_example_dataset"),
    "make_batched_features_dataset": ("featherflow.data.example_parsing",
                                      "make_batched_features_dataset"),
    "make_csv_dataset": ("featherflow.data.csv", "make_csv_dataset"),
    "CsvDataset": ("featherflow.data.csv", "CsvDataset"),
    "TFRecordDataset": ("featherflow.data.tfrecord_dataset", "TFRecordDataset"),
    "TFRecordWriter": ("featherflow.data.tfrecord_writer", "TFRecordWriter"),
    "DatasetSpec": ("featherflow.data.nested", "DatasetSpec"),
}


def __getattr__(name):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'featherflow.data.experimental' has no attribute {name!r}")
    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


__all__ = ["AUTOTUNE", "AutoShardPolicy", "AutotuneAlgorithm", "AutotuneOptions", "Counter",
           "DistributeOptions", "ExternalStatePolicy", "INFINITE_CARDINALITY",
           "OptimizationOptions", "Optional", "RandomDataset", "Reducer", "SHARD_HINT",
           "ThreadingOptions", "UNKNOWN_CARDINALITY", "assert_cardinality", "at",
           "bucket_by_sequence_length", "cardinality", "choose_from_datasets", "copy_to_device",
           "dense_to_ragged_batch", "dense_to_sparse_batch", "enable_debug_mode",
           "enumerate_dataset", "from_list", "get_next_as_optional", "get_single_element",
           "get_structure", "group_by_reducer", "group_by_window", "ignore_errors", "load",
           "map_and_batch", "pad_to_cardinality", "parallel_interleave", "prefetch_to_device",
           "rejection_resample", "sample_from_datasets", "save", "scan", "shuffle_and_repeat",
           "snapshot", "take_while", "unbatch", "unique", *_LAZY]
