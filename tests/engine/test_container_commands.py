"""create, start, stop, restart, kill, pause, unpause and rm against the engine.

Each command runs as `pycompose -f compose.yaml -p NAME ...` (the compose file is read) unless a
test says otherwise; the state afterwards is read through the docker SDK.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import docker
import pytest

from tests.helpers import run_pycompose

COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
STACK = f"""
services:
  db:
    image: pycompose/busybox
    command: {COMMAND}
  web:
    image: pycompose/busybox
    command: {COMMAND}
    depends_on: [db]
    volumes: ["/data"]
"""


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    (tmp_path / "compose.yaml").write_text(STACK)
    return tmp_path


def compose(directory: Path, project: str, *args: str,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_pycompose("-f", "compose.yaml", "-p", project, *args, cwd=directory,
                         input=input)


def states(client: docker.DockerClient, project: str) -> dict[str, str]:
    found = client.containers.list(
        all=True, filters={"label": f"com.docker.compose.project={project}"})
    return {c.name: c.status for c in found if c.name}


def line(output: str, text: str) -> int:
    """Index of the progress line ending in ``text`` (fails the test if there is none)."""
    lines = output.splitlines()
    matches = [i for i, entry in enumerate(lines) if entry.endswith(text)]
    assert matches, f"no line ending in {text!r} in:\n{output}"
    return matches[0]


def test_create_makes_containers_and_start_runs_them_dependencies_first(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    created = compose(stack, p, "create")
    assert created.returncode == 0, created.stderr
    assert states(docker_client, p) == {f"{p}-db-1": "created", f"{p}-web-1": "created"}
    assert f" Container {p}-web-1  Created" in created.stderr.splitlines()

    started = compose(stack, p, "start", "web")
    assert started.returncode == 0, started.stderr
    assert states(docker_client, p) == {f"{p}-db-1": "running", f"{p}-web-1": "running"}
    assert line(started.stderr, f"{p}-db-1  Started") < line(started.stderr,
                                                             f"{p}-web-1  Starting")

    again = compose(stack, p, "start")
    assert (again.returncode, again.stderr) == (0, "")


def test_create_again_reports_nothing_for_created_containers(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "create").returncode == 0
    again = compose(stack, p, "create")
    assert (again.returncode, again.stderr) == (0, "")
    assert set(states(docker_client, p).values()) == {"created"}


def test_stop_stops_dependants_first_even_already_stopped_ones(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    stopped = compose(stack, p, "stop", "-t", "5")
    assert stopped.returncode == 0, stopped.stderr
    assert states(docker_client, p) == {f"{p}-db-1": "exited", f"{p}-web-1": "exited"}
    assert line(stopped.stderr, f"{p}-web-1  Stopped") < line(stopped.stderr,
                                                              f"{p}-db-1  Stopping")
    again = compose(stack, p, "stop", "db")
    assert again.returncode == 0
    assert again.stderr.splitlines() == [f" Container {p}-db-1  Stopping",
                                         f" Container {p}-db-1  Stopped"]


def test_stop_of_one_service_leaves_its_dependants_running(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    assert compose(stack, p, "stop", "db").returncode == 0
    assert states(docker_client, p) == {f"{p}-db-1": "exited", f"{p}-web-1": "running"}


def test_restart_restarts_running_and_starts_stopped_containers(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    web = docker_client.containers.get(f"{p}-web-1")
    before = web.attrs["State"]["StartedAt"]
    assert compose(stack, p, "stop", "db").returncode == 0
    restarted = compose(stack, p, "restart")
    assert restarted.returncode == 0, restarted.stderr
    assert states(docker_client, p) == {f"{p}-db-1": "running", f"{p}-web-1": "running"}
    web.reload()
    assert web.attrs["State"]["StartedAt"] != before
    assert f" Container {p}-db-1  Restarting" in restarted.stderr.splitlines()
    assert f" Container {p}-web-1  Started" in restarted.stderr.splitlines()


def test_kill_sends_sigkill_or_the_given_signal(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    term = compose(stack, p, "kill", "-s", "SIGTERM", "web")
    assert term.returncode == 0, term.stderr
    assert term.stderr.splitlines() == [f" Container {p}-web-1  Killing",
                                        f" Container {p}-web-1  Killed"]
    # web's trap ends it with 0, a moment after the signal: it must be gone before the
    # next kill, or that kill would take it too.
    web = docker_client.containers.get(f"{p}-web-1")
    assert web.wait(timeout=60)["StatusCode"] == 0
    killed = compose(stack, p, "kill")
    assert killed.returncode == 0, killed.stderr
    db = docker_client.containers.get(f"{p}-db-1")
    db.wait(timeout=60)
    db.reload()
    web.reload()
    assert (db.status, db.attrs["State"]["ExitCode"]) == ("exited", 137)
    assert (web.status, web.attrs["State"]["ExitCode"]) == ("exited", 0)

    nothing = compose(stack, p, "kill")
    assert (nothing.returncode, nothing.stderr) == (0, "no container to kill")


def test_pause_and_unpause(docker_client: docker.DockerClient, engine_project: str,
                           stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    paused = compose(stack, p, "pause", "web")
    assert paused.returncode == 0, paused.stderr
    assert paused.stderr.splitlines() == [f" Container {p}-web-1  Paused"]
    assert states(docker_client, p) == {f"{p}-db-1": "running", f"{p}-web-1": "paused"}
    unpaused = compose(stack, p, "unpause", "web")
    assert unpaused.returncode == 0, unpaused.stderr
    assert states(docker_client, p)[f"{p}-web-1"] == "running"

    failed = compose(stack, p, "unpause", "db")
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error response from daemon: Container ")
    assert failed.stderr.rstrip().endswith("is not paused")


def test_rm_removes_only_stopped_containers_after_asking(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    running = compose(stack, p, "rm", "-f")
    assert (running.returncode, running.stdout, running.stderr) == (
        0, "", "No stopped containers\n")
    assert len(states(docker_client, p)) == 2

    assert compose(stack, p, "stop", "web").returncode == 0
    declined = compose(stack, p, "rm", input="n\n")
    assert (declined.returncode, declined.stdout) == (0, f"Going to remove {p}-web-1")
    assert f"{p}-web-1" in states(docker_client, p)

    volume = docker_client.containers.get(f"{p}-web-1").attrs["Mounts"][0]["Name"]
    removed = compose(stack, p, "rm", "-v", input="y\n")
    assert removed.returncode == 0, removed.stderr
    assert removed.stderr.splitlines() == [f" Container {p}-web-1  Removing",
                                           f" Container {p}-web-1  Removed"]
    assert states(docker_client, p) == {f"{p}-db-1": "running"}
    assert docker_client.volumes.list(filters={"name": volume}) == []


def test_rm_stop_stops_then_removes_running_containers(
        docker_client: docker.DockerClient, engine_project: str, stack: Path) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    removed = compose(stack, p, "rm", "-s", "-f", "-v")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == f"Going to remove {p}-web-1, {p}-db-1\n" or removed.stdout == (
        f"Going to remove {p}-db-1, {p}-web-1\n")
    assert line(removed.stderr, f"{p}-db-1  Stopped") < line(removed.stderr,
                                                             f"{p}-db-1  Removing")
    assert states(docker_client, p) == {}


def test_project_name_alone_acts_on_what_the_labels_say(
        docker_client: docker.DockerClient, engine_project: str, stack: Path,
        tmp_path_factory: pytest.TempPathFactory) -> None:
    p = engine_project
    assert compose(stack, p, "up", "-d").returncode == 0
    empty = tmp_path_factory.mktemp("empty")
    stopped = run_pycompose("-p", p, "stop", cwd=empty)
    assert stopped.returncode == 0, stopped.stderr
    assert line(stopped.stderr, f"{p}-web-1  Stopped") < line(stopped.stderr,
                                                              f"{p}-db-1  Stopping")
    started = run_pycompose("-p", p, "start", "web", cwd=empty)
    assert started.returncode == 0, started.stderr
    assert states(docker_client, p) == {f"{p}-db-1": "running", f"{p}-web-1": "running"}
    unknown = run_pycompose("-p", p, "start", "nope", cwd=empty)
    assert (unknown.returncode, unknown.stderr) == (1, 'no such service: "nope": not found\n')


def test_errors_for_unknown_services_and_missing_containers(
        engine_project: str, stack: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    p = engine_project
    unknown = compose(stack, p, "stop", "nope")
    assert (unknown.returncode, unknown.stderr) == (1, "no such service: nope\n")
    nothing = compose(stack, p, "start")
    assert (nothing.returncode, nothing.stderr) == (
        1, 'service "db" has no container to start\n')
    empty = tmp_path_factory.mktemp("empty")
    by_name = run_pycompose("-p", p, "start", cwd=empty)
    assert (by_name.returncode, by_name.stderr) == (
        1, f'no container found for project "{p}": not found\n')
