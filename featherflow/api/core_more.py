"""More of TensorFlow's top level: ``tf.approx_top_k``, ``tf.extract_volume_patches`` and
``tf.random_index_shuffle``, as TensorFlow 2.21 on the CPU.

- ``approx_top_k`` is exact on the CPU, as TF's CPU kernel: the ``k`` largest (``is_max_k``)
  along ``reduction_dimension``, sorted, with int32 indices; the other arguments only tune
  TPU/GPU approximations.
- ``extract_volume_patches`` is ``extract_image_patches`` one dimension up: every
  ``ksizes`` window of a ``(batch, planes, rows, cols, depth)`` volume laid out along the
  last axis in (plane, row, col, depth) order, "VALID" or "SAME" (zero padding, TF's split);
  differentiable.
- ``random_index_shuffle(index, seed, max_index, rounds=4)`` is TF's stateless
  permutation of ``[0, max_index]``: a Simon-style Feistel cipher on a block of
  ``max(16, even ceil(log2(max_index)))`` bits keyed by the three seed words (``rounds``
  round keys), walked until the value falls in range.

Example::

    >>> tf.random_index_shuffle(3, seed=[1, 2, 3], max_index=9)
"""

import collections

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.errors import InvalidArgumentError, NotFoundError, UnimplementedError

__all__ = ["approx_top_k", "extract_volume_patches", "random_index_shuffle"]

ApproxTopK = collections.namedtuple("ApproxTopK", ["values", "indices"])


def approx_top_k(input, k, reduction_dimension=-1, recall_target=0.95,  # noqa: A002
                 is_max_k=True, reduction_input_size_override=-1, aggregate_to_topk=True,
                 name=None):
    """The ``k`` largest (or, with ``is_max_k=False``, smallest) values along
    ``reduction_dimension`` and their int32 indices; exact, as TF's CPU kernel."""
    from featherflow.api import math_special

    x = input if isinstance(input, Tensor) else Tensor(as_array(input))
    if x.data.ndim == 0:
        raise InvalidArgumentError("approx_top_k: input must have rank >= 1; received a "
                                   "scalar.")
    if x.data.dtype not in (np.float16, np.float32):
        raise InvalidArgumentError(
            f"approx_top_k: Value for attr 'T' of {x.data.dtype.name} is not in the list of "
            "allowed values: half, bfloat16, float (TF's CPU kernel); cast the input first.")
    axis = int(reduction_dimension)
    if axis != -1:
        # TF 2.21 registers the CPU kernel for reduction_dimension=-1 only
        raise NotFoundError(
            f"approx_top_k: TensorFlow's CPU kernel reduces along reduction_dimension=-1 only; "
            f"received {axis}. Move the axis last (tf.experimental.numpy.moveaxis or "
            "tf.transpose) or use tf.math.approx_max_k, which takes any axis.")
    if int(k) > x.data.shape[-1]:
        raise InvalidArgumentError(f"approx_top_k: input must have at least k columns. Had "
                                   f"{x.data.shape[-1]}, needed {k}")
    pick = math_special.approx_max_k if is_max_k else math_special.approx_min_k
    values, indices = pick(x, int(k), reduction_dimension=axis)
    return ApproxTopK(values, indices)


