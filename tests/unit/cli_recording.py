"""The real typer declarations of every command, with the command functions swapped for
recorders: what a command line gives each function, without running anything."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import typer
from typer.models import CommandInfo

from pycompose.cli import (
    attached,
    config,
    containers,
    images,
    lifecycle,
    listing,
    main,
    oneoff,
    version,
)
from pycompose.cli.command import ComposeCommand, ComposeGroup
from pycompose.cli.options import GlobalOptions


@functools.cache
def commands() -> dict[str, CommandInfo]:
    """Every command, as :func:`pycompose.cli.main._register` registers them."""
    source = typer.Typer()
    for module in (attached, oneoff, config, images, lifecycle, containers, listing, version):
        module.register(source)
    return {str(info.name): info for info in source.registered_commands}


def recording_app() -> tuple[typer.Typer, list[tuple[str, dict[str, Any]]]]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def record(**values: Any) -> None:
            ctx = values.pop("ctx", None)
            calls.append((name, values))
            if ctx is not None and name == "main":
                ctx.obj = GlobalOptions(**values)

        return record

    app = typer.Typer(cls=ComposeGroup)
    app.callback()(recorder("main", main.main))
    for info in commands().values():
        assert info.callback is not None
        app.command(info.name, context_settings=info.context_settings, cls=ComposeCommand)(
            recorder(str(info.name), info.callback))
    return app, calls


def parsed(argv: list[str]) -> dict[str, Any]:
    """The values the command of ``argv`` gets."""
    app, calls = recording_app()
    app(args=argv, prog_name="pycompose", standalone_mode=False)
    return calls[-1][1]


def parsed_globals(argv: list[str]) -> dict[str, Any]:
    """The values the global options of ``argv`` give."""
    app, calls = recording_app()
    app(args=argv, prog_name="pycompose", standalone_mode=False)
    return calls[0][1]
