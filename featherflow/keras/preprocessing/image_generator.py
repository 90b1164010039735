"""``tf.keras.preprocessing.image.ImageDataGenerator``: the legacy Keras augmentation API.

Random parameters are drawn from NumPy's global ``np.random`` in Keras's order, so a
``np.random.seed`` (or ``flow(..., seed=s)``) gives the transforms Keras gives; the
resampling itself is featherflow's NumPy version of scipy's (see ``affine.py``).

Example::

    >>> gen = tf.keras.preprocessing.image.ImageDataGenerator(
    ...     rotation_range=20, width_shift_range=0.1, horizontal_flip=True, rescale=1 / 255)
    >>> model.fit(gen.flow(x_train, y_train, batch_size=32), epochs=5)
"""

import math
import warnings

import numpy as np

from featherflow import backend
from featherflow.keras.preprocessing import affine, image_file_iterators, image_iterators


def _warn(message):
    warnings.warn(message, stacklevel=3)


def _shift_draw(shift_range, size):
    """One shift in pixels: a float range is a fraction of ``size`` drawn uniformly, an
    int or a list is a choice of values with a random sign (Keras's rules)."""
    try:
        # an int or a 1-D sequence: np.random.choice picks from it; a float raises
        shift = np.random.choice(shift_range)
        shift *= np.random.choice([-1, 1])
    except ValueError:
        shift = np.random.uniform(-shift_range, shift_range)
    if np.max(shift_range) < 1:
        shift *= size
    return shift