# -- extract_volume_patches ----------------------------------------------------------------------
def _geometry(size, k, stride, padding):
    if padding == "VALID":
        out = (size - k) // stride + 1 if size >= k else 0
        return out, 0
    out = -(-size // stride)
    pad = max((out - 1) * stride + k - size, 0)
    return out, pad // 2


class _VolumePatches(Function):
    def __init__(self, ksizes, strides, padding):
        self.ksizes, self.strides, self.padding = ksizes, strides, padding

    def forward(self, x):
        self.shape = x.shape
        b, *spatial, depth = x.shape
        geometry = [_geometry(n, k, s, self.padding)
                    for n, k, s in zip(spatial, self.ksizes, self.strides)]
        self.geometry = geometry
        outs = [g[0] for g in geometry]
        pads = [(g[1], max((g[0] - 1) * s + k - n - g[1], 0))
                for g, n, k, s in zip(geometry, spatial, self.ksizes, self.strides)]
        self.pads = pads
        padded = np.pad(x, [(0, 0)] + pads + [(0, 0)])
        kp, kr, kc = self.ksizes
        sp, sr, sc = self.strides
        out = np.empty((b, *outs, kp, kr, kc, depth), x.dtype)
        for i in range(kp):
            for j in range(kr):
                for m in range(kc):
                    out[:, :, :, :, i, j, m, :] = padded[
                        :, i:i + sp * (outs[0] - 1) + 1:sp, j:j + sr * (outs[1] - 1) + 1:sr,
                        m:m + sc * (outs[2] - 1) + 1:sc, :]
        return out.reshape(b, *outs, kp * kr * kc * depth)

    def backward(self, g):
        b, *spatial, depth = self.shape
        outs = [geo[0] for geo in self.geometry]
        kp, kr, kc = self.ksizes
        sp, sr, sc = self.strides
        grad = np.zeros((b, *(n + lo + hi for n, (lo, hi) in zip(spatial, self.pads)), depth),
                        g.dtype)
        g = g.reshape(b, *outs, kp, kr, kc, depth)
        for i in range(kp):
            for j in range(kr):
                for m in range(kc):
                    grad[:, i:i + sp * (outs[0] - 1) + 1:sp, j:j + sr * (outs[1] - 1) + 1:sr,
                         m:m + sc * (outs[2] - 1) + 1:sc, :] += g[:, :, :, :, i, j, m, :]
        (p0, _), (r0, _), (c0, _) = self.pads
        return (grad[:, p0:p0 + spatial[0], r0:r0 + spatial[1], c0:c0 + spatial[2], :],)


def _five(values, what):
    values = [int(v) for v in values]
    if len(values) != 5:
        raise InvalidArgumentError(f"extract_volume_patches: {what} must have 5 entries "
                                   f"[1, planes, rows, cols, 1]; received {values}.")
    if values[0] != 1 or values[4] != 1:
        raise UnimplementedError(f"extract_volume_patches: Only support {what} across "
                                   f"space; received {values} (its first and last entries "
                                   "must be 1).")
    return values[1:4]


def extract_volume_patches(input, ksizes, strides, padding, name=None):  # noqa: A002
    """Every ``ksizes`` window of a 5-D ``input`` (batch, planes, rows, cols, depth), flattened
    into the depth axis of the output (batch, out_planes, out_rows, out_cols, window size)."""
    x = input if isinstance(input, Tensor) else Tensor(as_array(input))
    if x.data.ndim != 5:
        raise InvalidArgumentError(f"extract_volume_patches: input must be 5-dimensional "
                                   f"(batch, planes, rows, cols, depth); received shape "
                                   f"{list(x.data.shape)}.")
    padding = padding.decode() if isinstance(padding, bytes) else str(padding)
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"extract_volume_patches: padding must be 'SAME' or 'VALID'; received "
                         f"{padding!r}.")
    return _VolumePatches(_five(ksizes, "ksizes"), _five(strides, "strides"), padding)(x)


# -- random_index_shuffle ------------------------------------------------------------------------
_Z = 0x7369F885192C0EF5
_C = 0xFFFFFFFC


def _rotl(x, r, w, mask):
    return ((x << np.uint64(r)) | (x >> np.uint64(w - r))) & mask


def _rotr(x, r, w, mask):
    return ((x >> np.uint64(r)) | (x << np.uint64(w - r))) & mask


def _simon_f(x, w, mask):
    return (_rotl(x, 1, w, mask) & _rotl(x, 8, w, mask)) ^ _rotl(x, 2, w, mask)


def _round_keys(keys, rounds, w, mask):
    """(n, rounds) round keys of TF's Simon key schedule for (n, 3) seed words."""
    c, z = np.uint64(_C) & mask, _Z & ((1 << w) - 1)
    out = [keys[:, 0] & mask, keys[:, 1] & mask, keys[:, 2] & mask]
    for i in range(3, rounds):
        out.append(c ^ np.uint64(z & 1) ^ out[i - 3] ^ _rotr(out[i - 1], 3, w, mask)
                   ^ _rotr(out[i - 1], 4, w, mask))
        z >>= 1
    return out


def _block_bits(max_index):
    bits = int(np.ceil(np.log2(float(max_index))))
    bits = max(bits + bits % 2, 16)
    return bits if bits <= 62 else 64


def _walk(value, round_keys, limit, w, index):
    """Encrypt ``value`` with Python integers until it lands in ``[0, limit]``."""
    mask = (1 << w) - 1
    # a cycle of the cipher holds in-range values unless the index itself is out of range
    for _ in range(1 << min(2 * w, 30)):
        left, right = value >> w, value & mask
        for i in range(0, len(round_keys), 2):
            f = ((((right << 1) | (right >> (w - 1))) & ((right << 8) | (right >> (w - 8))))
                 ^ ((right << 2) | (right >> (w - 2)))) & mask
            left ^= f ^ round_keys[i]
            f = ((((left << 1) | (left >> (w - 1))) & ((left << 8) | (left >> (w - 8))))
                 ^ ((left << 2) | (left >> (w - 2)))) & mask
            right ^= f ^ round_keys[i + 1]
        value = (left << w) | right
        if value <= limit:
            return value
    raise InvalidArgumentError(f"random_index_shuffle: index {index} is not in [0, max_index="
                               f"{limit}]; it has no place in the permutation.")


