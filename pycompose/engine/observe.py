"""What the engine has for a project: one list call per kind, filtered by the project label."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from pycompose.engine import labels as L

if TYPE_CHECKING:
    from pycompose.engine.client import Engine


class ObservedContainer(NamedTuple):
    id: str
    name: str
    service: str
    number: int
    config_hash: str
    image_id: str
    state: str
    status: str
    oneoff: bool
    labels: Mapping[str, str]
    networks: tuple[str, ...] = ()
    health: str | None = None
    volumes: tuple[str, ...] = ()

    @property
    def running(self) -> bool:
        return self.state in ("running", "restarting", "paused")

    @property
    def short_id(self) -> str:
        return self.id[:12]


class ObservedNetwork(NamedTuple):
    id: str
    name: str
    key: str
    config_hash: str
    labels: Mapping[str, str]


class ObservedVolume(NamedTuple):
    name: str
    key: str
    config_hash: str
    labels: Mapping[str, str]


class ObservedState(NamedTuple):
    """A snapshot of one project on the engine."""

    project: str
    containers: tuple[ObservedContainer, ...] = ()
    networks: Mapping[str, ObservedNetwork] = MappingProxyType({})
    volumes: Mapping[str, ObservedVolume] = MappingProxyType({})
    images: Mapping[str, str | None] = MappingProxyType({})

    def service_containers(self, service: str) -> list[ObservedContainer]:
        return sorted(
            (c for c in self.containers if c.service == service and not c.oneoff),
            key=lambda c: c.number,
        )


def _health(status: str) -> str | None:
    for word in ("healthy", "unhealthy", "health: starting"):
        if f"({word})" in status:
            return word.replace("health: ", "")
    return None


def container_from_summary(raw: Mapping[str, Any]) -> ObservedContainer:
    labels = raw.get("Labels") or {}
    names = raw.get("Names") or [""]
    try:
        number = int(labels.get(L.CONTAINER_NUMBER, "0"))
    except ValueError:
        number = 0
    nets = ((raw.get("NetworkSettings") or {}).get("Networks") or {}).keys()
    status = str(raw.get("Status") or "")
    mounts = raw.get("Mounts") or []
    return ObservedContainer(
        id=str(raw["Id"]),
        name=str(names[0]).lstrip("/"),
        service=labels.get(L.SERVICE, ""),
        number=number,
        config_hash=labels.get(L.CONFIG_HASH, ""),
        image_id=labels.get(L.IMAGE, ""),
        state=str(raw.get("State") or ""),
        status=status,
        oneoff=labels.get(L.ONEOFF, "False") == "True",
        labels=dict(labels),
        networks=tuple(nets),
        health=_health(status),
        volumes=tuple(str(m.get("Name")) for m in mounts if m.get("Type") == "volume"),
    )


def observe(engine: Engine, project: str, images: tuple[str, ...] = ()) -> ObservedState:
    """Containers, networks and volumes labelled for ``project``, plus the ids of ``images``."""
    containers = tuple(
        container_from_summary(c)
        for c in engine.containers(project)
        if (c.get("Labels") or {}).get(L.CONFIG_HASH) is not None
    )
    networks = {}
    for raw in engine.networks(project):
        lab = raw.get("Labels") or {}
        networks[str(raw["Name"])] = ObservedNetwork(
            id=str(raw["Id"]), name=str(raw["Name"]), key=lab.get(L.NETWORK, ""),
            config_hash=lab.get(L.CONFIG_HASH, ""), labels=dict(lab),
        )
    volumes = {}
    for raw in engine.volumes(project):
        lab = raw.get("Labels") or {}
        volumes[str(raw["Name"])] = ObservedVolume(
            name=str(raw["Name"]), key=lab.get(L.VOLUME, ""),
            config_hash=lab.get(L.CONFIG_HASH, ""), labels=dict(lab),
        )
    image_ids = {ref: engine.image_id(ref) for ref in dict.fromkeys(images)}
    return ObservedState(
        project=project, containers=containers, networks=networks, volumes=volumes,
        images=image_ids,
    )
