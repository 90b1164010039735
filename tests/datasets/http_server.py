"""A throwaway HTTP server on 127.0.0.1 serving byte strings, for download tests.

``serve(files)`` is a context manager yielding a ``Server`` whose ``url`` is the base address;
``files`` maps a path ("/mnist.npz") to bytes. ``server.truncate[path] = n`` makes the server
announce the full length but close after ``n`` bytes (a partial download); ``server.requests``
counts the GETs per path. The server thread is stopped and joined on exit.
"""

import collections
import contextlib
import http.server
import threading


class Server:
    def __init__(self, files):
        self.files = dict(files)
        self.truncate = {}
        self.requests = collections.Counter()
        self.url = None


def _handler_for(server):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            server.requests[self.path] += 1
            body = server.files.get(self.path)
            if body is None:
                self.send_error(404, "Not Found")
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: server.truncate.get(self.path, len(body))])
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, *args):
            # Keep the test output clean; failures show up in the assertions.
            pass

    return Handler


@contextlib.contextmanager
def serve(files):
    server = Server(files)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(server))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
