"""``Dataset.from_generator``: the elements a Python generator yields, converted and checked
as TensorFlow does.

Every pass calls ``generator(*args)`` anew, ``args`` given as NumPy values (numbers as NumPy
scalars, strings as ``bytes``) by TensorFlow's conversion rules. Each yielded value is packed
into the signature's structure and every component converted to its dtype as TF's ``py_func``
does (``np.asarray(value).astype(dtype)`` for numbers, so 1.5 becomes 1 for an integer and
out-of-range integers wrap around); a wrong structure, an unconvertible value or a wrong shape
raises InvalidArgumentError naming the element. An exception from the generator reaches the
consumer in the class TensorFlow gives it (ValueError and TypeError: InvalidArgumentError;
NotImplementedError: UnimplementedError; MemoryError: ResourceExhaustedError; anything else:
UnknownError), with the original message and type, the element's index, and the original
exception as ``__cause__``.
"""

import numpy as np

from featherflow.autodiff.tensor import Tensor, TensorShape, dtype_name
from featherflow.data import structure
from featherflow.data.dataset import UNKNOWN, Dataset
from featherflow.data.functions import function_name
from featherflow.errors import (
    InternalError,
    InvalidArgumentError,
    OpError,
    ResourceExhaustedError,
    UnimplementedError,
    UnknownError,
)

_STRING = np.dtype(object)


def _as_spec(dtype, shape):
    try:
        return structure.TensorSpec(shape, dtype)
    except TypeError:
        raise TypeError(
            f"Cannot convert the argument `type_value`: {dtype!r} to a TensorFlow DType. "
            "output_types is a dtype or a tuple/dict of dtypes (tf.int64, (tf.float32, "
            "tf.int32), ...), not a list.") from None


def _shape(value):
    if value is None:
        return None
    if isinstance(value, TensorShape) and getattr(value, "rank", 0) is None:
        return None
    return tuple(value)


def _specs_from_types(types, shapes):
    """``output_types``/``output_shapes`` (shapes nested up to the types' structure) as specs."""
    if isinstance(types, tuple):
        if shapes is not None and (not isinstance(shapes, (tuple, list))
                                   or len(shapes) != len(types)):
            raise ValueError(
                f"from_generator: output_shapes {shapes!r} does not have the structure of "
                f"output_types {types!r}: give one shape per component.")
        parts = [_specs_from_types(t, None if shapes is None else s)
                 for t, s in zip(types, shapes if shapes is not None else types)]
        return type(types)(*parts) if structure.is_namedtuple(types) else tuple(parts)
    if isinstance(types, dict):
        if shapes is not None and (not isinstance(shapes, dict) or shapes.keys() != types.keys()):
            raise ValueError(
                f"from_generator: output_shapes {shapes!r} does not have the keys of "
                f"output_types {types!r}.")
        return type(types)((k, _specs_from_types(t, None if shapes is None else shapes[k]))
                           for k, t in types.items())
    return _as_spec(types, _shape(shapes))


def _signature(output_types, output_shapes, output_signature):
    if output_signature is not None:
        if output_types is not None:
            raise TypeError("The `output_types` argument can not be used together with the "
                            "`output_signature` argument.")
        if output_shapes is not None:
            raise TypeError("The `output_shapes` argument can not be used together with the "
                            "`output_signature` argument.")
        for spec in structure.flatten(output_signature):
            if not isinstance(spec, structure.TensorSpec) and not structure.is_sparse_spec(
                    spec):
                raise TypeError(
                    f"`output_signature` must contain objects that are subclass of "
                    f"`tf.TypeSpec` but found {type(spec)} which is not. Describe each "
                    "component with tf.TensorSpec(shape, dtype), in a tuple or dict.")
        return output_signature
    if output_types is None:
        raise TypeError("To specify the output signature you need to provide either the "
                        "`output_signature` argument or the `output_types` argument.")
    return _specs_from_types(output_types, output_shapes)


def _arguments(args):
    if args is None:
        return ()
    if not isinstance(args, (tuple, list)):
        raise TypeError(
            f"from_generator: args must be a sequence (tuple or list) of values to pass to "
            f"the generator, received {type(args).__name__}. Write args=({args!r},).")
    return tuple(structure.to_user_numpy(structure.to_array(a)) for a in args)


def _exception_class(err):
    """The class TensorFlow's ``py_func`` gives an exception raised in Python code."""
    if isinstance(err, OpError):
        return UnknownError
    if isinstance(err, (ValueError, TypeError)):
        return InvalidArgumentError
    if isinstance(err, NotImplementedError):
        return UnimplementedError
    if isinstance(err, MemoryError):
        return ResourceExhaustedError
    return UnknownError


