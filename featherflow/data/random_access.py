"""``tf.data.experimental.at``: the element at an index of a dataset.

TensorFlow gives random access to the datasets whose elements it can compute from an index
(sources, ``map``, ``batch``, ``take``, ``skip``, ``repeat``, ``concatenate``, ``zip``,
``prefetch``, ``cache``, options) and refuses the others (``filter``, ``interleave``,
``padded_batch``, ``window``, ``ignore_errors``...) with ``UnimplementedError``; a dataset of
unknown or infinite cardinality is a ``FailedPreconditionError`` and an index outside
``[0, cardinality)`` an ``OutOfRangeError``. featherflow accepts and refuses the same
datasets and returns the same element; it reaches it by running the pipeline up to it, so
the cost grows with the index (TF computes the one element). A seeded ``shuffle`` is
refused here: TF's random access into it follows its global-shuffle permutation, which
featherflow does not reproduce.
"""

import itertools

from featherflow.autodiff.tensor import Tensor
from featherflow.data import structure
from featherflow.errors import FailedPreconditionError, OutOfRangeError, UnimplementedError

# featherflow's datasets that TensorFlow gives random access to
_RANDOM_ACCESS = frozenset({
    "TensorSliceDataset", "TensorDataset", "RangeDataset", "ListDataset", "MapDataset",
    "BatchDataset", "TakeDataset", "SkipDataset", "RepeatDataset", "ConcatenateDataset",
    "ZipDataset", "PrefetchDataset", "CacheDataset", "OptionsDataset", "UnbatchDataset",
    "AssertCardinalityDataset", "ShardDataset"})


def at(dataset, index):
    """The element of ``dataset`` at ``index`` (``tf.data.experimental.at``), as Tensors."""
    index = int(index.numpy() if hasattr(index, "numpy") else index)
    for node in dataset._lineage():
        kind = type(node).__name__
        if kind not in _RANDOM_ACCESS:
            raise UnimplementedError(
                f"Random access is not implemented for dataset {kind}: it has no element "
                "that can be computed from an index alone. Iterate the dataset (take/skip) "
                "instead.")
    n = dataset._compute_cardinality()
    if n < 0:
        kind = "infinite" if n == -1 else "unknown"
        raise FailedPreconditionError(
            f"Dataset of type {type(dataset).__name__} has {kind} cardinality, which does "
            "not support random access.")
    if not 0 <= index < n:
        raise OutOfRangeError(f"Index out of range [0, {n}):{index}")
    it = dataset._iterate()
    try:
        element = next(itertools.islice(it, index, None))
    finally:
        getattr(it, "close", lambda: None)()
    return structure.to_tensors(element) if not isinstance(element, Tensor) else element
