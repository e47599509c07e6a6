"""Image builds through the engine's own BuildKit (``POST /build`` with ``version=2``).

This is what Docker Compose v2 does when no buildx plugin is installed: the build context is
sent as a tar stream (``.dockerignore`` honoured, modes and symlinks kept), so
``RUN --mount=type=cache`` works and stages the target does not need are skipped.
"""

from __future__ import annotations

import base64
import io
import os
import tarfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose.engine import labels as L
from pycompose.engine.client import Engine
from pycompose.errors import EngineError


@dataclass(frozen=True)
class BuildRequest:
    """One image to build: where from, what to call it, and the build options."""

    service: str
    tag: str
    context: str
    dockerfile: str = "Dockerfile"
    dockerfile_inline: str | None = None
    args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    no_cache: bool = False
    pull: bool = False
    network: str | None = None
    extra_hosts: tuple[str, ...] = ()
    shm_size: int | None = None
    platform: str | None = None
    tags: tuple[str, ...] = ()
    cache_from: tuple[str, ...] = ()


class BuildError(EngineError):
    """A build failed; the message holds the failing step and its output."""


def request_for(project_name: str, service_name: str, spec: Mapping[str, Any], image: str
                ) -> BuildRequest:
    """The build request for a service's normalized ``build:`` section."""
    build = spec.get("build") or {}
    labels = dict(build.get("labels") or {})
    labels.update({L.PROJECT: project_name, L.SERVICE: service_name,
                   L.VERSION: L.COMPOSE_VERSION})
    args = {k: str(v) for k, v in (build.get("args") or {}).items() if v is not None}
    platforms = build.get("platforms") or ()
    return BuildRequest(
        service=service_name,
        tag=image,
        context=str(build.get("context") or "."),
        dockerfile=str(build.get("dockerfile") or "Dockerfile"),
        dockerfile_inline=build.get("dockerfile_inline"),
        args=args,
        target=build.get("target"),
        labels=labels,
        no_cache=bool(build.get("no_cache")),
        pull=bool(build.get("pull")),
        network=build.get("network"),
        extra_hosts=tuple(str(h).replace("=", ":", 1) for h in build.get("extra_hosts") or ()),
        shm_size=int(build["shm_size"]) if build.get("shm_size") else None,
        platform=(spec.get("platform") or (platforms[0] if platforms else None)),
        tags=tuple(build.get("tags") or ()),
        cache_from=tuple(build.get("cache_from") or ()),
    )


def _ignore_patterns(context: str, dockerfile: str) -> list[str]:
    for name in (f"{dockerfile}.dockerignore", ".dockerignore"):
        path = os.path.join(context, name)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return [line.strip() for line in fh if line.strip() and
                        not line.lstrip().startswith("#")]
    return []


