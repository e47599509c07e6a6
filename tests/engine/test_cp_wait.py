"""`cp`, `wait`, `export`, `stats`, `scale` and `attach` against the engine."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import docker

from tests.engine.ptyproc import PtyProcess
from tests.helpers import child_env, run_pycompose

WAIT = "trap 'exit 0' TERM; sleep 3600 & wait"
LABEL = "com.docker.compose"


def write(directory: Path, text: str) -> Path:
    (directory / "compose.yaml").write_text(textwrap.dedent(text))
    return directory


def stack(directory: Path) -> Path:
    return write(directory, f"""
        services:
          app:
            image: pycompose/busybox
            command: {json.dumps(["sh", "-c", WAIT])}
        """)


def read_in(client: docker.DockerClient, container: str, path: str) -> str:
    result = client.containers.get(container).exec_run(["cat", path])
    assert result.exit_code == 0, result.output
    return str(result.output.decode())


def test_cp_both_directions(docker_client: docker.DockerClient, engine_project: str,
                            tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    project = stack(tmp_path / "p")
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=project).returncode == 0
    container = f"{p}-app-1"
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "a.txt").write_text("A\n")
    (data / "note.txt").write_text("note\n")
    os.symlink("sub/a.txt", data / "link")

    result = run_pycompose("-p", p, "cp", str(data / "note.txt"), "app:/note.txt", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{container} copy {data / 'note.txt'} to {container}:/note.txt" in result.stderr
    assert read_in(docker_client, container, "/note.txt") == "note\n"

    # Into an existing directory the source keeps its name.
    assert run_pycompose("-p", p, "cp", str(data), "app:/", cwd=project).returncode == 0
    assert read_in(docker_client, container, "/data/sub/a.txt") == "A\n"
    # -L copies what the link points at.
    assert run_pycompose("-p", p, "cp", "-L", str(data / "link"), "app:/followed",
                         cwd=project).returncode == 0
    assert read_in(docker_client, container, "/followed") == "A\n"

    out = tmp_path / "out"
    assert run_pycompose("-p", p, "cp", "app:/data", str(out), cwd=project).returncode == 0
    assert (out / "sub" / "a.txt").read_text() == "A\n"
    assert os.readlink(out / "link") == "sub/a.txt"
    assert run_pycompose("-p", p, "cp", "app:/note.txt", str(tmp_path / "copied.txt"),
                         cwd=project).returncode == 0
    assert (tmp_path / "copied.txt").read_text() == "note\n"

    archive = run_pycompose_bytes(p, project, "cp", "app:/note.txt", "-")
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        assert tar.getnames() == ["note.txt"]

    missing = run_pycompose("-p", p, "cp", "app:/nonexistent", str(tmp_path / "x"),
                            cwd=project)
    assert missing.returncode == 1
    assert "Could not find the file /nonexistent in container" in missing.stderr
    nodir = run_pycompose("-p", p, "cp", str(data / "note.txt"), "app:/nodir/", cwd=project)
    assert (nodir.returncode, nodir.stderr.splitlines()[-1]) == (1, "no such directory")
    nowhere = run_pycompose("-p", p, "cp", "a", "b", cwd=project)
    assert (nowhere.returncode, nowhere.stderr.strip()) == (1, "unknown copy direction")


def run_pycompose_bytes(project: str, cwd: Path, *args: str) -> bytes:
    return subprocess.run([sys.executable, "-m", "pycompose", "-p", project, *args],
                          cwd=cwd, env=child_env(), capture_output=True, check=True).stdout


def test_cp_all_reaches_oneoff_containers_too(docker_client: docker.DockerClient,
                                               engine_project: str, tmp_path: Path) -> None:
    stack(tmp_path)
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    oneoff = run_pycompose("-p", p, "run", "-d", "app", "sleep", "60", cwd=tmp_path)
    assert oneoff.returncode == 0, oneoff.stderr
    note = tmp_path / "n.txt"
    note.write_text("n\n")
    assert run_pycompose("-p", p, "cp", str(note), "app:/n.txt", cwd=tmp_path).returncode == 0
    run_id = oneoff.stdout.strip()
    assert docker_client.containers.get(run_id).exec_run(["cat", "/n.txt"]).exit_code != 0
    assert run_pycompose("-p", p, "cp", "--all", str(note), "app:/n.txt",
                         cwd=tmp_path).returncode == 0
    assert read_in(docker_client, run_id, "/n.txt") == "n\n"


# `wait` acts on the containers that run when it starts, so those below must outlive the start
# of a pycompose process on a loaded machine (a second leaves too little room), and `slow` must
# end well after `fast`.


def test_wait_prints_exit_codes_and_returns_the_last(engine_project: str,
                                                     tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          fast:
            image: pycompose/busybox
            command: ["sh", "-c", "sleep 6; exit 4"]
          slow:
            image: pycompose/busybox
            command: ["sh", "-c", "sleep 9; exit 5"]
        """)
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    result = run_pycompose("-p", p, "wait", "fast", "slow", cwd=tmp_path, timeout=120)
    assert result.returncode == 5, result.stderr
    lines = result.stdout.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in lines] == ["4", "5"]
    assert all(line.startswith('container "') for line in lines)
    none = run_pycompose("-p", p, "wait", "fast", cwd=tmp_path)
    assert (none.returncode, none.stderr.strip()) == (1, f'no containers for project "{p}"')


