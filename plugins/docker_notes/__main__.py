"""The command line: `python -m docker_notes COMMAND …` (also installed as `docker-notes`).

Each command lives with its half of the plugin and registers its own sub-parser here; this module
only dispatches, and imports nothing of MkDocs, so that a check runs in a fraction of a second.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .commands import cli as commands_cli
from .images import cli as images_cli


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m docker_notes", description="Tools for the Docker notes site."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    images_cli.add_parser(commands)
    commands_cli.add_parser(commands)
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
