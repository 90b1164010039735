"""2 ranks on 2 "machines" of this one (tests/distribute/hosts.py: network and UTS namespaces
joined by a veth pair, `mpiexec --hostfile` with an ssh agent that enters the namespaces):
Open MPI sees two hosts, each rank alone on its host, TCP between them; the Keras fit of
fit_case equals the one-process fit (tests/distribute/workers/multi_host.py); a rank failing
on the second machine ends the job (tests/distribute/workers/failures.py)."""

import json
import socket

import pytest

from tests.distribute import hosts
from tests.distribute.test_failures import MODES
from tests.distribute.test_fit import _close, _one_process


@pytest.fixture(scope="module")
def machines(tmp_path_factory):
    reason = hosts.available()
    if reason is not None:
        pytest.skip(f"two machines in network namespaces: {reason}")
    two = hosts.TwoHosts(tmp_path_factory.mktemp("hosts"))
    try:
        two.open()
    except OSError as e:
        two.close()
        pytest.skip(f"two machines in network namespaces: {e}")
    yield two
    two.close()


@pytest.fixture(scope="module")
def job(machines, tmp_path_factory):
    out = tmp_path_factory.mktemp("multi_host")
    before = socket.gethostname()
    code, output, leftover, _ = machines.launch("multi_host.py", [str(out), hosts.SUBNET],
                                                timeout=120)
    if code is None:
        pytest.fail(f"the 2-machine job did not finish within 120 s (a hang):\n"
                    f"{output[-4000:]}")
    if code != 0:
        pytest.fail(f"the 2-machine job exited {code}:\n{output[-4000:]}")
    ranks = [json.loads((out / f"host{r}.json").read_text()) for r in range(2)]
    return {"ranks": ranks, "leftover": leftover, "hostname_before": before,
            "output": output}


def test_each_rank_is_alone_on_its_own_host(job, machines):
    ranks = job["ranks"]
    assert [r["hostname"] for r in ranks] == list(machines.hostnames)
    assert [r["processor_name"] for r in ranks] == list(machines.hostnames)
    assert [(r["local_size"], r["local_rank"]) for r in ranks] == [(1, 0), (1, 0)]
    # Horovod's view: one process per machine, machines 0 and 1 of 2
    assert [r["hvd"] for r in ranks] == [[1, 0, 2], [1, 1, 2]]
    # the machine running the tests kept its own hostname (the names live in UTS namespaces)
    assert socket.gethostname() == job["hostname_before"]


def test_the_all_reduce_is_mpi_over_tcp_not_shared_memory(job):
    ranks = job["ranks"]
    for r in ranks:
        assert r["shm_path"] is False  # the shared-memory window needs one machine
        assert r["shm_windows"] == 0
    # each rank holds TCP connections of its own to the other machine's address
    assert ranks[0]["tcp_peers"] == [hosts.ADDRESSES[1]]
    assert ranks[1]["tcp_peers"] == [hosts.ADDRESSES[0]]
    # one gradient all-reduce per step: 3 epochs x 5 steps
    assert [r["stats"]["calls"] for r in ranks] == [15, 15]


def test_two_hosts_fit_equals_one_process(job):
    ranks = job["ranks"]
    assert ranks[0]["fit35"] == ranks[1]["fit35"]
    # 35 rows, global batch 8: each epoch ends with a 3-row batch split 2 + 1
    _close(ranks[0]["fit35"], _one_process(35), "2 hosts n=35")


def test_no_process_is_left_behind(job):
    assert job["leftover"] == []


@pytest.mark.parametrize("mode", ["kill", "raise"])
def test_a_failing_rank_on_the_other_host_ends_the_job(machines, tmp_path, mode):
    # rank 1, on the second machine, SIGKILLs itself (its daemon there reports it to
    # mpiexec) or raises (featherflow's excepthook calls MPI_Abort) in the middle of a fit
    code, output, leftover, ended = machines.launch(
        "failures.py", [mode, str(tmp_path), "fftoken-multi-host"], timeout=90)
    assert code is not None, f"the job hung:\n{output[-3000:]}"
    assert code != 0, output[-3000:]
    message, bound = MODES[mode]
    if mode == "kill":
        # over TCP rank 0 may see the closed connection first and abort the job itself,
        # before the second machine's daemon reports the signal
        assert message in output or "An error occurred in Socket closed" in output, \
            output[-3000:]
    else:
        assert message in output, output[-3000:]
    failed = float((tmp_path / "event").read_text())
    assert ended - failed < bound
    assert leftover == []
