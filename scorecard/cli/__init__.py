"""The ``scorecard`` command: thin Click commands over the library.

Exit codes: 0 fine; 1 the content is invalid or a gate failed; 2 the command was used
wrongly. Messages go to stderr, data (``--format json``) to stdout. The commands live by what
they work on: ``content`` (validate, score, schema, init, import), ``build`` (build, serve) and
``ci`` (check, diff); ``common`` holds what they share.
"""

from __future__ import annotations

import sys

import click

from scorecard.cli import build, ci, content  # noqa: F401 - each registers its commands
from scorecard.cli.build import _preview_build, run_build
from scorecard.cli.common import ContentInvalid, cli, format_findings

__all__ = ["ContentInvalid", "_preview_build", "cli", "format_findings", "main", "run_build"]


def main() -> None:
    """Entry point: no input, however malformed, ends in a traceback."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as err:  # noqa: BLE001 - the last line of defence for users
        click.echo(
            f"scorecard: unexpected {type(err).__name__}: {err}. This is a bug in scorecard; "
            "please report it with the command you ran.",
            err=True,
        )
        sys.exit(1)
