"""The README's main job: the bundled example stack comes up with `up -d --wait` and goes away
with `down -v`."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import docker

from tests.helpers import free_ports, run_pycompose

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "webapp"


def test_example_stack_comes_up_healthy_and_down_removes_it(
    docker_client: docker.DockerClient, engine_project: str
) -> None:
    [port] = free_ports()
    env = {"WEBAPP_PORT": str(port)}
    up = run_pycompose("-p", engine_project, "up", "-d", "--wait", cwd=EXAMPLE, env=env)
    assert up.returncode == 0, up.stderr
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
        assert b"<html" in response.read()
    containers = docker_client.containers.list(
        filters={"label": f"com.docker.compose.project={engine_project}"}
    )
    assert sorted(c.name for c in containers) == [
        f"{engine_project}-web-1",
        f"{engine_project}-worker-1",
    ]
    assert docker_client.volumes.get(f"{engine_project}_data")

    down = run_pycompose("-p", engine_project, "down", "-v", cwd=EXAMPLE, env=env)
    assert down.returncode == 0, down.stderr
    left = docker_client.containers.list(
        all=True, filters={"label": f"com.docker.compose.project={engine_project}"}
    )
    assert left == []
    assert docker_client.volumes.list(filters={"name": f"{engine_project}_data"}) == []
