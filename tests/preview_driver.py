"""Drive `briefings serve` and a headless Chromium: shared by the browser test and the bench.

Used by tests/test_preview_browser.py and bench/preview_latency.py; it needs Playwright for
Python (`pip install playwright`) and the Debian Chromium (`apt-get install chromium`), never
a browser downloaded by `playwright install`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
NO_CHROMIUM = (f"{CHROMIUM} not found: install the distribution's browser with "
               "`apt-get install chromium` (never `playwright install`)")
RESULTS = REPO / "bench" / "results" / "preview-latency.jsonl"

# True once the text is rendered in the page; survives the reloads the preview triggers.
_VISIBLE = "t => document.body !== null && document.body.innerText.includes(t)"


def free_port() -> int:
    """Return a port that was free a moment ago (bind to port 0, then close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """`python -m generator serve` in a child process, its output collected by a thread."""

    def __init__(self, site: Path, port: int, *extra: str,
                 env: dict[str, str] | None = None) -> None:
        self.site = site
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        self.lines: list[str] = []
        self._changed = threading.Condition()
        env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO),
                                                           os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--site", str(site),
             "--port", str(port), *extra],
            cwd=site.parent, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace")
        self._reader = threading.Thread(target=self._read, name="serve-output", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, needle: str, timeout: float = 60.0, start: int = 0) -> str | None:
        """Wait for an output line (from line `start` on) containing needle; None on timeout
        or when the process ended first."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines[start:]:
                    if needle in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    return None
                self._changed.wait(min(left, 0.2))

    def start(self, timeout: float = 60.0) -> None:
        """Wait for the 'Serving' line; raise with the captured output when it never comes."""
        line = self.wait_for("Serving ", timeout)
        if line is None:
            self.kill()
            raise RuntimeError(f"`briefings serve` did not start within {timeout:.0f} s "
                               f"(exit code {self.proc.poll()}); its output:\n{self.output}")
        # The port actually bound: the next free one when the asked one was busy.
        self.port = int(line.rsplit(":", 1)[1].split("/")[0])
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self, timeout: float = 5.0) -> int | None:
        """Send SIGINT (Ctrl-C); return the exit code, or None if it had to be killed."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code: int | None = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = None
        self._reader.join(5)
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def launch_chromium(playwright: Playwright) -> Browser:
    """Start the system Chromium headless; raise FileNotFoundError when it is not installed."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(NO_CHROMIUM)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def wait_visible(page: Page, text: str, timeout_ms: float = 15_000) -> None:
    """Wait, without acting on the page, until text is rendered in it."""
    page.wait_for_function(_VISIBLE, arg=text, timeout=timeout_ms, polling="raf")


def write_and_time(page: Page, path: Path, source: str, expect: str,
                   timeout_ms: float = 15_000) -> float:
    """Write a source file; return the milliseconds until `expect` is visible in the page."""
    started = time.perf_counter()
    path.write_text(source, encoding="utf-8")
    wait_visible(page, expect, timeout_ms)
    return (time.perf_counter() - started) * 1000


def with_sentence(markdown: str, sentence: str) -> str:
    """Append a paragraph to a Markdown file's body."""
    return markdown.rstrip("\n") + f"\n\n{sentence}\n"


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def record(kind: str, latencies_ms: Sequence[float], **details: object) -> Path | None:
    """Append the latencies as one JSON line, only when BRIEFINGS_RECORD_LATENCY=1."""
    if os.environ.get("BRIEFINGS_RECORD_LATENCY") != "1":
        return None
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    entry = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
             "kind": kind, **details,
             "median_ms": round(median(latencies_ms), 1),
             "latencies_ms": [round(v, 1) for v in latencies_ms]}
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry) + "\n")
    return RESULTS
