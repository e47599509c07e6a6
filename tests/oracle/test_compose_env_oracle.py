"""Environment variables Docker Compose v2.40.3 reads, with both tools run alike.

- ``COMPOSE_REMOVE_ORPHANS``: the default of ``up``'s and ``down``'s ``--remove-orphans``
  (``y``, ``1``, ``t``, ``true`` in any case, blanks around ignored; ``yes`` is no). ``up``
  also reads it from ``.env``, ``down`` only from the shell; ``create`` and ``run`` ignore it.
- ``COMPOSE_IGNORE_ORPHANS``: ``up`` and ``run`` neither warn about orphans nor remove them;
  with ``--remove-orphans`` (or ``COMPOSE_REMOVE_ORPHANS``) ``up`` fails; ``create`` ignores it.
- ``COMPOSE_ANSI`` is the default of ``--ansi`` (also from ``.env``), ``NO_COLOR`` turns
  colours off, ``COMPOSE_STATUS_STDOUT`` puts the progress on standard output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docker
import pytest

from tests.helpers import BOTH_TOOLS, Runner, run_oracle, run_pycompose

FULL = """\
services:
  app:
    image: pycompose/busybox
    command: ["sleep", "3600"]
    init: true
  other:
    image: pycompose/busybox
    command: ["sleep", "3600"]
    init: true
"""
# `other` is an orphan once this file is the project's.
REDUCED = """\
services:
  app:
    image: pycompose/busybox
    command: ["sleep", "3600"]
    init: true
