"""Spread CPU-bound work over processes; the results never depend on the number of jobs."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from generator.signals import deferred, worker_setup

Item = TypeVar("Item")
Result = TypeVar("Result")
Progress = Callable[[str, int, int], None]

MIN_PER_JOB = 64  # below this, starting processes costs more than it saves


def default_jobs() -> int:
    """Return the number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(fn: Callable[[Item], Result], items: Sequence[Item], jobs: int,
        progress: Progress | None = None, label: str = "",
        min_per_job: int = MIN_PER_JOB) -> list[Result]:
    """Apply `fn` to every item, in order, over up to `jobs` processes."""
    return list(each(fn, items, jobs, progress, label, min_per_job))


def each(fn: Callable[[Item], Result], items: Sequence[Item], jobs: int,
         progress: Progress | None = None, label: str = "",
         min_per_job: int = MIN_PER_JOB) -> Iterator[Result]:
    """Yield `fn` of every item, in order, as results arrive from up to `jobs` processes."""
    total = len(items)
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or total < 2 * min_per_job or not forkable:
        for done, item in enumerate(items, 1):
            yield fn(item)
            if progress and done % 50 == 0:
                progress(label, done, total)
        if progress:
            progress(label, total, total)
        return
    # fork: workers inherit the site model already in memory instead of receiving copies.
    context = multiprocessing.get_context("fork")
    chunk = max(min(8, min_per_job), min(256, total // (jobs * 8) or 1))
    # Objects made before the fork are never collected in the workers: freezing them keeps
    # the collector from writing to (and so copying) the pages the workers share.
    gc.freeze()
    # A signal between a worker's fork and the pool's bookkeeping would orphan the worker.
    with deferred():
        pool = context.Pool(jobs, initializer=worker_setup)
    try:
        for done, result in enumerate(pool.imap(fn, items, chunksize=chunk), 1):
            yield result
            if progress and done % 50 == 0:
                progress(label, done, total)
        pool.close()
    except BaseException:  # GeneratorExit too: a caller that stops early ends the pool
        pool.terminate()
        raise
    finally:
        pool.join()
        gc.unfreeze()
    if progress:
        progress(label, total, total)
