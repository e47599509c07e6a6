"""The short way through the command line gives the command functions exactly what typer does.

Both parse the same command lines into the real ``up``/``down`` declarations; the command
functions are swapped for recorders, so nothing runs.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

import pytest
import typer
from typer.models import ArgumentInfo, OptionInfo
from typer.utils import get_params_from_function

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
    parsed = fast.parse(argv)
    if parsed is None:
        return None
    return [("main", parsed.globals), (parsed.command, parsed.values)]


def declared(function: Callable[..., Any]) -> fast.Spec:
    """The :class:`fast.Spec` that typer's declarations of ``function`` amount to."""
    options: list[fast.Option] = []
    argument = None
    for name, meta in get_params_from_function(function).items():
        if name == "ctx":
            continue
        info = meta.default
        assert isinstance(info, OptionInfo | ArgumentInfo), name
        # Nothing the fast path cannot do the same way as typer.
        assert not (info.callback or info.envvar or info.is_eager or info.default_factory), name
        if isinstance(info, ArgumentInfo):
            assert argument is None and info.default is None
            argument = name
            continue
        annotation = meta.annotation
        if annotation is bool:
            kind = fast.FLAG
            assert info.default is False, name
            assert all("/" not in d for d in info.param_decls), name
        elif get_origin(annotation) in (Union, types.UnionType) or annotation in (str, int):
            plain = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
            assert len(plain) == 1, name
            if get_origin(plain[0]) is list:
                assert get_args(plain[0]) == (str,) and info.default is None, name
                kind = fast.LIST
            else:
                kind = {str: fast.STR, int: fast.INT}[plain[0]]
        else:
            raise AssertionError(f"{name}: {annotation!r}")
        default = None if kind in (fast.FLAG, fast.LIST) else info.default
        options.append(fast.Option(name, kind, tuple(info.param_decls), default))
    return fast.Spec(tuple(options), argument)


def test_the_tables_repeat_the_typer_declarations() -> None:
    from pycompose.cli import lifecycle

    source = typer.Typer()
    lifecycle.register(source)
    commands = {str(info.name): info.callback for info in source.registered_commands}
    assert declared(main.main) == fast.GLOBAL
    assert set(commands) == set(fast.COMMANDS)
    for name, function in commands.items():
        assert function is not None
        assert declared(function) == fast.COMMANDS[name], name


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
    ["up", "-d", "--dry-run"],
    ["down", "--dry-run", "-v"],
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


@pytest.mark.parametrize("argv", [
    ["--ansi", "bogus", "up", "-d"],
    ["--progress", "fancy", "down"],
])
def test_global_values_compose_refuses_are_left_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is not None
    assert fast.run(argv) is False
