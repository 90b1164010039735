"""Recording state shared by tapes and primitives.

``recording`` is the number of tapes currently recording. It is process-wide (not per
thread): featherflow records one training step at a time.
"""

recording = 0

#: None, or an object whose ``touch(tensor)`` is called when Python reads a Tensor's value or
#: shape (``bool(t)``, ``t.numpy()``, ``t.shape``...): ``tf.data`` sets it while it checks
#: that a map function is element-wise (featherflow/data/vectorize.py)
probe = None

#: None, or the trace of a tf.data map function being traced for its output spec
#: (featherflow/data/tracing.py): primitives are then recorded even without a gradient, so
#: static shapes can be replayed through them
tracing = None


def data_dependent(value, *axes):
    """Mark ``axes`` of ``value`` (a Tensor or RaggedTensor an op just made) as known only
    from the data, as TensorFlow's shape function of that op says; a no-op unless a map
    function is being traced. Returns ``value``."""
    if tracing is not None:
        tracing.data_dependent(value, axes)
    return value
