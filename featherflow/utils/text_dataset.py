"""``keras.utils.text_dataset_from_directory``: a folder of class folders of ``.txt`` files
as a dataset of ``(text, label)`` batches, with Keras 3's files, order, labels and split."""

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.data.dataset import AUTOTUNE, Dataset
from featherflow.utils import directory_index


def _read_text(path, max_length):
    with open(path.numpy().decode("utf-8"), "rb") as file:
        content = file.read()
    if max_length is not None:
        content = content[:max_length]  # tf.strings.substr(txt, 0, max_length): bytes
    out = np.empty((), dtype=object)
    out[()] = content
    return Tensor(out)


def _paths_and_labels(file_paths, labels, label_mode, num_classes, max_length, shuffle,
                      buffer_size, seed):
    ds = Dataset.from_tensor_slices(file_paths)
    if label_mode:
        ds = Dataset.zip((ds, directory_index.labels_dataset(labels, label_mode, num_classes)))
    if shuffle:
        ds = ds.shuffle(buffer_size=buffer_size or 1024, seed=seed)
    if label_mode:
        return ds.map(lambda x, y: (_read_text(x, max_length), y), num_parallel_calls=AUTOTUNE)
    return ds.map(lambda x: _read_text(x, max_length), num_parallel_calls=AUTOTUNE)


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None,
                                shuffle=True, seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """Batches of ``(texts, labels)`` from ``directory/<class>/*.txt``, as Keras.

    Example::

        >>> train = tf.keras.utils.text_dataset_from_directory(
        ...     "aclImdb/train", batch_size=32, validation_split=0.2, subset="training",
        ...     seed=42)
        >>> train.class_names
        ['neg', 'pos']
    """
    directory_index.check_label_args(labels, label_mode, class_names, "text files",
                                     "text samples")
    if format != "tf":
        raise ValueError(f'`format` must be "tf" in featherflow (Grain datasets are not '
                         f"available). Received: format={format}")
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    directory_index.check_validation_split_arg(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    file_paths, labels, class_names = directory_index.index_directory(
        directory, labels, formats=(".txt",), class_names=class_names, shuffle=shuffle,
        seed=seed, follow_links=follow_links, verbose=verbose)
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={class_names}")
    buffer_size = batch_size * 8 if batch_size is not None else 1024
    num_classes = len(class_names) if class_names else 0

    def build(subset_name, shuffled):
        paths, subset_labels = directory_index.training_or_validation_split(
            file_paths, labels, validation_split, subset_name)
        if not paths:
            kind = {"training": "training ", "validation": "validation "}.get(
                subset_name if subset == "both" else None, "")
            raise ValueError(f"No {kind}text files found in directory {directory}. Allowed "
                             "format: .txt")
        ds = _paths_and_labels(paths, subset_labels, label_mode, num_classes, max_length,
                               shuffled, buffer_size, seed)
        if batch_size is not None:
            ds = ds.batch(batch_size)
        ds = ds.prefetch(AUTOTUNE)
        ds.class_names = class_names
        return ds

    if subset == "both":
        return [build("training", shuffle), build("validation", False)]
    return build(subset, shuffle)