class ImageDataGenerator:
    """Real-time image augmentation and standardisation for ``fit`` (Keras's legacy API).

    Example::

        gen = tf.keras.preprocessing.image.ImageDataGenerator(
            featurewise_center=True, featurewise_std_normalization=True,
            rotation_range=20, horizontal_flip=True, validation_split=0.2)
        gen.fit(x_train)
        model.fit(gen.flow(x_train, y_train, subset="training"),
                  validation_data=gen.flow(x_train, y_train, subset="validation"))
    """

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None,
                 shear_range=0.0, zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest",
                 cval=0.0, horizontal_flip=False, vertical_flip=False, rescale=None,
                 preprocessing_function=None, data_format=None, validation_split=0.0,
                 interpolation_order=1, dtype=None):
        data_format = backend.image_data_format() if data_format is None else data_format
        self.dtype = backend.floatx() if dtype is None else dtype
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.shear_range = shear_range
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.interpolation_order = interpolation_order
        # checked now rather than at the first batch, which may be inside fit()
        affine._check_resampling(fill_mode, interpolation_order)
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(
                '`data_format` should be `"channels_last"` (channel after row and column) or '
                '`"channels_first"` (channel before row and column). '
                f"Received: {data_format}")
        self.data_format = data_format
        if data_format == "channels_first":
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`validation_split` must be strictly between 0 and 1. "
                             f"Received: {validation_split}")
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.zca_whitening_matrix = None
        if isinstance(zoom_range, (float, int)):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif (isinstance(zoom_range, (list, tuple, np.ndarray)) and len(zoom_range) == 2
              and all(isinstance(value, (float, int, np.number)) for value in zoom_range)):
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError("`zoom_range` should be a float or a tuple or list of two "
                             f"floats. Received: {zoom_range}")
        self._resolve_overrides(featurewise_center, featurewise_std_normalization,
                                samplewise_center)
        if brightness_range is not None and (
                not isinstance(brightness_range, (tuple, list)) or len(brightness_range) != 2):
            raise ValueError("`brightness_range should be tuple or list of two floats. "
                             f"Received: {brightness_range}")
        self.brightness_range = brightness_range

    def _resolve_overrides(self, featurewise_center, featurewise_std, samplewise_center):
        if self.zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                _warn("This ImageDataGenerator specifies `zca_whitening`, which overrides "
                      "setting of `featurewise_center`.")
            if featurewise_std:
                self.featurewise_std_normalization = False
                _warn("This ImageDataGenerator specifies `zca_whitening` which overrides "
                      "setting of `featurewise_std_normalization`.")
        if self.featurewise_std_normalization and not featurewise_center:
            self.featurewise_center = True
            _warn("This ImageDataGenerator specifies `featurewise_std_normalization`, which "
                  "overrides setting of `featurewise_center`.")
        if self.samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            _warn("This ImageDataGenerator specifies `samplewise_std_normalization`, which "
                  "overrides setting of `samplewise_center`.")

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix="", save_format="png", ignore_class_split=False,
             subset=None):
        """Batches of augmented images from arrays: a ``NumpyArrayIterator``."""
        return image_iterators.NumpyArrayIterator(
            x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
            seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format,
            ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            follow_links=False, subset=None, interpolation="nearest",
                            keep_aspect_ratio=False):
        """Batches of augmented images read from one sub-folder per class: a
        ``DirectoryIterator``."""
        return image_file_iterators.DirectoryIterator(
            directory, self, target_size=target_size, color_mode=color_mode,
            keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
            data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
            save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
            follow_links=follow_links, subset=subset, interpolation=interpolation,
            dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class",
                            weight_col=None, target_size=(256, 256), color_mode="rgb",
                            classes=None, class_mode="categorical", batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix="", save_format="png",
                            subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        """Batches of augmented images named by a pandas DataFrame: a
        ``DataFrameIterator``."""
        for name, message in (
                ("has_ext", "has_ext is deprecated, filenames in the dataframe have to match "
                            "the exact filenames in disk."),
                ("sort", "sort is deprecated, batches will be created in the same order than "
                         "the filenames provided if `shuffle` is set to `False`."),
                ("drop_duplicates", "drop_duplicates is deprecated, you can drop duplicates "
                                    "by using the pandas.DataFrame.drop_duplicates method.")):
            if name in kwargs:
                warnings.warn(message, DeprecationWarning, stacklevel=2)
        unknown = sorted(set(kwargs) - {"has_ext", "sort", "drop_duplicates"})
        if unknown:
            raise TypeError(f"flow_from_dataframe() got unexpected keyword arguments {unknown}")
        if class_mode == "other":
            warnings.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.',
                          DeprecationWarning, stacklevel=2)
            class_mode = "raw"
        return image_file_iterators.DataFrameIterator(
            dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
            target_size=target_size, color_mode=color_mode, classes=classes,
            class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
            shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, subset=subset, interpolation=interpolation,
            validate_filenames=validate_filenames, dtype=self.dtype)

    def standardize(self, x):
        """Apply ``preprocessing_function``, ``rescale`` and the sample-/feature-wise
        normalisations to ``x`` (one image or a batch); modifies ``x`` in place when it can,
        as Keras does."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                self._warn_unfitted("featurewise_center")
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= self.std + 1e-6
            else:
                self._warn_unfitted("featurewise_std_normalization")
        if self.zca_whitening:
            if self.zca_whitening_matrix is not None:
                flat = x.reshape(-1, math.prod(x.shape[-3:]))
                x = np.reshape(flat @ self.zca_whitening_matrix, x.shape)
            else:
                self._warn_unfitted("zca_whitening")
        return x

    @staticmethod
    def _warn_unfitted(option):
        warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit "
                      "on any training data. Fit it first by calling `.fit(numpy_data)`.",
                      stacklevel=3)

    def get_random_transform(self, img_shape, seed=None):
        """The random parameters for one image of shape ``img_shape`` (a dict with theta,
        tx, ty, shear, zx, zy, flip_horizontal, flip_vertical, channel_shift_intensity,
        brightness), drawn from ``np.random`` in Keras's order."""
        if seed is not None:
            np.random.seed(seed)
        theta = (np.random.uniform(-self.rotation_range, self.rotation_range)
                 if self.rotation_range else 0)
        tx = (_shift_draw(self.height_shift_range, img_shape[self.row_axis - 1])
              if self.height_shift_range else 0)
        ty = (_shift_draw(self.width_shift_range, img_shape[self.col_axis - 1])
              if self.width_shift_range else 0)
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        # both flip draws happen even when the flip is off, which keeps Keras's stream
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """Apply the parameters of ``get_random_transform`` (any subset) to one image."""
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        channel_axis = self.channel_axis - 1
        params = transform_parameters
        x = affine.apply_affine_transform(
            x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0),
            params.get("shear", 0), params.get("zx", 1), params.get("zy", 1),
            row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
            fill_mode=self.fill_mode, cval=self.cval, order=self.interpolation_order)
        if params.get("channel_shift_intensity") is not None:
            x = affine.apply_channel_shift(x, params["channel_shift_intensity"], channel_axis)
        if params.get("flip_horizontal", False):
            x = affine.flip_axis(x, col_axis)
        if params.get("flip_vertical", False):
            x = affine.flip_axis(x, row_axis)
        if params.get("brightness") is not None:
            x = affine.apply_brightness_shift(x, params["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        """One image with a fresh random transform applied."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the feature-wise mean, std and ZCA matrix from a rank-4 sample of images
        (``augment=True`` first adds ``rounds`` randomly transformed copies)."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: "
                             f"{x.shape} (expected (samples, height, width, channels) for "
                             f"data_format={self.data_format!r}).")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(
                "Expected input to be images (as Numpy array) following the data format "
                f'convention "{self.data_format}" (channels on axis {self.channel_axis}), '
                f"i.e. expected either 1, 3 or 4 channels on axis {self.channel_axis}. "
                f"However, it was passed an array with shape {x.shape} "
                f"({x.shape[self.channel_axis]} channels).", stacklevel=2)
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.random_transform(x[i])
            x = augmented
        stats_shape = [1, 1, 1]
        stats_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), stats_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), stats_shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            count = len(x)
            flat = np.reshape(x, (count, -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            s_inv = np.sqrt(count) / (s + self.zca_epsilon)
            self.zca_whitening_matrix = (u * s_inv).dot(u.T)


__all__ = ["ImageDataGenerator"]
