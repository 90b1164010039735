"""``tf.summary.experimental``: the default step and raw summary writing."""

import time

from featherflow.summary import _proto
from featherflow.summary.ops import _writer, resolve_step
from featherflow.summary.writer import state


def get_step():
    """The default step for summaries (as set by ``set_step``), or None."""
    return state.step


def set_step(step):
    """Set the default step for summaries written without ``step=``.

    ``step`` may be an int or a variable (e.g. ``optimizer.iterations``), read at each write.

    Example::

        tf.summary.experimental.set_step(0)
        tf.summary.scalar("loss", 0.5)  # written at step 0
    """
    state.step = step


def write_raw_pb(tensor, step=None, name=None):
    """Write a serialized ``Summary`` protocol buffer (bytes) as one event."""
    del name
    events = _writer()
    if events is None:
        return False
    if not isinstance(tensor, bytes):
        raise TypeError(
            "write_raw_pb expected the bytes of a serialized Summary message; received "
            f"{type(tensor).__name__}"
        )
    step = resolve_step(step, "experimental.write_raw_pb")
    now = time.time()
    events.add_event(_proto.f_bytes(5, tensor) + _proto.f_varint(2, step) + _proto.f_double(1, now))
    return True
