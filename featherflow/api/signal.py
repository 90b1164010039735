"""``tf.signal``: framing, windows, FFTs, STFTs, DCTs, mel filterbanks and MFCCs.

The real-valued ops (``frame``, ``overlap_and_add``, the windows, ``dct``/``idct``, ``mdct``,
``linear_to_mel_weight_matrix``, ``mfccs_from_log_mel_spectrograms``, the shifts of real
tensors) are built from featherflow's differentiable ops: the DCTs are products with their
cosine matrices, so gradients flow through them. The FFTs (and ``stft``/``inverse_stft``,
which return or take complex spectra) run NumPy's pocketfft and return complex64/complex128
Tensors without gradients: featherflow's autodiff works on real tensors (``tf.abs`` of a
spectrogram, as the audio tutorial takes, is where the data pipeline usually goes real).
"""

import math

import numpy as np

from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array


def _t(x, dtype=None):
    if isinstance(x, Tensor):
        return x
    if isinstance(x, np.ndarray):
        return Tensor(x if dtype is None else x.astype(dtype))
    return Tensor(as_array(x) if dtype is None else np.asarray(x, dtype))


def _int(value, what):
    value = np.asarray(value.data if isinstance(value, Tensor) else value)
    if value.ndim != 0 or value.dtype.kind not in "iu":
        raise ValueError(f"{what} must be a scalar integer; received {value!r}.")
    return int(value)


