"""Hold Ctrl-C and SIGTERM back over the few steps that must not be cut in two."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Iterator

_STOPS = {signal.SIGINT, signal.SIGTERM}
_PR_SET_PDEATHSIG = 1


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Deliver SIGINT and SIGTERM only once the block has ended, as one step."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def worker_setup() -> None:
    """Make a forked worker end with its parent and leave Ctrl-C to the parent."""
    parent = os.getppid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)  # forked inside deferred()
    if sys.platform.startswith("linux"):
        # A worker blocks on its task pipe forever if the parent dies without stopping it
        # (SIGKILL, or a signal between fork and bookkeeping), keeping the parent's stdout
        # and stderr open; the kernel kills it with the parent instead.
        libc = ctypes.CDLL(None, use_errno=True)  # the running process: libc is in it
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)
