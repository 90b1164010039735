"""``keras.ops.image`` resampling ops: ``map_coordinates``, ``perspective_transform``,
``elastic_transform`` and ``scale_and_translate``, as Keras 3's TensorFlow backend computes
them.

``map_coordinates`` gathers the input at the (rounded or floored) coordinates and weights the
taps with featherflow's differentiable ops, so gradients reach both the input and (order 1)
the coordinates. ``perspective_transform`` solves Keras's 8x8 homography system and resamples
with TensorFlow's ImageProjectiveTransformV3 kernel (layers/preprocessing/affine_transform.py).
``elastic_transform`` draws its displacement field with TF's stateless normal kernel (so a
seed gives TensorFlow's field), blurs it, and samples through ``map_coordinates``.
``scale_and_translate`` is one weight matrix per spatial axis, contracted with ``tensordot``.

Example::

    >>> image = np.arange(9.0).reshape(3, 3)
    >>> tf.keras.ops.image.map_coordinates(image, [[0.5, 2.0], [1.0, 1.5]], order=1).numpy()
    array([2.5, 7.5])
"""

import functools
import itertools
import operator

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import image_data_format as _image_data_format
from featherflow.backend import stateless_random as _stateless
from featherflow.keras.ops import numpy as knp
from featherflow.ops import indexing as _indexing
from featherflow.ops import math as _m

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")
_AFFINE_FILL_MODES = ("constant", "nearest", "wrap", "reflect")
_INTERPOLATIONS = ("nearest", "bilinear")
_METHODS = {"linear": "linear", "bilinear": "linear", "trilinear": "linear",
            "triangle": "linear", "cubic": "cubic", "bicubic": "cubic", "tricubic": "cubic",
            "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


# -- map_coordinates --------------------------------------------------------------------------
def _fixed_index(index, size, fill_mode):
    """(index inside [0, size), valid mask) for one tap, Keras's rule per fill mode."""
    if fill_mode == "constant":
        return np.clip(index, 0, size - 1), (index >= 0) & (index < size)
    if fill_mode == "nearest":
        return np.clip(index, 0, size - 1), None
    if fill_mode == "wrap":
        return np.mod(index, size), None
    folded = np.mod(np.abs(index), 2 * size)
    over = folded >= size
    index = np.where(over, 2 * size - folded, folded)
    if fill_mode == "reflect":
        index = np.where(over, index - 1, index)
    if np.any(index >= size):
        # Keras's "mirror" rule lands one past the edge there; TensorFlow's gather then fails
        bad = int(np.asarray(index)[index >= size].reshape(-1)[0])
        raise ValueError(
            f"map_coordinates: fill_mode='mirror' maps a coordinate to index {bad}, outside "
            f"an axis of size {size} (Keras's TensorFlow backend fails there too); use "
            "fill_mode='reflect' or keep the coordinates within the input.")
    return index, None


def _taps(coordinate, order):
    """Per axis the (integer index, weight or None) taps of one coordinate tensor."""
    if order == 0:
        value = coordinate.data
        index = value if value.dtype.kind in "iu" else np.round(value)
        return [(index.astype(np.int64), None)]
    lower = np.floor(coordinate.data)
    upper_weight = knp.subtract(coordinate, lower.astype(coordinate.data.dtype))
    lower_weight = knp.subtract(np.asarray(1, coordinate.data.dtype), upper_weight)
    index = lower.astype(np.int64)
    return [(index, lower_weight), (index + 1, upper_weight)]


def _sample(x, axis_taps, fill_mode, fill_value, dtype):
    """Sum over every combination of taps of the weighted, gathered input."""
    outputs = []
    for items in itertools.product(*axis_taps):
        indices, masks, weights = [], [], []
        for size, (index, weight) in zip(x.data.shape, items):
            fixed, valid = _fixed_index(index, size, fill_mode)
            indices.append(fixed)
            if valid is not None:
                masks.append(valid)
            if weight is not None:
                weights.append(weight)
        gathered = _m.cast(_indexing.gather_nd(x, np.stack(indices, axis=-1)), dtype)
        if masks:
            gathered = knp.where(functools.reduce(operator.and_, masks), gathered,
                                 np.asarray(fill_value, dtype))
        if weights:
            gathered = knp.multiply(functools.reduce(knp.multiply, weights), gathered)
        outputs.append(gathered)
    return functools.reduce(knp.add, outputs)


def _finish(result, input_dtype):
    if np.dtype(input_dtype).kind in "iub":
        result = knp.round(result)
    return _m.cast(result, input_dtype)


def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    x = knp.convert(inputs)
    coords = knp.convert(coordinates)
    if coords.data.ndim < 1 or coords.data.shape[0] != x.data.ndim:
        raise ValueError(
            "First dim of `coordinates` must be the same as the rank of `inputs`. Received "
            f"inputs with shape: {x.data.shape} and coordinate leading dim of "
            f"{coords.data.shape[0] if coords.data.ndim else None}")
    if coords.data.ndim < 2:
        raise ValueError("Invalid coordinates rank: expected at least rank 2. Received input "
                         f"with shape: {coords.data.shape}")
    if fill_mode not in _FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected one of "
                         f"{set(_FILL_MODES)}. Received: fill_mode={fill_mode}")
    if order not in (0, 1):
        raise ValueError(f"map_coordinates: `order` must be 0 (nearest) or 1 (linear), as "
                         f"in Keras; received order={order!r}.")
    if order == 1 and coords.data.dtype.kind != "f":
        coords = knp.convert(coords, "float32")
    dtype = coords.data.dtype if coords.data.dtype.kind == "f" else x.data.dtype
    axis_taps = [_taps(_indexing.getitem(coords, i), order) for i in range(x.data.ndim)]
    return _finish(_sample(x, axis_taps, fill_mode, fill_value, dtype), x.data.dtype)


