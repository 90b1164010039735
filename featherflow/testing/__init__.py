"""Testing helpers: the numerical gradient checker."""

from featherflow.testing.gradient_check import (
    check_gradients,
    check_second_order,
    numerical_gradients,
)

__all__ = ["check_gradients", "check_second_order", "numerical_gradients"]
