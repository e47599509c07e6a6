"""How requests reach the engine: plain HTTP/1.1 on its unix socket, or the Docker SDK's session.

A local engine (the default socket, or ``DOCKER_HOST=unix://...``) is spoken to with a small
HTTP/1.1 client over the standard library's sockets: importing the SDK (and requests and
urllib3 with it) costs more than Docker Compose's whole ``up`` with nothing to do, and the SDK
asks the engine for its version before every first call. Paths carry no API version, so the
engine answers in its own, which is also what Compose negotiates with the engines it supports.
Connections are kept alive and pooled without a limit, so as many calls run at once as the
executor has threads.

Any other host (tcp, TLS, ssh, a docker context) goes through the SDK's session, which knows
how to reach it.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path
from typing import Any, NamedTuple, Protocol
from urllib.parse import urlencode

from pycompose.errors import EngineError

DEFAULT_SOCKET = "/var/run/docker.sock"


class Reply(NamedTuple):
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


class _Closed(Exception):
    """The engine closed the connection before answering."""


class _UnixConnection:
    """One HTTP/1.1 connection to the engine's socket, kept alive between requests.

    Only what the engine's answers need: a status line, headers, and a body sized by
    ``Content-Length``, sent ``chunked``, or read to the end of the connection. (The
    standard library's http.client would do, but importing it and the email package behind
    it costs a tenth of a repeated ``up``.)"""

    def __init__(self, path: str) -> None:
        self.path = path
        self.sock: socket.socket | None = None
        self._file: Any = None

    def request(self, method: str, target: str, payload: bytes | None,
                headers: dict[str, str], timeout: float | None) -> Reply:
        if self.sock is None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            try:
                sock.connect(self.path)
            except OSError:
                sock.close()
                raise
            self.sock, self._file = sock, sock.makefile("rb")
        else:
            self.sock.settimeout(timeout)
        lines = [f"{method} {target} HTTP/1.1", "Host: docker", "User-Agent: pycompose"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if payload is not None or method in ("POST", "PUT"):
            lines.append(f"Content-Length: {len(payload or b'')}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (payload or b""))
        return self._response(method)

    def _response(self, method: str) -> Reply:
        status_line = self._file.readline(65537)
        if not status_line:
            raise _Closed
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
            raise OSError(f"bad status line {status_line!r}")
        status = int(parts[1])
        fields: dict[str, str] = {}
        while True:
            line = self._file.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        keep = fields.get("connection", "").lower() != "close" and parts[0] != b"HTTP/1.0"
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            body = b""
        elif "chunked" in fields.get("transfer-encoding", "").lower():
            body = self._chunked()
        elif "content-length" in fields:
            body = self._exactly(int(fields["content-length"]))
        else:
            body, keep = self._file.read(), False
        if not keep:
            self.close()
        return Reply(status, body, fields.get("api-version") or None)

    def _exactly(self, size: int) -> bytes:
        data: bytes = self._file.read(size)
        if len(data) < size:
            raise _Closed
        return data

    def _chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size_line = self._file.readline(65537)
            if not size_line:
                raise _Closed
            size = int(size_line.split(b";", 1)[0].strip(), 16)
            if size == 0:
                while self._file.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self._exactly(size))
            self._file.readline(65537)  # the CRLF after the chunk

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        if self.sock is not None:
            self.sock.close()
        self.sock, self._file = None, None


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
        return _UnixConnection(self.path), False

    def request(self, method: str, path: str, *, params: dict[str, Any] | None = None,
                body: Any = None, timeout: float | None) -> Reply:
        query, payload, headers = _encode(params, body)
        while True:
            conn, reused = self._take()
            try:
                reply = conn.request(method, path + query, payload, headers, timeout)
            except (_Closed, ConnectionResetError, BrokenPipeError):
                conn.close()
                if reused:
                    # The engine closed a kept-alive connection while it was idle.
                    continue
                raise EngineError(self._unreachable()) from None
            except TimeoutError:
                conn.close()
                raise EngineError(f"timeout waiting for the Docker daemon ({method} {path})"
                                  ) from None
            except (OSError, ValueError):
                conn.close()
                raise EngineError(self._unreachable()) from None
            if reply.api_version:
                self.api_version = reply.api_version
            if conn.sock is not None:
                with self._lock:
                    self._idle.append(conn)
            return reply

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
