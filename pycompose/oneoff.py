"""One-off containers (``run``): the service's container payload with ``run``'s overrides, as
Docker Compose v2 creates it. Pure: no engine calls.

A one-off container is named ``{project}-{service}-run-{slug[:12]}`` (``--name`` aside; the
service's ``container_name`` is not used), labelled ``oneoff=True`` with its ``slug`` and no
container number, never restarts, and is on its networks under its own name only (plus the
service's aliases with ``--use-aliases``). Its ports are published only with
``--service-ports`` or ``-p``.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pycompose.engine import labels as L
from pycompose.engine.convert import ContainerRequest, container_request
from pycompose.errors import PycomposeError
from pycompose.model import Project, Service, service_from_spec, thaw


@dataclass(frozen=True)
class RunOptions:
    """``run``'s flags. ``command``: None keeps the service's; ``environment``: resolved
    ``KEY=VALUE`` entries (a bare ``KEY`` not set locally is left out)."""

    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    name: str | None = None
    detach: bool = False
    remove: bool = False
    environment: Mapping[str, str] | None = None
    labels: Mapping[str, str] | None = None
    volumes: tuple[str, ...] = ()
    publish: tuple[str, ...] = ()
    service_ports: bool = False
    use_aliases: bool = False
    workdir: str | None = None
    user: str | None = None
    tty: bool = False
    interactive: bool = True
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()


def new_slug() -> str:
    """A one-off container's ``com.docker.compose.slug``: 64 random hex digits."""
    return secrets.token_hex(32)


def oneoff_name(project: Project, service: Service, slug: str) -> str:
    return f"{project.name}-{service.name}-run-{slug[:12]}"


def run_service(project: Project, service: Service, options: RunOptions) -> Service:
    """``service`` with ``run``'s overrides applied (what the one-off container runs)."""
    from pycompose.loader.paths import absolute
    from pycompose.loader.syntax import parse_port, parse_volume

    spec: dict[str, Any] = thaw(service.spec)
    if options.command is not None:
        spec["command"] = list(options.command)
    if options.entrypoint is not None:
        spec["entrypoint"] = list(options.entrypoint)
    if options.environment:
        environment = dict(spec.get("environment") or {})
        environment.update(options.environment)
        spec["environment"] = environment
    if options.labels:
        spec["labels"] = {**(spec.get("labels") or {}), **options.labels}
    if options.workdir:
        spec["working_dir"] = options.workdir
    if options.user:
        spec["user"] = options.user
    if options.cap_add:
        spec["cap_add"] = [*(spec.get("cap_add") or ()), *options.cap_add]
    if options.cap_drop:
        spec["cap_drop"] = [*(spec.get("cap_drop") or ()), *options.cap_drop]
    if options.service_ports and options.publish:
        raise PycomposeError("--service-ports and --publish are incompatible")
    if not options.service_ports:
        ports: list[dict[str, Any]] = []
        for entry in options.publish:
            try:
                ports.extend(parse_port(entry))
            except (ValueError, PycomposeError) as exc:
                raise PycomposeError(f"invalid --publish value {entry!r}: {exc}") from None
        spec["ports"] = ports
    for entry in options.volumes:
        try:
            mount = parse_volume(entry)
        except (ValueError, PycomposeError) as exc:
            raise PycomposeError(f"invalid --volume value {entry!r}: {exc}") from None
        if mount.get("type") == "bind" and mount.get("source"):
            mount["source"] = absolute(str(mount["source"]), project.working_dir)
        volumes = [v for v in spec.get("volumes") or () if v.get("target") != mount["target"]]
        spec["volumes"] = [*volumes, mount]
    spec["tty"] = options.tty
    spec["stdin_open"] = options.interactive
    spec.pop("restart", None)
    spec.pop("container_name", None)
    deploy = spec.get("deploy")
    if isinstance(deploy, dict):
        deploy.pop("restart_policy", None)
    return service_from_spec(project.name, service.name, spec)


def run_request(project: Project, service: Service, options: RunOptions, *, image_id: str,
                slug: str, refs: Mapping[str, str] | None = None,
                names: Mapping[str, list[str]] | None = None,
                api_version: str | None = None) -> ContainerRequest:
    """The create payload of ``run``'s one-off container for ``service``."""
    one = run_service(project, service, options)
    name = options.name or oneoff_name(project, service, slug)
    request = container_request(project, one, 1, image_id=image_id, refs=refs, names=names,
                                name=name, oneoff=True, api_version=api_version)
    payload = request.payload
    labels = dict(payload["Labels"])
    labels.pop(L.CONTAINER_NUMBER, None)
    labels[L.SLUG] = slug
    payload["Labels"] = labels
    payload["AttachStdin"] = options.interactive
    payload["OpenStdin"] = options.interactive
    payload["StdinOnce"] = options.interactive
    payload["Tty"] = options.tty
    host = payload["HostConfig"]
    host["AutoRemove"] = options.remove
    host["RestartPolicy"] = {"Name": "", "MaximumRetryCount": 0}
    networks = (service.spec.get("networks") or {})

    def aliases(key: str | None) -> list[str]:
        out = [name]
        if options.use_aliases:
            out.append(service.name)
            if key is not None:
                out.extend((networks.get(key) or {}).get("aliases") or ())
        return list(dict.fromkeys(out))

    by_name = {net.name: key for key, net in project.networks.items()}
    endpoints = (payload.get("NetworkingConfig") or {}).get("EndpointsConfig") or {}
    for network_name, endpoint in endpoints.items():
        endpoint["Aliases"] = aliases(by_name.get(network_name))
    connect = []
    for network_name, endpoint in request.connect:
        connect.append((network_name, {**endpoint, "Aliases": aliases(by_name.get(network_name))}))
    return ContainerRequest(name=name, payload=payload, connect=tuple(connect),
                            platform=request.platform)
