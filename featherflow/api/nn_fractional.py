"""``tf.nn.fractional_max_pool`` and ``tf.nn.fractional_avg_pool`` (Graham's fractional
pooling) with TensorFlow 2.21's pooling sequences, values and gradients.

Each spatial axis of length ``n`` pools to ``floor(n / ratio)`` cells whose sizes are ``k`` or
``k + 1`` (``k = n // out``). TF draws the sizes from the op's Philox stream: "random" sequences
shuffle ``n % out`` cells of ``k + 1`` among the rest (``ReserveSamples32(out)``, one sample
modulo the remaining length per swap), "pseudo-random" ones are ``ceil(alpha (i + u))`` for one
``u = RandDouble() * max_u`` (two samples); the rows' reservation is read first, the columns'
after it. ``seed=0`` means fresh randomness on every call; any other seed goes through
``get_seed`` and the kernel is deterministic: every call with the same seeds and input shape
reads the stream from its start, so it pools with the same sequences.

A cell covers ``[seq[i], seq[i + 1] - 1]``, or up to ``seq[i + 1]`` with ``overlapping=True``
(clipped to the input). The max pool's gradient goes to the first maximum of each cell in
row-major order (TF's argmax walk), the average pool's is spread evenly over each cell.

Example::

    >>> out, rows, cols = tf.nn.fractional_max_pool(images, [1.0, 1.44, 1.73, 1.0], seed=7)
"""

import secrets

import numpy as np

from featherflow.api import random_candidates
from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.backend import stateless_random
from featherflow.backend.philox import seeds_to_key_counter
from featherflow.data import seeds
from featherflow.errors import InvalidArgumentError, UnimplementedError

__all__ = ["fractional_avg_pool", "fractional_max_pool"]


class _Reservation:
    """32-bit samples from the start of one ``ReserveSamples32`` stretch of a kernel stream."""

    def __init__(self, key, counter):
        self.key, self.counter = key, counter
        self.stream = stateless_random.KeyCounter(key, counter)
        self.phil = random_candidates._SimplePhilox(self.stream, 64)

    def next32(self):
        return self.phil.next32()

    def rand_double(self):
        return self.phil.rand_double()


def _random_sizes(n, out, reservation):
    k = n // out
    diff = [k + 1 if i < n % out else k for i in range(out)]
    for i in range(out - 1):
        j = i + reservation.next32() % (out - i)
        diff[i], diff[j] = diff[j], diff[i]
    return diff


def _pseudo_random_sizes(n, out, reservation):
    alpha = n / out
    k = n // out
    u_max1 = (k + 2) / alpha - 1
    u_max2 = (n + 1 - k) / alpha - (out - 1)
    u = reservation.rand_double() * min(u_max1, u_max2)
    cum = [1] + [int(np.ceil(alpha * (i + u))) for i in range(1, out)] + [n + 1]
    return [cum[i + 1] - cum[i] for i in range(out)]


