"""``down`` leaves a network another container still uses, with Compose's line and exit 0."""

from __future__ import annotations

from pathlib import Path

import docker

from tests.conftest import remove_project_objects
from tests.helpers import BOTH_TOOLS, ONE_SERVICE, Runner


@BOTH_TOOLS
def test_down_leaves_a_network_in_use(
    tool: Runner, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(ONE_SERVICE)
    p = engine_project
    up = tool("-p", p, "up", "-d", cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    outsider = docker_client.containers.run("pycompose/busybox", ["sleep", "300"], detach=True,
                                            network=f"{p}_default", name=f"{p}-outsider")
    try:
        down = tool("-p", p, "down", cwd=tmp_path)
        assert down.returncode == 0, down.stderr
        assert f"Network {p}_default  Resource is still in use" in down.stderr
        assert docker_client.networks.get(f"{p}_default")
        assert not docker_client.containers.list(all=True, filters={
            "label": f"com.docker.compose.project={p}"})
    finally:
        outsider.remove(force=True)
    again = tool("-p", p, "down", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"Network {p}_default  Removed" in again.stderr
    assert remove_project_objects(docker_client, p) == []
