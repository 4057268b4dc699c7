"""A progress bar for long builds on a terminal; silent when output is not a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[str, int, int], None]
DELAY = 1.0  # seconds before a bar appears: quick builds stay one line


@contextmanager
def progress_display(enabled: bool = True) -> Iterator[Progress | None]:
    """Yield a progress callback drawing a rich bar on stderr, or None when not wanted."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    started = time.monotonic()
    bar = Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                   transient=True, redirect_stdout=False, redirect_stderr=False)
    tasks: dict[str, TaskID] = {}

    def update(label: str, done: int, total: int) -> None:
        if time.monotonic() - started < DELAY and done < total:
            return
        if not tasks:
            bar.start()
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total)
        bar.update(tasks[label], completed=done, total=total)

    try:
        yield update
    finally:
        if tasks:
            bar.stop()
