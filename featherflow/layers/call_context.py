"""The call context: what an outer layer call tells the layers it calls.

The outermost ``Layer.__call__`` opens a context; layers called inside it (nested layers,
the layers of a model) read ``training`` from it when their caller gave none. A layer called
with an explicit ``training`` sets it for the layers it calls and the enclosing value comes
back when it returns (tf.keras 2's rule; see docs/architecture.md). One context per thread,
so a model called from a data-pipeline worker thread does not see the training step's value.
"""

import threading


class CallContext:
    """The call state of one thread: the layer whose call opened it (None when no call is
    open) and ``training``."""

    __slots__ = ("entry", "training")

    def __init__(self, entry, training=None):
        self.entry = entry
        self.training = training


#: ``local.context`` is this thread's CallContext, made at the thread's first layer call;
#: ``Layer.__call__`` reads and sets it inline (it runs for every layer call)
local = threading.local()


def open_context():
    """This thread's context, made on first use."""
    context = local.__dict__.get("context")
    if context is None:
        context = local.context = CallContext(None)
    return context