def context_tar(request: BuildRequest) -> tuple[bytes, str]:
    """The build context as a tar archive (GNU format, which BuildKit reads), and the
    Dockerfile's name inside it."""
    from docker.utils.build import exclude_paths

    buf = io.BytesIO()
    dockerfile = request.dockerfile
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        if os.path.isdir(request.context):
            patterns = _ignore_patterns(request.context, dockerfile)
            keep_dockerfile = dockerfile if not os.path.isabs(dockerfile) else None
            for rel in sorted(exclude_paths(request.context, patterns,
                                            dockerfile=keep_dockerfile)):
                full = os.path.join(request.context, rel)
                info = tar.gettarinfo(full, arcname=rel)
                info.mtime = int(info.mtime)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if info.isfile():
                    with open(full, "rb") as fh:
                        tar.addfile(info, fh)
                else:
                    tar.addfile(info)
        inline = request.dockerfile_inline
        if inline is None and os.path.isabs(dockerfile):
            with open(dockerfile, encoding="utf-8") as fh:
                inline = fh.read()
        if inline is not None:
            dockerfile = ".pycompose.Dockerfile"
            data = inline.encode("utf-8")
            info = tarfile.TarInfo(dockerfile)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue(), dockerfile


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """(field number, wire type, value) of a protobuf message; enough to read BuildKit traces."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, pos = _read_varint(data, pos)
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            value = data[pos:pos + length]
            pos += length
        elif wire == 1:
            value, pos = data[pos:pos + 8], pos + 8
        elif wire == 5:
            value, pos = data[pos:pos + 4], pos + 4
        else:
            return
        yield number, wire, value


@dataclass
class _Trace:
    names: dict[bytes, str] = field(default_factory=dict)
    logs: dict[bytes, list[str]] = field(default_factory=dict)
    errors: dict[bytes, str] = field(default_factory=dict)
    order: list[bytes] = field(default_factory=list)

    def feed(self, aux: str, emit: Callable[[str], None]) -> None:
        # StatusResponse: 1 = vertexes (1 digest, 3 name, 5 started, 6 completed, 7 error),
        # 3 = logs (1 vertex, 4 msg).
        for number, _, value in _fields(base64.b64decode(aux)):
            if number == 1:
                digest = b""
                name = error = ""
                completed = False
                for n, _, v in _fields(value):
                    if n == 1:
                        digest = v
                    elif n == 3:
                        name = v.decode("utf-8", "replace")
                    elif n == 6:
                        completed = True
                    elif n == 7:
                        error = v.decode("utf-8", "replace")
                if name and digest not in self.names:
                    self.names[digest] = name
                    self.order.append(digest)
                    emit(name)
                if error:
                    self.errors[digest] = error
                del completed
            elif number == 3:
                vertex = b""
                msg = ""
                for n, _, v in _fields(value):
                    if n == 1:
                        vertex = v
                    elif n == 4:
                        msg = v.decode("utf-8", "replace")
                self.logs.setdefault(vertex, []).append(msg)

    def failure(self) -> str:
        for digest, error in self.errors.items():
            name = self.names.get(digest, "")
            output = "".join(self.logs.get(digest, []))
            return f"{name}:\n{output}{error}".strip()
        return ""


def build(engine: Engine, request: BuildRequest, *, on_step: Callable[[str], None] | None = None,
          quiet: bool = False) -> str:
    """Build one image; returns its id. Raises :class:`BuildError` with the failing step."""
    body, dockerfile = context_tar(request)
    params: dict[str, Any] = {
        "t": [request.tag, *request.tags],
        "dockerfile": dockerfile,
        "version": "2",
        "rm": "1",
        "forcerm": "1",
    }
    if request.args:
        import json

        params["buildargs"] = json.dumps(dict(request.args))
    if request.labels:
        import json

        params["labels"] = json.dumps(dict(request.labels))
    if request.target:
        params["target"] = request.target
    if request.no_cache:
        params["nocache"] = "1"
    if request.pull:
        params["pull"] = "1"
    if request.network:
        params["networkmode"] = request.network
    if request.extra_hosts:
        params["extrahosts"] = ",".join(request.extra_hosts)
    if request.shm_size:
        params["shmsize"] = request.shm_size
    if request.platform:
        params["platform"] = request.platform
    if request.cache_from:
        import json

        params["cachefrom"] = json.dumps(list(request.cache_from))
    api = engine.raw
    response = api._post(api._url("/build"), data=body, params=params,
                         headers={"Content-Type": "application/x-tar"}, stream=True,
                         timeout=None)
    if response.status_code >= 400:
        raise BuildError(f"failed to build {request.service}: {response.text.strip()}")
    trace = _Trace()
    image_id = ""
    emit = on_step or (lambda _: None)
    for chunk in api._stream_helper(response, decode=True):
        if chunk.get("id") == "moby.buildkit.trace":
            trace.feed(chunk.get("aux", ""), emit)
        elif chunk.get("id") == "moby.image.id":
            image_id = str((chunk.get("aux") or {}).get("ID", ""))
        elif "errorDetail" in chunk or "error" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error")
            step = trace.failure()
            message = f"failed to build service {request.service!r}: {detail}"
            if step:
                message += f"\n{step}"
            raise BuildError(message)
        elif chunk.get("stream") and not quiet:
            emit(str(chunk["stream"]).rstrip())
    if not image_id:
        image_id = engine.image_id(request.tag) or ""
    return image_id
