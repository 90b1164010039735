"""Complex numbers' parts as primitives: ``conj``, ``real``, ``imag``, ``angle`` and
``complex`` (``tf.complex``), each with TensorFlow's gradient rule.

These are not holomorphic, so their backward is written in TF's convention directly
(``conjugate_complex = False``, see ``autodiff/function.py``): the gradient of a real part is
``complex(dy, 0)``, of an imaginary part ``complex(0, dy)``, of ``conj`` ``conj(dy)``, of
``angle`` ``-dy / (imag(z) + i real(z))``, and ``complex(re, im)`` hands ``real(dy)`` and
``imag(dy)`` back to its two real inputs.
"""

import numpy as np

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.ops.unbroadcast import unbroadcast_tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(as_array(x))


def _real_dtype(dtype):
    return np.float64 if dtype == np.complex128 else np.float32


class Conj(Function):
    conjugate_complex = False

    def forward(self, x):
        return np.conj(x)

    def backward(self, g):
        return (np.conj(g),)

    def backward_tensors(self, g):
        return (conj(g),)


class Real(Function):
    conjugate_complex = False

    def forward(self, x):
        self.dtype = x.dtype
        return np.real(x).copy()

    def backward(self, g):
        return (g.astype(self.dtype),)

    def backward_tensors(self, g):
        return (complex(g, g * 0),)


class Imag(Function):
    conjugate_complex = False

    def forward(self, x):
        self.dtype = x.dtype
        return np.imag(x).copy()

    def backward(self, g):
        return ((1j * g).astype(self.dtype),)

    def backward_tensors(self, g):
        return (complex(g * 0, g),)


class Angle(Function):
    conjugate_complex = False

    def forward(self, x):
        self.x = x
        return np.angle(x).astype(_real_dtype(x.dtype))

    def backward(self, g):
        x = self.x
        # TF's rule: -dy / (imag(z) + i real(z)), infinite at 0 as TF's
        with np.errstate(divide="ignore", invalid="ignore"):
            return ((-g / (x.imag + 1j * x.real)).astype(x.dtype),)


class Complex(Function):
    conjugate_complex = False

    def forward(self, re, im):
        self.sr, self.si = re.shape, im.shape
        dtype = np.complex128 if re.dtype == np.float64 else np.complex64
        out = np.empty(np.broadcast_shapes(re.shape, im.shape), dtype)
        out.real = re
        out.imag = im
        return out

    def backward(self, g):
        return unbroadcast(g.real.copy(), self.sr), unbroadcast(g.imag.copy(), self.si)

    def backward_tensors(self, g):
        return unbroadcast_tensor(real(g), self.sr), unbroadcast_tensor(imag(g), self.si)


def conj(x, name=None):
    """The complex conjugate (``tf.math.conj``); a real tensor is returned as it is."""
    x = _t(x)
    return Conj()(x) if x.data.dtype.kind == "c" else x


def real(input, name=None):  # noqa: A002
    """The real part (``tf.math.real``); a real tensor is returned as it is."""
    x = _t(input)
    return Real()(x) if x.data.dtype.kind == "c" else x


def imag(input, name=None):  # noqa: A002
    """The imaginary part (``tf.math.imag``); zeros for a real tensor, as TF."""
    x = _t(input)
    return Imag()(x) if x.data.dtype.kind == "c" else Tensor(np.zeros_like(x.data))


def angle(input, name=None):  # noqa: A002
    """The argument of each element (``tf.math.angle``); for a real tensor pi where it is
    negative and 0 elsewhere, as TF."""
    x = _t(input)
    if x.data.dtype.kind == "c":
        return Angle()(x)
    return Tensor(np.where(x.data < 0, np.pi, 0.0).astype(x.data.dtype))


def complex(real, imag, name=None):  # noqa: A001 - tf.complex
    """``real + i * imag`` (``tf.complex``), both float32 or both float64."""
    r, i = _t(real), _t(imag)
    if r.data.dtype != i.data.dtype or r.data.dtype.kind != "f":
        raise TypeError(f"complex: real and imag must be float32 or float64 of one dtype; "
                        f"received {r.data.dtype} and {i.data.dtype}.")
    return Complex()(r, i)