# -- framing -----------------------------------------------------------------------------------
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Frames of ``frame_length`` samples every ``frame_step`` along ``axis``."""
    from featherflow.ops import indexing, padding

    x = _t(signal)
    length, step = _int(frame_length, "frame_length"), _int(frame_step, "frame_step")
    if x.data.ndim < 1:
        raise ValueError("frame: signal must have rank >= 1.")
    axis = axis % x.data.ndim
    n = x.data.shape[axis]
    if pad_end:
        frames = -(-n // step)
        pad = max(0, length + step * (frames - 1) - n)
        widths = [[0, 0]] * x.data.ndim
        widths[axis] = [0, pad]
        x = padding.pad(x, widths, constant_values=pad_value)
        n = x.data.shape[axis]
    else:
        frames = 0 if n < length else 1 + (n - length) // step
    index = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).astype(np.int64)
    if frames == 0:
        shape = list(x.data.shape)
        shape[axis:axis + 1] = [0, length]
        return Tensor(np.zeros(shape, x.data.dtype))
    return indexing.gather(x, index, axis=axis)


def overlap_and_add(signal, frame_step, name=None):
    """Sum frames ``[..., frames, frame_length]`` placed ``frame_step`` apart."""
    from featherflow.ops import reduce, reshape

    x = _t(signal)
    if x.data.ndim < 2:
        raise ValueError("overlap_and_add: signal must have rank >= 2.")
    step = _int(frame_step, "frame_step")
    frames, length = x.data.shape[-2:]
    out_len = length + step * (frames - 1)
    index = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).reshape(-1)
    flat = reshape.reshape(x, x.data.shape[:-2] + (frames * length,))
    nd = flat.data.ndim
    moved = reshape.transpose(flat, [nd - 1] + list(range(nd - 1)))
    summed = reduce.unsorted_segment_sum(moved, index, out_len)
    return reshape.transpose(summed, list(range(1, nd)) + [0])


# -- windows -----------------------------------------------------------------------------------
def _float_dtype(dtype, what):
    dt = np.dtype(dtype if not hasattr(dtype, "as_numpy_dtype") else dtype.as_numpy_dtype)
    if dt.kind != "f":
        raise ValueError(f"{what}: dtype must be a floating point type. Found {dt}")
    return dt


def _raised_cosine(window_length, periodic, dtype, a, b, what):
    dt = _float_dtype(dtype, what)
    n = _int(window_length, "window_length")
    if n == 1:
        return Tensor(np.ones(1, dt))
    # TF: periodic windows of even length divide by n, the others by n - 1
    denom = n + (1 if periodic and n % 2 == 0 else 0) - 1
    count = np.arange(n, dtype=dt)
    arg = np.asarray(2 * np.pi, dt) * count / np.asarray(denom, dt)
    return Tensor((np.asarray(a, dt) - np.asarray(b, dt) * np.cos(arg)).astype(dt))


def hann_window(window_length, periodic=True, dtype=np.float32, name=None):
    return _raised_cosine(window_length, periodic, dtype, 0.5, 0.5, "hann_window")


def hamming_window(window_length, periodic=True, dtype=np.float32, name=None):
    return _raised_cosine(window_length, periodic, dtype, 0.54, 0.46, "hamming_window")


def kaiser_window(window_length, beta=12.0, dtype=np.float32, name=None):
    dt = _float_dtype(dtype, "kaiser_window")
    n = _int(window_length, "window_length")
    if n == 1:
        return Tensor(np.ones(1, dt))
    half = np.float32((n - 1.0) / 2.0)
    arg = np.arange(-half, half + np.float32(0.1), dtype=np.float32).astype(dt)
    beta = np.asarray(beta, dt)
    num = beta * np.sqrt(np.maximum(np.asarray(1, dt) - np.square(arg / np.asarray(half, dt)),
                                    0))
    return Tensor((np.exp(num - beta) * (_i0e(num) / _i0e(beta))).astype(dt))


def _i0e(x):
    x = np.asarray(x)
    return (np.i0(x.astype(np.float64)) * np.exp(-np.abs(x.astype(np.float64)))).astype(x.dtype)


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=np.float32, name=None):
    n = _int(window_length, "window_length")
    k = kaiser_window(n // 2 + 1, beta, dtype).data
    c = np.cumsum(k)
    half = np.sqrt(c[:-1] / c[-1])
    return Tensor(np.concatenate([half, half[::-1]]).astype(k.dtype))


def vorbis_window(window_length, dtype=np.float32, name=None):
    dt = _float_dtype(dtype, "vorbis_window")
    n = _int(window_length, "window_length")
    arg = np.arange(n, dtype=dt)
    inner = np.sin(np.asarray(np.pi, dt) / np.asarray(n, dt) * (arg + np.asarray(0.5, dt)))
    return Tensor(np.sin(np.asarray(np.pi / 2.0, dt) * np.power(inner, 2.0)).astype(dt))


# -- FFTs -----------------------------------------------------------------------------------------
class _Fft(Function):
    """A complex DFT (``inverse``: its inverse) over ``axes``. The DFT matrix is symmetric, so
    the holomorphic backward is the same transform; the tape's complex convention
    (``autodiff/function.py``) makes it TF's: ``ifft(dy) * n`` for fft, ``fft(dy) / n`` for
    ifft."""

    def __init__(self, axes, inverse):
        self.axes, self.inverse = axes, inverse

    def forward(self, a):
        fn = np.fft.ifftn if self.inverse else np.fft.fftn
        return fn(a, axes=self.axes).astype(a.dtype)

    backward = forward  # the symmetric DFT: returns one array, the tape wraps it


class _Rfft(Function):
    """The half spectrum of a real signal, zero-padded or cropped to ``lengths`` first.

    TF's gradient for the real input is ``real(R^H dy)`` (R the map from the signal to the
    half spectrum): ``dy`` zero-filled to the full spectrum, times ``n`` and inverse-transformed,
    the real part, cropped or padded back to the signal's shape."""

    conjugate_complex = False

    def __init__(self, lengths, axes):
        self.lengths, self.axes = lengths, axes

    def forward(self, a):
        self.shape, self.dtype = a.shape, a.dtype
        out = np.complex128 if a.dtype == np.float64 else np.complex64
        return np.fft.rfftn(a, s=self.lengths, axes=self.axes).astype(out)

    def backward(self, g):
        full = list(g.shape)
        full[self.axes[-1]] = self.lengths[-1]
        spectrum = np.zeros(full, g.dtype)
        spectrum[..., :g.shape[-1]] = g
        size = int(np.prod(self.lengths))
        grad = np.real(np.fft.ifftn(spectrum, axes=self.axes)) * size
        return (_fit(grad, self.shape, self.axes).astype(self.dtype),)


