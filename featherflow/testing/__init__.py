"""Testing helpers: the numerical gradient checker."""

from featherflow.testing.gradient_check import check_gradients, numerical_gradients

__all__ = ["check_gradients", "numerical_gradients"]
