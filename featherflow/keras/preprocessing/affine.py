"""The legacy ``tf.keras.preprocessing.image`` transform functions (``apply_affine_transform``,
``random_rotation`` ...), with the affine resampling done in NumPy.

Keras hands every channel to ``scipy.ndimage.affine_transform``; this module computes the
same thing for every spline order (0: nearest, 1: bilinear, the default, up to 5; orders
2-5 prefilter the image into spline coefficients first, see spline.py), vectorised over
all pixels and channels at once. The sampling coordinates, the boundary rules of each
``fill_mode`` and the interpolation weights follow scipy's arithmetic step by step (in
float64, cast back to the input's dtype), so results agree with Keras to the last bit for
orders 0 and 1 and to float64 rounding for the prefiltered orders.

Example::

    >>> image = np.random.rand(32, 32, 3).astype("float32")
    >>> turned = tf.keras.preprocessing.image.apply_affine_transform(
    ...     image, theta=30, row_axis=0, col_axis=1, channel_axis=2, fill_mode="reflect")
"""

import numpy as np

from featherflow.keras.preprocessing import spline

FILL_MODES = ("constant", "nearest", "reflect", "wrap")
ORDERS = (0, 1, 2, 3, 4, 5)


def _check_axes(x, row_axis, col_axis, channel_axis):
    axes = {row_axis, col_axis, channel_axis}
    if len(axes) != 3:
        raise ValueError(
            "'row_axis', 'col_axis', and 'channel_axis' must be distinct; received "
            f"row_axis={row_axis}, col_axis={col_axis}, channel_axis={channel_axis}.")
    if axes != {0, 1, 2}:
        raise ValueError(f"Invalid axis' indices: {axes - {0, 1, 2}}; the axes of a single "
                         "image are 0, 1 and 2.")
    if np.ndim(x) != 3:
        raise ValueError(
            "Input arrays must be multi-channel 2D images: expected a rank-3 array (one image "
            f"with a channel axis), received shape {np.shape(x)}. Add a channel axis with "
            "x[..., None] for a grayscale image.")
    if channel_axis not in (0, 2):
        raise ValueError("Channels are allowed and the first and last dimensions "
                         f"(channel_axis 0 or 2); received channel_axis={channel_axis}.")


def _check_resampling(fill_mode, order):
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}; received "
                         f"fill_mode={fill_mode!r}.")
    if isinstance(order, bool) or order not in ORDERS:
        raise ValueError(f"interpolation_order must be a spline order in {ORDERS} (0: "
                         f"nearest, 1: bilinear, 3: cubic); received {order!r}.")


def _map_coordinates(coords, size, fill_mode):
    """scipy's boundary rule for the sample points of one axis: coordinates mapped inside
    the image, and a mask of the points that take ``cval`` (``constant`` mode only). The
    branches and truncations are scipy's, so folded points round the same way."""
    outside = (coords < 0) | (coords > size - 1)
    if not outside.any():
        return coords, None
    if fill_mode == "constant":
        return np.where(outside, 0.0, coords), outside
    if fill_mode == "nearest":
        # not folded: the taps are clamped to the edge (spline.map_indices)
        return coords, None
    if size <= 1:
        return np.zeros_like(coords), None
    if fill_mode == "reflect":
        # half-sample symmetric: period 2 * size, the edge pixel repeated
        period = 2 * size
        low = np.where(coords < -period, period * np.trunc(-coords / period) + coords, coords)
        # scipy keeps a point a hair below zero off -1 (it would read as "outside")
        low = np.where(low < -size, low + period, np.where(low > -1e-15, 1e-15, -low) - 1)
        high = coords - period * np.trunc(coords / period)
        high = np.where(high >= size, period - high - 1, high)
        return np.where(coords < 0, low, np.where(coords > size - 1, high, coords)), None
    # scipy's "wrap": period size - 1, the first and last pixels overlap. Below zero it
    # adds whole periods until the point is in (0, size - 1], above it subtracts them
    # until it is in [0, size - 1).
    period = size - 1
    low = coords + period * (np.trunc(-coords / period) + 1)
    high = coords - period * np.trunc(coords / period)
    return np.where(coords < 0, low, np.where(coords > size - 1, high, coords)), None


