"""Run the command line with `python -m generator`."""

from generator.cli import main

main()
