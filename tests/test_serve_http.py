"""`briefings serve` over real HTTP on loopback: safety, types, busy ports, clean stop, load.

Safety covers the paths served, the Host header (DNS rebinding) and clients that hang up.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.preview_http import host_allowed
from tests.conftest import SITES
from tests.preview_driver import ServeProcess, free_port


def request(server: ServeProcess, method: str, path: str,
            host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """Send one raw request (no client-side path normalisation) and read the answer."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        # The event stream has no length and never ends: take what has arrived.
        sized = response.getheader("Content-Length") is not None
        body = response.read() if sized else response.read1(65536)
        return response.status, dict(response.getheaders()), body
    finally:
        conn.close()


def stylesheet(server: ServeProcess) -> str:
    """Return the path of the theme's stylesheet (its name carries a content hash)."""
    _, _, body = request(server, "GET", "/")
    found = re.search(rb'href="(/static/style\.[0-9a-f]+\.css)"', body)
    assert found, "no fingerprinted stylesheet linked from the front page"
    return found.group(1).decode()


def start(site: Path, port: int, tmpdir: Path) -> ServeProcess:
    server = ServeProcess(site, port, env={"TMPDIR": str(tmpdir)})
    server.start()
    return server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServeProcess]:
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    (tmp_path / "secret.txt").write_text("TOPSECRET")
    temp = tmp_path / "tmp"
    temp.mkdir()
    running = start(site, free_port(), temp)
    yield running
    running.kill()


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/secret.txt",
    "/articles/%2e%2e/%2e%2e/secret.txt", "/..%2f..%2fsecret.txt", "/..\\..\\secret.txt",
    "/%5c..%5c..%5csecret.txt", "/static/..%00/x", "/%c0%ae%c0%ae/secret.txt",
])
def test_traversal_is_refused_over_http(server: ServeProcess, path: str) -> None:
    status, _, body = request(server, "GET", path)
    assert status in (403, 404), path
    assert b"TOPSECRET" not in body


def test_symlink_out_of_the_output_is_refused(server: ServeProcess, tmp_path: Path) -> None:
    # The preview's output is a temporary folder; plant a link inside it.
    (output,) = (tmp_path / "tmp").glob("briefings-preview-*/site")
    os.symlink(tmp_path / "secret.txt", output / "leak.txt")
    status, _, body = request(server, "GET", "/leak.txt")
    assert status == 403 and b"TOPSECRET" not in body


@pytest.mark.parametrize(("path", "kind"), [
    ("/", "text/html; charset=utf-8"),
    ("STYLESHEET", "text/css; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/atom.xml", "application/atom+xml; charset=utf-8"),
    ("/briefings/alpha/feed.xml", "application/rss+xml; charset=utf-8"),
])
def test_content_types_over_http(server: ServeProcess, path: str, kind: str) -> None:
    path = stylesheet(server) if path == "STYLESHEET" else path
    status, headers, body = request(server, "GET", path)
    assert status == 200 and headers["Content-Type"] == kind
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)
    head_status, head_headers, head_body = request(server, "HEAD", path)
    assert head_status == 200 and head_body == b""
    assert head_headers["Content-Length"] == headers["Content-Length"]


def test_pretty_urls_and_themed_404(server: ServeProcess) -> None:
    status, headers, _ = request(server, "GET", "/articles/first")
    assert status == 301 and headers["Location"] == "/articles/first/"
    status, _, body = request(server, "GET", "/articles/first/")
    assert status == 200 and b"First alpha development" in body
    assert b"/__briefings__/livereload.js" in body
    status, _, body = request(server, "GET", "/no/such/page/")
    assert status == 404 and b"Page not found" in body  # the theme's 404.html
    # Links point at the preview, not at the published base_url.
    assert f"http://127.0.0.1:{server.port}/feed.xml".encode() in body


def test_ctrl_c_stops_cleanly_and_leaves_nothing(server: ServeProcess, tmp_path: Path) -> None:
    assert list((tmp_path / "tmp").glob("briefings-preview-*"))
    started = time.monotonic()
    code = server.stop()
    output = server.output
    assert time.monotonic() - started < 5  # generous: the spec asks for under a second
    assert code == 0, output
    assert "Traceback" not in output and "Stopped." in output
    assert not list((tmp_path / "tmp").iterdir())  # the temporary build folder is gone
    assert not (server.site / "public").exists()  # the preview never writes public/
    assert (server.site / "content/articles/first/index.md").is_file()


def test_busy_port_moves_on_and_says_so(server: ServeProcess, tmp_path: Path) -> None:
    second = start(server.site, server.port, tmp_path / "tmp")
    try:
        said = second.output
        assert f"port {server.port} is busy; using {second.port} instead" in said
        assert second.port != server.port
        assert request(second, "GET", "/")[0] == 200
    finally:
        second.stop()


