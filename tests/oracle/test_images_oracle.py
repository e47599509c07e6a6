"""Differential tests of images against Docker Compose v2.40.3 on the same engine.

- For a project whose services use every form of `build:`, both tools give the built images the
  same names (RepoTags) and the same labels.
- `pull` skips and pulls the same services, with the same texts, from a local registry.
- `images` (table, json, -q) prints the same for the same containers.
"""

from __future__ import annotations

import contextlib
import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from tests.conftest import in_ci, remove_project_objects
from tests.engine.registry import Registry, available, running_registry
from tests.helpers import run_oracle, run_pycompose

BASE = "pycompose/busybox"
COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
PROJECT_LABEL = "com.docker.compose.project"


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    reason = available()
    if reason is not None:
        if in_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with running_registry(tmp_path_factory.mktemp("oracle-registry")) as running:
        yield running


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n").replace("COMMAND", COMMAND))


def built_images(client: docker.DockerClient, project: str) -> dict[str, Any]:
    """Service -> (sorted tags, labels) of the images labelled with the project."""
    out: dict[str, Any] = {}
    for image in client.images.list(filters={"label": f"{PROJECT_LABEL}={project}"}):
        labels = image.labels
        out[labels["com.docker.compose.service"]] = (sorted(image.tags), labels)
    return out


def test_built_image_names_and_labels_match_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str, tmp_path: Path,
) -> None:
    project = engine_project
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE} AS base\nARG A\nRUN echo \"$A\" > /a\nFROM base\n",
        "ctx/Dockerfile.alt": f"FROM {BASE}\nLABEL alt=1\n",
        "compose.yaml": f"""
            services:
              plain:
                build: ./ctx
              named:
                image: {project}-custom:7
                build:
                  context: ./ctx
                  labels:
                    a.b: c
                  tags: ["{project}-extra:1"]
              target:
                build:
                  context: ./ctx
                  target: base
                  labels: [x=y]
                  args:
                    A: "1"
              inline:
                build:
                  context: ./ctx
                  dockerfile_inline: |
                    FROM {BASE}
                    LABEL inline=1
              alt:
                build:
                  context: ./ctx
                  dockerfile: Dockerfile.alt
              pulled:
                image: {BASE}
        """,
    })
    theirs = run_oracle("-p", project, "build", cwd=tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    expected = built_images(docker_client, project)
    assert sorted(expected) == ["alt", "inline", "named", "plain", "target"]
    assert remove_project_objects(docker_client, project) == []

    ours = run_pycompose("-p", project, "build", cwd=tmp_path)
    assert ours.returncode == 0, ours.stderr
    assert built_images(docker_client, project) == expected


def _service_lines(stderr: str, services: set[str]) -> set[str]:
    """Service-level progress lines, whitespace collapsed, both services of a shared image
    called S (Compose picks which of them pulls at random)."""
    lines = set()
    for raw in stderr.splitlines():
        words = raw.split()
        if not words or words[0] not in services:
            continue
        text = " ".join(words)
        lines.add(re.sub(r"\b(first|second)\b", "S", text))
    return lines


def test_pull_skips_and_pulls_the_same_services_as_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str, tmp_path: Path,
    registry: Registry,
) -> None:
    here = f"{registry.host}/{engine_project}/here:1"
    shared = f"{registry.host}/{engine_project}/shared:1"
    for ref in (here, shared):
        docker_client.images.get(BASE).tag(ref)
        docker_client.images.push(ref)
    try:
        write(tmp_path, {
            "ctx/Dockerfile": f"FROM {BASE}\n",
            "compose.yaml": f"""
                services:
                  built:
                    build: ./ctx
                  never:
                    image: {here}
                    pull_policy: never
                  here:
                    image: {here}
                    pull_policy: missing
                  first:
                    image: {shared}
                  second:
                    image: {shared}
            """,
        })
        env = {"DOCKER_CONFIG": str(tmp_path / "no-docker-config")}
        services = {"built", "never", "here", "first", "second"}
        results = []
        for run in (run_oracle, run_pycompose):
            docker_client.images.remove(shared, force=True)
            result = run("-p", engine_project, "--progress", "plain", "pull", cwd=tmp_path,
                         env=env)
            results.append((result.returncode, _service_lines(result.stderr, services)))
            assert docker_client.images.get(shared)
        assert results[1] == results[0]
        assert results[0][1] >= {"built Skipped - No image to be pulled", "never Skipped",
                                 "here Skipped - Image is already present locally",
                                 "S Pulled"}
    finally:
        for ref in (here, shared):
            with contextlib.suppress(docker.errors.NotFound):
                docker_client.images.remove(ref, force=True)


def test_images_lists_the_same_as_compose(
    docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str, tmp_path: Path,
) -> None:
    write(tmp_path, {
        "ctx/Dockerfile": f"FROM {BASE}\n",
        "compose.yaml": f"""
            services:
              built:
                build: ./ctx
                command: COMMAND
              pulled:
                image: {BASE}
                command: COMMAND
              twice:
                image: {BASE}
                command: COMMAND
        """,
    })
    up = run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path)
    assert up.returncode == 0, up.stderr

    def both(*args: str) -> tuple[str, str]:
        theirs = run_oracle("-p", engine_project, "images", *args, cwd=tmp_path)
        ours = run_pycompose("-p", engine_project, "images", *args, cwd=tmp_path)
        assert (theirs.returncode, ours.returncode) == (0, 0), (theirs.stderr, ours.stderr)
        return theirs.stdout, ours.stdout

    theirs, ours = both("--format", "json")
    key = "ContainerName"
    assert sorted(json.loads(ours), key=lambda r: r[key]) == \
        sorted(json.loads(theirs), key=lambda r: r[key])
    assert ours.endswith("]\n\n") and theirs.endswith("]\n\n")
    theirs, ours = both("-q")
    assert sorted(ours.split()) == sorted(theirs.split())
    theirs, ours = both()
    # CREATED ("3 seconds ago") may tick between the two runs.
    def columns(text: str) -> list[str]:
        return [line[:120] for line in text.splitlines()]

    assert columns(ours) == columns(theirs)