def _shuffle(values, keys, limits, rounds):
    """TF's ``index_shuffle`` of every value (uint64 arrays), by cycle-walking the cipher."""
    out = np.zeros_like(values)
    nonzero = limits != 0
    bits = np.array([_block_bits(int(m)) if m else 0 for m in limits])
    for width in np.unique(bits[nonzero]):
        group = np.flatnonzero(nonzero & (bits == width))
        w = int(width) // 2
        mask = np.uint64((1 << w) - 1)
        round_keys = _round_keys(keys[group], rounds, w, mask)
        current, limit = values[group].copy(), limits[group]
        pending = np.arange(len(group))
        # a few passes over the whole group in NumPy place most values (a large max_index
        # needs one or two); the rest walk on as Python integers, cheaper one by one
        for _ in range(4):
            left = (current[pending] >> np.uint64(w)) & mask
            right = current[pending] & mask
            for i in range(0, rounds, 2):
                left = left ^ _simon_f(right, w, mask) ^ round_keys[i][pending]
                right = right ^ _simon_f(left, w, mask) ^ round_keys[i + 1][pending]
            current[pending] = (left << np.uint64(w)) | right
            pending = pending[current[pending] > limit[pending]]
            if not len(pending):
                break
        for j in pending:
            keys_j = [int(k[j]) for k in round_keys]
            current[j] = _walk(int(current[j]), keys_j, int(limit[j]), w,
                               int(values[group[j]]))
        out[group] = current
    return out


def random_index_shuffle(index, seed, max_index, rounds=4, name=None):
    """Where ``index`` goes in the pseudo-random permutation of ``[0, max_index]`` that
    ``seed`` (3 integers, or one row of 3 per index) picks; TF's values."""
    idx = np.asarray(as_array(index))
    top = np.asarray(as_array(max_index))
    seeds = np.asarray(as_array(seed))
    if idx.dtype not in (np.int32, np.int64, np.uint32, np.uint64):
        raise TypeError(f"random_index_shuffle: index must be int32, int64, uint32 or uint64; "
                        f"received {idx.dtype.name}.")
    if top.dtype != idx.dtype:
        raise TypeError(f"random_index_shuffle: max_index must have index's dtype "
                        f"({idx.dtype.name}); received {top.dtype.name}.")
    if seeds.dtype not in (np.int32, np.int64, np.uint32, np.uint64):
        raise InvalidArgumentError(f"random_index_shuffle: Invalid seed type: "
                                   f"{seeds.dtype.name}")
    rounds = int(rounds)
    if rounds < 4 or rounds % 2:
        raise InvalidArgumentError(f"random_index_shuffle: rounds must be an even number >= 4; "
                                   f"received {rounds}.")
    count = max(idx.size, top.size, seeds.size // 3)
    if idx.ndim > 1 or (idx.ndim == 1 and idx.size != count):
        raise InvalidArgumentError("random_index_shuffle: Index bust be a scalar or vector.")
    if not ((seeds.ndim == 1 and seeds.size == 3) or
            (seeds.ndim == 2 and seeds.shape == (count, 3))):
        raise InvalidArgumentError(f"random_index_shuffle: Seed must be a vector of size [3] or "
                                   f"a matrix of size [{count}, 3] but got "
                                   f"{list(seeds.shape)}.")
    if top.ndim > 1 or (top.ndim == 1 and top.size != count):
        raise InvalidArgumentError("random_index_shuffle: Maxval must be a scalar or a vector "
                                   f"of the same size as index but got {list(top.shape)}")
    values = np.broadcast_to(idx.reshape(-1).astype(np.uint64), (count,)).copy()
    limits = np.broadcast_to(top.reshape(-1).astype(np.uint64), (count,)).copy()
    # TF casts each seed word to uint32 (two's complement for negative seeds)
    words = (seeds.reshape(-1, 3).astype(np.int64) & 0xFFFFFFFF).astype(np.uint64)
    keys = np.broadcast_to(words, (count, 3)).copy()
    result = _shuffle(values, keys, limits, rounds).astype(idx.dtype)
    all_scalar = idx.ndim == 0 and seeds.ndim == 1 and top.ndim == 0
    return Tensor(result.reshape(()) if all_scalar else result)

