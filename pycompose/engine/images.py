"""Engine API calls on images: pull, push, remove, inspect, list by label.

Pull and push stream the engine's JSON messages; each layer's progress is handed to a callback
as a :class:`LayerProgress`. Errors name the image and its registry, so a refused push or a
missing image is clear without the engine's context.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from pycompose.engine import labels as L
from pycompose.engine.client import Engine, NotFound
from pycompose.errors import EngineError, PycomposeError
from pycompose.images import (
    ContainerImage,
    LocalImage,
    ProjectImage,
    parse_ref,
    repository_and_tag,
)

if TYPE_CHECKING:
    from pycompose.engine.auth import Credentials


class RegistryError(EngineError):
    """A registry refused a pull or a push, or does not have the image; ``reason`` is the
    engine's own message."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class LayerProgress(NamedTuple):
    """One JSON message of a pull or push about one layer."""

    layer: str
    status: str
    current: int = 0
    total: int = 0

    @property
    def done(self) -> bool:
        return self.status in ("Download complete", "Already exists", "Pull complete",
                               "Pushed", "Layer already exists", "Mounted from")


OnLayer = Callable[[LayerProgress], None]


def _registry_of(image: str) -> str:
    try:
        return parse_ref(image).domain
    except PycomposeError:
        return "?"


def _explain(action: str, image: str, message: str, creds: Credentials) -> str:
    registry = _registry_of(image)
    text = f"{action} {image} (registry {registry}) failed: {message}"
    lowered = message.lower()
    if any(w in lowered for w in ("unauthorized", "no basic auth credentials",
                                  "authentication required", "denied")):
        if creds.anonymous:
            text += (f"\nno credentials for {registry} in the docker config file: run "
                     f"`docker login {registry}`")
        else:
            text += f"\nthe registry {registry} refused the credentials of {creds.username!r}"
    return text


def _stream(engine: Engine, response: Any) -> Iterator[dict[str, Any]]:
    for chunk in engine.raw._stream_helper(response, decode=True):
        if isinstance(chunk, dict):
            yield chunk


def _progress(chunk: dict[str, Any]) -> LayerProgress | None:
    layer = chunk.get("id")
    status = chunk.get("status")
    # Messages without progressDetail are about the repository ("Pulling from x"), not a layer.
    if not layer or not status or "progressDetail" not in chunk:
        return None
    detail = chunk.get("progressDetail") or {}
    return LayerProgress(str(layer), str(status), int(detail.get("current") or 0),
                         int(detail.get("total") or 0))


def _check(engine: Engine, response: Any, action: str, image: str, creds: Credentials) -> None:
    if response.status_code < 400:
        return
    try:
        message = str(response.json().get("message") or response.text)
    except ValueError:
        message = response.text.strip()
    raise RegistryError(_explain(action, image, message, creds), message)


def pull(engine: Engine, image: str, creds: Credentials, *, platform: str | None = None,
         on_layer: OnLayer | None = None) -> str:
    """Pull ``image``; returns its id. Raises :class:`RegistryError` naming image and registry."""
    ref = parse_ref(image)
    params: dict[str, str] = {"fromImage": ref.name, "tag": ref.api_tag}
    if platform:
        params["platform"] = platform
    api = engine.raw
    response = api._post(api._url("/images/create"), params=params,
                         headers={"X-Registry-Auth": creds.header()}, stream=True, timeout=None)
    _check(engine, response, "pulling", image, creds)
    for chunk in _stream(engine, response):
        if chunk.get("error") or chunk.get("errorDetail"):
            message = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error")
            raise RegistryError(_explain("pulling", image, str(message), creds), str(message))
        step = _progress(chunk)
        if step is not None and on_layer is not None:
            on_layer(step)
    return engine.image_id(image) or ""


