"""Geometric ``tf.image`` ops: crops, pads, flips, rotations, and their random versions.

All are built from featherflow's differentiable ops (slicing, ``pad``, ``reverse``,
``transpose``, ``where``), so gradients flow through them as through TF's. Images are
``[height, width, channels]`` or batches ``[batch, height, width, channels]``.

The random ops draw from featherflow's seeded generator: a given ``seed`` (or a stateless
``seed`` pair) always gives the same result, but not the pixels TF's Philox streams pick.

Example::

    >>> import featherflow as tf
    >>> tf.image.flip_left_right([[[1], [2]]]).numpy().ravel()
    array([2, 1]...)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops import indexing, math, padding, reshape
from featherflow.ops import reverse as reverse_ops
from featherflow.utils.random import generator


def _image(image, op_name, ranks=(3, 4)):
    x = image if isinstance(image, Tensor) else Tensor(as_array(image))
    if x.data.ndim not in ranks:
        raise ValueError(
            f"{op_name}: 'image' (shape {list(x.data.shape)}) must have "
            f"{' or '.join(str(r) for r in ranks)} dimensions; pass [height, width, channels] "
            f"or [batch, height, width, channels].")
    return x


def _spatial(x):
    """(height axis, height, width) of a 3-D or 4-D image."""
    axis = x.data.ndim - 3
    return axis, x.data.shape[axis], x.data.shape[axis + 1]


def flip_left_right(image):
    """Mirror along the width axis (``tf.image.flip_left_right``)."""
    x = _image(image, "tf.image.flip_left_right")
    return reverse_ops.reverse(x, [x.data.ndim - 2])


def flip_up_down(image):
    """Mirror along the height axis (``tf.image.flip_up_down``)."""
    x = _image(image, "tf.image.flip_up_down")
    return reverse_ops.reverse(x, [x.data.ndim - 3])


def transpose(image, name=None):
    """Swap height and width (``tf.image.transpose``)."""
    x = _image(image, "tf.image.transpose")
    perm = [1, 0, 2] if x.data.ndim == 3 else [0, 2, 1, 3]
    return reshape.transpose(x, perm)


def rot90(image, k=1, name=None):
    """Rotate by ``k`` quarter turns counter-clockwise (``tf.image.rot90``)."""
    x = _image(image, "tf.image.rot90")
    k = int(np.asarray(k.data if isinstance(k, Tensor) else k)) % 4
    height_axis = x.data.ndim - 3
    if k == 0:
        return reshape.identity_view(x)
    if k == 2:
        return reverse_ops.reverse(x, [height_axis, height_axis + 1])
    # a quarter turn counter-clockwise is a width flip then a transpose; three turns flip height
    flipped = reverse_ops.reverse(x, [height_axis + 1 if k == 1 else height_axis])
    return transpose(flipped)


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height x target_width`` window whose top-left corner is at the offsets."""
    x = _image(image, "tf.image.crop_to_bounding_box")
    axis, height, width = _spatial(x)
    checks = [(offset_height >= 0, "offset_height must be >= 0."),
              (offset_width >= 0, "offset_width must be >= 0."),
              (target_height > 0, "target_height must be > 0."),
              (target_width > 0, "target_width must be > 0."),
              (height >= target_height + offset_height,
               "height must be >= target + offset."),
              (width >= target_width + offset_width, "width must be >= target + offset.")]
    for ok, message in checks:
        if not ok:
            raise ValueError(f"tf.image.crop_to_bounding_box: {message} (image shape "
                             f"{list(x.data.shape)}, offsets ({offset_height}, {offset_width}), "
                             f"target ({target_height}, {target_width}))")
    key = (slice(None),) * axis + (slice(offset_height, offset_height + target_height),
                                   slice(offset_width, offset_width + target_width))
    return indexing.getitem(x, key)


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """Zero-pad ``image`` so it sits at the offsets inside a ``target`` sized image."""
    x = _image(image, "tf.image.pad_to_bounding_box")
    axis, height, width = _spatial(x)
    after_height = target_height - offset_height - height
    after_width = target_width - offset_width - width
    checks = [(offset_height >= 0, "offset_height must be >= 0"),
              (offset_width >= 0, "offset_width must be >= 0"),
              (after_height >= 0, "height must be <= target - offset"),
              (after_width >= 0, "width must be <= target - offset")]
    for ok, message in checks:
        if not ok:
            raise ValueError(f"tf.image.pad_to_bounding_box: {message} (image shape "
                             f"{list(x.data.shape)}, offsets ({offset_height}, {offset_width}), "
                             f"target ({target_height}, {target_width}))")
    paddings = [[0, 0]] * axis + [[offset_height, after_height], [offset_width, after_width],
                                  [0, 0]]
    return padding.pad(x, paddings)


