"""``featherflow.distribute.hvd``: Horovod's API (``horovod.tensorflow`` and
``horovod.tensorflow.keras``) as a thin layer over the MPI collectives the strategies use
(featherflow/distribute/collectives.py), so its failure behaviour is theirs.

Usage, as with Horovod::

    import featherflow as tf
    from featherflow.distribute import hvd

    hvd.init()
    opt = hvd.DistributedOptimizer(tf.keras.optimizers.SGD(0.01 * hvd.size()))
    model.compile(optimizer=opt, loss=...)
    model.fit(dataset.shard(hvd.size(), hvd.rank()), callbacks=[
        hvd.callbacks.BroadcastGlobalVariablesCallback(0),
        hvd.callbacks.MetricAverageCallback()])

Semantics are Horovod's: no strategy, each rank runs its own ``fit`` on its own data; the
optimizer averages the gradients before its update (before clipping); the callback makes
every rank start from rank 0's variables after the first batch; ``allreduce`` averages by
default. See docs/distributed.md."""

import enum

import numpy as np

from featherflow.distribute import hvd_callbacks as callbacks
from featherflow.distribute.collectives import MpiCollective

__all__ = [
    "Average", "Compression", "DistributedGradientTape", "DistributedOptimizer", "Max",
    "Min", "Product", "ReduceOp", "Sum", "allgather", "allgather_object", "allreduce",
    "broadcast", "broadcast_object", "broadcast_variables", "callbacks", "cross_rank",
    "cross_size", "grouped_allreduce", "init", "is_initialized", "join", "local_rank",
    "local_size", "rank", "shutdown", "size",
]


class ReduceOp(enum.Enum):
    Average = "average"
    Sum = "sum"
    Adasum = "adasum"
    Min = "min"
    Max = "max"
    Product = "prod"


Average = ReduceOp.Average
Sum = ReduceOp.Sum
Adasum = ReduceOp.Adasum
Min = ReduceOp.Min
Max = ReduceOp.Max
Product = ReduceOp.Product

_state = {"collective": None, "cross": None}


# -- the process group ---------------------------------------------------------------------
def init(comm=None, process_sets=None):
    """Start Horovod on ``comm`` (an mpi4py communicator; default ``MPI.COMM_WORLD``).
    Calling it again is a no-op, as in Horovod."""
    if _state["collective"] is not None:
        return
    if process_sets is not None:
        raise ValueError("hvd.init: process_sets are not supported by featherflow's Horovod "
                         "layer; pass an mpi4py communicator as comm= to use a subset of "
                         "ranks.")
    if comm is not None and not hasattr(comm, "Get_rank"):
        raise ValueError(f"hvd.init: comm must be an mpi4py communicator (a list of ranks "
                         f"is not supported); received {comm!r}.")
    collective = MpiCollective(comm)
    _state["collective"] = collective
    _state["cross"] = None


def shutdown():
    """Forget the process group (``init`` may be called again)."""
    _state["collective"] = None
    _state["cross"] = None


def is_initialized():
    return _state["collective"] is not None


def _c():
    collective = _state["collective"]
    if collective is None:
        raise ValueError("Horovod has not been initialized; use hvd.init().")
    return collective


def rank():
    """This process's rank, ``0 .. size() - 1``."""
    return _c().rank


def size():
    """The number of processes."""
    return _c().size


def local_rank():
    """This process's rank among the processes on its machine."""
    return _c().local_rank


def local_size():
    """The number of processes on this machine."""
    return _c().local_size


def _cross():
    if _state["cross"] is None:
        c = _c()
        # the machines (processor names) in the order of their lowest rank
        from mpi4py import MPI

        names = c.allgather_object(MPI.Get_processor_name(), "hvd.cross_rank")
        order = list(dict.fromkeys(names))
        machine = [order.index(n) for n in names]
        _state["cross"] = (machine[c.rank], len(order))
    return _state["cross"]


def cross_rank():
    """The index of this process's machine."""
    return _cross()[0]


def cross_size():
    """The number of machines."""
    return _cross()[1]


def mpi_enabled():
    return True


def mpi_built():
    return True


def gloo_enabled():
    return False


def gloo_built():
    return False


def nccl_built():
    return False


def mpi_threads_supported():
    from mpi4py import MPI

    return MPI.Query_thread() == MPI.THREAD_MULTIPLE


# -- values ---------------------------------------------------------------------------------
def _array(value):
    from featherflow.autodiff.tensor import Tensor

    if isinstance(value, Tensor):
        return np.asarray(value.data)
    return np.asarray(value)


def _tensor(array):
    from featherflow.autodiff.tensor import Tensor

    return Tensor(np.asarray(array))


def _op(op, average, where):
    if average is not None and op is not None:
        raise ValueError(f"{where}: the op and average arguments are mutually exclusive; "
                         f"use op= only (average is deprecated in Horovod).")
    if op is None:
        op = Sum if average is False else Average
    if isinstance(op, str):
        op = ReduceOp(op.lower())
    if not isinstance(op, ReduceOp):
        raise ValueError(f"{where}: op must be hvd.Average, hvd.Sum, hvd.Min, hvd.Max or "
                         f"hvd.Product; received {op!r}.")
    if op is Adasum:
        raise ValueError(f"{where}: hvd.Adasum is not supported by featherflow's Horovod "
                         f"layer; use hvd.Average (Horovod's default).")
    return op


