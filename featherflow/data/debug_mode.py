"""``tf.data.experimental.enable_debug_mode``: pipelines without asynchrony or parallelism.

As in TensorFlow, after the call every transformation runs in the consumer's thread, one
element at a time and in order: ``map`` and ``interleave`` ignore ``num_parallel_calls``
and ``deterministic=False``, and ``prefetch`` computes its elements when they are asked for,
so a breakpoint or ``print`` in a map function sees the elements in order. (TensorFlow also
makes traced functions run eagerly; featherflow's always do.) It cannot be undone, as in TF.
"""

_ENABLED = False


def enable_debug_mode():
    """Run every tf.data pipeline sequentially from now on (see the module docstring)."""
    global _ENABLED
    _ENABLED = True


def enabled():
    return _ENABLED
