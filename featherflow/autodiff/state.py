"""Recording state shared by tapes and primitives.

``recording`` is the number of tapes currently recording. It is process-wide (not per
thread): featherflow records one training step at a time.
"""

import threading

recording = 0

#: None, or an object whose ``touch(tensor)`` is called when Python reads a Tensor's value or
#: shape (``bool(t)``, ``t.numpy()``, ``t.shape``...): ``tf.data`` sets it while it checks
#: that a map function is element-wise (featherflow/data/vectorize.py)
probe = None

#: None, or True while some thread traces a tf.data map function for its output spec
#: (featherflow/data/tracing.py), so ops whose output length depends on the data can mark it
#: (``data_dependent``). The trace itself is per thread.
tracing = None
_traces = threading.local()
_active = 0
_lock = threading.Lock()


def begin_trace(trace):
    """Make ``trace`` this thread's trace; returns the one it replaces (for ``end_trace``)."""
    global tracing, _active
    previous = getattr(_traces, "trace", None)
    _traces.trace = trace
    with _lock:
        _active += 1
        tracing = True
    return previous


def end_trace(previous):
    global tracing, _active
    _traces.trace = previous
    with _lock:
        _active -= 1
        tracing = True if _active else None


def data_dependent(value, *axes):
    """Mark ``axes`` of ``value`` (a Tensor or RaggedTensor an op just made) as known only
    from the data, as TensorFlow's shape function of that op says; a no-op unless this
    thread is tracing a map function. Returns ``value``."""
    if tracing is not None:
        trace = getattr(_traces, "trace", None)
        if trace is not None:
            trace.data_dependent(value, axes)
    return value


def unknown_shape(value):
    """Mark ``value`` (a Tensor) as of unknown shape, rank included, as TensorFlow's tracer
    sees what a Python function returned (``tf.py_function``); a no-op outside a map trace.
    Returns ``value``."""
    if tracing is not None:
        trace = getattr(_traces, "trace", None)
        if trace is not None:
            trace.unknown_shape(value)
    return value


def refine_shape(tensor, dims):
    """``set_shape`` / ``ensure_shape`` inside a traced map function: the static shape takes
    the known dims of ``dims`` (a list with None for unknown ones), as TF's merge does."""
    trace = getattr(_traces, "trace", None)
    if trace is not None:
        trace.refine(tensor, dims)


def traced_shape(value, shape):
    """Set the static shape a traced map function sees for ``value`` (what TF's shape
    function of the op that made it gives: a tuple with None for dims known only from the
    data, or None for an unknown rank); a no-op outside a map trace. Returns ``value``."""
    if tracing is not None:
        trace = getattr(_traces, "trace", None)
        if trace is not None:
            trace.set(value, shape)
    return value


def from_data(value):
    """Whether ``value`` (a Tensor, or a list of Tensors and numbers) is computed from the
    inputs of a function being traced, so TensorFlow's tracer knows no constant value for
    it (what is tracked there was derived from the watched inputs)."""
    if isinstance(value, (list, tuple)):
        return any(from_data(v) for v in value)
    return getattr(value, "_track", False) is True


def shape_from_data(value, shape):
    """``data_dependent`` for an op whose output shape is the value ``value``: the dims
    that TensorFlow's tracer cannot know (computed from the inputs) are marked."""
    if tracing is None:
        return shape
    if isinstance(value, (list, tuple)):
        axes = [i for i, v in enumerate(value) if from_data(v)]
    else:
        axes = list(range(len(shape.data.shape))) if from_data(value) else []
    return data_dependent(shape, *axes) if axes else shape
