"""Splitting memory-bound array work over the cores (a thread pool over the batch axis)."""

import os
from concurrent.futures import ThreadPoolExecutor


# -- splitting memory-bound work over the cores ----------------------------------------------
def _usable_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


#: pieces a large elementwise job is cut into: one per usable core, at most 4
PARTS = max(1, min(_usable_cpus(), 4))
#: smaller jobs stay on the calling thread: handing work to a thread costs tens of microseconds
MIN_PARALLEL = 1 << 20
_executor = None
_executor_pid = None


def over_batch(fn, n, size):
    """Run ``fn(lo, hi)`` over the index range ``[0, n)``, cut across the cores when large.

    The im2col copies, activations, col2im adds and pooling passes read and write each sample
    independently and are bound by memory bandwidth, which one core cannot saturate; NumPy
    releases the GIL inside its loops, so pieces on worker threads run truly in parallel (BLAS
    parallelizes the GEMMs by itself). ``size`` is the number of elements touched, used to
    keep small jobs on the calling thread. ``fn`` must write disjoint parts of its outputs for
    different ranges and must not call ``over_batch`` itself.
    """
    parts = min(PARTS, n)
    if parts < 2 or size < MIN_PARALLEL:
        fn(0, n)
        return
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        # a forked child inherits the executor object but not its threads: make a new one
        _executor = ThreadPoolExecutor(PARTS - 1, thread_name_prefix="featherflow")
        _executor_pid = os.getpid()
    cuts = [n * i // parts for i in range(parts + 1)]
    pending = [_executor.submit(fn, cuts[i], cuts[i + 1]) for i in range(1, parts)]
    fn(cuts[0], cuts[1])
    for job in pending:
        job.result()
