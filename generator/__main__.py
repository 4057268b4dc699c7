"""Run the command line with `python -m generator` (and the `briefings` script)."""

import gc
import os
import signal
import sys


def _stop(signum: int, frame: object) -> None:
    # SIGTERM ends the program the way Ctrl-C does, so that it exits 130 and cleans up.
    raise KeyboardInterrupt


def run() -> None:
    """Start the command line; Ctrl-C or SIGTERM while it loads ends quietly, like one later."""
    try:
        # First, before the imports that take most of the start-up: until now a SIGTERM in
        # those first tenths of a second killed the process by the signal's default action
        # (exit 143, no message) instead of ending it as an interruption (exit 130).
        signal.signal(signal.SIGTERM, _stop)
        # A build allocates many objects and frees them by reference counting; cycles are
        # rare. At the default threshold the collector ran some 300 times in a one-article
        # rebuild, a tenth of its time (as mypy does, collect less often).
        gc.set_threshold(10_000, 10, 10)
        from generator.cli import main

        # What importing made lives as long as the process: keep the collector from
        # rescanning it.
        gc.freeze()
        main()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.stderr.flush()
        sys.stdout.flush()
        # Not sys.exit: once a KeyboardInterrupt has left any code the interpreter ran for
        # itself during start-up, CPython ends the process by SIGINT at exit (-2, not 130),
        # whatever the exit code asked for. Everything was unwound on the way here.
        os._exit(130)


if __name__ == "__main__":
    run()
