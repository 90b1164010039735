"""RawInputLayer: the base of the layers that take strings or integer ids as they come.

``Layer.__call__`` casts numeric inputs to the layer's dtype and converts list inputs element by
element; the lookup, text and hashing layers need neither (a list of strings is one string
tensor, an int64 id must stay an int64 id, a Hashing layer hashes ``1`` as the string ``"1"``).
Their outputs also have a dtype of their own (int64 ids, a string inverse lookup, float tf-idf),
which the symbolic outputs carry so the layers after them cast as they would at run time.
"""

import numpy as np

from featherflow import tree
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.graph import KerasTensor
from featherflow.layers.layer import Layer


def as_tensor(value):
    """``value`` (Tensor, array, list, str, number) as a Tensor, strings as tf.string."""
    if isinstance(value, Tensor):
        return value
    return Tensor(as_array(value))


class RawInputLayer(Layer):
    """A layer whose ``call`` gets its input as given: no cast, one tensor per list."""

    _cast_int_inputs = False

    def _convert_inputs(self, inputs):
        return as_tensor(inputs)

    def output_dtype(self):
        """The dtype of what ``call`` returns (the symbolic outputs get it too)."""
        return self.dtype

    def _symbolic_call(self, inputs, rest, kwargs):
        result = super()._symbolic_call(inputs, rest, kwargs)
        dtype = self.output_dtype()
        for out in tree.flatten(result):
            if isinstance(out, KerasTensor):
                out.dtype = dtype
        return result


def check_string_input(layer, data):
    """``data`` (an ndarray) must hold strings; the error names the layer otherwise."""
    if data.dtype != object:
        raise TypeError(
            f"{type(layer).__name__} layer {layer.name!r} expects string inputs, received a "
            f"tensor of dtype {data.dtype}. Convert numbers first with tf.strings.as_string, or "
            "use IntegerLookup for integer ids.")
    return data


def check_integer_input(layer, data, what="integer inputs"):
    """``data`` as int64: integers kept, floats truncated as TF's cast, strings refused."""
    if data.dtype == object:
        raise TypeError(
            f"{type(layer).__name__} layer {layer.name!r} expects {what}, received strings. "
            "Use StringLookup for string tokens.")
    if data.dtype.kind == "b":
        raise TypeError(
            f"{type(layer).__name__} layer {layer.name!r} expects {what}, received booleans; "
            "cast them to int64 first.")
    return data.astype(np.int64, copy=False)
