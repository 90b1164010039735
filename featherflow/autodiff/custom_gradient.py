"""``tf.custom_gradient``: a function that says its own gradient.

The decorated ``f(*inputs)`` returns ``(outputs, grad_fn)``; ``grad_fn(*output_grads)``
returns one gradient per input. The forward runs on untracked copies of the inputs and one
node links the outputs to the inputs, whose backward calls ``grad_fn`` with Tensors. When
``grad_fn`` takes ``variables=``, the trainable Variables the outputs depend on are found by
recording the forward; ``grad_fn`` then returns ``(input_grads, variable_grads)``, as in TF.
"""

import functools
import inspect

import numpy as np

from featherflow.autodiff import state
from featherflow.autodiff.function import Function
from featherflow.autodiff.tensor import Tensor, as_array
from featherflow.autodiff.variable import Variable


class _Custom(Function):
    # grad_fn returns gradients in TF's convention for complex tensors already
    conjugate_complex = False

    def __init__(self, grad_fn, n_out, variables=None):
        self.grad_fn = grad_fn
        self.n_out = n_out
        self.variables = variables

    def forward(self, *arrays):
        return self.outputs if self.n_out > 1 else self.outputs[0]

    def backward(self, grad):
        grads = grad if self.n_out > 1 else [grad]
        grads = [Tensor(np.asarray(g)) for g in grads]
        if self.variables is not None:
            result = self.grad_fn(*grads, variables=list(self.variables))
            if not (isinstance(result, (list, tuple)) and len(result) == 2):
                raise ValueError("custom_gradient: a grad_fn taking variables= must return "
                                 "(input_gradients, variable_gradients).")
            given, var_grads = result
            given = list(given) if isinstance(given, (list, tuple)) else [given]
            var_grads = list(var_grads) if isinstance(var_grads, (list, tuple)) else [var_grads]
            if len(var_grads) != len(self.variables):
                raise ValueError(
                    f"custom_gradient: {len(var_grads)} variable gradient(s) returned for "
                    f"{len(self.variables)} variable(s) used: "
                    f"{[v.name for v in self.variables]}.")
            result = given + var_grads
        else:
            result = self.grad_fn(*grads)
            result = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(result) != len(self.inputs):
            raise ValueError(
                f"custom_gradient: the gradient function returned {len(result)} gradient(s) "
                f"for {len(self.inputs)} input(s); return one per input (None for none).")
        out = []
        for g, x in zip(result, self.inputs):
            if g is None:
                out.append(None)
                continue
            value = np.asarray(g.data if isinstance(g, Tensor) else g)
            out.append(np.broadcast_to(value, np.shape(x.data if isinstance(x, Tensor) else x))
                       .astype(value.dtype, copy=False))
        return tuple(out)


def custom_gradient(f=None):
    """Decorate ``f`` (``@tf.custom_gradient``) so gradients through it come from the
    ``grad_fn`` it returns."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        inputs = [a if isinstance(a, Tensor) else Tensor(as_array(a)) for a in args]
        detached = [Tensor(t.data) for t in inputs]
        state.recording += 1  # record the forward, to find the variables it reads
        try:
            outputs, grad_fn = f(*detached, **kwargs)
        finally:
            state.recording -= 1
        many = isinstance(outputs, (list, tuple))
        outs = list(outputs) if many else [outputs]
        variables = None
        if "variables" in inspect.signature(grad_fn).parameters:
            variables = _variables_behind(outs)
        node = _Custom(grad_fn, len(outs), variables)
        node.outputs = [np.asarray(o.data if isinstance(o, Tensor) else o) for o in outs]
        result = node(*inputs, *(variables or ()))
        if not many:
            return result
        result = list(result) if isinstance(result, tuple) else [result]
        return type(outputs)(result)

    return wrapper


def _variables_behind(outputs):
    """The trainable Variables the recorded ``outputs`` were computed from, in first-use
    order."""
    found, seen_nodes, stack = {}, set(), []
    for o in outputs:
        if isinstance(o, Variable):
            found.setdefault(id(o), o)
        elif isinstance(o, Tensor) and o._node is not None:
            stack.append(o._node)
    order = []
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        for x in getattr(node, "inputs", ()):
            if isinstance(x, Variable):
                if id(x) not in found:
                    found[id(x)] = x
                    order.append((node._seq, x))
            elif isinstance(x, Tensor) and x._node is not None:
                stack.append(x._node)
    return [v for _, v in sorted(order, key=lambda p: p[0])]
