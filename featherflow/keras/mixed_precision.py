"""``tf.keras.mixed_precision``: dtype policies and loss scaling (Keras 3's names).

Re-exports: the policies live in :mod:`featherflow.serialization.dtype_policy` (below the
layers, whose call protocol reads them), ``LossScaleOptimizer`` in
:mod:`featherflow.optimizers.loss_scale_optimizer`. docs/mixed_precision.md describes how
featherflow computes under ``"mixed_float16"`` and ``"mixed_bfloat16"``.

Example::

    >>> tf.keras.mixed_precision.set_global_policy("mixed_float16")
    >>> layer = tf.keras.layers.Dense(4)
    >>> layer.compute_dtype, layer.variable_dtype
    ('float16', 'float32')
    >>> tf.keras.mixed_precision.set_global_policy("float32")
"""

from featherflow.optimizers.loss_scale_optimizer import LossScaleOptimizer
from featherflow.serialization.dtype_policy import (
    DTypePolicy,
    FloatDTypePolicy,
    global_policy,
    set_global_policy,
)

Policy = DTypePolicy
dtype_policy = global_policy
set_dtype_policy = set_global_policy

__all__ = [
    "DTypePolicy", "FloatDTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy",
    "global_policy", "set_dtype_policy", "set_global_policy",
]
