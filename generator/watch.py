"""Watch the site's sources with watchfiles and report bursts of changes as one."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

from generator.config import CONFIG_FILE, load_config
from generator.errors import SiteError
from generator.theme import OVERRIDES, load_theme

# Editors' swap, backup and temp files (vim, emacs, JetBrains, Kate, Chrome's file API).
IGNORED = (r"\.sw.$", r"~$", r"^\.#", r"^#.*#$", r"^4913$", r"\.tmp$", r"\.kate-swp$",
           r"___jb_\w+___$", r"\.crswap$", r"^\.DS_Store$", r"\.part$")
_IGNORED = [re.compile(p) for p in IGNORED]
# What a build reads besides the theme's layers: the content, the site's own static files,
# and a bare templates/ folder (theme.py puts it before every layer). themes/ is where
# `theme.locate` looks first, so a theme copied there to shadow a shipped one is seen as
# soon as it appears.
SITE_DIRS = ("content", "static", "templates", "themes")
# Names at the site root whose appearance or removal can change what must be watched.
ROOT_NAMES = frozenset({CONFIG_FILE, OVERRIDES, *SITE_DIRS})


def ignored(path: str) -> bool:
    """Tell whether a changed file is an editor's temporary file."""
    name = Path(path).name
    return any(p.search(name) for p in _IGNORED)


def source_folders(site_root: Path) -> list[Path]:
    """Return the folders a build reads: content, static, templates and the theme's layers."""
    root = site_root.resolve()
    try:
        layers = list(load_theme(root, load_config(root)).layers)
    except SiteError:
        # The build fails as well; its fix may land wherever a layer can come from.
        layers = [root / OVERRIDES]
    found = [f.resolve() for f in [*(root / d for d in SITE_DIRS), *layers] if f.is_dir()]
    # A folder inside another is watched through it (a theme inside themes/).
    return sorted({f for f in found
                   if not any(f != other and f.is_relative_to(other) for other in found)})


class _Either:
    """An event that is set when either of two events is (for watchfiles' stop_event)."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self.first = first
        self.second = second

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


class SourceWatcher:
    """Watch site.yaml and the source folders; yield each debounced batch of changed paths."""

    def __init__(self, site_root: Path, stop: threading.Event, poll: bool = False,
                 debounce_ms: int = 300) -> None:
        self.root = site_root.resolve()
        self.stop = stop
        self.poll = poll
        self.debounce_ms = debounce_ms
        self.folders = source_folders(self.root)
        self._moved = threading.Event()  # set when the folders to watch have changed
        self._batches: queue.Queue[set[str]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def _relevant_at_root(self, _: watchfiles.Change, path: str) -> bool:
        return Path(path).name in ROOT_NAMES and not ignored(path)

    def _relevant(self, _: watchfiles.Change, path: str) -> bool:
        return not ignored(path)

    def _run(self, paths: list[Path], recursive: bool, until: _Either | threading.Event) -> None:
        keep = self._relevant if recursive else self._relevant_at_root
        for changes in watchfiles.watch(
            *paths, watch_filter=keep, debounce=1600, step=self.debounce_ms // 6 or 1,
            stop_event=until, force_polling=self.poll, poll_delay_ms=200,
            recursive=recursive, raise_interrupt=False,
        ):
            self._batches.put({path for _, path in changes})

    def _run_sources(self) -> None:
        """Watch the source folders, starting over whenever `refresh` finds others."""
        while not self.stop.is_set():
            self._moved.clear()
            folders = self.folders
            try:
                if folders:
                    self._run(folders, True, _Either(self.stop, self._moved))
                else:
                    self._moved.wait(0.2)
            except OSError:
                # A folder went away between listing and watching: list them again.
                self.stop.wait(0.2)
                self.refresh()

    def refresh(self) -> None:
        """List the source folders again; watch the new list if it differs."""
        folders = source_folders(self.root)
        if folders != self.folders:
            self.folders = folders
            self._moved.set()

    def start(self) -> None:
        """Start the watcher threads (the site root itself, and the source folders)."""
        root = threading.Thread(target=self._run, args=([self.root], False, self.stop),
                                name="briefings-watch", daemon=True)
        sources = threading.Thread(target=self._run_sources, name="briefings-watch",
                                   daemon=True)
        for thread in (root, sources):
            thread.start()
            self._threads.append(thread)

    def batches(self) -> Iterator[set[str]]:
        """Yield batches of changed paths until stopped, merging those that arrive together."""
        while not self.stop.is_set():
            try:
                batch = self._batches.get(timeout=0.1)
            except queue.Empty:
                continue
            while True:  # the two watcher threads may report one save twice
                try:
                    batch |= self._batches.get(timeout=self.debounce_ms / 1000 / 6)
                except queue.Empty:
                    break
            # Before the rebuild: a file saved into a new folder meanwhile is then built,
            # and its next save is seen (site.yaml may name a new theme, a folder may appear).
            self.refresh()
            yield batch

    def join(self, timeout: float = 2.0) -> None:
        """Wait for the watcher threads to end after `stop` is set."""
        for thread in self._threads:
            thread.join(timeout)
