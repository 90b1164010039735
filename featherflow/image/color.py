"""Colour ``tf.image`` ops: dtype conversion, brightness, contrast, gamma, saturation, hue,
grayscale, HSV, and per-image standardization, with TF's dtype rules.

As in TF, an integer image is converted to float32 in [0, 1] (``convert_image_dtype``), adjusted,
and converted back saturating; float16/float32 images are adjusted in place. Brightness,
contrast, gamma, grayscale, dtype conversion and standardization are built from featherflow's
differentiable ops; saturation, hue and the HSV conversions are NumPy kernels with no gradient,
like TF's. The stateless random versions draw TF's factor for their ``seed`` pair; the
stateful ones draw it as TF's ``random_uniform`` does (TF's value for the same global and op
seeds).

Example::

    >>> import featherflow as tf
    >>> tf.image.adjust_brightness(tf.zeros([1, 1, 3]), 0.5).numpy().ravel()
    array([0.5, 0.5, 0.5], dtype=float32)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.image import stateless_random
from featherflow.ops import math, reshape

_GRAY_WEIGHTS = np.array([0.2989, 0.5870, 0.1140], np.float32)


def _tensor(image):
    return image if isinstance(image, Tensor) else Tensor(as_array(image))


def _dtype(dtype):
    return np.dtype(getattr(dtype, "name", None) or dtype)


def _limits(dtype):
    return np.iinfo(dtype) if dtype.kind in "iu" else np.finfo(dtype)


def _saturate_cast(x, dtype):
    """Clip into ``dtype``'s range, then cast (``tf.dtypes.saturate_cast``)."""
    source = x.data.dtype
    if dtype.kind in "iu" and source.kind in "iuf":
        low, high = np.iinfo(dtype).min, np.iinfo(dtype).max
        if source.kind == "f":
            # the largest value of the float type that does not exceed the integer maximum
            high = source.type(high)
            if int(high) > np.iinfo(dtype).max:
                high = np.nextafter(high, source.type(0))
        elif source.kind in "iu":
            low, high = max(low, np.iinfo(source).min), min(high, np.iinfo(source).max)
        x = math.clip_by_value(x, source.type(low), source.type(high))
    return math.cast(x, dtype)


