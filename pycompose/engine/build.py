"""Image builds through the engine's own BuildKit (``POST /build`` with ``version=2``).

Without a buildx plugin, Docker Compose v2 builds with the BuildKit inside the engine, so
``RUN --mount=type=cache`` works and stages the target does not need are skipped; pycompose does
the same over the plain Engine API. The build context is sent as a tar stream the way the Docker
CLI sends it (``.dockerignore`` or ``<Dockerfile>.dockerignore`` honoured, modes and symlinks
kept). Engines without BuildKit (``DOCKER_BUILDKIT=0``, Windows) get the classic builder.

BuildKit's progress arrives as base64 protobuf (``moby.buildkit.trace``); a small reader turns
it into the plain progress lines buildx prints (``#5 [web 2/3] RUN make``) and names the failing
step with its output when a build fails.
"""

from __future__ import annotations

import base64
import io
import json
import os
import tarfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose.engine import labels as L
from pycompose.engine.client import Engine
from pycompose.errors import EngineError, PycomposeError

OnLine = Callable[[str], None]


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
    isolation: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def remote(self) -> bool:
        """The context is a git repository or URL that the engine fetches itself."""
        return is_remote_context(self.context)


class BuildError(EngineError):
    """A build failed; the message holds the failing step and its output."""


_REMOTE_PREFIXES = ("git://", "git@", "github.com/", "http://", "https://")


def is_remote_context(context: str) -> bool:
    return context.startswith(_REMOTE_PREFIXES)


# Attributes whose BuildKit features need a client session (the buildx/gRPC protocol).
_SESSION_ONLY = ("ssh", "secrets", "additional_contexts")
# Attributes only buildx implements; saying so beats silently building something else.
_BUILDX_ONLY = ("cache_to", "privileged", "entitlements", "provenance", "sbom")


def request_for(project_name: str, service_name: str, spec: Mapping[str, Any], image: str, *,
                args: Mapping[str, str] | None = None, no_cache: bool = False,
                pull: bool = False) -> BuildRequest:
    """The build request for a service's normalized ``build:`` section; ``args``, ``no_cache``
    and ``pull`` are the command line's ``--build-arg``, ``--no-cache`` and ``--pull``."""
    build = spec.get("build") or {}
    for key in _SESSION_ONLY:
        if build.get(key):
            raise PycomposeError(
                f"service {service_name!r}: build.{key} needs a BuildKit client session, which "
                f"pycompose does not implement; remove build.{key} or build the image with "
                "`docker buildx build`"
            )
    warnings = [f"service {service_name!r}: build.{key} is ignored (it needs buildx)"
                for key in _BUILDX_ONLY if build.get(key)]
    labels = dict(build.get("labels") or {})
    labels.update({L.PROJECT: project_name, L.SERVICE: service_name,
                   L.VERSION: L.COMPOSE_VERSION})
    build_args = {k: str(v) for k, v in (build.get("args") or {}).items() if v is not None}
    build_args.update(args or {})
    platforms = tuple(build.get("platforms") or ())
    platform = spec.get("platform") or (platforms[0] if platforms else None)
    if len(platforms) > 1:
        warnings.append(
            f"service {service_name!r}: building only {platform} of build.platforms "
            f"{', '.join(platforms)}: the engine's builder makes one platform per image"
        )
    shm = build.get("shm_size")
    return BuildRequest(
        service=service_name,
        tag=image,
        context=str(build.get("context") or "."),
        dockerfile=str(build.get("dockerfile") or "Dockerfile"),
        dockerfile_inline=build.get("dockerfile_inline"),
        args=build_args,
        target=build.get("target"),
        labels=labels,
        no_cache=no_cache or bool(build.get("no_cache")),
        pull=pull or bool(build.get("pull")),
        network=build.get("network"),
        extra_hosts=tuple(_host_entry(str(h)) for h in build.get("extra_hosts") or ()),
        shm_size=int(shm) if shm else None,
        platform=str(platform) if platform else None,
        tags=tuple(str(t) for t in build.get("tags") or () if str(t) != image),
        cache_from=tuple(build.get("cache_from") or ()),
        isolation=build.get("isolation"),
        warnings=tuple(warnings),
    )


def _host_entry(entry: str) -> str:
    # Compose writes `host=ip`; the engine's extrahosts takes `host:ip`.
    name, sep, address = entry.partition("=")
    return f"{name}:{address}" if sep else entry


# -- the context ----------------------------------------------------------------------------


