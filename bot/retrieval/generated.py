"""The command line of the modules that generate a committed table from a library the bot
does not import (specificity.py from wordfreq, lexicon.py from JMdict)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def build_command(description: str, table_file: Path, build: Callable[[], int]) -> None:
    """`python -m <module> --build` writes the table; without --build, the usage."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--build", action="store_true", help="write " + table_file.name)
    if not parser.parse_args().build:
        parser.print_help()
        sys.exit(2)
    sys.exit(build())
