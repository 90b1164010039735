"""``keras.ops.unfold`` (im2col) and ``keras.ops.fold`` (col2im) on channels-first images.

``unfold`` turns ``(N, C, H, W)`` into ``(N, C * kH * kW, L)`` with the patch axis ordered
``(C, kH, kW)`` and ``L = nH * nW`` blocks, as PyTorch and Keras; ``fold`` sums such blocks
back into ``(N, C, oH, oW)``. Each is the other's adjoint, so one primitive holds both
directions: a strided slice per kernel offset, gathered (unfold) or added (fold).

Example::

    >>> patches = tf.keras.ops.unfold(np.ones((1, 2, 4, 4)), kernel_size=2, stride=2)
    >>> patches.shape
    TensorShape([1, 8, 4])
    >>> tf.keras.ops.fold(patches, output_size=4, kernel_size=2, stride=2).shape
    TensorShape([1, 2, 4, 4])
"""

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.keras.ops.numpy import convert


class _Geometry:
    def __init__(self, size, kernel, dilation, padding, stride, where):
        self.k = _pair(kernel, "kernel_size", where, 1)
        self.d = _pair(dilation, "dilation", where, 1)
        self.p = _pair(padding, "padding", where, 0)
        self.s = _pair(stride, "stride", where, 1)
        self.size = size
        self.padded = tuple(n + 2 * p for n, p in zip(size, self.p))
        self.blocks = tuple((n - d * (k - 1) - 1) // s + 1
                            for n, k, d, s in zip(self.padded, self.k, self.d, self.s))
        if min(self.blocks) < 1:
            raise ValueError(
                f"{where}: a kernel of {self.k} with dilation {self.d} does not fit the padded "
                f"spatial size {self.padded}; use a smaller kernel_size or dilation, or more "
                "padding.")

    def offsets(self):
        (kh, kw), (dh, dw), (sh, sw), (nh, nw) = self.k, self.d, self.s, self.blocks
        for i in range(kh):
            for j in range(kw):
                yield i, j, (slice(i * dh, i * dh + sh * (nh - 1) + 1, sh),
                             slice(j * dw, j * dw + sw * (nw - 1) + 1, sw))

    def gather(self, x):
        n, c = x.shape[:2]
        (ph, pw) = self.p
        if ph or pw:
            x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        out = np.empty((n, c) + self.k + self.blocks, x.dtype)
        for i, j, (rows, cols) in self.offsets():
            out[:, :, i, j] = x[:, :, rows, cols]
        return out.reshape(n, c * self.k[0] * self.k[1], -1)

    def scatter(self, cols_):
        n = cols_.shape[0]
        c = cols_.shape[1] // (self.k[0] * self.k[1])
        blocks = cols_.reshape((n, c) + self.k + self.blocks)
        out = np.zeros((n, c) + self.padded, cols_.dtype)
        for i, j, (rows, cols) in self.offsets():
            out[:, :, rows, cols] += blocks[:, :, i, j]
        (ph, pw), (h, w) = self.p, self.size
        return out[:, :, ph:ph + h, pw:pw + w]


class _Patches(Function):
    def __init__(self, geometry, fold):
        self.geometry, self.fold = geometry, fold

    def forward(self, x):
        return self.geometry.scatter(x) if self.fold else self.geometry.gather(x)

    def backward(self, g):
        return (self.geometry.gather(g) if self.fold else self.geometry.scatter(g),)


def _pair(value, name, where, minimum):
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer))
                             or v < minimum for v in pair):
        raise ValueError(f"{where}: `{name}` must be an integer >= {minimum} or a pair of them; "
                         f"received {value!r}.")
    return tuple(int(v) for v in pair)


def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    x = convert(x)
    if x.data.ndim != 4:
        raise ValueError(f"Input must be a 4D tensor. Received: input.shape={x.data.shape}")
    geometry = _Geometry(x.data.shape[2:], kernel_size, dilation, padding, stride, "unfold")
    return _Patches(geometry, False)(x)


def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    x = convert(x)
    if x.data.ndim != 3:
        raise ValueError(f"Input must be a 3D tensor. Received: input.shape={x.data.shape}")
    size = _pair(output_size, "output_size", "fold", 1)
    geometry = _Geometry(size, kernel_size, dilation, padding, stride, "fold")
    kk = geometry.k[0] * geometry.k[1]
    if x.data.shape[1] % kk:
        raise ValueError(f"The second dimension of the input ({x.data.shape[1]}) must be "
                         f"divisible by kernel_size product ({kk}).")
    blocks = geometry.blocks[0] * geometry.blocks[1]
    if x.data.shape[2] != blocks:
        raise ValueError(
            f"fold: an output of {size} with kernel_size {geometry.k}, dilation {geometry.d}, "
            f"padding {geometry.p} and stride {geometry.s} holds {blocks} blocks "
            f"({geometry.blocks[0]} x {geometry.blocks[1]}); the input has "
            f"{x.data.shape[2]} (its last axis).")
    return _Patches(geometry, True)(x)


__all__ = ["fold", "unfold"]
