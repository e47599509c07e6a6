"""`logs` and attached `up` output compared with Docker Compose v2.40.3 on the same stack:
prefixes, padding, colours, TTY output, timestamps, tail.

Where Compose's output order depends on which container speaks first (colour assignment,
interleaving), the comparison is on what does not: each line, each container's colour being
one of Compose's and the same on all its lines, and the lines of one container in order.
"""

from __future__ import annotations

import json
import re
import secrets
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.conftest import remove_project_objects
from tests.helpers import child_env, oracle_path

WAIT = "trap 'exit 0' TERM; sleep 3600 & wait"
COLOURED = re.compile(rb"\x1b\[([0-9;]+)m(.*?) \| \x1b\[0m(.*)")


def sh(script: str) -> str:
    return json.dumps(["sh", "-c", script])


def run(tool: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    argv = ([str(oracle_path())] if tool == "oracle"
            else [sys.executable, "-m", "pycompose"])
    return subprocess.run([*argv, *args], cwd=cwd, env=child_env(), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=120, check=False)


@pytest.fixture(scope="module")
def shared_project(oracle_bin: Path, docker_client: docker.DockerClient) -> Iterator[str]:
    """One project for the whole module (its stack only gets read), removed at the end."""
    del oracle_bin
    name = f"tlogs{secrets.token_hex(4)}"
    yield name
    problems = remove_project_objects(docker_client, name)
    assert not problems, problems


@pytest.fixture(scope="module")
def stack(shared_project: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("logs")
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(f"""
        services:
          counter:
            image: pycompose/busybox
            command: {sh("for i in 1 2 3 4 5; do echo line $$i; echo err $$i >&2; done; "
                         + WAIT)}
          tty:
            image: pycompose/busybox
            tty: true
            command: {sh("echo tty one; echo tty two; " + WAIT)}
          named:
            image: pycompose/busybox
            container_name: {shared_project}-custom
            command: {sh("echo custom; " + WAIT)}
          a:
            image: pycompose/busybox
            command: {sh("echo a1; echo a2; echo a3; " + WAIT)}
          b:
            image: pycompose/busybox
            command: {sh("echo b1; echo b2; " + WAIT)}
        """))
    up = run("pycompose", tmp_path, "-p", shared_project, "up", "-d", "--wait")
    assert up.returncode == 0, up.stderr
    for _ in range(100):
        out = run("pycompose", tmp_path, "-p", shared_project, "logs").stdout
        if all(word in out for word in (b"err 5", b"tty two", b"custom", b"a3", b"b2")):
            break
    return tmp_path


@pytest.mark.parametrize("args", [
    ("logs", "counter"),
    ("logs", "tty"),
    ("logs", "named"),
    ("logs", "--tail", "3", "counter"),
    ("logs", "-n", "0", "counter"),
    ("logs", "--no-log-prefix", "counter"),
    ("logs", "-t", "counter"),
    ("logs", "--index", "1", "counter"),
    ("--ansi", "always", "logs", "counter"),
    ("--ansi", "always", "logs", "--no-color", "counter"),
    ("--ansi", "always", "logs", "--no-log-prefix", "tty"),
    ("--ansi", "always", "logs", "-t", "--tail", "2", "named"),
], ids=lambda a: " ".join(a))
def test_single_container_output_is_byte_identical(stack: Path, shared_project: str,
                                                   args: tuple[str, ...]) -> None:
    ours = run("pycompose", stack, "-p", shared_project, *args)
    theirs = run("oracle", stack, "-p", shared_project, *args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)


def test_several_containers_same_lines_and_prefixes(stack: Path, shared_project: str) -> None:
    ours = run("pycompose", stack, "-p", shared_project, "logs", "a", "b")
    theirs = run("oracle", stack, "-p", shared_project, "logs", "a", "b")
    assert sorted(ours.stdout.splitlines()) == sorted(theirs.stdout.splitlines())
    assert by_container(ours.stdout) == by_container(theirs.stdout)


def by_container(output: bytes) -> dict[bytes, list[bytes]]:
    lines: dict[bytes, list[bytes]] = defaultdict(list)
    for line in output.splitlines():
        name, _, text = line.partition(b" | ")
        lines[name.strip()].append(text)
    return dict(lines)


def colours(output: bytes) -> dict[bytes, set[bytes]]:
    found: dict[bytes, set[bytes]] = defaultdict(set)
    for line in output.splitlines():
        match = COLOURED.fullmatch(line)
        assert match is not None, line
        found[match.group(2).strip()].add(match.group(1))
    return dict(found)


def test_several_containers_colours(stack: Path, shared_project: str) -> None:
    args = ("-p", shared_project, "--ansi", "always", "logs", "a", "b", "counter")
    ours, theirs = run("pycompose", stack, *args), run("oracle", stack, *args)
    ours_colours, theirs_colours = colours(ours.stdout), colours(theirs.stdout)
    # One colour per container, from the start of Compose's rainbow, in both.
    assert all(len(c) == 1 for c in ours_colours.values())
    assert all(len(c) == 1 for c in theirs_colours.values())
    used = {c for cs in theirs_colours.values() for c in cs}
    assert {c for cs in ours_colours.values() for c in cs} == used == {b"36", b"33", b"32"}
    strip = re.compile(rb"\x1b\[[0-9;]*m")
    assert by_container(strip.sub(b"", ours.stdout)) == by_container(
        strip.sub(b"", theirs.stdout))


@pytest.fixture
def ci(oracle_bin: Path, docker_client: docker.DockerClient, engine_project: str,
       tmp_path: Path) -> Path:
    del oracle_bin, docker_client, engine_project
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(f"""
        services:
          tests:
            image: pycompose/busybox
            command: {sh("echo running tests; sleep 1; echo done; exit 3")}
            depends_on: [db]
          db:
            image: pycompose/busybox
            command: {sh("trap 'echo db got term; exit 0' TERM; echo db ready; "
                         "sleep 3600 & wait")}
        """))
    return tmp_path


def test_attached_up_exit_code_from_as_compose(ci: Path, engine_project: str) -> None:
    results = {}
    for tool in ("oracle", "pycompose"):
        results[tool] = run(tool, ci, "-p", engine_project, "up", "--exit-code-from", "tests")
        down = run(tool, ci, "-p", engine_project, "down", "-t", "0")
        assert down.returncode == 0, down.stderr
    ours, theirs = results["pycompose"], results["oracle"]
    assert ours.returncode == theirs.returncode == 3
    ours_lines, theirs_lines = ours.stdout.splitlines(), theirs.stdout.splitlines()
    assert ours_lines[0] == theirs_lines[0] == b"Attaching to db-1, tests-1"
    # Padding depends on which container spoke first; the content does not.
    assert by_container(ours.stdout) == by_container(theirs.stdout)
    for needle in (b"\r\x1b[Ktests-1 exited with code 3", b"\r\x1b[Kdb-1 exited with code 0"):
        assert needle in ours.stdout and needle in theirs.stdout
    assert b"Aborting on container exit..." in ours.stderr
    assert b"Aborting on container exit..." in theirs.stderr
