"""The `incidentwatch` command's entry point.

The vocabularies are compiled when the extraction modules are imported, so a user data directory given as
`--data DIR` must be in the environment (INCIDENTWATCH_DATA) before the command's modules are: this reads it
from the arguments first, then runs the command (incidentwatch.cli), whose callback checks it.
"""
from __future__ import annotations

import os
import sys


def data_argument(argv: list[str]) -> str | None:
    """The value of `--data DIR` or `--data=DIR` among the arguments before the command's name."""
    for i, arg in enumerate(argv):
        if arg == "--data" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--data="):
            return arg.split("=", 1)[1]
        if not arg.startswith("-"):
            return None  # the command's name: its own options follow
    return None


def main() -> None:
    given = data_argument(sys.argv[1:])
    if given is not None:
        os.environ["INCIDENTWATCH_DATA"] = given
    from .extract.lexicon import UserDataError

    try:
        from .cli import main as run
    except UserDataError as e:  # a user's mistake: one line, status 2
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
    run()


if __name__ == "__main__":
    main()
