"""The socket side of the preview server: a thin adapter over `livereload.Preview`."""

from __future__ import annotations

import contextlib
import errno
import re
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from generator.livereload import EVENTS, Preview, Response

# Names that always mean this machine, accepted whatever address is bound. Other names are
# refused, so that a page whose own name was rebound to 127.0.0.1 (DNS rebinding) cannot
# read the preview.
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
# Addresses that bind every interface: the preview is then meant to be reached by any name.
EVERYWHERE = frozenset({"0.0.0.0", "::", ""})
# A Host header: a name or a bracketed IPv6 address, then an optional port.
_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[^\[\]:@/\s]+)(?::[0-9]{1,5})?")


def everywhere(host: str) -> bool:
    """Tell whether binding `host` serves every network interface."""
    return host in EVERYWHERE


def host_allowed(header: str | None, *bound: str) -> bool:
    """Tell whether a request's Host header names this machine or a bound address."""
    if any(everywhere(b) for b in bound):
        return True
    found = _HOST.fullmatch((header or "").strip().lower())
    if found is None:
        return False
    names = LOOPBACK_NAMES | {f"[{b}]" if ":" in b else b for b in map(str.lower, bound)}
    return found["name"] in names


def refusal(method: str) -> Response:
    """Answer a request whose Host header names another machine."""
    body = (b"403 Forbidden: the Host header names neither this machine (127.0.0.1, localhost, "
            b"[::1]) nor the --host address. The preview refuses other names so that no web "
            b"page can read it through DNS rebinding; open the address the terminal shows.\n")
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
               "Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))}
    return Response(403, headers, b"" if method == "HEAD" else body)


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one Preview."""

    daemon_threads = True
    request_queue_size = 128  # the default of 5 refuses connections when pages load in bursts
    allow_reuse_address = False  # a busy port must be reported, not silently shared

    preview: Preview  # set by the caller before serving

    def __init__(self, address: tuple[str, int]) -> None:
        self.host = address[0]  # as the user wrote it: the name a browser sends back
        if ":" in self.host:  # an IPv6 address (--host ::1) needs an IPv6 socket
            self.address_family = socket.AF_INET6
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up early; report any other failure."""
        # A reload, a closed tab or a cancelled fetch drops the connection mid-answer.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


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
        # Checked before routing, so that the event stream is refused too.
        bound = (self.server.host, str(self.server.server_address[0]))
        if not host_allowed(self.headers.get("Host"), *bound):
            self._send(refusal(method))
            return
        if method == "GET" and urlsplit(self.path).path == EVENTS:
            self._events()
            return
        self._send(self.server.preview.respond(method, self.path))

    def _send(self, response: Response) -> None:
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
