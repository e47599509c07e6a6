"""Planning: (model, observed state, options) -> a DAG of operations. Pure, no engine access.

Each :class:`Op` is exactly one Engine API call (or one wait on the engine), with the cause that
made the planner add it. The executor runs an operation as soon as the operations it depends on
are done; ``--dry-run`` prints the plan instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from pycompose.engine.observe import ObservedContainer, ObservedState
from pycompose.model import Network, Project, Service

CREATE_NETWORK = "create_network"
CHECK_NETWORK = "check_network"
CREATE_VOLUME = "create_volume"
CHECK_VOLUME = "check_volume"
CREATE_CONTAINER = "create_container"
CONNECT = "connect"
DISCONNECT = "disconnect"
START = "start"
STOP = "stop"
REMOVE = "remove"
RENAME = "rename"
WAIT = "wait"
REMOVE_NETWORK = "remove_network"
REMOVE_VOLUME = "remove_volume"
RUNNING = "running"


class Op(NamedTuple):
    """One step of a plan. ``deps`` are ids of operations that must finish first."""

    id: str
    kind: str
    resource: str
    cause: str
    deps: frozenset[str] = frozenset()
    args: Mapping[str, Any] = MappingProxyType({})

    def render(self) -> str:
        after = f" after {', '.join(sorted(self.deps))}" if self.deps else ""
        return f"{self.id}: {self.kind} {self.resource} ({self.cause}){after}"


class Plan:
    """Operations by id, and the warnings planning gave."""

    def __init__(self, ops: dict[str, Op] | None = None,
                 warnings: list[str] | None = None) -> None:
        self.ops: dict[str, Op] = {} if ops is None else ops
        self.warnings: list[str] = [] if warnings is None else warnings

    def __repr__(self) -> str:
        return f"Plan(ops={self.ops!r}, warnings={self.warnings!r})"

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


WAITED_CONDITIONS = ("service_healthy", "service_completed_successfully")


def planned_services(plan: Plan) -> set[str]:
    """The services ``plan`` acts on: only their conditions are waited for."""
    return {str(op.args["service"]) for op in plan.ops.values() if "service" in op.args}


def waited_conditions(project: Project, name: str, planned: set[str]) -> list[Any]:
    """The ``depends_on`` entries on service ``name`` that a :data:`WAIT` step waits for.

    As Compose, a condition is waited for when a service that sets it is started, not when
    only its dependency is (``up db`` does not wait for what ``web`` needs of db)."""
    return [dep for svc in project.services.values() for dep in svc.depends_on
            if dep.service == name and dep.condition in WAITED_CONDITIONS
            and svc.name in planned]


def volume_mismatch(project: Project, observed: ObservedState, op: Op) -> str | None:
    """The warning a :data:`CHECK_VOLUME` step of a project volume gives, if any: the volume
    exists with another configuration, and is kept with its data."""
    from pycompose.engine.convert import volume_hash_input
    from pycompose.serialize import config_hash

    volume = project.volumes[op.args["key"]]
    found = observed.volumes.get(volume.name)
    if found is None or not found.config_hash:
        return None
    if found.config_hash == config_hash(volume_hash_input(volume)):
        return None
    return (f'Volume "{volume.name}" exists but doesn\'t match configuration in compose '
            "file: keeping the existing volume and its data")


def settles_without_engine(project: Project, plan: Plan) -> bool:
    """True when running ``plan`` needs neither the engine nor waiting: every step only
    reports (a running container, a project network or volume that is already there, a
    service nobody waits for). A repeated ``up`` is such a plan."""
    planned = planned_services(plan)
    for op in plan.ops.values():
        if op.kind == RUNNING:
            continue
        if op.kind == CHECK_NETWORK and not project.networks[op.args["key"]].external:
            continue
        if (op.kind == CHECK_VOLUME and "warn_unlabelled" not in op.args
                and not project.volumes[op.args["key"]].external):
            continue
        if op.kind == WAIT and not waited_conditions(project, op.args["service"], planned):
            continue
        return False
    return True


class UpOptions(NamedTuple):
    services: tuple[str, ...] = ()
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    scale: Mapping[str, int] = MappingProxyType({})
    wait: bool = False
    timeout: int | None = None
    always_recreate_deps: bool = False
    #: ``COMPOSE_IGNORE_ORPHANS``: orphans are neither reported nor removed.
    ignore_orphans: bool = False


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


def orphan_warning(names: Iterable[str]) -> str:
    """Compose's warning, the names printed as Go prints a ``[]string``."""
    return (
        f"Found orphan containers ([{' '.join(names)}]) for this project. If you removed or "
        "renamed this service in your compose file, you can run this command with the "
        "--remove-orphans flag to clean it up."
    )


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
    names = selected_services(project, options.services, with_deps=not options.no_deps)
    planner = _UpPlanner(project, observed, options, expected_hashes, names)
    planner.plan_resources()
    for name in names:
        planner.plan_service(project.services[name])
    planner.plan_orphans()
    return planner.plan


