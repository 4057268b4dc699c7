"""Run the command line with `python -m generator` (and the `briefings` script)."""

import sys


def run() -> None:
    """Start the command line; a Ctrl-C while it loads ends quietly, like one later."""
    try:
        from generator.cli import main
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
