"""`run` and `exec` against the engine: one-off containers, exit codes, stdin, and the TTY
paths driven through a pseudo-terminal (typing commands, Ctrl-C, window resizes)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import docker

from tests.engine.ptyproc import PtyProcess
from tests.helpers import child_env, run_pycompose

COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
LABEL = "com.docker.compose"


def write(directory: Path) -> Path:
    (directory / "compose.yaml").write_text(textwrap.dedent(f"""
        services:
          app:
            image: pycompose/busybox
            command: {COMMAND}
            environment: {{A: "1"}}
            depends_on: [db]
          db:
            image: pycompose/busybox
            command: {COMMAND}
        """))
    return directory


def oneoffs(client: docker.DockerClient, project: str) -> list[dict[str, object]]:
    return list(client.api.containers(all=True, filters={
        "label": [f"{LABEL}.project={project}", f"{LABEL}.oneoff=True"]}))


def stty_until(proc: PtyProcess, size: bytes, mark: int) -> int:
    """Runs ``stty size`` at each prompt until the container's terminal reports ``size``.

    pycompose passes a window change on from a thread, so one ``stty size`` typed right after
    the resize may still see the old size."""
    deadline = time.monotonic() + 60
    while True:
        mark = proc.expect(b"# ", start=mark)
        proc.send(b"stty size\r")
        try:
            return proc.expect(size, start=mark, timeout=2)
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_run_returns_the_containers_exit_code_and_rm_leaves_nothing(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    result = run_pycompose("-p", engine_project, "run", "--rm", "-e", "B=2", "app",
                           "sh", "-c", "echo out $A$B; echo err >&2; exit 7", cwd=tmp_path)
    assert result.returncode == 7, result.stderr
    assert result.stdout == "out 12\n"
    assert "err" in result.stderr
    assert oneoffs(docker_client, engine_project) == []
    # The dependency was started first, and stays up.
    db = docker_client.containers.get(f"{engine_project}-db-1")
    assert db.status == "running"


def test_run_detached_creates_a_labelled_oneoff_container(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    result = run_pycompose("-p", engine_project, "run", "-d", "--no-deps", "-l", "x=y",
                           "-w", "/bin", "-u", "0", "app", "sleep", "30", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    container_id = result.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", container_id)
    info = docker_client.api.inspect_container(container_id)
    labels = info["Config"]["Labels"]
    slug = labels[f"{LABEL}.slug"]
    assert info["Name"] == f"/{engine_project}-app-run-{slug[:12]}"
    assert labels[f"{LABEL}.oneoff"] == "True"
    assert labels["x"] == "y"
    assert f"{LABEL}.container-number" not in labels
    assert (info["Config"]["WorkingDir"], info["Config"]["User"]) == ("/bin", "0")
    assert info["HostConfig"]["RestartPolicy"]["Name"] in ("", "no")
    # --no-deps: the dependency was not started.
    assert docker_client.api.containers(all=True, filters={
        "label": [f"{LABEL}.project={engine_project}", f"{LABEL}.service=db"]}) == []


def test_run_pipes_stdin_when_it_is_not_a_terminal(
        engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    result = run_pycompose("-p", engine_project, "run", "--rm", "--no-deps", "-T", "app",
                           "sh", "-c", "cat; echo done", cwd=tmp_path, input="piped\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "piped\ndone\n"


def test_run_entrypoint_and_name(docker_client: docker.DockerClient, engine_project: str,
                                 tmp_path: Path) -> None:
    write(tmp_path)
    name = f"{engine_project}-named"
    result = run_pycompose("-p", engine_project, "run", "--no-deps", "--name", name,
                           "--entrypoint", "echo", "app", "hello", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello\n"
    assert docker_client.containers.get(name).status == "exited"


def test_run_of_an_unknown_service_or_command_fails_as_compose(
        engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    result = run_pycompose("-p", engine_project, "run", "--rm", "nosuch", "true", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, "no such service: nosuch")
    result = run_pycompose("-p", engine_project, "run", "--rm", "--no-deps", "app",
                           "nosuchcmd", cwd=tmp_path)
    assert result.returncode == 1
    assert "executable file not found" in result.stderr


def test_interactive_run_on_a_tty(docker_client: docker.DockerClient, engine_project: str,
                                  tmp_path: Path) -> None:
    write(tmp_path)
    proc = PtyProcess.pycompose("-p", engine_project, "run", "--rm", "--no-deps", "app", "sh",
                                cwd=tmp_path, rows=30, cols=100)
    try:
        mark = proc.expect(b"# ")
        proc.send(b"stty size\r")
        mark = proc.expect(b"30 100", start=mark)
        # The window grows: the container's terminal follows.
        proc.resize(40, 120)
        mark = stty_until(proc, b"40 120", mark)
        # Ctrl-C goes to the container's terminal, not to pycompose. The job says when it
        # runs (its echo is "sleeping"; the typed line shows "sl''eeping"), so the key cannot
        # come before it is the terminal's foreground.
        proc.send(b"sh -c 'echo sl''eeping; sleep 100'\r")
        mark = proc.expect(b"sleeping", start=mark)
        proc.send(b"\x03")
        mark = proc.expect(b"# ", start=mark)
        proc.send(b"echo hel''lo; exit 5\r")
        proc.expect(b"hello", start=mark)
        assert proc.wait() == 5
    finally:
        proc.kill()
    assert oneoffs(docker_client, engine_project) == []


def test_interactive_exec_on_a_tty(engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    proc = PtyProcess.pycompose("-p", engine_project, "exec", "app", "sh", cwd=tmp_path,
                                rows=25, cols=90)
    try:
        mark = proc.expect(b"# ")
        proc.send(b"stty size; tty\r")
        mark = proc.expect(b"25 90", start=mark)
        mark = proc.expect(b"/dev/pts/", start=mark)
        proc.resize(50, 132)
        mark = stty_until(proc, b"50 132", mark)
        proc.send(b"echo $A; exit 4\r")
        proc.expect(b"1", start=mark)
        assert proc.wait() == 4
    finally:
        proc.kill()


def test_exec_exit_code_environment_and_workdir(engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    result = run_pycompose("-p", engine_project, "exec", "-T", "-e", "X=9", "-w", "/bin",
                           "app", "sh", "-c", 'echo "$X $A $(pwd)"; exit 3', cwd=tmp_path)
    assert (result.returncode, result.stdout) == (3, "9 1 /bin\n")
    result = run_pycompose("-p", engine_project, "exec", "-T", "app", "nosuchcmd",
                           cwd=tmp_path)
    assert result.returncode == 126
    result = run_pycompose("-p", engine_project, "exec", "-d", "app", "sh", "-c", "sleep 1",
                           cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_exec_into_a_stopped_or_missing_service_fails_as_compose(
        engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", "db", cwd=tmp_path).returncode == 0
    for args, message in ((["app"], 'service "app" is not running'),
                          (["nosuch"], 'service "nosuch" is not running'),
                          (["--index", "2", "db"], 'service "db" is not running container #2')):
        result = run_pycompose("-p", engine_project, "exec", "-T", *args, "true", cwd=tmp_path)
        assert (result.returncode, result.stderr.strip()) == (1, message)


def test_interrupted_run_rm_leaves_no_container(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    script = "trap 'echo bye; exit 130' INT; echo ready; sleep 300 & wait"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycompose", "-p", engine_project, "run", "--rm", "--no-deps",
         "-T", "app", "sh", "-c", script],
        cwd=tmp_path, env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert out == b"bye\n"
    assert oneoffs(docker_client, engine_project) == []


def test_ctrl_c_on_a_tty_run_rm_leaves_no_container(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    write(tmp_path)
    script = "trap 'exit 130' INT; echo ready; sleep 300; echo after"
    proc = PtyProcess.pycompose("-p", engine_project, "run", "--rm", "--no-deps", "app",
                                "sh", "-c", script, cwd=tmp_path)
    try:
        proc.expect(b"ready")
        proc.send(b"\x03")
        assert proc.wait() == 130
    finally:
        proc.kill()
    assert oneoffs(docker_client, engine_project) == []
