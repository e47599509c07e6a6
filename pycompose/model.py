"""The typed, normalized Compose model that every stage after the loader consumes.

Built from the loader's normalized tree by :func:`project_from_loaded`. Each object keeps its
normalized attributes as a read-only mapping (``spec``, exactly what ``config --format json``
prints for it, which is also what the config-hash is computed from) next to the typed fields
that planning needs.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pycompose.loader.pipeline import Loaded


def _frozen(node: Any) -> Any:
    if isinstance(node, dict):
        return MappingProxyType({k: _frozen(v) for k, v in node.items()})
    if isinstance(node, list):
        return tuple(_frozen(v) for v in node)
    return node


def thaw(node: Any) -> Any:
    """A plain, mutable copy of a frozen spec (for serialization and API payloads)."""
    if isinstance(node, Mapping):
        return {k: thaw(v) for k, v in node.items()}
    if isinstance(node, tuple):
        return [thaw(v) for v in node]
    return node


class Dependency(NamedTuple):
    """``depends_on`` entry: wait for ``service`` to reach ``condition`` before starting."""

    service: str
    condition: str = "service_started"
    required: bool = True
    restart: bool = False


class Network(NamedTuple):
    key: str
    name: str
    external: bool
    spec: Mapping[str, Any]


class Volume(NamedTuple):
    key: str
    name: str
    external: bool
    spec: Mapping[str, Any]


class Service(NamedTuple):
    name: str
    spec: Mapping[str, Any]
    image: str
    has_build: bool
    replicas: int
    depends_on: tuple[Dependency, ...]
    networks: tuple[str, ...]
    container_name: str | None
    profiles: tuple[str, ...] = ()
    restart: str = "no"

    @property
    def network_mode(self) -> str | None:
        mode = self.spec.get("network_mode")
        return mode if isinstance(mode, str) else None


class Project(NamedTuple):
    name: str
    working_dir: str
    config_files: tuple[str, ...]
    services: Mapping[str, Service]
    networks: Mapping[str, Network]
    volumes: Mapping[str, Volume]
    secrets: Mapping[str, Any] = MappingProxyType({})
    configs: Mapping[str, Any] = MappingProxyType({})
    environment: Mapping[str, str] = MappingProxyType({})
    disabled: tuple[str, ...] = ()
    #: ``--env-file``/``COMPOSE_ENV_FILES`` files, for the containers' label.
    environment_files: tuple[str, ...] = ()

    def default_image(self, service: str) -> str:
        """The image name Compose gives a service that has ``build:`` and no ``image:``."""
        return f"{self.name}-{service}"


def _replicas(spec: Mapping[str, Any]) -> int:
    scale = spec.get("scale")
    if isinstance(scale, int):
        return scale
    deploy = spec.get("deploy") or {}
    replicas = deploy.get("replicas") if isinstance(deploy, Mapping) else None
    return replicas if isinstance(replicas, int) else 1


def service_from_spec(project: str, name: str, spec: Mapping[str, Any]) -> Service:
    deps = tuple(
        Dependency(
            service=dep,
            condition=str(d.get("condition", "service_started")),
            required=bool(d.get("required", True)),
            restart=bool(d.get("restart", False)),
        )
        for dep, d in (spec.get("depends_on") or {}).items()
    )
    image = spec.get("image") or f"{project}-{name}"
    return Service(
        name=name,
        spec=_frozen(dict(spec)),
        image=str(image),
        has_build=spec.get("build") is not None,
        replicas=_replicas(spec),
        depends_on=deps,
        networks=tuple((spec.get("networks") or {}).keys()),
        container_name=spec.get("container_name"),
        profiles=tuple(spec.get("profiles") or ()),
        restart=str(spec.get("restart") or "no"),
    )


def project_from_loaded(loaded: Loaded) -> Project:
    """The typed project for a loaded (normalized) tree."""
    tree = loaded.tree
    services = {
        name: service_from_spec(loaded.name, name, spec)
        for name, spec in (tree.get("services") or {}).items()
    }
    networks = {
        key: Network(key=key, name=str(spec.get("name") or f"{loaded.name}_{key}"),
                     external=bool(spec.get("external")), spec=_frozen(spec))
        for key, spec in (tree.get("networks") or {}).items()
    }
    volumes = {
        key: Volume(key=key, name=str(spec.get("name") or f"{loaded.name}_{key}"),
                    external=bool(spec.get("external")), spec=_frozen(spec))
        for key, spec in (tree.get("volumes") or {}).items()
    }
    return Project(
        name=loaded.name,
        working_dir=loaded.working_dir,
        config_files=tuple(f for f in loaded.config_files),
        services=services,
        networks=networks,
        volumes=volumes,
        secrets=_frozen(tree.get("secrets") or {}),
        configs=_frozen(tree.get("configs") or {}),
        environment=dict(loaded.environment),
        environment_files=tuple(loaded.environment_files),
    )
