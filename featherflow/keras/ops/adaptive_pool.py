"""``keras.ops.adaptive_average_pool`` / ``adaptive_max_pool`` (1-D, 2-D, 3-D).

Output cell ``i`` of an axis of length ``L`` pooled to ``O`` covers
``[floor(i * L / O), ceil((i + 1) * L / O))``, as Keras (and PyTorch). Keras's TensorFlow
backend pools one spatial axis after the other (depth, height, width), which is exact for
both the mean and the max of a box; so does this module, one primitive per axis with its own
gradient (the mean spread over the window, the max routed to the first largest element).

Example::

    >>> tf.keras.ops.adaptive_average_pool(np.arange(10.0).reshape(1, 10, 1), 4)[0, :, 0].numpy()
    array([1., 3., 6., 8.])

(the windows are [0, 3), [2, 5), [5, 8) and [7, 10).)
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.backend import image_data_format as _image_data_format
from featherflow.keras.ops.numpy import convert


def windows(length, out):
    """Per output cell the (start, end) of its window along an axis of ``length``."""
    i = np.arange(out)
    starts = np.minimum((i * length) // out, length - 1)
    ends = np.minimum(-((-(i + 1) * length) // out), length)
    return starts, ends


class _AdaptivePoolAxis(Function):
    """Mean or max over the adaptive windows of one axis."""

    def __init__(self, kind, axis, out):
        self.kind, self.axis, self.out = kind, axis, out

    def forward(self, x):
        moved = np.moveaxis(x, self.axis, 0)
        self.moved, self.dtype = moved, x.dtype
        self.starts, self.ends = windows(moved.shape[0], self.out)
        reduce = np.max if self.kind == "max" else np.mean
        cells = [reduce(moved[s:e], axis=0) for s, e in
                 zip(self.starts.tolist(), self.ends.tolist())]
        return np.moveaxis(np.stack(cells).astype(x.dtype, copy=False), 0, self.axis)

    def backward(self, g):
        g = np.moveaxis(g, self.axis, 0)
        gx = np.zeros(self.moved.shape, self.dtype)
        for i, (s, e) in enumerate(zip(self.starts.tolist(), self.ends.tolist())):
            if self.kind == "max":
                # the first largest element of the window takes the gradient, as TF's kernel
                k = np.argmax(self.moved[s:e], axis=0)[None]
                window = gx[s:e]
                np.put_along_axis(window, k, np.take_along_axis(window, k, axis=0) + g[i:i + 1],
                                  axis=0)
            else:
                gx[s:e] += g[i] / np.asarray(e - s, self.dtype)
        return (np.moveaxis(gx, 0, self.axis),)


def _sizes(output_size, rank, where):
    if isinstance(output_size, (int, np.integer)) and not isinstance(output_size, bool):
        sizes = (int(output_size),) * rank
    elif isinstance(output_size, (list, tuple)) and all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in output_size):
        sizes = tuple(int(v) for v in output_size)
    else:
        raise TypeError(f"{where}: `output_size` must be an integer or a tuple of {rank} "
                        f"integers; received {output_size!r}.")
    if len(sizes) != rank or min(sizes) < 1:
        raise ValueError(f"{where}: `output_size` must be a positive integer or a tuple of "
                         f"{rank} positive integers for a {rank}-D input; received "
                         f"{output_size!r}.")
    return sizes


def adaptive_pool(kind, inputs, output_size, data_format=None, where=None):
    """Pool ``inputs`` (batch, *spatial, channels) or channels-first to ``output_size``."""
    where = where or f"adaptive_{'max' if kind == 'max' else 'average'}_pool"
    data_format = data_format or _image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}: data_format must be 'channels_last' or 'channels_first'; "
                         f"received {data_format!r}.")
    x = convert(inputs)
    if x.data.dtype.kind not in "f":
        x = convert(x, "float32")
    rank = x.data.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError(f"{where} supports 1D, 2D, or 3D inputs only: expected an input of "
                         f"rank 3, 4 or 5 (batch, spatial..., channels); received shape "
                         f"{x.data.shape}.")
    sizes = _sizes(output_size, rank, where)
    first = 2 if data_format == "channels_first" else 1
    for i, size in enumerate(sizes):
        if x.data.shape[first + i] == 0:
            raise ValueError(f"{where}: spatial axis {first + i} of the input is empty "
                             f"(shape {x.data.shape}).")
        x = _AdaptivePoolAxis(kind, first + i, size)(x)
    return x


def adaptive_average_pool(inputs, output_size, data_format=None):
    return adaptive_pool("avg", inputs, output_size, data_format)


def adaptive_max_pool(inputs, output_size, data_format=None):
    return adaptive_pool("max", inputs, output_size, data_format)


__all__ = ["adaptive_average_pool", "adaptive_max_pool"]
