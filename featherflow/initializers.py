"""Weight initializers with Keras 3 names, defaults and fan rules.

An initializer is a callable ``init(shape, dtype=None)`` returning a NumPy array (``floatx()``
by default). Random ones follow Keras 3 on TensorFlow: an unseeded one takes a seed from
Python's ``random`` when it is made, and every call draws TF's stateless kernels with that
seed, so after ``tf.keras.utils.set_random_seed(n)`` a model gets the weights Keras gives it
(see ``RandomInitializer``).

Example::

    >>> from featherflow import initializers
    >>> init = initializers.get("glorot_uniform")
    >>> init((2, 3)).shape
    (2, 3)
"""

import math
import random as _pyrandom

import numpy as np

from featherflow.backend import config
from featherflow.serialization import resolver


def _dtype(dtype):
    return config.floatx_dtype() if dtype is None else np.dtype(dtype)


def _shape(shape):
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def compute_fans(shape, input_axes=None, output_axes=None):
    """``(fan_in, fan_out)`` as Keras computes them.

    Dense kernels ``(in, out)`` give ``(in, out)``; convolution kernels
    ``(*spatial, in, out)`` multiply both by the receptive field size.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        fan_in = math.prod(shape[a] for a in input_axes)
        fan_out = math.prod(shape[a] for a in output_axes)
        return int(fan_in), int(fan_out)
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: subclasses implement ``__call__(shape, dtype=None)`` and ``get_config``.

    Example::

        >>> class Halves(Initializer):
        ...     def __call__(self, shape, dtype=None):
        ...         return np.full(shape, 0.5, dtype or "float32")
    """

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(
            f"{type(self).__name__} must implement __call__(shape, dtype=None)."
        )

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return self.__class__.from_config(self.get_config())


class RandomInitializer(Initializer):
    """Base of the random initializers: holds the seed, as Keras 3 does.

    Without a seed, the initializer takes one from Python's ``random`` when it is made
    (Keras's ``make_default_seed``), so after ``keras.utils.set_random_seed(n)`` the layers
    made in the same order get the same seeds as in Keras. Every call with the same seed
    returns the same values; the draws are TensorFlow's stateless kernels on the pair
    ``[seed, 0]`` (``featherflow/backend/stateless_random.py``), which Keras 3 uses on the
    TensorFlow backend: the same weights as Keras, bit for bit for uniform draws, to float32
    rounding for normal ones. A ``keras.random.SeedGenerator`` as the seed gives new values
    at each call.
    """

    def __init__(self, seed=None):
        if seed is not None and not _is_seed(seed):
            raise ValueError(
                "`seed` argument should be an instance of `keras.random.SeedGenerator()` or "
                f"an integer. Received: seed={seed!r} ({type(self).__name__})"
            )
        self._init_seed = int(seed) if isinstance(seed, (int, np.integer)) else seed
        self.seed = self._init_seed if seed is not None else _pyrandom.randint(1, int(1e9))

    def _kernel_seed(self):
        from featherflow.keras import random as keras_random

        return keras_random._kernel_seed(self.seed)

    def get_config(self):
        seed = self._init_seed
        if seed is not None and not isinstance(seed, int):
            from featherflow.serialization import object_serialization

            seed = object_serialization.serialize_keras_object(seed)
        return {"seed": seed}


def _is_seed(seed):
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return True
    return type(seed).__name__ == "SeedGenerator"


def _kernels():
    from featherflow.backend import stateless_random

    return stateless_random


class Zeros(Initializer):
    """All zeros.

    Example::

        >>> Zeros()((2,)).tolist()
        [0.0, 0.0]
    """

    def __call__(self, shape, dtype=None):
        return np.zeros(_shape(shape), _dtype(dtype))


class Ones(Initializer):
    """All ones.

    Example::

        >>> Ones()((2,)).tolist()
        [1.0, 1.0]
    """

    def __call__(self, shape, dtype=None):
        return np.ones(_shape(shape), _dtype(dtype))


