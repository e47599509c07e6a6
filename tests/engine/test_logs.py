"""`logs` against the engine: line-atomic interleaving of chatty services, exact --tail,
--since and --until, TTY and non-TTY containers, following."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import textwrap
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import docker

from tests.helpers import child_env, run_pycompose

PAYLOAD = "x" * 120
# `$$` is a literal `$` in a compose file.
CHATTY = f'i=0; while [ $$i -lt 3000 ]; do echo "$$SVC $$i {PAYLOAD}"; i=$$((i+1)); done'
WAIT = "trap 'exit 0' TERM; sleep 3600 & wait"


def sh(script: str) -> str:
    """A service command running ``script``, as YAML."""
    return json.dumps(["sh", "-c", script])


def write(directory: Path, text: str) -> Path:
    (directory / "compose.yaml").write_text(textwrap.dedent(text))
    return directory


def chatty_stack(directory: Path, services: int = 4) -> Path:
    body = "".join(f"""
          svc{n}:
            image: pycompose/busybox
            environment: {{SVC: svc{n}}}
            command: {sh(CHATTY)}""" for n in range(services))
    return write(directory, "services:" + body + "\n")


def check_interleaving(output: str, services: int) -> None:
    """Every line whole and prefixed by its own container; each container's lines in order."""
    seen: dict[str, list[int]] = defaultdict(list)
    line_re = re.compile(rf"(svc\d)-1 +\| (svc\d) (\d+) {PAYLOAD}")
    for line in output.splitlines():
        if not line or line.startswith(("Attaching to", "\x1b[K")):
            continue
        match = line_re.fullmatch(line)
        assert match is not None, f"torn or foreign line: {line!r}"
        assert match.group(1) == match.group(2)
        seen[match.group(1)].append(int(match.group(3)))
    assert sorted(seen) == [f"svc{n}" for n in range(services)]
    for numbers in seen.values():
        assert numbers == list(range(3000))


def test_concurrent_output_is_line_atomic(engine_project: str, tmp_path: Path) -> None:
    chatty_stack(tmp_path)
    attached = run_pycompose("-p", engine_project, "up", cwd=tmp_path, timeout=120)
    assert attached.returncode == 0, attached.stderr
    check_interleaving(attached.stdout, 4)
    logs = run_pycompose("-p", engine_project, "logs", cwd=tmp_path)
    assert logs.returncode == 0, logs.stderr
    check_interleaving(logs.stdout, 4)


