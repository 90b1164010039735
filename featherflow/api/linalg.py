"""``tf.linalg``: matrix products."""

from featherflow.ops.math import l2_normalize, matmul, tensordot  # noqa: F401
from featherflow.ops.shape import eye, transpose  # noqa: F401
