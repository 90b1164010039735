"""RemoteMonitor posting to a local http.server on 127.0.0.1."""

import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

import numpy as np
import pytest

from featherflow.callbacks.remote_monitor import RemoteMonitor


@pytest.fixture
def server():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers.get("Content-Type"),
                             self.headers.get("X-Run"), body))
            code = 404 if self.path == "/missing" else 200
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):  # keep test output quiet
            pass

    httpd = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", received
    httpd.shutdown()
    httpd.server_close()


def test_posts_form_field_with_json(server):
    root, received = server
    cb = RemoteMonitor(root=root, headers={"X-Run": "a"})
    cb.on_epoch_end(0, {"loss": np.float32(0.5), "val_loss": np.array(0.25)})
    cb.on_epoch_end(1, {"loss": 0.125})
    assert len(received) == 2
    path, ctype, run, body = received[0]
    assert path == "/publish/epoch/end/" and ctype == "application/x-www-form-urlencoded"
    assert run == "a"
    form = urllib.parse.parse_qs(body.decode())
    assert json.loads(form["data"][0]) == {"epoch": 0, "loss": 0.5, "val_loss": 0.25}
    assert json.loads(urllib.parse.parse_qs(received[1][3].decode())["data"][0]) == \
        {"epoch": 1, "loss": 0.125}


def test_send_as_json(server):
    root, received = server
    RemoteMonitor(root=root, path="/logs", send_as_json=True).on_epoch_end(4, {"loss": 1.5})
    path, ctype, _, body = received[0]
    assert (path, ctype) == ("/logs", "application/json")
    assert json.loads(body) == {"epoch": 4, "loss": 1.5}


def test_unreachable_server_and_http_errors_only_warn(server):
    root, _ = server
    with pytest.warns(UserWarning, match="answered HTTP 404"):
        RemoteMonitor(root=root, path="/missing").on_epoch_end(0, {"loss": 1.0})
    # a port that was free a moment ago: nothing listens there now
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        RemoteMonitor(root=f"http://127.0.0.1:{closed_port}").on_epoch_end(0, {"loss": 1.0})


def test_end_to_end_fit_posts_every_epoch(server):
    import featherflow as tf

    root, received = server
    x = np.linspace(-1, 1, 8).reshape(-1, 1).astype("float32")
    model = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, 2 * x, epochs=3, verbose=0,
                        callbacks=[RemoteMonitor(root=root, send_as_json=True)])
    sent = [json.loads(r[3]) for r in received]
    assert [s["epoch"] for s in sent] == [0, 1, 2]
    assert [s["loss"] for s in sent] == history.history["loss"]
