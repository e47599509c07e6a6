"""The ``pycompose`` command as typer declares it: global flags, then one sub-command per
Compose command. The entry point is :func:`pycompose.cli.entry.run`.

Heavy modules (docker, the loader, anyio) are imported inside the commands that need them,
so ``--help`` starts fast.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pycompose.cli.command import ComposeGroup
from pycompose.cli.options import GlobalOptions, invalid_global

app = typer.Typer(
    name="pycompose",
    help="Define and run multi-container applications with Docker (Docker Compose v2, in Python).",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    cls=ComposeGroup,
)


@app.callback()
def main(
    ctx: typer.Context,
    files: Annotated[
        list[str] | None, typer.Option("--file", "-f", help="Compose configuration files")
    ] = None,
    project_name: Annotated[
        str | None, typer.Option("--project-name", "-p", help="Project name")
    ] = None,
    project_directory: Annotated[
        str | None,
        typer.Option("--project-directory", help="Specify an alternate working directory"),
    ] = None,
    env_files: Annotated[
        list[str] | None,
        typer.Option("--env-file", help="Specify an alternate environment file"),
    ] = None,
    profiles: Annotated[
        list[str] | None, typer.Option("--profile", help="Specify a profile to enable")
    ] = None,
    ansi: Annotated[
        str | None,
        typer.Option("--ansi", help='Control when to print ANSI control characters '
                     '("never"|"always"|"auto") (default "auto")'),
    ] = None,
    progress: Annotated[
        str | None,
        typer.Option("--progress", help="Set type of progress output (auto, tty, plain, json, "
                     "quiet)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Execute command in dry run mode")
    ] = False,
    parallel: Annotated[
        int | None, typer.Option("--parallel", help="Control max parallelism, -1 for unlimited "
                                 "(default -1)")
    ] = None,
    compatibility: Annotated[
        bool, typer.Option("--compatibility", help="Run compose in backward compatibility mode")
    ] = False,
    all_resources: Annotated[
        bool,
        typer.Option("--all-resources", help="Include all resources, even those not used by "
                     "services"),
    ] = False,
) -> None:
    """Define and run multi-container applications with Docker."""
    problem = invalid_global(ansi, progress)
    if problem:
        raise typer.BadParameter(problem[1], param_hint=problem[0])
    ctx.obj = GlobalOptions(
        files=files, project_name=project_name, project_directory=project_directory,
        env_files=env_files, profiles=profiles, ansi=ansi, progress=progress, dry_run=dry_run,
        parallel=parallel,
    )


def _register() -> None:
    from pycompose.cli import (
        attached,
        config,
        containers,
        images,
        lifecycle,
        listing,
        oneoff,
        version,
    )
    from pycompose.cli.command import ComposeCommand

    attached.register(app)
    oneoff.register(app)
    config.register(app)
    images.register(app)
    lifecycle.register(app)
    containers.register(app)
    listing.register(app)
    version.register(app)
    for info in app.registered_commands:
        info.cls = ComposeCommand


def run_typer(argv: list[str]) -> None:
    """Run ``argv`` through typer; errors are turned into exit codes by the caller."""
    _register()
    code = app(args=argv, prog_name="pycompose", standalone_mode=False)
    # Typer hands back the code of typer.Exit, and 130 for Ctrl-C, instead of exiting.
    if isinstance(code, int) and code:
        sys.exit(code)