class Constant(Initializer):
    """Every entry equal to ``value`` (a scalar or an array broadcastable to the shape).

    Example::

        >>> Constant(0.5)((2,)).tolist()
        [0.5, 0.5]
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        return np.broadcast_to(np.asarray(self.value, dt), _shape(shape)).copy()

    def get_config(self):
        value = self.value
        if isinstance(value, np.ndarray):
            value = value.tolist()
        elif isinstance(value, np.generic):
            value = value.item()
        return {"value": value}

    @classmethod
    def from_config(cls, config):
        value = config.get("value", 0.0)
        if isinstance(value, dict):
            value = value.get("config", {}).get("value", value)
        return cls(value)


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular allowed).

    Example::

        >>> Identity()((2, 2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(
                f"Identity initializer: expected a 2-D shape, received {shape} "
                f"(rank {len(shape)}). Use it for square or rectangular kernels only."
            )
        return (self.gain * np.eye(*shape)).astype(_dtype(dtype))

    def get_config(self):
        # Keras writes {} (it drops the gain); a gain other than 1 is kept so it round-trips.
        return {} if self.gain == 1.0 else {"gain": self.gain}


class RandomNormal(RandomInitializer):
    """Normal draws with ``mean`` and ``stddev``.

    Example::

        >>> round(float(RandomNormal(stddev=1.0, seed=1)((1000,)).std()), 1)
        1.0
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        return _kernels().normal(_shape(shape), self._kernel_seed(), self.mean, self.stddev,
                                 _dtype(dtype), "normal")

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Uniform draws in ``[minval, maxval)``.

    Example::

        >>> float(RandomUniform(seed=1)((1000,)).max()) <= 0.05
        True
    """

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval = minval
        self.maxval = maxval
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        return _kernels().uniform(_shape(shape), self._kernel_seed(), self.minval, self.maxval,
                                  _dtype(dtype), "uniform")

    def get_config(self):
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}


class TruncatedNormal(RandomInitializer):
    """Normal draws with values beyond two standard deviations redrawn.

    Example::

        >>> float(abs(TruncatedNormal(stddev=1.0, seed=1)((1000,))).max()) <= 2.0
        True
    """

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        return _kernels().truncated_normal(_shape(shape), self._kernel_seed(), self.mean,
                                           self.stddev, _dtype(dtype), "truncated_normal")

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class VarianceScaling(RandomInitializer):
    """Draws whose variance is ``scale / n`` with ``n`` the fan-in, fan-out or their mean.

    ``distribution`` is ``"truncated_normal"`` (``"normal"`` is an alias), ``"untruncated_normal"``
    or ``"uniform"`` (limit ``sqrt(3 * scale / n)``).

    Example::

        >>> VarianceScaling(scale=2.0, mode="fan_in", seed=0)((4, 3)).shape
        (4, 3)
    """

    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("uniform", "truncated_normal", "untruncated_normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: `scale` must be positive, received {scale}.")
        if mode not in self._MODES:
            raise ValueError(
                f"VarianceScaling: `mode` must be one of {self._MODES}, received {mode!r}."
            )
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in self._DISTRIBUTIONS:
            raise ValueError(
                f"VarianceScaling: `distribution` must be one of {self._DISTRIBUTIONS}, "
                f"received {distribution!r}."
            )
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        if self.mode == "fan_in":
            n = fan_in
        elif self.mode == "fan_out":
            n = fan_out
        else:
            n = (fan_in + fan_out) / 2.0
        scale = self.scale / max(1.0, n)
        dt = _dtype(dtype)
        kernels = _kernels()
        seed = self._kernel_seed()
        if self.distribution == "truncated_normal":
            # The constant is the stddev of a unit normal cut at +-2: dividing by it keeps
            # the variance at `scale` after truncation.
            stddev = math.sqrt(scale) / 0.87962566103423978
            return kernels.truncated_normal(shape, seed, 0.0, stddev, dt, "truncated_normal")
        if self.distribution == "untruncated_normal":
            return kernels.normal(shape, seed, 0.0, math.sqrt(scale), dt, "normal")
        limit = math.sqrt(3.0 * scale)
        return kernels.uniform(shape, seed, -limit, limit, dt, "uniform")

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _Preset(VarianceScaling):
    """A VarianceScaling with fixed settings: only the seed and axes are configurable."""

    _PRESET = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        scale, mode, distribution = self._PRESET
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed,
                         input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": self.input_axes,
                "output_axes": self.output_axes}


class GlorotUniform(_Preset):
    """Uniform in ``+-sqrt(6 / (fan_in + fan_out))``: Keras's default kernel initializer.

    Example::

        >>> GlorotUniform(seed=0)((2, 3)).dtype
        dtype('float32')
    """

    _PRESET = (1.0, "fan_avg", "uniform")


class GlorotNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out))``.

    Example::

        >>> GlorotNormal(seed=0)((2, 3)).shape
        (2, 3)
    """

    _PRESET = (1.0, "fan_avg", "truncated_normal")


