"""``tf.distribute``: data-parallel strategies over one collective interface.

``MultiWorkerMirroredStrategy`` runs one replica per MPI process (launch with
``mpiexec -n N python train.py``; mpi4py and Open MPI come with the ``[mpi]`` extra);
``MirroredStrategy`` and ``OneDeviceStrategy`` run one replica in this process; outside every
scope ``get_strategy()`` is the default strategy. See docs/distributed.md
(``featherflow.distribute.hvd``: Horovod's API on the same collectives)."""

from featherflow.distribute import experimental
from featherflow.distribute.context import (
    experimental_set_strategy,
    get_replica_context,
    get_strategy,
    has_strategy,
    in_cross_replica_context,
)
from featherflow.distribute.input_context import InputContext, InputOptions
from featherflow.distribute.input_lib import DistributedDataset, DistributedIterator
from featherflow.distribute.mirrored import MirroredStrategy, OneDeviceStrategy
from featherflow.distribute.multi_worker import MultiWorkerMirroredStrategy
from featherflow.distribute.reduce_op import ReduceOp
from featherflow.distribute.strategy import ReplicaContext, Strategy, StrategyExtended

__all__ = [
    "DistributedDataset", "DistributedIterator", "InputContext", "InputOptions",
    "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy", "ReduceOp",
    "ReplicaContext", "Strategy", "StrategyExtended", "experimental",
    "experimental_set_strategy", "get_replica_context", "get_strategy", "has_strategy",
    "in_cross_replica_context",
]
