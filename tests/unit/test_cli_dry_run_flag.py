"""``--dry-run`` after the command name, as Compose accepts it (a persistent cobra flag).

The commands are parsed by the real typer declarations with their functions swapped for
recorders (:mod:`tests.unit.cli_recording`), so nothing runs.
"""

from __future__ import annotations

import pytest
from typer.utils import get_params_from_function

from tests.unit.cli_recording import commands, parsed


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
