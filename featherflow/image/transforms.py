"""Geometric ``tf.image`` ops: crops, pads, flips, rotations, and their random versions.

All are built from featherflow's differentiable ops (slicing, ``pad``, ``reverse``,
``transpose``, ``where``), so gradients flow through them as through TF's. Images are
``[height, width, channels]`` or batches ``[batch, height, width, channels]``.

The stateless ops draw TF's own values for their ``seed`` pair (stateless_random.py), so they
flip and crop as TF does; the stateful ones draw through ``tf.random.uniform`` as TF's do, so
the same global and op seeds flip and crop as in TF.

Example::

    >>> import featherflow as tf
    >>> tf.image.flip_left_right([[[1], [2]]]).numpy().ravel()
    array([2, 1]...)
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError
from featherflow.image import stateless_random
from featherflow.ops import indexing, math, padding, reshape
from featherflow.ops import reverse as reverse_ops


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


def _flip_randomly(image, flip, op_name, draw):
    """Flip as TF does from ``draw(n)`` uniforms: one image when its value is below 1/2, each
    image of a batch when its value rounds to 1."""
    x = _image(image, op_name)
    flipped = flip(x)
    if x.data.ndim == 3:
        return flipped if draw(1)[0] < 0.5 else x
    coins = np.rint(draw(x.data.shape[0])) == 1
    return math.where(coins.reshape(-1, 1, 1, 1), flipped, x)


def _stateful(seed):
    """``count`` uniforms as TF's ``random_uniform([count], seed=seed)`` (TF's values for the
    same global and op seeds)."""
    from featherflow.api import random as tf_random

    return lambda count: tf_random.uniform([count], 0, 1.0, np.float32, seed).numpy()


def _stateless(seed, op_name):
    return lambda count: stateless_random.uniform_floats(seed, count, op_name=op_name)


def random_flip_left_right(image, seed=None):
    """Mirror left-right with probability 1/2 (each image of a batch on its own)."""
    return _flip_randomly(image, flip_left_right, "tf.image.random_flip_left_right",
                          _stateful(seed))


def random_flip_up_down(image, seed=None):
    """Mirror up-down with probability 1/2 (each image of a batch on its own)."""
    return _flip_randomly(image, flip_up_down, "tf.image.random_flip_up_down", _stateful(seed))


def stateless_random_flip_left_right(image, seed):
    """:func:`random_flip_left_right` with TF's flips for the ``seed`` pair."""
    op_name = "tf.image.stateless_random_flip_left_right"
    return _flip_randomly(image, flip_left_right, op_name, _stateless(seed, op_name))


def stateless_random_flip_up_down(image, seed):
    """:func:`random_flip_up_down` with TF's flips for the ``seed`` pair."""
    op_name = "tf.image.stateless_random_flip_up_down"
    return _flip_randomly(image, flip_up_down, op_name, _stateless(seed, op_name))


def _crop_randomly(value, size, draw_ints, op_name):
    x = value if isinstance(value, Tensor) else Tensor(as_array(value))
    size = [int(s) for s in np.asarray(size.data if isinstance(size, Tensor) else size).ravel()]
    shape = list(x.data.shape)
    if len(size) != len(shape) or any(s > d or s < 0 for s, d in zip(size, shape)):
        raise InvalidArgumentError(f"{op_name}: need value.shape >= size, got value shape "
                                   f"{shape} and size {size}.")
    # TF draws int32 offsets below int32 max, then takes them modulo the room in each axis
    limits = np.array(shape) - np.array(size) + 1
    starts = draw_ints(len(shape)) % limits
    return indexing.getitem(x, tuple(slice(int(b), int(b) + s) for b, s in zip(starts, size)))


def random_crop(value, size, seed=None, name=None):
    """A ``size`` window of ``value`` at a random offset (any rank)."""
    from featherflow.api import random as tf_random

    # TF: random_uniform(shape(shape), maxval=int32 max, dtype=int32, seed) % limit
    return _crop_randomly(value, size, lambda count: tf_random.uniform(
        [count], 0, 2**31 - 1, np.int32, seed).numpy(), "tf.image.random_crop")


def stateless_random_crop(value, size, seed, name=None):
    """:func:`random_crop` with TF's window for the ``seed`` pair."""
    op_name = "tf.image.stateless_random_crop"
    return _crop_randomly(value, size, lambda count: stateless_random.uniform_ints(
        seed, count, 2**31 - 1, op_name), op_name)


__all__ = ["central_crop", "crop_to_bounding_box", "flip_left_right", "flip_up_down",
           "pad_to_bounding_box", "random_crop", "random_flip_left_right", "random_flip_up_down",
           "rot90", "stateless_random_crop", "stateless_random_flip_left_right",
           "stateless_random_flip_up_down", "transpose"]