def ignore_patterns(context: str, dockerfile: str) -> list[str]:
    """The patterns of ``<Dockerfile>.dockerignore`` (next to the Dockerfile) or else the
    context's ``.dockerignore``."""
    candidates = []
    if dockerfile:
        base = dockerfile if os.path.isabs(dockerfile) else os.path.join(context, dockerfile)
        candidates.append(f"{base}.dockerignore")
    candidates.append(os.path.join(context, ".dockerignore"))
    for path in candidates:
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                return [line.strip() for line in fh
                        if line.strip() and not line.lstrip().startswith("#")]
    return []


INLINE_DOCKERFILE = ".pycompose.Dockerfile"


def context_tar(request: BuildRequest) -> tuple[bytes, str]:
    """The build context as a tar archive, and the Dockerfile's name inside it.

    GNU format: Python's default PAX headers make BuildKit take the upload for a remote
    context. Files keep their mode and symlinks stay links; owners are root as the CLI sends.
    """
    from docker.utils.build import exclude_paths

    buf = io.BytesIO()
    dockerfile = request.dockerfile
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as tar:
        if os.path.isdir(request.context):
            patterns = ignore_patterns(request.context, dockerfile)
            keep = None if os.path.isabs(dockerfile) else dockerfile
            for rel in sorted(exclude_paths(request.context, patterns, dockerfile=keep)):
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
        elif not request.dockerfile_inline:
            raise BuildError(f"failed to build service {request.service!r}: build context "
                             f"{request.context} is not a directory")
        inline = request.dockerfile_inline
        if inline is None and os.path.isabs(dockerfile):
            with open(dockerfile, encoding="utf-8") as fh:
                inline = fh.read()
        if inline is not None:
            dockerfile = INLINE_DOCKERFILE
            data = inline.encode("utf-8")
            info = tarfile.TarInfo(dockerfile)
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue(), dockerfile


# -- BuildKit's trace -------------------------------------------------------------------------


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, Any]]:
    """(field number, value) of a protobuf message; enough to read BuildKit's traces."""
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
        yield number, value


def _timestamp(data: bytes) -> float:
    seconds = nanos = 0
    for n, v in _fields(data):
        if n == 1:
            seconds = v
        elif n == 2:
            nanos = v
    return seconds + nanos / 1e9


@dataclass
class _Vertex:
    number: int
    name: str
    started: float = 0.0
    completed: float = 0.0
    cached: bool = False
    error: str = ""
    logs: list[str] = field(default_factory=list)
    done_printed: bool = False


class Numbering:
    """Vertex numbers shared by the builds of one command, as buildx numbers a bake run."""

    def __init__(self) -> None:
        self._next = 1
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            number = self._next
            self._next += 1
            return number


def _human_bytes(size: float) -> str:
    units = ["B", "kB", "MB", "GB", "TB"]
    i = 0
    while size >= 1000.0 and i < len(units) - 1:
        size /= 1000.0
        i += 1
    return f"{size:.4g}{units[i]}"