class HeNormal(_Preset):
    """Truncated normal with stddev ``sqrt(2 / fan_in)`` (for relu layers).

    Example::

        >>> HeNormal(seed=0)((2, 3)).shape
        (2, 3)
    """

    _PRESET = (2.0, "fan_in", "truncated_normal")


class HeUniform(_Preset):
    """Uniform in ``+-sqrt(6 / fan_in)``.

    Example::

        >>> HeUniform(seed=0)((2, 3)).shape
        (2, 3)
    """

    _PRESET = (2.0, "fan_in", "uniform")


class LecunNormal(_Preset):
    """Truncated normal with stddev ``sqrt(1 / fan_in)`` (for selu layers).

    Example::

        >>> LecunNormal(seed=0)((2, 3)).shape
        (2, 3)
    """

    _PRESET = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_Preset):
    """Uniform in ``+-sqrt(3 / fan_in)``.

    Example::

        >>> LecunUniform(seed=0)((2, 3)).shape
        (2, 3)
    """

    _PRESET = (1.0, "fan_in", "uniform")


class Orthogonal(RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of normal draws.

    Shapes of rank > 2 are flattened to ``(prod(shape[:-1]), shape[-1])``.

    Example::

        >>> q = Orthogonal(seed=0)((3, 3))
        >>> bool(np.allclose(q @ q.T, np.eye(3), atol=1e-5))
        True
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = gain
        super().__init__(seed)

    def __call__(self, shape, dtype=None):
        shape = _shape(shape)
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal initializer: expected a shape of rank >= 2, received {shape}."
            )
        rows = math.prod(shape[:-1])
        cols = shape[-1]
        dt = _dtype(dtype)
        # as Keras 3: normal draws in the weight's dtype, their QR, the signs of R's diagonal
        a = _kernels().normal((max(rows, cols), min(rows, cols)), self._kernel_seed(), 0.0,
                              1.0, dt, "normal")
        q, r = np.linalg.qr(a)
        # Sign fix makes the result uniformly distributed over orthogonal matrices.
        q = q * np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).astype(dt)

    def get_config(self):
        return {**super().get_config(), "gain": self.gain}


# Keras 3 spellings: `keras.initializers.glorot_uniform` etc. are the classes themselves.
zeros = Zeros
ones = Ones
constant = Constant
identity = Identity
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_uniform = GlorotUniform
glorot_normal = GlorotNormal
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal


# -- STFT kernels -----------------------------------------------------------------------------
# scipy.signal.get_window's parameter-free windows (Keras's STFT initializer takes its names),
# computed as scipy does so the kernels match to the last bit in float64
_COSINE_SUMS = {
    "hann": (0.5, 1.0 - 0.5), "hamming": (0.54, 1.0 - 0.54), "blackman": (0.42, 0.5, 0.08),
    "nuttall": (0.3635819, 0.4891775, 0.1365995, 0.0106411),
    "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
    "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368),
}
_WINDOW_ALIASES = {
    "han": "hann", "hamm": "hamming", "ham": "hamming", "black": "blackman",
    "blk": "blackman", "nutl": "nuttall", "nut": "nuttall", "blackharr": "blackmanharris",
    "bkh": "blackmanharris", "flat": "flattop", "flt": "flattop", "brthan": "barthann",
    "bth": "barthann", "bart": "bartlett", "brt": "bartlett", "bman": "bohman",
    "bmn": "bohman", "box": "boxcar", "ones": "boxcar", "rect": "boxcar",
    "rectangular": "boxcar", "halfcosine": "cosine", "parz": "parzen", "par": "parzen",
    "triangle": "triang", "tri": "triang",
}


