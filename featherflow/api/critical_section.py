"""``tf.CriticalSection``: run functions one at a time, as TF's mutex-guarded section.

``execute(fn)`` runs ``fn()`` while holding the section's lock, so functions executed through
one section from several threads never overlap (e.g. a read-modify-write of a Variable), and
returns ``fn``'s result with its tensors converted as TF does (Python numbers become
tensors). Running ``execute`` inside the same section is TF's ValueError (it would deadlock).

    counter = tf.Variable(0)
    section = tf.CriticalSection()
    section.execute(lambda: counter.assign_add(1))
"""

import itertools
import threading

from featherflow.autodiff.tensor import Tensor, convert_to_tensor
from featherflow.tree import nest

_ids = itertools.count()


class CriticalSection:
    """A section functions enter one at a time (``execute``)."""

    def __init__(self, name=None, shared_name=None, critical_section_def=None,
                 import_scope=None):
        if critical_section_def is not None:
            raise ValueError("critical_section_def names a graph's CriticalSection; featherflow "
                             "has no graphs (create the section directly).")
        self._name = name or shared_name or f"CriticalSection_{next(_ids)}"
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def name(self):
        return self._name

    def execute(self, fn, exclusive_resource_access=True, name=None):
        """``fn()`` with the section's lock held; its result with tensors converted."""
        if not callable(fn):
            raise TypeError(f"'{type(fn).__name__}' object is not callable")
        if getattr(self._local, "inside", False):
            raise ValueError(f"Attempting to lock a CriticalSection ({self._name}) in which we "
                             "are already running. This is illegal and may cause deadlocks.")
        with self._lock:
            self._local.inside = True
            try:
                result = fn()
            finally:
                self._local.inside = False
        return nest.map_structure(
            lambda v: v if isinstance(v, Tensor) or v is None else convert_to_tensor(v),
            result)

    def __repr__(self):
        return f"<tf.CriticalSection {self._name!r}>"