def push(engine: Engine, image: str, creds: Credentials, *,
         on_layer: OnLayer | None = None) -> None:
    """Push ``image`` (a local tag) to its registry."""
    ref = parse_ref(image)
    api = engine.raw
    url = api._url("/images/{0}/push", ref.familiar_name if ref.domain != "docker.io"
                   else ref.name)
    params = {"tag": ref.tag or "latest"}
    response = api._post_json(url, data={}, params=params,
                              headers={"X-Registry-Auth": creds.header()}, stream=True,
                              timeout=None)
    _check(engine, response, "pushing", image, creds)
    for chunk in _stream(engine, response):
        if chunk.get("error") or chunk.get("errorDetail"):
            message = (chunk.get("errorDetail") or {}).get("message") or chunk.get("error")
            raise RegistryError(_explain("pushing", image, str(message), creds), str(message))
        step = _progress(chunk)
        if step is not None and on_layer is not None:
            on_layer(step)


_TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)?$")


def parse_time(text: object) -> datetime | None:
    """An Engine API timestamp (RFC 3339 with nanoseconds); None for Go's zero time."""
    if not isinstance(text, str) or text.startswith("0001-01-01"):
        return None
    match = _TIMESTAMP.match(text)
    if match is None:
        return None
    base, fraction, zone = match.groups()
    micro = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if zone in (None, "Z") else zone
    return datetime.fromisoformat(f"{base}.{micro}{offset}").astimezone(UTC)


def local_image(engine: Engine, image: str) -> LocalImage | None:
    """What the engine has under ``image`` (None when it has nothing)."""
    try:
        raw = engine.inspect_image(image)
    except NotFound:
        return None
    tagged = parse_time((raw.get("Metadata") or {}).get("LastTagTime"))
    return LocalImage(id=str(raw["Id"]), last_tagged=tagged or parse_time(raw.get("Created")))


def inspect(engine: Engine, image: str) -> dict[str, Any] | None:
    """``GET /images/{image}/json``, or None when the engine has no such image."""
    try:
        return engine.inspect_image(image)
    except NotFound:
        return None


def project_images(engine: Engine, project: str) -> list[ProjectImage]:
    """Tagged images the engine lists with the project's label (what Compose built)."""
    filters = json.dumps({"label": [f"{L.PROJECT}={project}"], "dangling": ["false"]})
    raw = engine._get("/images/json", {"filters": filters})
    out = []
    for item in raw:
        tags = tuple(t for t in item.get("RepoTags") or () if t != "<none>:<none>")
        out.append(ProjectImage(id=str(item["Id"]), repo_tags=tags,
                                service=str((item.get("Labels") or {}).get(L.SERVICE, ""))))
    return out


def remove(engine: Engine, image: str) -> str:
    """Remove ``image`` as ``down --rmi`` does (children kept); returns Compose's status text."""
    api = engine.raw
    response = api._delete(api._url("/images/{0}", image), params={"noprune": "1"})
    if response.status_code == 404:
        return "Warning: No resource found to remove"
    if response.status_code == 409:
        return "Resource is still in use"
    if response.status_code >= 400:
        try:
            message = str(response.json().get("message") or response.text)
        except ValueError:
            message = response.text.strip()
        raise EngineError(f"removing image {image}: {message}")
    return "Removed"


def container_images(engine: Engine, project: str, services: tuple[str, ...] = ()
                     ) -> list[ContainerImage]:
    """The image of each container of ``project`` (of ``services`` only, when given), sorted
    by container name; one inspect per distinct image."""
    rows = []
    cache: dict[str, dict[str, Any] | None] = {}
    for container in engine.containers(project):
        labels = container.get("Labels") or {}
        if services and labels.get(L.SERVICE) not in services:
            continue
        image = str(container.get("Image") or "")
        if image not in cache:
            cache[image] = inspect(engine, image)
        raw = cache[image]
        if raw is None:
            continue
        repository, tag = repository_and_tag(image)
        platform = "/".join(p for p in (raw.get("Os"), raw.get("Architecture"),
                                        raw.get("Variant")) if p)
        names = container.get("Names") or [""]
        rows.append(ContainerImage(
            container=str(names[0]).lstrip("/"),
            id=str(raw.get("Id") or ""),
            repository=repository,
            tag=tag,
            platform=platform,
            size=int(raw.get("Size") or 0),
            created=str(raw.get("Created") or ""),
            last_tag_time=str((raw.get("Metadata") or {}).get("LastTagTime") or ""),
        ))
    return sorted(rows, key=lambda row: row.container)
