"""The call context: what an outer layer call tells the layers it calls.

The outermost ``Layer.__call__`` opens a context; layers called inside it (nested layers,
the layers of a model) read ``training`` from it when their caller gave none. A layer called
with an explicit ``training`` sets it for the layers it calls and the enclosing value comes
back when it returns (tf.keras 2's rule; see docs/architecture.md). One context per thread,
so a model called from a data-pipeline worker thread does not see the training step's value.
"""

import threading


class CallContext:
    """State of one outermost layer call: the layer that opened it and ``training``."""

    __slots__ = ("entry", "training")

    def __init__(self, entry, training=None):
        self.entry = entry
        self.training = training


_local = threading.local()


def current():
    """The open context, or None outside any layer call."""
    return getattr(_local, "context", None)


def enter(entry, training):
    context = CallContext(entry, training)
    _local.context = context
    return context


def leave():
    _local.context = None
