"""Helpers shared by the commands: loading the project, choosing the progress renderer."""

from __future__ import annotations

import os
from collections.abc import Container, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer


def load(ctx: typer.Context, services: list[str] | None = None) -> Any:
    """Load the project for a command; services named on the command line are enabled."""
    from pycompose.api import load_project
    from pycompose.cli.output import print_warnings

    loaded = load_project(ctx.obj.project_options(), services=services or ())
    print_warnings(loaded.warnings)
    ctx.obj.environment = loaded.environment
    return loaded


def dry_run_flag(ctx: typer.Context, given: bool) -> None:
    """``--dry-run`` after the command name: Compose's flag is persistent, so every command
    takes it there too."""
    if given:
        ctx.obj.dry_run = True


def parse_scale_option(values: list[str] | None, services: Container[str]) -> dict[str, int]:
    """``--scale SERVICE=NUM`` values of ``up`` and ``create``, checked with Compose's
    messages (a service the project does not define is an error)."""
    import re

    from pycompose.errors import PycomposeError

    scale: dict[str, int] = {}
    for item in values or []:
        parts = item.split("=")
        if len(parts) != 2:
            raise PycomposeError(f'invalid --scale option "{item}". Should be SERVICE=NUM')
        name, count = parts
        if not re.fullmatch(r"[+-]?\d+", count):
            raise PycomposeError(f'strconv.Atoi: parsing "{count}": invalid syntax')
        if name not in services:
            raise PycomposeError(f"no such service: {name}: not found")
        scale[name] = int(count)
    return scale


def project_name_only(ctx: typer.Context) -> str:
    """The project name when no compose file is needed (``-p`` alone is enough)."""
    from pycompose.errors import ProjectError

    options = ctx.obj
    if options.project_name and not options.files:
        return str(options.project_name)
    try:
        return str(load(ctx).name)
    except ProjectError:
        if options.project_name:
            return str(options.project_name)
        raise


def progress_mode(ctx: typer.Context) -> str:
    mode = ctx.obj.progress or os.environ.get("COMPOSE_PROGRESS") or "auto"
    if ctx.obj.ansi == "never" and mode == "auto":
        mode = "plain"
    return str(mode)


@contextmanager
def renderer(ctx: typer.Context) -> Iterator[Any]:
    import sys

    from pycompose.cli.options import status_on_stdout
    from pycompose.progress import Renderer

    sink = Renderer(progress_mode(ctx), stream=sys.stdout if status_on_stdout() else None,
                    dry_run=ctx.obj.dry_run)
    try:
        yield sink
    finally:
        sink.close()


def parallel_limit(ctx: typer.Context) -> int | None:
    limit: int | None = ctx.obj.parallel_limit()
    return limit
