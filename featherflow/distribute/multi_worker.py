"""``tf.distribute.MultiWorkerMirroredStrategy`` on MPI: one replica per ``mpiexec`` rank.

Rank and size come from ``MPI.COMM_WORLD``. ``TF_CONFIG`` is not needed; when set, its
``task`` names this process (``{"type": "chief"|"worker", "index": i}``) and its cluster must
have as many tasks as there are ranks. Without it, rank 0 is the chief ("worker", 0)."""

import enum
import json
import os

import numpy as np

from featherflow.distribute.collectives import MpiCollective
from featherflow.distribute.strategy import ClusterResolver, ClusterSpec, Strategy


class CommunicationImplementation(enum.Enum):
    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """``tf.distribute.experimental.CommunicationOptions``, TF's arguments. ``bytes_per_pack``
    caps a gradient all-reduce buffer (0: 25 MiB, DDP's bucket); ``timeout_seconds`` bounds
    every collective (None: 30 minutes, or FEATHERFLOW_COLLECTIVE_TIMEOUT), past it the job
    is aborted; every implementation runs on MPI."""

    def __init__(self, bytes_per_pack=0, timeout_seconds=None,
                 implementation=CommunicationImplementation.AUTO):
        if bytes_per_pack < 0:
            raise ValueError(f"CommunicationOptions: bytes_per_pack must be non-negative; "
                             f"received {bytes_per_pack!r}.")
        if timeout_seconds is not None and timeout_seconds <= 0:
            raise ValueError(f"CommunicationOptions: timeout_seconds must be positive or "
                             f"None; received {timeout_seconds!r}.")
        if isinstance(implementation, str):
            implementation = CommunicationImplementation[implementation.upper()]
        self.bytes_per_pack = int(bytes_per_pack)
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation

    def merge(self, options):
        return options if options is not None else self


def _resolver_from_tf_config(rank, size):
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return ClusterResolver(ClusterSpec({"worker": [f"rank{i}" for i in range(size)]}),
                               "worker", rank), rank == 0
    try:
        config = json.loads(raw)
    except ValueError as e:
        raise ValueError(f"TF_CONFIG is not valid JSON ({e}); received {raw[:200]!r}.") from e
    cluster = config.get("cluster", {}) or {}
    task = config.get("task", {}) or {}
    n_tasks = sum(len(v) for k, v in cluster.items() if k in ("chief", "worker"))
    if cluster and n_tasks != size:
        raise ValueError(
            f"TF_CONFIG's cluster has {n_tasks} chief/worker tasks but mpiexec started {size} "
            f"processes; launch with `mpiexec -n {n_tasks}` or fix TF_CONFIG (or unset it: "
            f"featherflow takes rank and size from MPI).")
    task_type = task.get("type", "worker")
    task_id = int(task.get("index", rank))
    if task_type not in ("chief", "worker"):
        raise ValueError(f"TF_CONFIG task type {task_type!r} is not supported by "
                         f"MultiWorkerMirroredStrategy: expected 'chief' or 'worker'.")
    has_chief = bool(cluster.get("chief"))
    is_chief = task_type == "chief" or (not has_chief and task_type == "worker"
                                        and task_id == 0)
    return ClusterResolver(ClusterSpec(cluster), task_type, task_id), is_chief


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous data parallelism across ``mpiexec`` processes, one replica each."""

    _multi_worker = True
    _uses_hooks = True

    def __init__(self, cluster_resolver=None, communication_options=None):
        if communication_options is not None and not isinstance(
                communication_options, CommunicationOptions):
            raise ValueError(f"MultiWorkerMirroredStrategy: communication_options must be a "
                             f"tf.distribute.experimental.CommunicationOptions; received "
                             f"{communication_options!r}.")
        self._communication_options = communication_options or CommunicationOptions()
        options = self._communication_options
        collective = MpiCollective(timeout_seconds=options.timeout_seconds,
                                   bytes_per_pack=options.bytes_per_pack)
        if cluster_resolver is None:
            cluster_resolver, is_chief = _resolver_from_tf_config(collective.rank,
                                                                  collective.size)
        else:
            is_chief = (cluster_resolver.task_type in (None, "chief")
                        or (cluster_resolver.task_type == "worker"
                            and cluster_resolver.task_id == 0
                            and "chief" not in cluster_resolver.cluster_spec().jobs))
        super().__init__(collective, cluster_resolver, is_chief)
        # every rank must agree on one chief
        chiefs = collective.allgather(np.asarray([int(is_chief)]))
        if sum(int(c[0]) for c in chiefs) != 1:
            raise ValueError(f"MultiWorkerMirroredStrategy: expected exactly one chief among "
                             f"the {collective.size} ranks; TF_CONFIG names "
                             f"{sum(int(c[0]) for c in chiefs)}.")
