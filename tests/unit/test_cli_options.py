"""Command-line values read as Docker Compose v2.40.3 reads them: ``--scale`` and environment
variables (``COMPOSE_PARALLEL_LIMIT``, ``COMPOSE_ANSI``, ``COMPOSE_PROGRESS``, the yes/no ones)."""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.cli.common import parse_scale_option
from pycompose.cli.options import GlobalOptions, compose_bool, status_on_stdout
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


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("1", True), ("t", True), ("TRUE", True), ("True", True), ("tRue", False),
    ("y", False), (" 1", False), ("0", False),
])
def test_status_on_stdout(value: str | None, expected: bool,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    if value is None:
        monkeypatch.delenv("COMPOSE_STATUS_STDOUT", raising=False)
    else:
        monkeypatch.setenv("COMPOSE_STATUS_STDOUT", value)
    assert status_on_stdout() is expected


@pytest.mark.parametrize(("flag", "variable", "dotenv", "ansi"), [
    (None, None, None, "auto"),
    (None, "never", None, "never"),
    (None, None, "always", "always"),
    (None, "never", "always", "never"),
    ("always", "never", None, "always"),
    ("auto", "never", None, "auto"),
])
def test_ansi_from_flag_then_variable(flag: str | None, variable: str | None,
                                      dotenv: str | None, ansi: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if variable is None:
        monkeypatch.delenv("COMPOSE_ANSI", raising=False)
    else:
        monkeypatch.setenv("COMPOSE_ANSI", variable)
    chosen = options(ansi=flag)
    if dotenv is not None:
        chosen.environment = {"COMPOSE_ANSI": dotenv}
    assert chosen.ansi == ansi


@pytest.mark.parametrize(("values", "variables", "message"), [
    ({"ansi": "always", "progress": "plain"}, {},
     "can't use --progress plain while ANSI support is forced"),
    ({"progress": "tty"}, {"COMPOSE_ANSI": "never"},
     "can't use --progress tty while ANSI support is disabled"),
    ({}, {"COMPOSE_ANSI": "always", "COMPOSE_PROGRESS": "plain"},
     "can't use --progress plain while ANSI support is forced"),
    ({}, {"COMPOSE_PROGRESS": "bogus"}, 'unsupported --progress value "bogus"'),
])
def test_progress_and_ansi_checks(values: dict[str, Any], variables: dict[str, str],
                                  message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COMPOSE_ANSI", "COMPOSE_PROGRESS", "COMPOSE_PARALLEL_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(PycomposeError) as error:
        options(**values).check()
    assert str(error.value) == message


def test_progress_flag_wins_over_a_bad_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COMPOSE_ANSI", raising=False)
    monkeypatch.setenv("COMPOSE_PROGRESS", "bogus")
    options(progress="plain").check()
