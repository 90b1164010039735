"""``tf.image.sample_distorted_bounding_box`` and its stateless twin: a random crop window
covering enough of the given boxes (the Inception-style data augmentation).

This follows TF's kernel (``sample_distorted_bounding_box_op.cc``) step by step, in its
float32 arithmetic: each attempt draws an aspect ratio, rounds a height between the smallest
and largest area allowed (``lrintf``, TF's corrections for rounding), draws the height and the
offsets with Philox's exact uniform integers (rejection sampling), and accepts the crop when
it covers at least ``min_object_covered`` of one box; after ``max_attempts`` failures the
whole image is the crop.

``stateless_sample_distorted_bounding_box`` draws from TF's Philox stream for the ``seed``
pair (the key and counter ``StatelessRandomGetKeyCounter`` gives), so it returns TF's exact
window. ``sample_distorted_bounding_box`` draws its 32-bit samples from featherflow's seeded
generator instead: a ``seed`` repeats its windows, but they are not the ones TF's stateful
op-seed streams give.

Example::

    >>> import featherflow as tf
    >>> begin, size, box = tf.image.stateless_sample_distorted_bounding_box(
    ...     [480, 640, 3], tf.constant([[[0.1, 0.2, 0.5, 0.9]]]), seed=[1, 2],
    ...     min_object_covered=0.5)
    >>> begin.numpy(), size.numpy()     # TF's window for that seed: slice(image, begin, size)
"""

import secrets

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import philox
from featherflow.backend import stateless_random as philox_samples
from featherflow.errors import InvalidArgumentError
from featherflow.image import stateless_random

_F32 = np.float32
_MAX_U32 = 0xFFFFFFFF


class _Samples:
    """32-bit samples read one at a time (TF's SimplePhilox over a SingleSampleAdapter),
    made in runs by ``make(count)``."""

    def __init__(self, make, run):
        self._make, self._run = make, run
        self._values = make(run)
        self._position = 0

    def next(self):
        if self._position == len(self._values):
            self._values = self._make(len(self._values) + self._run)
        value = int(self._values[self._position])
        self._position += 1
        return value

    def uniform_float(self):
        bits = np.uint32((self.next() & 0x7FFFFF) | 0x3F800000)
        return bits.view(np.float32) - _F32(1)

    def uniform_int(self, n):
        """``ExactUniformInt``: an integer in ``[0, n)`` without modulo bias."""
        if n & (n - 1) == 0:
            return self.next() & (n - 1)
        rejected_below = (_MAX_U32 % n) + 1
        while True:
            value = self.next()
            if value >= rejected_below:
                return value % n


def _lrint(value):
    return int(np.rint(value))


def _random_crop(width, height, min_area_fraction, max_area_fraction, aspect_ratio, samples):
    """TF's ``GenerateRandomCrop``: ``(xmin, ymin, xmax, ymax)`` or None."""
    if (max_area_fraction <= 0 or aspect_ratio <= 0 or width <= 0 or height <= 0
            or min_area_fraction > max_area_fraction):
        return None
    min_area = min_area_fraction * _F32(width) * _F32(height)
    max_area = max_area_fraction * _F32(width) * _F32(height)
    crop_height = _lrint(np.sqrt(min_area / aspect_ratio))
    max_height = _lrint(np.sqrt(max_area / aspect_ratio))
    if _lrint(_F32(max_height) * aspect_ratio) > width:
        # the largest height whose rounded width still fits (TF's double arithmetic)
        max_height = int((width + 0.5 - float(_F32(1e-7))) / float(aspect_ratio))
        if _lrint(_F32(max_height) * aspect_ratio) > width:
            max_height -= 1
    max_height = min(max_height, height)
    crop_height = min(crop_height, max_height)
    if crop_height < max_height:
        crop_height += samples.uniform_int(max_height - crop_height + 1)
    crop_width = _lrint(_F32(crop_height) * aspect_ratio)
    area = _F32(crop_width * crop_height)
    if area < min_area:
        crop_height += 1
        crop_width = _lrint(_F32(crop_height) * aspect_ratio)
        area = _F32(crop_width * crop_height)
    if area > max_area:
        crop_height -= 1
        crop_width = _lrint(_F32(crop_height) * aspect_ratio)
        area = _F32(crop_width * crop_height)
    if (area < min_area or area > max_area or crop_width > width or crop_height > height
            or crop_width <= 0 or crop_height <= 0):
        return None
    y = samples.uniform_int(height - crop_height) if crop_height < height else 0
    x = samples.uniform_int(width - crop_width) if crop_width < width else 0
    return x, y, x + crop_width, y + crop_height


