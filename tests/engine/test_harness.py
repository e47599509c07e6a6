"""The test harness itself: base image, oracle, registry binary, and that cleanup really cleans."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.conftest import PROJECT_LABEL, remove_project_objects
from tests.helpers import ORACLE_VERSION, run_oracle

if TYPE_CHECKING:
    import docker

BASE_IMAGE = "pycompose/busybox:latest"


def test_project_name_is_a_valid_compose_project_name(project_name: str) -> None:
    assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", project_name)


def test_base_image_runs_a_shell(docker_client: docker.DockerClient, engine_project: str) -> None:
    from docker.errors import ImageNotFound

    try:
        docker_client.images.get(BASE_IMAGE)
    except ImageNotFound:
        pytest.fail(f"{BASE_IMAGE} is missing; scripts/setup.sh builds it", pytrace=False)
    output = docker_client.containers.run(
        BASE_IMAGE,
        ["sh", "-c", "echo hello"],
        labels={PROJECT_LABEL: engine_project},
        remove=True,
    )
    assert output == b"hello\n"


def test_oracle_is_docker_compose_2_40_3(oracle_bin: Path, tmp_path: Path) -> None:
    result = run_oracle("version", "--short", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, ORACLE_VERSION), result.stderr


def test_registry_binary_is_installed() -> None:
    binary = shutil.which("docker-registry")
    assert binary, "docker-registry is not on PATH; scripts/setup.sh installs it"
    result = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "docker-registry" in result.stdout


# Run by an inner pytest session: it creates labelled objects of every kind the cleanup must
# handle (network, named volume, a container with an anonymous volume) and records their names.
INNER_TEST = """
import json
from pathlib import Path

LABEL = {label!r}


def test_creates_labelled_objects(docker_client, engine_project):
    labels = {{LABEL: engine_project}}
    network = docker_client.networks.create(engine_project + "_default", labels=labels)
    volume = docker_client.volumes.create(engine_project + "_data", labels=labels)
    created = docker_client.api.create_container(
        {image!r}, ["sh"], labels=labels, volumes=["/anonymous"]
    )
    mounts = docker_client.api.inspect_container(created["Id"])["Mounts"]
    anonymous = [m["Name"] for m in mounts if m["Destination"] == "/anonymous"]
    assert len(anonymous) == 1
    Path({record!r}).write_text(json.dumps({{
        "project": engine_project,
        "container": created["Id"],
        "network": network.id,
        "volumes": [volume.name, anonymous[0]],
    }}))
"""


@pytest.fixture
def inner_projects(docker_client: docker.DockerClient) -> Iterator[list[str]]:
    """Projects an inner session made; removed here in case its own cleanup failed."""
    projects: list[str] = []
    yield projects
    for project in projects:
        remove_project_objects(docker_client, project)


def test_engine_project_teardown_removes_labelled_objects(
    docker_client: docker.DockerClient, pytester: pytest.Pytester, inner_projects: list[str]
) -> None:
    from docker.errors import NotFound

    record = pytester.path / "created.json"
    pytester.makepyfile(
        test_inner=INNER_TEST.format(label=PROJECT_LABEL, image=BASE_IMAGE, record=str(record))
    )
    result = pytester.runpytest("-p", "tests.conftest", "-p", "no:cacheprovider")
    if record.exists():
        inner_projects.append(json.loads(record.read_text())["project"])
    result.assert_outcomes(passed=1)
    created = json.loads(record.read_text())

    label: dict[str, str | list[str] | bool] = {"label": f"{PROJECT_LABEL}={created['project']}"}
    assert docker_client.containers.list(all=True, filters=label) == []
    assert docker_client.networks.list(filters=label) == []
    assert docker_client.volumes.list(filters=label) == []
    with pytest.raises(NotFound):
        docker_client.containers.get(created["container"])
    with pytest.raises(NotFound):
        docker_client.networks.get(created["network"])
    for name in created["volumes"]:
        with pytest.raises(NotFound):
            docker_client.volumes.get(name)
