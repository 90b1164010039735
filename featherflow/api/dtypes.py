"""``tf.dtypes``: TensorFlow's ``DType`` objects, ``as_dtype``, ``cast`` and ``saturate_cast``.

A :class:`DType` is TensorFlow's dtype: ``tf.float32.name == "float32"``,
``tf.string.name == "string"``, ``repr`` ``tf.float32``, ``str`` ``<dtype: 'float32'>``, the
``is_*`` properties, ``min``/``max``/``limits``, ``size``, ``as_datatype_enum`` (TF's enum
numbers) and equality with anything ``tf.as_dtype`` reads (``tf.float32 == np.float32 ==
"float32" == 1``). One object exists per dtype (``tf.as_dtype("float") is tf.float32``).

Differences from TensorFlow, on purpose:

* NumPy accepts a DType wherever it takes a dtype (``np.zeros(3, dtype=tf.float32)``,
  ``x.astype(tf.int64)``): NumPy 2.4 reads ``__numpy_dtype__``, older NumPy ``.dtype``.
  (TensorFlow's DType is refused there; ``.as_numpy_dtype`` works in both.)
* A DType also answers NumPy's dtype attributes (``kind``, ``itemsize``, ``char``, ``type``)
  for code written against NumPy dtypes; ``name`` is TensorFlow's (``"string"``).
* ``hash(tf.float32) == hash(np.dtype("float32"))``, so dicts keyed by NumPy dtypes find a
  DType (TensorFlow hashes by the enum number).
* ``tf.bfloat16`` (and ``tf.dtypes.experimental``'s float8/float4/int4/int2 DTypes) is a
  DType (name, enum 14, size 2, min/max), but a NumPy array of it needs the optional
  ``ml_dtypes`` package (as TensorFlow's ``as_numpy_dtype`` does); without it,
  using it as a NumPy dtype raises TypeError naming the package.
"""

import builtins

import numpy as np

# This module imports NumPy only, so featherflow.autodiff can read its DTypes; the ops it
# uses are imported where they are called.

__all__ = [
    "DType", "QUANTIZED_DTYPES", "as_dtype", "bfloat16", "bool", "cast", "complex", "complex64",
    "complex128", "double", "float16", "float32", "float64", "half", "int8", "int16", "int32",
    "int64", "qint8", "qint16", "qint32", "quint8", "quint16", "resource", "saturate_cast",
    "string", "uint8", "uint16", "uint32", "uint64", "variant",
]

# name: (TF enum, NumPy dtype or None, size in bytes)
_TABLE = {
    "float32": (1, "float32", 4), "float64": (2, "float64", 8), "int32": (3, "int32", 4),
    "uint8": (4, "uint8", 1), "int16": (5, "int16", 2), "int8": (6, "int8", 1),
    "string": (7, "object", 0), "complex64": (8, "complex64", 8), "int64": (9, "int64", 8),
    "bool": (10, "bool", 1), "qint8": (11, [("qint8", np.int8)], 1),
    "quint8": (12, [("quint8", np.uint8)], 1), "qint32": (13, [("qint32", np.int32)], 4),
    "bfloat16": (14, None, 2), "qint16": (15, [("qint16", np.int16)], 2),
    "quint16": (16, [("quint16", np.uint16)], 2), "uint16": (17, "uint16", 2),
    "complex128": (18, "complex128", 16), "float16": (19, "float16", 2),
    "resource": (20, None, 0), "variant": (21, None, 0),
    "uint32": (22, "uint32", 4), "uint64": (23, "uint64", 8),
    # tf.dtypes.experimental: NumPy arrays of these need ml_dtypes, as bfloat16's
    "float8_e5m2": (24, None, 1), "float8_e4m3fn": (25, None, 1),
    "float8_e4m3fnuz": (26, None, 1), "float8_e4m3b11fnuz": (27, None, 1),
    "float8_e5m2fnuz": (28, None, 1), "int4": (29, None, 1), "uint4": (30, None, 1),
    "int2": (31, None, 1), "uint2": (32, None, 1), "float4_e2m1fn": (33, None, 1),
}
_EXPERIMENTAL = ("float4_e2m1fn", "float8_e4m3b11fnuz", "float8_e4m3fn", "float8_e4m3fnuz",
                 "float8_e5m2", "float8_e5m2fnuz", "int2", "int4", "uint2", "uint4")
