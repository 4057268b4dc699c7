"""`briefings serve`: build into a temporary folder, serve it, rebuild on every save."""

from __future__ import annotations

import shutil
import signal
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import FrameType

from generator.build import BuildOptions, build
from generator.errors import BriefingsError, SiteError, terminal_safe
from generator.livereload import Preview
from generator.preview_http import bind, everywhere
from generator.watch import SourceWatcher

Log = Callable[[str], None]


def build_callable(site_root: Path, out: Path, drafts: bool, base_url: str,
                   log: Log) -> Callable[[], list[str]]:
    """Return the rebuild the preview server calls; it knows the build, the server does not."""
    options = BuildOptions(site_root, output_dir=out, drafts=drafts, force=True,
                           base_url=base_url)
    builds = [0]

    def rebuild() -> list[str]:
        started = time.perf_counter()
        try:
            # The search index is made by the first build only: re-indexing every page on
            # each save would cost seconds on a large site, for a box rarely used while
            # writing. Restart the preview to refresh it.
            result = build(replace(options, refresh_search=builds[0] == 0))
            builds[0] += 1
        except SiteError as exc:
            errors = [str(p) for p in exc.problems]
        except BriefingsError as exc:
            errors = [str(exc)]
        else:
            log(f"Built {result.pages} pages and {result.feeds} feeds in "
                f"{time.perf_counter() - started:.2f} s")
            return []
        for line in errors:
            log(f"error: {line}")
        log(f"Build failed ({len(errors)} problem{'s' if len(errors) != 1 else ''}); "
            "still serving the last good version.")
        return errors

    return rebuild


def serve(site_root: Path, host: str, port: int, drafts: bool = False, open_page: bool = False,
          poll: bool = False, log: Log = print) -> None:
    """Serve the site with live reload until Ctrl-C or SIGTERM; delete only our temp folder."""
    site_root = site_root.resolve()
    workdir = Path(tempfile.mkdtemp(prefix="briefings-preview-"))
    stop = threading.Event()
    _on_signals(stop)
    try:
        server, moved = bind(host, port)
        if moved:
            log(moved)
        if everywhere(host):
            # Any Host header is then accepted, so nothing stands between the network and drafts.
            what = "the site and its drafts" if drafts else "the site"
            log(f"warning: --host {host or '(empty)'} serves every network interface: {what} "
                "can be read by anyone who can reach this machine. Drop --host to keep the "
                "preview on this machine.")
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{shown_host}:{server.server_address[1]}/"
        preview = Preview(workdir / "site",
                          build_callable(site_root, workdir / "site", drafts, url, log), log)
        server.preview = preview
        # Watch before the first build, so that a save made while it runs is not missed.
        watcher = SourceWatcher(site_root, stop, poll=poll)
        watcher.start()
        preview.rebuild()
        if stop.is_set():
            server.server_close()
            watcher.join(1)
            return
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                   name="briefings-http", daemon=True)
        serving.start()
        log(f"Serving {site_root} at {url} (Ctrl-C to stop)")
        if open_page:
            webbrowser.open(url)
        for batch in watcher.batches():
            css_only = all(path.endswith(".css") for path in batch)
            # Inert, like error lines: a file name may hold newlines or terminal escapes.
            names = ", ".join(sorted(Path(p).name for p in batch))
            log(f"Changed: {terminal_safe(names)}")
            preview.rebuild(css_only=css_only)
        preview.stop()
        server.shutdown()
        server.server_close()
        serving.join(1)
        watcher.join(1)
        log("Stopped.")
    finally:
        stop.set()
        shutil.rmtree(workdir, ignore_errors=True)


def _on_signals(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)
