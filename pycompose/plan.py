"""Planning: (model, observed state, options) -> a DAG of operations. Pure, no engine access.

Each :class:`Op` is exactly one Engine API call (or one wait on the engine), with the cause that
made the planner add it. The executor runs an operation as soon as the operations it depends on
are done; ``--dry-run`` prints the plan instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose.engine.observe import ObservedContainer, ObservedState
from pycompose.model import Project, Service

CREATE_NETWORK = "create_network"
CHECK_NETWORK = "check_network"
CREATE_VOLUME = "create_volume"
CHECK_VOLUME = "check_volume"
CREATE_CONTAINER = "create_container"
CONNECT = "connect"
START = "start"
STOP = "stop"
REMOVE = "remove"
RENAME = "rename"
WAIT = "wait"
REMOVE_NETWORK = "remove_network"
REMOVE_VOLUME = "remove_volume"
RUNNING = "running"


@dataclass(frozen=True)
class Op:
    """One step of a plan. ``deps`` are ids of operations that must finish first."""

    id: str
    kind: str
    resource: str
    cause: str
    deps: frozenset[str] = frozenset()
    args: Mapping[str, Any] = field(default_factory=dict)

    def render(self) -> str:
        after = f" after {', '.join(sorted(self.deps))}" if self.deps else ""
        return f"{self.id}: {self.kind} {self.resource} ({self.cause}){after}"


@dataclass
class Plan:
    ops: dict[str, Op] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, op: Op) -> Op:
        if op.id in self.ops:
            raise ValueError(f"duplicate operation {op.id}")
        self.ops[op.id] = op
        return op

    def render(self) -> str:
        """A stable text form, one operation per line (used by tests and ``--dry-run``)."""
        return "\n".join(op.render() for op in self.ordered())

    def ordered(self) -> list[Op]:
        """Operations in an order that respects dependencies (ties by id)."""
        done: set[str] = set()
        out: list[Op] = []
        pending = dict(sorted(self.ops.items()))
        while pending:
            ready = [op for op in pending.values() if all(d in done or d not in self.ops
                                                          for d in op.deps)]
            if not ready:  # pragma: no cover - planners never make cycles
                raise ValueError("cycle in plan")
            for op in ready:
                out.append(op)
                done.add(op.id)
                del pending[op.id]
        return out

    def writes(self) -> list[Op]:
        """Operations that change something on the engine."""
        return [op for op in self.ops.values() if op.kind not in (WAIT, RUNNING, CHECK_NETWORK,
                                                                  CHECK_VOLUME)]


@dataclass(frozen=True)
class UpOptions:
    services: tuple[str, ...] = ()
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    scale: Mapping[str, int] = field(default_factory=dict)
    wait: bool = False
    timeout: int | None = None
    always_recreate_deps: bool = False


def selected_services(project: Project, names: Iterable[str], with_deps: bool) -> list[str]:
    """The services to act on, in start order (dependencies first)."""
    from pycompose.graph import ServiceGraph

    graph = ServiceGraph.from_services({n: s.spec for n, s in project.services.items()})
    wanted = set(names) or set(project.services)
    if with_deps:
        wanted = graph.with_dependencies(wanted)
    return [n for n in graph.start_order() if n in wanted]


def _container_id(svc: str, number: int) -> str:
    return f"container:{svc}:{number}"


def plan_up(
    project: Project,
    observed: ObservedState,
    options: UpOptions,
    expected_hashes: Mapping[str, str],
) -> Plan:
    """Plan ``up``: what to create, recreate, start, scale down and remove.

    ``expected_hashes`` maps each service to its config-hash (computed with the ids of the
    containers its ``service:`` references point at, as observed).
    """
    plan = Plan()
    names = selected_services(project, options.services, with_deps=not options.no_deps)
    used_networks: set[str] = set()
    used_volumes: set[str] = set()
    for name in names:
        service = project.services[name]
        if not service.network_mode:
            used_networks.update(service.networks)
        for mount in service.spec.get("volumes") or ():
            if mount.get("type") == "volume" and mount.get("source") in project.volumes:
                used_volumes.add(mount["source"])
    for key in sorted(used_networks):
        network = project.networks.get(key)
        if network is None:
            continue
        if network.external:
            plan.add(Op(f"network:{key}", CHECK_NETWORK, f"Network {network.name}",
                        "external network must exist", args={"key": key}))
        elif network.name in observed.networks:
            plan.add(Op(f"network:{key}", CHECK_NETWORK, f"Network {network.name}",
                        "exists", args={"key": key, "observed": True}))
        else:
            plan.add(Op(f"network:{key}", CREATE_NETWORK, f"Network {network.name}",
                        "missing", args={"key": key}))
    for key in sorted(used_volumes):
        volume = project.volumes[key]
        if volume.external:
            plan.add(Op(f"volume:{key}", CHECK_VOLUME, f"Volume {volume.name}",
                        "external volume must exist", args={"key": key}))
        elif volume.name in observed.volumes:
            plan.add(Op(f"volume:{key}", CHECK_VOLUME, f"Volume {volume.name}", "exists",
                        args={"key": key, "observed": True}))
        else:
            plan.add(Op(f"volume:{key}", CREATE_VOLUME, f"Volume {volume.name}", "missing",
                        args={"key": key}))

    recreated: set[str] = set()
    ready_op: dict[str, str] = {}
    for name in names:
        service = project.services[name]
        _plan_service(plan, project, observed, options, service, expected_hashes.get(name, ""),
                      recreated, ready_op)

    known = set(project.services) | set(project.disabled)
    orphans = [c for c in observed.containers if c.service not in known and not c.oneoff]
    if orphans:
        if options.remove_orphans:
            for container in orphans:
                stop = plan.add(Op(f"orphan:{container.name}:stop", STOP,
                                   f"Container {container.name}", "orphan",
                                   args={"id": container.id, "timeout": options.timeout}))
                plan.add(Op(f"orphan:{container.name}:remove", REMOVE,
                            f"Container {container.name}", "orphan",
                            frozenset({stop.id}), args={"id": container.id}))
        else:
            plan.warnings.append(
                f"Found orphan containers ({', '.join(c.name for c in orphans)}) for this "
                "project. If you removed or renamed this service in your compose file, you can "
                "run this command with the --remove-orphans flag to clean it up."
            )
    return plan


def _resource_deps(project: Project, service: Service, plan: Plan) -> set[str]:
    deps: set[str] = set()
    if not service.network_mode:
        deps.update(f"network:{k}" for k in service.networks if f"network:{k}" in plan.ops)
    for mount in service.spec.get("volumes") or ():
        key = f"volume:{mount.get('source')}"
        if mount.get("type") == "volume" and key in plan.ops:
            deps.add(key)
    return deps


def _references(service: Service) -> set[str]:
    """Services whose containers must exist (and run) before this one is created."""
    refs: set[str] = set()
    for key in ("network_mode", "ipc", "pid"):
        mode = service.spec.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            refs.add(mode[len("service:"):])
    for entry in service.spec.get("volumes_from") or ():
        target = str(entry).split(":", 1)[0]
        if target != "container":
            refs.add(target)
    return refs


def _plan_service(
    plan: Plan,
    project: Project,
    observed: ObservedState,
    options: UpOptions,
    service: Service,
    expected_hash: str,
    recreated: set[str],
    ready_op: dict[str, str],
) -> None:
    name = service.name
    replicas = options.scale.get(name, service.replicas)
    existing = observed.service_containers(name)
    image_id = observed.images.get(service.image)
    base_deps = _resource_deps(project, service, plan)
    refs = _references(service)
    ref_ready = {ready_op[r] for r in refs if r in ready_op}
    dep_ready: set[str] = set()
    for dep in service.depends_on:
        if dep.service in ready_op:
            dep_ready.add(ready_op[dep.service])
    start_ids: list[str] = []
    by_number = {c.number: c for c in existing}
    service_changed = False
    for number in range(1, replicas + 1):
        container = by_number.get(number)
        cname = _container_name(project, service, number)
        cid = _container_id(name, number)
        resource = f"Container {cname}"
        if container is None:
            create = plan.add(Op(f"{cid}:create", CREATE_CONTAINER, resource, "missing",
                                 frozenset(base_deps | ref_ready),
                                 args={"service": name, "number": number}))
            service_changed = True
            if not options.no_start:
                start = plan.add(Op(f"{cid}:start", START, resource, "created",
                                    frozenset({create.id} | dep_ready | ref_ready),
                                    args={"service": name, "number": number}))
                start_ids.append(start.id)
            continue
        cause = _recreate_cause(container, expected_hash, image_id, options,
                                bool(refs & recreated))
        if cause:
            service_changed = True
            tmp = f"{container.id[:12]}_{cname}"
            create = plan.add(Op(f"{cid}:create", CREATE_CONTAINER, resource, cause,
                                 frozenset(base_deps | ref_ready),
                                 args={"service": name, "number": number, "tmp_name": tmp,
                                       "replaces": container.id}))
            stop = plan.add(Op(f"{cid}:stop-old", STOP, resource, "replaced",
                               frozenset({create.id}),
                               args={"id": container.id, "timeout": options.timeout,
                                     "silent": True}))
            remove = plan.add(Op(f"{cid}:remove-old", REMOVE, resource, "replaced",
                                 frozenset({stop.id}), args={"id": container.id,
                                                             "silent": True}))
            rename = plan.add(Op(f"{cid}:rename", RENAME, resource, "replaced",
                                 frozenset({remove.id}),
                                 args={"service": name, "number": number, "name": cname}))
            if not options.no_start:
                start = plan.add(Op(f"{cid}:start", START, resource, "recreated",
                                    frozenset({rename.id} | dep_ready | ref_ready),
                                    args={"service": name, "number": number}))
                start_ids.append(start.id)
        elif not container.running and not options.no_start:
            start = plan.add(Op(f"{cid}:start", START, resource, "stopped",
                                frozenset(base_deps | dep_ready | ref_ready),
                                args={"service": name, "number": number, "id": container.id}))
            start_ids.append(start.id)
        else:
            running = plan.add(Op(f"{cid}:running", RUNNING, resource, "up to date",
                                  args={"service": name, "number": number, "id": container.id}))
            start_ids.append(running.id)
    for container in sorted(existing, key=lambda c: -c.number):
        if container.number > replicas:
            cname = container.name
            stop = plan.add(Op(f"{_container_id(name, container.number)}:stop", STOP,
                               f"Container {cname}", "scale down",
                               args={"id": container.id, "timeout": options.timeout}))
            plan.add(Op(f"{_container_id(name, container.number)}:remove", REMOVE,
                        f"Container {cname}", "scale down", frozenset({stop.id}),
                        args={"id": container.id}))
    if service_changed:
        recreated.add(name)
    if start_ids:
        ready = plan.add(Op(f"service:{name}:ready", WAIT, f"Service {name}",
                            "dependencies wait for it", frozenset(start_ids),
                            args={"service": name}))
        ready_op[name] = ready.id


def _container_name(project: Project, service: Service, number: int) -> str:
    return service.container_name or f"{project.name}-{service.name}-{number}"


def _recreate_cause(container: ObservedContainer, expected_hash: str, image_id: str | None,
                    options: UpOptions, reference_recreated: bool) -> str:
    if options.no_recreate:
        return ""
    if options.force_recreate:
        return "forced"
    if container.config_hash != expected_hash:
        return "config changed"
    if image_id and container.image_id and container.image_id != image_id:
        return "image changed"
    if reference_recreated:
        return "referenced container recreated"
    return ""


@dataclass(frozen=True)
class DownOptions:
    remove_orphans: bool = False
    volumes: bool = False
    timeout: int | None = None
    services: tuple[str, ...] = ()


def plan_down(project: Project | None, observed: ObservedState, options: DownOptions,
              project_name: str) -> Plan:
    """Plan ``down``: stop and remove containers in reverse dependency order, then networks and
    (with ``-v``) the project's volumes."""
    from pycompose.graph import ServiceGraph

    plan = Plan()
    known = set(project.services) | set(project.disabled) if project else None
    containers = []
    orphans = []
    for c in observed.containers:
        if options.services and c.service not in options.services:
            continue
        if known is not None and c.service not in known and not c.oneoff:
            orphans.append(c)
        else:
            containers.append(c)
    if orphans and not options.remove_orphans:
        plan.warnings.append(
            f"Found orphan containers ({', '.join(c.name for c in orphans)}) for this project. "
            "If you removed or renamed this service in your compose file, you can run this "
            "command with the --remove-orphans flag to clean it up."
        )
    elif orphans:
        containers.extend(orphans)
    dependents: dict[str, list[str]] = {}
    if project:
        graph = ServiceGraph.from_services({n: s.spec for n, s in project.services.items()})
        for name in project.services:
            dependents[name] = graph.dependents(name)
    stop_ids: dict[str, list[str]] = {}
    for c in containers:
        stop_ids.setdefault(c.service, []).append(f"down:{c.name}:stop")
    remove_ids: list[str] = []
    for c in sorted(containers, key=lambda c: c.name):
        deps: set[str] = set()
        for dependent in dependents.get(c.service, []):
            deps.update(stop_ids.get(dependent, []))
        if c.running:
            stop = plan.add(Op(f"down:{c.name}:stop", STOP, f"Container {c.name}", "down",
                               frozenset(deps), args={"id": c.id, "timeout": options.timeout}))
            rm_deps = frozenset({stop.id})
        else:
            rm_deps = frozenset(d for d in deps)
        remove = plan.add(Op(f"down:{c.name}:remove", REMOVE, f"Container {c.name}", "down",
                             rm_deps, args={"id": c.id, "volumes": options.volumes}))
        remove_ids.append(remove.id)
    # Stop ops of non-running containers do not exist; drop them from dependency sets.
    for op_id, op in list(plan.ops.items()):
        plan.ops[op_id] = Op(op.id, op.kind, op.resource, op.cause,
                             frozenset(d for d in op.deps if d in plan.ops), op.args)
    if options.services:
        return plan
    wanted_networks = {n.name: n for n in project.networks.values()} if project else {}
    for name, net in sorted(observed.networks.items()):
        if project and name not in wanted_networks:
            continue
        if project and wanted_networks[name].external:
            continue
        plan.add(Op(f"down:network:{name}", REMOVE_NETWORK, f"Network {name}", "down",
                    frozenset(remove_ids), args={"name": name, "id": net.id}))
    if options.volumes:
        wanted_volumes = {v.name: v for v in project.volumes.values()} if project else {}
        for name in sorted(observed.volumes):
            if project and (name not in wanted_volumes or wanted_volumes[name].external):
                continue
            plan.add(Op(f"down:volume:{name}", REMOVE_VOLUME, f"Volume {name}", "down -v",
                        frozenset(remove_ids), args={"name": name}))
        if project:
            # Compose deletes same-named volumes it did not create; pycompose only warns.
            for vol in sorted(project.volumes.values(), key=lambda v: v.name):
                if not vol.external and vol.name not in observed.volumes:
                    plan.add(Op(f"down:volume:{vol.name}", CHECK_VOLUME, f"Volume {vol.name}",
                                "not labelled for this project: kept",
                                frozenset(remove_ids),
                                args={"name": vol.name, "warn_unlabelled": project_name}))
    return plan
