"""A small preview server: serves a folder, reloads open pages after each rebuild.

It receives a rebuild callable and knows nothing else of the build (as MkDocs' livereload).
Reloads use Server-Sent Events: one-way is all a reload needs, EventSource reconnects by
itself after a restart, and it is plain HTTP that the standard library serves, with no
WebSocket handshake to write or proxy to configure.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from generator.reload_client import CLIENT_JS, FALLBACK_404

PREFIX = "/__briefings__/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "livereload.js"

Rebuild = Callable[[], Sequence[str]]  # returns the build's error messages, empty on success

_TEXT_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
    ".txt": "text/plain", ".svg": "image/svg+xml", ".json": "application/json",
    ".xml": "application/xml", ".webmanifest": "application/manifest+json",
}
_BINARY_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".pdf": "application/pdf",
    ".wasm": "application/wasm", ".pf_meta": "application/octet-stream",
}


@dataclass(frozen=True)
class Response:
    """An HTTP response, independent of any socket."""

    status: int
    headers: dict[str, str]
    body: bytes = b""


def content_type(path: Path, head: bytes) -> str:
    """Name the media type of a file, telling feeds apart by their root element."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        start = head.lstrip()[:400]
        if b"<rss" in start:
            return "application/rss+xml; charset=utf-8"
        if b"<feed" in start:
            return "application/atom+xml; charset=utf-8"
    if suffix == ".json" and b'"https://jsonfeed.org/version/' in head[:400]:
        return "application/feed+json; charset=utf-8"
    if suffix in _TEXT_TYPES:
        return _TEXT_TYPES[suffix] + "; charset=utf-8"
    return _BINARY_TYPES.get(suffix, "application/octet-stream")


def inject(html: bytes, version: int) -> bytes:
    """Add the reload script to an HTML page, just before </body> when there is one."""
    tag = f'<script src="{SCRIPT}" data-version="{version}"></script>'.encode()
    at = html.lower().rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


@dataclass
class State:
    """What every open page must know: the build version, and the errors of the last build."""

    version: int = 0
    errors: tuple[str, ...] = ()
    css_only: bool = False
    stopping: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)
    idle: threading.Event = field(default_factory=threading.Event)

    def event(self) -> bytes:
        """Encode the state as one Server-Sent Event."""
        data = json.dumps({"version": self.version, "errors": list(self.errors),
                           "cssOnly": self.css_only})
        return f"data: {data}\n\n".encode()


class Preview:
    """Serve the files of one folder, and run rebuilds that never expose a half-built site."""

    def __init__(self, root: Path, rebuild: Rebuild, log: Callable[[str], None] = print) -> None:
        self.root = root
        self._rebuild = rebuild
        self._log = log
        self._lock = threading.Lock()
        self.state = State()
        self.state.idle.set()

    def rebuild(self, css_only: bool = False) -> tuple[str, ...]:
        """Run one rebuild; requests wait until it ends. Return its errors."""
        with self._lock:
            self.state.idle.clear()
            try:
                errors = tuple(self._rebuild())
            except Exception as exc:  # a crash in the build must not take the preview down
                errors = (f"the build crashed: {type(exc).__name__}: {exc}",)
            finally:
                self.state.idle.set()
            with self.state.changed:
                # A failed build keeps the last good site; pages only get the overlay.
                self.state.version += 0 if errors else 1
                self.state.css_only = css_only and not errors and not self.state.errors
                self.state.errors = errors
                self.state.changed.notify_all()
            return errors

    def stop(self) -> None:
        """Release every open event stream."""
        with self.state.changed:
            self.state.stopping = True
            self.state.changed.notify_all()

    def resolve(self, raw_path: str) -> Path | None:
        """Map a request path to a file or folder under the root, or None when it escapes."""
        path = unquote(urlsplit(raw_path).path, errors="strict")
        if "\\" in path or "\x00" in path or not path.startswith("/"):
            return None
        parts = [p for p in path.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None
        root = self.root.resolve()
        target = root.joinpath(*parts)
        try:
            real = target.resolve()
        except (OSError, RuntimeError):
            return None
        # Symlinks may be used inside the output, never to leave it.
        return target if real == root or real.is_relative_to(root) else None

    def respond(self, method: str, raw_path: str) -> Response:
        """Answer one GET or HEAD request (everything but the event stream)."""
        base = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        if method not in ("GET", "HEAD"):
            return Response(405, {**base, "Allow": "GET, HEAD"})
        if urlsplit(raw_path).path == SCRIPT:
            body = CLIENT_JS.encode()
            return self._body(method, 200, "text/javascript; charset=utf-8", body, base)
        self.state.idle.wait(timeout=60)
        try:
            target = self.resolve(raw_path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            return self._body(method, 403, "text/plain; charset=utf-8",
                              b"403 Forbidden: outside the site\n", base)
        if target.is_dir():
            if not urlsplit(raw_path).path.endswith("/"):
                parts = urlsplit(raw_path)
                location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
                return Response(301, {**base, "Location": location, "Content-Length": "0"})
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(method, base)
        data = target.read_bytes()
        kind = content_type(target, data[:512])
        if kind.startswith("text/html"):
            data = inject(data, self.state.version)
        return self._body(method, 200, kind, data, base)

    def _not_found(self, method: str, base: dict[str, str]) -> Response:
        page = self.root / "404.html"
        data = page.read_bytes() if page.is_file() else FALLBACK_404.encode()
        return self._body(method, 404, "text/html; charset=utf-8",
                          inject(data, self.state.version), base)

    @staticmethod
    def _body(method: str, status: int, kind: str, data: bytes,
              base: dict[str, str]) -> Response:
        headers = {**base, "Content-Type": kind, "Content-Length": str(len(data))}
        return Response(status, headers, b"" if method == "HEAD" else data)

    def events(self, write: Callable[[bytes], None]) -> None:
        """Stream state events until the client goes away or the server stops."""
        seen = None
        while True:
            with self.state.changed:
                snapshot = (self.state.version, self.state.errors)
                if snapshot == seen:
                    self.state.changed.wait(timeout=15)
                if self.state.stopping:
                    return
                snapshot = (self.state.version, self.state.errors)
                payload = self.state.event() if snapshot != seen else b": keep-alive\n\n"
            write(payload)  # raises once the client has gone: that ends the stream
            seen = snapshot