class _UpPlanner:
    """The state one ``plan_up`` call builds up while it walks services in start order."""

    def __init__(self, project: Project, observed: ObservedState, options: UpOptions,
                 hashes: Mapping[str, str], names: list[str]) -> None:
        self.plan = Plan()
        self.project = project
        self.observed = observed
        self.options = options
        self.hashes = hashes
        self.names = names
        # Services whose first container gets a new id (so `service:` references change).
        self.renewed: set[str] = set()
        # Per service: the op that waits until its containers run (dependants start after it),
        # and the ops after which its containers exist under their final names.
        self.ready_op: dict[str, str] = {}
        self.exists_ops: dict[str, set[str]] = {}
        # Containers stopped because a `depends_on: {restart: true}` dependency is recreated.
        self.restart_stops: dict[str, str] = {}

    # -- networks and volumes --------------------------------------------------------------
    def plan_resources(self) -> None:
        project, observed, plan = self.project, self.observed, self.plan
        used_networks: set[str] = set()
        used_volumes: set[str] = set()
        for name in self.names:
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
            resource = f"Network {network.name}"
            if network.external:
                plan.add(Op(f"network:{key}", CHECK_NETWORK, resource,
                            "external network must exist", args={"key": key}))
            elif network.name in observed.networks:
                seen = observed.networks[network.name]
                if seen.config_hash and seen.config_hash != _network_hash(network):
                    self.replace_network(key, network.name, seen.id)
                    continue
                plan.add(Op(f"network:{key}", CHECK_NETWORK, resource, "exists",
                            args={"key": key, "observed": True}))
            else:
                plan.add(Op(f"network:{key}", CREATE_NETWORK, resource, "missing",
                            args={"key": key}))
        for key in sorted(used_volumes):
            volume = project.volumes[key]
            resource = f"Volume {volume.name}"
            if volume.external:
                plan.add(Op(f"volume:{key}", CHECK_VOLUME, resource,
                            "external volume must exist", args={"key": key}))
            elif volume.name in observed.volumes:
                plan.add(Op(f"volume:{key}", CHECK_VOLUME, resource, "exists",
                            args={"key": key, "observed": True}))
            else:
                plan.add(Op(f"volume:{key}", CREATE_VOLUME, resource, "missing",
                            args={"key": key}))

    def replace_network(self, key: str, name: str, network_id: str) -> None:
        """A network whose configuration changed: as Compose, stop the containers of the
        services on it, disconnect them, remove the network, create it again and connect them
        back (pycompose with their aliases and addresses, which Compose drops); they start
        again after that, or are recreated if they have to be."""
        resource = f"Network {name}"
        detached: set[str] = set()
        reattach: list[tuple[str, ObservedContainer]] = []
        for service_name in self.names:
            service = self.project.services[service_name]
            if service.network_mode or key not in service.networks:
                continue
            for container in self.observed.service_containers(service_name):
                base = f"container:{service_name}:{container.short_id}"
                stopped: frozenset[str] = frozenset()
                if container.running:
                    stopped = frozenset({self.plan.add(Op(
                        f"{base}:stop-for-network", STOP, f"Container {container.name}",
                        f"network {name} changed",
                        args={"id": container.id, "timeout": self.options.timeout})).id})
                detached.add(self.plan.add(Op(
                    f"{base}:disconnect:{key}", DISCONNECT, resource, "network changed",
                    stopped, args={"id": container.id, "network": name})).id)
                reattach.append((service_name, container))
        remove = self.plan.add(Op(f"network:{key}:remove", REMOVE_NETWORK, resource,
                                  "configuration changed", frozenset(detached),
                                  args={"name": name, "id": network_id}))
        create = self.plan.add(Op(f"network:{key}", CREATE_NETWORK, resource,
                                  "configuration changed", frozenset({remove.id}),
                                  args={"key": key}))
        for service_name, container in reattach:
            connect = self.plan.add(Op(
                f"container:{service_name}:{container.short_id}:connect:{key}", CONNECT,
                resource, "network recreated", frozenset({create.id}),
                args={"id": container.id, "service": service_name, "number": container.number,
                      "key": key}))
            # Started again (or replaced) once connected, like restart dependants.
            self.restart_stops[container.id] = connect.id

    def plan_orphans(self) -> None:
        known = set(self.project.services) | set(self.project.disabled)
        orphans = [c for c in self.observed.containers
                   if c.service not in known and not c.oneoff]
        if not orphans or self.options.ignore_orphans:
            return
        if not self.options.remove_orphans:
            self.plan.warnings.append(orphan_warning(c.name for c in orphans))
            return
        for container in sorted(orphans, key=lambda c: c.name):
            stop = self.plan.add(Op(f"orphan:{container.name}:stop", STOP,
                                    f"Container {container.name}", "orphan",
                                    args={"id": container.id, "timeout": self.options.timeout}))
            self.plan.add(Op(f"orphan:{container.name}:remove", REMOVE,
                             f"Container {container.name}", "orphan", frozenset({stop.id}),
                             args={"id": container.id}))

    # -- services --------------------------------------------------------------------------
    def strategy(self, name: str) -> str:
        """Compose's recreate policy for a service: ``never``, ``force`` or ``diverged``.

        ``--force-recreate`` applies to the services named on the command line (all of them
        when none is named); their dependencies follow ``--always-recreate-deps``.
        """
        options = self.options
        if options.no_recreate:
            return "never"
        named = not options.services or name in options.services
        forced = options.force_recreate if named else options.always_recreate_deps
        return "force" if forced else "diverged"

    def recreate_cause(self, service: Service, container: ObservedContainer) -> str:
        strategy = self.strategy(service.name)
        if strategy == "never":
            return ""
        if strategy == "force":
            return "forced"
        if container.config_hash != self.hashes.get(service.name, ""):
            return "config changed"
        image_id = self.observed.images.get(service.image)
        if image_id and container.image_id != image_id:
            return "image changed"
        if _references(service) & self.renewed:
            return "referenced container recreated"
        if container.running and not service.network_mode:
            for key in service.networks:
                network = self.project.networks.get(key)
                if network is not None and network.name not in container.networks:
                    return f"not connected to network {network.name}"
        for mount in service.spec.get("volumes") or ():
            volume = self.project.volumes.get(str(mount.get("source")))
            if (mount.get("type") == "volume" and volume is not None
                    and volume.name not in container.volumes):
                return f"volume {volume.name} not mounted"
        return ""

    def plan_service(self, service: Service) -> None:
        plan, options, name = self.plan, self.options, service.name
        replicas = options.scale.get(name, service.replicas)
        existing = self.observed.service_containers(name)
        causes = {c.id: self.recreate_cause(service, c) for c in existing}
        existing, cleared = self.remove_leftovers(service, existing, causes)
        # As Compose: up-to-date containers with the lowest numbers are kept, outdated ones
        # and then the highest numbers go first when scaling down.
        ranked = (sorted((c for c in existing if not causes[c.id]), key=lambda c: c.number)
                  + sorted((c for c in existing if causes[c.id]), key=lambda c: c.number))
        kept, surplus = ranked[:replicas], ranked[replicas:]
        base_deps = self.resource_deps(service)
        refs = _references(service)
        # Links name the linked containers at creation, so those must exist by then.
        ref_exists = set().union(*(self.exists_ops.get(r, set())
                                   for r in refs | _linked(service)))
        start_after = {self.ready_op[d.service] for d in service.depends_on
                       if d.service in self.ready_op}
        start_after |= {self.ready_op[r] for r in refs if r in self.ready_op}
        start_ids: list[str] = []
        exists: set[str] = set()
        first = min((c.number for c in kept), default=None)
        for container in surplus:
            cid = _container_id(name, container.number)
            resource = f"Container {container.name}"
            stopped = self.restart_stops.get(container.id)
            if stopped is None:
                stopped = plan.add(Op(f"{cid}:stop", STOP, resource, "scale down",
                                      args={"id": container.id,
                                            "timeout": options.timeout})).id
            plan.add(Op(f"{cid}:remove", REMOVE, resource, "scale down", frozenset({stopped}),
                        args={"id": container.id}))
        cause_of = {c.number: causes[c.id] for c in kept}
        if any(cause_of.values()):
            base_deps |= self.stop_restart_dependants(service)
        for container in kept:
            number = container.number
            cid = _container_id(name, number)
            cname = _container_name(self.project, service, number)
            resource = f"Container {cname}"
            cause = cause_of[number]
            restart_stop = self.restart_stops.get(container.id)
            # Leftovers holding this number (and maybe this name) go first.
            clear = cleared.get(number, set())
            if not cause and container.name != cname:
                # The replacement of an interrupted recreate: it only lacks its name.
                renamed = plan.add(Op(f"{cid}:rename", RENAME, resource,
                                      "interrupted recreate", frozenset(clear),
                                      args={"service": name, "number": number, "name": cname,
                                            "id": container.id}))
                clear = {renamed.id}
            if cause:
                if number == first:
                    self.renewed.add(name)
                tmp = f"{container.short_id}_{cname}"
                create = plan.add(Op(f"{cid}:create", CREATE_CONTAINER, resource, cause,
                                     frozenset(base_deps | ref_exists | clear),
                                     args={"service": name, "number": number, "tmp_name": tmp,
                                           "replaces": container.id}))
                stop_deps = {create.id} | ({restart_stop} if restart_stop else set())
                stop = plan.add(Op(f"{cid}:stop-old", STOP, resource, "replaced",
                                   frozenset(stop_deps),
                                   args={"id": container.id, "timeout": options.timeout,
                                         "silent": True}))
                remove = plan.add(Op(f"{cid}:remove-old", REMOVE, resource, "replaced",
                                     frozenset({stop.id}),
                                     args={"id": container.id, "silent": True}))
                rename = plan.add(Op(f"{cid}:rename", RENAME, resource, "replaced",
                                     frozenset({remove.id}),
                                     args={"service": name, "number": number, "name": cname}))
                exists.add(rename.id)
                if not options.no_start:
                    start = plan.add(Op(f"{cid}:start", START, resource, "recreated",
                                        frozenset({rename.id} | start_after),
                                        args={"service": name, "number": number}))
                    start_ids.append(start.id)
            elif restart_stop and not options.no_start:
                start = plan.add(Op(f"{cid}:start", START, resource, "dependency recreated",
                                    frozenset({restart_stop} | start_after | clear),
                                    args={"service": name, "number": number,
                                          "id": container.id}))
                start_ids.append(start.id)
            elif not container.running and not options.no_start:
                start = plan.add(Op(f"{cid}:start", START, resource, "stopped",
                                    frozenset(base_deps | start_after | clear),
                                    args={"service": name, "number": number,
                                          "id": container.id}))
                start_ids.append(start.id)
            else:
                running = plan.add(Op(f"{cid}:running", RUNNING, resource,
                                      "up to date" if container.running else "created",
                                      frozenset(clear),
                                      args={"service": name, "number": number,
                                            "id": container.id}))
                start_ids.append(running.id)
        following = max((c.number for c in existing), default=0) + 1
        for number in range(following, following + replicas - len(kept)):
            cid = _container_id(name, number)
            resource = f"Container {_container_name(self.project, service, number)}"
            if first is None:
                first = number
                self.renewed.add(name)
            create = plan.add(Op(f"{cid}:create", CREATE_CONTAINER, resource, "missing",
                                 frozenset(base_deps | ref_exists),
                                 args={"service": name, "number": number}))
            exists.add(create.id)
            if not options.no_start:
                start = plan.add(Op(f"{cid}:start", START, resource, "created",
                                    frozenset({create.id} | start_after),
                                    args={"service": name, "number": number}))
                start_ids.append(start.id)
        self.exists_ops[name] = exists
        if start_ids:
            ready = plan.add(Op(f"service:{name}:ready", WAIT, f"Service {name}",
                                "dependencies wait for it", frozenset(start_ids),
                                args={"service": name}))
            self.ready_op[name] = ready.id

    def remove_leftovers(self, service: Service, existing: list[ObservedContainer],
                         causes: Mapping[str, str]
                         ) -> tuple[list[ObservedContainer], dict[int, set[str]]]:
        """Keep one container per number; plan the removal of the others.

        An interrupted recreate leaves two containers with one number: the old one and its
        replacement under a temporary name (Compose keeps both, and later runs the replacement
        under that name). The one kept is up to date if one is, then the one with the right
        name, then a running one. Returns the kept containers and, per number, the removals
        that must finish before the kept one is renamed or replaced.
        """
        by_number: dict[int, list[ObservedContainer]] = {}
        for container in existing:
            by_number.setdefault(container.number, []).append(container)
        kept: list[ObservedContainer] = []
        cleared: dict[int, set[str]] = {}
        for number, group in sorted(by_number.items()):
            cname = _container_name(self.project, service, number)
            group.sort(key=lambda c: (bool(causes[c.id]), c.name != cname, not c.running, c.id))
            kept.append(group[0])
            for extra in group[1:]:
                base = f"{_container_id(service.name, number)}:leftover:{extra.short_id}"
                resource = f"Container {extra.name}"
                stop = self.plan.add(Op(f"{base}:stop", STOP, resource, "leftover",
                                        args={"id": extra.id, "timeout": self.options.timeout}))
                remove = self.plan.add(Op(f"{base}:remove", REMOVE, resource, "leftover",
                                          frozenset({stop.id}), args={"id": extra.id}))
                cleared.setdefault(number, set()).add(remove.id)
        return kept, cleared

    def stop_restart_dependants(self, service: Service) -> set[str]:
        """Compose stops the running containers of services that depend on ``service`` with
        ``restart: true`` before recreating it; they are started again after it."""
        stops: set[str] = set()
        for name in self.names:
            dependant = self.project.services[name]
            if not any(d.service == service.name and d.restart for d in dependant.depends_on):
                continue
            for container in self.observed.service_containers(name):
                if not container.running or container.id in self.restart_stops:
                    continue
                stop = self.plan.add(Op(
                    f"{_container_id(name, container.number)}:stop-for-restart", STOP,
                    f"Container {container.name}", f"dependency {service.name} recreated",
                    args={"id": container.id, "timeout": self.options.timeout}))
                self.restart_stops[container.id] = stop.id
                stops.add(stop.id)
        return stops

    def resource_deps(self, service: Service) -> set[str]:
        deps: set[str] = set()
        if not service.network_mode:
            deps.update(f"network:{k}" for k in service.networks
                        if f"network:{k}" in self.plan.ops)
        for mount in service.spec.get("volumes") or ():
            key = f"volume:{mount.get('source')}"
            if mount.get("type") == "volume" and key in self.plan.ops:
                deps.add(key)
        return deps