def _axis_taps(coords, size, fill_mode, order):
    """Per output point on one axis: the ``order + 1`` source indices, their weights
    (None for order 0) and the ``cval`` mask."""
    mapped, constant = _map_coordinates(coords, size, fill_mode)
    start = spline.first_tap(mapped, order)
    indices = [spline.map_indices(start + k, size, fill_mode) for k in range(order + 1)]
    return indices, (spline.weights(mapped, order) if order else None), constant


def resample(images, matrix, offset, fill_mode="nearest", cval=0.0, order=1):
    """``scipy.ndimage.affine_transform`` applied to every ``images[c]`` of a (C, A, B)
    stack: output point ``o`` samples the input at ``matrix @ o + offset``."""
    _check_resampling(fill_mode, order)
    images = np.asarray(images)
    _, rows, cols = images.shape
    matrix = np.asarray(matrix, dtype=np.float64)
    offset = np.asarray(offset, dtype=np.float64)
    out_r = np.arange(rows, dtype=np.float64)[:, None]
    out_c = np.arange(cols, dtype=np.float64)[None, :]
    # the same sums in the same order as scipy, so boundary and rounding cases agree
    source_r = (offset[0] + out_r * matrix[0, 0]) + out_c * matrix[0, 1]
    source_c = (offset[1] + out_r * matrix[1, 0]) + out_c * matrix[1, 1]
    if order > 1:
        # orders 2-5 interpolate spline coefficients, not pixels
        flat, pad = spline.prefilter(images, order, fill_mode)
        source_r, source_c = source_r + pad, source_c + pad
    else:
        flat, pad = images.astype(np.float64, copy=False), 0
    height, width = rows + 2 * pad, cols + 2 * pad
    flat = flat.reshape(flat.shape[0], -1)
    rows_idx, rows_w, rows_const = _axis_taps(source_r, height, fill_mode, order)
    cols_idx, cols_w, cols_const = _axis_taps(source_c, width, fill_mode, order)
    total = None
    for a, r_index in enumerate(rows_idx):
        base = r_index * width
        for b, c_index in enumerate(cols_idx):
            term = np.take(flat, base + c_index, axis=1)
            if order > 0:
                # (value * row weight) * column weight, in scipy's order; in place
                term *= rows_w[a]
                term *= cols_w[b]
            if total is None:
                total = term
            else:
                total += term
    masks = [mask for mask in (rows_const, cols_const) if mask is not None]
    if masks:
        total = np.where(np.logical_or.reduce(masks), float(cval), total)
    return _cast_like(total, images.dtype)


def _cast_like(values, dtype):
    """Float results stored in ``dtype`` the way scipy stores them (integers rounded half
    away from zero and clipped to the type's range)."""
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        if info.min == 0:
            values = np.where(values > 0, values + 0.5, 0.0)
        else:
            values = np.where(values > 0, values + 0.5, values - 0.5)
        return np.clip(values, info.min, info.max).astype(dtype)
    return values.astype(dtype)


def transform_matrix_offset_center(matrix, x, y):
    """``matrix`` moved so that it acts about the centre of an ``x`` by ``y`` image."""
    o_x = float(x) / 2 - 0.5
    o_y = float(y) / 2 - 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def _compose(current, step):
    return step if current is None else np.dot(current, step)


