"""Backend settings (float type, epsilon) and Keras-2 style backend functions."""

from featherflow.backend.config import (
    epsilon,
    floatx,
    set_epsilon,
    set_floatx,
)

__all__ = ["epsilon", "floatx", "set_epsilon", "set_floatx"]
