"""``Dataset.padded_batch``: batches of elements of varying shape, each padded to one shape.

Every component is padded at the end of each dimension to ``padded_shapes`` (a nest of shapes
like the element's; a ``None`` or -1 dimension, or no ``padded_shapes`` at all, pads to the
largest in that batch) with ``padding_values`` (a nest of scalars; 0, ``False`` or ``b""``
by default).
"""

import numpy as np

from featherflow.autodiff.tensor import dtype_name
from featherflow.data import structure
from featherflow.data.batch import BatchDataset, positive_size
from featherflow.errors import DataLossError, InvalidArgumentError


def _shape_list(shape, where):
    """A padded shape as a tuple of ints and ``None`` (for -1 / None / unknown)."""
    if hasattr(shape, "numpy"):
        shape = shape.numpy()
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    if isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)):
        shape = [shape]
    try:
        dims = [None if d is None or int(d) == -1 else int(d) for d in shape]
    except (TypeError, ValueError):
        raise TypeError(f"padded_batch: {where} must be a shape (a list of ints, -1 or None), "
                        f"received {shape!r}.") from None
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"padded_batch: {where} has a negative dimension: {shape!r}.")
    return tuple(dims)


def _default_padding(dtype):
    if dtype.kind == "O":
        value = np.empty((), dtype=object)
        value[()] = b""
        return value
    return np.zeros((), dtype=dtype)