# the dtypes whose NumPy type comes from ml_dtypes, and TF's (min, max) of each
_ML_DTYPES = {
    "bfloat16": (-3.3895313892515355e38, 3.3895313892515355e38),  # (2 - 2**-7) * 2**127
    "float8_e5m2": (-57344.0, 57344.0), "float8_e4m3fn": (-448.0, 448.0),
    "float8_e4m3fnuz": (-240.0, 240.0), "float8_e4m3b11fnuz": (-30.0, 30.0),
    "float8_e5m2fnuz": (-57344.0, 57344.0), "float4_e2m1fn": (-6.0, 6.0),
    "int4": (-8, 7), "uint4": (0, 15), "int2": (-2, 1), "uint2": (0, 3),
}
_FLOATING = ("float16", "float32", "float64", "bfloat16", "float8_e5m2", "float8_e4m3fn",
             "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2fnuz", "float4_e2m1fn")
_QUANTIZED = ("qint8", "quint8", "qint16", "quint16", "qint32")
_UNSIGNED = ("uint8", "uint16", "uint32", "uint64", "uint4", "uint2")
_INTEGER = ("int8", "int16", "int32", "int64", "int4", "int2") + _UNSIGNED
# TF counts the experimental low-precision types as not numeric
_NOT_NUMERIC = ("bool", "string", "resource", "variant") + _EXPERIMENTAL
_NUMPY_INCOMPATIBLE = ("resource", "variant")


class DType:
    """A TensorFlow dtype (``tf.float32``, ``tf.string``...); see the module docstring."""

    __slots__ = ("_name", "_enum", "_np", "_size", "__numpy_dtype__", "dtype", "_hash")

    def __init__(self, name):
        enum, np_dtype, size = _TABLE[name]
        self._name = name
        self._enum = enum
        self._size = size
        self._np = None if np_dtype is None else np.dtype(np_dtype)
        if self._np is not None:
            # what NumPy reads when a DType is given where it takes a dtype
            self.__numpy_dtype__ = self._np
            self.dtype = self._np
        self._hash = hash(self._np) if self._np is not None else hash(name)

    # -- identity ---------------------------------------------------------------------
    @property
    def name(self):
        return self._name

    @property
    def as_datatype_enum(self):
        return self._enum

    @property
    def as_numpy_dtype(self):
        """The NumPy type of this dtype's arrays (``np.float32``; ``object`` for
        ``tf.string``; a structured dtype for the quantized types, as TensorFlow)."""
        if self._name in _ML_DTYPES:
            return _ml_dtypes_type(self._name)
        if self._np is None:
            raise TypeError(f"{self} has no NumPy equivalent (a handle TensorFlow's runtime "
                            f"manages, not an array).")
        if self._np.names is not None:
            return self._np
        return self._np.type

    @property
    def base_dtype(self):
        return self

    @property
    def real_dtype(self):
        """``tf.float32`` for ``tf.complex64``, ``tf.float64`` for ``tf.complex128``, else
        this dtype."""
        if self._name == "complex64":
            return float32
        if self._name == "complex128":
            return float64
        return self

    @property
    def size(self):
        return self._size

    # -- kinds ------------------------------------------------------------------------
    @property
    def is_bool(self):
        return self._name == "bool"

    @property
    def is_complex(self):
        return self._name in ("complex64", "complex128")

    @property
    def is_floating(self):
        return self._name in _FLOATING

    @property
    def is_integer(self):
        return self._name in _INTEGER

    @property
    def is_quantized(self):
        return self._name in _QUANTIZED

    @property
    def is_unsigned(self):
        return self._name in _UNSIGNED

    @property
    def is_numeric(self):
        return self._name not in _NOT_NUMERIC

    @property
    def is_numpy_compatible(self):
        return self._name not in _NUMPY_INCOMPATIBLE

    # -- ranges -----------------------------------------------------------------------
    def _check_ordered(self, which):
        if self.is_quantized or self._name in ("bool", "string", "complex64", "complex128"):
            kind = "quantized type" if self.is_quantized else "type"
            raise TypeError(f"Cannot find {which} value of {self} with {kind} {self}.")
        if self._name in _NUMPY_INCOMPATIBLE:
            raise TypeError(f"Cannot find {which} value of {self}.")

    @property
    def min(self):
        """The smallest value of the dtype (TypeError for bool, string, complex and quantized
        dtypes, as TensorFlow)."""
        self._check_ordered("minimum")
        if self._name in _ML_DTYPES:
            low = _ML_DTYPES[self._name][0]
            return np.float32(low) if self.is_floating else low
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return self._np.type(info.min)

    @property
    def max(self):
        """The largest value of the dtype (TypeError as ``min``)."""
        self._check_ordered("maximum")
        if self._name in _ML_DTYPES:
            high = _ML_DTYPES[self._name][1]
            return np.float32(high) if self.is_floating else high
        info = np.finfo(self._np) if self.is_floating else np.iinfo(self._np)
        return self._np.type(info.max)

    @property
    def limits(self):
        """TensorFlow's image-intensity range ``(0, max)``: ``max`` is 1 for float32 and
        float64, True for bool, the largest value for integers; ValueError otherwise."""
        if self._name in ("float32", "float64"):
            return (0, 1)
        if self._name == "bool":
            return (0, True)
        if self._name in _INTEGER and self._np is not None:
            return (0, int(np.iinfo(self._np).max))
        raise ValueError(f"{self} does not have defined limits.")

    # -- comparison -------------------------------------------------------------------
    def is_compatible_with(self, other):
        """True when ``other`` converts to this dtype (TF 2's DTypes have no reference types,
        so this is ``self == tf.as_dtype(other)``)."""
        return as_dtype(other) is self

    def __eq__(self, other):
        if other.__class__ is DType:
            return self is other
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return self._hash

    def __repr__(self):
        return f"tf.{self._name}"

    def __str__(self):
        return f"<dtype: {self._name!r}>"

    def __reduce__(self):
        return as_dtype, (self._name,)

    def __getattr__(self, name):
        # NumPy's dtype attributes (kind, itemsize, char, type...) for code written for
        # NumPy dtypes; not TensorFlow's, but harmless beside them
        if name.startswith("__") or self._np is None:
            raise AttributeError(f"'DType' object has no attribute {name!r}")
        return getattr(self._np, name)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _MlDtype(DType):
    """``tf.bfloat16`` and ``tf.dtypes.experimental``'s float8/float4/int4/int2 types: NumPy
    needs ``ml_dtypes`` for their arrays, imported when first needed."""

    __slots__ = ()

    def __getattr__(self, name):
        if name in ("__numpy_dtype__", "dtype"):
            return np.dtype(_ml_dtypes_type(self._name))
        if name.startswith("__"):
            raise AttributeError(f"'DType' object has no attribute {name!r}")
        return getattr(np.dtype(_ml_dtypes_type(self._name)), name)


