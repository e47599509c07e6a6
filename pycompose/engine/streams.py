"""Engine API calls whose answer is a stream: logs, attach, exec, events, archives, export, stats.

On a local engine (a unix socket) the request is written straight onto a socket of its own and
the answer read as it arrives: chunked bodies are decoded in large reads (a chatty container
sends one tiny chunk per line) and hijacked connections (``attach``, ``exec``) are plain
two-way byte streams. Any other host goes through the Docker SDK's session.

Every :class:`Stream` can be closed from another thread; a reader blocked in :meth:`Stream.read`
then sees the end of the stream, which is how followers are stopped.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import struct
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from pycompose.engine.client import Conflict, NotFound
from pycompose.errors import EngineError

if TYPE_CHECKING:
    from pycompose.engine.client import Engine

STDIN = 0
STDOUT = 1
STDERR = 2

_READ_SIZE = 256 * 1024
_HEADER = struct.Struct(">BxxxL")


class Stream:
    """The body of one streamed answer (or the two directions of a hijacked connection)."""

    def read(self) -> bytes:
        """The next bytes of the body as soon as some are there; ``b""`` at the end."""
        raise NotImplementedError

    def send(self, data: bytes) -> None:
        """Write to a hijacked connection (the container's or the process's stdin)."""
        raise EngineError("this stream does not take input")

    def close_write(self) -> None:
        """End of input: the container's stdin sees end of file."""

    def close(self) -> None:
        """Release the connection; a reader blocked in another thread sees the end."""

    def chunks(self) -> Iterator[bytes]:
        while True:
            data = self.read()
            if not data:
                return
            yield data

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SocketStream(Stream):
    """A body read from a socket of our own: ``raw`` (hijacked or to the end), ``chunked``
    or ``length`` (``Content-Length``)."""

    def __init__(self, sock: socket.socket, buffered: bytes, mode: str,
                 length: int | None = None) -> None:
        self.sock = sock
        self.mode = mode
        self.buf = buffered
        self.remaining = length if length is not None else 0
        # Chunked mode: payload bytes left in the current chunk (0: a size line comes next),
        # and whether the CRLF that ends a payload is still to be skipped.
        self.chunk_left = 0
        self.need_crlf = False
        self.done = False
        self._closed = False
        self._lock = threading.Lock()

    def _recv(self) -> bytes:
        if self._closed:
            return b""
        try:
            return self.sock.recv(_READ_SIZE)
        except OSError:
            return b""

    def read(self) -> bytes:
        if self.done:
            return b""
        if self.mode == "raw":
            if self.buf:
                data, self.buf = self.buf, b""
                return data
            data = self._recv()
            if not data:
                self.done = True
            return data
        if self.mode == "length":
            if self.remaining <= 0:
                self.done = True
                return b""
            data = self.buf or self._recv()
            self.buf = b""
            if not data:
                self.done = True
                return b""
            data = data[:self.remaining]
            self.remaining -= len(data)
            return data
        return self._read_chunked()

    def _read_chunked(self) -> bytes:
        while True:
            out = self._decode_buffered()
            if out or self.done:
                return out
            data = self._recv()
            if not data:
                self.done = True
                return b""
            self.buf += data

    def _decode_buffered(self) -> bytes:
        """Every chunk payload byte the buffer holds, consumed from it."""
        parts: list[bytes] = []
        buf, pos = self.buf, 0
        while True:
            if self.need_crlf:
                if len(buf) - pos < 2:
                    break
                pos += 2
                self.need_crlf = False
            if self.chunk_left == 0:
                end = buf.find(b"\r\n", pos)
                if end < 0:
                    break
                try:
                    size = int(buf[pos:end].split(b";", 1)[0].strip(), 16)
                except ValueError:
                    size = 0
                pos = end + 2
                if size == 0:
                    self.done = True
                    break
                self.chunk_left = size
            take = min(self.chunk_left, len(buf) - pos)
            if take <= 0:
                break
            parts.append(buf[pos:pos + take])
            pos += take
            self.chunk_left -= take
            self.need_crlf = self.chunk_left == 0
        self.buf = buf[pos:]
        return b"".join(parts)

    def send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise EngineError(f"cannot write to the container: {exc}") from None

    def close_write(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class _SdkStream(Stream):
    """The same over the Docker SDK's session (tcp, TLS, ssh hosts)."""

    def __init__(self, response: Any, hijacked: Any = None) -> None:
        self.response = response
        self.hijacked = hijacked
        self._iter: Iterator[bytes] | None = None

    def read(self) -> bytes:
        try:
            if self.hijacked is not None:
                reader = getattr(self.hijacked, "recv", None) or self.hijacked.read
                return bytes(reader(_READ_SIZE) or b"")
            if self._iter is None:
                self._iter = iter(self.response.iter_content(chunk_size=None))
            return next(self._iter, b"")
        except Exception:  # a closed connection ends the stream
            return b""

    def _socket(self) -> Any:
        return getattr(self.hijacked, "_sock", self.hijacked)

    def send(self, data: bytes) -> None:
        self._socket().sendall(data)

    def close_write(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self._socket().shutdown(socket.SHUT_WR)

    def close(self) -> None:
        try:
            if self.hijacked is not None:
                self._socket().shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass
        self.response.close()


# -- requests ---------------------------------------------------------------------------------


def socket_path(engine: Engine) -> str | None:
    """The engine's unix socket, when it is reached through one."""
    path = getattr(getattr(engine, "http", None), "path", None)
    if isinstance(path, str):
        return path
    adapter = getattr(engine.raw, "_custom_adapter", None)
    found = getattr(adapter, "socket_path", None)
    return found if isinstance(found, str) else None


def _error(status: int, body: bytes) -> EngineError:
    try:
        data = json.loads(body)
        message = str(data.get("message")) if isinstance(data, dict) else ""
    except ValueError:
        message = ""
    message = message or body.decode("utf-8", "replace").strip() or f"HTTP status {status}"
    text = f"Error response from daemon: {message}"
    if status == 404:
        return NotFound(text)
    if status == 409:
        return Conflict(text)
    return EngineError(text)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    stream: Stream


def request(engine: Engine, method: str, path: str, *, params: dict[str, Any] | None = None,
            body: Any = None, hijack: bool = False, timeout: float | None = None) -> Answer:
    """Send one request; the answer's body is left to be read as a :class:`Stream`.

    ``body`` is JSON (a dict) or bytes (a tar archive). An error status raises the engine's
    message; ``timeout`` bounds only the wait for the answer's headers.
    """
    query = ""
    if params:
        query = "?" + urlencode({k: v for k, v in params.items() if v is not None})
    headers = {}
    payload: bytes | None = None
    if isinstance(body, bytes):
        payload, headers["Content-Type"] = body, "application/x-tar"
    elif body is not None:
        payload, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if hijack:
        headers["Connection"] = "Upgrade"
        headers["Upgrade"] = "tcp"
    path_sock = socket_path(engine)
    if path_sock is None:
        return _sdk_request(engine, method, path + query, payload, headers, hijack, timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path_sock)
    except OSError:
        sock.close()
        raise EngineError(f"Cannot connect to the Docker daemon at unix://{path_sock}. "
                          "Is the docker daemon running?") from None
    # HTTP/1.0 where nothing is upgraded: the body then comes unchunked, ending when the
    # engine closes the connection, which spares decoding one chunk per log line.
    version = "HTTP/1.1" if hijack else "HTTP/1.0"
    lines = [f"{method} {quote(path, safe='/:@')}{query} {version}", "Host: docker",
             "User-Agent: pycompose"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {len(payload) if payload is not None else 0}")
    try:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + (payload or b""))
        buf = b""
        while b"\r\n\r\n" not in buf:
            data = sock.recv(65536)
            if not data:
                raise EngineError(f"the Docker daemon closed the connection ({method} {path})")
            buf += data
    except TimeoutError:
        sock.close()
        raise EngineError(f"timeout waiting for the Docker daemon ({method} {path})") from None
    except OSError as exc:
        sock.close()
        raise EngineError(f"cannot reach the Docker daemon: {exc}") from None
    sock.settimeout(None)
    head, _, rest = buf.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    found: dict[str, str] = {}
    for line in header_lines:
        key, _, value = line.partition(":")
        found[key.strip().lower()] = value.strip()
    if method == "HEAD":
        mode, length = "length", 0
    elif status == 101 or (hijack and status < 300 and "content-length" not in found
                           and found.get("transfer-encoding") != "chunked"):
        mode, length = "raw", None
    elif found.get("transfer-encoding", "").lower() == "chunked":
        mode, length = "chunked", None
    elif "content-length" in found:
        mode, length = "length", int(found["content-length"])
    else:
        mode, length = "raw", None
    stream = _SocketStream(sock, rest, mode, length)
    if status >= 400:
        try:
            body_bytes = b"".join(stream.chunks())
        finally:
            stream.close()
        raise _error(status, body_bytes)
    return Answer(status, found, stream)


def _sdk_request(engine: Engine, method: str, target: str, payload: bytes | None,
                 headers: dict[str, str], hijack: bool, timeout: float | None) -> Answer:
    raw = engine.raw
    url = raw._url(target.split("?", 1)[0]) + (
        "?" + target.split("?", 1)[1] if "?" in target else "")
    try:
        response = raw._session.request(method, url, data=payload, headers=headers,
                                        stream=True, timeout=timeout)
    except Exception as exc:  # any transport failure is the engine's
        raise EngineError(f"cannot reach the Docker daemon: {exc}") from None
    if response.status_code >= 400:
        content = response.content
        response.close()
        raise _error(response.status_code, content)
    found = {k.lower(): v for k, v in response.headers.items()}
    hijacked = raw._get_raw_response_socket(response) if hijack else None
    return Answer(response.status_code, found, _SdkStream(response, hijacked))


# -- frames -----------------------------------------------------------------------------------


class Demuxer:
    """Splits the engine's multiplexed stream (8-byte headers: stream id, payload size) into
    ``(stream id, payload)`` pairs; frames may arrive split anywhere."""

    def __init__(self) -> None:
        self.buf = b""

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        buf = self.buf + data if self.buf else data
        out: list[tuple[int, bytes]] = []
        pos, end = 0, len(buf)
        while end - pos >= 8:
            kind, size = _HEADER.unpack_from(buf, pos)
            if end - pos - 8 < size:
                break
            out.append((kind, buf[pos + 8:pos + 8 + size]))
            pos += 8 + size
        self.buf = buf[pos:]
        return out


def output(stream: Stream, tty: bool) -> Iterator[bytes]:
    """A container's stdout and stderr as one byte stream (how Compose shows them), one
    piece per read: frames that arrived together come out joined."""
    if tty:
        yield from stream.chunks()
        return
    demux = Demuxer()
    for data in stream.chunks():
        joined = b"".join([payload for _kind, payload in demux.feed(data)])
        if joined:
            yield joined


def frames(stream: Stream, tty: bool) -> Iterator[tuple[int, bytes]]:
    """The output of a container or exec as ``(STDOUT|STDERR, bytes)``; a TTY has no frames
    (everything is its stdout)."""
    if tty:
        for data in stream.chunks():
            yield STDOUT, data
        return
    demux = Demuxer()
    for data in stream.chunks():
        yield from demux.feed(data)


# -- the calls --------------------------------------------------------------------------------


def logs(engine: Engine, container: str, *, follow: bool = False, since: str | None = None,
         until: str | None = None, tail: str | None = None, timestamps: bool = False) -> Stream:
    params: dict[str, Any] = {"stdout": 1, "stderr": 1}
    if follow:
        params["follow"] = 1
    if since:
        params["since"] = since
    if until:
        params["until"] = until
    if tail is not None:
        params["tail"] = tail
    if timestamps:
        params["timestamps"] = 1
    return request(engine, "GET", f"/containers/{container}/logs", params=params).stream


def attach(engine: Engine, container: str, *, stdin: bool = False, logs: bool = False,
           detach_keys: str | None = None) -> Stream:
    params: dict[str, Any] = {"stream": 1, "stdout": 1, "stderr": 1}
    if stdin:
        params["stdin"] = 1
    if logs:
        params["logs"] = 1
    if detach_keys:
        params["detachKeys"] = detach_keys
    return request(engine, "POST", f"/containers/{container}/attach", params=params,
                   hijack=True).stream


def resize(engine: Engine, container: str, height: int, width: int) -> None:
    request(engine, "POST", f"/containers/{container}/resize",
            params={"h": height, "w": width}, timeout=30).stream.close()


def wait(engine: Engine, container: str, condition: str = "not-running") -> Stream:
    """``POST /wait``: the answer (``{"StatusCode": N}``) comes when ``condition`` holds; the
    request is sent before the container starts, so a quick exit is not missed."""
    return request(engine, "POST", f"/containers/{container}/wait",
                   params={"condition": condition}).stream


def wait_result(stream: Stream) -> int:
    with stream:
        body = b"".join(stream.chunks())
    try:
        data = json.loads(body)
    except ValueError:
        raise EngineError(f"unexpected answer to wait: {body[:200]!r}") from None
    error = (data.get("Error") or {}).get("Message") if isinstance(data, dict) else None
    if error:
        raise EngineError(str(error))
    return int(data.get("StatusCode", -1))


def exec_create(engine: Engine, container: str, cmd: list[str], *, tty: bool = False,
                stdin: bool = False, env: list[str] | None = None, workdir: str | None = None,
                user: str | None = None, privileged: bool = False,
                detach_keys: str | None = None) -> str:
    body: dict[str, Any] = {
        "AttachStdin": stdin, "AttachStdout": True, "AttachStderr": True, "Tty": tty,
        "Cmd": cmd, "Privileged": privileged,
    }
    if env:
        body["Env"] = env
    if workdir:
        body["WorkingDir"] = workdir
    if user:
        body["User"] = user
    if detach_keys:
        body["DetachKeys"] = detach_keys
    answer = request(engine, "POST", f"/containers/{container}/exec", body=body, timeout=60)
    with answer.stream as stream:
        return str(json.loads(b"".join(stream.chunks()))["Id"])


def exec_start(engine: Engine, exec_id: str, *, tty: bool = False, detach: bool = False
               ) -> Stream:
    answer = request(engine, "POST", f"/exec/{exec_id}/start",
                     body={"Detach": detach, "Tty": tty}, hijack=not detach)
    return answer.stream


def exec_inspect(engine: Engine, exec_id: str) -> dict[str, Any]:
    with request(engine, "GET", f"/exec/{exec_id}/json", timeout=60).stream as stream:
        return dict(json.loads(b"".join(stream.chunks())))


def exec_resize(engine: Engine, exec_id: str, height: int, width: int) -> None:
    request(engine, "POST", f"/exec/{exec_id}/resize",
            params={"h": height, "w": width}, timeout=30).stream.close()


@dataclass(frozen=True)
class PathStat:
    """What ``HEAD /archive`` says about a path in a container."""

    name: str
    size: int
    mode: int
    link_target: str

    @property
    def is_dir(self) -> bool:
        return bool(self.mode & (1 << 31))

    @property
    def is_symlink(self) -> bool:
        return bool(self.mode & (1 << 27))


def _path_stat(headers: dict[str, str]) -> PathStat:
    encoded = headers.get("x-docker-container-path-stat", "")
    data = json.loads(base64.b64decode(encoded)) if encoded else {}
    return PathStat(name=str(data.get("name", "")), size=int(data.get("size") or 0),
                    mode=int(data.get("mode") or 0),
                    link_target=str(data.get("linkTarget") or ""))


def stat_path(engine: Engine, container: str, path: str) -> PathStat:
    answer = request(engine, "HEAD", f"/containers/{container}/archive",
                     params={"path": path}, timeout=60)
    answer.stream.close()
    return _path_stat(answer.headers)


def get_archive(engine: Engine, container: str, path: str) -> tuple[Stream, PathStat]:
    answer = request(engine, "GET", f"/containers/{container}/archive",
                     params={"path": path})
    return answer.stream, _path_stat(answer.headers)


def put_archive(engine: Engine, container: str, path: str, data: bytes, *,
                copy_uid_gid: bool = False) -> None:
    params: dict[str, Any] = {"path": path, "noOverwriteDirNonDir": "true"}
    if copy_uid_gid:
        params["copyUIDGID"] = "true"
    request(engine, "PUT", f"/containers/{container}/archive", params=params,
            body=data).stream.close()


def export(engine: Engine, container: str) -> Stream:
    return request(engine, "GET", f"/containers/{container}/export").stream


def stats(engine: Engine, container: str, *, stream: bool) -> Iterator[dict[str, Any]]:
    """Stats samples (one without ``stream``); each is the engine's JSON document."""
    answer = request(engine, "GET", f"/containers/{container}/stats",
                     params={"stream": 1 if stream else 0})
    yield from json_lines(answer.stream)


def events(engine: Engine, filters: dict[str, list[str]], since: str | None = None) -> Stream:
    params: dict[str, Any] = {"filters": json.dumps(filters)}
    if since:
        params["since"] = since
    return request(engine, "GET", "/events", params=params).stream


def json_lines(stream: Stream) -> Iterator[dict[str, Any]]:
    """Newline-delimited JSON documents (events, stats); the stream is closed at the end."""
    pending = b""
    with stream:
        for data in stream.chunks():
            pending += data
            *complete, pending = pending.split(b"\n")
            for line in complete:
                if line.strip():
                    yield json.loads(line)
        if pending.strip():
            yield json.loads(pending)
