"""The engine transport on a unix socket, against a small stand-in server (no engine needed)."""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from pycompose.engine.client import Conflict, Engine, NotFound
from pycompose.engine.http import DEFAULT_SOCKET, UnixSocketTransport, local_socket
from pycompose.errors import EngineError


class _Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    requests_seen: list[tuple[str, str, Any]]
    connections: int


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def address_string(self) -> str:
        return "test"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any, chunked: bool = False) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", "application/json")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(data), 7):
                piece = data[i:i + 7]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.server.requests_seen.append((self.command, self.path, body))
        if self.path.startswith("/containers/json"):
            self._answer(200, [{"Id": "a" * 64, "Names": ["/p-web-1"]}] * 20, chunked=True)
        elif self.path == "/containers/missing/json":
            self._answer(404, {"message": "No such container: missing"})
        elif self.path.startswith("/networks/create"):
            self._answer(409, {"message": "network with name p_default already exists"})
        elif self.path.startswith("/containers/create"):
            self._answer(201, {"Id": "b" * 64, "Warnings": []})
        elif self.path.endswith("/start"):
            self._answer(204, None)
        else:
            self._answer(500, {"message": "boom"})

    do_GET = do_POST = do_DELETE = _handle


@pytest.fixture
def server(tmp_path: Path) -> Iterator[_Server]:
    path = tmp_path / "engine.sock"
    srv = _Server(str(path), _Handler)
    srv.requests_seen = []
    srv.connections = 0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def engine_for(server: _Server) -> Engine:
    return Engine(transport=UnixSocketTransport(str(server.server_address)), timeout=5)


def test_calls_reuse_one_kept_alive_connection(server: _Server) -> None:
    engine = engine_for(server)
    for _ in range(3):
        assert len(engine.containers("p")) == 20
    assert server.connections == 1
    method, path, _ = server.requests_seen[0]
    assert method == "GET"
    assert path.startswith("/containers/json?all=1&filters=")
    assert engine.api_version == "1.41"


def test_bodies_and_query_parameters(server: _Server) -> None:
    engine = engine_for(server)
    assert engine.create_container("p-web-1", {"Image": "busybox"}) == "b" * 64
    engine.start("b" * 64)
    assert server.requests_seen == [
        ("POST", "/containers/create?name=p-web-1", {"Image": "busybox"}),
        ("POST", f"/containers/{'b' * 64}/start", None),
    ]


def test_engine_errors_keep_the_daemon_message(server: _Server) -> None:
    engine = engine_for(server)
    with pytest.raises(NotFound) as missing:
        engine.inspect_container("missing")
    assert str(missing.value) == "Error response from daemon: No such container: missing"
    with pytest.raises(Conflict, match="already exists"):
        engine.create_network({"Name": "p_default"})
    with pytest.raises(EngineError, match="boom"):
        engine.pause("x")


def test_unreachable_engine(tmp_path: Path) -> None:
    engine = Engine(transport=UnixSocketTransport(str(tmp_path / "none.sock")))
    with pytest.raises(EngineError, match="Cannot connect to the Docker daemon at unix://"):
        engine.containers("p")


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, DEFAULT_SOCKET),
    ({"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, "/run/user/1000/docker.sock"),
    ({"DOCKER_HOST": "tcp://10.0.0.1:2376"}, None),
    ({"DOCKER_HOST": "unix:///x.sock", "DOCKER_TLS_VERIFY": "1"}, None),
    ({"DOCKER_CONTEXT": "default"}, DEFAULT_SOCKET),
    ({"DOCKER_CONTEXT": "remote"}, None),
])
def test_local_socket_follows_the_docker_cli(environ: dict[str, str], expected: str | None,
                                             tmp_path: Path) -> None:
    environ = {"DOCKER_CONFIG": str(tmp_path), **environ}
    assert local_socket(environ) == expected


def test_local_socket_reads_the_current_context(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"currentContext": "desktop-linux"}')
    assert local_socket({"DOCKER_CONFIG": str(tmp_path)}) is None


class _RawServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Answers each connection's requests with the next canned replies, then closes it."""

    daemon_threads = True
    replies: list[list[bytes]]
    connections: int


class _RawHandler(socketserver.StreamRequestHandler):
    server: _RawServer

    def handle(self) -> None:
        replies = self.server.replies[self.server.connections]
        self.server.connections += 1
        for reply in replies:
            while self.rfile.readline() not in (b"\r\n", b""):
                pass
            self.wfile.write(reply)
            self.wfile.flush()


@pytest.fixture
def raw_server(tmp_path: Path) -> Iterator[_RawServer]:
    srv = _RawServer(str(tmp_path / "raw.sock"), _RawHandler)
    srv.connections = 0
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def test_a_body_without_length_is_read_to_the_close(raw_server: _RawServer) -> None:
    raw_server.replies = [
        [b"HTTP/1.1 200 OK\r\nConnection: close\r\nApi-Version: 1.43\r\n\r\n[1, 2]"],
        [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]"],
    ]
    transport = UnixSocketTransport(str(raw_server.server_address))
    first = transport.request("GET", "/a", timeout=5)
    assert (first.status, first.json(), first.api_version) == (200, [1, 2], "1.43")
    assert transport.request("GET", "/b", timeout=5).json() == []
    assert raw_server.connections == 2


def test_a_kept_alive_connection_the_engine_closed_is_replaced(raw_server: _RawServer) -> None:
    # The first connection answers once and is then closed by the server while idle.
    raw_server.replies = [
        [b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1"],
        [b"HTTP/1.1 204 No Content\r\n\r\n"],
    ]
    transport = UnixSocketTransport(str(raw_server.server_address))
    assert transport.request("GET", "/a", timeout=5).json() == 1
    reply = transport.request("POST", "/b", body={"x": 1}, timeout=5)
    assert (reply.status, reply.body) == (204, b"")
    assert raw_server.connections == 2
