"""``tf.conv``: TF's generic convolution op (``Conv``), on ``tf.nn.convolution``.

As TF 2.21's CPU kernel: 2 or 3 spatial dimensions, channels last; ``batch_dims`` leading
axes are batch axes (folded into one for the convolution). ``strides`` and ``dilations`` have
one entry per axis of a one-batch-axis input (batch, spatial..., channels: the batch and
channel entries 1), ``padding`` is "SAME", "VALID" or "EXPLICIT" (``explicit_paddings``: two
numbers per such axis). ``groups > 1`` and "CHANNELS_FIRST" are refused as TF's CPU kernel
refuses them. Differs from TF: TF registers no gradient for ``Conv`` (a tape raises
LookupError); featherflow differentiates it through the convolution it runs.

    y = tf.conv(x, w, strides=[1, 2, 2, 1], padding="SAME")    # x [b, h, w, c]
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.errors import InvalidArgumentError, UnimplementedError
from featherflow.ops.padding import pad
from featherflow.ops.reshape import reshape

__all__ = ["conv"]


def _per_axis(values, count, what):
    values = [1] * count if values is None or len(values) == 0 else [int(v) for v in values]
    if len(values) != count:
        raise InvalidArgumentError(f"Sliding window {what} field must specify {count} "
                                   f"dimensions")
    return values


def conv(input, filter, strides, padding, explicit_paddings=(),  # noqa: A002
         data_format="CHANNELS_LAST", dilations=(), batch_dims=1, groups=1, name=None):
    """TF's ``Conv`` op (see the module docstring)."""
    from featherflow.api import nn  # tf.nn.convolution (the nn namespace loads lazily)

    x = input if isinstance(input, Tensor) else convert_to_tensor(input)
    w = filter if isinstance(filter, Tensor) else convert_to_tensor(filter)
    spatial = x.data.ndim - int(batch_dims) - 1
    if spatial not in (2, 3):
        raise InvalidArgumentError(f"The input must have 2 or 3 spatial dimensions but got "
                                   f"{spatial}")
    if w.data.ndim != spatial + 2:
        raise InvalidArgumentError(f"conv: the filter must have rank {spatial + 2} "
                                   f"(spatial..., in, out); received rank {w.data.ndim}.")
    if data_format != "CHANNELS_LAST":
        raise UnimplementedError(None, None,
                                 f"The Conv{spatial}D op currently only supports the "
                                 f"channels-last tensor format on the CPU. The op was given "
                                 f"the format: {data_format}")
    if int(groups) != 1:
        raise UnimplementedError(None, None,
                                 "Grouped/Depthwise Convolutions are not supported yet.")
    strides = _per_axis(strides, spatial + 2, "strides")
    dilations = _per_axis(dilations, spatial + 2, "dilations")
    if x.data.shape[-1] != w.data.shape[-2]:
        raise InvalidArgumentError(f"Input depth must be equal to filter depth: "
                                   f"{x.data.shape[-1]} vs {w.data.shape[-2]}")
    batch_shape = list(x.data.shape[:batch_dims])
    x = reshape(x, [-1] + list(x.data.shape[batch_dims:]))
    if padding == "EXPLICIT":
        pads = np.asarray(explicit_paddings, np.int64).reshape(-1)
        if pads.size != 2 * (spatial + 2):
            raise InvalidArgumentError(f"explicit_paddings must have {2 * (spatial + 2)} "
                                       f"entries (two per axis); received {pads.size}.")
        pairs = pads.reshape(spatial + 2, 2).tolist()
        x = pad(x, [[0, 0]] + pairs[1:-1] + [[0, 0]])
        padding = "VALID"
    elif padding not in ("SAME", "VALID"):
        raise InvalidArgumentError(f"conv: padding must be SAME, VALID or EXPLICIT; "
                                   f"received {padding!r}.")
    y = nn.convolution(x, w, strides=strides[1:-1], padding=padding,
                       dilations=dilations[1:-1])
    return reshape(y, batch_shape + list(y.data.shape[1:]))