class Compression:
    """Horovod's gradient compression: ``none`` or ``fp16`` (floats travel as float16)."""

    class none:
        @staticmethod
        def compress(array):
            return array, None

        @staticmethod
        def decompress(array, ctx):
            return array

    class fp16:
        @staticmethod
        def compress(array):
            if array.dtype.kind == "f" and array.dtype != np.float16:
                return array.astype(np.float16), array.dtype
            return array, None

        @staticmethod
        def decompress(array, ctx):
            return array.astype(ctx) if ctx is not None else array


def _reduce_arrays(arrays, op, prescale_factor=1.0, postscale_factor=1.0,
                   compression=Compression.none, where="hvd.allreduce", reuse=False):
    """Reduce a list of arrays over the ranks: one packed collective for Sum/Average."""
    c = _c()
    packed, ctxs = [], []
    for a in arrays:
        if prescale_factor != 1.0:
            a = a * np.asarray(prescale_factor, a.dtype if a.dtype.kind == "f" else None)
        p, ctx = compression.compress(np.asarray(a))
        packed.append(p)
        ctxs.append(ctx)
    if op in (Sum, Average):
        out = c.allreduce_sum(packed, what=where, reuse=reuse) if packed else []
    else:
        out = [c.allreduce(p, op.value, where) for p in packed]
    result = []
    for r, ctx in zip(out, ctxs):
        r = compression.decompress(np.asarray(r), ctx)
        if op is Average:
            r = r / size() if r.dtype.kind != "f" else r / r.dtype.type(size())
        if postscale_factor != 1.0:
            r = r * np.asarray(postscale_factor, r.dtype if r.dtype.kind == "f" else None)
        result.append(np.asarray(r))
    return result


def allreduce(tensor, average=None, device_dense="", device_sparse="",
              compression=Compression.none, op=None, prescale_factor=1.0,
              postscale_factor=1.0, name=None, process_set=None, ignore_name_scope=False):
    """The reduction (default: the average) of ``tensor`` over the ranks; the shape must be
    the same on every rank. Averaging an integer tensor gives a float64 one (true division,
    as ``tf.math.divide``)."""
    op = _op(op, average, "hvd.allreduce")
    return _tensor(_reduce_arrays([_array(tensor)], op, prescale_factor, postscale_factor,
                                  compression)[0])


def grouped_allreduce(tensors, average=None, device_dense="", device_sparse="",
                      compression=Compression.none, op=None, prescale_factor=1.0,
                      postscale_factor=1.0, process_set=None):
    """``allreduce`` of each tensor of a list, in one collective."""
    op = _op(op, average, "hvd.grouped_allreduce")
    return [_tensor(r) for r in _reduce_arrays([_array(t) for t in tensors], op,
                                               prescale_factor, postscale_factor,
                                               compression, "hvd.grouped_allreduce")]


def allgather(tensor, name=None, process_set=None, ignore_name_scope=False):
    """Every rank's ``tensor`` concatenated along the first axis, in rank order (the first
    dimension may differ between ranks)."""
    a = _array(tensor)
    if a.ndim == 0:
        raise ValueError("hvd.allgather: a scalar has no first dimension to gather along; "
                         "reshape it to [1] first.")
    return _tensor(np.concatenate(_c().allgather(a, "hvd.allgather"), axis=0))


def broadcast(tensor, root_rank, name=None, process_set=None, ignore_name_scope=False):
    """Rank ``root_rank``'s ``tensor`` on every rank."""
    _check_root(root_rank, "hvd.broadcast")
    return _tensor(_c().broadcast(_array(tensor), root=root_rank, what="hvd.broadcast"))


def broadcast_object(obj, root_rank=0, session=None, name=None, process_set=None):
    """Rank ``root_rank``'s picklable ``obj`` on every rank."""
    _check_root(root_rank, "hvd.broadcast_object")
    return _c().broadcast_object(obj, root=root_rank, what="hvd.broadcast_object")


def allgather_object(obj, session=None, name=None, process_set=None):
    """Every rank's picklable ``obj``, a list in rank order."""
    return _c().allgather_object(obj, "hvd.allgather_object")


def broadcast_variables(variables, root_rank, process_set=None, inplace=False):
    """Assign rank ``root_rank``'s value to each variable, on every rank (one broadcast per
    variable, in the order given: every rank must pass the same variables)."""
    _check_root(root_rank, "hvd.broadcast_variables")
    c = _c()
    for v in variables:
        value = c.broadcast(np.asarray(v.data), root=root_rank,
                            what=f"hvd.broadcast_variables ({getattr(v, 'path', '?')})")
        if value is not v.data:
            np.copyto(v.data, value)


def _check_root(root_rank, where):
    n = size()
    if not isinstance(root_rank, (int, np.integer)) or not 0 <= int(root_rank) < n:
        raise ValueError(f"{where}: root_rank must be a rank in [0, {n}); received "
                         f"{root_rank!r}.")


