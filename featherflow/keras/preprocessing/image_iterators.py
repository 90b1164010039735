"""The batch sources of ``ImageDataGenerator``: ``Iterator``, ``NumpyArrayIterator`` and
the file-loading part shared by the directory and DataFrame iterators
(image_file_iterators.py), as in Keras 3.

Each is a ``keras.utils.PyDataset``, so ``model.fit``/``evaluate``/``predict`` take it as
they take any PyDataset (``len`` batches per epoch, ``on_epoch_end`` reshuffles), and it is
also a Python iterator that cycles forever (``next(it)``), as tutorials use it.
Batch ``i`` reseeds ``np.random`` with ``seed + batches seen so far`` when a seed is
given, which is what makes Keras's augmentations repeatable; the same happens here.
"""

import os
import threading
import warnings

import numpy as np

from featherflow import backend
from featherflow.utils import image_utils
from featherflow.utils.sequence import PyDataset


class Iterator(PyDataset):
    """Base class of the image iterators: ``n`` samples in batches of ``batch_size``,
    shuffled each epoch when ``shuffle`` (``np.random.permutation``). Subclasses write
    ``_get_batches_of_transformed_samples(index_array)``.

    Example::

        class Squares(tf.keras.preprocessing.image.Iterator):
            def __init__(self, x):
                self.x = x
                super().__init__(len(x), batch_size=4, shuffle=True, seed=0)

            def _get_batches_of_transformed_samples(self, index_array):
                return self.x[index_array] ** 2
    """

    white_list_formats = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")

    def __init__(self, n, batch_size, shuffle, seed, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def __getstate__(self):
        # the lock and the running index generator cannot be pickled (a spawned worker of
        # use_multiprocessing receives the iterator pickled); the copy starts them afresh
        state = dict(self.__dict__)
        del state["lock"], state["index_generator"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.lock = threading.Lock()
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length "
                             f"{len(self)}")
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current = 0 if self.n == 0 else (self.batch_index * self.batch_size) % self.n
            if self.n > current + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current:current + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        with self.lock:
            index_array = next(self.index_generator)
        # the images are transformed outside the lock, so threads can share an iterator
        return self._get_batches_of_transformed_samples(index_array)

    def next(self):
        """The next batch (the Python 2 name Keras tutorials still call)."""
        return self.__next__()

    def _get_batches_of_transformed_samples(self, index_array):
        raise TypeError(f"{type(self).__name__} must define "
                        "_get_batches_of_transformed_samples(index_array), returning the "
                        "batch of the samples at those indices.")


def _save_batch(batch_x, index_array, data_format, directory, prefix, file_format, hash_max):
    for i, j in enumerate(index_array):
        image = image_utils.array_to_img(batch_x[i], data_format, scale=True)
        name = f"{prefix}_{j}_{np.random.randint(hash_max)}.{file_format}"
        image.save(os.path.join(directory, name))


class NumpyArrayIterator(Iterator):
    """Augmented batches from an array of images ``x`` (rank 4), with labels ``y`` and
    ``sample_weight``; ``x`` may be ``(images, extra)`` or ``(images, [extras])`` to carry
    more inputs along unchanged. What ``ImageDataGenerator.flow`` returns.

    Example::

        it = tf.keras.preprocessing.image.NumpyArrayIterator(
            x_train, y_train, tf.keras.preprocessing.image.ImageDataGenerator(), batch_size=32)
        images, labels = it[0]
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, ignore_class_split=False,
                 dtype=None):
        data_format = backend.image_data_format() if data_format is None else data_format
        self.dtype = backend.floatx() if dtype is None else dtype
        if isinstance(x, (tuple, list)):
            extras = x[1] if isinstance(x[1], list) else [x[1]]
            x_misc = [np.asarray(extra) for extra in extras]
            x = x[0]
            for extra in x_misc:
                if len(x) != len(extra):
                    raise ValueError("All of the arrays in `x` should have the same length. "
                                     f"Found a pair with: len(x[0]) = {len(x)}, "
                                     f"len(x[?]) = {len(extra)}")
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same "
                             f"length. Found: x.shape = {np.asarray(x).shape}, "
                             f"y.shape = {np.asarray(y).shape}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same "
                             f"length. Found: x.shape = {np.asarray(x).shape}, "
                             f"sample_weight.shape = {np.asarray(sample_weight).shape}")
        if subset is not None:
            x, y, x_misc = self._split(x, y, x_misc, subset, image_data_generator,
                                       ignore_class_split)
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError(
                "Input data in `NumpyArrayIterator` should have rank 4. You passed an array "
                f"with shape {self.x.shape}; expected (samples, height, width, channels) "
                "for channels_last (add a channel axis with x[..., None] for grayscale).")
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(
                f'NumpyArrayIterator is set to use the data format convention "{data_format}" '
                f"(channels on axis {channels_axis}), i.e. expected either 1, 3, or 4 "
                f"channels on axis {channels_axis}. However, it was passed an array with "
                f"shape {self.x.shape} ({self.x.shape[channels_axis]} channels).",
                stacklevel=3)
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    @staticmethod
    def _split(x, y, x_misc, subset, generator, ignore_class_split):
        if subset not in ("training", "validation"):
            raise ValueError(f'Invalid subset name: {subset}; expected "training" or '
                             '"validation".')
        split = int(len(x) * generator._validation_split)
        if (y is not None and not ignore_class_split
                and not np.array_equal(np.unique(y[:split]), np.unique(y[split:]))):
            raise ValueError(
                "Training and validation subsets have different number of classes after the "
                "split. If your numpy arrays are sorted by the label, you might want to "
                "shuffle them (or pass ignore_class_split=True).")
        part = slice(None, split) if subset == "validation" else slice(split, None)
        x_misc = [np.asarray(extra[part]) for extra in x_misc]
        return x[part], (None if y is None else y[part]), x_misc

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            x = self.x[j]
            params = generator.get_random_transform(x.shape)
            x = generator.apply_transform(x.astype(self.dtype), params)
            batch_x[i] = generator.standardize(x)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, 1e4)
        extras = [extra[index_array] for extra in self.x_misc]
        inputs = [batch_x] + extras if extras else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


class BatchFromFilesMixin:
    """Loading, augmenting and labelling a batch of image files (shared by the directory
    and the DataFrame iterators)."""

    def set_processing_attrs(self, image_data_generator, target_size, color_mode,
                             data_format, save_to_dir, save_prefix, save_format, subset,
                             interpolation, keep_aspect_ratio):
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}
        if color_mode not in channels:
            raise ValueError(f'Invalid color mode: {color_mode}; expected "rgb", "rgba", or '
                             '"grayscale".')
        self.color_mode = color_mode
        self.data_format = data_format
        if data_format == "channels_last":
            self.image_shape = self.target_size + (channels[color_mode],)
        else:
            self.image_shape = (channels[color_mode],) + self.target_size
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is None:
            split = None
        else:
            fraction = image_data_generator._validation_split
            if subset == "validation":
                split = (0, fraction)
            elif subset == "training":
                split = (fraction, 1)
            else:
                raise ValueError(f'Invalid subset name: {subset}; expected "training" or '
                                 '"validation"')
        self.split = split
        self.subset = subset

    def _load(self, path):
        try:
            image = image_utils.load_img(
                path, color_mode=self.color_mode, target_size=self.target_size,
                interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)
        except OSError as error:
            message = (f"Could not read the image file {path!r} ({error}); remove it or "
                       "replace it with a valid image.")
            try:
                renamed = type(error)(message)
            except TypeError:
                renamed = OSError(message)
            raise renamed from error
        x = image_utils.img_to_array(image, data_format=self.data_format)
        image.close()
        return x

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        filepaths = self.filepaths
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            x = self._load(filepaths[j])
            if generator:
                params = generator.get_random_transform(x.shape)
                x = generator.apply_transform(x, params)
                x = generator.standardize(x)
            batch_x[i] = x
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir,
                        self.save_prefix, self.save_format, 1e7)
        batch_y = self._labels_of(batch_x, index_array)
        if batch_y is None:
            return batch_x
        if self.sample_weight is None:
            return batch_x, batch_y
        return batch_x, batch_y, self.sample_weight[index_array]

    def _labels_of(self, batch_x, index_array):
        mode = self.class_mode
        if mode == "input":
            return batch_x.copy()
        if mode in ("binary", "sparse"):
            return np.array([self.classes[j] for j in index_array], dtype=self.dtype)
        if mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0
            return batch_y
        if mode == "multi_output":
            return [output[index_array] for output in self.labels]
        if mode == "raw":
            return self.labels[index_array]
        return None


__all__ = ["BatchFromFilesMixin", "Iterator", "NumpyArrayIterator"]