def _references(service: Service) -> set[str]:
    """Services whose first container's id goes into this one's configuration."""
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


def _network_hash(network: Network) -> str:
    from pycompose.engine.convert import network_hash_input
    from pycompose.serialize import config_hash

    return config_hash(network_hash_input(network))


def _linked(service: Service) -> set[str]:
    return {str(link).split(":", 1)[0] for link in service.spec.get("links") or ()}


def _container_name(project: Project, service: Service, number: int) -> str:
    return service.container_name or f"{project.name}-{service.name}-{number}"


class DownOptions(NamedTuple):
    remove_orphans: bool = False
    volumes: bool = False
    timeout: int | None = None
    services: tuple[str, ...] = ()


def plan_down(project: Project | None, observed: ObservedState, options: DownOptions,
              project_name: str) -> Plan:
    """Plan ``down``: stop and remove containers, dependants before what they depend on, then
    networks and (with ``-v``) the project's volumes.

    As Compose v2.40.3: every container of the project goes, those of services no longer in
    the file too (without a warning); ``run`` containers only with ``--remove-orphans``. Named
    services take their dependants with them, and leave networks and volumes alone.
    """
    from pycompose.graph import ServiceGraph

    plan = Plan()
    graph = (ServiceGraph.from_services({n: s.spec for n, s in project.services.items()})
             if project else None)
    wanted: set[str] | None = None
    if options.services:
        wanted = set(options.services)
        todo = [n for n in options.services if graph is not None and n in graph]
        while graph is not None and todo:
            for dependant in graph.dependents(todo.pop()):
                if dependant not in wanted:
                    wanted.add(dependant)
                    todo.append(dependant)
    containers = [
        c for c in observed.containers
        if (wanted is None or c.service in wanted)
        and (not c.oneoff or (options.remove_orphans and wanted is None))
    ]
    stop_ids: dict[str, list[str]] = {}
    for c in containers:
        if c.running:
            stop_ids.setdefault(c.service, []).append(f"down:{c.name}:stop")
    remove_ids: list[str] = []
    for c in sorted(containers, key=lambda c: c.name):
        deps: set[str] = set()
        if graph is not None and c.service in graph:
            for dependant in graph.dependents(c.service):
                deps.update(stop_ids.get(dependant, []))
        resource = f"Container {c.name}"
        rm_deps = frozenset(deps)
        if c.running:
            stop = plan.add(Op(f"down:{c.name}:stop", STOP, resource, "down", frozenset(deps),
                               args={"id": c.id, "timeout": options.timeout}))
            rm_deps = frozenset({stop.id})
        remove = plan.add(Op(f"down:{c.name}:remove", REMOVE, resource, "down", rm_deps,
                             args={"id": c.id, "volumes": options.volumes}))
        remove_ids.append(remove.id)
    if options.services:
        return plan
    wanted_networks = {n.name: n for n in project.networks.values()} if project else {}
    for name, net in sorted(observed.networks.items()):
        if project and (name not in wanted_networks or wanted_networks[name].external):
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


