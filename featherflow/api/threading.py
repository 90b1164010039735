"""``tf.config.threading``: how many threads featherflow's maths may use.

featherflow's heavy ops are NumPy's BLAS calls (OpenBLAS in NumPy's wheels), so the
intra-op setting is OpenBLAS's thread count: ``set_intra_op_parallelism_threads(1)`` keeps
every matrix product on the calling thread. That matters on a machine shared with other
work: a multi-threaded BLAS whose threads wait for busy cores can be several times slower than
one thread (measured here: a Transformer training step 0.25 s with one thread, 1.3 s with two
on a 2-core machine under load). 0 restores the library's default. featherflow runs ops one
after another, so the inter-op setting is recorded and read back only.
"""

import ctypes
import os
import threading

_LOCK = threading.Lock()
_STATE = {"intra": 0, "inter": 0, "library": None, "default": None}
# OpenBLAS builds name their setter differently (scipy-openblas64 prefixes and suffixes it)
_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
            "openblas_set_num_threads64_", "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads",
            "openblas_get_num_threads64_", "openblas_get_num_threads")


def _blas():
    """(set, get) functions of the OpenBLAS NumPy loaded, or None where none is found."""
    if _STATE["library"] is not None:
        return _STATE["library"] or None
    import numpy  # noqa: F401 - loads the BLAS

    found = False
    paths = []
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f
                            if "openblas" in line.split()[-1].lower()
                            and ".so" in line.split()[-1]})
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(lib, n) for n in _SETTERS if hasattr(lib, n)), None)
        getter = next((getattr(lib, n) for n in _GETTERS if hasattr(lib, n)), None)
        if setter is not None and getter is not None:
            setter.argtypes, setter.restype = [ctypes.c_int], None
            getter.argtypes, getter.restype = [], ctypes.c_int
            found = (setter, getter)
            break
    _STATE["library"] = found
    if found:
        _STATE["default"] = found[1]()
    return found or None


def _check(n, what):
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"{what}: expected a non-negative integer (0 = the default); received "
                         f"{n!r}.")
    return n


def set_intra_op_parallelism_threads(num_threads):
    """Threads a single op may use (the BLAS's); 0 gives back the library's default."""
    n = _check(num_threads, "set_intra_op_parallelism_threads")
    with _LOCK:
        blas = _blas()
        if blas is None:
            import warnings

            warnings.warn("set_intra_op_parallelism_threads: the BLAS NumPy uses could not be "
                          "found (only OpenBLAS on Linux is controlled); set "
                          "OPENBLAS_NUM_THREADS / OMP_NUM_THREADS before starting Python.",
                          stacklevel=2)
        else:
            blas[0](n if n else (_STATE["default"] or os.cpu_count() or 1))
        _STATE["intra"] = n


def get_intra_op_parallelism_threads():
    """The value set (0: the default), as ``tf.config.threading``."""
    return _STATE["intra"]


def set_inter_op_parallelism_threads(num_threads):
    """Recorded and read back: featherflow runs one op at a time."""
    _STATE["inter"] = _check(num_threads, "set_inter_op_parallelism_threads")


def get_inter_op_parallelism_threads():
    return _STATE["inter"]


def blas_threads():
    """The thread count the BLAS uses now (None where it cannot be read)."""
    blas = _blas()
    return None if blas is None else blas[1]()
