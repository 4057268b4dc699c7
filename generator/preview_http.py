"""The socket side of the preview server: a thin adapter over `livereload.Preview`."""

from __future__ import annotations

import contextlib
import errno
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from generator.livereload import EVENTS, Preview


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one Preview."""

    daemon_threads = True
    request_queue_size = 128  # the default of 5 refuses connections when pages load in bursts
    allow_reuse_address = False  # a busy port must be reported, not silently shared

    preview: Preview  # set by the caller before serving

    def __init__(self, address: tuple[str, int]) -> None:
        super().__init__(address, PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    """Answer requests from the Preview; stream events on the events path."""

    server: PreviewServer
    # HTTP/1.0: one request per connection, so no idle keep-alive thread outlives a page.
    protocol_version = "HTTP/1.0"
    server_version = "BriefingsPreview"

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        if method == "GET" and urlsplit(self.path).path == EVENTS:
            self._events()
            return
        response = self.server.preview.respond(method, self.path)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if response.body:
            self.wfile.write(response.body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

        def write(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        # The stream ends when the page is closed or reloaded.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.server.preview.events(write)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the terminal for build output; requests are not logged."""


def bind(host: str, port: int, tries: int = 10) -> tuple[PreviewServer, str]:
    """Bind the first free port from `port` on; return the server and a note if it moved."""
    for candidate in range(port, port + tries):
        try:
            server = PreviewServer((host, candidate))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE or port == 0:
                raise
            continue
        moved = "" if candidate == port else f"port {port} is busy; using {candidate} instead"
        return server, moved
    raise OSError(errno.EADDRINUSE, f"ports {port} to {port + tries - 1} are all busy; "
                  "stop the other server or pass --port")
