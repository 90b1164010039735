"""``tf.train.Coordinator``: lets threads ask each other to stop and hands the first
exception one of them reported to whoever joins them, as TensorFlow 2.21 does.

Example::

    >>> coord = tf.train.Coordinator()
    >>> def work():
    ...     with coord.stop_on_exception():
    ...         while not coord.should_stop():
    ...             step()
    >>> threads = [threading.Thread(target=work) for _ in range(4)]
    >>> for t in threads:
    ...     t.start()
    >>> coord.join(threads)      # re-raises what a thread reported
"""

import contextlib
import logging
import sys
import threading
import time

from featherflow.errors import OutOfRangeError

_LOG = logging.getLogger("featherflow")


class Coordinator:
    """A coordinator for threads (``tf.train.Coordinator``).

    ``request_stop(ex)`` records the first exception (an ``OutOfRangeError``, or any of
    ``clean_stop_exception_types``, counts as a clean stop) and sets the stop flag;
    ``join`` waits for the threads and re-raises that exception, or raises RuntimeError
    naming the threads still running after ``stop_grace_period_secs``.
    """

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        instance = ex[1] if isinstance(ex, tuple) else ex
        return None if isinstance(instance, self._clean_stop_exception_types) else ex

    def request_stop(self, ex=None):
        """Ask every thread to stop. ``ex`` is an exception, or ``sys.exc_info()``'s tuple;
        the first one reported is kept for ``join``. After ``join``, an ``ex`` is raised at
        once (there is no joiner left to hand it to)."""
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1]
                if ex is not None:
                    # TensorFlow raises the exception being handled, as its callers do this
                    # from inside an except block
                    raise sys.exc_info()[1]
            if self._stop_event.is_set():
                return
            if ex and self._exc_info_to_raise is None:
                if isinstance(ex, tuple):
                    _LOG.info("Error reported to Coordinator: %s", ex[1])
                    self._exc_info_to_raise = ex
                else:
                    info = sys.exc_info()
                    if info[1] is None:
                        # TensorFlow fails here too (a TypeError formatting its message)
                        raise TypeError(
                            f"Coordinator.request_stop: ex={ex!r} was given outside an except "
                            "block, so the exception being handled (sys.exc_info()) is None. "
                            "Pass ex=sys.exc_info(), or call request_stop inside the except "
                            "block that caught ex.")
                    _LOG.info("Error reported to Coordinator: %s, %s", type(ex), ex)
                    self._exc_info_to_raise = info
                if len(self._exc_info_to_raise) != 3 or not self._exc_info_to_raise[1]:
                    bad = self._exc_info_to_raise
                    self._exc_info_to_raise = None
                    raise ValueError(
                        f"Coordinator.request_stop: ex must be an exception or the 3-tuple "
                        f"sys.exc_info() returns, received {bad!r}.")
            self._stop_event.set()

    def clear_stop(self):
        """Forget the stop request and its exception, so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            self._stop_event.clear()

    def should_stop(self):
        """True once a stop was requested."""
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """``with coord.stop_on_exception():`` reports any exception of the block (and
        swallows it) through ``request_stop``."""
        try:
            yield
        except:  # noqa: E722 - TensorFlow reports everything, SystemExit included
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Wait until a stop is requested (at most ``timeout`` seconds); True if it was."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        """Add ``thread`` to the threads ``join`` waits for."""
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Wait for ``threads`` (and the registered ones) to finish or for a stop request,
        then give them ``stop_grace_period_secs`` to stop; re-raise the reported exception,
        else raise RuntimeError naming threads still alive (unless ``ignore_live_threads``)."""
        with self._lock:
            if threads is None:
                threads = self._registered_threads
            else:
                threads = self._registered_threads.union(set(threads))
            threads = list(threads)
        while any(t.is_alive() for t in threads) and not self.wait_for_stop(1.0):
            pass
        # polls at doubling intervals (from 1 ms) so a quick stop is seen quickly
        wait = 0.001
        while any(t.is_alive() for t in threads) and stop_grace_period_secs >= 0.0:
            time.sleep(wait)
            stop_grace_period_secs -= wait
            wait = max(min(2 * wait, stop_grace_period_secs), 0.001)
        stragglers = [t.name for t in threads if t.is_alive()]
        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
            if stragglers:
                message = "Coordinator stopped with threads still running: " + " ".join(
                    stragglers)
                if not ignore_live_threads:
                    raise RuntimeError(message)
                _LOG.info(message)

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Raise the exception given to ``request_stop``, if there is one."""
        with self._lock:
            if self._exc_info_to_raise:
                raise self._exc_info_to_raise[1]