"""
WARNING = "Found orphan containers"


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    dotenv: str = ""
    code: int = 0
    warns: bool = False
    removed: bool = False
    error: str = ""


ORPHAN_CASES = {
    "up": Case(("up", "-d"), warns=True),
    "up-remove-true": Case(("up", "-d"), {"COMPOSE_REMOVE_ORPHANS": "true"}, removed=True),
    "up-remove-y": Case(("up", "-d"), {"COMPOSE_REMOVE_ORPHANS": "y"}, removed=True),
    "up-remove-blank-TRUE": Case(("up", "-d"), {"COMPOSE_REMOVE_ORPHANS": " TRUE"},
                                 removed=True),
    "up-remove-yes": Case(("up", "-d"), {"COMPOSE_REMOVE_ORPHANS": "yes"}, warns=True),
    "up-remove-0": Case(("up", "-d"), {"COMPOSE_REMOVE_ORPHANS": "0"}, warns=True),
    "up-remove-flag-false": Case(("up", "-d", "--remove-orphans=false"),
                                 {"COMPOSE_REMOVE_ORPHANS": "1"}, warns=True),
    "up-remove-dotenv": Case(("up", "-d"), dotenv="COMPOSE_REMOVE_ORPHANS=true\n",
                             removed=True),
    "create-remove": Case(("create",), {"COMPOSE_REMOVE_ORPHANS": "1"}, warns=True),
    "run-remove": Case(("run", "--rm", "app", "true"), {"COMPOSE_REMOVE_ORPHANS": "1"},
                       warns=True),
    "up-ignore": Case(("up", "-d"), {"COMPOSE_IGNORE_ORPHANS": "true"}),
    "up-ignore-dotenv": Case(("up", "-d"), dotenv="COMPOSE_IGNORE_ORPHANS=1\n"),
    "up-ignore-remove": Case(("up", "-d", "--remove-orphans"),
                             {"COMPOSE_IGNORE_ORPHANS": "t"}, code=1,
                             error="cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans\n"),
    "up-ignore-remove-variable": Case(
        ("up", "-d"), {"COMPOSE_IGNORE_ORPHANS": "1", "COMPOSE_REMOVE_ORPHANS": "1"}, code=1,
        error="cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans\n"),
    "create-ignore": Case(("create",), {"COMPOSE_IGNORE_ORPHANS": "1"}, warns=True),
    "run-ignore": Case(("run", "--rm", "app", "true"), {"COMPOSE_IGNORE_ORPHANS": "1"}),
    "run-ignore-remove": Case(("run", "--rm", "--remove-orphans", "app", "true"),
                              {"COMPOSE_IGNORE_ORPHANS": "1"}),
}


def services(client: docker.DockerClient, project: str) -> list[str]:
    found = client.containers.list(all=True, filters={
        "label": f"com.docker.compose.project={project}"})
    return sorted(c.labels["com.docker.compose.service"] for c in found
                  if c.labels.get("com.docker.compose.oneoff") != "True")


@BOTH_TOOLS
@pytest.mark.parametrize("name", list(ORPHAN_CASES))
def test_orphan_variables(name: str, tool: Runner, docker_client: docker.DockerClient,
                          oracle_bin: Path, engine_project: str, tmp_path: Path) -> None:
    case = ORPHAN_CASES[name]
    (tmp_path / "full.yaml").write_text(FULL)
    (tmp_path / "compose.yaml").write_text(REDUCED)
    p = engine_project
    assert run_oracle("-p", p, "-f", "full.yaml", "up", "-d", cwd=tmp_path).returncode == 0
    if case.dotenv:
        (tmp_path / ".env").write_text(case.dotenv)
    result = tool("-p", p, *case.args, cwd=tmp_path, env=case.env)
    assert result.returncode == case.code, result.stderr
    assert (WARNING in result.stderr) == case.warns, result.stderr
    assert result.stderr.endswith(case.error)
    assert services(docker_client, p) == (["app"] if case.removed else ["app", "other"])


def oneoffs(client: docker.DockerClient, project: str) -> int:
    return len(client.containers.list(all=True, filters={
        "label": [f"com.docker.compose.project={project}", "com.docker.compose.oneoff=True"]}))


@BOTH_TOOLS
@pytest.mark.parametrize(("env", "dotenv", "args", "left"), [
    ({}, "", (), 1),
    ({"COMPOSE_REMOVE_ORPHANS": "1"}, "", (), 0),
    ({"COMPOSE_REMOVE_ORPHANS": "1"}, "", ("--remove-orphans=false",), 1),
    ({}, "COMPOSE_REMOVE_ORPHANS=true\n", (), 1),  # down does not read it from .env
], ids=["default", "variable", "flag-false", "dotenv"])
def test_down_remove_orphans_variable(
    env: dict[str, str], dotenv: str, args: tuple[str, ...], left: int, tool: Runner,
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str, tmp_path: Path,
) -> None:
    """``down --remove-orphans`` also removes one-off containers; the variable is its default."""
    (tmp_path / "compose.yaml").write_text(REDUCED)
    p = engine_project
    assert run_oracle("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    assert run_oracle("-p", p, "run", "-d", "app", "sleep", "300", cwd=tmp_path).returncode == 0
    if dotenv:
        (tmp_path / ".env").write_text(dotenv)
    result = tool("-p", p, "down", *args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert oneoffs(docker_client, p) == left
    assert services(docker_client, p) == []


@pytest.mark.parametrize(("env", "dotenv", "args"), [
    ({"COMPOSE_ANSI": "always"}, "", ()),
    ({"COMPOSE_ANSI": "bogus"}, "", ()),
    ({}, "COMPOSE_ANSI=always\n", ("-f", "compose.yaml")),
    ({"NO_COLOR": "1"}, "", ("--ansi", "always")),
    ({"NO_COLOR": ""}, "", ("--ansi", "always")),
    ({"NO_COLOR": "1", "COMPOSE_ANSI": "always"}, "", ()),
], ids=["ansi-always", "ansi-bogus", "ansi-dotenv", "no-color", "no-color-empty",
        "no-color-ansi"])
def test_colour_variables(env: dict[str, str], dotenv: str, args: tuple[str, ...],
                          docker_client: docker.DockerClient, oracle_bin: Path,
                          engine_project: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(REDUCED)
    p = engine_project
    assert run_oracle("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    container = docker_client.containers.get(f"{p}-app-1")
    assert container.exec_run(["sh", "-c", "echo hello > /proc/1/fd/1"]).exit_code == 0
    if dotenv:
        (tmp_path / ".env").write_text(dotenv)
    logs = ("-p", p, *args, "logs", "app")
    compose = run_oracle(*logs, cwd=tmp_path, env=env)
    ours = run_pycompose(*logs, cwd=tmp_path, env=env)
    assert compose.returncode == 0, compose.stderr
    assert (ours.returncode, ours.stdout) == (0, compose.stdout)


@pytest.mark.parametrize(("env", "args"), [
    ({"COMPOSE_ANSI": "always"}, ("--progress", "plain", "ps")),
    ({"COMPOSE_ANSI": "never"}, ("--progress", "tty", "ls", "-q")),
    ({"COMPOSE_ANSI": "always", "COMPOSE_PROGRESS": "plain"}, ("ps",)),
    ({"COMPOSE_PROGRESS": "bogus"}, ("ls", "-q")),
    ({"COMPOSE_ANSI": "always", "COMPOSE_PROGRESS": "plain"}, ("version", "--format", "json")),
])
def test_progress_and_ansi_conflicts(env: dict[str, str], args: tuple[str, ...],
                                     oracle_bin: Path, project_name: str,
                                     tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(REDUCED)
    compose = run_oracle("-p", project_name, *args, cwd=tmp_path, env=env)
    ours = run_pycompose("-p", project_name, *args, cwd=tmp_path, env=env)
    assert ours.returncode == compose.returncode
    if compose.returncode:
        assert ours.stderr == compose.stderr


@BOTH_TOOLS
@pytest.mark.parametrize(("value", "on_stdout"), [("1", True), ("TRUE", True), ("y", False)])
def test_status_stdout(value: str, on_stdout: bool, tool: Runner,
                       docker_client: docker.DockerClient, oracle_bin: Path,
                       engine_project: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(REDUCED)
    p = engine_project
    result = tool("-p", p, "--progress", "plain", "up", "-d", cwd=tmp_path,
                  env={"COMPOSE_STATUS_STDOUT": value})
    assert result.returncode == 0, result.stderr
    line = f" Container {p}-app-1  Started\n"
    assert (line in result.stdout, line in result.stderr) == (on_stdout, not on_stdout)
