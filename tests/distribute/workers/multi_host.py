"""Run by tests/distribute/test_multi_host.py: 2 ranks on 2 "machines" (network and UTS
namespaces of this machine, joined by a veth pair, launched by `mpiexec --hostfile`). Each
rank records where it runs (hostname, MPI's processor name, local and cross sizes), which
all-reduce path its collective takes, its own TCP connections to the other address, then the
Keras fit of tests/distribute/fit_case.py; each writes <out>/host<r>.json."""

import json
import os
import socket
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
sys.path.insert(0, ROOT)

import featherflow as tf  # noqa: E402
from featherflow.distribute import hvd  # noqa: E402
from tests.distribute import fit_case  # noqa: E402


def tcp_peers(subnet_prefix):
    """The remote addresses starting with ``subnet_prefix`` of this process's own established
    TCP connections (its socket inodes looked up in /proc/net/tcp, which lists the network
    namespace the process runs in): MPI's connections to the other rank, not the launcher's."""
    mine = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    peers = set()
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            remote, state, inode = fields[2], fields[3], fields[9]
            if state != "01" or inode not in mine:  # 01: ESTABLISHED
                continue
            address = socket.inet_ntoa(bytes.fromhex(remote.split(":")[0])[::-1])
            if address.startswith(subnet_prefix):
                peers.add(address)
    return sorted(peers)


def main(out, subnet_prefix):
    from mpi4py import MPI

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    rank = strategy.cluster_resolver.task_id
    collective = strategy._collective
    hvd.init()
    res = {"hostname": socket.gethostname(), "processor_name": MPI.Get_processor_name(),
           "local_size": collective.local_size, "local_rank": collective.local_rank,
           "hvd": [hvd.local_size(), hvd.cross_rank(), hvd.cross_size()],
           "shm_path": bool(collective._shm_ok)}
    x, y, xv, yv = fit_case.data(35)
    with strategy.scope():
        tf.keras.utils.set_random_seed(400 + rank)  # each rank its own seed
        model = fit_case.build(tf.keras)
        model.set_weights(fit_case.initial_weights())
        fit_case.compile_model(model, tf.keras)
    res["fit35"] = fit_case.run(model, x, y, xv, yv)
    res["stats"] = strategy.extended.collective_stats
    res["shm_windows"] = len(collective._windows)  # shared-memory windows ever made
    res["tcp_peers"] = tcp_peers(subnet_prefix)
    with open(os.path.join(out, f"host{rank}.json"), "w") as f:
        json.dump(res, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
