"""Audio front ends: STFTSpectrogram (the STFT as a trainable 1-D convolution, Keras 3's
layout and kernels) and MelSpectrogram (a preprocessing layer on tf.signal's STFT)."""

import math
import warnings

import numpy as np

from featherflow.autodiff.tensor import Tensor
from featherflow.backend import config
from featherflow.layers.input_spec import InputSpec, assert_input_compatibility
from featherflow.layers.layer import Layer
from featherflow.ops import concat as concat_ops
from featherflow.ops import conv as conv_ops
from featherflow.ops import math as math_ops
from featherflow.ops import padding as padding_ops
from featherflow.ops import reshape as reshape_ops

_STFT_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _data_format(data_format):
    from featherflow.backend import image_data_format

    value = image_data_format() if data_format is None else str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"data_format must be 'channels_last' or 'channels_first', received "
                         f"{data_format!r}.")
    return value


def _conv_length(length, frame_length, step, padding):
    if length is None:
        return None
    if padding == "same":
        return -(-length // step)
    return (length - frame_length) // step + 1


class STFTSpectrogram(Layer):
    """Spectrograms of 1-D signals ``(batch, time, channels)`` (channels_last) through the
    STFT computed as a strided convolution with trainable kernels, as
    ``keras.layers.STFTSpectrogram``. ``mode``: ``"log"`` (log magnitude), ``"magnitude"``,
    ``"psd"`` (power spectral density), ``"real"``, ``"imag"``, ``"angle"`` or ``"stft"``
    (real and imaginary parts side by side). Kernels ``real_kernel``/``imag_kernel`` of shape
    ``(frame_length, 1, fft_length // 2 + 1)`` start from ``keras.initializers.STFT``.

    Example::

        >>> layer = tf.keras.layers.STFTSpectrogram(frame_length=16, frame_step=8)
        >>> layer(np.zeros((2, 64, 1), "float32")).shape
        TensorShape([2, 7, 9])
    """

    _cast_int_inputs = False

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None,
                 window="hann", periodic=False, scaling="density", padding="valid",
                 expand_dims=False, data_format=None, **kwargs):
        from featherflow.initializers import get_window

        name = kwargs.get("name") or "stft_spectrogram"
        where = f"STFTSpectrogram '{name}'"
        if not isinstance(frame_length, (int, np.integer)) or frame_length < 1:
            raise ValueError(f"{where}: `frame_length` must be a positive integer, received "
                             f"frame_length={frame_length!r}.")
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                f"{where}: `frame_step` should be a positive integer not greater than "
                f"`frame_length`. Received frame_step={frame_step}, "
                f"frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                f"{where}: `fft_length` should be not less than `frame_length`. Received "
                f"fft_length={fft_length}, frame_length={frame_length}"
            )
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(f"`fft_length` is recommended to be a power of two. Received "
                          f"fft_length={fft_length}", stacklevel=2)
        if mode not in _STFT_MODES:
            raise ValueError(f"{where}: output mode is invalid, it must be one of "
                             f"{', '.join(_STFT_MODES)}. Received: mode={mode}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"{where}: scaling is invalid, it must be `None`, 'density' or "
                             f"'spectrum'. Received scaling={scaling}")
        if padding not in ("valid", "same"):
            raise ValueError(f"{where}: padding is invalid, it should be 'valid', 'same'. "
                             f"Received: padding={padding}")
        if isinstance(window, str):
            get_window(window, 1, where=where)
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = int(frame_length)
        self.frame_step = frame_step
        self._frame_step = frame_step or self.frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = _data_format(data_format)
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        from featherflow.initializers import STFT

        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                name="real_kernel", shape=shape,
                initializer=STFT("real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                name="imag_kernel", shape=shape,
                initializer=STFT("imag", self.window, self.scaling, self.periodic))
        self.built = True

    def _signals(self, inputs):
        """(batch * channels, time, 1) signals and the (batch, channels) they came from."""
        if self.data_format == "channels_last":
            b, t, c = inputs.data.shape
            x = reshape_ops.transpose(inputs, [0, 2, 1])
        else:
            b, c, t = inputs.data.shape
            x = inputs
        return reshape_ops.reshape(x, (b * c, t, 1)), b, c

    def _apply_conv(self, signals, b, c, kernel):
        """(batch, channels, freq, frames) of one kernel."""
        if kernel.data.dtype != signals.data.dtype:
            kernel = math_ops.cast(kernel, signals.data.dtype)
        out = conv_ops.conv(signals, kernel, strides=self._frame_step,
                            padding=self.padding, data_format="channels_last")
        frames, freq = out.data.shape[1], out.data.shape[2]
        out = reshape_ops.transpose(out, [0, 2, 1])
        return reshape_ops.reshape(out, (b, c, freq, frames))

    def _adjust_shapes(self, out):
        b, c, f, t = out.data.shape
        if self.data_format == "channels_last":
            if self.expand_dims:
                return reshape_ops.transpose(out, [0, 3, 2, 1])
            return reshape_ops.transpose(reshape_ops.reshape(out, (b, c * f, t)), [0, 2, 1])
        if self.expand_dims:
            return reshape_ops.transpose(out, [0, 1, 3, 2])
        return reshape_ops.reshape(out, (b, c * f, t))

    def call(self, inputs):
        from featherflow.keras.ops import numpy as knp

        dtype = inputs.data.dtype
        if dtype.name not in ("float16", "float32", "float64"):
            raise TypeError(
                f"STFTSpectrogram '{self.name}': invalid input type. Expected `float16`, "
                f"`float32` or `float64`. Received: input type={dtype.name}"
            )
        assert_input_compatibility(self.input_spec, inputs, self.name)
        signals, b, c = self._signals(inputs)
        real = imag = None
        if self.mode != "imag":
            real = self._apply_conv(signals, b, c, self.real_kernel)
        if self.mode != "real":
            imag = self._apply_conv(signals, b, c, self.imag_kernel)
        if self.mode == "real":
            return self._adjust_shapes(real)
        if self.mode == "imag":
            return self._adjust_shapes(imag)
        if self.mode == "angle":
            return self._adjust_shapes(knp.arctan2(imag, real))
        if self.mode == "stft":
            return self._adjust_shapes(concat_ops.concat([real, imag], axis=2))
        power = math_ops.add(math_ops.square(real), math_ops.square(imag))
        if self.mode == "psd":
            inner = power[:, :, 1:-1, :]
            return self._adjust_shapes(math_ops.add(
                power, padding_ops.pad(inner, [[0, 0], [0, 0], [1, 1], [0, 0]])))
        eps = np.asarray(config.epsilon(), dtype)
        linear = self._adjust_shapes(math_ops.sqrt(math_ops.maximum(power, eps)))
        if self.mode == "magnitude":
            return linear
        return math_ops.log(math_ops.maximum(linear, eps))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            batch, length, channels = input_shape
        else:
            batch, channels, length = input_shape
        freq = self._fft_length // 2 + 1
        if self.mode == "stft":
            freq *= 2
        frames = _conv_length(length, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (batch, frames, freq, channels)
            return (batch, channels, frames, freq)
        flat = None if channels is None else freq * channels
        if self.data_format == "channels_last":
            return (batch, frames, flat)
        return (batch, flat, frames)

    def get_config(self):
        cfg = super().get_config()
        window = self.window.tolist() if isinstance(self.window, np.ndarray) else self.window
        cfg.update({
            "mode": self.mode,
            "frame_length": self.frame_length,
            "frame_step": self.frame_step,
            "fft_length": self.fft_length,
            "window": window,
            "periodic": self.periodic,
            "scaling": self.scaling,
            "padding": self.padding,
            "data_format": self.data_format,
            "expand_dims": self.expand_dims,
        })
        return cfg


# -- MelSpectrogram ------------------------------------------------------------------------------
_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def _hertz_to_mel(hz):
    one = np.asarray(1.0, hz.dtype)
    return np.asarray(_MEL_HIGH_FREQUENCY_Q, hz.dtype) * np.log(
        one + hz / np.asarray(_MEL_BREAK_FREQUENCY_HERTZ, hz.dtype))


def mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                      upper_edge_hertz, dtype="float32"):
    """Keras's ``MelSpectrogram.linear_to_mel_weight_matrix`` (HTK mel scale, triangles of
    peak 1, the DC bin zeroed): ``(num_spectrogram_bins, num_mel_bins)`` in ``dtype``."""
    dt = np.dtype(dtype)
    nyquist = np.asarray(sampling_rate, dt) / np.asarray(2.0, dt)
    linear = np.linspace(np.asarray(0, dt), nyquist, num_spectrogram_bins, dtype=dt)[1:]
    bins_mel = _hertz_to_mel(linear)[:, None]
    edges = np.linspace(_hertz_to_mel(np.asarray(lower_edge_hertz, dt)),
                        _hertz_to_mel(np.asarray(upper_edge_hertz, dt)), num_mel_bins + 2,
                        dtype=dt)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(np.asarray(0, dt), np.minimum(lower_slopes, upper_slopes))
    return np.pad(weights, [[1, 0], [0, 0]]).astype(dt, copy=False)