# -- perspective_transform --------------------------------------------------------------------
def _points(points, name):
    p = np.asarray(points.data if isinstance(points, Tensor) else points, np.float32)
    if p.ndim not in (2, 3) or p.shape[-2:] != (4, 2):
        raise ValueError(f"Invalid {name} shape: expected (4,2) for a single image or (N,4,2) "
                         f"for a batch. Received shape: {p.shape}")
    return p


def homography(start_points, end_points):
    """Keras's 8 projective coefficients per image, mapping output pixels to input ones."""
    start = start_points.reshape(-1, 4, 2)
    end = end_points.reshape(-1, 4, 2)
    n = start.shape[0]
    a = np.zeros((n, 8, 8), np.float32)
    b = np.zeros((n, 8, 1), np.float32)
    for i in range(4):
        sx, sy = start[:, i, 0], start[:, i, 1]
        ex, ey = end[:, i, 0], end[:, i, 1]
        a[:, 2 * i, 0:3] = np.stack([ex, ey, np.ones_like(ex)], -1)
        a[:, 2 * i, 6:8] = np.stack([-sx * ex, -sx * ey], -1)
        a[:, 2 * i + 1, 3:6] = np.stack([ex, ey, np.ones_like(ex)], -1)
        a[:, 2 * i + 1, 6:8] = np.stack([-sy * ex, -sy * ey], -1)
        b[:, 2 * i, 0], b[:, 2 * i + 1, 0] = sx, sy
    try:
        return np.linalg.solve(a, b).reshape(n, 8).astype(np.float32)
    except np.linalg.LinAlgError:
        raise ValueError("perspective_transform: the points give a singular homography (three "
                         "of the four points are collinear?); TensorFlow's solve fails there "
                         "too.") from None


