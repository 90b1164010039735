"""``tf.linalg``: matrix products, norms and transposes."""

from featherflow.ops import complex_parts
from featherflow.ops.creation import eye
from featherflow.ops.math import einsum, global_norm, l2_normalize, matmul, matvec, norm, tensordot
from featherflow.ops.reshape import matrix_transpose, transpose


def adjoint(matrix, name=None):
    """The conjugate transpose of the last two axes (``tf.linalg.adjoint``)."""
    return matrix_transpose(complex_parts.conj(matrix))


def __getattr__(name):
    # decompositions, solves, matrix functions, diagonals (featherflow/api/linalg_extra.py)
    # load on first use
    from featherflow.api import linalg_extra

    if name in linalg_extra.__all__:
        value = getattr(linalg_extra, name)
        globals()[name] = value
        return value
    if name.startswith("LinearOperator"):
        from featherflow.api import linear_operator

        if name in linear_operator.__all__:
            value = getattr(linear_operator, name)
            globals()[name] = value
            return value
    if name == "experimental":
        from featherflow.api import linalg_experimental

        globals()[name] = linalg_experimental
        return linalg_experimental
    raise AttributeError(f"module 'featherflow.linalg' has no attribute {name!r}")


def __dir__():
    from featherflow.api import linalg_extra, linear_operator

    return sorted(set(globals()) | set(linalg_extra.__all__) | set(linear_operator.__all__)
                  | {"experimental"})