class MelSpectrogram(Layer):
    """Mel spectrograms of raw audio, as ``keras.layers.MelSpectrogram``: inputs ``(batch,
    samples)`` or ``(samples,)``, outputs ``(batch, num_mel_bins, frames)`` with ``frames =
    samples // sequence_stride + 1`` (the signal is reflect-padded by ``fft_length // 2`` on
    both sides, as ``center=True``). The power spectrum (``|STFT| ** mag_exp``) goes through
    the mel filter bank and, with ``power_to_db``, to decibels relative to ``ref_power``,
    clipped to ``top_db`` below the maximum of the whole batch (as Keras).

    A preprocessing layer: it has no weights and, as in Keras, is not differentiated through.

    Example::

        >>> mel = tf.keras.layers.MelSpectrogram(fft_length=256, sequence_stride=64,
        ...                                      num_mel_bins=20)
        >>> mel(np.zeros((2, 800), "float32")).shape
        TensorShape([2, 20, 13])
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10,
                 ref_power=1.0, **kwargs):
        name = kwargs.get("name") or "mel_spectrogram"
        where = f"MelSpectrogram '{name}'"
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                f"{where}: `fft_length` must be greater than or equal to `sequence_length`. "
                f"Received: `sequence_length`={self.sequence_length}, "
                f"`fft_length`={self.fft_length}."
            )
        if isinstance(window, str) and window not in ("hann", "hamming"):
            raise ValueError(
                f"{where}: if a string is passed to `window`, it must be one of `\"hann\"`, "
                f"`\"hamming\"`. Received: window={window}"
            )
        for arg, value in (("sequence_stride", sequence_stride),
                           ("num_mel_bins", num_mel_bins)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{where}: `{arg}` must be a positive integer, received "
                                 f"{arg}={value!r}.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)
        self._matrices = {}

    def _window(self, dtype):
        from featherflow.api import signal

        n = self.sequence_length
        if self.window is None:
            return None
        if self.window == "hann":
            win = signal.hann_window(n, periodic=True, dtype=dtype).data
        elif self.window == "hamming":
            win = signal.hamming_window(n, periodic=True, dtype=dtype).data
        else:
            win = np.asarray(self.window, dtype)
            if win.ndim != 1 or win.shape[0] != n:
                raise ValueError(
                    f"MelSpectrogram '{self.name}': the shape of `window` must be equal to "
                    f"[sequence_length] = [{n}]. Received: window shape={win.shape}"
                )
        left = (self.fft_length - n) // 2
        return np.pad(win, (left, self.fft_length - n - left))

    def _spectrogram(self, x):
        from featherflow.api import signal

        half = self.fft_length // 2
        if x.shape[-1] <= half:
            raise ValueError(
                f"MelSpectrogram '{self.name}': the signal has {x.shape[-1]} samples; the "
                f"reflect padding of fft_length // 2 = {half} needs more than {half}."
            )
        x = np.pad(x, [(0, 0)] * (x.ndim - 1) + [(half, half)], mode="reflect")
        win = self._window(x.dtype)
        window_fn = None if win is None else (lambda length, dtype: Tensor(win))
        stft = signal.stft(Tensor(x), self.fft_length, self.sequence_stride, self.fft_length,
                           window_fn=window_fn).data
        return np.power(np.abs(stft).astype(x.dtype), np.asarray(self.mag_exp, x.dtype))

    def _mel_matrix(self, bins):
        matrix = self._matrices.get(bins)
        if matrix is None:
            # float32 whatever the layer's dtype, as Keras builds it
            matrix = mel_weight_matrix(self.num_mel_bins, bins, self.sampling_rate,
                                       self.min_freq, self.max_freq)
            self._matrices[bins] = matrix
        return matrix

    def _dbscale(self, x):
        dt = x.dtype
        floor = np.asarray(self.min_power, dt)
        log_spec = np.asarray(10.0, dt) * np.log10(np.maximum(x, floor))
        ref = np.abs(np.asarray(self.ref_power, dt))
        log_spec = log_spec - np.asarray(10.0, dt) * np.log10(np.maximum(ref, floor))
        return np.maximum(log_spec, log_spec.max() - np.asarray(self.top_db, dt))

    def call(self, inputs):
        compute = self.compute_dtype
        dtype = compute if compute in ("float32", "float64") else "float32"
        x = np.asarray(getattr(inputs, "data", inputs)).astype(dtype, copy=False)
        if x.ndim not in (1, 2):
            raise ValueError(
                f"MelSpectrogram '{self.name}': inputs must be audio of shape (batch, samples) "
                f"or (samples,), received shape {x.shape}."
            )
        spec = self._spectrogram(x)
        matrix = self._mel_matrix(spec.shape[-1])
        out = np.tensordot(spec, matrix.astype(np.result_type(spec.dtype, matrix.dtype)),
                           axes=1)
        if self.power_to_db:
            out = self._dbscale(out)
        return Tensor(np.swapaxes(out, -1, -2).astype(compute))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        length = input_shape[-1]
        frames = None if length is None else (
            (length + self.sequence_stride + 1) // self.sequence_stride)
        if len(input_shape) == 1:
            return (self.num_mel_bins, frames)
        return (input_shape[0], self.num_mel_bins, frames)

    def get_config(self):
        cfg = super().get_config()
        window = self.window.tolist() if isinstance(self.window, np.ndarray) else self.window
        cfg.update({
            "fft_length": self.fft_length,
            "sequence_stride": self.sequence_stride,
            "sequence_length": self.sequence_length,
            "window": window,
            "sampling_rate": self.sampling_rate,
            "num_mel_bins": self.num_mel_bins,
            "min_freq": self.min_freq,
            "max_freq": self.max_freq,
            "power_to_db": self.power_to_db,
            "top_db": self.top_db,
            "mag_exp": self.mag_exp,
            "min_power": self.min_power,
            "ref_power": self.ref_power,
        })
        return cfg