def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None):
    from featherflow.keras.ops.image import _back, _batched, _channels_last, _unbatched
    from featherflow.layers.preprocessing.affine_transform import projective_transform

    if interpolation not in _INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{_INTERPOLATIONS}. Received: interpolation={interpolation}")
    start, end = _points(start_points, "start_points"), _points(end_points, "end_points")
    if start.shape != end.shape:
        raise ValueError("start_points and end_points must have the same shape. Received "
                         f"start_points.shape={start.shape}, end_points.shape={end.shape}")
    x, data_format = _channels_last(images, data_format)
    x, squeeze = _batched(x)
    out = projective_transform(x, homography(start, end), interpolation, "constant",
                               fill_value)
    return _back(_unbatched(out, squeeze), data_format)


# -- elastic_transform ------------------------------------------------------------------------
def _seed_pair(seed):
    from featherflow.keras.random import SeedGenerator, draw_seed

    if seed is not None and not isinstance(seed, (int, np.integer, SeedGenerator)):
        raise ValueError("Argument `seed` must be either an integer or an instance of "
                         f"`SeedGenerator`. Received: seed={seed!r}")
    return np.asarray(draw_seed(seed), np.int64)


def _blur(field, size, sigma):
    """keras.ops.image.gaussian_blur of a (batch, height, width) field ('SAME', zeros
    outside), as two 1-D passes of the normalised Gaussian whose outer product Keras uses."""
    dtype = field.dtype
    t = np.arange(size, dtype=dtype) - np.asarray((size - 1) / 2, dtype)
    kernel = np.exp(np.asarray(-0.5, dtype) * (t / sigma) ** 2)
    kernel = (kernel / kernel.sum()).astype(dtype)
    half = (size - 1) // 2
    padded = np.pad(field, ((0, 0), (half, size - 1 - half), (half, size - 1 - half)))
    rows = np.lib.stride_tricks.sliding_window_view(padded, size, axis=1) @ kernel
    return (np.lib.stride_tricks.sliding_window_view(rows, size, axis=2) @ kernel).astype(dtype)


def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None):
    if interpolation not in _INTERPOLATIONS:
        raise ValueError("Invalid value for argument `interpolation`. Expected of one "
                         f"{_INTERPOLATIONS}. Received: interpolation={interpolation}")
    if fill_mode not in _AFFINE_FILL_MODES:
        raise ValueError("Invalid value for argument `fill_mode`. Expected of one "
                         f"{_AFFINE_FILL_MODES}. Received: fill_mode={fill_mode}")
    x = knp.convert(images)
    if x.data.ndim not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch "
                         f"of images). Received input with shape: images.shape={x.data.shape}")
    dtype = x.data.dtype
    if dtype.kind != "f":
        raise TypeError(f"elastic_transform: images must be floats (TensorFlow draws the "
                        f"displacement in the images' dtype); received {dtype}. Cast with "
                        "keras.ops.cast(images, 'float32').")
    data_format = data_format or _image_data_format()
    squeeze = x.data.ndim == 3
    if squeeze:
        x = knp.expand_dims(x, 0)
    channels_last = data_format == "channels_last"
    if not channels_last:
        x = knp.transpose(x, (0, 2, 3, 1))
    batch, height, width, channels = x.data.shape
    sigma_t = np.asarray(sigma, dtype)
    size = int(6 * int(np.asarray(sigma).astype(np.int32)) | 1)
    # Keras draws dx and dy from the same seed, so both displacement fields are one field
    noise = _stateless.normal((batch, height, width), _seed_pair(seed), 0.0, 1.0, dtype)
    field = _blur(noise * sigma_t, size, sigma_t)
    gx, gy = np.meshgrid(np.arange(width, dtype=dtype), np.arange(height, dtype=dtype))
    shift = np.asarray(alpha, dtype) * field
    rows = (gy[None] + shift)[..., None] * np.ones(channels, dtype)
    cols = (gx[None] + shift)[..., None] * np.ones(channels, dtype)
    order = _INTERPOLATIONS.index(interpolation)
    b_index = np.broadcast_to(np.arange(batch)[:, None, None, None], rows.shape)
    c_index = np.broadcast_to(np.arange(channels), rows.shape)
    axis_taps = [[(b_index, None)], _taps(Tensor(rows), order), _taps(Tensor(cols), order),
                 [(c_index, None)]]
    out = _finish(_sample(x, axis_taps, fill_mode, fill_value, dtype), dtype)
    if not channels_last:
        out = knp.transpose(out, (0, 3, 1, 2))
    return knp.squeeze(out, 0) if squeeze else out


