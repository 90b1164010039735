"""Two "machines" on this one: a network namespace each (``ip netns``), joined by a veth pair
(10.77.0.1/24 and 10.77.0.2/24), and a UTS namespace each with its own hostname, so Open MPI
sees two hosts (one process per host, no shared memory between them, TCP over the veth).
``mpiexec --hostfile`` runs on the first machine and starts the second one's daemon through
an ``plm_ssh_agent`` script that enters that machine's namespaces where ssh would log in.

Needs root, ``ip`` (iproute2) and ``unshare`` (util-linux); ``available()`` says why not."""

import os
import shutil
import signal
import subprocess
import sys
import time

from tests.distribute import mpi

SUBNET = "10.77.0."
ADDRESSES = (SUBNET + "1", SUBNET + "2")


def _run(cmd, timeout=20):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def available():
    """None when two machines can be made here, else the reason they cannot."""
    if not sys.platform.startswith("linux"):
        return "network namespaces are Linux only"
    if os.geteuid() != 0:
        return "needs root (ip netns add, unshare --uts); run the test suite as root"
    for tool in ("ip", "unshare", "hostname"):
        if shutil.which(tool) is None:
            return f"`{tool}` is not on PATH (iproute2 / util-linux)"
    probe = _run([shutil.which("unshare"), "--uts", "true"])
    if probe.returncode != 0:
        return f"`unshare --uts true` failed: {probe.stderr.strip() or probe.returncode}"
    return None


class TwoHosts:
    """The namespaces, the veth pair, the hostfile and the agent; ``close()`` removes them and
    kills every process still inside."""

    def __init__(self, folder):
        tag = f"ff{os.getpid() % 100000}"
        self.namespaces = (f"{tag}a", f"{tag}b")
        self.hostnames = (f"{tag}-hostA", f"{tag}-hostB")
        self.folder = str(folder)
        self._made = []
        self._ip = shutil.which("ip")
        self._unshare = shutil.which("unshare")
        self._hostname = shutil.which("hostname")

    # -- set-up ---------------------------------------------------------------------------
    def _ip_cmd(self, *args):
        done = _run([self._ip, *args])
        if done.returncode != 0:
            raise OSError(f"`ip {' '.join(args)}` failed ({done.returncode}): "
                          f"{done.stderr.strip()}")

    def open(self):
        """Make the machines; raises OSError naming the command that failed."""
        a, b = self.namespaces
        for ns in self.namespaces:
            self._ip_cmd("netns", "add", ns)
            self._made.append(ns)
        va, vb = f"{a}v", f"{b}v"
        self._ip_cmd("link", "add", va, "type", "veth", "peer", "name", vb)
        for ns, dev, address in ((a, va, ADDRESSES[0]), (b, vb, ADDRESSES[1])):
            self._ip_cmd("link", "set", dev, "netns", ns)
            self._ip_cmd("-n", ns, "addr", "add", f"{address}/24", "dev", dev)
            self._ip_cmd("-n", ns, "link", "set", dev, "up")
            self._ip_cmd("-n", ns, "link", "set", "lo", "up")
        self.hostfile = os.path.join(self.folder, "hosts")
        with open(self.hostfile, "w") as f:
            f.write("".join(f"{h} slots=1\n" for h in self.hostnames))
        self.agent = os.path.join(self.folder, "agent.sh")
        cases = "".join(f"    {h}) ns={ns} ;;\n" for h, ns in zip(self.hostnames,
                                                               self.namespaces))
        with open(self.agent, "w") as f:
            f.write(
                "#!/bin/sh\n"
                "# plm_ssh_agent: called as `agent [options] HOST COMMAND` like ssh; runs\n"
                "# COMMAND on HOST: in its network namespace, in a UTS namespace named HOST\n"
                "while [ \"${1#-}\" != \"$1\" ]; do shift; done\n"
                "host=\"$1\"; shift\n"
                "case \"$host\" in\n" + cases +
                "    *) echo \"agent: no machine named $host\" >&2; exit 255 ;;\n"
                "esac\n"
                f"exec {self._ip} netns exec \"$ns\" {self._unshare} --uts /bin/sh -c "
                f"'{self._hostname} \"$0\" && exec /bin/sh -c \"$1\"' \"$host\" \"$*\"\n")
        os.chmod(self.agent, 0o755)
        return self

    # -- processes ------------------------------------------------------------------------
    def pids(self):
        """Every process in either namespace."""
        out = []
        for ns in self._made:
            done = _run([self._ip, "netns", "pids", ns])
            out.extend(int(p) for p in done.stdout.split())
        return out

    def kill_all(self):
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def launch(self, script, args, timeout=120, mca=()):
        """Run ``tests/distribute/workers/<script>`` on one rank per machine; return
        ``(returncode, output, leftover_pids, end_time)`` (``time.time()`` when mpiexec
        ended). ``mpiexec`` runs on the first machine; a job still running at ``timeout`` is
        killed with everything in the namespaces (returncode None)."""
        mpi.require_mpi()
        mpiexec = mpi.mpiexec_path()
        env = mpi._env(None)
        env["PATH"] = os.pathsep.join([os.path.dirname(mpiexec), env.get("PATH", ""),
                                       "/usr/sbin", "/sbin"])
        cmd = [self._ip, "netns", "exec", self.namespaces[0], self._unshare, "--uts",
               "/bin/sh", "-c", f'{self._hostname} "$0" && exec "$@"', self.hostnames[0],
               mpiexec, "-n", "2", "--hostfile", self.hostfile,
               "--mca", "plm_ssh_agent", self.agent,
               "--mca", "btl", "tcp,self",
               "--mca", "btl_tcp_if_include", SUBNET + "0/24",
               "--mca", "oob_tcp_if_include", SUBNET + "0/24", *mca,
               sys.executable, os.path.join(mpi.HERE, "workers", script), *args]
        proc = subprocess.Popen(cmd, env=env, cwd=mpi.ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            self.kill_all()
            out, _ = proc.communicate()
            return None, out, [], time.time()
        ended = time.time()
        # the second machine's daemon and rank end after mpiexec: give them a moment
        deadline = time.monotonic() + 10
        while self.pids() and time.monotonic() < deadline:
            time.sleep(0.1)
        return proc.returncode, out, self.pids(), ended

    # -- tear-down ------------------------------------------------------------------------
    def close(self):
        """Kill what is left inside, delete the namespaces (which deletes the veth pair)."""
        self.kill_all()
        for ns in reversed(self._made):
            for _ in range(20):  # a killed process may hold the namespace a moment longer
                if _run([self._ip, "netns", "del", ns]).returncode == 0:
                    break
                time.sleep(0.1)
        self._made = []
