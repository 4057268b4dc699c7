"""Watch the site's sources with watchfiles and report bursts of changes as one."""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import watchfiles

# Editors' swap, backup and temp files (vim, emacs, JetBrains, Kate, Chrome's file API).
IGNORED = (r"\.sw.$", r"~$", r"^\.#", r"^#.*#$", r"^4913$", r"\.tmp$", r"\.kate-swp$",
           r"___jb_\w+___$", r"\.crswap$", r"^\.DS_Store$", r"\.part$")
_IGNORED = [re.compile(p) for p in IGNORED]
SOURCE_DIRS = ("content", "themes", "templates")


def ignored(path: str) -> bool:
    """Tell whether a changed file is an editor's temporary file."""
    name = Path(path).name
    return any(p.search(name) for p in _IGNORED)


class SourceWatcher:
    """Watch site.yaml and the source folders; yield each debounced batch of changed paths."""

    def __init__(self, site_root: Path, stop: threading.Event, poll: bool = False,
                 debounce_ms: int = 300) -> None:
        self.root = site_root.resolve()
        self.stop = stop
        self.poll = poll
        self.debounce_ms = debounce_ms
        self._batches: queue.Queue[set[str]] = queue.Queue()
        self._threads: list[threading.Thread] = []

    def _relevant_at_root(self, _: watchfiles.Change, path: str) -> bool:
        return Path(path).name in ("site.yaml", *SOURCE_DIRS) and not ignored(path)

    def _relevant(self, _: watchfiles.Change, path: str) -> bool:
        return not ignored(path)

    def _run(self, paths: list[Path], recursive: bool) -> None:
        keep = self._relevant if recursive else self._relevant_at_root
        for changes in watchfiles.watch(
            *paths, watch_filter=keep, debounce=1600, step=self.debounce_ms // 6 or 1,
            stop_event=self.stop, force_polling=self.poll, poll_delay_ms=200,
            recursive=recursive, raise_interrupt=False,
        ):
            self._batches.put({path for _, path in changes})

    def start(self) -> None:
        """Start the watcher threads (the site root itself, and each source folder)."""
        folders = [self.root / d for d in SOURCE_DIRS if (self.root / d).is_dir()]
        plans: list[tuple[list[Path], bool]] = [([self.root], False)]
        if folders:
            plans.append((folders, True))
        for paths, recursive in plans:
            thread = threading.Thread(target=self._run, args=(paths, recursive),
                                      name="briefings-watch", daemon=True)
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
            yield batch

    def join(self, timeout: float = 2.0) -> None:
        """Wait for the watcher threads to end after `stop` is set."""
        for thread in self._threads:
            thread.join(timeout)
