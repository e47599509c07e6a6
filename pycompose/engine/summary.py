"""What the listing commands (``ps``, ``ls``, ``top``, ``port``) read from the engine.

Each listing is one container list call with the label filters Docker Compose v2 sends; the
entries are the observed containers of :mod:`pycompose.engine.observe` plus what ``docker ps``
shows about them (command, ports, mounts, creation time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycompose.engine import labels as L
from pycompose.engine.observe import ObservedContainer, container_from_summary

if TYPE_CHECKING:
    from pycompose.engine.client import Engine

#: Which one-off (``run``) containers a listing includes, as Compose's ``oneOff`` switch.
ONEOFF_EXCLUDE = "exclude"
ONEOFF_INCLUDE = "include"


@dataclass(frozen=True)
class PortSummary:
    """One port of a container as the engine lists it (``public`` is 0 when not published)."""

    ip: str
    private: int
    public: int
    protocol: str


@dataclass(frozen=True)
class MountSummary:
    name: str
    driver: str


@dataclass(frozen=True)
class ContainerSummary:
    """A container as ``docker ps`` sees it; ``container`` is its observed state."""

    container: ObservedContainer
    names: tuple[str, ...]
    image: str
    command: str
    created: int
    ports: tuple[PortSummary, ...]
    mounts: tuple[MountSummary, ...]

    @property
    def id(self) -> str:
        return self.container.id

    @property
    def name(self) -> str:
        return canonical_name(self.names, self.container.id)

    @property
    def service(self) -> str:
        return self.container.service

    @property
    def project(self) -> str:
        return self.container.labels.get(L.PROJECT, "")

    @property
    def labels(self) -> Mapping[str, str]:
        return self.container.labels

    @property
    def exit_code(self) -> int:
        """The exit code of an exited container, read from its status (``Exited (137) ...``)."""
        status = self.container.status
        if self.container.state in ("exited", "dead") and status.startswith("Exited ("):
            code = status[len("Exited ("):].split(")", 1)[0]
            if code.lstrip("-").isdigit():
                return int(code)
        return 0


def canonical_name(names: Sequence[str], container_id: str) -> str:
    """The container's own name: the one of ``Names`` that is not a link alias (``/a/b``)."""
    for name in names:
        if name.rfind("/") == 0:
            return name[1:]
    if names:
        return names[0].lstrip("/")
    return container_id[:12]


def summary_from_raw(raw: Mapping[str, Any]) -> ContainerSummary:
    """A :class:`ContainerSummary` from one entry of the engine's container list."""
    observed = container_from_summary(raw)
    names = tuple(str(n) for n in raw.get("Names") or ())
    ports = tuple(
        PortSummary(ip=str(p.get("IP") or ""), private=int(p.get("PrivatePort") or 0),
                    public=int(p.get("PublicPort") or 0), protocol=str(p.get("Type") or ""))
        for p in raw.get("Ports") or ()
    )
    mounts = tuple(
        MountSummary(name=str(m.get("Name") or m.get("Source") or ""),
                     driver=str(m.get("Driver") or ""))
        for m in raw.get("Mounts") or ()
    )
    return ContainerSummary(
        container=observed,
        names=names,
        image=str(raw.get("Image") or ""),
        command=str(raw.get("Command") or ""),
        created=int(raw.get("Created") or 0),
        ports=ports,
        mounts=mounts,
    )


def list_containers(
    engine: Engine,
    project: str | None,
    *,
    all: bool,
    oneoff: str = ONEOFF_EXCLUDE,
    services: Sequence[str] = (),
    number: int = 0,
) -> list[ContainerSummary]:
    """The project's containers (every project's with ``project=None``) in the engine's order.

    The filters are Compose's: the project label, a config-hash label, ``oneoff=False`` unless
    one-off containers are included, the service label when exactly one service is named, the
    container number when ``number`` is positive; ``all`` includes stopped containers.
    """
    extra: list[str] = []
    if len(services) == 1:
        extra.append(f"{L.SERVICE}={services[0]}")
    extra.append(L.CONFIG_HASH)
    if oneoff == ONEOFF_EXCLUDE:
        extra.append(f"{L.ONEOFF}=False")
    if number > 0:
        extra.append(f"{L.CONTAINER_NUMBER}={number}")
    found = [summary_from_raw(raw) for raw in engine.containers(project, all=all, extra=extra)]
    if len(services) > 1:
        found = [c for c in found if c.service in services]
    return found


@dataclass(frozen=True)
class ProjectSummary:
    """One line of ``ls``: a project found on the engine through its containers' labels."""

    name: str
    status: str
    config_files: str


def projects_from_containers(containers: Sequence[ContainerSummary]) -> tuple[
        list[ProjectSummary], list[str]]:
    """Group containers by project (sorted by name); also returns warnings to print."""
    grouped: dict[str, list[ContainerSummary]] = {}
    for container in containers:
        grouped.setdefault(container.project, []).append(container)
    projects: list[ProjectSummary] = []
    warnings: list[str] = []
    for name in sorted(grouped):
        members = grouped[name]
        counts: dict[str, int] = {}
        for container in members:
            counts[container.container.state] = counts.get(container.container.state, 0) + 1
        status = ", ".join(f"{state}({counts[state]})" for state in sorted(counts))
        files: list[str] = []
        missing = ""
        for container in members:
            label = container.labels.get(L.CONFIG_FILES)
            if label is None:
                missing = container.id
                break
            for file in label.split(","):
                if file not in files:
                    files.append(file)
        if missing:
            warnings.append(f'no label "{L.CONFIG_FILES}" set on container "{missing}" of '
                            "compose project")
        projects.append(ProjectSummary(name=name, status=status,
                                       config_files="N/A" if missing else ",".join(files)))
    return projects, warnings


@dataclass(frozen=True)
class ContainerProcesses:
    """``top`` of one container: the engine's column titles and one row per process."""

    name: str
    service: str
    replica: str
    titles: tuple[str, ...]
    processes: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ProjectEvent:
    """A container event of the project, as ``events`` reports it."""

    time_nano: int
    service: str
    container: str
    action: str
    attributes: Mapping[str, str]


def event_from_raw(raw: Mapping[str, Any], services: Sequence[str] = ()) -> ProjectEvent | None:
    """The event Compose reports for one engine event, or None for those it skips: events of
    other object types, of one-off containers, of services not in ``services`` (when given);
    attributes lose the ``com.docker.compose.*`` labels."""
    if raw.get("Type") != "container":
        return None
    actor = raw.get("Actor") or {}
    attributes: Mapping[str, str] = actor.get("Attributes") or {}
    if attributes.get(L.ONEOFF) == "True":
        return None
    service = attributes.get(L.SERVICE, "")
    if services and service not in services:
        return None
    nanos = int(raw.get("timeNano") or 0) or int(raw.get("time") or 0) * 1_000_000_000
    return ProjectEvent(
        time_nano=nanos,
        service=service,
        container=str(actor.get("ID") or raw.get("id") or ""),
        action=str(raw.get("Action") or raw.get("status") or ""),
        attributes={k: str(v) for k, v in attributes.items()
                    if not k.startswith("com.docker.compose.")},
    )
