"""Optional compiled kernels (numba) for the hot elementwise and row-wise loops.

featherflow runs on NumPy alone; with the ``[fast]`` extra (numba) installed, a few fused
primitives (LayerNormalization over the last axis, the attention softmax) run compiled,
multi-threaded loops instead of several NumPy passes. Both paths give the same numbers
within float32 rounding and are tested against each other.

The kernels' loops are compiled parallel but run on one thread unless
``tf.config.threading.set_intra_op_parallelism_threads(n)`` asks for ``n``: on a machine
shared with other work, a parallel loop of ~0.5 ms that waits for a second, busy core was
measured 25-50 times slower than on one thread (2 cores, load average 7).
The compiled path is on when numba imports; ``FEATHERFLOW_FAST=0`` in the environment, or
``set_enabled(False)``, turns it off. Nothing here imports numba at ``import featherflow``:
:func:`kernels` imports it on the first call that needs it, and numba's on-disk cache
(``cache=True``) keeps the compile to the first run on a machine.

Example::

    >>> from featherflow.backend import fast
    >>> fast.set_enabled(False)      # plain NumPy from here on
"""

import os

from featherflow.api import threading as threading_config

_STATE = {"enabled": None, "kernels": None, "threads": None}
# arrays smaller than this stay on NumPy: a compiled call costs a few microseconds to enter
MIN_SIZE = 4096


def _env_enabled():
    return os.environ.get("FEATHERFLOW_FAST", "1").strip().lower() not in ("0", "false", "off",
                                                                            "no")


def set_enabled(flag):
    """Use the compiled kernels (True, where numba is installed) or plain NumPy (False)."""
    if not isinstance(flag, bool):
        raise TypeError(f"fast.set_enabled: expected True or False, received {flag!r}.")
    _STATE["enabled"] = flag


def available():
    """True when numba imports (the ``[fast]`` extra is installed)."""
    if _STATE["kernels"] is None:
        try:
            # lazy optional dependency: importing the kernels imports numba
            from featherflow.backend.fast import numba_kernels
        except ImportError:
            _STATE["kernels"] = False
        else:
            _STATE["kernels"] = numba_kernels
    return _STATE["kernels"] is not False


def kernels():
    """The compiled kernels module, or None when they are off or numba is missing."""
    enabled = _STATE["enabled"]
    if enabled is None:
        enabled = _STATE["enabled"] = _env_enabled()
    if not enabled or not available():
        return None
    module = _STATE["kernels"]
    threads = threading_config.get_intra_op_parallelism_threads() or 1
    if threads != _STATE["threads"]:
        module.set_threads(threads)
        _STATE["threads"] = threads
    return module
