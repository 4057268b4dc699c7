"""The process pool: results in order for any number of jobs, and no worker outlives the
build (an orphaned worker keeps the caller's stdout and stderr open forever)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from generator import parallel
from tests.conftest import REPO


def square(number: int) -> int:
    return number * number


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_keep_the_order_of_the_items(jobs: int) -> None:
    items = list(range(1000))
    assert parallel.run(square, items, jobs) == [n * n for n in items]


WORKLOAD = textwrap.dedent(r"""
    import os, sys, time
    from generator import parallel

    def slow(number):
        # One write per line, so that the workers' lines never interleave.
        sys.stdout.write(f"{os.getpid()}\n")
        sys.stdout.flush()  # tells the test the workers are busy
        time.sleep(0.5)  # a chunk of work outlasts the test's wait below
        return number

    parallel.run(slow, list(range(2000)), 2)
""")


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_end_with_their_parent(signum: signal.Signals) -> None:
    proc = subprocess.Popen([sys.executable, "-c", WORKLOAD], cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    workers = {int(proc.stdout.readline()) for _ in range(6)}
    assert proc.pid not in workers and len(workers) >= 1
    proc.send_signal(signum)
    try:
        # EOF on both pipes comes only once every process holding them has ended.
        proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        alive = [pid for pid in workers if _alive(pid)]
        for pid in alive:
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.communicate()
        pytest.fail(f"workers {alive} outlived their parent and held its pipes open")
    for _ in range(100):  # the kernel may still be tearing a killed worker down
        if not [pid for pid in workers if _alive(pid)]:
            break
        time.sleep(0.1)
    assert not [pid for pid in workers if _alive(pid)]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waits only for its reaper; it holds no files.
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().split(") ")[1][0] != "Z"
