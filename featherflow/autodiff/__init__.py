"""Automatic differentiation: Tensor, Variable, Function, GradientTape (reverse mode)
and ForwardAccumulator (Jacobian-vector products; ``tf.autodiff``)."""

from featherflow.autodiff.forward import ForwardAccumulator
from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor, TensorShape, constant, convert_to_tensor
from featherflow.autodiff.variable import Variable

__all__ = [
    "ForwardAccumulator", "Function", "GradientTape", "Tensor", "TensorShape", "Variable",
    "constant", "convert_to_tensor", "unbroadcast",
]