def test_partial_writes_make_one_line(engine_project: str, tmp_path: Path) -> None:
    script = r"printf 'abc'; sleep 0.3; printf 'def\n'; printf 'no end'"
    write(tmp_path, f"""
        services:
          slow:
            image: pycompose/busybox
            command: {sh(script)}
        """)
    result = run_pycompose("-p", engine_project, "up", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "slow-1  | abcdef\nslow-1  | no end\n" in result.stdout
    logs = run_pycompose("-p", engine_project, "logs", cwd=tmp_path)
    assert logs.stdout == "slow-1  | abcdef\nslow-1  | no end\n"


def numbered_stack(directory: Path) -> Path:
    return write(directory, f"""
        services:
          counter:
            image: pycompose/busybox
            command: {sh("for i in 1 2 3 4 5 6 7 8 9 10; do echo line $$i; done; " + WAIT)}
          tty:
            image: pycompose/busybox
            tty: true
            command: {sh("echo tty one; echo tty two; " + WAIT)}
        """)


def wait_for(project: str, directory: Path, service: str, text: str) -> str:
    for _ in range(100):
        result = run_pycompose("-p", project, "logs", "--no-log-prefix", service,
                               cwd=directory)
        if text in result.stdout:
            return result.stdout
    raise AssertionError(f"{text!r} never logged by {service}")


def test_tail_is_exact(engine_project: str, tmp_path: Path) -> None:
    numbered_stack(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    wait_for(engine_project, tmp_path, "counter", "line 10\n")
    result = run_pycompose("-p", engine_project, "logs", "--tail", "3", "counter",
                           cwd=tmp_path)
    assert result.stdout == "counter-1  | line 8\ncounter-1  | line 9\ncounter-1  | line 10\n"
    result = run_pycompose("-p", engine_project, "logs", "-n", "0", "counter", cwd=tmp_path)
    assert result.stdout == ""
    result = run_pycompose("-p", engine_project, "logs", "--no-log-prefix", "--index", "1",
                           "--tail", "1", "counter", cwd=tmp_path)
    assert result.stdout == "line 10\n"


def test_tty_containers_have_no_frame_headers(engine_project: str, tmp_path: Path) -> None:
    numbered_stack(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    wait_for(engine_project, tmp_path, "tty", "tty two")
    raw = subprocess.run([sys.executable, "-m", "pycompose", "-p", engine_project, "logs", "tty"],
                         cwd=tmp_path, env=child_env(), capture_output=True, check=False)
    # A TTY's output is kept as it is, \r included, as Compose shows it.
    assert raw.stdout == b"tty-1  | tty one\r\ntty-1  | tty two\r\n"


def test_since_and_until_are_exact(engine_project: str, tmp_path: Path) -> None:
    write(tmp_path, f"""
        services:
          clock:
            image: pycompose/busybox
            command: {sh("echo first; sleep 1; echo second; " + WAIT)}
        """)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    wait_for(engine_project, tmp_path, "clock", "second")
    stamped = run_pycompose("-p", engine_project, "logs", "-t", "--no-log-prefix", "clock",
                            cwd=tmp_path).stdout.splitlines()
    assert [line.split(" ", 1)[1] for line in stamped] == ["first", "second"]
    first, second = (datetime.fromisoformat(line.split(" ", 1)[0][:26] + "+00:00")
                     for line in stamped)
    middle = first + (second - first) / 2
    at = middle.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    since = run_pycompose("-p", engine_project, "logs", "--since", at, "clock", cwd=tmp_path)
    assert since.stdout == "clock-1  | second\n"
    until = run_pycompose("-p", engine_project, "logs", "--until", at, "clock", cwd=tmp_path)
    assert until.stdout == "clock-1  | first\n"
    recent = run_pycompose("-p", engine_project, "logs", "--since", "1h", "clock",
                           cwd=tmp_path)
    assert recent.stdout == "clock-1  | first\nclock-1  | second\n"
    bad = run_pycompose("-p", engine_project, "logs", "--since", "yesterday", cwd=tmp_path)
    assert bad.returncode == 1
    assert 'failed to parse value as time or duration: "yesterday"' in bad.stderr


def test_follow_ends_when_the_containers_exit(
        docker_client: docker.DockerClient, engine_project: str, tmp_path: Path) -> None:
    # `a` goes on only when the test says so: `logs -f` must find it running when it starts.
    write(tmp_path, f"""
        services:
          a:
            image: pycompose/busybox
            command: {sh("echo a1; until [ -e /go ]; do sleep 0.1; done; echo a2; exit 3")}
        """)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "pycompose", "-p", engine_project, "logs", "-f"], cwd=tmp_path,
        env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        first = read_line(proc, timeout=60)
        assert first == b"a-1  | a1\n"
        docker_client.containers.get(f"{engine_project}-a-1").exec_run(["touch", "/go"])
        rest, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert rest.endswith(b"a-1  | a2\n\r\x1b[Ka-1 exited with code 3\n")


def read_line(proc: subprocess.Popen[bytes], timeout: float) -> bytes:
    """The first line of ``proc``'s output, read as it comes (at most ``timeout`` seconds)."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(remaining, 0))
        if not ready:
            raise AssertionError(f"no whole line within {timeout}s, only {line!r}")
        data = os.read(fd, 1)
        if not data:
            raise AssertionError(f"output ended after {line!r}")
        line += data
    return line


def test_colours_and_errors(engine_project: str, tmp_path: Path) -> None:
    numbered_stack(tmp_path)
    assert run_pycompose("-p", engine_project, "up", "-d", cwd=tmp_path).returncode == 0
    wait_for(engine_project, tmp_path, "counter", "line 10\n")
    coloured = run_pycompose("-p", engine_project, "--ansi", "always", "logs", "--tail", "1",
                             "counter", cwd=tmp_path)
    assert coloured.stdout == "\x1b[36mcounter-1  | \x1b[0mline 10\n"
    plain = run_pycompose("-p", engine_project, "--ansi", "always", "logs", "--no-color",
                          "--tail", "1", "counter", cwd=tmp_path)
    assert plain.stdout == "counter-1  | line 10\n"
    missing = run_pycompose("-p", engine_project, "logs", "nosuch", cwd=tmp_path)
    assert (missing.returncode, missing.stderr.strip()) == (1, "no such service: nosuch")
    index = run_pycompose("-p", engine_project, "logs", "--index", "2", "counter",
                          cwd=tmp_path)
    assert (index.returncode, index.stderr.strip()) == (
        1, 'service "counter" is not running container #2')
