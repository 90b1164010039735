"""``tf.linalg``: matrix products, norms and transposes."""

from featherflow.ops.creation import eye
from featherflow.ops.math import einsum, global_norm, l2_normalize, matmul, matvec, norm, tensordot
from featherflow.ops.reshape import matrix_transpose, transpose

adjoint = matrix_transpose