def _sequences(sizes, outs, pseudo_random, key, counter):
    """The rows' and the columns' cumulative sequences read from ``(key, counter)``."""
    result = []
    for n, out in zip(sizes, outs):
        reservation = _Reservation(key, counter)
        if pseudo_random:
            diff = _pseudo_random_sizes(n, out, reservation)
            used = 2
        else:
            diff = _random_sizes(n, out, reservation)
            used = out
        counter = stateless_random.advance(counter, (used + 3) // 4)
        result.append(np.concatenate([[0], np.cumsum(diff)]).astype(np.int64))
    return result, counter


def _max_pool_ratio(pooling_ratio):
    """``tf.nn.fractional_max_pool``'s Python checks, then TF's ``_get_sequence``."""
    if isinstance(pooling_ratio, (list, tuple)):
        if pooling_ratio[0] != 1.0 or pooling_ratio[-1] != 1.0:
            raise ValueError("`pooling_ratio` should have first and last elements with value "
                             f"1.0. Received: pooling_ratio={pooling_ratio}")
        for element in pooling_ratio:
            if element < 1.0:
                raise ValueError("`pooling_ratio` elements should be >= 1.0. Received: "
                                 f"pooling_ratio={pooling_ratio}")
        ratio = list(pooling_ratio)
    elif isinstance(pooling_ratio, (int, float)):
        if pooling_ratio < 1.0:
            raise ValueError("`pooling_ratio` should be >= 1.0. Received: "
                             f"pooling_ratio={pooling_ratio}")
        ratio = [pooling_ratio]
    else:
        raise ValueError("`pooling_ratio` should be an int or a list of ints. Received: "
                         f"pooling_ratio={pooling_ratio}")
    if len(ratio) == 1:
        ratio = ratio * 2
    if len(ratio) == 2:
        ratio = [1] + ratio + [1]
    elif len(ratio) != 4:
        raise ValueError(f"pooling_ratio should be of length 1, 2 or 4. Received: "
                         f"pooling_ratio={list(pooling_ratio)} of length {len(ratio)}")
    return ratio


def _avg_pool_ratio(pooling_ratio):
    """``tf.nn.fractional_avg_pool`` hands ``pooling_ratio`` to the kernel as it is."""
    op = "FractionalAvgPool"
    if not isinstance(pooling_ratio, (list, tuple)):
        raise TypeError(f"Expected list for 'pooling_ratio' argument to 'fractional_avg_pool' "
                        f"Op, not {pooling_ratio}.")
    ratio = list(pooling_ratio)
    if len(ratio) < 4:
        raise InvalidArgumentError(f"{op}: Length for attr 'pooling_ratio' of {len(ratio)} "
                                   "must be at least minimum 4 ([1, rows, cols, 1]).")
    if len(ratio) != 4:
        raise InvalidArgumentError(f"{op}: pooling_ratio field must specify 4 dimensions; "
                                   f"received {len(ratio)}.")
    for element in ratio:
        if element < 1:
            raise InvalidArgumentError(f"{op}: pooling_ratio cannot be smaller than 1, got: "
                                       f"{element}")
    if ratio[0] != 1 or ratio[3] != 1:
        raise UnimplementedError(f"{op}: Fractional average pooling is not yet supported on "
                                 f"the batch nor channel dimension; received pooling_ratio="
                                 f"{ratio} (use [1.0, rows, cols, 1.0]).")
    return ratio


def _pool_setup(op, value, pooling_ratio, pseudo_random, overlapping, seed):
    ratio = _max_pool_ratio(pooling_ratio) if op == "FractionalMaxPool" else _avg_pool_ratio(
        pooling_ratio)
    ratio = [float(np.float32(r)) for r in ratio]  # the kernel's float attribute
    x = value if isinstance(value, Tensor) else Tensor(as_array(value))
    if x.data.ndim != 4:
        raise InvalidArgumentError(f"{op}: tensor_in must be 4-dimensional (batch, height, "
                                   f"width, channels); received shape {list(x.data.shape)}.")
    if x.data.dtype not in (np.float32, np.float64, np.int32, np.int64):
        raise InvalidArgumentError(f"{op}: Value for attr 'T' of {x.data.dtype.name} is not "
                                   "in the list of allowed values: float, double, int32, "
                                   "int64. Cast the input first.")
    sizes = x.data.shape[1:3]
    for axis, (n, r) in enumerate(zip(sizes, ratio[1:3]), 1):
        if r > n:
            raise InvalidArgumentError(
                f"{op}: Pooling ratio is higher than input dimension size for dimension "
                f"{axis}. Input dim size: {n} pooling ratio: {r:g}")
    outs = [int(np.floor(np.float32(n) / np.float32(r))) for n, r in zip(sizes, ratio[1:3])]
    if seed == 0:
        key, counter = seeds_to_key_counter(secrets.randbits(64), secrets.randbits(64))
    else:
        key, counter = seeds_to_key_counter(*seeds.get_seed(seed))
    (rows, cols), _ = _sequences(sizes, outs, pseudo_random, key, counter)
    return x, rows, cols


def _cells(seq, size, overlapping):
    """(start, stop) of every cell along one axis, stop exclusive."""
    ends = seq[1:] if overlapping else seq[1:] - 1
    return [(int(a), int(min(b, size - 1)) + 1) for a, b in zip(seq[:-1], ends)]


class _FractionalMaxPool(Function):
    def __init__(self, rows, cols, overlapping):
        self.rows, self.cols, self.overlapping = rows, cols, overlapping

    def forward(self, x):
        b, h, w, c = x.shape
        self.shape = x.shape
        row_cells = _cells(self.rows, h, self.overlapping)
        col_cells = _cells(self.cols, w, self.overlapping)
        out = np.empty((b, len(row_cells), len(col_cells), c), x.dtype)
        self.winners = []
        for i, (r0, r1) in enumerate(row_cells):
            for j, (c0, c1) in enumerate(col_cells):
                cell = x[:, r0:r1, c0:c1, :].reshape(b, -1, c)
                first = np.argmax(cell, axis=1)  # the first maximum in row-major order
                out[:, i, j, :] = np.take_along_axis(cell, first[:, None, :], 1)[:, 0, :]
                self.winners.append((i, j, r0, c0, c1 - c0, first))
        return out

    def backward(self, g):
        grad = np.zeros(self.shape, g.dtype)
        batch = np.arange(self.shape[0])[:, None]
        channel = np.arange(self.shape[3])[None, :]
        for i, j, r0, c0, width, first in self.winners:
            rows = r0 + first // width
            cols = c0 + first % width
            np.add.at(grad, (batch, rows, cols, channel), g[:, i, j, :])
        return (grad,)


class _FractionalAvgPool(Function):
    def __init__(self, rows, cols, overlapping):
        self.rows, self.cols, self.overlapping = rows, cols, overlapping

    def forward(self, x):
        b, h, w, c = x.shape
        self.shape, self.dtype = x.shape, x.dtype
        self.row_cells = _cells(self.rows, h, self.overlapping)
        self.col_cells = _cells(self.cols, w, self.overlapping)
        out = np.empty((b, len(self.row_cells), len(self.col_cells), c), x.dtype)
        for i, (r0, r1) in enumerate(self.row_cells):
            for j, (c0, c1) in enumerate(self.col_cells):
                total = x[:, r0:r1, c0:c1, :].sum(axis=(1, 2), dtype=x.dtype)
                count = (r1 - r0) * (c1 - c0)
                if x.dtype.kind == "i":  # C++'s integer division truncates toward zero
                    out[:, i, j, :] = np.sign(total) * (np.abs(total) // count)
                else:
                    out[:, i, j, :] = total / x.dtype.type(count)
        return out

    def backward(self, g):
        # TF accumulates the spread gradient in float64 and casts once
        grad = np.zeros(self.shape, np.float64)
        for i, (r0, r1) in enumerate(self.row_cells):
            for j, (c0, c1) in enumerate(self.col_cells):
                count = (r1 - r0) * (c1 - c0)
                grad[:, r0:r1, c0:c1, :] += g[:, i, j, None, None, :].astype(np.float64) / count
        return (grad.astype(g.dtype),)


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0,
                        name=None):
    """Fractional max pooling of an NHWC ``value``: ``(output, row_pooling_sequence,
    col_pooling_sequence)`` as TensorFlow 2.21 (same sequences for the same seeds)."""
    x, rows, cols = _pool_setup("FractionalMaxPool", value, pooling_ratio, pseudo_random,
                                overlapping, seed)
    out = _FractionalMaxPool(rows, cols, bool(overlapping))(x)
    return out, Tensor(rows.copy()), Tensor(cols.copy())


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0,
                        name=None):
    """Fractional average pooling of an NHWC ``value``: ``(output, row_pooling_sequence,
    col_pooling_sequence)`` as TensorFlow 2.21 (same sequences for the same seeds)."""
    x, rows, cols = _pool_setup("FractionalAvgPool", value, pooling_ratio, pseudo_random,
                                overlapping, seed)
    out = _FractionalAvgPool(rows, cols, bool(overlapping))(x)
    return out, Tensor(rows.copy()), Tensor(cols.copy())
