"""``Normalization``: ``(x - mean) / sqrt(variance)`` with statistics from ``adapt()`` or given.

The statistics are Keras 3's: an array (or a Tensor) is reduced in one pass (``np.mean`` /
``np.var``); a Dataset, or a list of arrays, is read batch by batch and combined with Keras's
running update (weights ``n_batch / n_total``), in float32, so the same data gives the same
mean and variance as Keras. The adapted state lives in the weights ``mean``, ``variance`` and
``count`` (Keras 3's names and order), so a ``.keras`` or ``.weights.h5`` file carries it.
"""

import collections.abc
import math as python_math

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.layers.layer import Layer
from featherflow.layers.preprocessing.adapt import adapt_batches, not_adapted_error
from featherflow.ops import math


def _axis_tuple(axis):
    if axis is None:
        return ()
    if isinstance(axis, (int, np.integer)):
        return (int(axis),)
    return tuple(int(a) for a in axis)


def _is_batch_list(data):
    """A list of arrays/Tensors, or a generator, is a sequence of batches (Keras iterates
    it; a generator's ``(x, y)`` pairs give their ``x``)."""
    if isinstance(data, collections.abc.Iterator):
        return True
    return isinstance(data, (list, tuple)) and len(data) > 0 and all(
        isinstance(item, (np.ndarray, Tensor)) for item in data)


def _features(item):
    return item[0] if isinstance(item, tuple) else item


