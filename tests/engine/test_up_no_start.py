"""``up --no-start`` without ``-d`` creates and returns, as Compose does: nothing to attach to."""

from __future__ import annotations

from pathlib import Path

import docker

from tests.helpers import ONE_SERVICE, run_pycompose


def test_up_no_start_attached_creates_and_returns(
    docker_client: docker.DockerClient, engine_project: str, tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(ONE_SERVICE)
    result = run_pycompose("-p", engine_project, "up", "--no-start", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Attaching" not in result.stdout + result.stderr
    assert f"Container {engine_project}-app-1  Created" in result.stderr
    container = docker_client.containers.get(f"{engine_project}-app-1")
    assert container.status == "created"