class Trace:
    """Reads ``moby.buildkit.trace`` messages of one build and prints buildx's plain progress.

    A StatusResponse has vertexes (1: digest 1, name 3, cached 4, started 5, completed 6,
    error 7), statuses (2: id 1, vertex 2, current 4, total 5, completed 8) and logs (3: vertex
    1, timestamp 2, msg 4).
    """

    def __init__(self, service: str, emit: OnLine, numbering: Numbering | None = None) -> None:
        self.service = service
        self.emit = emit
        self.numbering = numbering or Numbering()
        self.vertices: dict[bytes, _Vertex] = {}
        self._current: bytes | None = None
        self._partial: dict[bytes, str] = {}

    def _label(self, name: str) -> str:
        if name.startswith("["):
            return f"[{self.service} {name[1:]}"
        return f"[{self.service}] {name}"

    def _switch(self, digest: bytes) -> _Vertex:
        vertex = self.vertices[digest]
        if self._current != digest:
            self.emit("")
            self.emit(f"#{vertex.number} {self._label(vertex.name)}")
            self._current = digest
        return vertex

    def feed(self, aux: str) -> None:
        for number, value in _fields(base64.b64decode(aux)):
            if number == 1:
                self._vertex(value)
            elif number == 2:
                self._status(value)
            elif number == 3:
                self._log(value)

    def _vertex(self, data: bytes) -> None:
        digest, name, cached, started, completed, error = b"", "", False, 0.0, 0.0, ""
        for n, v in _fields(data):
            if n == 1:
                digest = v
            elif n == 3:
                name = v.decode("utf-8", "replace")
            elif n == 4:
                cached = bool(v)
            elif n == 5:
                started = _timestamp(v)
            elif n == 6:
                completed = _timestamp(v)
            elif n == 7:
                error = v.decode("utf-8", "replace")
        vertex = self.vertices.get(digest)
        if vertex is None:
            if not name:
                return
            vertex = self.vertices[digest] = _Vertex(self.numbering.take(), name)
            if not (started or cached or completed):
                return
        vertex.cached = vertex.cached or cached
        vertex.started = started or vertex.started
        vertex.completed = completed or vertex.completed
        vertex.error = error or vertex.error
        if not vertex.done_printed and (vertex.started or vertex.cached):
            self._switch(digest)
        if vertex.done_printed or not (vertex.completed or vertex.cached or vertex.error):
            return
        self._switch(digest)
        self._flush(digest, vertex)
        if vertex.error:
            self.emit(f"#{vertex.number} ERROR: {vertex.error}")
        elif vertex.cached:
            self.emit(f"#{vertex.number} CACHED")
        else:
            elapsed = max(0.0, vertex.completed - vertex.started)
            self.emit(f"#{vertex.number} DONE {elapsed:.1f}s")
        vertex.done_printed = True

    def _status(self, data: bytes) -> None:
        ident, digest, current, total, completed = "", b"", 0, 0, False
        for n, v in _fields(data):
            if n == 1:
                ident = v.decode("utf-8", "replace")
            elif n == 2:
                digest = v
            elif n == 4:
                current = v
            elif n == 5:
                total = v
            elif n == 8:
                completed = True
        if not completed or digest not in self.vertices:
            return
        vertex = self._switch(digest)
        amount = _human_bytes(current) if ident.startswith("transferring") else ""
        if total and amount:
            amount += f" / {_human_bytes(total)}"
        self.emit(f"#{vertex.number} {ident}{': ' + amount if amount else ''} done")

    def _log(self, data: bytes) -> None:
        digest, stamp, msg = b"", 0.0, b""
        for n, v in _fields(data):
            if n == 1:
                digest = v
            elif n == 2:
                stamp = _timestamp(v)
            elif n == 4:
                msg = v
        vertex = self.vertices.get(digest)
        if vertex is None:
            return
        text = self._partial.pop(digest, "") + msg.decode("utf-8", "replace")
        lines = text.split("\n")
        self._partial[digest] = lines.pop()
        offset = max(0.0, stamp - vertex.started) if vertex.started else 0.0
        for line in lines:
            vertex.logs.append(f"{offset:.3f} {line}")
            self._switch(digest)
            self.emit(f"#{vertex.number} {offset:.3f} {line}")

    def _flush(self, digest: bytes, vertex: _Vertex) -> None:
        rest = self._partial.pop(digest, "")
        if rest:
            vertex.logs.append(rest)
            self.emit(f"#{vertex.number} {rest}")

    def failure(self) -> str:
        """The failing step and the end of its output, framed as buildx frames them."""
        for digest, vertex in self.vertices.items():
            if vertex.error:
                self._flush(digest, vertex)
                tail = vertex.logs[-10:]
                body = "".join(f"{line}\n" for line in tail)
                return f"------\n > {self._label(vertex.name)}:\n{body}------"
        return ""


# -- base images from private registries ----------------------------------------------------


def base_images(dockerfile: str) -> list[str]:
    """The images a Dockerfile starts stages from (``FROM``, ``COPY --from``), without stage
    names, ``scratch`` and references that need build arguments."""
    stages: set[str] = set()
    out: list[str] = []
    text = dockerfile.replace("\\\n", " ")
    for raw in text.splitlines():
        words = raw.split()
        if not words or words[0].startswith("#"):
            continue
        instruction = words[0].upper()
        refs: list[str] = []
        if instruction == "FROM":
            args = [w for w in words[1:] if not w.startswith("--")]
            if args:
                refs.append(args[0])
            if len(args) >= 3 and args[1].upper() == "AS":
                stages.add(args[2].lower())
        elif instruction in ("COPY", "ADD"):
            refs += [w.split("=", 1)[1] for w in words[1:] if w.startswith("--from=")]
        for ref in refs:
            if ref.lower() in stages or ref == "scratch" or "$" in ref or ref.isdigit():
                continue
            if ref not in out:
                out.append(ref)
    return out