def affine_matrix(theta=0, tx=0, ty=0, shear=0, zx=1, zy=1):
    """The 3x3 matrix (rotation, then shift, shear, zoom; angles in degrees) that
    ``apply_affine_transform`` uses, or None for the identity."""
    matrix = None
    if theta != 0:
        angle = np.deg2rad(theta)
        matrix = np.array([[np.cos(angle), -np.sin(angle), 0],
                           [np.sin(angle), np.cos(angle), 0],
                           [0, 0, 1]])
    if tx != 0 or ty != 0:
        matrix = _compose(matrix, np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    if shear != 0:
        angle = np.deg2rad(shear)
        matrix = _compose(matrix, np.array([[1, -np.sin(angle), 0], [0, np.cos(angle), 0],
                                            [0, 0, 1]]))
    if zx != 1 or zy != 1:
        matrix = _compose(matrix, np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1,
                           col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                           order=1):
    """Rotate (``theta`` degrees), shift (``tx`` rows, ``ty`` columns), shear (degrees) and
    zoom (``zx``, ``zy``) one image of rank 3 about its centre; points that fall outside
    are filled by ``fill_mode`` ("constant" with ``cval``, "nearest", "reflect", "wrap")."""
    _check_axes(x, row_axis, col_axis, channel_axis)
    _check_resampling(fill_mode, order)
    matrix = affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    x = np.asarray(x)
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    channels = np.moveaxis(x, channel_axis, 0)
    if col_axis > row_axis:
        # the matrix is written for (x, y) = (row, column) ... in array order: swap both
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    out = resample(channels, matrix[:2, :2], matrix[:2, 2], fill_mode, cval, order)
    return np.moveaxis(out, 0, channel_axis)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                    cval=0.0, interpolation_order=1):
    """Rotate by an angle drawn uniformly from (-rg, rg) degrees with ``np.random``."""
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shift by fractions drawn from (-hrg, hrg) of the height and (-wrg, wrg) of the
    width (the height's draw comes first, as in Keras)."""
    height, width = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * height
    ty = np.random.uniform(-wrg, wrg) * width
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                 cval=0.0, interpolation_order=1):
    """Shear by an angle drawn from (-intensity, intensity) degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest",
                cval=0.0, interpolation_order=1):
    """Zoom rows and columns by two factors drawn from ``zoom_range`` (lower, upper)."""
    if len(zoom_range) != 2:
        raise ValueError("`zoom_range` should be a tuple or list of two floats. "
                         f"Received: {zoom_range}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval,
                                  order=interpolation_order)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Add ``intensity`` to every channel, clipped to the image's own min..max (over all
    channels, as in Keras; ``channel_axis`` is accepted for Keras's signature and does not
    change the result)."""
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    return np.clip(x + intensity, low, high)


def random_channel_shift(x, intensity_range, channel_axis=0):
    """``apply_channel_shift`` by an intensity drawn from (-range, range)."""
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Pillow's ``ImageEnhance.Brightness`` by factor ``brightness`` (needs Pillow:
    ``pip install featherflow[image]``); ``scale=False`` maps a result of an image outside
    0..255 back to the image's own range."""
    # Pillow is an optional dependency, loaded on first use
    from featherflow.utils import image_utils
    try:
        from PIL import ImageEnhance
    except ImportError as error:
        raise ImportError("apply_brightness_shift/brightness_range need Pillow: "
                          "pip install featherflow[image]") from error
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    local_scale = (low < 0) or (high > 255)
    image = image_utils.array_to_img(x, scale=local_scale or scale)
    image = ImageEnhance.Brightness(image).enhance(brightness)
    x = image_utils.img_to_array(image)
    if not scale and local_scale:
        x = x / 255 * (high - low) + low
    return x


def random_brightness(x, brightness_range, scale=True):
    """``apply_brightness_shift`` by a factor drawn from ``brightness_range``."""
    if len(brightness_range) != 2:
        raise ValueError("`brightness_range should be tuple or list of two floats. "
                         f"Received: {brightness_range}")
    factor = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, factor, scale)


def flip_axis(x, axis):
    """``x`` reversed along ``axis``."""
    return np.flip(np.asarray(x), axis)


__all__ = [
    "apply_affine_transform", "apply_brightness_shift", "apply_channel_shift", "flip_axis",
    "random_brightness", "random_channel_shift", "random_rotation", "random_shear",
    "random_shift", "random_zoom",
]