def _ml_dtypes_type(name):
    try:
        import ml_dtypes  # the optional package TF takes these NumPy types from
    except ImportError:
        raise TypeError(
            f"tf.{name} arrays need the optional ml_dtypes package (NumPy has no {name}): "
            "pip install ml_dtypes, or use tf.float16 / tf.float32.") from None
    return getattr(ml_dtypes, name)


def _make(name):
    dtype = object.__new__(_MlDtype if name in _ML_DTYPES else DType)
    DType.__init__(dtype, name)
    return dtype


_BY_NAME = {name: _make(name) for name in _TABLE}

float16 = _BY_NAME["float16"]
float32 = _BY_NAME["float32"]
float64 = _BY_NAME["float64"]
bfloat16 = _BY_NAME["bfloat16"]
int8 = _BY_NAME["int8"]
int16 = _BY_NAME["int16"]
int32 = _BY_NAME["int32"]
int64 = _BY_NAME["int64"]
uint8 = _BY_NAME["uint8"]
uint16 = _BY_NAME["uint16"]
uint32 = _BY_NAME["uint32"]
uint64 = _BY_NAME["uint64"]
bool = _BY_NAME["bool"]  # noqa: A001
complex64 = _BY_NAME["complex64"]
complex128 = _BY_NAME["complex128"]
string = _BY_NAME["string"]
qint8 = _BY_NAME["qint8"]
quint8 = _BY_NAME["quint8"]
qint16 = _BY_NAME["qint16"]
quint16 = _BY_NAME["quint16"]
qint32 = _BY_NAME["qint32"]
resource = _BY_NAME["resource"]
variant = _BY_NAME["variant"]
half = float16
double = float64
QUANTIZED_DTYPES = frozenset({qint8, quint8, qint16, quint16, qint32})

# Everything as_dtype reads, looked up in one dict: names (and TF's aliases), enum numbers,
# NumPy dtypes and scalar types, and Python's float, bool and object.
_ANY = {}
for _d in _BY_NAME.values():
    _ANY[_d._name] = _d
    _ANY[_d._enum] = _d
    if _d._np is not None:
        _ANY[_d._np] = _d
        if _d._np.names is None and _d._name != "string":
            _ANY[_d._np.type] = _d