def convert_image_dtype(image, dtype, saturate=False, name=None):
    """Convert between dtypes scaling to the range each implies: [0, 1] for floats, [0, MAX]
    for integers (``tf.image.convert_image_dtype``)."""
    x = _tensor(image)
    target = _dtype(dtype)
    source = x.data.dtype
    if target.kind not in "iuf":
        raise AttributeError("dtype must be either floating point or integer; received "
                             f"{target.name}.")
    if source.kind not in "iuf":
        raise AttributeError("image dtype must be either floating point or integer; received "
                             f"{source.name}.")
    if target == source:
        return reshape.identity_view(x)
    if source.kind in "iu" and target.kind in "iu":
        scale_in, scale_out = int(np.iinfo(source).max), int(np.iinfo(target).max)
        if scale_in > scale_out:
            scaled = Tensor(x.data // source.type((scale_in + 1) // (scale_out + 1)))
            return _saturate_cast(scaled, target) if saturate else math.cast(scaled, target)
        cast = _saturate_cast(x, target) if saturate else math.cast(x, target)
        return Tensor(cast.data * target.type((scale_out + 1) // (scale_in + 1)))
    if source.kind == "f" and target.kind == "f":
        return math.cast(x, target)
    if source.kind in "iu":
        return math.multiply(math.cast(x, target), target.type(1.0 / np.iinfo(source).max))
    scaled = math.multiply(x, source.type(np.iinfo(target).max + 0.5))
    return _saturate_cast(scaled, target) if saturate else math.cast(scaled, target)


def _as_float(image):
    """The float image TF's adjust ops work on, and the dtype to convert back to."""
    x = _tensor(image)
    if x.data.dtype in (np.float16, np.float32):
        return x, x.data.dtype
    return convert_image_dtype(x, np.float32), x.data.dtype


def adjust_brightness(image, delta):
    """Add ``delta`` to every channel (in [0, 1] units for integer images)."""
    x, dtype = _as_float(image)
    delta = delta.data if isinstance(delta, Tensor) else delta
    return convert_image_dtype(math.add(x, np.asarray(delta, x.data.dtype)), dtype,
                               saturate=True)


def adjust_contrast(images, contrast_factor):
    """``(x - mean) * contrast_factor + mean`` with the mean of each channel of each image."""
    x, dtype = _as_float(images)
    if x.data.ndim < 3:
        raise ValueError(f"tf.image.adjust_contrast: 'images' must be at least 3-D "
                         f"[height, width, channels]; received shape {list(x.data.shape)}.")
    factor = np.asarray(contrast_factor.data if isinstance(contrast_factor, Tensor)
                        else contrast_factor, x.data.dtype)
    mean = math.reduce_mean(x, axis=[-3, -2], keepdims=True)
    adjusted = math.add(math.multiply(math.subtract(x, mean), factor), mean)
    return convert_image_dtype(adjusted, dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * image ** gamma`` (in [0, 1] units for integer images)."""
    if np.any(np.asarray(gamma) < 0):
        raise ValueError(f"Gamma should be a non-negative real number; received {gamma}.")
    x, dtype = _as_float(image)
    adjusted = math.multiply(math.pow(x, np.asarray(gamma, x.data.dtype)),
                             np.asarray(gain, x.data.dtype))
    return convert_image_dtype(adjusted, dtype, saturate=True)


def rgb_to_grayscale(images, name=None):
    """One channel of ``0.2989 R + 0.5870 G + 0.1140 B`` (TF's weights), in the input dtype."""
    x = _tensor(images)
    gray = math.reduce_sum(math.multiply(convert_image_dtype(x, np.float32), _GRAY_WEIGHTS),
                           axis=-1, keepdims=True)
    return convert_image_dtype(gray, x.data.dtype)


def grayscale_to_rgb(images, name=None):
    """Repeat the single channel three times."""
    x = _tensor(images)
    if x.data.ndim < 2 or x.data.shape[-1] != 1:
        raise ValueError(f"tf.image.grayscale_to_rgb: the last dimension must be size 1; "
                         f"received shape {list(x.data.shape)}.")
    return math.multiply(x, np.ones(3, x.data.dtype)) if x.data.dtype.kind == "f" \
        else Tensor(np.repeat(x.data, 3, axis=-1))


def _hsv_from_rgb(rgb):
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = rgb.max(axis=-1)
    spread = value - rgb.min(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        saturation = np.where(value > 0, spread / value, 0).astype(rgb.dtype)
        norm = 1 / (6 * spread)
        hue = np.where(red == value, norm * (green - blue),
                       np.where(green == value, norm * (blue - red) + rgb.dtype.type(2 / 6),
                                norm * (red - green) + rgb.dtype.type(4 / 6)))
    hue = np.where(spread > 0, hue, 0).astype(rgb.dtype)
    hue = np.where(hue < 0, hue + 1, hue)
    return np.stack([hue, saturation, value], axis=-1)


def _rgb_from_hsv(hsv):
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    chroma = saturation * value
    low = value - chroma
    sector = hue * 6
    category = np.trunc(sector)
    mixed = chroma * (1 - np.abs(np.mod(sector, 2) - 1))
    zero = np.zeros_like(chroma)
    table = {0: (chroma, mixed, zero), 1: (mixed, chroma, zero), 2: (zero, chroma, mixed),
             3: (zero, mixed, chroma), 4: (mixed, zero, chroma), 5: (chroma, zero, mixed)}
    channels = [np.select([category == k for k in table], [table[k][c] for k in table], 0)
                for c in range(3)]
    return (np.stack(channels, axis=-1) + low[..., None]).astype(hsv.dtype)


def _float_data(images, op_name):
    x = _tensor(images)
    if x.data.dtype.kind != "f":
        raise InvalidArgumentError(f"{op_name}: expected a float image (use "
                        f"tf.image.convert_image_dtype first); received {x.data.dtype.name}.")
    if x.data.shape[-1:] != (3,):
        raise ValueError(f"{op_name}: the last dimension must be 3 (RGB); received shape "
                         f"{list(x.data.shape)}.")
    return x.data


def rgb_to_hsv(images, name=None):
    """Hue, saturation and value in [0, 1] of a float RGB image (no gradient, as in TF)."""
    return Tensor(_hsv_from_rgb(_float_data(images, "tf.image.rgb_to_hsv")))


def hsv_to_rgb(images, name=None):
    """The RGB image of float HSV values (no gradient, as in TF)."""
    return Tensor(_rgb_from_hsv(_float_data(images, "tf.image.hsv_to_rgb")))


def _adjust_hsv(image, op_name, change):
    x, dtype = _as_float(image)
    if x.data.shape[-1:] != (3,):
        raise ValueError(f"{op_name}: the last dimension must be 3 (RGB); received shape "
                         f"{list(x.data.shape)}.")
    # TF's kernels compute in float32 whatever the float type
    hsv = _hsv_from_rgb(x.data.astype(np.float32))
    change(hsv)
    out = Tensor(_rgb_from_hsv(hsv).astype(x.data.dtype))
    return convert_image_dtype(out, dtype, saturate=True)


def adjust_saturation(image, saturation_factor, name=None):
    """Scale the HSV saturation by ``saturation_factor``, clipped to [0, 1]."""
    factor = np.float32(np.asarray(saturation_factor.data if isinstance(
        saturation_factor, Tensor) else saturation_factor))

    def change(hsv):
        hsv[..., 1] = np.clip(hsv[..., 1] * factor, 0, 1)
    return _adjust_hsv(image, "tf.image.adjust_saturation", change)


def adjust_hue(image, delta, name=None):
    """Rotate the hue by ``delta`` (a fraction of the colour circle, in [-1, 1])."""
    delta = np.float32(np.asarray(delta.data if isinstance(delta, Tensor) else delta))
    if not -1 <= delta <= 1:
        raise ValueError(f"tf.image.adjust_hue: delta must be in the interval [-1, 1]; "
                         f"received {delta}.")

    def change(hsv):
        hue = hsv[..., 0] + delta
        hsv[..., 0] = hue - np.floor(hue)
    return _adjust_hsv(image, "tf.image.adjust_hue", change)


def per_image_standardization(image):
    """``(x - mean) / max(stddev, 1 / sqrt(N))`` per image over its N values, in float32."""
    x = math.cast(_tensor(image), np.float32)
    if x.data.ndim < 3:
        raise ValueError("tf.image.per_image_standardization: 'image' must be at least 3-D; "
                         f"received shape {list(x.data.shape)}.")
    count = int(np.prod(x.data.shape[-3:]))
    mean = math.reduce_mean(x, axis=[-3, -2, -1], keepdims=True)
    stddev = math.reduce_std(x, axis=[-3, -2, -1], keepdims=True)
    adjusted = math.maximum(stddev, np.float32(1 / np.sqrt(np.float32(count))))
    return math.divide(math.subtract(x, mean), adjusted)


def _check_range(lower, upper):
    if upper <= lower:
        raise ValueError(f"upper must be > lower; received lower={lower}, upper={upper}.")
    if lower < 0:
        raise ValueError(f"lower must be non-negative; received lower={lower}.")


def _stateless(seed, op_name):
    """``uniform(low, high)`` giving TF's value for the ``seed`` pair."""
    return lambda low, high: stateless_random.uniform_floats(seed, 1, low, high, op_name)[0]


def _stateful(seed):
    """``uniform(low, high)`` as TF's ``random_uniform([], low, high, seed=seed)``: the
    global and op seeds give TF's value (featherflow/api/random.py)."""
    from featherflow.api import random as tf_random

    return lambda low, high: tf_random.uniform([], low, high, np.float32, seed).numpy()


def _brightness(image, max_delta, uniform):
    if max_delta < 0:
        raise ValueError(f"max_delta must be non-negative; received {max_delta}.")
    return adjust_brightness(image, uniform(-max_delta, max_delta))


def _contrast(image, lower, upper, uniform):
    _check_range(lower, upper)
    return adjust_contrast(image, uniform(lower, upper))


def _saturation(image, lower, upper, uniform):
    _check_range(lower, upper)
    return adjust_saturation(image, uniform(lower, upper))


def _hue(image, max_delta, uniform):
    if not 0 <= max_delta <= 0.5:
        raise ValueError(f"max_delta must be in [0, 0.5]; received {max_delta}.")
    return adjust_hue(image, uniform(-max_delta, max_delta))


def random_brightness(image, max_delta, seed=None):
    """:func:`adjust_brightness` by a delta drawn from ``[-max_delta, max_delta)``."""
    return _brightness(image, max_delta, _stateful(seed))


def random_contrast(image, lower, upper, seed=None):
    """:func:`adjust_contrast` by a factor drawn from ``[lower, upper)``."""
    return _contrast(image, lower, upper, _stateful(seed))


def random_saturation(image, lower, upper, seed=None):
    """:func:`adjust_saturation` by a factor drawn from ``[lower, upper)``."""
    return _saturation(image, lower, upper, _stateful(seed))


def random_hue(image, max_delta, seed=None):
    """:func:`adjust_hue` by a delta drawn from ``[-max_delta, max_delta)``."""
    return _hue(image, max_delta, _stateful(seed))


def stateless_random_brightness(image, max_delta, seed):
    """:func:`random_brightness` with TF's delta for the ``seed`` pair."""
    return _brightness(image, max_delta, _stateless(seed, "tf.image.stateless_random_brightness"))


def stateless_random_contrast(image, lower, upper, seed):
    """:func:`random_contrast` with TF's factor for the ``seed`` pair."""
    return _contrast(image, lower, upper, _stateless(seed, "tf.image.stateless_random_contrast"))


def stateless_random_saturation(image, lower, upper, seed):
    """:func:`random_saturation` with TF's factor for the ``seed`` pair."""
    op_name = "tf.image.stateless_random_saturation"
    return _saturation(image, lower, upper, _stateless(seed, op_name))


def stateless_random_hue(image, max_delta, seed):
    """:func:`random_hue` with TF's delta for the ``seed`` pair."""
    return _hue(image, max_delta, _stateless(seed, "tf.image.stateless_random_hue"))


__all__ = ["adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue",
           "adjust_saturation", "convert_image_dtype", "grayscale_to_rgb", "hsv_to_rgb",
           "per_image_standardization", "random_brightness", "random_contrast", "random_hue",
           "random_saturation", "rgb_to_grayscale", "rgb_to_hsv", "stateless_random_brightness",
           "stateless_random_contrast", "stateless_random_hue", "stateless_random_saturation"]
