"""``pycompose version``."""

from __future__ import annotations

from typing import Annotated

import typer

from pycompose import __version__
from pycompose.cli.containers import DryRunOpt


def register(app: typer.Typer) -> None:
    @app.command("version")
    def version(
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="Format the output. Values: [pretty | json]"),
        ] = None,
        short: Annotated[
            bool, typer.Option("--short", help="Shows only Compose's version number")
        ] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Show the pycompose version information."""
        del dry_run  # nothing to change
        if short:
            typer.echo(__version__)
        elif fmt == "json":
            typer.echo(f'{{"version":"v{__version__}"}}')
        else:
            typer.echo(f"pycompose version v{__version__}")
