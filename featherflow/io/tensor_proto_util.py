"""``tf.make_tensor_proto`` and ``tf.make_ndarray``: NumPy values to TensorFlow's
``TensorProto`` and back, on the message class of featherflow/io/tensor_proto.py (the one
``tf.io.serialize_tensor`` writes), so ``SerializeToString()`` gives TensorFlow's bytes.

The encoding follows TensorFlow's ``tensor_util.make_tensor_proto``: Python floats become
float32 and Python ints int32 when no dtype is given; more than one numeric element goes to
``tensor_content``, one element and strings to the typed ``*_val`` fields (half floats as
their bit patterns in ``half_val``, complex numbers as (re, im) pairs).
"""

import numpy as np

from featherflow.io.tensor_proto import _NAME_OF_ENUM, _values, tensor_proto_class

__all__ = ["make_ndarray", "make_tensor_proto"]

# dtypes whose multi-element values go to tensor_content (TensorFlow's _TENSOR_CONTENT_TYPES)
_CONTENT = {"float16", "float32", "float64", "int32", "uint8", "int16", "int8", "int64",
            "uint32", "uint64"}
_VAL_FIELD = {"float16": "half_val", "float32": "float_val", "float64": "double_val",
              "int32": "int_val", "int16": "int_val", "int8": "int_val", "uint8": "int_val",
              "uint16": "int_val", "int64": "int64_val", "uint32": "uint32_val",
              "uint64": "uint64_val", "bool": "bool_val", "complex64": "scomplex_val",
              "complex128": "dcomplex_val", "string": "string_val"}


def _dtype(value):
    from featherflow.api.dtypes import as_dtype

    return as_dtype(value)


def _dense_dims(values):
    """The shape a nest of Python lists spells (TensorFlow's _GetDenseDimensions)."""
    if not isinstance(values, (list, tuple)):
        return []
    if not values:
        return [0]
    return [len(values)] + _dense_dims(values[0])


def _flatten_strings(values):
    if isinstance(values, (list, tuple)):
        for v in values:
            yield from _flatten_strings(v)
    else:
        yield values


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False,
                      allow_broadcast=False):
    """A ``TensorProto`` holding ``values`` (see the module docstring)."""
    TensorProto = tensor_proto_class()
    if isinstance(values, TensorProto):
        return values
    from featherflow.autodiff.tensor import Tensor

    want = None if dtype is None else _dtype(dtype)
    if isinstance(values, Tensor):
        values = values.data
    if isinstance(values, (np.ndarray, np.generic)):
        nparray = np.asarray(values)
        if want is not None and want.is_numpy_compatible and want.name != "string":
            nparray = nparray.astype(want.as_numpy_dtype)
    else:
        if values is None:
            raise ValueError("None values not supported.")
        np_dt = None if want is None or want.name == "string" else want.as_numpy_dtype
        if shape is not None and int(np.prod(shape)) == 0:
            nparray = np.empty(shape, dtype=np_dt)
        else:
            if want is not None and want.name == "string" or _is_text(values):
                nparray = np.array(values, dtype=object)
            else:
                try:
                    nparray = np.array(values, dtype=np_dt)
                except TypeError as err:
                    raise TypeError(f"Failed to convert elements of {values!r} to Tensor. "
                                    f"Consider casting elements to a supported type.") from err
                except ValueError as err:  # rows of different lengths, as TensorFlow's
                    raise ValueError(f"make_tensor_proto: {values!r} is not rectangular "
                                     f"({err}); pad the rows to one length") from None
            if list(nparray.shape) != _dense_dims(values):
                raise ValueError(f"Argument must be a dense tensor: {values} - got shape "
                                 f"{list(nparray.shape)}, but wanted {_dense_dims(values)}.")
        if nparray.dtype == np.float64 and want is None:
            nparray = nparray.astype(np.float32)
        elif nparray.dtype == np.int64 and want is None:
            down = nparray.astype(np.int32)
            if np.array_equal(down, nparray):
                nparray = down
    if nparray.dtype.kind in "OSU":
        numpy_dtype = _dtype("string")
    else:
        numpy_dtype = _dtype(nparray.dtype)
    if want is not None and want.name != numpy_dtype.name:
        raise TypeError(f"`dtype` {want} is not compatible with {values!r} of dtype "
                        f"{numpy_dtype}.")
    if shape is None:
        shape = list(nparray.shape)
        same_size, size = True, nparray.size
    else:
        shape = [int(d) for d in shape]
        size = int(np.prod(shape))
        same_size = size == nparray.size
        if allow_broadcast:
            if nparray.shape not in ((1,), ()) and nparray.size != size:
                raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got "
                                f"{nparray.shape}.")
        else:
            if verify_shape and nparray.shape != tuple(shape):
                raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, but got "
                                f"{nparray.shape}.")
            if nparray.size > size:
                raise ValueError(f"Too many elements provided. Takes at most {size:d}, but "
                                 f"got {nparray.size:d}.")
    proto = TensorProto(dtype=numpy_dtype.as_datatype_enum)
    proto.tensor_shape.SetInParent()  # TensorFlow writes the (possibly empty) shape
    for d in shape:
        proto.tensor_shape.dim.add(size=d)
    name = numpy_dtype.name
    if same_size and name in _CONTENT and size > 1:
        if nparray.size * nparray.itemsize >= (1 << 31):
            raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
        proto.tensor_content = np.ascontiguousarray(nparray).astype(
            nparray.dtype.newbyteorder("<")).tobytes()
        return proto
    if name == "string":
        flat = list(_flatten_strings(values)) if not isinstance(values, np.ndarray) \
            else nparray.reshape(-1).tolist()
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in flat)
        return proto
    flat = nparray.reshape(-1)
    if name not in _VAL_FIELD:
        raise TypeError(f"make_tensor_proto: dtype {name} has no TensorProto value field in "
                        "featherflow")
    field = getattr(proto, _VAL_FIELD[name])
    if name == "float16":
        field.extend(flat.view(np.uint16).astype(np.int64).tolist())
    elif name in ("complex64", "complex128"):
        field.extend(np.stack([flat.real, flat.imag], 1).reshape(-1).tolist())
    else:
        field.extend(flat.tolist())
    return proto


def _is_text(values):
    for v in _flatten_strings(values):
        return isinstance(v, (str, bytes))
    return False


def make_ndarray(tensor):
    """The NumPy array a ``TensorProto`` holds (TensorFlow's ``tensor_util.MakeNdarray``:
    typed value lists shorter than the shape repeat their last value)."""
    if not isinstance(tensor, tensor_proto_class()):
        raise TypeError(f"make_ndarray expects a TensorProto (tf.make_tensor_proto); received "
                        f"{type(tensor).__name__}")
    name = _NAME_OF_ENUM.get(tensor.dtype)
    if name is None:
        raise TypeError(f"make_ndarray: TensorProto dtype enum {tensor.dtype} is not supported "
                        "by featherflow")
    shape = tuple(d.size for d in tensor.tensor_shape.dim)
    return np.asarray(_values(tensor, name, shape))
