"""``--dry-run`` after the command name, as Compose accepts it (a persistent cobra flag).

The commands are parsed by the real typer declarations with their functions swapped for
recorders, so nothing runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
import typer
from typer.models import CommandInfo
from typer.utils import get_params_from_function

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
            calls.append((name, {k: v for k, v in values.items() if k != "ctx"}))

        return record

    app = typer.Typer()
    app.callback()(recorder("main", main.main))
    for info in commands().values():
        assert info.callback is not None
        app.command(info.name, context_settings=info.context_settings)(
            recorder(str(info.name), info.callback))
    return app, calls


def parsed(argv: list[str]) -> dict[str, Any]:
    app, calls = recording_app()
    app(args=argv, prog_name="pycompose", standalone_mode=False)
    return calls[-1][1]


@pytest.mark.parametrize("command", sorted(commands()))
def test_every_command_takes_dry_run_after_its_name(command: str) -> None:
    callback = commands()[command].callback
    assert callback is not None
    params = get_params_from_function(callback)
    assert "dry_run" in params, command
    assert params["dry_run"].default.param_decls == ("--dry-run",), command


@pytest.mark.parametrize("argv", [
    ["attach", "--dry-run", "web"],
    ["config", "--dry-run"],
    ["cp", "--dry-run", "web:/a", "b"],
    ["down", "--dry-run"],
    ["exec", "--dry-run", "web", "true"],
    ["export", "--dry-run", "web"],
    ["logs", "web", "--dry-run"],
    ["run", "--dry-run", "web"],
    ["scale", "web=2", "--dry-run"],
    ["up", "-d", "--dry-run"],
    ["version", "--dry-run"],
    ["wait", "--dry-run", "web"],
])
def test_dry_run_after_the_command_name_is_parsed(argv: list[str]) -> None:
    assert parsed(argv)["dry_run"] is True


@pytest.mark.parametrize("command", ["run", "exec"])
def test_dry_run_after_the_service_belongs_to_the_command(command: str) -> None:
    values = parsed([command, "web", "echo", "--dry-run"])
    assert values["dry_run"] is False
    assert values["command"] == ["echo", "--dry-run"]


@pytest.mark.parametrize("command", ["run", "exec"])
def test_dry_run_before_the_service_is_pycompose_s(command: str) -> None:
    values = parsed([command, "--dry-run", "web", "echo", "hi"])
    assert values["dry_run"] is True
    assert values["command"] == ["echo", "hi"]
