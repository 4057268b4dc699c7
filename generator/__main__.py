"""Run the command line with `python -m generator` (and the `briefings` script)."""

import gc
import sys


def run() -> None:
    """Start the command line; a Ctrl-C while it loads ends quietly, like one later."""
    # A build allocates many objects and frees them by reference counting; cycles are rare.
    # At the default threshold the collector ran some 300 times in a one-article rebuild,
    # a tenth of its time (as mypy does, collect less often).
    gc.set_threshold(10_000, 10, 10)
    try:
        from generator.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    # What importing made lives as long as the process: keep the collector from rescanning it.
    gc.freeze()
    main()


if __name__ == "__main__":
    run()
