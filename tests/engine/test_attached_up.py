"""Attached `up` against the engine: CI exit codes, cascades, Ctrl-C once and twice on a
terminal, and containers that restart."""

from __future__ import annotations

import textwrap
from pathlib import Path

import docker

from tests.engine.ptyproc import PtyProcess
from tests.helpers import run_pycompose

LABEL = "com.docker.compose.project"
WAIT = "trap 'exit 0' TERM; echo db ready; sleep 3600 & wait"


def write(directory: Path, text: str) -> Path:
    (directory / "compose.yaml").write_text(textwrap.dedent(text))
    return directory


def states(client: docker.DockerClient, project: str) -> dict[str, tuple[str, int]]:
    """Service -> (state, exit code) of each container of the project."""
    out = {}
    for c in client.api.containers(all=True, filters={"label": f"{LABEL}={project}"}):
        info = client.api.inspect_container(c["Id"])
        service = c["Labels"]["com.docker.compose.service"]
        out[service] = (info["State"]["Status"], info["State"]["ExitCode"])
    return out


def ci_stack(directory: Path, code: int) -> Path:
    return write(directory, f"""
        services:
          tests:
            image: pycompose/busybox
            command: ["sh", "-c", "echo running tests; exit {code}"]
            depends_on: [db]
          db:
            image: pycompose/busybox
            command: ["sh", "-c", "{WAIT}"]
        """)


def test_exit_code_from_returns_the_failing_tests_code_and_stops_the_stack(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    ci_stack(tmp_path, 3)
    result = run_pycompose("-p", engine_project, "up", "--exit-code-from", "tests",
                           cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Attaching to db-1, tests-1"
    assert "tests-1  | running tests" in lines
    # (Text mode reads the \r that starts status lines as a line end.)
    assert "\x1b[Ktests-1 exited with code 3" in lines
    assert "Aborting on container exit..." in result.stderr
    assert states(docker_client, engine_project) == {"tests": ("exited", 3),
                                                     "db": ("exited", 0)}


def test_exit_code_from_returns_zero_when_the_tests_pass(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    ci_stack(tmp_path, 0)
    result = run_pycompose("-p", engine_project, "up", "--exit-code-from", "tests",
                           "--abort-on-container-exit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert states(docker_client, engine_project) == {"tests": ("exited", 0),
                                                     "db": ("exited", 0)}


def test_abort_on_container_failure_ignores_clean_exits(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, f"""
        services:
          ok:
            image: pycompose/busybox
            command: ["sh", "-c", "echo ok"]
          bad:
            image: pycompose/busybox
            command: ["sh", "-c", "sleep 1; exit 6"]
            # Fails only once ok has exited and db runs, whatever the machine's speed.
            depends_on:
              ok: {{condition: service_completed_successfully}}
              db: {{condition: service_started}}
          db:
            image: pycompose/busybox
            command: ["sh", "-c", "{WAIT}"]
        """)
    result = run_pycompose("-p", engine_project, "--ansi", "never", "up",
                           "--abort-on-container-failure", cwd=tmp_path)
    assert result.returncode == 6, result.stderr
    assert "\x1b[Kok-1 exited with code 0" in result.stdout
    assert "Aborting on container exit...\n" in result.stderr
    assert states(docker_client, engine_project)["db"] == ("exited", 0)


def test_attached_up_without_cascade_runs_until_everything_exited(
        engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          a:
            image: pycompose/busybox
            command: ["sh", "-c", "echo one; exit 2"]
          b:
            image: pycompose/busybox
            command: ["sh", "-c", "echo two"]
        """)
    result = run_pycompose("-p", engine_project, "up", "--no-log-prefix", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(line for line in result.stdout.splitlines() if line) == sorted([
        "Attaching to a-1, b-1", "one", "two", "\x1b[Ka-1 exited with code 2",
        "\x1b[Kb-1 exited with code 0"])


def test_attach_and_no_attach_choose_whose_output_is_shown(
        engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          a:
            image: pycompose/busybox
            command: ["sh", "-c", "echo from-a"]
          b:
            image: pycompose/busybox
            command: ["sh", "-c", "echo from-b"]
        """)
    result = run_pycompose("-p", engine_project, "up", "--no-attach", "b", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Attaching to a-1"
    assert "from-b" not in result.stdout
    result = run_pycompose("-p", engine_project, "up", "-d", "--attach", "a", cwd=tmp_path)
    assert result.returncode == 1
    assert "--detach cannot be combined with" in result.stderr


def test_restarting_containers_are_followed(engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          flaky:
            image: pycompose/busybox
            restart: "on-failure:2"
            command: ["sh", "-c", "echo attempt; exit 1"]
        """)
    result = run_pycompose("-p", engine_project, "up", cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("flaky-1  | attempt\n") == 3
    assert result.stdout.count("exited with code 1 (restarting)\n") == 2
    assert result.stdout.endswith("\x1b[Kflaky-1 exited with code 1\n")


def test_ctrl_c_stops_the_project_gracefully(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, f"""
        services:
          db:
            image: pycompose/busybox
            command: ["sh", "-c", "{WAIT}"]
        """)
    proc = PtyProcess.pycompose("-p", engine_project, "up", cwd=tmp_path)
    try:
        mark = proc.expect(b"db ready")
        proc.send(b"\x03")
        mark = proc.expect(b"Gracefully Stopping... press Ctrl+C again to force", start=mark)
        proc.expect(b"Container " + engine_project.encode() + b"-db-1  \x1b[32mStopped",
                    start=mark)
        assert proc.wait() == 130
    finally:
        proc.kill()
    assert states(docker_client, engine_project) == {"db": ("exited", 0)}


def test_second_ctrl_c_kills(docker_client: docker.DockerClient, engine_project: str,
                             tmp_path: Path) -> None:
    stubborn = "trap 'echo ignoring TERM' TERM; echo db ready; while true; do sleep 1; done"
    # A grace period far longer than the wait below: only the kill can end it in time.
    write(tmp_path, f"""
        services:
          db:
            image: pycompose/busybox
            command: ["sh", "-c", "{stubborn}"]
            stop_grace_period: 5m
        """)
    proc = PtyProcess.pycompose("-p", engine_project, "up", cwd=tmp_path)
    try:
        mark = proc.expect(b"db ready")
        proc.send(b"\x03")
        mark = proc.expect(b"Gracefully Stopping", start=mark)
        proc.expect(b"Stopping", start=mark)
        proc.send(b"\x03")
        assert proc.wait(timeout=60) == 130
    finally:
        proc.kill()
    assert states(docker_client, engine_project) == {"db": ("exited", 137)}
