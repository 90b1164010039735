"""``keras.utils.split_dataset``: a dataset or arrays split in two datasets, as Keras 3.

The samples are listed (a batched dataset is unbatched first), shuffled with Python's
``random`` seeded by ``seed`` when asked, cut by ``left_size``/``right_size`` (ints count
samples, floats are fractions), stacked back into arrays and turned into datasets; a
batched input gives batched outputs of the same batch size.
"""

import random

import numpy as np

from featherflow.data import structure
from featherflow.data.dataset import AUTOTUNE, Dataset


def _samples(dataset):
    if isinstance(dataset, (list, tuple)):
        kind = type(dataset).__name__
        if len(dataset) == 0:
            raise ValueError(f"Received an empty {kind} dataset. Please provide a non-empty "
                             f"{kind} of arrays.")
        first = None
        for i, element in enumerate(dataset):
            if not isinstance(element, np.ndarray):
                raise ValueError(f"Expected a {kind} of `numpy.ndarray` objects, Received: "
                                 f"{type(element)} at index {i}.")
            if first is None:
                first = element.shape
            elif element.shape[0] != first[0]:
                raise ValueError(
                    f"Received a {kind} of NumPy arrays with different lengths. Mismatch found "
                    f"at index {i}, Expected shape={first} Received shape={element.shape}. "
                    f"Please provide a {kind} of NumPy arrays of the same length.")
        return [tuple(row) for row in zip(*dataset)]
    if isinstance(dataset, Dataset):
        if hasattr(dataset, "_batch_size"):
            dataset = dataset.unbatch()
        return list(dataset.as_numpy_iterator())
    if isinstance(dataset, np.ndarray):
        return list(dataset)
    raise TypeError(
        "The `dataset` argument must be either a `tf.data.Dataset` object, or a list/tuple of "
        f"arrays. Received: dataset={dataset} of type {type(dataset)}")


def _sizes(left, right, total):
    for name, value in (("left_size", left), ("right_size", right)):
        if value is not None and type(value) not in (int, float):
            raise TypeError(f"Invalid `{name}` Type. Expected: int or float or None, "
                            f"Received: type({name})={type(value)}.")
    if left == 0 and right == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the "
                         "split sizes must be non-zero.")
    for name, value in (("left_size", left), ("right_size", right)):
        if (type(value) is int and (value <= 0 or value >= total)) or (
                type(value) is float and (value <= 0 or value >= 1)):
            raise ValueError(f"`{name}` should be either a positive integer smaller than "
                             f"{total}, or a float within the range `[0, 1]`. Received: "
                             f"{name}={value}")
    if type(left) is float and type(right) is float and left + right > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must "
                         "be less than or equal to 1.")
    left = round(left * total) if type(left) is float else left
    right = round(right * total) if type(right) is float else right
    if left is None:
        left = total - right
    elif right is None:
        right = total - left
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the "
                         f"{total}. Received: left_size + right_size = {left + right}and "
                         f"total_length = {total}")
    for size, side in ((left, "left"), (right, "right")):
        if size == 0:
            raise ValueError(
                f"With `dataset` of length={total}, `left_size`={left} and `right_size`="
                f"{right}.Resulting {side} side dataset split will be empty. Adjust any of the "
                "aforementioned parameters")
    return int(left), int(right)


def _stacked(samples, structured):
    if not structured:
        return list(samples)  # as Keras: the list itself goes to from_tensor_slices
    first = samples[0]
    columns = [np.array(column) for column in zip(*[structure.flatten(s) for s in samples])]
    return structure.pack_as(first, columns)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """``(left, right)`` datasets holding ``left_size`` and ``right_size`` of the samples.

    Example::

        >>> left, right = tf.keras.utils.split_dataset(np.arange(10), left_size=0.8)
        >>> len(left), len(right)
        (8, 2)
    """
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    samples = _samples(dataset)
    if shuffle:
        if seed is None:
            seed = random.randint(0, int(1e6))
        random.seed(seed)
        random.shuffle(samples)
    left, right = _sizes(left_size, right_size, len(samples))
    structured = isinstance(dataset, (list, tuple, Dataset))
    out = []
    for part in (samples[:left], samples[-right:]):
        ds = Dataset.from_tensor_slices(_stacked(part, structured))
        batch_size = getattr(dataset, "_batch_size", None)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        out.append(ds.prefetch(AUTOTUNE))
    return tuple(out)