def test_load_fifty_clients_for_ten_seconds(server: ServeProcess) -> None:
    paths = ["/", "/articles/first/", "/briefings/alpha/", "/feed.xml", stylesheet(server),
             "/tags/policy/", "/nowhere/"]
    deadline = time.monotonic() + 10
    counts = {"ok": 0, "failed": 0}
    lock = threading.Lock()

    def client(index: int) -> None:
        n = index
        while time.monotonic() < deadline:
            path = paths[n % len(paths)]
            n += 1
            try:
                status, _, _ = request(server, "GET", path)
                good = status == (404 if path == "/nowhere/" else 200)
            except OSError:
                good = False
            with lock:
                counts["ok" if good else "failed"] += 1

    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(client, range(50)))
    rate = counts["ok"] / 10
    print(json.dumps({"load_test": {"clients": 50, "seconds": 10, **counts,
                                    "requests_per_second": rate}}))
    assert counts["failed"] == 0
    assert counts["ok"] > 0


FOREIGN_HOSTS = ["evil.example", "evil.example:PORT", "127.0.0.1.evil.example",
                 "localhost.evil.example:PORT", "", "[::2]:PORT"]
LOOPBACK_HOSTS = ["127.0.0.1:PORT", "localhost:PORT", "127.0.0.1", "localhost", "LocalHost:PORT",
                  "[::1]:PORT", "[::1]"]


def test_foreign_host_names_are_refused(server: ServeProcess) -> None:
    # Threat: DNS rebinding lets a web page the editor visits read the preview, drafts included.
    for path in ["/", "/articles/first/", "/__briefings__/events", "/__briefings__/livereload.js"]:
        for host in FOREIGN_HOSTS:
            status, headers, body = request(server, "GET", path,
                                            host.replace("PORT", str(server.port)))
            assert status == 403, (host, path)
            assert headers["Content-Type"] == "text/plain; charset=utf-8"
            assert b"Host" in body and b"First alpha" not in body and b"EventSource" not in body


def test_loopback_host_names_are_served(server: ServeProcess) -> None:
    # The Host check must not lock out the names an editor types, nor the event stream.
    for host in LOOPBACK_HOSTS:
        status, _, body = request(server, "GET", "/articles/first/",
                                  host.replace("PORT", str(server.port)))
        assert status == 200 and b"First alpha development" in body, host
    status, headers, _ = request(server, "GET", "/__briefings__/events", f"localhost:{server.port}")
    assert status == 200 and headers["Content-Type"].startswith("text/event-stream")


@pytest.mark.parametrize(("header", "bound", "allowed"), [
    ("127.0.0.1:8000", "127.0.0.1", True),
    ("localhost", "127.0.0.1", True),
    ("[::1]:8000", "127.0.0.1", True),
    ("192.168.1.5:8000", "192.168.1.5", True),
    ("preview.lan:8000", "preview.lan", True),
    ("PREVIEW.lan", "preview.lan", True),
    ("[fe80::1]:8000", "fe80::1", True),
    ("anything.example:8000", "0.0.0.0", True),
    ("anything.example", "::", True),
    ("192.168.1.5:8000", "127.0.0.1", False),
    ("evil.example", "preview.lan", False),
    ("::1", "127.0.0.1", False),  # a bare IPv6 address with no brackets is malformed
    ("localhost:80:80", "127.0.0.1", False),
    ("localhost:port", "127.0.0.1", False),
    ("localhost@evil.example", "127.0.0.1", False),
    (None, "127.0.0.1", False),
])
def test_host_allowed(header: str | None, bound: str, allowed: bool) -> None:
    # Threat: DNS rebinding; only the names the preview is bound to may reach it.
    assert host_allowed(header, bound) is allowed


def test_any_host_on_all_interfaces_with_a_warning(tmp_path: Path) -> None:
    # Threat: binding every interface shows drafts to the network; the editor must be told.
    site = tmp_path / "site"
    shutil.copytree(SITES / "basic", site)
    (tmp_path / "tmp").mkdir()
    running = ServeProcess(site, free_port(), "--host", "0.0.0.0",
                           env={"TMPDIR": str(tmp_path / "tmp")})
    try:
        running.start()
        assert "warning:" in running.output and "network" in running.output
        assert request(running, "GET", "/", "preview.example:8000")[0] == 200
    finally:
        running.stop()


def test_clients_that_hang_up_early_leave_no_traceback(server: ServeProcess) -> None:
    for n in range(30):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            path = "/__briefings__/events" if n % 3 == 0 else "/articles/first/"
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            if n % 2:
                # Reset, not a polite close: the server's next write fails at once.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    # Every request above has been answered (or failed) before this one is.
    time.sleep(0.5)
    assert request(server, "GET", "/")[0] == 200
    time.sleep(0.5)
    output = server.output
    assert "Traceback" not in output, output
    assert "BrokenPipeError" not in output and "ConnectionResetError" not in output
