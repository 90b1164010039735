"""Listing a directory of class folders the way Keras's ``*_dataset_from_directory`` do.

The same files, in the same order, with the same labels and the same training/validation
split as Keras 3 (``keras/src/utils/dataset_utils.py``): class folders sorted, files walked
in sorted order, the list shuffled with ``np.random.RandomState(seed)`` (labels with a second
generator of the same seed), and the validation files taken from the end.
"""

import os

import numpy as np

from featherflow.data.dataset import AUTOTUNE, Dataset


def check_label_args(labels, label_mode, class_names, what, samples):
    """Keras's checks of ``labels``/``label_mode``/``class_names``; ``what`` is "text files"
    or "image files" and ``samples`` "text samples" or "images", as in Keras's messages."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                f"`labels` argument should be a list/tuple of integer labels, of the same size "
                f"as the number of {what} in the target directory. If you wish to infer the "
                "labels from the subdirectory names in the target directory, pass "
                f'`labels="inferred"`. If you wish to get a dataset that only contains '
                f"{samples} (no labels), pass `labels=None`. Received: labels={labels}")
        if class_names:
            raise ValueError(
                'You can only pass `class_names` if `labels="inferred"`. Received: '
                f"labels={labels}, and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")


def check_validation_split_arg(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: "
                         f"{validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(
            "If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` "
            "argument, to make sure that there is no overlap between the training and "
            "validation subset.")


def _valid_files(directory, follow_links, formats):
    walk = os.walk(directory, followlinks=follow_links)
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, verbose=True):
    """``(file_paths, labels, class_names)`` as Keras's ``index_directory`` gives them."""
    if not os.path.isdir(directory):
        raise ValueError(f"The directory {directory!r} does not exist or is not a directory.")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories "
                    f"of the target directory. Expected: {subdirs} (or a subset of it), but "
                    f"received: class_names={class_names}")
            subdirs = list(class_names)
    else:
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` "
                                 "cannot be specified.")
            raise ValueError(
                "When argument `labels` is specified, argument `class_names` cannot be "
                "specified (the `class_names` will be the sorted list of labels).")
    class_indices = {name: i for i, name in enumerate(subdirs)}
    filenames, found = [], []
    for subdir in subdirs:
        folder = os.path.join(directory, subdir)
        for root, name in _valid_files(folder, follow_links, formats):
            relative = os.path.join(os.path.basename(folder),
                                    os.path.relpath(os.path.join(root, name), folder))
            filenames.append(relative)
            found.append(class_indices[subdir])
    if labels == "inferred":
        labels = np.asarray(found, dtype="int32")
        class_names = subdirs
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(
                f"Expected the lengths of `labels` to match the number of files in the target "
                f"directory. len(labels) is {len(labels)} while we found {len(filenames)} "
                f"files in directory {directory}.")
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        if labels is None:
            print(f"Found {len(filenames)} files.")
        else:
            print(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            labels = np.array(labels)
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def training_or_validation_split(samples, labels, validation_split, subset):
    if not validation_split:
        return samples, labels
    count = int(validation_split * len(samples))
    if subset == "training":
        print(f"Using {len(samples) - count} files for training.")
        return samples[:-count], (labels[:-count] if labels is not None else None)
    if subset == "validation":
        print(f"Using {count} files for validation.")
        return samples[-count:], (labels[-count:] if labels is not None else None)
    raise ValueError(f'`subset` must be either "training" or "validation", received: '
                     f"{subset}")


def labels_dataset(labels, label_mode, num_classes):
    """Keras's label dataset: int32 labels, one-hot floats, or (1,) float32 for binary."""
    from featherflow.ops.creation import one_hot
    from featherflow.ops.math import cast
    from featherflow.ops.reshape import expand_dims

    ds = Dataset.from_tensor_slices(np.asarray(labels, dtype="int32"))
    if label_mode == "binary":
        return ds.map(lambda x: expand_dims(cast(x, "float32"), axis=-1),
                      num_parallel_calls=AUTOTUNE)
    if label_mode == "categorical":
        return ds.map(lambda x: one_hot(x, num_classes), num_parallel_calls=AUTOTUNE)
    return ds