def test_wait_down_project(docker_client: docker.DockerClient, engine_project: str,
                           tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          job:
            image: pycompose/busybox
            command: ["sh", "-c", "sleep 6"]
        """)
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    result = run_pycompose("-p", p, "wait", "--down-project", "job", cwd=tmp_path,
                           timeout=120)
    assert result.returncode == 0, result.stderr
    assert docker_client.api.containers(all=True, filters={
        "label": f"{LABEL}.project={p}"}) == []


def test_export_stats_and_scale(engine_project: str, tmp_path: Path) -> None:
    stack(tmp_path)
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    target = tmp_path / "fs.tar"
    assert run_pycompose("-p", p, "export", "-o", str(target), "app",
                         cwd=tmp_path).returncode == 0
    with tarfile.open(target) as tar:
        assert "bin/busybox" in tar.getnames()

    stats = run_pycompose("-p", p, "stats", "--no-stream", "--format", "json", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    row = json.loads(stats.stdout)
    assert sorted(row) == ["BlockIO", "CPUPerc", "Container", "ID", "MemPerc", "MemUsage",
                           "Name", "NetIO", "PIDs"]
    assert row["Name"] == f"{p}-app-1"
    table = run_pycompose("-p", p, "stats", "--no-stream", cwd=tmp_path)
    assert table.stdout.startswith("CONTAINER ID   NAME ")

    scaled = run_pycompose("-p", p, "scale", "app=2", cwd=tmp_path)
    assert scaled.returncode == 0, scaled.stderr
    assert f"Container {p}-app-2  Started" in scaled.stderr
    assert run_pycompose("-p", p, "scale", "app=1", cwd=tmp_path).returncode == 0
    names = run_pycompose("-p", p, "stats", "--no-stream", "--format", "{{.Name}}",
                          cwd=tmp_path)
    assert names.stdout == f"{p}-app-1\n"


def test_attach_to_a_running_container(engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, """
        services:
          repl:
            image: pycompose/busybox
            stdin_open: true
            tty: true
            command: ["sh"]
        """)
    p = engine_project
    assert run_pycompose("-p", p, "up", "-d", cwd=tmp_path).returncode == 0
    proc = PtyProcess.pycompose("-p", p, "attach", "repl", cwd=tmp_path)
    try:
        # The shell printed its prompt before we attached: ask for a new one first.
        proc.send(b"\r")
        mark = proc.expect(b"# ")
        proc.send(b"echo at$((1+1))ached\r")
        proc.expect(b"at2ached", start=mark)
        # Ctrl-P Ctrl-Q detaches and leaves the container running.
        proc.send(b"\x10\x11")
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
    assert run_pycompose("-p", p, "exec", "-T", "repl", "true", cwd=tmp_path).returncode == 0
