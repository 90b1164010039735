"""``keras.ops`` Fourier ops: ``fft``, ``fft2``, ``ifft2``, ``rfft``, ``irfft``, ``stft``,
``istft`` and the complex views ``view_as_complex`` / ``view_as_real``.

Keras passes complex values as ``(real, imag)`` tuples of float tensors, so every transform
here is a primitive on real tensors: NumPy's pocketfft (the same engine as ``tf.signal`` in
featherflow/api/signal.py) forward, the adjoint transform backward, so gradients reach both
parts as they do through TensorFlow's FFT gradients. ``stft``/``istft`` are Keras's TensorFlow
recipe (reflect padding, a zero-padded window, ``tf.signal``'s framing and overlap-add) built
from those primitives and featherflow's differentiable framing ops.

Example::

    >>> real, imag = tf.keras.ops.fft((np.array([1.0, 2.0]), np.array([0.0, 1.0])))
    >>> real.numpy(), imag.numpy()
    (array([ 3., -1.]), array([ 1., -1.]))
"""

import numpy as np

from featherflow.api import signal as _signal
from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor
from featherflow.keras.ops.numpy import _arr, convert
from featherflow.ops import indexing as _indexing
from featherflow.ops import math as _m
from featherflow.ops import padding as _padding

_COMPLEX = {np.dtype(np.float32): np.complex64, np.dtype(np.float64): np.complex128}


def _fit_last(a, size):
    """Crop or zero-pad the last axis of ``a`` to ``size`` (TensorFlow's fft_length rule)."""
    n = a.shape[-1]
    if n > size:
        return a[..., :size]
    if n < size:
        return np.pad(a, [(0, 0)] * (a.ndim - 1) + [(0, size - n)])
    return a


class _FFT(Function):
    """An n-D complex DFT over the last ``rank`` axes on (real, imag) arrays."""

    n_out = 2

    def __init__(self, rank, inverse):
        self.axes = tuple(range(-rank, 0))
        self.inverse = inverse

    def forward(self, re, im):
        c = (re + 1j * im).astype(_COMPLEX[re.dtype], copy=False)
        y = (np.fft.ifftn if self.inverse else np.fft.fftn)(c, axes=self.axes)
        self.dtype = re.dtype
        return y.real.astype(re.dtype), y.imag.astype(re.dtype)

    def backward(self, grads):
        g = grads[0] + 1j * grads[1]
        # the adjoint of the unnormalised DFT is N times the inverse DFT, and the other way
        size = int(np.prod([g.shape[a] for a in self.axes]))
        if self.inverse:
            gx = np.fft.fftn(g, axes=self.axes) / size
        else:
            gx = np.fft.ifftn(g, axes=self.axes) * size
        return gx.real.astype(self.dtype), gx.imag.astype(self.dtype)


class _RFFT(Function):
    """``tf.signal.rfft`` with ``fft_length`` n: real input to (real, imag) of n // 2 + 1 bins."""

    n_out = 2

    def __init__(self, n):
        self.n = n

    def forward(self, x):
        self.length, self.dtype = x.shape[-1], x.dtype
        y = np.fft.rfft(_fit_last(x, self.n), n=self.n, axis=-1)
        return y.real.astype(x.dtype), y.imag.astype(x.dtype)

    def backward(self, grads):
        g = grads[0] + 1j * grads[1]
        full = np.zeros(g.shape[:-1] + (self.n,), g.dtype)
        full[..., : g.shape[-1]] = g
        gx = (np.fft.ifft(full, axis=-1) * self.n).real
        return (_fit_last(gx, self.length).astype(self.dtype),)


