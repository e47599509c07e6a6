"""``create`` gets images the way ``up`` does: a missing image is pulled (pull_policy, --pull)."""

from __future__ import annotations

from pathlib import Path

import docker

from tests.engine.registry import Registry
from tests.engine.test_images import (  # noqa: F401 - fixtures
    BASE,
    no_credentials,
    registry,
    remove_image,
    write,
)
from tests.helpers import run_pycompose


def test_create_pulls_a_missing_image(
    docker_client: docker.DockerClient, engine_project: str, registry: Registry,  # noqa: F811
    tmp_path: Path, no_credentials: dict[str, str],  # noqa: F811
) -> None:
    image = f"{registry.host}/{engine_project}/app:1"
    docker_client.images.get(BASE).tag(image)
    try:
        for line in docker_client.images.push(image, stream=True, decode=True):
            assert "error" not in line, line
        remove_image(docker_client, image)
        write(tmp_path, {"compose.yaml": f"""
            services:
              app:
                image: {image}
                command: COMMAND
        """})
        created = run_pycompose("-p", engine_project, "create", cwd=tmp_path,
                                env=no_credentials)
        assert created.returncode == 0, created.stderr
        assert "app  Pulled" in created.stderr
        container = docker_client.containers.get(f"{engine_project}-app-1")
        assert container.status == "created"
        assert container.image.id == docker_client.images.get(image).id

        refused = run_pycompose("-p", engine_project, "create", "--pull", "sometimes",
                                cwd=tmp_path, env=no_credentials)
        assert refused.returncode == 1
        assert 'invalid --pull option "sometimes"' in refused.stderr
    finally:
        for container in docker_client.containers.list(
                all=True, filters={"label": f"com.docker.compose.project={engine_project}"}):
            container.remove(force=True)
        remove_image(docker_client, image)