def _window_body(name, m):
    """The symmetric window of length ``m`` (m > 1), as scipy.signal.windows computes it."""
    if name in _COSINE_SUMS:
        fac = np.linspace(-np.pi, np.pi, m)
        w = np.zeros(m)
        for k, a in enumerate(_COSINE_SUMS[name]):
            # scipy's general_cosine: sum_k a_k cos(k * fac), fac from -pi to pi
            w += a * np.cos(k * fac)
        return w
    n = np.arange(m, dtype=np.float64)
    if name == "boxcar":
        return np.ones(m)
    if name == "triang":
        k = np.arange(1, (m + 1) // 2 + 1, dtype=np.float64)
        if m % 2 == 0:
            w = (2 * k - 1.0) / m
            return np.concatenate([w, w[::-1]])
        w = 2 * k / (m + 1.0)
        return np.concatenate([w, w[-2::-1]])
    if name == "bartlett":
        return np.where(n <= (m - 1) / 2.0, 2.0 * n / (m - 1), 2.0 - 2.0 * n / (m - 1))
    if name == "cosine":
        return np.sin(np.pi / m * (n + 0.5))
    if name == "barthann":
        fac = np.abs(n / (m - 1.0) - 0.5)
        return 0.62 - 0.48 * fac + 0.38 * np.cos(2 * np.pi * fac)
    if name == "bohman":
        fac = np.abs(np.linspace(-1, 1, m)[1:-1])
        w = (1 - fac) * np.cos(np.pi * fac) + 1.0 / np.pi * np.sin(np.pi * fac)
        return np.concatenate([[0.0], w, [0.0]])
    # parzen
    n = np.arange(-(m - 1) / 2.0, (m - 1) / 2.0 + 0.5, 1.0)
    a = np.abs(n)
    return np.where(a <= (m - 1) / 4.0, 1 - 6 * (a / (m / 2.0)) ** 2.0 + 6 * (a / (m / 2.0)) ** 3.0,
                    2 * (1 - a / (m / 2.0)) ** 3.0)


WINDOW_NAMES = tuple(sorted({*_COSINE_SUMS, "boxcar", "triang", "bartlett", "cosine",
                             "barthann", "bohman", "parzen"}))


def get_window(window, length, periodic=False, where="STFT"):
    """``scipy.signal.get_window(window, length, fftbins=periodic)`` for the windows without
    parameters (float64); ``where`` names the caller in errors."""
    name = _WINDOW_ALIASES.get(window, window) if isinstance(window, str) else window
    if name not in WINDOW_NAMES:
        raise ValueError(
            f"{where}: unknown window {window!r}. Expected one of {list(WINDOW_NAMES)} (the "
            "scipy.signal.windows names without parameters), an array of frame_length values, "
            "or None."
        )
    length = int(length)
    if length <= 1:
        return np.ones(length)
    # a periodic window is the symmetric one of length + 1 without its last value
    w = _window_body(name, length + 1 if periodic else length)
    return w[:-1] if periodic else w


class STFT(Initializer):
    """Kernels of a short-time Fourier transform as a convolution, as
    ``keras.initializers.STFT``: shape ``(frame_length, 1, fft_length // 2 + 1)``; ``side``
    ``"real"`` gives ``cos(-2 pi t f / n_fft)``, ``"imag"`` ``sin(...)``, times the window
    (a scipy.signal window name, an array, or None), divided by its L2 norm
    (``scaling="density"``) or L1 norm (``"spectrum"``).

    Example::

        >>> STFT("real", "hann")((16, 1, 9)).shape
        (16, 1, 9)
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT initializer: side must be 'real' or 'imag', received "
                             f"side={side!r}.")
        if isinstance(window, str):
            get_window(window, 1, where="STFT initializer")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(
                "STFT initializer: scaling must be None, 'density' or 'spectrum', received "
                f"scaling={scaling!r}."
            )
        self.side = side
        self.window = window
        self.scaling = scaling
        self.periodic = periodic

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype)
        shape = _shape(shape)
        if len(shape) != 3:
            raise ValueError(
                "STFT initializer: the shape must be (frame_length, 1, fft_length // 2 + 1), "
                f"received {shape}."
            )
        frame_length, _, bins = shape
        win = None
        scale = np.asarray(1, dt)
        if self.window is not None:
            if isinstance(self.window, str):
                win = get_window(self.window, frame_length, self.periodic,
                                 where="STFT initializer")
            else:
                win = np.asarray(self.window)
            win = win.astype(dt)
            if win.ndim != 1 or win.shape[0] != frame_length:
                raise ValueError(
                    "STFT initializer: the window must have shape [frame_length] = "
                    f"[{frame_length}], received window shape {win.shape}."
                )
            win = win.reshape(frame_length, 1, 1)
            if self.scaling == "density":
                scale = np.sqrt(np.sum(np.square(win)))
            elif self.scaling == "spectrum":
                scale = np.sum(np.abs(win))
        freq = np.arange(bins, dtype=dt).reshape(1, 1, bins) / np.asarray((bins - 1) * 2, dt)
        time = np.arange(frame_length, dtype=dt).reshape(frame_length, 1, 1)
        args = (np.asarray(-2, dt) * time) * freq * np.arccos(np.asarray(-1, dt))
        kernel = np.cos(args) if self.side == "real" else np.sin(args)
        if win is not None:
            kernel = kernel * win / scale
        return kernel.astype(dt, copy=False)

    def get_config(self):
        window = self.window
        if isinstance(window, np.ndarray):
            window = window.tolist()
        return {"side": self.side, "window": window, "periodic": self.periodic,
                "scaling": self.scaling}


STFTInitializer = STFT
stft = STFT

_CLASSES = [Initializer, Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform,
            TruncatedNormal, VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform,
            LecunNormal, LecunUniform, Orthogonal, STFT]
ALL_OBJECTS_DICT = {cls.__name__: cls for cls in _CLASSES}
ALL_OBJECTS_DICT.update({
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
    "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_normal": HeNormal,
    "he_uniform": HeUniform, "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal, "IdentityInitializer": Identity,
    "OrthogonalInitializer": Orthogonal, "normal": RandomNormal, "uniform": RandomUniform,
    "one": Ones, "zero": Zeros, "initializer": Initializer,
    "STFTInitializer": STFT, "stft": STFT,
})


def serialize(initializer):
    """Keras 3 config dict of an initializer."""
    return resolver.serialize_object(initializer, "keras.initializers")


def deserialize(config, custom_objects=None):
    """The initializer a name or config dict describes."""
    obj = resolver.deserialize(config, ALL_OBJECTS_DICT, "initializer", custom_objects)
    return obj() if isinstance(obj, type) else obj


def get(identifier):
    """Resolve an initializer: None, a name, a config dict, an array, an instance or a callable.

    Example::

        >>> type(get("he_normal")).__name__
        'HeNormal'
    """
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        obj = deserialize(identifier)
    elif isinstance(identifier, (np.ndarray, np.generic)) or hasattr(identifier, "numpy"):
        obj = _from_array(np.asarray(identifier))
    else:
        obj = identifier
    if isinstance(obj, type):
        obj = obj()
    if callable(obj):
        return obj
    raise ValueError(
        f"Could not interpret initializer identifier {identifier!r}: expected a name (one of "
        f"{sorted(ALL_OBJECTS_DICT)}), a config dict, an array or a callable."
    )


def _from_array(value):
    def initialize(shape, dtype=None):
        if _shape(shape) != value.shape:
            raise ValueError(
                f"An array used as initializer has shape {value.shape}, but the weight needs "
                f"shape {_shape(shape)}. Pass an array of the weight's shape."
            )
        return value.astype(_dtype(dtype))

    return initialize