def _area(rect):
    return _F32((rect[2] - rect[0]) * (rect[3] - rect[1]))


def _covers(crop, min_object_covered, rects):
    """TF's ``SatisfiesOverlapConstraints``."""
    if _area(crop) < 1:
        return False
    for rect in rects:
        object_area = _area(rect)
        if object_area < 1:
            continue
        inter = (max(crop[0], rect[0]), max(crop[1], rect[1]), min(crop[2], rect[2]),
                 min(crop[3], rect[3]))
        if inter[0] > inter[2] or inter[1] > inter[3]:
            inter = (0, 0, 0, 0)
        if _area(inter) / object_area >= min_object_covered:
            return True
    return False


def _float_pair(values, what, op):
    pair = np.asarray(values, np.float32).reshape(-1)
    if pair.size != 2:
        raise InvalidArgumentError(f"{op}: {what} must specify 2 dimensions; received "
                                   f"{pair.tolist()}.")
    return pair


def _sample(image_size, bounding_boxes, min_object_covered, aspect_ratio_range, area_range,
            max_attempts, use_image_if_no_bounding_boxes, samples_for, op):
    size = np.asarray(image_size.data if isinstance(image_size, Tensor)
                      else as_array(image_size))
    if size.ndim != 1 or size.shape[0] != 3:
        raise InvalidArgumentError(f"{op}: image_size must be 1-D with 3 elements [height, "
                                   f"width, channels]; received shape {list(size.shape)}.")
    if size.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{op}: image_size must be an integer tensor; received "
                                   f"{size.dtype.name}.")
    height, width = int(size[0]), int(size[1])
    covered = np.asarray(min_object_covered.data if isinstance(min_object_covered, Tensor)
                         else min_object_covered, np.float32)
    if covered.ndim != 0:
        raise InvalidArgumentError(f"{op}: min_object_covered must be 0-D; received shape "
                                   f"{list(covered.shape)}.")
    if not covered >= 0:
        raise InvalidArgumentError(f"{op}: min object covered must be non-negative; received "
                                   f"{float(covered)}.")
    ratios = _float_pair([0.75, 1.33] if aspect_ratio_range is None else aspect_ratio_range,
                         "aspect_ratio_range", op)
    if not (ratios[0] > 0 and ratios[1] > 0):
        raise InvalidArgumentError(f"{op}: aspect ratio range must be positive; received "
                                   f"{ratios.tolist()}.")
    areas = _float_pair([0.05, 1.0] if area_range is None else area_range, "area_range", op)
    if not (areas[0] > 0 and areas[1] > 0):
        raise InvalidArgumentError(f"{op}: area range must be positive; received "
                                   f"{areas.tolist()}.")
    if not (areas[0] <= 1 and areas[1] <= 1):
        raise InvalidArgumentError(f"{op}: area range must be less than or equal to 1.0; "
                                   f"received {areas.tolist()}.")
    attempts = 100 if max_attempts is None else int(max_attempts)
    if attempts <= 0:
        raise InvalidArgumentError(f"{op}: max_attempts must be positive; received {attempts}.")
    boxes = np.asarray(bounding_boxes.data if isinstance(bounding_boxes, Tensor)
                       else as_array(bounding_boxes, np.float32), np.float32)
    if boxes.ndim != 3 or boxes.shape[-1] != 4:
        raise InvalidArgumentError(f"{op}: bounding boxes must be 3-D [batch, num_boxes, 4]; "
                                   f"received shape {list(boxes.shape)}.")
    boxes = boxes.reshape(-1, 4)
    outside = (boxes < 0) | (boxes > 1) | np.isnan(boxes)
    if outside.any():
        raise InvalidArgumentError(f"{op}: all bounding box coordinates must be in [0.0, 1.0]; "
                                   f"received {float(boxes[outside][0])}.")
    rects = [(int(x0 * _F32(width)), int(y0 * _F32(height)), int(x1 * _F32(width)),
              int(y1 * _F32(height))) for y0, x0, y1, x1 in boxes]
    image_rect = (0, 0, width, height)
    if not rects:
        if not use_image_if_no_bounding_boxes:
            raise InvalidArgumentError(
                f"{op}: no bounding boxes provided as input; pass "
                "use_image_if_no_bounding_boxes=True to sample from the whole image.")
        rects = [image_rect]
    samples = samples_for(attempts)
    crop = None
    for _ in range(attempts):
        ratio = samples.uniform_float() * (ratios[1] - ratios[0]) + ratios[0]
        candidate = _random_crop(width, height, areas[0], areas[1], ratio, samples)
        if candidate is not None and _covers(candidate, covered, rects):
            crop = candidate
            break
    if crop is None:
        crop = image_rect
    xmin, ymin, xmax, ymax = crop
    dtype = size.dtype
    begin = np.array([ymin, xmin, 0]).astype(dtype)
    # size -1 (all channels) wraps in unsigned types, as the C++ cast does
    extent = np.array([ymax - ymin, xmax - xmin, -1]).astype(dtype)
    box = np.array([[[_F32(ymin) / _F32(height), _F32(xmin) / _F32(width),
                      _F32(ymax) / _F32(height), _F32(xmax) / _F32(width)]]], np.float32)
    return Tensor(begin), Tensor(extent), Tensor(box)


