"""B-spline interpolation as ``scipy.ndimage`` does it, for the affine resampling of the
legacy image API (``interpolation_order`` 0-5): the boundary rules that map a tap index
back into the image, the interpolation weights of each order, and the prefilter that turns
pixels into spline coefficients for orders 2-5 (a recursive filter per pole, run along
each axis in turn, vectorised over the other axis).

The arithmetic follows scipy's ``ni_splines.c`` (Unser, Aldroubi & Eden, "Fast B-spline
transforms for continuous image representation and interpolation", 1991), operation by
operation, so results agree with scipy to the last bit or within a few float64 ulps.
"""

import numpy as np

# the poles of the prefilter of each spline order (Unser 1991)
_POLES = {
    2: (-0.171572875253809902396622551580603843,),
    3: (-0.267949192431122706472553658494127633,),
    4: (-0.361341225900220177092212841325675255, -0.013725429297339121360331226939128204),
    5: (-0.430575347099973791851434783493520110, -0.043096288203264653822712376822550182),
}

# the boundary rule used for tap indices and the prefilter of each fill_mode
_SPLINE_MODE = {"constant": "mirror", "wrap": "mirror", "reflect": "reflect",
                "nearest": "nearest"}

# scipy pads this many edge pixels for "nearest" before prefiltering (orders > 1)
NEAREST_PAD = 12


def map_indices(index, size, fill_mode):
    """Integer tap positions mapped inside ``[0, size - 1]`` by the rule scipy uses for
    the taps of ``fill_mode``."""
    mode = _SPLINE_MODE[fill_mode]
    if size <= 1:
        return np.zeros_like(index)
    if index.min() >= 0 and index.max() < size:
        return index
    if mode == "nearest":
        return np.clip(index, 0, size - 1)
    if mode == "mirror":
        period = 2 * size - 2
        low = period * (-index // period) + index
        low = np.where(low <= 1 - size, low + period, -low)
        high = index - period * (index // period)
        high = np.where(high >= size, period - high, high)
    else:
        period = 2 * size
        low = np.where(index < -period, period * (-index // period) + index, index)
        low = np.where(low < -size, low + period, -low - 1)
        high = index - period * (index // period)
        high = np.where(high >= size, period - high - 1, high)
    return np.where(index < 0, low, np.where(index > size - 1, high, index))


def first_tap(coords, order):
    """The first of the ``order + 1`` taps around each coordinate."""
    centre = np.floor(coords) if order & 1 else np.floor(coords + 0.5)
    return centre.astype(np.intp) - order // 2


def weights(coords, order):
    """The ``order + 1`` interpolation weights at each coordinate (scipy's formulas; the
    last weight is one minus the others)."""
    x = coords - (np.floor(coords) if order & 1 else np.floor(coords + 0.5))
    y, z = x, 1.0 - x
    if order == 1:
        out = [1.0 - x]
    elif order == 2:
        y = 0.5 - x
        out = [0.5 * y * y, 0.75 - x * x]
    elif order == 3:
        out = [z * z * z / 6.0, (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0,
               (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0]
    elif order == 4:
        t = x * x
        middle = t * (t * 0.25 - 0.625) + 115.0 / 192.0
        y = 1.0 + x
        second = y * (y * (y * (5.0 - y) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0
        fourth = z * (z * (z * (5.0 - z) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0
        y = 0.5 - x
        t = y * y
        out = [t * t / 24.0, second, middle, fourth]
    else:
        t = y * y
        third = t * (t * (0.25 - y / 12.0) - 0.5) + 0.55
        t = z * z
        fourth = t * (t * (0.25 - z / 12.0) - 0.5) + 0.55
        y = y + 1.0
        second = y * (y * (y * (y * (y / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425
        z = z + 1.0
        fifth = z * (z * (z * (z * (z / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425
        y = 1.0 - x
        t = y * y
        out = [y * t * t / 120.0, second, third, fourth, fifth]
    last = 1.0
    for weight in out:
        last = last - weight
    return out + [last]


def _causal_mirror(c, n, z):
    z_n_1 = z ** (n - 1)
    first = c[0] + z_n_1 * c[n - 1]
    z_i = z
    for i in range(1, n - 1):
        first = first + z_i * (c[i] + z_n_1 * c[n - 1 - i])
        z_i *= z
    c[0] = first / (1 - z_n_1 * z_n_1)


def _anticausal_mirror(c, n, z):
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1)


def _causal_reflect(c, n, z):
    z_n = z ** n
    c0 = c[0].copy()
    first = c[0] + z_n * c[n - 1]
    z_i = z
    for i in range(1, n):
        # scipy sums into c[0] in place, so the last mirrored term reads the partial sum
        mirrored = first if i == n - 1 else c[n - 1 - i]
        first = first + z_i * (c[i] + z_n * mirrored)
        z_i *= z
    c[0] = first * (z / (1 - z_n * z_n)) + c0


def _anticausal_reflect(c, n, z):
    c[n - 1] *= z / (z - 1)


def _filter_lines(c, order, fill_mode):
    """Spline coefficients along the first axis of ``c`` (float64, changed in place; the
    first axis keeps each step a contiguous row of all lines)."""
    n = c.shape[0]
    if n <= 1:
        return
    poles = _POLES[order]
    if _SPLINE_MODE[fill_mode] == "mirror":
        causal, anticausal = _causal_mirror, _anticausal_mirror
    else:
        causal, anticausal = _causal_reflect, _anticausal_reflect
    gain = 1.0
    for z in poles:
        gain *= (1.0 - z) * (1.0 - 1.0 / z)
    c *= gain
    for z in poles:
        causal(c, n, z)
        for i in range(1, n):
            c[i] += z * c[i - 1]
        anticausal(c, n, z)
        for i in range(n - 2, -1, -1):
            c[i] = z * (c[i + 1] - c[i])


def prefilter(images, order, fill_mode):
    """The spline coefficients of a (C, A, B) stack of images for ``order`` 2-5, and the
    padding scipy adds first ("nearest" only), as ``(coefficients, pad)``."""
    images = np.asarray(images, dtype=np.float64)
    pad = 0
    if fill_mode == "nearest":
        pad = NEAREST_PAD
        images = np.pad(images, ((0, 0), (pad, pad), (pad, pad)), mode="edge")
    coefficients = np.array(images, dtype=np.float64)
    for axis in (1, 2):
        lines = np.ascontiguousarray(np.moveaxis(coefficients, axis, 0))
        _filter_lines(lines, order, fill_mode)
        coefficients = np.moveaxis(lines, 0, axis)
    return np.ascontiguousarray(coefficients), pad