# -- scale_and_translate ----------------------------------------------------------------------
def _kernel(method, x):
    if method == "linear":
        return np.maximum(np.asarray(0, x.dtype), 1 - np.abs(x))
    if method == "cubic":
        out = ((1.5 * x - 2.5) * x) * x + 1.0
        out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
        return np.where(x >= 2.0, 0.0, out).astype(x.dtype)
    radius = 3.0 if method == "lanczos3" else 5.0
    y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(x > 1e-3, y / np.where(x != 0, np.pi ** 2 * x ** 2, 1), 1)
    return np.where(x > radius, 0.0, out).astype(x.dtype)


def _weights(input_size, output_size, scale, translation, method, antialias):
    dtype = scale.dtype
    inv_scale = np.asarray(1, dtype) / scale
    kernel_scale = np.maximum(inv_scale, np.asarray(1, dtype)) if antialias else \
        np.asarray(1, dtype)
    sample = ((np.arange(output_size, dtype=dtype) + np.asarray(0.5, dtype)) * inv_scale
              - translation * inv_scale - np.asarray(0.5, dtype))
    x = np.abs(sample[None, :] - np.arange(input_size, dtype=dtype)[:, None]) / kernel_scale
    w = _kernel(method, x.astype(dtype))
    total = w.sum(axis=0, keepdims=True, dtype=dtype)
    eps = 1000.0 * float(np.finfo(np.float32).eps)
    w = np.where(np.abs(total) > eps, w / np.where(total != 0, total, 1), 0).astype(dtype)
    inside = (sample >= -0.5) & (sample <= np.asarray(input_size, dtype) - 0.5)
    return np.where(inside[None, :], w, 0).astype(dtype)


def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True):
    if method not in _METHODS or method == "triangle":
        raise ValueError("Invalid value for argument `method`. Expected of one "
                         f"{sorted(set(_METHODS) - {'triangle'})}. Received: method={method}")
    x = knp.convert(images)
    s, t = knp.convert(scale).data, knp.convert(translation).data
    kinds = [v.dtype for v in (s, t) if v.dtype.kind == "f"]
    dtype = np.result_type(*kinds) if kinds else np.dtype(np.float32)
    s, t = s.astype(dtype).reshape(-1), t.astype(dtype).reshape(-1)
    dims = [int(d) % x.data.ndim for d in spatial_dims]
    if len(s) != len(dims) or len(t) != len(dims):
        raise ValueError(f"scale_and_translate: `scale` and `translation` need one value per "
                         f"spatial dim ({len(dims)}); received {len(s)} and {len(t)}.")
    shape = [int(v) for v in output_shape]
    if len(shape) != x.data.ndim:
        raise ValueError(f"scale_and_translate: `output_shape` must have one size per input "
                         f"axis ({x.data.ndim}); received {tuple(shape)}.")
    rounding = x.data.dtype.kind in "iub"
    out = knp.convert(x, "float32") if rounding else x
    for i, d in enumerate(dims):
        w = _weights(x.data.shape[d], shape[d], s[i], t[i], _METHODS[method], antialias)
        out = knp.moveaxis(knp.tensordot(out, w.astype(out.data.dtype), axes=([d], [0])), -1, d)
    if rounding:
        out = knp.clip(knp.round(out), np.min(x.data), np.max(x.data))
        out = _m.cast(out, x.data.dtype)
    return out


__all__ = ["elastic_transform", "map_coordinates", "perspective_transform",
           "scale_and_translate"]
