"""``com.docker.compose.project.environment_file``: the env files named on the command line (or
in ``COMPOSE_ENV_FILES``) are recorded on the containers as Docker Compose v2.40.3 records them,
and the default ``.env`` is not; either tool then takes the other's containers over unchanged.
"""

from __future__ import annotations

from pathlib import Path

import docker
import pytest

from tests.conftest import remove_project_objects
from tests.helpers import run_oracle, run_pycompose

LABEL = "com.docker.compose.project.environment_file"
COMPOSE = """\
services:
  app:
    image: pycompose/busybox
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
    environment:
      FROM_FILES: "${A:-}${B:-}${C:-}"
"""


def _project(directory: Path) -> None:
    (directory / "compose.yaml").write_text(COMPOSE)
    (directory / ".env").write_text("C=c\n")
    (directory / "one.env").write_text("A=a\n")
    (directory / "two.env").write_text("B=b\n")


def _label(client: docker.DockerClient, project: str) -> str | None:
    labels = client.containers.get(f"{project}-app-1").labels
    return labels.get(LABEL)


@pytest.mark.parametrize(("args", "env"), [
    (("--env-file", "one.env", "--env-file", "two.env"), {}),
    ((), {"COMPOSE_ENV_FILES": "one.env,two.env"}),
    ((), {}),
], ids=["--env-file", "COMPOSE_ENV_FILES", "default .env"])
def test_env_file_label_matches_compose(
    args: tuple[str, ...], env: dict[str, str], docker_client: docker.DockerClient,
    oracle_bin: Path, engine_project: str, tmp_path: Path,
) -> None:
    _project(tmp_path)
    theirs, ours = f"{engine_project}c", engine_project
    try:
        made = run_oracle("-p", theirs, *args, "up", "-d", cwd=tmp_path, env=env)
        assert made.returncode == 0, made.stderr
        made = run_pycompose("-p", ours, *args, "up", "-d", cwd=tmp_path, env=env)
        assert made.returncode == 0, made.stderr
        expected = _label(docker_client, theirs)
        assert _label(docker_client, ours) == expected
        if args or env:
            assert expected == f"{tmp_path / 'one.env'},{tmp_path / 'two.env'}"
        else:
            assert expected is None
        # Each tool's containers are up to date for the other.
        again = run_oracle("-p", ours, *args, "up", "-d", cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        assert "Recreate" not in again.stderr
        again = run_pycompose("-p", theirs, *args, "up", "-d", cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        assert "Recreate" not in again.stderr
    finally:
        assert remove_project_objects(docker_client, theirs) == []