def dockerfile_text(request: BuildRequest) -> str | None:
    """The Dockerfile of a local build, or None when it cannot be read here."""
    if request.dockerfile_inline is not None:
        return request.dockerfile_inline
    if request.remote:
        return None
    path = request.dockerfile
    if not os.path.isabs(path):
        path = os.path.join(request.context, path)
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return None


_NO_SESSION = "no active sessions"


def _explain_failure(detail: str) -> str:
    if _NO_SESSION not in detail:
        return detail
    # The engine's BuildKit asks a client session for registry credentials; without one it
    # can only use images the engine already has.
    return (f"{detail}\nBuildKit needed credentials for a registry, which it can only get "
            "through a client session that pycompose does not implement; pycompose pulls the "
            "FROM images of registries listed in the docker config file before building, so "
            "check that the image exists there and drop --pull/build.pull for such images")


# -- the call -------------------------------------------------------------------------------


def use_buildkit(engine: Engine) -> bool:
    """BuildKit unless ``DOCKER_BUILDKIT`` turns it off or the engine has none (Windows)."""
    setting = os.environ.get("DOCKER_BUILDKIT", "").strip().lower()
    if setting:
        return setting not in ("0", "false", "no", "off")
    try:
        return str(engine.version().get("Os", "linux")).lower() != "windows"
    except EngineError:
        return True


def _params(request: BuildRequest, dockerfile: str, buildkit: bool) -> dict[str, Any]:
    params: dict[str, Any] = {
        "t": [request.tag, *request.tags],
        "dockerfile": dockerfile,
        "rm": "1",
        "forcerm": "1",
    }
    if buildkit:
        params["version"] = "2"
    if request.remote:
        params["remote"] = request.context
    if request.args:
        params["buildargs"] = json.dumps(dict(request.args))
    if request.labels:
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
        params["cachefrom"] = json.dumps(list(request.cache_from))
    if request.isolation:
        params["isolation"] = request.isolation
    return params


def build(engine: Engine, request: BuildRequest, *, on_line: OnLine | None = None,
          numbering: Numbering | None = None, registry_config: str | None = None,
          buildkit: bool | None = None) -> str:
    """Build one image; returns its id. Progress lines go to ``on_line``; a failure raises
    :class:`BuildError` naming the failing step, with its output."""
    emit = on_line or (lambda _: None)
    if buildkit is None:
        buildkit = use_buildkit(engine)
    if request.remote:
        body, dockerfile = None, request.dockerfile
    else:
        body, dockerfile = context_tar(request)
    headers = {"Content-Type": "application/x-tar"}
    if registry_config:
        headers["X-Registry-Config"] = registry_config
    api = engine.raw
    try:
        response = api._post(api._url("/build"), data=body,
                             params=_params(request, dockerfile, buildkit), headers=headers,
                             stream=True, timeout=None)
    except Exception as exc:  # connection errors of requests/urllib3
        raise EngineError(f"failed to build service {request.service!r}: {exc}") from None
    if response.status_code >= 400:
        try:
            message = str(response.json().get("message") or response.text)
        except ValueError:
            message = response.text.strip()
        raise BuildError(f"failed to build service {request.service!r}: {message}")
    trace = Trace(request.service, emit, numbering)
    classic_step: list[str] = []
    image_id = ""
    for chunk in api._stream_helper(response, decode=True):
        aux = chunk.get("aux")
        if chunk.get("id") == "moby.buildkit.trace":
            trace.feed(str(aux or ""))
        elif isinstance(aux, dict) and aux.get("ID"):
            image_id = str(aux["ID"])
        elif "errorDetail" in chunk or "error" in chunk:
            detail = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error")
            step = trace.failure() if buildkit else "\n".join(classic_step).rstrip()
            message = f"failed to build service {request.service!r}:"
            if step:
                message += f"\n{step}"
            detail = _explain_failure(str(detail))
            message += f"\nfailed to solve: {detail}" if buildkit else f"\n{detail}"
            raise BuildError(message)
        elif chunk.get("stream") and not buildkit:
            text = str(chunk["stream"]).rstrip("\n")
            if not text.strip():
                continue
            for line in text.split("\n"):
                if line.startswith("Step "):
                    classic_step = []
                classic_step.append(line)
                emit(line)
    if not image_id:
        image_id = engine.image_id(request.tag) or ""
    return image_id