class _Irfft(Function):
    """The real signal of a half spectrum, cropped or padded to ``lengths``' half first.

    TF's gradient for the complex spectrum: ``rfft(dy)`` over ``n``, doubled on the bins that
    stand for two conjugate ones (all but the first and, for an even length, the last)."""

    conjugate_complex = False

    def __init__(self, lengths, axes):
        self.lengths, self.axes = lengths, axes

    def forward(self, a):
        self.shape, self.dtype = a.shape, a.dtype
        out = np.float64 if a.dtype == np.complex128 else np.float32
        return np.fft.irfftn(_fit(a, _half(a.shape, self.lengths, self.axes), self.axes),
                             s=self.lengths, axes=self.axes).astype(out)

    def backward(self, g):
        n = self.lengths[-1]
        grad = np.fft.rfftn(g, s=self.lengths, axes=self.axes)
        weight = np.full(n // 2 + 1, 2.0)
        weight[0] = 1.0
        if n % 2 == 0:
            weight[-1] = 1.0
        grad = grad * weight / int(np.prod(self.lengths))
        return (_fit(grad, self.shape, self.axes).astype(self.dtype),)


def _half(shape, lengths, axes):
    """The spectrum shape irfft reads: the lengths on the inner axes, n // 2 + 1 on the last."""
    out = list(shape)
    for axis, size in zip(axes, list(lengths[:-1]) + [lengths[-1] // 2 + 1]):
        out[axis] = size
    return out


def _fit(a, shape, axes):
    """``a`` cropped or zero-padded on ``axes`` to ``shape`` (TF's fft_length rule)."""
    for axis in axes:
        size = shape[axis]
        if a.shape[axis] > size:
            a = np.take(a, np.arange(size), axis=axis)
        elif a.shape[axis] < size:
            widths = [(0, 0)] * a.ndim
            widths[axis] = (0, size - a.shape[axis])
            a = np.pad(a, widths)
    return a


def _complex_input(x, what):
    """``x`` as a complex Tensor; a real one is cast (recorded, so its gradient is real)."""
    from featherflow.ops import math as math_ops  # a cycle: ops.math loads api modules

    t = x if isinstance(x, Tensor) else Tensor(as_array(x))
    kind = t.data.dtype.kind
    if kind in "iub":
        t = Tensor(t.data.astype(np.float32))
        kind = "f"
    if kind == "f":  # real input: taken as complex with zero imaginary part, as TF
        t = math_ops.cast(t, np.complex128 if t.data.dtype == np.float64 else np.complex64)
    elif kind != "c":
        raise ValueError(f"{what}: input must be numeric (complex64/complex128); received "
                         f"{t.data.dtype}.")
    return t


def _fft_n(inverse, rank, x, what):
    t = _complex_input(x, what)
    if t.data.ndim < rank:
        raise ValueError(f"{what}: input must have rank >= {rank}; received shape "
                         f"{t.data.shape}.")
    return _Fft(tuple(range(-rank, 0)), inverse)(t)


def fft(input, name=None):  # noqa: A002
    return _fft_n(False, 1, input, "fft")


def ifft(input, name=None):  # noqa: A002
    return _fft_n(True, 1, input, "ifft")


def fft2d(input, name=None):  # noqa: A002
    return _fft_n(False, 2, input, "fft2d")


def ifft2d(input, name=None):  # noqa: A002
    return _fft_n(True, 2, input, "ifft2d")


def fft3d(input, name=None):  # noqa: A002
    return _fft_n(False, 3, input, "fft3d")


def ifft3d(input, name=None):  # noqa: A002
    return _fft_n(True, 3, input, "ifft3d")


def _lengths(fft_length, a, rank, inverse):
    if fft_length is None:
        shape = list(a.shape[-rank:])
        if inverse:
            shape[-1] = 2 * (shape[-1] - 1)
        return shape
    lengths = [int(v) for v in np.asarray(
        fft_length.data if isinstance(fft_length, Tensor) else fft_length).reshape(-1)]
    if len(lengths) != rank:
        raise ValueError(f"fft_length must have {rank} entries; received {lengths}.")
    return lengths


def _real_input(x, what):
    t = x if isinstance(x, Tensor) else Tensor(as_array(x))
    if t.data.dtype.kind not in "f":
        t = Tensor(t.data.astype(np.float32))
    return t


def _rfft_n(rank, x, fft_length, what):
    t = _real_input(x, what)
    lengths = _lengths(fft_length, t.data, rank, False)
    return _Rfft(lengths, tuple(range(t.data.ndim - rank, t.data.ndim)))(t)


def _irfft_n(rank, x, fft_length, what):
    t = _complex_input(x, what)
    lengths = _lengths(fft_length, t.data, rank, True)
    # TF crops or zero-pads the inner spectrum axes to the lengths (the last to n // 2 + 1)
    return _Irfft(lengths, tuple(range(t.data.ndim - rank, t.data.ndim)))(t)


def rfft(input_tensor, fft_length=None, name=None):
    return _rfft_n(1, input_tensor, fft_length, "rfft")


def irfft(input_tensor, fft_length=None, name=None):
    return _irfft_n(1, input_tensor, fft_length, "irfft")


def rfft2d(input_tensor, fft_length=None, name=None):
    return _rfft_n(2, input_tensor, fft_length, "rfft2d")


def irfft2d(input_tensor, fft_length=None, name=None):
    return _irfft_n(2, input_tensor, fft_length, "irfft2d")


def rfft3d(input_tensor, fft_length=None, name=None):
    return _rfft_n(3, input_tensor, fft_length, "rfft3d")


def irfft3d(input_tensor, fft_length=None, name=None):
    return _irfft_n(3, input_tensor, fft_length, "irfft3d")


def _nd_axes(a, fft_length, axes):
    axes = list(range(-len(fft_length), 0)) if axes is None and fft_length is not None else (
        list(range(a.ndim)) if axes is None else [int(v) for v in np.asarray(axes).reshape(-1)])
    lengths = None if fft_length is None else [int(v) for v in np.asarray(
        fft_length.data if isinstance(fft_length, Tensor) else fft_length).reshape(-1)]
    return lengths, axes


def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    a = _complex_input(input_tensor, "fftnd").data
    lengths, axes = _nd_axes(a, fft_length, axes)
    return Tensor(np.fft.fftn(a, s=lengths, axes=axes).astype(a.dtype))


def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    a = _complex_input(input_tensor, "ifftnd").data
    lengths, axes = _nd_axes(a, fft_length, axes)
    return Tensor(np.fft.ifftn(a, s=lengths, axes=axes).astype(a.dtype))


def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    a = _real_input(input_tensor, "rfftnd").data
    lengths, axes = _nd_axes(a, fft_length, axes)
    out = np.complex128 if a.dtype == np.float64 else np.complex64
    return Tensor(np.fft.rfftn(a, s=lengths, axes=axes).astype(out))


def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    a = _complex_input(input_tensor, "irfftnd").data
    lengths, axes = _nd_axes(a, fft_length, axes)
    out = np.float64 if a.dtype == np.complex128 else np.float32
    return Tensor(np.fft.irfftn(a, s=lengths, axes=axes).astype(out))


def _shift(x, axes, inverse):
    from featherflow.ops import reverse

    t = _t(x)
    nd = t.data.ndim
    axes = list(range(nd)) if axes is None else (
        [int(axes)] if np.ndim(axes) == 0 else [int(a) for a in axes])
    shifts = [(-(t.data.shape[a] // 2) if inverse else t.data.shape[a] // 2) for a in axes]
    if t.data.dtype.kind == "c":
        return Tensor(np.roll(t.data, shifts, axes))
    return reverse.roll(t, shifts, axes)


def fftshift(x, axes=None, name=None):
    return _shift(x, axes, False)


def ifftshift(x, axes=None, name=None):
    return _shift(x, axes, True)


# -- STFTs ------------------------------------------------------------------------------------
def _enclosing_power_of_two(n):
    return int(2 ** np.ceil(np.log(n) / np.log(2.0)))


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None):
    """The short-time Fourier transform: complex ``[..., frames, fft_length // 2 + 1]``."""
    length = _int(frame_length, "frame_length")
    n_fft = _enclosing_power_of_two(length) if fft_length is None else _int(
        fft_length, "fft_length")
    framed = frame(signals, length, frame_step, pad_end=pad_end)
    data = framed.data
    if window_fn is not None:
        data = data * window_fn(length, dtype=data.dtype).data
    return rfft(Tensor(data), [n_fft])


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    step = _int(frame_step, "frame_step")

    def inner(frame_length, dtype):
        window = forward_window_fn(frame_length, dtype=dtype).data
        length = window.shape[0]
        overlaps = -(-length // step)
        denom = np.pad(np.square(window), (0, overlaps * step - length))
        denom = np.tile(denom.reshape(overlaps, step).sum(0, keepdims=True), (overlaps, 1))
        denom = denom.reshape(-1)[:length]
        return Tensor(np.where(denom == 0, 0, window / np.where(denom == 0, 1, denom))
                      .astype(window.dtype))
    return inner


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None):
    length = _int(frame_length, "frame_length")
    n_fft = _enclosing_power_of_two(length) if fft_length is None else _int(
        fft_length, "fft_length")
    frames = irfft(stfts, [n_fft]).data
    if frames.shape[-1] > length:
        frames = frames[..., :length]
    elif frames.shape[-1] < length:
        frames = np.pad(frames, [(0, 0)] * (frames.ndim - 1) + [(0, length - frames.shape[-1])])
    if window_fn is not None:
        frames = frames * window_fn(length, dtype=frames.dtype).data
    return overlap_and_add(Tensor(frames), frame_step)


# -- DCTs (products with cosine matrices: differentiable) -----------------------------------------
def _dct_matrix(n, kind, norm, dtype):
    k = np.arange(n)[:, None].astype(np.float64)   # output index
    j = np.arange(n)[None, :].astype(np.float64)   # input index
    if kind == 1:
        m = 2 * np.cos(np.pi * k * j / (n - 1))
        m[:, 0] = 1.0
        m[:, -1] = (-1.0) ** np.arange(n)
    elif kind == 2:
        m = 2 * np.cos(np.pi * k * (2 * j + 1) / (2 * n))
        if norm == "ortho":
            m[0] *= math.sqrt(1 / (4 * n))
            m[1:] *= math.sqrt(1 / (2 * n))
    elif kind == 3:
        m = 2 * np.cos(np.pi * j * (2 * k + 1) / (2 * n))
        m[:, 0] = 1.0
        if norm == "ortho":
            m[:, 0] *= 1 / math.sqrt(n)
            m[:, 1:] *= math.sqrt(1 / (2 * n))
    else:
        m = 2 * np.cos(np.pi * (2 * k + 1) * (2 * j + 1) / (4 * n))
        if norm == "ortho":
            m *= math.sqrt(1 / (2 * n))
    return m.T.astype(dtype)  # x @ M


def _dct(input, kind, n, axis, norm, what):  # noqa: A002
    from featherflow.ops import indexing, linalg, padding

    if axis != -1:
        raise ValueError(f"{what}: axis must be -1; received {axis}.")
    if n is not None and n < 1:
        raise ValueError("n should be a positive integer or None")
    if kind not in (1, 2, 3, 4):
        raise ValueError("Types I, II, III and IV (I)DCT are supported.")
    if norm not in (None, "ortho"):
        raise ValueError(f"Unknown normalization. Expected None or 'ortho', got: {norm}")
    x = _t(input)
    if x.data.dtype.kind != "f":
        x = Tensor(x.data.astype(np.float32))
    if n is not None:
        size = x.data.shape[-1]
        if n <= size:
            x = indexing.getitem(x, (Ellipsis, slice(0, n)))
        else:
            x = padding.pad(x, [[0, 0]] * (x.data.ndim - 1) + [[0, n - size]])
    size = x.data.shape[-1]
    if kind == 1:
        if norm == "ortho":
            raise ValueError("Normalization is not supported for the Type-I DCT.")
        if size < 2:
            raise ValueError("Type-I DCT requires the dimension to be greater than one.")
    return linalg.matmul(x, Tensor(_dct_matrix(size, kind, norm, x.data.dtype)))


def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The DCT of types I-IV over the last axis (scipy's definitions, as TensorFlow)."""
    return _dct(input, type, n, axis, norm, "dct")


def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The inverse DCT: a DCT of the inverse type (II <-> III), as TensorFlow."""
    return _dct(input, {1: 1, 2: 3, 3: 2, 4: 4}[type], n, axis, norm, "idct")


def mdct(signals, frame_length, window_fn=vorbis_window, pad_end=False, norm=None, name=None):
    from featherflow.ops import concat, reverse
    from featherflow.ops import math as math_ops

    length = _int(frame_length, "frame_length")
    if length % 4:
        raise ValueError("The frame length must be a multiple of 4.")
    framed = frame(signals, length, length // 2, pad_end=pad_end)
    if window_fn is not None:
        framed = math_ops.multiply(framed, window_fn(length, dtype=framed.data.dtype))
    else:
        framed = math_ops.multiply(framed, np.asarray(1 / np.sqrt(2), framed.data.dtype))
    a, b, c, d = concat.split(framed, 4, axis=-1)
    first = math_ops.subtract(math_ops.negative(reverse.reverse(c, [-1])), d)
    second = math_ops.subtract(a, reverse.reverse(b, [-1]))
    return dct(concat.concat([first, second], -1), type=4, norm=norm)


def inverse_mdct(mdcts, window_fn=vorbis_window, norm=None, name=None):
    from featherflow.ops import concat, reverse
    from featherflow.ops import math as math_ops

    x = _t(mdcts)
    half = x.data.shape[-1]
    if norm is None:
        y = math_ops.multiply(dct(x, type=4), np.asarray(0.5 / half, x.data.dtype))
    else:
        y = dct(x, type=4, norm="ortho")
    a, b = concat.split(y, 2, axis=-1)
    frames = concat.concat([b, math_ops.negative(reverse.reverse(b, [-1])),
                            math_ops.negative(reverse.reverse(a, [-1])), math_ops.negative(a)], -1)
    if window_fn is not None:
        frames = math_ops.multiply(frames, window_fn(2 * half, dtype=x.data.dtype))
    else:
        frames = math_ops.multiply(frames, np.asarray(1 / np.sqrt(2), x.data.dtype))
    return overlap_and_add(frames, half)


# -- mel --------------------------------------------------------------------------------------
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=np.float32, name=None):
    """``[num_spectrogram_bins, num_mel_bins]`` triangular filters on the HTK mel scale."""
    dt = _float_dtype(dtype, "linear_to_mel_weight_matrix")
    sample_rate = float(np.asarray(getattr(sample_rate, "data", sample_rate)))
    if num_mel_bins <= 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {num_mel_bins}")
    if lower_edge_hertz < 0.0:
        raise ValueError(f"lower_edge_hertz must be non-negative. Got: {lower_edge_hertz}")
    if lower_edge_hertz >= upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz {lower_edge_hertz:.1f} >= upper_edge_hertz "
                         f"{upper_edge_hertz:.1f}")
    if sample_rate <= 0.0:
        raise ValueError(f"sample_rate must be positive. Got: {sample_rate}")
    if upper_edge_hertz > sample_rate / 2:
        raise ValueError(f"upper_edge_hertz must not be larger than the Nyquist frequency "
                         f"(sample_rate / 2). Got {upper_edge_hertz} for sample_rate: "
                         f"{sample_rate}")

    def to_mel(hz):
        return np.asarray(_MEL_HIGH_FREQUENCY_Q, dt) * np.log(
            np.asarray(1.0, dt) + hz / np.asarray(_MEL_BREAK_FREQUENCY_HERTZ, dt))
    nyquist = np.asarray(sample_rate, dt) / np.asarray(2.0, dt)
    linear = np.linspace(np.asarray(0, dt), nyquist, num_spectrogram_bins, dtype=dt)[1:]
    bins_mel = to_mel(linear)[:, None]
    edges = np.linspace(to_mel(np.asarray(lower_edge_hertz, dt)),
                        to_mel(np.asarray(upper_edge_hertz, dt)), num_mel_bins + 2, dtype=dt)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(np.asarray(0, dt), np.minimum(lower_slopes, upper_slopes))
    return Tensor(np.pad(weights, [[1, 0], [0, 0]]).astype(dt))


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    from featherflow.ops import math as math_ops

    x = _t(log_mel_spectrograms)
    bins = x.data.shape[-1]
    if bins == 0:
        raise ValueError(f"num_mel_bins must be positive. Got: {x}")
    return math_ops.multiply(dct(x, type=2), np.asarray(1.0 / math.sqrt(bins * 2.0),
                                                 x.data.dtype if x.data.dtype.kind == "f"
                                                 else np.float32))
