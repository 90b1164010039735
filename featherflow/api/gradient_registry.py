"""``tf.RegisterGradient``, ``tf.gradients`` and ``tf.AggregationMethod``: TF's graph-gradient
names, as TF 2 eager has them.

``RegisterGradient("OpType")`` records a gradient function by op-type name in a registry,
refusing a second registration of a name and a non-string name as TF does. featherflow's
primitives carry their backward with them (one class per primitive, forward and backward
together) and have no op-type names to look up, so a registered function changes no
featherflow op's gradient: to give a computation a gradient of your own use
``tf.custom_gradient`` (docs/tf_core.md). ``tf.gradients`` is graph-only: it raises TF 2
eager's RuntimeError pointing to ``tf.GradientTape``.
"""

import inspect

_registry = {}


class RegisterGradient:
    """Decorator registering ``fn(op, *grads)`` as the gradient of op type ``op_type``.

        @tf.RegisterGradient("MyCustomOp")
        def _my_custom_op_grad(op, grad):
            return grad
    """

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        if self._op_type in _registry:
            _, where = _registry[self._op_type]
            raise KeyError(f"Registering two gradient with name '{self._op_type}'! (Previous "
                           f"registration was in {where})")
        frame = inspect.stack()[1]
        _registry[self._op_type] = (f, f"{frame.function} {frame.filename}:{frame.lineno}")
        return f


def registered_gradient(op_type):
    """The function registered for ``op_type`` (a LookupError naming it when none is)."""
    if op_type not in _registry:
        raise LookupError(f"gradient registry has no entry for: {op_type}")
    return _registry[op_type][0]


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False,
              aggregation_method=None, stop_gradients=None, unconnected_gradients="none"):
    """Graph-only in TF 2: raises TF's eager RuntimeError (use ``tf.GradientTape``)."""
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use "
                       "tf.GradientTape instead.")


class AggregationMethod:
    """How TF's graph gradients add up the contributions to one tensor (``ADD_N`` is the
    default). featherflow's tape always sums them pairwise as they arrive, so the choice
    does not change the numbers beyond rounding."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2
