"""Convolution geometry: normalising strides/dilations, TensorFlow's padding, output sizes, and
the argument handling shared by every convolution."""

import numpy as np

from featherflow.ops._convert import data


# -- settings --------------------------------------------------------------------------------
def normalize_tuple(value, n, name, where="conv", minimum=1):
    """``value`` as a tuple of ``n`` ints >= ``minimum`` (an int is repeated)."""
    if isinstance(value, (int, np.integer)):
        out = (int(value),) * n
    else:
        try:
            out = tuple(int(v) for v in value)
        except TypeError:
            out = ()
        if len(out) != n:
            raise ValueError(
                f"{where}: `{name}` must be an int or a tuple of {n} ints, received {value!r}."
            )
    if any(v < minimum for v in out):
        raise ValueError(
            f"{where}: `{name}` values must be >= {minimum}, received {value!r}."
        )
    return out


def same_pads(size, k, stride, dilation=1):
    """TensorFlow's SAME padding of one axis: ``(before, after)``, the extra pixel after."""
    keff = (k - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + keff - size, 0)
    return total // 2, total - total // 2


def conv_pads(sizes, ksize, strides, dilations, padding, where="conv"):
    """Per-axis ``(before, after)`` padding for ``padding`` "valid", "same" or "causal"."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode == "valid":
        return tuple((0, 0) for _ in sizes)
    if mode == "same":
        return tuple(same_pads(n, k, s, d) for n, k, s, d in zip(sizes, ksize, strides, dilations))
    if mode == "causal":
        if len(sizes) != 1:
            raise ValueError(f"{where}: padding='causal' is only for 1D convolutions.")
        return (((ksize[0] - 1) * dilations[0], 0),)
    if not isinstance(mode, str):
        pads = tuple(tuple(int(v) for v in p) for p in mode)
        if len(pads) == len(sizes) and all(len(p) == 2 for p in pads):
            return pads
    raise ValueError(
        f"{where}: `padding` must be 'valid' or 'same' (or 'causal' for 1D), received "
        f"{padding!r}."
    )


def out_length(size, pads, k, stride, dilation):
    keff = (k - 1) * dilation + 1
    return (size + pads[0] + pads[1] - keff) // stride + 1


def check_out(sizes, outs, ksize, dilations, where):
    if min(outs) < 1:
        keff = tuple((k - 1) * d + 1 for k, d in zip(ksize, dilations))
        raise ValueError(
            f"{where}: the input's spatial size {tuple(sizes)} is smaller than the (dilated) "
            f"window {keff}, so the output would be empty. Use padding='same', a smaller "
            f"kernel or pool size, or a larger input."
        )


# -- Keras-level functions -------------------------------------------------------------------
def spatial_sizes(x, rank, channels_first):
    shape = np.shape(data(x))
    if len(shape) != rank + 2:
        return None
    return shape[2:] if channels_first else shape[1:-1]


def is_channels_first(data_format):
    fmt = "channels_last" if data_format is None else data_format
    fmt = {"NHWC": "channels_last", "NWC": "channels_last", "NCHW": "channels_first",
           "NCW": "channels_first"}.get(fmt, fmt)
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(
            f"data_format must be 'channels_last' or 'channels_first', received {data_format!r}."
        )
    return fmt == "channels_first"


def conv_settings(x, kernel, strides, padding, dilation_rate, data_format, where, ksize=None):
    kshape = np.shape(data(kernel))
    rank = len(kshape) - 2
    if rank not in (1, 2):
        raise ValueError(
            f"{where}: expected a kernel of rank 3 (1D) or 4 (2D), received shape {kshape}."
        )
    cf = is_channels_first(data_format)
    sizes = spatial_sizes(x, rank, cf)
    if sizes is None:
        raise ValueError(
            f"{where}: expected an input of rank {rank + 2} for a {rank}D kernel of shape "
            f"{kshape}, received shape {np.shape(data(x))}."
        )
    ksize = tuple(kshape[:rank]) if ksize is None else ksize
    st = normalize_tuple(strides, rank, "strides", where)
    dl = normalize_tuple(dilation_rate, rank, "dilation_rate", where)
    pads = conv_pads(sizes, ksize, st, dl, padding, where)
    if rank == 1:
        return rank, cf, sizes, (1,) + ksize, (1,) + st, ((0, 0),) + pads, (1,) + dl
    return rank, cf, sizes, ksize, st, pads, dl


def transpose_out_length(size, k, stride, padding, output_padding, dilation):
    """Keras's output length of a transposed convolution along one axis."""
    keff = (k - 1) * dilation + 1
    if padding == "valid":
        extra = max(keff, stride) - keff if output_padding is None else output_padding
        return (size - 1) * stride + keff + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + keff % 2 + output_padding


# -- tf.nn-style names -----------------------------------------------------------------------
def nn_strides(strides, rank, channels_first):
    """tf.nn accepts one stride per axis including batch and channels: keep the spatial ones."""
    if isinstance(strides, (int, np.integer)):
        return int(strides)
    s = tuple(int(v) for v in strides)
    if len(s) == rank + 2:
        return s[2:] if channels_first else s[1:-1]
    return s


def nn_padding(padding):
    return padding.lower() if isinstance(padding, str) else padding
