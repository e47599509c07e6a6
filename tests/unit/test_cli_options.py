"""Command-line values read as Docker Compose v2.40.3 reads them: ``--scale`` and environment
variables (``COMPOSE_PARALLEL_LIMIT``, the yes/no ones)."""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.cli.common import parse_scale_option
from pycompose.cli.options import GlobalOptions, compose_bool
from pycompose.errors import PycomposeError


def test_scale_option_values() -> None:
    assert parse_scale_option(["web=3", "db=0", "web=1"], {"web", "db"}) == {"web": 1, "db": 0}
    assert parse_scale_option(None, {"web"}) == {}


@pytest.mark.parametrize(("item", "message"), [
    ("nosuch=2", "no such service: nosuch: not found"),
    ("web", 'invalid --scale option "web". Should be SERVICE=NUM'),
    ("web=1=2", 'invalid --scale option "web=1=2". Should be SERVICE=NUM'),
    ("web=x", 'strconv.Atoi: parsing "x": invalid syntax'),
    ("web=", 'strconv.Atoi: parsing "": invalid syntax'),
])
def test_scale_option_errors_are_compose_s(item: str, message: str) -> None:
    with pytest.raises(PycomposeError) as error:
        parse_scale_option([item], {"web"})
    assert str(error.value) == message


def options(**values: Any) -> GlobalOptions:
    return GlobalOptions(**values)


@pytest.mark.parametrize(("flag", "variable", "limit"), [
    (None, None, None),
    (None, "4", 4),
    (None, "+2", 2),
    (None, "0", None),
    (None, "-1", None),
    (3, None, 3),
    (3, "abc", 3),  # the flag wins, the variable is not even read
    (-1, "4", None),
    (0, "4", None),
])
def test_parallel_limit(flag: int | None, variable: str | None, limit: int | None,
                        monkeypatch: pytest.MonkeyPatch) -> None:
    if variable is None:
        monkeypatch.delenv("COMPOSE_PARALLEL_LIMIT", raising=False)
    else:
        monkeypatch.setenv("COMPOSE_PARALLEL_LIMIT", variable)
    assert options(parallel=flag).parallel_limit() == limit


@pytest.mark.parametrize("variable", ["abc", "", " 3", "1.5", "1_000", "9223372036854775808"])
def test_parallel_limit_variable_must_be_an_integer(variable: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSE_PARALLEL_LIMIT", variable)
    with pytest.raises(PycomposeError) as error:
        options().check()
    assert str(error.value) == f'COMPOSE_PARALLEL_LIMIT must be an integer (found: "{variable}")'


def test_parallel_limit_from_the_project_env_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPOSE_PARALLEL_LIMIT", raising=False)
    loaded = options()
    loaded.environment = {"COMPOSE_PARALLEL_LIMIT": "2"}
    assert loaded.parallel_limit() == 2
    monkeypatch.setenv("COMPOSE_PARALLEL_LIMIT", "5")
    assert loaded.parallel_limit() == 5


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), ("1", True), ("t", True), ("T", True), ("true", True),
    (" TRUE ", True), ("True", True), ("y", True), ("Y", True), ("yes", False), ("on", False),
    ("0", False), ("false", False), ("abc", False),
])
def test_compose_bool(value: str | None, expected: bool) -> None:
    assert compose_bool(value) is expected