# -- container commands: create, start, stop, restart, kill, pause, unpause, rm -------------
KILL = "kill"
PAUSE = "pause"
UNPAUSE = "unpause"
RESTART = "restart"

_WAITED_CONDITIONS = ("service_healthy", "service_completed_successfully")


def project_from_containers(name: str, observed: ObservedState) -> Project:
    """The project Compose rebuilds from container labels when no compose file is read
    (``-p NAME`` alone): a service per service label, each with the ``depends_on`` recorded in
    the ``com.docker.compose.depends_on`` label of its first container."""
    from pycompose.engine import labels as L
    from pycompose.model import service_from_spec

    specs: dict[str, dict[str, Any]] = {}
    for container in observed.containers:
        service = container.service or container.name
        if service in specs:
            continue
        depends_on: dict[str, Any] = {}
        for entry in filter(None, container.labels.get(L.DEPENDS_ON, "").split(",")):
            parts = entry.split(":")
            # Labels older than the condition field: Compose restarts and waits by default.
            condition = parts[1] if len(parts) > 1 else "running_or_healthy"
            restart = parts[2].lower() in ("1", "t", "true") if len(parts) > 2 else True
            depends_on[parts[0]] = {"condition": condition, "restart": restart,
                                    "required": True}
        specs[service] = {"depends_on": depends_on}
    services = {svc: service_from_spec(name, svc, spec) for svc, spec in specs.items()}
    return Project(name=name, working_dir="", config_files=(), services=services, networks={},
                   volumes={})