def stateless_sample_distorted_bounding_box(image_size, bounding_boxes, seed,
                                            min_object_covered=0.1, aspect_ratio_range=None,
                                            area_range=None, max_attempts=None,
                                            use_image_if_no_bounding_boxes=None, name=None):
    """``(begin, size, bboxes)``: TF's crop window for the ``seed`` pair; ``begin`` and
    ``size`` slice the image (``tf.slice(image, begin, size)``), ``bboxes`` is the window as a
    ``[1, 1, 4]`` relative box (to draw with ``draw_bounding_boxes``)."""
    op = "tf.image.stateless_sample_distorted_bounding_box"

    def samples_for(attempts):
        return _Samples(lambda count: stateless_random.uniform_bits(seed, count, op),
                        8 * attempts)
    return _sample(image_size, bounding_boxes, min_object_covered, aspect_ratio_range,
                   area_range, max_attempts, use_image_if_no_bounding_boxes, samples_for, op)


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=0, min_object_covered=0.1,
                                  aspect_ratio_range=None, area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """:func:`stateless_sample_distorted_bounding_box`'s window drawn as TF's stateful op: a
    nonzero ``seed`` with the global seed gives the kernel's ``(seed, seed2)``, whose Philox
    stream continues across calls (``max_attempts`` blocks reserved per call), so the windows
    are TF's; ``seed=0`` (the default) is fresh randomness, as in TF."""
    from featherflow.api import random as tf_random

    op = "tf.image.sample_distorted_bounding_box"
    attempts = 100 if max_attempts is None else int(max_attempts)
    if seed:
        # one kernel per attribute set (the ranges, max_attempts...), as TF caches it
        attrs = (repr(aspect_ratio_range), repr(area_range), attempts,
                 bool(use_image_if_no_bounding_boxes))
        stream = tf_random._kernel_stream("SampleDistortedBoundingBoxV2", attrs, seed, attempts)
    else:
        key, counter = philox.seeds_to_key_counter(secrets.randbits(63), secrets.randbits(63))
        stream = philox_samples.KeyCounter(key, counter)

    def samples_for(count_attempts):
        return _Samples(lambda count: philox_samples.sample_bits(stream, count, op),
                        8 * count_attempts)
    return _sample(image_size, bounding_boxes, min_object_covered, aspect_ratio_range,
                   area_range, max_attempts, use_image_if_no_bounding_boxes, samples_for, op)


__all__ = ["sample_distorted_bounding_box", "stateless_sample_distorted_bounding_box"]
