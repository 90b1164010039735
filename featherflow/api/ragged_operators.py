"""RaggedTensor's Python operators: elementwise ops on the flat values (as TF's
``ragged_operators``), through ``ragged_math.elementwise``."""


class RaggedOperators:
    """The operator methods of RaggedTensor (a mixin: RaggedTensor is the only user)."""

    __slots__ = ()

    def __add__(self, other):
        return _binary("add", self, other)

    def __radd__(self, other):
        return _binary("add", other, self)

    def __sub__(self, other):
        return _binary("subtract", self, other)

    def __rsub__(self, other):
        return _binary("subtract", other, self)

    def __mul__(self, other):
        return _binary("multiply", self, other)

    def __rmul__(self, other):
        return _binary("multiply", other, self)

    def __truediv__(self, other):
        return _binary("divide", self, other)

    def __rtruediv__(self, other):
        return _binary("divide", other, self)

    def __floordiv__(self, other):
        return _binary("floordiv", self, other)

    def __rfloordiv__(self, other):
        return _binary("floordiv", other, self)

    def __mod__(self, other):
        return _binary("mod", self, other)

    def __rmod__(self, other):
        return _binary("mod", other, self)

    def __pow__(self, other):
        return _binary("pow", self, other)

    def __rpow__(self, other):
        return _binary("pow", other, self)

    def __lt__(self, other):
        return _binary("less", self, other)

    def __le__(self, other):
        return _binary("less_equal", self, other)

    def __gt__(self, other):
        return _binary("greater", self, other)

    def __ge__(self, other):
        return _binary("greater_equal", self, other)

    def __eq__(self, other):
        if other is None:
            return False
        return _binary("equal", self, other)

    def __ne__(self, other):
        if other is None:
            return True
        return _binary("not_equal", self, other)

    def __and__(self, other):
        return _binary("logical_and", self, other)

    def __rand__(self, other):
        return _binary("logical_and", other, self)

    def __or__(self, other):
        return _binary("logical_or", self, other)

    def __ror__(self, other):
        return _binary("logical_or", other, self)

    def __xor__(self, other):
        return _binary("logical_xor", self, other)

    def __invert__(self):
        return self.with_flat_values(_math().logical_not(self.flat_values))

    def __neg__(self):
        return self.with_flat_values(_math().negative(self.flat_values))

    def __abs__(self):
        return self.with_flat_values(_math().abs(self.flat_values))


def _math():
    # ops.math imports nothing of ours; looked up on first use like Tensor's operators
    from featherflow.ops import math as math_ops

    return math_ops


def _binary(op, a, b):
    from featherflow.api import ragged_math  # ragged_math builds on this module

    return ragged_math.elementwise(getattr(_math(), op), f"tf.{op}", a, b)