def _dependencies(project: Project, *, restart_only: bool = False) -> dict[str, set[str]]:
    """For each service, the services of ``project`` it depends on (all ``depends_on``
    entries, which normalization fills from links, volumes_from and ``service:`` modes too)."""
    return {
        name: {d.service for d in service.depends_on
               if d.service in project.services and (d.restart or not restart_only)}
        for name, service in project.services.items()
    }


def _dependency_order(names: Iterable[str], deps: Mapping[str, set[str]]) -> list[str]:
    """``names`` with every service after the services it depends on (ties by name)."""
    members = set(names)
    pending = {n: deps.get(n, set()) & members for n in sorted(members)}
    order: list[str] = []
    while pending:
        ready = [n for n, before in pending.items() if not before - set(order)]
        if not ready:  # pragma: no cover - the loader rejects cycles
            ready = sorted(pending)
        order.extend(ready)
        for name in ready:
            del pending[name]
    return order


def _dependents(deps: Mapping[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {name: set() for name in deps}
    for name, before in deps.items():
        for dep in before:
            out.setdefault(dep, set()).add(name)
    return out


def _closure(names: Iterable[str], edges: Mapping[str, set[str]]) -> set[str]:
    found: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(edges.get(name, ()))
    return found


def _container_args(container: ObservedContainer, **extra: Any) -> dict[str, Any]:
    return {"id": container.id, "service": container.service, "number": container.number,
            "name": container.name, **extra}


def plan_start(project: Project, observed: ObservedState, services: Iterable[str] = ()) -> Plan:
    """Plan ``start``: the stopped containers of ``services`` (all of them when empty) and of
    their dependencies, service by service in dependency order, one container at a time
    within a service (as Compose does); a service waits for the ``service_healthy`` and
    ``service_completed_successfully`` conditions of its dependencies first."""
    from pycompose.errors import PycomposeError

    for _, service in sorted(project.services.items()):
        for dep in service.depends_on:
            if dep.service not in project.services:
                raise PycomposeError(f"could not find {dep.service}: not found")
    deps = _dependencies(project)
    wanted = _closure(services, deps) if services else set(project.services)
    order = _dependency_order(wanted, deps)
    containers = [c for c in observed.containers if not c.oneoff]
    if not containers:
        for name in order:
            if project.services[name].replicas > 0:
                raise PycomposeError(f'service "{name}" has no container to start')
    plan = Plan()
    done: dict[str, set[str]] = {}
    waits: dict[str, str] = {}
    for name in order:
        before: set[str] = set()
        for required in deps[name]:
            before |= done[required]
        for dep in project.services[name].depends_on:
            waited = (dep.condition in _WAITED_CONDITIONS
                      and project.services[dep.service].replicas > 0)
            if not waited:
                continue
            if dep.service not in waits:
                waits[dep.service] = plan.add(Op(
                    f"start:wait:{dep.service}", WAIT, f"Service {dep.service}",
                    "dependency condition", frozenset(done[dep.service]),
                    args={"service": dep.service})).id
            before.add(waits[dep.service])
        previous = frozenset(before)
        for container in containers:
            if container.service != name or container.state == "running":
                continue
            op = plan.add(Op(f"start:{container.name}", START, f"Container {container.name}",
                             "start", previous, args=_container_args(container)))
            previous = frozenset({op.id})
        done[name] = set(previous)
    return plan


def plan_stop(project: Project, observed: ObservedState, services: Iterable[str] = (),
              timeout: int | None = None) -> Plan:
    """Plan ``stop``: every container of ``services`` (all when empty), whatever its state,
    a service only after the services that depend on it; containers of services the project
    does not define are left alone."""
    deps = _dependencies(project)
    dependents = _dependents(deps)
    selected = set(services) or set(project.services)
    plan = Plan()
    done: dict[str, set[str]] = {}
    for name in reversed(_dependency_order(project.services, deps)):
        before: set[str] = set()
        for dependent in dependents.get(name, set()):
            before |= done[dependent]
        own: set[str] = set()
        if name in selected:
            for container in observed.service_containers(name):
                own.add(plan.add(Op(
                    f"stop:{container.name}", STOP, f"Container {container.name}", "stop",
                    frozenset(before), args=_container_args(container, timeout=timeout))).id)
        done[name] = own or before
    return plan


def plan_restart(project: Project, observed: ObservedState, services: Iterable[str] = (),
                 timeout: int | None = None, no_deps: bool = False) -> Plan:
    """Plan ``restart``: every container (running or not) of ``services`` and of the services
    that depend on them with ``restart: true`` (only ``services`` with ``no_deps``), in the
    order those ``restart: true`` dependencies give; other services restart in parallel."""
    from pycompose.errors import PycomposeError

    names = list(services)
    for name in names:
        if name not in project.services:
            raise PycomposeError(f"no such service: {name}")
    deps = _dependencies(project, restart_only=True)
    if no_deps and names:
        deps = {n: deps[n] & set(names) for n in names}
    selected = _closure(names, _dependents(deps)) if names else set(deps)
    plan = Plan()
    done: dict[str, set[str]] = {}
    waits: dict[str, str] = {}
    for name in _dependency_order(selected, deps):
        before: set[str] = set()
        for required in deps[name] & selected:
            before |= done[required]
        for dep in project.services[name].depends_on:
            if (dep.service not in deps[name] & selected
                    or dep.condition not in _WAITED_CONDITIONS):
                continue
            if dep.service not in waits:
                waits[dep.service] = plan.add(Op(
                    f"restart:wait:{dep.service}", WAIT, f"Service {dep.service}",
                    "dependency condition", frozenset(done.get(dep.service, set())),
                    args={"service": dep.service})).id
            before.add(waits[dep.service])
        own = {
            plan.add(Op(f"restart:{c.name}", RESTART, f"Container {c.name}", "restart",
                        frozenset(before), args=_container_args(c, timeout=timeout))).id
            for c in observed.service_containers(name)
        }
        done[name] = own or before
    return plan


def _selected(project: Project, observed: ObservedState, services: Iterable[str], *,
              oneoff: bool, orphans: bool = False) -> list[ObservedContainer]:
    wanted = set(services)
    return [
        c for c in observed.containers
        if (oneoff or not c.oneoff)
        and (not wanted or c.service in wanted)
        and (orphans or c.service in project.services)
    ]


def plan_kill(project: Project, observed: ObservedState, services: Iterable[str] = (),
              signal: str = "SIGKILL", remove_orphans: bool = False) -> Plan:
    """Plan ``kill``: send ``signal`` to every running container of ``services`` (one-off
    containers included), all at once; ``remove_orphans`` includes services the project does
    not define."""
    plan = Plan()
    for c in _selected(project, observed, services, oneoff=True, orphans=remove_orphans):
        if c.running:
            plan.add(Op(f"kill:{c.name}", KILL, f"Container {c.name}", "kill",
                        args=_container_args(c, signal=signal)))
    return plan


def plan_pause(project: Project, observed: ObservedState, services: Iterable[str] = (),
               unpause: bool = False) -> Plan:
    """Plan ``pause`` (or ``unpause``): every running container of ``services``, all at once.
    As in Compose, paused containers count as running (unpausing a running one fails)."""
    kind = UNPAUSE if unpause else PAUSE
    plan = Plan()
    for c in _selected(project, observed, services, oneoff=False):
        if c.running:
            plan.add(Op(f"{kind}:{c.name}", kind, f"Container {c.name}", kind,
                        args=_container_args(c)))
    return plan


def plan_remove(project: Project, observed: ObservedState, services: Iterable[str] = (),
                volumes: bool = False, force: bool = False,
                assume_stopped: bool = False) -> Plan:
    """Plan ``rm``: remove the stopped containers of ``services``, all at once, in the order
    the engine lists them (the order of ``Going to remove ...``). ``assume_stopped`` counts
    running containers as stopped (``rm --stop --dry-run``)."""
    plan = Plan()
    for c in _selected(project, observed, services, oneoff=False):
        if not c.running or assume_stopped:
            plan.add(Op(f"rm:{c.name}", REMOVE, f"Container {c.name}", "rm",
                        args=_container_args(c, volumes=volumes, force=force)))
    return plan


def plan_create(project: Project, observed: ObservedState, options: UpOptions,
                expected_hashes: Mapping[str, str]) -> Plan:
    """Plan ``create``: ``up --no-start``, reporting existing containers as Compose's create
    does (``Running`` for a running one, nothing for a stopped one); nothing waits for
    dependency conditions, since nothing starts."""

    plan = plan_up(project, observed, options._replace(no_start=True), expected_hashes)
    states = {c.id: c.state for c in observed.containers}
    dropped = {
        op.id for op in plan.ops.values()
        if op.kind == WAIT
        or (op.kind == RUNNING and states.get(str(op.args.get("id", ""))) != "running")
    }
    for op_id in dropped:
        del plan.ops[op_id]
    for op in list(plan.ops.values()):
        if op.deps & dropped:
            plan.ops[op.id] = op._replace(deps=op.deps - dropped)
    return plan
