"""``tf.image.draw_bounding_boxes``: one-pixel box outlines drawn onto a batch of images.

As TF's kernel: a box ``[y_min, x_min, y_max, x_max]`` (relative to the image) becomes the
pixel rows ``int(y * (height - 1))`` (float32 product, truncated toward zero) and likewise for
columns; the four edges that fall inside the image are drawn, clipped to it; boxes entirely
outside or inverted are skipped; later boxes draw over earlier ones. Box ``i`` takes colour
``i % len(colors)``; without colours (``None`` or an empty array) TF's table of ten colours is
used (yellow, blue, red, lime, purple, olive, maroon, navy, aqua, fuchsia; RGBA, the first
channel forced to 1 for grey images). TF only has this kernel for float32 and float16 images.

Example::

    >>> import featherflow as tf
    >>> out = tf.image.draw_bounding_boxes(tf.zeros([1, 4, 4, 1]), [[[0.0, 0.0, 1.0, 1.0]]],
    ...                                    None)
    >>> out[0, :, :, 0].numpy()          # the border of the image
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError

_DEFAULT_COLORS = np.array([
    [1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
    [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1],
], np.float32)

_OP = "tf.image.draw_bounding_boxes"


def _color_table(colors, depth):
    if colors is not None:
        table = np.asarray(colors.data if isinstance(colors, Tensor) else colors, np.float32)
        if table.ndim != 2:
            raise InvalidArgumentError(f"{_OP}: colors must be a 2-D matrix [num_colors, "
                                       f"channels]; received shape {list(table.shape)}.")
        if table.shape[1] < depth:
            raise InvalidArgumentError(
                f"{_OP}: colors must have equal or more channels than the image provided: "
                f"{table.shape[1]} < {depth}.")
        if table.size:
            return table[:, :depth]
    table = _DEFAULT_COLORS.copy()
    if depth == 1:
        table[:, 0] = 1
    return table[:, :depth]


def _pixel(value, extent):
    return int(np.trunc(np.float32(value) * np.float32(extent)))


def draw_bounding_boxes(images, boxes, colors, name=None):
    """``images`` (``[batch, height, width, depth]``, depth 1, 3 or 4) with the outlines of
    ``boxes`` (``[batch, num_boxes, 4]``) drawn in ``colors`` (``[num_colors, >= depth]``,
    or None for TF's default table)."""
    canvas = np.array(images.data if isinstance(images, Tensor) else as_array(images))
    box_array = np.asarray(boxes.data if isinstance(boxes, Tensor) else as_array(boxes),
                           np.float32)
    if canvas.dtype not in (np.float32, np.float16):
        raise InvalidArgumentError(f"{_OP}: images must be float32 or float16 (TF has no "
                                   f"kernel for {canvas.dtype.name}); convert them with "
                                   "tf.image.convert_image_dtype first.")
    if canvas.ndim != 4:
        raise InvalidArgumentError(f"{_OP}: the rank of the images should be 4; received shape "
                                   f"{list(canvas.shape)}.")
    if box_array.ndim != 3:
        raise InvalidArgumentError(f"{_OP}: the rank of the boxes tensor should be 3 [batch, "
                                   f"num_boxes, 4]; received shape {list(box_array.shape)}.")
    if canvas.shape[0] != box_array.shape[0]:
        raise InvalidArgumentError(f"{_OP}: the batch sizes should be the same; received "
                                   f"{canvas.shape[0]} images and {box_array.shape[0]} sets of "
                                   "boxes.")
    batch, height, width, depth = canvas.shape
    if depth not in (1, 3, 4):
        raise InvalidArgumentError(f"{_OP}: channel depth should be either 1 (GRY), 3 (RGB), "
                                   f"or 4 (RGBA); received {depth}.")
    if box_array.shape[2] != 4:
        raise InvalidArgumentError(f"{_OP}: the size of the third dimension of the box must be "
                                   f"4; received {box_array.shape[2]}.")
    table = _color_table(colors, depth).astype(canvas.dtype)
    for b in range(batch):
        for index, (y0, x0, y1, x1) in enumerate(box_array[b]):
            color = table[index % len(table)]
            top, bottom = _pixel(y0, height - 1), _pixel(y1, height - 1)
            left, right = _pixel(x0, width - 1), _pixel(x1, width - 1)
            if top > bottom or left > right:
                continue  # inverted: TF skips it
            if top >= height or bottom < 0 or left >= width or right < 0:
                continue  # entirely outside
            columns = slice(max(left, 0), min(right, width - 1) + 1)
            rows = slice(max(top, 0), min(bottom, height - 1) + 1)
            if top >= 0:
                canvas[b, top, columns] = color
            if bottom < height:
                canvas[b, bottom, columns] = color
            if left >= 0:
                canvas[b, rows, left] = color
            if right < width:
                canvas[b, rows, right] = color
    return Tensor(canvas)


__all__ = ["draw_bounding_boxes"]
