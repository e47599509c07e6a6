"""The short way through the command line gives the command functions exactly what typer does.

Both parse the same command lines into the real ``up``/``down`` declarations; the command
functions are swapped for recorders, so nothing runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
import typer

from pycompose.cli import fast, main


def recording_app() -> tuple[typer.Typer, list[tuple[str, dict[str, Any]]]]:
    calls: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def record(**values: Any) -> None:
            calls.append((name, {k: v for k, v in values.items() if k != "ctx"}))

        return record

    app = typer.Typer()
    app.callback()(recorder("main", main.main))
    from pycompose.cli import lifecycle

    source = typer.Typer()
    lifecycle.register(source)
    for info in source.registered_commands:
        assert info.callback is not None
        app.command(info.name)(recorder(str(info.name), info.callback))
    return app, calls


def by_typer(argv: list[str]) -> list[tuple[str, dict[str, Any]]]:
    app, calls = recording_app()
    app(args=argv, prog_name="pycompose", standalone_mode=False)
    return calls


def by_fast_path(argv: list[str]) -> list[tuple[str, dict[str, Any]]] | None:
    app, _ = recording_app()
    calls = fast.parse(app, argv)
    if calls is None:
        return None
    return [("main", calls[0].values), (_name(argv), calls[1].values)]


def _name(argv: list[str]) -> str:
    return next(word for word in argv if word in fast.FAST_COMMANDS)


@pytest.mark.parametrize("argv", [
    ["up", "-d"],
    ["up"],
    ["-p", "demo", "up", "--detach", "web", "db"],
    ["-f", "a.yaml", "--file=b.yaml", "--profile", "x", "up", "-d", "--scale", "web=3",
     "--scale=db=2", "--timeout", "5", "--force-recreate", "web"],
    ["--project-directory", "/tmp", "--env-file", ".env", "--progress", "plain",
     "--ansi", "never", "--dry-run", "--parallel", "4", "up", "-d", "--no-deps", "--wait",
     "--wait-timeout=30", "--pull", "never", "--no-build", "--remove-orphans"],
    ["down"],
    ["-p", "demo", "down", "-v", "--remove-orphans", "-t", "0", "--rmi", "local", "web"],
    ["down", "web", "--volumes", "db"],
])
def test_fast_path_gives_what_typer_gives(argv: list[str]) -> None:
    assert by_fast_path(argv) == by_typer(argv)


@pytest.mark.parametrize("argv", [
    ["up", "--help"],
    ["up", "-h"],
    ["up", "--bogus"],
    ["up", "--timeout", "soon"],
    ["up", "-dV"],
    ["up", "--", "web"],
    ["up", "--scale"],
    ["-d", "up"],
    ["config"],
    ["ps", "-a"],
    [],
])
def test_other_command_lines_are_left_to_typer(argv: list[str]) -> None:
    assert by_fast_path(argv) is None
