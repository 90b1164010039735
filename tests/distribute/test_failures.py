"""A failing rank never hangs the job (tests/distribute/workers/failures.py): 6 jobs of
`mpiexec -n 2` at once, in each rank 1 fails in the middle of training (SIGKILL,
os._exit(3), an exception on rank 1 only, its script ending early, a stall past
CommunicationOptions(timeout_seconds=3), killing mpiexec); each job ends non-zero soon
after, with a message naming the failure, and leaves no process behind."""

import os
import time
import uuid

import pytest

from tests.distribute.mpi import launch_many

MODES = {
    # mode: (what the output must say, the longest wait after the failure, in s)
    "kill": ("signal 9", 30),
    "exit": ("Exit code:    3", 30),
    "raise": ("rank 1 of 2 stops on an uncaught RuntimeError: rank 1 failed on purpose", 30),
    # rank 0 either waits in, or enters, its next gradient all-reduce when it learns
    "leave": ("the gradient all-reduce (collective #20) but rank 1 has left the job (its "
              "script ended): the ranks ran different collectives", 30),
    "stall": ("did not complete within 3 s (CommunicationOptions(timeout_seconds=", 40),
    # mpiexec killed: the job's exit is mpiexec's own death (its output goes with it); its
    # ranks must then go (test_no_process_left_behind)
    "launcher": (None, 30),
}


def _processes_with(token):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if token.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    token = f"fftoken{uuid.uuid4().hex[:12]}"
    outs = {m: tmp_path_factory.mktemp(m) for m in MODES}
    results = launch_many([("failures.py", [m, str(outs[m]), token]) for m in MODES],
                          timeout=200)
    # the ranks of the job whose mpiexec was killed notice at their next collective
    end = time.monotonic() + 30
    left = _processes_with(token)
    while left and time.monotonic() < end:
        time.sleep(0.2)
        left = _processes_with(token)
    return {m: (rc, out, end, outs[m]) for m, (rc, out, end) in zip(MODES, results)}, left


@pytest.mark.parametrize("mode", list(MODES))
def test_failure_ends_the_job(jobs, mode):
    results, _ = jobs
    rc, out, end, folder = results[mode]
    message, bound = MODES[mode]
    assert rc != 0, out[-3000:]
    if message is None:
        assert rc == -9
        with open(folder / "stderr0") as f:
            assert "rank 0 of 2: the MPI launcher (mpiexec) that started this process is " \
                   "gone; exiting." in f.read()
    else:
        assert message in out, out[-3000:]
    with open(folder / "event") as f:
        failed_at = float(f.read())
    # measured on 2 loaded cores with the jobs at once: 0.3-0.5 s (kill, exit, raise),
    # 0.1-0.6 s (leave: up to 0.5 s of grace), 3.0 s (stall: the 3 s timeout)
    assert end - failed_at < bound, (end - failed_at, out[-3000:])
    if mode in ("leave", "stall"):
        assert "finished fit" not in out
    if mode == "stall":  # the stall warning came first (FEATHERFLOW_STALL_WARNING_SECONDS=1)
        assert "rank 0 of 2 has waited 1 s in the gradient all-reduce (collective #" in out
        assert "it aborts the job after 3 s." in out


def test_no_process_left_behind(jobs):
    _, left = jobs
    assert left == []
