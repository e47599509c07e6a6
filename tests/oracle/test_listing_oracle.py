"""ps, ls, port and top of pycompose against Docker Compose v2.40.3 on the same project.

One stack is brought up (by pycompose, or by Compose for the reverse direction); then each
listing command runs through both tools and the outputs must be equal. Only what changes from
one second to the next is normalized: human durations ("Up 2 seconds", "3 seconds ago") and,
in tables holding them, the column widths they set; the label order Compose takes from a Go map.
Exit codes and error messages are compared as they are.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docker
import pytest

from tests.helpers import run_oracle, run_pycompose

COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
STACK = f"""
services:
  db:
    image: pycompose/busybox
    command: {COMMAND}
    volumes: ["data:/data"]
  web:
    image: pycompose/busybox
    command: {COMMAND}
    depends_on: [db]
    scale: 2
    ports: ["127.0.0.1::80", "127.0.0.1::53/udp"]
    labels: {{note: "a<b&c>"}}
  once:
    image: pycompose/busybox
    command: ["true"]
volumes:
  data: {{}}
"""

_DURATION = re.compile(r"Less than a second|About an? (?:minute|hour)|"
                       r"\d+ (?:seconds?|minutes|hours|days|weeks|months|years)")


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(STACK)
    return tmp_path


def _wait_for_once(client: docker.DockerClient, project: str) -> None:
    # `once` exits at once; listings must not race with it.
    for container in client.containers.list(
            all=True, filters={"label": [f"com.docker.compose.project={project}",
                                         "com.docker.compose.service=once"]}):
        container.wait(timeout=30)


def normalized(args: tuple[str, ...], output: str) -> object:
    """``output`` with its volatile parts replaced (see the module docstring)."""
    if "json" in args:
        lines = []
        for line in output.splitlines():
            line = re.sub(r'"Labels":"([^"]*)"',
                          lambda m: '"Labels":"' + ",".join(sorted(m.group(1).split(","))) + '"',
                          line)
            lines.append(re.sub(r'"(RunningFor|Status)":"[^"]*"', r'"\1":"<volatile>"', line))
        return lines
    if _DURATION.search(output):
        return [re.split(r" {3,}", _DURATION.sub("<d>", line.rstrip()))
                for line in output.splitlines()]
    return output


def both(directory: Path, *args: str) -> tuple[subprocess.CompletedProcess[str],
                                               subprocess.CompletedProcess[str]]:
    """Each tool's result; tries again (at most twice) while they differ, since a second may
    have passed between the two runs."""
    for _ in range(3):
        ours = run_pycompose(*args, cwd=directory)
        theirs = run_oracle(*args, cwd=directory)
        if (ours.returncode, ours.stdout, ours.stderr) == (
                theirs.returncode, theirs.stdout, theirs.stderr):
            break
    return ours, theirs


def assert_same(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    ours, theirs = both(directory, *args)
    where = " ".join(args)
    assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr), where
    assert normalized(args, ours.stdout) == normalized(args, theirs.stdout), where
    return ours


def test_listings_of_a_project_pycompose_started_equal_composes(
        docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
        stack: Path) -> None:
    p = engine_project
    up = run_pycompose("-p", p, "up", "-d", cwd=stack)
    assert up.returncode == 0, up.stderr
    _wait_for_once(docker_client, p)
    for args in (
        ("ps",), ("ps", "-a"), ("ps", "--no-trunc"), ("ps", "-q"), ("ps", "-a", "--services"),
        ("ps", "--status", "exited"), ("ps", "--filter", "status=running", "web"),
        ("ps", "-a", "--format", "json"), ("ps", "--no-trunc", "--format", "json", "db"),
        ("ps", "-a", "--format",
         "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.State}}\t{{.Ports}}\t{{.Mounts}}"),
        ("ps", "--format", "{{.ID}} {{.Label \"note\"}} {{json .Publishers}} {{.Health}}"),
        ("port", "web", "80"), ("port", "--index", "2", "--protocol", "udp", "web", "53"),
        ("port", "db", "80"), ("port", "--index", "3", "web", "80"), ("top", "db", "web"),
    ):
        assert_same(stack, "-p", p, *args)
    for args in (("ps", "--orphans=false"), ("ps", "nope")):
        assert_same(stack, "-f", "compose.yaml", "-p", p, *args)
    exact = f"name=^{p}$"
    listings: tuple[tuple[str, ...], ...] = (
        ("ls", "--filter", exact), ("ls", "-a", "--filter", exact, "--format", "json"),
        ("ls", "-q", "--filter", exact))
    for listing in listings:
        listed = assert_same(stack, *listing)
    assert listed.stdout == f"{p}\n"


def test_project_compose_started_is_listed_and_driven_by_pycompose(
        docker_client: docker.DockerClient, oracle_bin: Path, engine_project: str,
        stack: Path) -> None:
    p = engine_project
    up = run_oracle("-p", p, "up", "-d", cwd=stack)
    assert up.returncode == 0, up.stderr
    _wait_for_once(docker_client, p)
    for args in (("-p", p, "ps", "-a"), ("-p", p, "ps", "--format", "json"),
                 ("ls", "-a", "--filter", f"name=^{p}$"), ("-p", p, "port", "web", "80")):
        assert_same(stack, *args)

    stopped = run_pycompose("-p", p, "stop", cwd=stack)
    assert stopped.returncode == 0, stopped.stderr
    states = run_oracle("-p", p, "ps", "-a", "--format", "{{.Service}} {{.State}}", cwd=stack)
    assert sorted(states.stdout.splitlines()) == [
        "db exited", "once exited", "web exited", "web exited"]
    assert_same(stack, "ls", "-a", "--filter", f"name=^{p}$")

    started = run_pycompose("-p", p, "start", "web", cwd=stack)
    assert started.returncode == 0, started.stderr
    assert_same(stack, "-p", p, "ps", "--format", "{{.Name}}\t{{.State}}")

    removed = run_pycompose("-p", p, "rm", "-s", "-f", cwd=stack)
    assert removed.returncode == 0, removed.stderr
    left = run_oracle("-p", p, "ps", "-a", "-q", cwd=stack)
    assert (left.returncode, left.stdout) == (0, "")


def test_listing_errors_equal_composes(oracle_bin: Path, project_name: str,
                                       tmp_path: Path) -> None:
    p = project_name
    for args in (
        ("-p", p, "ps", "--filter", "foo=bar"), ("-p", p, "ps", "--filter", "status"),
        ("-p", p, "ps", "--filter", "source=x"), ("-p", p, "ps", "--format", "{{"),
        ("-p", p, "ps", "--orphans=maybe"), ("-p", p, "ps", "--bogus"),
        ("-p", p, "ps", "-x"), ("-p", p, "ps", "--orphans", "--dry-run", "-q"),
        ("-p", p, "stop", "--dry-run"), ("ls", "--filter", "foo=bar"),
        ("ls", "--filter", "name"), ("ls", "--format", "yaml", "--filter", f"name=^{p}$"),
        ("-p", p, "port", "web"), ("-p", p, "port", "web", "80/tcp"),
        ("-p", p, "port", "web", "70000"), ("-p", p, "port", "nope", "80"),
        ("-p", p, "ps", "--format", "json"), ("-p", p, "ps", "--services"),
        ("-p", p, "kill"), ("-p", p, "rm"),
    ):
        assert_same(tmp_path, *args)
