"""Engine steps of scripts/setup.sh that are easier to get right with the Docker SDK than in bash.

Run with the project's venv Python (it has the SDK):

    engine_setup.py ping                      exit 0 when the engine answers, 1 when not
    engine_setup.py wait SECONDS [--pid PID]  wait for an answer; exit 1 on timeout or if PID dies
    engine_setup.py base-image                build pycompose/busybox:latest unless it is up to date

The SDK resolves DOCKER_HOST and the current docker context the way the tests' fixtures do, so
"the engine answers" means the same thing here and in tests/conftest.py.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import docker
from docker.errors import DockerException, ImageNotFound

BASE_IMAGE = "pycompose/busybox:latest"
BASE_DOCKERFILE = Path(__file__).resolve().parent.parent / "fixtures/images/busybox/Dockerfile"
BUSYBOX = Path("/bin/busybox")
DOCKERD_PIDFILE = Path("/var/run/docker.pid")
# Records what the image was built from, so a changed Dockerfile or busybox rebuilds it.
SOURCE_LABEL = "io.pycompose.base-image.source"


def engine_answers() -> bool:
    try:
        client = docker.from_env(timeout=5)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (DockerException, OSError):
        return False


def pid_alive(pid: int) -> bool:
    # A dockerd that died as a child of setup.sh stays a zombie until bash reaps it, and
    # kill(pid, 0) still succeeds on a zombie: its state in /proc says the truth.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        stat = ""
    if stat:
        return stat.rpartition(")")[2].split()[0] != "Z"
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pidfile_pid() -> int | None:
    try:
        return int(DOCKERD_PIDFILE.read_text().strip())
    except (OSError, ValueError):
        return None


def wait_for_engine(seconds: float, pid: int | None) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        if engine_answers():
            return True
        if pid is not None and not pid_alive(pid):
            # It may have lost the race to a dockerd that installing docker.io started.
            other = pidfile_pid()
            if other is None or other == pid or not pid_alive(other):
                print(f"setup: error: dockerd (pid {pid}) exited", file=sys.stderr)
                return False
            pid = other
        if time.monotonic() >= deadline:
            print(f"setup: error: no engine answered within {seconds:g} s", file=sys.stderr)
            return False
        time.sleep(0.25)


def source_digest() -> str:
    digest = hashlib.sha256()
    for part in (BASE_DOCKERFILE, BUSYBOX):
        digest.update(part.read_bytes())
    return digest.hexdigest()


def ensure_base_image() -> None:
    if not BUSYBOX.is_file():
        raise SystemExit(f"setup: error: {BUSYBOX} is missing (Debian package busybox-static)")
    wanted = source_digest()
    client = docker.from_env()
    try:
        try:
            current = client.images.get(BASE_IMAGE).labels.get(SOURCE_LABEL)
        except ImageNotFound:
            current = None
        if current == wanted:
            return
        print(f"setup: building base image {BASE_IMAGE}", flush=True)
        with tempfile.TemporaryDirectory(prefix="pycompose-base-") as context:
            shutil.copy2(BUSYBOX, Path(context) / "busybox")
            shutil.copy2(BASE_DOCKERFILE, Path(context) / "Dockerfile")
            # The classic builder through the SDK: no buildx, BuildKit session or registry needed.
            client.images.build(
                path=context,
                tag=BASE_IMAGE,
                labels={SOURCE_LABEL: wanted},
                pull=False,
                rm=True,
                forcerm=True,
            )
    finally:
        client.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="engine_setup.py")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ping")
    wait = commands.add_parser("wait")
    wait.add_argument("seconds", type=float)
    wait.add_argument("--pid", type=int)
    commands.add_parser("base-image")
    args = parser.parse_args(argv)

    if args.command == "ping":
        return 0 if engine_answers() else 1
    if args.command == "wait":
        return 0 if wait_for_engine(args.seconds, args.pid) else 1
    try:
        ensure_base_image()
    except DockerException as error:
        print(f"setup: error: building {BASE_IMAGE} failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