class PaddedBatchDataset(BatchDataset):
    """Batches of ``batch_size`` elements padded to ``padded_shapes`` with ``padding_values``.

    Example::

        >>> ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x))
        >>> [b.tolist() for b in ds.padded_batch(2).as_numpy_iterator()]
        [[[1, 0], [2, 2]], [[3, 3, 3]]]

    As TensorFlow: a fixed padded dimension smaller than the input's static one is a
    ValueError here, an element larger than it at iteration a ``DataLossError``; a padding
    value must be a scalar of the component's dtype (a Python int is int32, so an int64
    component needs ``np.int64(-1)`` or ``tf.constant(-1, tf.int64)``).
    """

    def __init__(self, input_dataset, batch_size, padded_shapes=None, padding_values=None,
                 drop_remainder=False, name=None):
        try:
            positive = positive_size(batch_size, "padded_batch: batch_size")
        except ValueError as err:
            raise InvalidArgumentError(str(err)) from None
        super().__init__(input_dataset, positive, drop_remainder=drop_remainder, name=name)
        spec = input_dataset.element_spec
        leaves = structure.flatten(spec)
        composite = [s for s in leaves if structure.is_composite_spec(s)]
        if composite:
            # TF's message: padded_batch takes TensorSpec components only
            raise TypeError(
                "`padded_batch` is only supported for datasets that produce tensor elements "
                "but type spec of elements in the input dataset is not a subclass of "
                f"TensorSpec: `{composite[0]!r}`. Use batch / ragged_batch, or map the "
                "component to a dense tensor (tf.sparse.to_dense, rt.to_tensor()) first.")
        self._shapes = self._resolve_shapes(spec, leaves, padded_shapes)
        # without padded_shapes every dimension pads to the batch's largest, which is the
        # static size where the spec has one; the spec keeps those sizes, as TensorFlow's
        self._spec_shapes = self._shapes if padded_shapes is not None else [
            tuple(s._shape) for s in leaves]
        self._values = self._resolve_values(spec, leaves, padding_values)

    @staticmethod
    def _resolve_shapes(spec, leaves, padded_shapes):
        if padded_shapes is None:
            shapes = []
            for s in leaves:
                if s._shape is None:
                    raise ValueError(
                        "padded_batch: the input has a component of unknown rank "
                        f"({s!r}); pass padded_shapes to say its shape.")
                shapes.append(tuple(None for _ in s._shape))
            return shapes
        given = flatten_up_to(spec, padded_shapes, "padded_shapes")
        shapes = []
        for s, g in zip(leaves, given):
            shape = _shape_list(g, "padded_shapes")
            static = s._shape
            if static is not None and (len(static) != len(shape) or any(
                    a is not None and b is not None and b < a for a, b in zip(static, shape))):
                raise ValueError(
                    f"padded_batch: the padded shape {_text(shape)} is not compatible with "
                    f"the shape {_text(static)} of the corresponding input component. Give a "
                    "shape of the same rank whose fixed dimensions are at least the input's.")
            shapes.append(shape)
        return shapes

    @staticmethod
    def _resolve_values(spec, leaves, padding_values):
        if padding_values is None:
            return [_default_padding(s.dtype) for s in leaves]
        if isinstance(spec, (tuple, dict)) and not isinstance(padding_values, (tuple, dict)):
            given = [padding_values] * len(leaves)  # one scalar pads every component
        else:
            given = flatten_up_to(spec, padding_values, "padding_values")
        values = []
        for s, v in zip(leaves, given):
            a = structure.to_array(v)
            if a.ndim != 0:
                raise ValueError(
                    f"padded_batch: every padding value must be a scalar; received one of "
                    f"shape {tuple(a.shape)}.")
            if a.dtype != s.dtype:
                raise TypeError(
                    f"padded_batch: a padding value of dtype {dtype_name(a.dtype)} was given "
                    f"for a component of dtype {dtype_name(s.dtype)}; they must match. Cast "
                    "it, e.g. "
                    f"tf.constant(value, tf.{dtype_name(s.dtype)}).")
            values.append(a)
        return values

    def _compute_spec(self):
        first = self._batch_size if self._drop else None
        leaves = structure.flatten(self._input.element_spec)
        return structure.pack_as(self._input.element_spec, [
            s._with_shape((first,) + shape) for s, shape in zip(leaves, self._spec_shapes)])

    def _iterate(self):
        bs, drop = self._batch_size, self._drop
        it = self._input._iterate()
        spec = self._input.element_spec
        try:
            batch = []
            for element in it:
                batch.append(structure.flatten(element))
                if len(batch) == bs:
                    yield self._pad(spec, batch)
                    batch = []
            if batch and not drop:
                yield self._pad(spec, batch)
        finally:
            getattr(it, "close", lambda: None)()

    def _pad(self, spec, rows):
        out = []
        for c, (shape, value) in enumerate(zip(self._shapes, self._values)):
            column = [row[c] for row in rows]
            ranks = {a.ndim for a in column}
            if ranks != {len(shape)}:
                raise InvalidArgumentError(
                    f"padded_batch: component {c} has elements of rank {sorted(ranks)}, but "
                    f"the padded shape {_text(shape)} has rank {len(shape)}.")
            largest = np.max([a.shape for a in column], axis=0) if shape else ()
            target = tuple(int(m) if d is None else d for d, m in zip(shape, largest))
            if any(m > d for d, m in zip(target, largest)):
                raise DataLossError(
                    f"padded_batch: an element is larger than the padded shape: component "
                    f"{c} has an element of shape {[int(m) for m in largest]} and the padded "
                    f"shape is {list(target)}. Raise padded_shapes or leave that dimension "
                    "as None to pad to the batch's largest.")
            result = np.empty((len(column),) + target, dtype=column[0].dtype)
            result[...] = value
            for i, a in enumerate(column):
                result[(i,) + tuple(slice(0, n) for n in a.shape)] = a
            out.append(result)
        return structure.pack_as(spec, out)


def flatten_up_to(spec, value, what):
    """The leaves of ``value`` at the places of ``spec``'s leaves: inside, a list or tuple
    is one shape or value, as ``tf.nest.map_structure_up_to`` reads them."""
    if isinstance(spec, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            raise ValueError(_structure_error(spec, value, what))
        return [leaf for s, v in zip(spec, value) for leaf in flatten_up_to(s, v, what)]
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise ValueError(_structure_error(spec, value, what))
        return [leaf for k in sorted(spec) for leaf in flatten_up_to(spec[k], value[k], what)]
    return [value]


def _structure_error(spec, value, what):
    return (f"padded_batch: {what} must have the structure of the elements, "
            f"{structure.describe_structure(spec)}; received {value!r}.")


def _text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")")
