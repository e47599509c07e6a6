"""Command lines and environment variables that both tools must answer alike (output and exit
code), compared with Docker Compose v2.40.3. Each case fails or changes nothing before any
container exists, so the project is only a name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import docker
import pytest

from tests.helpers import run_oracle, run_pycompose

COMPOSE = """\
services:
  app:
    image: pycompose/busybox
    command: ["sleep", "3600"]
"""
Runner = Callable[..., CompletedProcess[str]]


def both(args: tuple[str, ...], cwd: Path, env: dict[str, str] | None = None
         ) -> tuple[CompletedProcess[str], CompletedProcess[str]]:
    return run_oracle(*args, cwd=cwd, env=env), run_pycompose(*args, cwd=cwd, env=env)


@pytest.mark.parametrize("args", [
    ("up", "-d", "--scale", "nosuch=2"),
    ("up", "--scale", "nosuch=2"),
    ("up", "-d", "--scale", "app"),
    ("up", "-d", "--scale", "app=x"),
    ("create", "--scale", "nosuch=2"),
])
def test_scale_errors(args: tuple[str, ...], docker_client: docker.DockerClient,
                      oracle_bin: Path, engine_project: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    compose, pycompose = both(("-p", engine_project, *args), tmp_path)
    assert compose.returncode == 1
    assert (pycompose.returncode, pycompose.stdout, pycompose.stderr) == (
        compose.returncode, compose.stdout, compose.stderr)
    assert not docker_client.containers.list(all=True, filters={
        "label": f"com.docker.compose.project={engine_project}"})


@pytest.mark.parametrize(("args", "variable"), [
    (("--dry-run", "up", "-d"), "abc"),
    (("ps",), " 3"),
    (("ls", "-q"), ""),
    (("config", "-q"), "1.5"),
    (("--parallel", "2", "--dry-run", "up", "-d"), "abc"),
    (("--dry-run", "up", "-d"), "+2"),
    (("version", "--format", "json"), "abc"),
])
def test_parallel_limit_variable(args: tuple[str, ...], variable: str,
                                 docker_client: docker.DockerClient, oracle_bin: Path,
                                 engine_project: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    env = {"COMPOSE_PARALLEL_LIMIT": variable}
    compose, pycompose = both(("-p", engine_project, *args), tmp_path, env)
    assert pycompose.returncode == compose.returncode
    if compose.returncode:
        assert pycompose.stderr == compose.stderr
    elif "version" in args:
        assert '"version"' in pycompose.stdout
    else:
        assert "DRY-RUN MODE" in pycompose.stderr or "up" not in args


def test_parallel_limit_variable_in_the_env_file(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str, tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").write_text("COMPOSE_PARALLEL_LIMIT=abc\n")
    compose, pycompose = both(("-p", engine_project, "--dry-run", "up", "-d"), tmp_path)
    assert compose.returncode == 1
    assert (pycompose.returncode, pycompose.stderr) == (compose.returncode, compose.stderr)