def join(device=""):
    """Horovod's join for uneven inputs is not needed here: ranks that stop early are
    detected by the collectives. Synchronises the ranks and returns the last rank to
    arrive, as Horovod (here: the highest rank)."""
    _c().barrier("hvd.join")
    return size() - 1


# -- gradients -----------------------------------------------------------------------------
def _average_gradients(grads, op, compression, gradient_predivide_factor, where,
                       reuse=False):
    """Reduce the non-None gradients in one packed collective; None stays None
    (``reuse``: in the collective's kept buffers, valid until the next such call)."""
    idx = [i for i, g in enumerate(grads) if g is not None]
    arrays = [_array(grads[i]) for i in idx]
    if op is Average and gradient_predivide_factor != 1.0:
        reduced = _reduce_arrays(arrays, Sum, 1.0 / gradient_predivide_factor,
                                 gradient_predivide_factor / size(), compression, where,
                                 reuse)
    else:
        reduced = _reduce_arrays(arrays, op, 1.0, 1.0, compression, where, reuse)
    out = list(grads)
    for i, r, a in zip(idx, reduced, arrays):
        out[i] = _tensor(r.astype(a.dtype, copy=False))
    return out


def _check_predivide(op, gradient_predivide_factor, where):
    if gradient_predivide_factor != 1.0 and op is not Average:
        raise ValueError(f"{where}: gradient_predivide_factor not supported with op != "
                         f"Average (Horovod's rule); received op={op!r}.")


def DistributedOptimizer(optimizer, name=None, use_locking=False, device_dense="",
                         device_sparse="", compression=Compression.none,
                         sparse_as_dense=False, backward_passes_per_step=1, op=Average,
                         gradient_predivide_factor=1.0, average_aggregated_gradients=False,
                         num_groups=0, groups=None, process_set=None,
                         scale_local_gradients=True):
    """A new optimizer of ``optimizer``'s class and config whose ``apply`` /
    ``apply_gradients`` first reduces the gradients over the ranks (average by default),
    before clipping and the update: Horovod's Keras ``DistributedOptimizer`` (which, like
    this, builds a fresh optimizer from ``optimizer.get_config()``)."""
    from featherflow.optimizers.optimizer import Optimizer

    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"hvd.DistributedOptimizer: expected a tf.keras optimizer; received "
                         f"{optimizer!r}.")
    op = _op(op, None, "hvd.DistributedOptimizer")
    _check_predivide(op, gradient_predivide_factor, "hvd.DistributedOptimizer")
    if backward_passes_per_step != 1:
        raise ValueError(
            f"hvd.DistributedOptimizer: backward_passes_per_step={backward_passes_per_step} "
            f"is not supported; give the wrapped optimizer "
            f"gradient_accumulation_steps={backward_passes_per_step} instead (Keras 3's "
            f"accumulation: the averaged gradients are accumulated, then applied).")
    _c()
    base = type(optimizer)

    def apply(self, grads, trainable_variables=None):
        grads = _average_gradients(list(grads), op, compression, gradient_predivide_factor,
                                   "the hvd.DistributedOptimizer gradient all-reduce",
                                   reuse=True)
        return base.apply(self, grads, trainable_variables)

    cls = type(base.__name__, (base,), {"apply": apply, "__module__": base.__module__,
                                        "_hvd_distributed": True})
    return cls.from_config(optimizer.get_config())


class _DistributedGradientTape:
    """Wraps a ``tf.GradientTape``: ``gradient`` returns the reduced gradients."""

    def __init__(self, tape, op, compression, gradient_predivide_factor):
        self._tape = tape
        self._op = op
        self._compression = compression
        self._predivide = gradient_predivide_factor

    def __getattr__(self, name):
        return getattr(self._tape, name)

    def __enter__(self):
        self._tape.__enter__()
        return self

    def __exit__(self, *exc):
        return self._tape.__exit__(*exc)

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients="none"):
        from featherflow.tree import nest

        grads = self._tape.gradient(target, sources, output_gradients,
                                    unconnected_gradients)
        flat = nest.flatten(grads) if not _is_leaf(grads) else [grads]
        reduced = _average_gradients(flat, self._op, self._compression, self._predivide,
                                     "the hvd.DistributedGradientTape all-reduce")
        if _is_leaf(grads):
            return reduced[0]
        return nest.pack_sequence_as(grads, reduced)


def _is_leaf(value):
    return not isinstance(value, (list, tuple, dict))


def DistributedGradientTape(gradtape, device_dense="", device_sparse="",
                            compression=Compression.none, sparse_as_dense=False, op=Average,
                            gradient_predivide_factor=1.0, num_groups=0, groups=None,
                            process_set=None, scale_local_gradients=True):
    """``gradtape`` whose ``gradient()`` all-reduces (averages by default) the gradients,
    as Horovod's."""
    op = _op(op, None, "hvd.DistributedGradientTape")
    _check_predivide(op, gradient_predivide_factor, "hvd.DistributedGradientTape")
    _c()
    return _DistributedGradientTape(gradtape, op, compression, gradient_predivide_factor)