def _shape_text(shape):
    if shape is None:
        return "<unknown>"
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class GeneratorDataset(Dataset):
    """The elements ``generator()`` yields, as ``tf.data.Dataset.from_generator``.

    Example::

        >>> def pairs():
        ...     for i in range(3):
        ...         yield i, [float(i)] * i
        >>> ds = tf.data.Dataset.from_generator(pairs, output_signature=(
        ...     tf.TensorSpec((), tf.int64), tf.TensorSpec((None,), tf.float32)))
        >>> [int(x) for x, _ in ds]
        [0, 1, 2]
    """

    def __init__(self, generator, output_types=None, output_shapes=None, args=None,
                 output_signature=None, name=None):
        super().__init__(name=name)
        if not callable(generator):
            raise TypeError(f"`generator` must be a Python callable, received "
                            f"{type(generator).__name__} ({generator!r}). Pass the generator "
                            "function itself (not a call of it): from_generator(gen, ...).")
        self._generator = generator
        self._signature = _signature(output_types, output_shapes, output_signature)
        self._leaf_specs = structure.flatten(self._signature)
        self._args = _arguments(args)

    def _compute_spec(self):
        return self._signature

    def _compute_cardinality(self):
        return UNKNOWN

    def _iterate(self):
        return self._run()

    def _where(self, index):
        return (f"element {index} of from_generator({function_name(self._generator)!r}); "
                f"expected {structure.describe_structure(self._signature)}")

    def _failure(self, err, index):
        return _exception_class(err)(
            f"{type(err).__name__}: {err} (raised by the generator "
            f"{function_name(self._generator)!r} of from_generator while producing element "
            f"{index})")

    def _run(self):
        index = 0
        try:
            source = iter(self._generator(*self._args))
        except Exception as err:
            raise self._failure(err, index) from err
        try:
            while True:
                try:
                    value = next(source)
                except StopIteration:
                    return
                except Exception as err:
                    raise self._failure(err, index) from err
                yield self._element(value, index)
                index += 1
        finally:
            getattr(source, "close", lambda: None)()

    # -- conversion of one yielded value -------------------------------------------------------
    def _element(self, value, index):
        leaves = []
        if not _flatten_up_to(self._signature, value, leaves):
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element that did not match the expected "
                f"structure. The expected structure was "
                f"{structure.describe_structure(self._signature)}, but the yielded element was "
                f"{_short(value)} ({self._where(index)}). Yield the same tuples/dicts as the "
                "signature (a list is one tensor, not a tuple).")
        arrays = [self._convert(v, spec, index) for v, spec in zip(leaves, self._leaf_specs)]
        if len(arrays) == 1 and not isinstance(self._signature, (tuple, dict)):
            return arrays[0]
        return structure.pack_as(self._signature, arrays)

    def _convert(self, value, spec, index):
        if structure.is_sparse_spec(spec) or structure.is_sparse(value) or (
                structure.is_ragged_spec(spec) and spec.ragged_rank > 0) or structure.is_ragged(
                    value):
            return self._composite(value, spec, index)
        dtype = spec.dtype
        if isinstance(value, Tensor):
            value = value.data
        if type(value) is np.ndarray and value.dtype == dtype and dtype != _STRING:
            array = value
        elif dtype == _STRING:
            array = self._strings(value, index)
        else:
            try:
                with np.errstate(all="ignore"):
                    if np.issubdtype(dtype, np.number):
                        array = np.asarray(value).astype(dtype)
                    else:
                        array = np.asarray(value, dtype=dtype)
            except (TypeError, ValueError, OverflowError):
                raise InvalidArgumentError(
                    f"TypeError: `generator` yielded an element that could not be converted to "
                    f"the expected type. The expected type was {dtype_name(dtype)}, but the "
                    f"yielded element was {_short(value)} ({self._where(index)}).") from None
        if not structure.shape_compatible(spec._shape, array.shape):
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element of shape {_shape_text(array.shape)} "
                f"where an element of shape {_shape_text(spec._shape)} was expected "
                f"({self._where(index)}). Declare the varying dimensions as None in the "
                "signature, or reshape what the generator yields.")
        return array

    def _composite(self, value, spec, index):
        """A SparseTensor or RaggedTensor component: yielded as one, of the spec's kind,
        dtype and shape (TF converts no dense value to these)."""
        sparse = structure.is_sparse_spec(spec)
        if (structure.is_sparse(value) if sparse else structure.is_ragged(value)) is False:
            kind = "a SparseTensor" if sparse else "a RaggedTensor"
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element that did not match the expected "
                f"structure. The expected structure was {spec!r}, but the yielded element was "
                f"{_short(value)} ({self._where(index)}). Yield {kind} for this component.")
        if not spec.is_compatible_with(structure.spec_of(value)):
            raise InvalidArgumentError(
                f"TypeError: `generator` yielded an element of type "
                f"{structure.spec_of(value)!r} where {spec!r} was expected "
                f"({self._where(index)}). Cast the values or declare the varying dimensions "
                "as None in the signature.")
        return value

    def _strings(self, value, index):
        array = np.array(value, dtype=object)
        flat = array.reshape(-1)
        for i, item in enumerate(flat):
            if isinstance(item, bytes):
                continue
            if isinstance(item, str):
                flat[i] = item.encode("utf-8")
            else:
                raise InternalError(
                    f"Unsupported object type {type(item).__name__}: a tf.string component "
                    f"needs str or bytes values, the generator yielded {_short(item)} "
                    f"({self._where(index)}). Convert it with str(...) or declare a numeric "
                    "dtype.")
        return array


def _flatten_up_to(spec, value, out):
    """Append ``value``'s components to ``out`` following ``spec``'s nest; False when the
    nests differ (TF's ``nest.flatten_up_to`` with its type checks)."""
    if isinstance(spec, tuple):
        if not isinstance(value, tuple) or len(value) != len(spec):
            return False
        if structure.is_namedtuple(spec) and type(value) is not type(spec):
            return False
        return all(_flatten_up_to(s, v, out) for s, v in zip(spec, value))
    if isinstance(spec, dict):
        if not isinstance(value, dict) or value.keys() != spec.keys():
            return False
        return all(_flatten_up_to(spec[k], value[k], out) for k in sorted(spec))
    out.append(value)
    return True


def _short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."
