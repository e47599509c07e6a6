"""``--dry-run`` after the command name, and what ``run``, ``exec`` and ``attach`` do with it,
compared with Docker Compose v2.40.3.

Compose refuses an interactive ``run``/``exec``/``attach`` in dry-run mode (exit 1, after
``run`` has shown its preparation); a detached ``run`` prints the name its container would get,
a detached ``exec`` a line naming the command. Words after the service name are the
container's, ``--dry-run`` among them.
"""

from __future__ import annotations

import re
from pathlib import Path

import docker

from tests.helpers import BOTH_TOOLS, ONE_SERVICE, Runner


def names(client: docker.DockerClient, project: str) -> list[str]:
    found = client.containers.list(all=True, filters={
        "label": f"com.docker.compose.project={project}"})
    return sorted(c.name for c in found)


@BOTH_TOOLS
def test_dry_run_after_the_command_name_changes_nothing(
    tool: Runner, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(ONE_SERVICE)
    p = engine_project
    up = tool("-p", p, "up", "-d", "--dry-run", cwd=tmp_path)
    assert up.returncode == 0, up.stderr
    assert f"DRY-RUN MODE -  Container {p}-app-1" in up.stderr
    interactive = tool("-p", p, "run", "--dry-run", "app", "echo", "hi", cwd=tmp_path)
    assert interactive.returncode == 1
    assert interactive.stderr.endswith("interactive run is not supported in dry-run mode\n")
    assert f"DRY-RUN MODE -  Network {p}_default  Created" in interactive.stderr
    detached = tool("-p", p, "run", "--dry-run", "-d", "app", "true", cwd=tmp_path)
    assert detached.returncode == 0, detached.stderr
    assert re.fullmatch(rf"{p}-app-run-[0-9a-f]{{12}}\n", detached.stdout)
    assert names(docker_client, p) == []
    assert not docker_client.networks.list(names=[f"{p}_default"])


@BOTH_TOOLS
def test_dry_run_of_exec_and_attach(
    tool: Runner, docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
    tmp_path: Path,
) -> None:
    (tmp_path / "compose.yaml").write_text(ONE_SERVICE)
    p = engine_project
    assert tool("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    cid = docker_client.containers.get(f"{p}-app-1").id
    passed_on = tool("-p", p, "exec", "-T", "app", "echo", "--dry-run", cwd=tmp_path)
    assert (passed_on.returncode, passed_on.stdout) == (0, "--dry-run\n")
    refused = tool("-p", p, "exec", "--dry-run", "-T", "app", "echo", "hi", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.endswith("interactive exec is not supported in dry-run mode\n")
    detached = tool("-p", p, "exec", "--dry-run", "-d", "app", "echo", "a b", cwd=tmp_path)
    assert detached.returncode == 0, detached.stderr
    assert detached.stdout == (f' DRY-RUN MODE - Executing command ["echo" "a b"] in {cid} '
                               "(detached mode)\n")
    attach = tool("-p", p, "attach", "--dry-run", "app", cwd=tmp_path)
    assert attach.returncode == 1
    assert attach.stderr.endswith("interactive run is not supported in dry-run mode\n")
    down = tool("-p", p, "down", "--dry-run", cwd=tmp_path)
    assert down.returncode == 0, down.stderr
    assert names(docker_client, p) == [f"{p}-app-1"]
    assert docker_client.containers.get(f"{p}-app-1").status == "running"