class Normalization(Layer):
    """Shift and scale inputs to mean 0 and variance 1 per index of ``axis``.

    Example::

        layer = tf.keras.layers.Normalization(axis=-1)
        layer.adapt(np.array([[0., 7.], [2., 9.]]))
        layer(np.array([[0., 7.]]))    # [[-1., -1.]]
    """

    supports_masking = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_tuple(axis)
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.mean = None
        self.variance = None
        self._adapted = False
        where = f"Normalization layer {self.name!r}"
        if (mean is not None) != (variance is not None):
            raise ValueError(
                f"{where}: when setting values directly, both `mean` and `variance` must be "
                f"set. Received: mean={mean} and variance={variance}. Pass both, or neither "
                "and call adapt(data).")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    f"{where}: `mean` and `variance` must have the same shape. Received: mean "
                    f"shape {np.shape(mean)} and variance shape {np.shape(variance)}.")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    f"{where}: the rank of `mean` must be less than or equal to the number of "
                    f"axes ({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}.")

    # -- build ------------------------------------------------------------------------------
    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        where = f"Normalization layer {self.name!r}"
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f"{where}: all `axis` values must be in the range [-ndim, ndim). Received "
                f"inputs with ndim={ndim} (shape {input_shape}), while axis={self.axis}. Use "
                "an axis of the input, or axis=None for one mean and variance.")
        keep = tuple(sorted(a % ndim for a in self.axis))
        for d in keep:
            if input_shape[d] is None:
                raise ValueError(
                    f"{where}: all `axis` values to be kept must have a known shape. Received "
                    f"axis={self.axis}, inputs.shape={input_shape}, with unknown axis at index "
                    f"{d}.")
        self._keep_axis = keep
        self._reduce_axis = tuple(d for d in range(ndim) if d not in keep)
        self._broadcast_shape = tuple(input_shape[d] if d in keep else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(input_shape[d] for d in keep)
        self._build_input_shape = input_shape
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance",
                                                  shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
        else:
            self.mean, self.variance = (
                self._expand(value, ndim) for value in (self.input_mean, self.input_variance))
        self.built = True

    def _expand(self, value, ndim):
        """A given mean/variance broadcast to the kept axes (its last axes match theirs)."""
        array = np.asarray(value, dtype=np.float64)
        if array.ndim:
            shape = [1] * ndim
            for i in range(1, array.ndim + 1):
                shape[self._keep_axis[-i]] = array.shape[-i]
            array = array.reshape(shape)
        try:
            return np.broadcast_to(array, self._broadcast_shape).astype(self.dtype)
        except ValueError:
            raise ValueError(
                f"Normalization layer {self.name!r}: `mean`/`variance` of shape "
                f"{np.shape(value)} cannot be broadcast to the kept axes "
                f"{self._mean_and_var_shape} of inputs of shape {self._build_input_shape}."
            ) from None

    def get_build_config(self):
        if getattr(self, "_build_input_shape", None):
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config):
        if config and not self.built:
            self.build(tuple(config["input_shape"]))

    # -- adapt ------------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Compute the mean and variance of ``data`` (an array, a Tensor, a list of batches
        or a Dataset of batches) per index of ``axis``."""
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization layer {self.name!r} was given `mean` and `variance`; it has no "
                "state to adapt. Create it without them to learn them from data.")
        if _is_batch_list(data):
            batches = (b for item in data for b in adapt_batches(_features(item), self))
            whole = None
        elif self._is_dataset(data):
            if isinstance(data.element_spec, tuple):
                # (x, y) or (x, y, sample_weight) elements: Keras adapts on x
                data = data.map(lambda features, *rest: features)
            data = self._batched_dataset(data)
            shape = getattr(data.element_spec, "shape", None)
            if shape is not None:
                self._check_adapt_shape(tuple(shape))
            batches = adapt_batches(data, self, steps=steps)
            whole = None
        else:
            batches = adapt_batches(data, self, batch_size=batch_size, steps=steps)
            whole = None if (batch_size is not None or steps is not None) else next(batches)
        if whole is not None:
            self._check_adapt_shape(whole.shape)
            total_mean = np.mean(whole, axis=self._reduce_axis)
            total_var = np.var(whole, axis=self._reduce_axis)
        else:
            total_mean, total_var = self._running_statistics(batches)
        self.adapt_mean.assign(np.asarray(total_mean).astype(self.dtype))
        self.adapt_variance.assign(np.asarray(total_var).astype(self.dtype))
        self._adapted = True
        self.finalize_state()

    @staticmethod
    def _is_dataset(data):
        from featherflow.data.dataset import Dataset  # data sits above layers

        return isinstance(data, Dataset)

    def _batched_dataset(self, data):
        shape = getattr(data.element_spec, "shape", None)
        if shape is not None and len(shape) == 1:
            # Keras batches a Dataset of rank-1 elements by 128 before reading it
            return data.batch(128)
        return data

    def _check_adapt_shape(self, shape):
        shape = tuple(shape)
        if not self.built:
            # as Keras, the first data seen gives the build shape
            self.build(shape)
            return
        for d in self._keep_axis:
            if d >= len(shape) or (shape[d] is not None
                                   and shape[d] != self._build_input_shape[d]):
                raise ValueError(
                    f"Normalization layer {self.name!r} was built with input_shape="
                    f"{self._build_input_shape}, but adapt() is being called with data of an "
                    f"incompatible shape, data.shape={shape}.")

    def _running_statistics(self, batches):
        dtype = np.dtype(self.dtype)
        total_mean = total_var = None
        total_count = 0
        for batch in batches:
            batch = np.asarray(batch).astype(dtype, copy=False)
            self._check_adapt_shape(batch.shape)
            if total_mean is None:
                total_mean = np.zeros(self._mean_and_var_shape, dtype)
                total_var = np.zeros(self._mean_and_var_shape, dtype)
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            count = python_math.prod(batch.shape[d] for d in self._reduce_axis) \
                if self._reduce_axis else 1
            total_count += count
            batch_weight = dtype.type(float(count) / total_count)
            existing_weight = dtype.type(1.0) - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * existing_weight
                         + (batch_var + (batch_mean - new_mean) ** 2) * batch_weight)
            total_mean = new_mean
        if total_mean is None:
            raise ValueError(f"Normalization layer {self.name!r}: adapt() received no batches "
                             "(an empty list or generator). Pass at least one batch, e.g. "
                             "layer.adapt([x]).")
        return total_mean, total_var

    def finalize_state(self):
        """Reshape the adapted weights for broadcasting (Keras calls this after adapt and
        after loading; featherflow reads the weights at every call, so loading needs no
        step of its own)."""
        if self.input_mean is not None or not self.built:
            return
        self.mean = self.adapt_mean.numpy().reshape(self._broadcast_shape)
        self.variance = self.adapt_variance.numpy().reshape(self._broadcast_shape)

    def set_weights(self, weights):
        super().set_weights(weights)
        self._adapted = True

    # -- call -------------------------------------------------------------------------------
    def _statistics(self):
        if self.input_mean is not None:
            return self.mean, self.variance
        mean = self.adapt_mean.data.reshape(self._broadcast_shape)
        variance = self.adapt_variance.data.reshape(self._broadcast_shape)
        if not self._adapted:
            # weights still at their initial zeros and ones: never adapted, set or loaded (a
            # file may hold exactly those values: Keras-saved EfficientNet(weights=None))
            from featherflow.autodiff.variable import was_loaded

            if not (np.all(mean == 0) and np.all(variance == 1)) or was_loaded(
                    self.adapt_mean):
                self._adapted = True
            else:
                raise not_adapted_error(self, "`mean` and `variance`")
        return mean, variance

    def call(self, inputs):
        mean, variance = self._statistics()
        dtype = inputs.data.dtype
        mean = mean.astype(dtype, copy=False)
        scale = np.maximum(np.sqrt(variance.astype(dtype, copy=False)),
                           dtype.type(config.epsilon()))
        if self.invert:
            return math.add(math.multiply(inputs, scale), mean)
        return math.divide(math.subtract(inputs, mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config_dict = super().get_config()
        config_dict.update({
            "axis": list(self.axis),
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config_dict

    @classmethod
    def from_config(cls, config_dict):
        config_dict = dict(config_dict)
        axis = config_dict.get("axis", -1)
        if isinstance(axis, list):
            config_dict["axis"] = tuple(axis)
        return cls(**config_dict)


__all__ = ["Normalization"]