_ANY.update({"half": float16, "float": float32, "double": float64, np.object_: string,
             builtins.float: float32, builtins.bool: bool, builtins.object: string})
_OF_NUMPY = {np.dtype(k): v for k, v in _ANY.items() if isinstance(k, np.dtype)}
_OF_NUMPY[np.dtype(object)] = string


def as_dtype(type_value):
    """The :class:`DType` for a DType, a name (``"float32"``, ``"float"``, ``"string"``), a
    TF enum number, a NumPy dtype or scalar type, Python's ``float``/``bool``/``object``, or an
    object with a ``.dtype`` (an array, a tensor), as ``tf.as_dtype``."""
    if type_value.__class__ is DType or type_value.__class__ is _MlDtype:
        return type_value
    try:
        found = _ANY.get(type_value)
    except TypeError:  # unhashable
        found = None
    if found is not None:
        return found
    if isinstance(type_value, np.dtype):
        if type_value.kind in "SU":  # NumPy bytes/str arrays are TF strings
            return string
        found = _OF_NUMPY.get(type_value)
        if found is not None:
            return found
    elif isinstance(type_value, type) and issubclass(type_value, (np.bytes_, np.str_)):
        return string
    elif hasattr(type_value, "dtype") and not isinstance(type_value, type):
        try:
            return as_dtype(np.dtype(type_value.dtype)) if not isinstance(
                type_value.dtype, DType) else type_value.dtype
        except TypeError:
            pass
    raise TypeError(f"Cannot convert the argument `type_value`: {type_value!r} to a "
                    f"TensorFlow DType.")


# NumPy's type number of each builtin dtype -> DType (Tensor.dtype reads it): reading
# ``dtype.num`` and indexing a dict costs about a third of hashing the dtype (NumPy does not
# cache dtype hashes)
BY_NUMPY_NUM = {d.num: v for d, v in _OF_NUMPY.items() if d.names is None and d.kind not in "SUV"}


def of_numpy(np_dtype):
    """The DType of a NumPy array's dtype (an object array is ``tf.string``): the fast path
    a tensor's ``dtype`` takes. A dtype TensorFlow has no name for comes back as is."""
    found = BY_NUMPY_NUM.get(np_dtype.num)
    if found is not None:
        return found
    try:
        return as_dtype(np_dtype)
    except TypeError:
        return np_dtype


def cast(x, dtype, name=None):
    """``tf.dtypes.cast`` (``tf.cast``)."""
    from featherflow.ops.math import cast as _cast

    return _cast(x, dtype, name=name)


def saturate_cast(value, dtype, name=None):
    """``tf.dtypes.saturate_cast``: ``value`` clipped to the range ``dtype`` can hold (the
    limits taken as the largest values of the input's dtype inside that range, as TensorFlow:
    float32 to int32 clips at 2147483520), then cast. Complex to real keeps the real part."""
    from featherflow.autodiff.tensor import convert_to_tensor
    from featherflow.ops.math import cast as _cast
    from featherflow.ops.math import clip_by_value

    value = convert_to_tensor(value)
    out = as_dtype(dtype)
    in_np = value.data.dtype
    if in_np.kind == "c":
        if out.is_complex:
            return _cast(value, out._np)
        from featherflow.api.math_special import real

        value = real(value)
        in_np = value.data.dtype
    in_dtype = of_numpy(in_np)
    out_real = out.real_dtype
    if in_dtype.is_bool or out_real.is_bool or not out_real.is_numeric:
        return _cast(value, out._np)
    kind = in_np.type
    try:
        promoted = np.promote_types(in_np, out_real._np)
    except TypeError:
        promoted = np.dtype(float)
    low = kind(np.maximum(in_dtype.min, out_real.min))
    pair = np.array([low, out_real.min], promoted)
    if pair[0] < pair[1]:
        low = np.nextafter(low, kind(0), dtype=in_np)
    high = kind(np.minimum(float(in_dtype.max), float(out_real.max)))
    pair = np.array([high, out_real.max], promoted)
    if pair[0] > pair[1]:
        high = np.nextafter(high, kind(0), dtype=in_np)
    return _cast(clip_by_value(value, low, high), out._np)


def complex(real, imag, name=None):  # noqa: A001 - TF's name
    """``tf.dtypes.complex``: ``real + 1j * imag``."""
    from featherflow.api.core_extra import complex as _complex

    return _complex(real, imag, name=name)


del _d

# tf.dtypes.experimental (its module reads the DTypes above through as_dtype)
from featherflow.api import dtypes_experimental as experimental  # noqa: E402
