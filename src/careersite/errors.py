"""CareersiteError: every failure a user can act on, told the same way.

A command raises it (or one of its kinds: write.OutputError,
search.SearchIndexError, scaffold.ScaffoldError) and click reports it in one
place: `error: <message>`, an optional `  hint: <hint>` line, exit status 1.
Problems in the site's own files are diagnostics instead (diagnostics.py):
a build reports all of them, with their file and line, before it fails.
"""

from __future__ import annotations

from typing import IO, Any

import click


class CareersiteError(click.ClickException):
    """A failure the user can act on; the message says why, the hint what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.format_message()}", file=file, err=file is None)
        if self.hint:
            click.echo(f"  hint: {self.hint}", file=file, err=file is None)
