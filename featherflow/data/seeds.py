"""How a ``tf.data`` transformation turns ``seed=`` and ``tf.random.set_seed`` into its generator.

TensorFlow's rule, followed to the number so seeded pipelines give TF's exact order:

1. ``get_seed(op_seed)`` (``tf.compat.v1.random.get_seed``): with a global seed ``g`` set,
   the pair is ``(g, op_seed)``; an op without a seed takes the next number of the eager
   context's operation-seed generator (Python's ``random.Random(g)``, ``randint(0, 2**31 - 1)``,
   restarted by every ``set_seed``); inside a dataset function (``function_scope``) it takes
   0, 1, 2... instead, as a traced function's graph counts them. Without a global seed an op
   seed pairs with the default graph seed 87654321; with neither the pair is ``(None, None)``.
   Both halves are taken modulo ``2**31 - 1``, and ``(0, 0)`` becomes ``(0, 2**31 - 1)``.
2. ``tf.data`` turns ``None`` into 0; the kernel reads ``(0, 0)`` as "no seed" and draws both
   halves from the operating system's randomness instead.
3. A transformation that reshuffles each iteration owns a seed generator: Philox seeded with
   that pair, from which each new iterator takes two consecutive 32-bit samples as its own
   ``(seed, seed2)``. One that does not reshuffle gives every iterator the pair itself.

Example::

    >>> tf.random.set_seed(42)
    >>> dataset_seeds(None)         # the first op seed of global seed 42
    (42, 478163327)
"""

import secrets
import threading

from featherflow.backend.philox import PhiloxStream
from featherflow.utils import random as random_utils

DEFAULT_GRAPH_SEED = 87654321
MAXINT32 = 2**31 - 1

# Per thread (map runs functions on worker threads): the op-seed counters of the dataset
# functions being called, innermost last.
_SCOPES = threading.local()


class function_scope:
    """While a ``map``/``flat_map``/``interleave`` function runs: TF traces such a function
    once into a graph whose unseeded random ops take op seeds 0, 1, 2... from the graph's own
    counter (the eager counter is left alone). Entering this scope on every call gives every
    call those same seeds, so a ``shuffle`` made inside repeats TF's order for each input.

    Example::

        with function_scope():
            inner = fn(element)
    """

    __slots__ = ()

    def __enter__(self):
        stack = getattr(_SCOPES, "stack", None)
        if stack is None:
            stack = _SCOPES.stack = []
        stack.append(0)
        return self

    def __exit__(self, *exc):
        _SCOPES.stack.pop()
        return False


def _next_graph_seed():
    """The next op seed of the innermost function being called, or None outside one."""
    stack = getattr(_SCOPES, "stack", None)
    if not stack:
        return None
    seed = stack[-1]
    stack[-1] = seed + 1
    return seed


def _as_seed(value, where):
    if value is None:
        return None
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        as_int = int(value)
    except (TypeError, ValueError):
        as_int = None
    if as_int is None or isinstance(value, bool) or as_int != value:
        raise TypeError(
            f"{where}: expected an integer seed (or None), received {value!r} of type "
            f"{type(value).__name__}. Pass an int such as seed=42.")
    return as_int


def get_seed(op_seed):
    """The pair ``(seed, seed2)`` TensorFlow gives an op created now with ``op_seed``."""
    op_seed = _as_seed(op_seed, "seed")
    global_seed = random_utils.global_seed()
    if global_seed is not None:
        if op_seed is None:
            op_seed = _next_graph_seed()
        if op_seed is None:
            op_seed = random_utils.internal_operation_seed()
        seeds = (global_seed % MAXINT32, op_seed % MAXINT32)
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, op_seed % MAXINT32)
    else:
        return None, None
    # (0, 0) means "nondeterministic" to the kernels; a user who asked for zeros did not mean it.
    return (0, MAXINT32) if seeds == (0, 0) else seeds


def dataset_seeds(op_seed):
    """``get_seed`` as ``tf.data`` passes it to its kernels: no seed at all becomes ``(0, 0)``."""
    seed, seed2 = get_seed(op_seed)
    return (0, 0) if seed is None else (seed, seed2)


def resolve(seed, seed2):
    """The kernel's reading of ``(seed, seed2)``: both 0 means fresh randomness from the OS."""
    if seed == 0 and seed2 == 0:
        return secrets.randbits(64), secrets.randbits(64)
    return seed, seed2


class SeedGenerator:
    """The seeds each new iterator of one dataset gets.

    ``reshuffle=True``: two samples per iterator from Philox seeded with ``(seed, seed2)``, so
    every pass over the dataset (every epoch of a ``repeat``) has its own order, the same
    sequence of orders in every run. ``reshuffle=False``: ``(seed, seed2)`` every time.
    """

    def __init__(self, seed, seed2, reshuffle):
        self.seed, self.seed2 = resolve(seed, seed2)
        self.reshuffle = bool(reshuffle)
        self._stream = PhiloxStream(self.seed, self.seed2, chunk=4) if self.reshuffle else None
        # iterators may be made on several threads at once (prefetch, parallel interleave)
        self._lock = threading.Lock()

    def next_seeds(self):
        """The ``(seed, seed2)`` of the next iterator."""
        if self._stream is None:
            return self.seed, self.seed2
        with self._lock:
            return self._stream.next(), self._stream.next()
