"""``DirectoryIterator`` (one sub-folder per class) and ``DataFrameIterator`` (files named
by a pandas DataFrame): what ``flow_from_directory`` and ``flow_from_dataframe`` return.

Files are listed folder by folder and name by name in sorted order, so ``filenames``,
``classes`` and every batch come out in Keras's order.
"""

import os
import warnings

import numpy as np

from featherflow import backend
from featherflow.keras.preprocessing.image_iterators import BatchFromFilesMixin, Iterator


def _valid_files(directory, formats, follow_links):
    """(folder, file name) of the images under ``directory``, folders and names sorted."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links),
                                 key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause '
                              "distortion. Please verify your output.", stacklevel=4)
            if name.lower().endswith(formats):
                yield root, name


def _class_files(directory, formats, split, class_index, follow_links):
    """The labels and the paths relative to the class folder's parent of one class."""
    class_name = os.path.basename(directory)
    files = list(_valid_files(directory, formats, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    names = [os.path.join(class_name, os.path.relpath(os.path.join(root, name), directory))
             for root, name in files]
    return [class_index] * len(names), names


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Augmented batches of the images in ``directory/<class name>/...`` (classes sorted
    by name unless ``classes`` lists them). What ``flow_from_directory`` returns.

    Example::

        it = tf.keras.preprocessing.image.DirectoryIterator(
            "photos/", tf.keras.preprocessing.image.ImageDataGenerator(rescale=1 / 255),
            target_size=(64, 64), class_mode="sparse")
        it.class_indices, it.filenames[:2], it.classes[:2]
    """

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode="rgb", classes=None, class_mode="categorical", batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix="",
                 save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        data_format = backend.image_data_format() if data_format is None else data_format
        self.dtype = backend.floatx() if dtype is None else dtype
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset,
                                  interpolation, keep_aspect_ratio)
        self.directory = directory
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        self.class_mode = class_mode
        if not os.path.isdir(directory):
            raise FileNotFoundError(
                f"flow_from_directory: directory {directory!r} does not exist or is not a "
                "folder; expected a folder with one sub-folder of images per class.")
        if not classes:
            classes = [name for name in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, name))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        labels, self.filenames = [], []
        for name in classes:
            class_labels, names = _class_files(os.path.join(directory, name),
                                               self.white_list_formats, self.split,
                                               self.class_indices[name], follow_links)
            labels += class_labels
            self.filenames += names
        self.samples = len(self.filenames)
        self.classes = np.array(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None


def _pandas(dataframe):
    try:
        # optional dependency, needed only by flow_from_dataframe
        import pandas
    except ImportError as error:
        raise ImportError("flow_from_dataframe needs pandas: pip install pandas") from error
    if not isinstance(dataframe, pandas.DataFrame):
        raise TypeError("flow_from_dataframe expects a pandas.DataFrame with one row per "
                        f"image; received {type(dataframe).__name__}.")


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    """Augmented batches of the image files named in a pandas DataFrame's ``x_col``
    (relative to ``directory`` if given), labelled by ``y_col``. What
    ``flow_from_dataframe`` returns.

    Example::

        frame = pandas.DataFrame({"filename": ["a.png", "b.png"], "class": ["cat", "dog"]})
        it = tf.keras.preprocessing.image.ImageDataGenerator().flow_from_dataframe(
            frame, directory="photos/", target_size=(64, 64))
    """

    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse",
                           None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename",
                 y_col="class", weight_col=None, target_size=(256, 256), color_mode="rgb",
                 classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                 seed=None, data_format="channels_last", save_to_dir=None, save_prefix="",
                 save_format="png", subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype="float32", validate_filenames=True):
        _pandas(dataframe)
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format,
                                  save_to_dir, save_prefix, save_format, subset,
                                  interpolation, keep_aspect_ratio)
        df = dataframe.copy()
        self.directory = directory or ""
        self.class_mode = class_mode
        self.dtype = dtype
        self._check_params(df, x_col, y_col, weight_col, classes)
        if validate_filenames:
            df = self._filter_valid_filepaths(df, x_col)
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            df, classes = self._filter_classes(df, y_col, classes)
            self.class_indices = dict(zip(classes, range(len(classes))))
        if self.split:
            count = len(df)
            df = df.iloc[int(self.split[0] * count):int(self.split[1] * count), :]
        if labelled:
            self.classes = self.get_classes(df, y_col)
        self.filenames = df[x_col].tolist()
        self._sample_weight = df[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(df[col].tolist()) for col in y_col]
        if class_mode == "raw":
            self._targets = df[y_col].values
        self.samples = len(self.filenames)
        validated = "validated" if validate_filenames else "non-validated"
        if labelled:
            print(f"Found {self.samples} {validated} image filenames belonging to "
                  f"{len(classes)} classes.")
        else:
            print(f"Found {self.samples} {validated} image filenames.")
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check_params(self, df, x_col, y_col, weight_col, classes):
        if self.class_mode not in self.allowed_class_modes:
            raise ValueError(f"Invalid class_mode: {self.class_mode}; expected one of: "
                             f"{self.allowed_class_modes}")
        if self.class_mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="{self.class_mode}", y_col must be a list. '
                            f"Received {type(y_col).__name__}.")
        for column in [x_col] + (y_col if isinstance(y_col, list) else [y_col]) + (
                [weight_col] if weight_col else []):
            if self.class_mode is None and column == y_col:
                continue
            if self.class_mode == "input" and column == y_col:
                continue
            if column not in df.columns:
                raise KeyError(f"flow_from_dataframe: column {column!r} is not in the "
                               f"DataFrame (its columns: {list(df.columns)}).")
        if not all(df[x_col].apply(lambda value: isinstance(value, str))):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if self.class_mode in ("binary", "sparse"):
            if not all(df[y_col].apply(lambda value: isinstance(value, str))):
                raise TypeError(f'If class_mode="{self.class_mode}", y_col="{y_col}" column '
                                "values must be strings.")
        if self.class_mode == "binary":
            if classes:
                if len(set(classes)) != 2:
                    raise ValueError('If class_mode="binary" there must be 2 classes. '
                                     f"{len(set(classes))} class/es were given.")
            elif df[y_col].nunique() != 2:
                raise ValueError('If class_mode="binary" there must be 2 classes. '
                                 f"Found {df[y_col].nunique()} classes.")
        if self.class_mode == "categorical":
            if not all(df[y_col].apply(lambda value: isinstance(value, (str, list, tuple)))):
                raise TypeError(f'If class_mode="{self.class_mode}", y_col="{y_col}" column '
                                "values must be type string, list or tuple.")
        if classes and self.class_mode in ("input", "multi_output", "raw", None):
            warnings.warn(f'`classes` will be ignored given the class_mode="{self.class_mode}"',
                          stacklevel=4)
        if weight_col and not issubclass(df[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    def get_classes(self, df, y_col):
        labels = []
        for label in df[y_col]:
            if isinstance(label, (list, tuple)):
                labels.append([self.class_indices[name] for name in label])
            else:
                labels.append(self.class_indices[label])
        return labels

    @staticmethod
    def _filter_classes(df, y_col, classes):
        df = df.copy()

        def keep_known(labels, known):
            if isinstance(labels, (list, tuple)):
                return [name for name in labels if name in known] or None
            if isinstance(labels, str):
                return labels if labels in known else None
            raise TypeError(f"Expect string, list or tuple but found {type(labels)} in "
                            f"{y_col} column ")

        if classes:
            classes = list(dict.fromkeys(classes))
            df[y_col] = df[y_col].apply(lambda labels: keep_known(labels, classes))
        else:
            found = set()
            for value in df[y_col]:
                if isinstance(value, (list, tuple)):
                    found.update(value)
                else:
                    found.add(value)
            classes = sorted(found)
        return df.dropna(subset=[y_col]), classes

    def _filter_valid_filepaths(self, df, x_col):
        paths = df[x_col].map(lambda name: os.path.join(self.directory, name))
        mask = paths.apply(lambda path: path.lower().endswith(self.white_list_formats)
                           and os.path.isfile(path))
        invalid = int((~mask).sum())
        if invalid:
            warnings.warn(f'Found {invalid} invalid image filename(s) in x_col="{x_col}". '
                          "These filename(s) will be ignored.", stacklevel=4)
        return df[mask]

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        if self.class_mode in ("multi_output", "raw"):
            return self._targets
        return self.classes

    @property
    def sample_weight(self):
        return self._sample_weight


__all__ = ["DataFrameIterator", "DirectoryIterator"]
