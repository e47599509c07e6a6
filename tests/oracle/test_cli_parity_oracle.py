"""Command lines and environment variables that both tools must answer alike (output and exit
code), compared with Docker Compose v2.40.3. Each case fails or changes nothing before any
container exists, so the project is only a name; the last one runs a detached one-off."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path
from subprocess import CompletedProcess

import docker
import pytest

from tests.helpers import (
    BOTH_TOOLS,
    TIMEOUT_SECONDS,
    Runner,
    child_env,
    oracle_path,
    run_oracle,
    run_pycompose,
)

COMPOSE = """\
services:
  app:
    image: pycompose/busybox
    command: ["sleep", "3600"]
"""


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


@pytest.mark.parametrize("args", [
    ("attach", "--sig-proxy=xyz", "app"),
    ("run", "-i=yes", "app", "true"),
    ("run", "--interactive=", "app", "true"),
    ("up", "-d", "--remove-orphans=maybe"),
    ("--dry-run=xx", "up", "-d"),
])
def test_boolean_flag_value_errors(args: tuple[str, ...], docker_client: docker.DockerClient,
                                   oracle_bin: Path, engine_project: str,
                                   tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    compose, pycompose = both(("-p", engine_project, *args), tmp_path)
    assert compose.returncode == 1
    assert (pycompose.returncode, pycompose.stdout, pycompose.stderr) == (
        compose.returncode, compose.stdout, compose.stderr)


@BOTH_TOOLS
def test_run_with_boolean_and_shorthand_values(
    tool: Runner, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    p = engine_project
    script = 'cat; echo "$A"; pwd'
    closed = tool("-p", p, "run", "--rm", "-T", "-i=false", "-e=A=1", "-w=/tmp", "app",
                  "sh", "-c", script, cwd=tmp_path, input="hello\n")
    assert (closed.returncode, closed.stdout) == (0, "1\n/tmp\n"), closed.stderr
    open_ = tool("-p", p, "run", "--rm", "-T", "--interactive=true", "app", "sh", "-c",
                 script, cwd=tmp_path, input="hello\n")
    assert (open_.returncode, open_.stdout) == (0, "hello\n\n/\n"), open_.stderr
    words = tool("-p", p, "run", "--rm", "-T", "app", "echo", "--interactive=false", "-i=0",
                 cwd=tmp_path)
    assert words.stdout == "--interactive=false -i=0\n"


TICKING = """\
services:
  app:
    image: pycompose/busybox
    command: ["sh", "-c", "trap 'exit 3' TERM; while true; do echo tick; sleep 0.2; done"]
"""


@pytest.mark.parametrize(("tool", "flags", "status"), [
    ("compose", (), "exited"),
    ("pycompose", (), "exited"),
    # Compose's attach --sig-proxy=false ignores SIGTERM and SIGINT: it stays attached.
    ("pycompose", ("--sig-proxy=false",), "running"),
])
def test_attach_sig_proxy(tool: str, flags: tuple[str, ...], status: str,
                          docker_client: docker.DockerClient, oracle_bin: Path,
                          engine_project: str, tmp_path: Path) -> None:
    """SIGTERM to ``attach`` reaches the container, unless ``--sig-proxy=false``."""
    (tmp_path / "compose.yaml").write_text(TICKING)
    p = engine_project
    assert run_oracle("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    program = [str(oracle_path())] if tool == "compose" else [sys.executable, "-m", "pycompose"]
    attach = subprocess.Popen([*program, "-p", p, "attach", *flags, "app"], cwd=tmp_path,
                              env=child_env(), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert attach.stdout is not None
        assert attach.stdout.readline() == "tick\n"  # attached
        attach.send_signal(signal.SIGTERM)
        attach.wait(timeout=TIMEOUT_SECONDS)
    finally:
        attach.kill()
        attach.wait()
    container = docker_client.containers.get(f"{p}-app-1")
    if status == "exited":
        assert container.wait(timeout=TIMEOUT_SECONDS)["StatusCode"] == 3
    container.reload()
    assert container.status == status


@BOTH_TOOLS
def test_run_detached_quiet_still_prints_the_container_id(
    tool: Runner, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    result = tool("-p", engine_project, "run", "-d", "-q", "app", "true", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    container_id = result.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", container_id), result.stdout
    assert docker_client.containers.get(container_id).labels[
        "com.docker.compose.oneoff"] == "True"
