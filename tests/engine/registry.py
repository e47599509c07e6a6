"""A throwaway Docker registry for tests and benchmarks: Debian's `docker-registry` on
127.0.0.1, storage in a temporary folder, optionally behind htpasswd basic auth.

The engine talks to 127.0.0.0/8 registries over plain HTTP without any insecure-registry
setting, so `127.0.0.1:PORT/name` pushes and pulls work as they are.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import free_ports

REGISTRY_BINARY = "docker-registry"


@dataclass(frozen=True)
class Registry:
    """A running registry: images go to ``f"{registry.host}/name:tag"``."""

    host: str
    root: Path
    username: str | None = None
    password: str | None = None

    def docker_config(self, directory: Path) -> Path:
        """Writes a Docker CLI config.json with this registry's credentials into
        ``directory`` (use it as DOCKER_CONFIG) and returns the directory."""
        import base64

        directory.mkdir(parents=True, exist_ok=True)
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        (directory / "config.json").write_text(json.dumps({"auths": {self.host: {"auth": token}}}))
        return directory


def available() -> str | None:
    """Why no registry can be started here, or None when one can."""
    if shutil.which(REGISTRY_BINARY) is None:
        return f"{REGISTRY_BINARY} is not installed (Debian package docker-registry)"
    return None


def _bcrypt(password: str) -> str:
    try:
        import bcrypt
    except ImportError:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import crypt  # glibc's crypt does bcrypt ($2b$) on Debian

        return str(crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH)))
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


class _Exited(RuntimeError):
    """The registry ended before it answered (say, its port was taken meanwhile)."""


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise _Exited(f"docker-registry exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return  # 401 from an auth registry: it is up
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"docker-registry did not answer on {url}: {log.read_text()[-2000:]}")


@contextmanager
def running_registry(root: Path, *, username: str | None = None,
                     password: str | None = None) -> Iterator[Registry]:
    """Starts a registry with storage under ``root``; stops it on exit."""
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        [port] = free_ports()
        process, log = _start(root, port, username, password)
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/v2/", process, log)
            break
        except _Exited:
            if attempt == 2:
                raise
        except BaseException:
            _stop(process)
            raise
    try:
        yield Registry(host=f"127.0.0.1:{port}", root=root, username=username,
                       password=password)
    finally:
        _stop(process)


def _start(root: Path, port: int, username: str | None, password: str | None
           ) -> tuple[subprocess.Popen[bytes], Path]:
    lines = [
        "version: 0.1",
        "log:",
        "  level: error",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {root / 'data'}",
        "  delete:",
        "    enabled: true",
        "http:",
        f"  addr: 127.0.0.1:{port}",
    ]
    if username is not None and password is not None:
        htpasswd = root / "htpasswd"
        htpasswd.write_text(f"{username}:{_bcrypt(password)}\n")
        lines += ["auth:", "  htpasswd:", "    realm: pycompose-tests", f"    path: {htpasswd}"]
    config = root / "config.yml"
    config.write_text("\n".join(lines) + "\n")
    log = root / "registry.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([REGISTRY_BINARY, "serve", str(config)], stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return process, log


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
