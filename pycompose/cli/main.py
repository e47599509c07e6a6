"""The ``pycompose`` command: global flags, then one sub-command per Compose command.

Heavy modules (docker, the loader, anyio) are imported inside the commands that need them,
so ``pycompose version`` and ``--help`` start fast.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pycompose import __version__

app = typer.Typer(
    name="pycompose",
    help="Define and run multi-container applications with Docker (Docker Compose v2, in Python).",
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class GlobalOptions:
    """The flags every command shares, as given on the command line."""

    def __init__(self, **values: Any) -> None:
        self.files: list[str] = values.get("files") or []
        self.project_name: str | None = values.get("project_name")
        self.project_directory: str | None = values.get("project_directory")
        self.env_files: list[str] = values.get("env_files") or []
        self.profiles: list[str] = values.get("profiles") or []
        self.ansi: str = values.get("ansi") or "auto"
        self.progress: str | None = values.get("progress")
        self.dry_run: bool = bool(values.get("dry_run"))
        self.parallel: int = values.get("parallel", -1)

    def project_options(self) -> Any:
        from pycompose.loader.discover import ProjectOptions

        return ProjectOptions(
            config_files=tuple(self.files),
            project_name=self.project_name,
            project_directory=self.project_directory,
            env_files=tuple(self.env_files),
            profiles=tuple(p for item in self.profiles for p in item.split(",") if p),
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
        str,
        typer.Option("--ansi", help='Control when to print ANSI control characters '
                     '("never"|"always"|"auto")'),
    ] = "auto",
    progress: Annotated[
        str | None,
        typer.Option("--progress", help="Set type of progress output (auto, tty, plain, json, "
                     "quiet)"),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Execute command in dry run mode")
    ] = False,
    parallel: Annotated[
        int, typer.Option("--parallel", help="Control max parallelism, -1 for unlimited")
    ] = -1,
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
    if ansi not in ("never", "always", "auto"):
        raise typer.BadParameter(f'invalid --ansi value "{ansi}"', param_hint="--ansi")
    if progress not in (None, "auto", "tty", "plain", "json", "quiet"):
        raise typer.BadParameter(f'unsupported --progress value "{progress}"',
                                 param_hint="--progress")
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

    attached.register(app)
    oneoff.register(app)
    config.register(app)
    images.register(app)
    lifecycle.register(app)
    containers.register(app)
    listing.register(app)
    version.register(app)


def _fast_version(argv: list[str]) -> bool:
    """``pycompose version`` without loading the CLI framework (it is run by scripts a lot)."""
    if argv in (["version"], ["--version"], ["-v"]):
        sys.stdout.write(f"pycompose version v{__version__}\n")
        return True
    if argv in (["version", "--short"], ["version", "--format", "json"]):
        if argv[-1] == "--short":
            sys.stdout.write(f"{__version__}\n")
        else:
            sys.stdout.write(f'{{"version":"v{__version__}"}}\n')
        return True
    return False


def run() -> None:
    """Console-script entry point: runs the CLI, turns pycompose errors into exit codes.

    Usage errors exit 1 like Docker Compose's (click's own default would be 2).
    """
    from pycompose.errors import PycomposeError

    argv = sys.argv[1:]
    if _fast_version(argv):
        return
    _register()
    from typer._click.exceptions import ClickException

    from pycompose.cli import fast

    try:
        if not fast.run(app, argv):
            code = app(args=argv, prog_name="pycompose", standalone_mode=False)
            # Typer hands back the code of typer.Exit, and 130 for Ctrl-C, instead of exiting.
            if isinstance(code, int) and code:
                sys.exit(code)
    except PycomposeError as exc:
        sys.stderr.write(f"{exc}\n")
        sys.exit(exc.exit_code)
    except ClickException as exc:
        exc.show()
        sys.exit(1)
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
