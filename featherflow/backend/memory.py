"""Allocator tuning for training loops on Linux/glibc.

A training step allocates and frees the same large temporaries (im2col buffers, activations)
every batch. glibc hands blocks over 128 KiB-32 MiB back to the kernel on free and takes them
again from fresh zeroed pages on the next allocation, so each step pays thousands of page
faults (a quarter of a CNN epoch). Raising the mmap and trim thresholds keeps those blocks in
the heap for reuse, as the caching allocators of other frameworks do. The cost is that up to
256 MiB of freed memory may stay with the process. ``FEATHERFLOW_MALLOC_TUNING=0`` turns it off.
"""

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def tune_allocator():
    """Apply the tuning once per process (a no-op off glibc or when turned off)."""
    global _done
    if _done:
        return False
    _done = True
    if os.environ.get("FEATHERFLOW_MALLOC_TUNING", "1") == "0":
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    ok = mallopt(_M_MMAP_THRESHOLD, 64 << 20) == 1
    ok = mallopt(_M_TRIM_THRESHOLD, 256 << 20) == 1 and ok
    return ok