class _IRFFT(Function):
    """``tf.signal.irfft`` with ``fft_length`` n on (real, imag) of the n // 2 + 1 bins."""

    def __init__(self, n):
        self.n = n

    def forward(self, re, im):
        self.length, self.dtype = re.shape[-1], re.dtype
        c = (re + 1j * im).astype(_COMPLEX[re.dtype], copy=False)
        return np.fft.irfft(_fit_last(c, self.n // 2 + 1), n=self.n, axis=-1).astype(re.dtype)

    def backward(self, g):
        # each bin other than DC (and Nyquist for an even length) stands for itself and its
        # conjugate mirror, so its weight doubles
        gc = np.fft.rfft(g, n=self.n, axis=-1) / self.n
        weight = np.full(gc.shape[-1], 2.0)
        weight[0] = 1.0
        if self.n % 2 == 0:
            weight[-1] = 1.0
        gc = _fit_last(gc * weight, self.length)
        return gc.real.astype(self.dtype), gc.imag.astype(self.dtype)


def _pair(x, where):
    """``(real, imag)`` as two float tensors of one shape, as Keras's TensorFlow backend."""
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(
            f"{where}: input `x` should be a tuple of two tensors - real and imaginary. "
            f"Received: x={x!r}")
    real, imag = convert(x[0]), convert(x[1])
    if real.data.shape != imag.data.shape:
        raise ValueError(
            f"{where}: input `x` should be a tuple of two tensors - real and imaginary. Both "
            "the real and imaginary parts should have the same shape. Received: x[0].shape = "
            f"{real.data.shape}, x[1].shape = {imag.data.shape}")
    if real.data.dtype.kind != "f" or imag.data.dtype.kind != "f":
        raise ValueError(
            f"{where}: at least one tensor in input `x` is not of type float. Received dtypes "
            f"{real.data.dtype} and {imag.data.dtype}; cast them with keras.ops.cast(x, "
            "'float32').")
    if real.data.dtype != imag.data.dtype:
        raise TypeError(
            f"{where}: the real and imaginary parts must have one dtype; received "
            f"{real.data.dtype} and {imag.data.dtype}.")
    return _complex_precision(real, where), _complex_precision(imag, where)


def _complex_precision(x, where):
    if x.data.dtype not in _COMPLEX:
        raise TypeError(
            f"{where}: TensorFlow's complex tensors are complex64 or complex128, so the parts "
            f"must be float32 or float64; received {x.data.dtype}. Cast with "
            "keras.ops.cast(x, 'float32').")
    return x


def _rank_at_least(x, rank, where):
    if x.data.ndim < rank:
        raise ValueError(f"{where}: input should have rank >= {rank}. Received: input.shape = "
                         f"{x.data.shape}")


def _length(value, name, where):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: `{name}` must be a positive integer. Received: "
                         f"{name}={value!r}")
    return int(value)


def fft(x):
    real, imag = _pair(x, "fft")
    _rank_at_least(real, 1, "fft")
    return _FFT(1, False)(real, imag)


def fft2(x):
    real, imag = _pair(x, "fft2")
    _rank_at_least(real, 2, "fft2")
    return _FFT(2, False)(real, imag)


def ifft2(x):
    real, imag = _pair(x, "ifft2")
    _rank_at_least(real, 2, "ifft2")
    return _FFT(2, True)(real, imag)


def rfft(x, fft_length=None):
    # tf.signal.rfft converts a non-tensor argument to float32 whatever its precision
    x = _complex_precision(convert(x) if isinstance(x, Tensor) else convert(x, "float32"),
                           "rfft")
    _rank_at_least(x, 1, "rfft")
    n = x.data.shape[-1] if fft_length is None else _length(fft_length, "fft_length", "rfft")
    return _RFFT(n)(x)


def irfft(x, fft_length=None):
    real, imag = _pair(x, "irfft")
    _rank_at_least(real, 1, "irfft")
    if fft_length is None:
        n = 2 * (real.data.shape[-1] - 1)
        if n <= 0:
            raise ValueError(
                f"irfft: cannot infer fft_length from {real.data.shape[-1]} frequency bin(s); "
                "pass fft_length.")
    else:
        n = _length(fft_length, "fft_length", "irfft")
    return _IRFFT(n)(real, imag)


def _window(window, sequence_length, fft_length, dtype):
    """Keras's window: hann/hamming (periodic) or given, centred in ``fft_length`` zeros."""
    if window is None:
        return None
    if isinstance(window, str):
        make = _signal.hann_window if window == "hann" else _signal.hamming_window
        win = make(sequence_length, periodic=True, dtype=dtype).data
    else:
        win = np.asarray(_arr(window)).astype(dtype)
    if win.ndim != 1 or win.shape[-1] != sequence_length:
        raise ValueError("The shape of `window` must be equal to [sequence_length]. Received: "
                         f"window shape={win.shape}, sequence_length={sequence_length}")
    left = (fft_length - sequence_length) // 2
    return np.pad(win, (left, fft_length - sequence_length - left))


def _check_stft_args(sequence_length, sequence_stride, fft_length, window, where):
    if isinstance(sequence_stride, bool) or not isinstance(sequence_stride, int) or \
            sequence_stride <= 0:
        raise ValueError("`sequence_stride` must be a positive integer. Received: "
                         f"sequence_stride={sequence_stride!r}")
    sequence_length = _length(sequence_length, "sequence_length", where)
    fft_length = _length(fft_length, "fft_length", where)
    if fft_length < sequence_length:
        raise ValueError("`fft_length` must equal or larger than `sequence_length`. Received: "
                         f"sequence_length={sequence_length}, fft_length={fft_length}")
    if isinstance(window, str) and window not in ("hann", "hamming"):
        raise ValueError('If a string is passed to `window`, it must be one of `"hann"`, '
                         f'`"hamming"`. Received: window={window}')
    return sequence_length, fft_length


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    sequence_length, fft_length = _check_stft_args(sequence_length, sequence_stride,
                                                   fft_length, window, "stft")
    x = convert(x)
    if x.data.dtype not in _COMPLEX:
        raise TypeError("Invalid input type. Expected `float32` or `float64`. Received: input "
                        f"type={x.data.dtype}")
    if center:
        half = fft_length // 2
        if x.data.shape[-1] <= half:
            raise ValueError(
                f"stft: center=True reflect-pads {half} samples on each side, which needs a "
                f"signal longer than {half}; received length {x.data.shape[-1]}.")
        widths = [[0, 0]] * (x.data.ndim - 1) + [[half, half]]
        x = _padding.pad(x, widths, mode="REFLECT")
    frames = _signal.frame(x, fft_length, sequence_stride)
    win = _window(window, sequence_length, fft_length, x.data.dtype)
    if win is not None:
        frames = _m.multiply(frames, Tensor(win))
    return _RFFT(fft_length)(frames)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True):
    sequence_length, fft_length = _check_stft_args(sequence_length, sequence_stride,
                                                   fft_length, window, "istft")
    real, imag = _pair(x, "istft")
    _rank_at_least(real, 2, "istft")
    frames = _IRFFT(fft_length)(real, imag)
    win = _window(window, sequence_length, fft_length, real.data.dtype)
    if win is not None:
        # tf.signal.inverse_stft_window_fn: the window divided by the overlapping squares
        inverse = _signal.inverse_stft_window_fn(
            sequence_stride, lambda n, dtype: Tensor(win))(fft_length, real.data.dtype)
        frames = _m.multiply(frames, inverse)
    out = _signal.overlap_and_add(frames, sequence_stride)
    expected = fft_length + sequence_stride * (real.data.shape[-2] - 1)
    start = fft_length // 2 if center else 0
    if length is not None:
        end = start + int(length)
    elif center:
        end = expected - fft_length // 2
    else:
        end = expected
    end = min(max(end, start), out.data.shape[-1])
    return _indexing.getitem(out, (Ellipsis, slice(start, end)))


