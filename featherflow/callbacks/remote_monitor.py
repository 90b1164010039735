"""RemoteMonitor: POST each epoch's logs to an HTTP server."""

import json
import warnings

import numpy as np

from featherflow.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Send ``{"epoch": i, <log name>: value, ...}`` to ``root + path`` after every epoch.

    By default the JSON text travels as the form field ``field``
    (``application/x-www-form-urlencoded``); with ``send_as_json=True`` it is the request body
    (``application/json``). An unreachable server gives a warning, never a failed fit. Uses the
    standard library only.

    Example::

        >>> monitor = tf.keras.callbacks.RemoteMonitor(root="http://localhost:9000")
        >>> model.fit(x, y, epochs=5, callbacks=[monitor])
    """

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data",
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        # imported here: urllib.request brings http, ssl and email (~16 ms of `tf.keras`'s
        # first touch)
        import urllib.error
        import urllib.parse
        import urllib.request

        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            # NumPy scalars and 0-d arrays are not JSON-serialisable; their values are.
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        headers = dict(self.headers or {})
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("ascii")
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request) as response:
                response.read()
        except urllib.error.HTTPError as err:
            # The server was reached but refused the data: say so, without failing the fit.
            warnings.warn(
                f"RemoteMonitor: the server at {self.root} answered HTTP {err.code} "
                f"({err.reason}) to POST {self.path}.",
                stacklevel=2,
            )
        except (urllib.error.URLError, OSError, ValueError):
            warnings.warn(
                f"Could not reach RemoteMonitor root server at {self.root}",
                stacklevel=2,
            )