def central_crop(image, central_fraction):
    """The central ``central_fraction`` of each spatial side (TF's rounding of the offsets)."""
    x = _image(image, "tf.image.central_crop")
    if not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"central_fraction must be within (0, 1]; received {central_fraction}.")
    if central_fraction == 1.0:
        return x
    _, height, width = _spatial(x)
    top = int((float(height) - float(height) * central_fraction) / 2)
    left = int((float(width) - float(width) * central_fraction) / 2)
    return crop_to_bounding_box(x, top, left, height - 2 * top, width - 2 * left)


def _flip_randomly(image, flip, op_name, rng):
    x = _image(image, op_name)
    flipped = flip(x)
    if x.data.ndim == 3:
        return flipped if rng.uniform() < 0.5 else x
    # a batch flips each image on its own coin, as TF does
    coins = rng.uniform(size=x.data.shape[0]) < 0.5
    return math.where(coins.reshape(-1, 1, 1, 1), flipped, x)


def random_flip_left_right(image, seed=None):
    """Mirror left-right with probability 1/2 (each image of a batch on its own)."""
    return _flip_randomly(image, flip_left_right, "tf.image.random_flip_left_right",
                          generator(seed))


def random_flip_up_down(image, seed=None):
    """Mirror up-down with probability 1/2 (each image of a batch on its own)."""
    return _flip_randomly(image, flip_up_down, "tf.image.random_flip_up_down", generator(seed))


def _stateless_rng(seed, op_name):
    pair = np.asarray(seed.data if isinstance(seed, Tensor) else seed).reshape(-1)
    if pair.size != 2:
        raise ValueError(f"{op_name}: 'seed' must be a shape [2] Tensor (two integers); "
                         f"received {pair.tolist()}.")
    return np.random.default_rng([int(v) & 0xFFFFFFFFFFFFFFFF for v in pair])


def stateless_random_flip_left_right(image, seed):
    """Like :func:`random_flip_left_right`, but the same ``seed`` pair gives the same flips."""
    op_name = "tf.image.stateless_random_flip_left_right"
    return _flip_randomly(image, flip_left_right, op_name, _stateless_rng(seed, op_name))


def stateless_random_flip_up_down(image, seed):
    """Like :func:`random_flip_up_down`, but the same ``seed`` pair gives the same flips."""
    op_name = "tf.image.stateless_random_flip_up_down"
    return _flip_randomly(image, flip_up_down, op_name, _stateless_rng(seed, op_name))


def _crop_randomly(value, size, rng, op_name):
    x = value if isinstance(value, Tensor) else Tensor(as_array(value))
    size = [int(s) for s in np.asarray(size.data if isinstance(size, Tensor) else size).ravel()]
    shape = list(x.data.shape)
    if len(size) != len(shape) or any(s > d or s < 0 for s, d in zip(size, shape)):
        raise ValueError(f"{op_name}: need value.shape >= size, got value shape {shape} and "
                         f"size {size}.")
    starts = [int(rng.integers(0, d - s + 1)) for s, d in zip(size, shape)]
    return indexing.getitem(x, tuple(slice(b, b + s) for b, s in zip(starts, size)))


def random_crop(value, size, seed=None, name=None):
    """A ``size`` window of ``value`` at a random offset (any rank)."""
    return _crop_randomly(value, size, generator(seed), "tf.image.random_crop")


def stateless_random_crop(value, size, seed, name=None):
    """Like :func:`random_crop`, but the same ``seed`` pair gives the same window."""
    op_name = "tf.image.stateless_random_crop"
    return _crop_randomly(value, size, _stateless_rng(seed, op_name), op_name)


__all__ = ["central_crop", "crop_to_bounding_box", "flip_left_right", "flip_up_down",
           "pad_to_bounding_box", "random_crop", "random_flip_left_right", "random_flip_up_down",
           "rot90", "stateless_random_crop", "stateless_random_flip_left_right",
           "stateless_random_flip_up_down", "transpose"]