def view_as_complex(x):
    a = np.asarray(_arr(x))
    if a.ndim < 1 or a.shape[-1] != 2:
        raise ValueError("Last dimension of input must be size 2 (real and imaginary). "
                         f"Received shape: {a.shape}")
    # Keras casts both parts to complex64 whatever their precision
    return Tensor(a[..., 0].astype(np.complex64) + 1j * a[..., 1].astype(np.complex64))


def view_as_real(x):
    a = np.asarray(_arr(x))
    if a.dtype.kind == "c":
        return Tensor(np.stack([a.real, a.imag], axis=-1))
    return convert(np.stack([a, np.zeros_like(a)], axis=-1))




def polar(abs_, angle):
    """The complex tensor ``abs_ * (cos(angle) + 1j * sin(angle))`` (``torch.polar``)."""
    magnitude, phase = np.asarray(_arr(abs_)), np.asarray(_arr(angle))
    if magnitude.dtype.kind != "f" or phase.dtype.kind != "f":
        raise ValueError(
            "polar: `abs_` and `angle` must be float tensors (TensorFlow builds the complex "
            f"result from float parts); received {magnitude.dtype} and {phase.dtype}. Cast "
            "with keras.ops.cast(x, 'float32').")
    dtype = np.result_type(magnitude, phase)
    if dtype not in _COMPLEX:
        raise TypeError(f"polar: complex results have float32 or float64 parts; received "
                        f"{dtype}.")
    real = (magnitude * np.cos(phase)).astype(dtype)
    imag = (magnitude * np.sin(phase)).astype(dtype)
    return Tensor(real + 1j * imag.astype(_COMPLEX[dtype]))


__all__ = ["fft", "fft2", "ifft2", "irfft", "istft", "polar", "rfft", "stft", "view_as_complex",
           "view_as_real"]
