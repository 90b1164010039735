"""Reverse-mode automatic differentiation: Tensor, Variable, Function, GradientTape."""

from featherflow.autodiff.function import Function, unbroadcast
from featherflow.autodiff.tape import GradientTape
from featherflow.autodiff.tensor import Tensor, TensorShape, constant, convert_to_tensor
from featherflow.autodiff.variable import Variable

__all__ = [
    "Function", "GradientTape", "Tensor", "TensorShape", "Variable", "constant",
    "convert_to_tensor", "unbroadcast",
]
