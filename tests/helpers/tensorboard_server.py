"""The real ``tensorboard`` server on 127.0.0.1 for tests, and polling its HTTP answers."""

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def get_json(url):
    return json.loads(get(url))


def poll(fetch, ready, deadline, alive=lambda: True):
    """``fetch()`` once ``ready`` holds for its result, before ``deadline`` (monotonic); the
    server loads runs in the background, so early answers may be empty or partial."""
    result = None
    while time.monotonic() < deadline:
        try:
            result = fetch()
            if ready(result):
                return result
        except (urllib.error.URLError, ConnectionError, ValueError):
            pass
        assert alive(), "the tensorboard server exited"
        time.sleep(0.3)
    raise AssertionError(f"the server did not answer as expected in time: {result!r}")


@contextlib.contextmanager
def tensorboard_server(logdir, load_fast="false", timeout=40):
    """Yield ``(base_url, poll)`` of a TensorBoard serving ``logdir``; stopped afterwards."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--port", str(port),
         "--host", "127.0.0.1", "--load_fast", load_fast],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout

    def bounded_poll(fetch, ready):
        return poll(fetch, ready, deadline, alive=lambda: server.poll() is None)

    try:
        yield f"http://127.0.0.1:{port}", bounded_poll
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
