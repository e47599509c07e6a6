"""How requests reach the engine: plain HTTP/1.1 on its unix socket, or the Docker SDK's session.

A local engine (the default socket, or ``DOCKER_HOST=unix://...``) is spoken to with the
standard library alone: importing the SDK (and requests and urllib3 with it) costs more than
Docker Compose's whole ``up`` with nothing to do, and the SDK asks the engine for its version
before every first call. Paths carry no API version, so the engine answers in its own, which is
also what Compose negotiates with the engines it supports. Connections are kept alive and
pooled without a limit, so as many calls run at once as the executor has threads.

Any other host (tcp, TLS, ssh, a docker context) goes through the SDK's session, which knows
how to reach it.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from pycompose.errors import EngineError

DEFAULT_SOCKET = "/var/run/docker.sock"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    api_version: str | None = None

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def message(self) -> str:
        """The engine's error message (``{"message": ...}``), or the body as text."""
        try:
            data = self.json()
        except ValueError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("message"), str):
            return str(data["message"])
        return self.body.decode("utf-8", "replace").strip() or f"HTTP status {self.status}"


class Transport(Protocol):
    """``timeout``: seconds to wait for the answer; None waits for ever (``wait``)."""

    api_version: str | None

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, timeout: float | None) -> Reply: ...


def _encode(params: dict[str, Any] | None, body: Any) -> tuple[str, bytes | None, dict[str, str]]:
    query = ""
    if params:
        query = "?" + urlencode({k: v for k, v in params.items() if v is not None})
    if body is None:
        return query, None, {}
    if isinstance(body, bytes):
        return query, body, {"Content-Type": "application/x-tar"}
    return query, json.dumps(body).encode(), {"Content-Type": "application/json"}


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float | None) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class UnixSocketTransport:
    def __init__(self, path: str) -> None:
        self.path = path
        self.api_version: str | None = None
        self._idle: list[_UnixConnection] = []
        self._lock = threading.Lock()

    def _take(self) -> tuple[_UnixConnection, bool]:
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return _UnixConnection(self.path, None), False

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, timeout: float | None) -> Reply:
        query, payload, headers = _encode(params, body)
        while True:
            conn, reused = self._take()
            try:
                if conn.sock is None:
                    conn.timeout = timeout
                else:
                    conn.sock.settimeout(timeout)
                conn.request(method, path + query, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                if reused:
                    # The engine closed a kept-alive connection while it was idle.
                    continue
                raise EngineError(self._unreachable()) from None
            except TimeoutError:
                conn.close()
                raise EngineError(f"timeout waiting for the Docker daemon ({method} {path})"
                                  ) from None
            except (OSError, http.client.HTTPException):
                conn.close()
                raise EngineError(self._unreachable()) from None
            version = response.getheader("Api-Version")
            if version:
                self.api_version = version
            if response.will_close:
                conn.close()
            else:
                with self._lock:
                    self._idle.append(conn)
            return Reply(response.status, data, version)

    def _unreachable(self) -> str:
        return (f"Cannot connect to the Docker daemon at unix://{self.path}. "
                "Is the docker daemon running?")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


class SdkTransport:
    """Requests through the Docker SDK's session (TLS, ssh, tcp hosts and docker contexts)."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.api_version: str | None = str(api.api_version)

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, timeout: float | None) -> Reply:
        import requests

        query, payload, headers = _encode(params, body)
        url = f"{self.api.base_url}/v{self.api.api_version}{path}{query}"
        try:
            response = self.api.request(method, url, data=payload, headers=headers,
                                        timeout=timeout)
        except requests.exceptions.Timeout:
            raise EngineError(f"timeout waiting for the Docker daemon ({method} {path})"
                              ) from None
        except requests.exceptions.RequestException as exc:
            raise EngineError(f"Cannot connect to the Docker daemon at {self.api.base_url} "
                              f"({exc}). Is the docker daemon running?") from None
        return Reply(response.status_code, response.content,
                     response.headers.get("Api-Version"))


def local_socket(environ: dict[str, str] | None = None) -> str | None:
    """The unix socket of the engine the docker CLI would use, when that is a plain local
    socket; None when it is anything else (tcp, TLS, ssh, a context other than ``default``)."""
    env = os.environ if environ is None else environ
    host = env.get("DOCKER_HOST")
    if host:
        if host.startswith("unix://") and not env.get("DOCKER_TLS_VERIFY"):
            return host[len("unix://"):]
        return None
    context = env.get("DOCKER_CONTEXT")
    if context is None:
        config_dir = Path(env.get("DOCKER_CONFIG") or Path.home() / ".docker")
        try:
            config = json.loads((config_dir / "config.json").read_text())
        except (OSError, ValueError):
            config = {}
        context = config.get("currentContext") if isinstance(config, dict) else None
    if context and context != "default":
        return None
    return DEFAULT_SOCKET
