"""Walks a :class:`~pycompose.plan.Plan` with an anyio task group.

An operation starts the moment the operations it depends on are done (not level by level), at
most ``limit`` at a time; blocking Docker SDK calls run in worker threads. Progress goes to an
event sink passed in from outside; the first failure cancels the rest.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.to_thread

from pycompose.engine import labels as L
from pycompose.engine.client import Engine, NotFound
from pycompose.engine.convert import (
    container_request,
    injected_files,
    network_endpoint,
    network_payload,
    volume_payload,
)
from pycompose.engine.observe import ObservedState
from pycompose.errors import EngineError, PycomposeError
from pycompose.events import Event, Sink, first_error
from pycompose.model import Project, Service
from pycompose.plan import (
    CHECK_NETWORK,
    CHECK_VOLUME,
    CONNECT,
    CREATE_CONTAINER,
    CREATE_NETWORK,
    CREATE_VOLUME,
    DISCONNECT,
    KILL,
    PAUSE,
    REMOVE,
    REMOVE_NETWORK,
    REMOVE_VOLUME,
    RENAME,
    RESTART,
    RUNNING,
    START,
    STOP,
    UNPAUSE,
    WAIT,
    WAITED_CONDITIONS,
    Op,
    Plan,
    planned_services,
    volume_mismatch,
    waited_conditions,
)


class DependencyError(PycomposeError):
    """A dependency did not reach its ``depends_on`` condition (or ``--wait`` failed).

    ``reported``: the failure is already shown on the containers' progress lines.
    """

    def __init__(self, message: str, *, reported: bool = False) -> None:
        super().__init__(message)
        self.reported = reported


@dataclass
class RunState:
    """What the executor learns while it runs: container ids and names per service."""

    ids: dict[tuple[str, int], str] = field(default_factory=dict)
    names: dict[tuple[str, int], str] = field(default_factory=dict)

    def first_ids(self) -> dict[str, str]:
        firsts: dict[str, str] = {}
        for (service, _number), cid in sorted(self.ids.items()):
            firsts.setdefault(service, cid)
        return firsts

    def names_by_service(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for (service, _), name in sorted(self.names.items()):
            out.setdefault(service, []).append(name)
        return out


class Executor:
    def __init__(
        self,
        engine: Engine,
        project: Project,
        observed: ObservedState,
        sink: Sink,
        *,
        limit: int | None = None,
        wait_timeout: float | None = None,
    ) -> None:
        self.engine = engine
        self.project = project
        self.observed = observed
        self.sink = sink
        self.limiter = anyio.CapacityLimiter(limit if limit and limit > 0 else 10_000)
        self.thread_limiter = anyio.CapacityLimiter(max(64, limit or 0))
        self.wait_timeout = wait_timeout
        self.state = RunState()
        self._pending_rename: dict[tuple[str, int], str] = {}
        self._proxy_env: dict[str, str] | None = None
        # Services the running plan acts on: only their conditions are waited for.
        self._planned: set[str] = set()
        for c in observed.containers:
            if not c.oneoff:
                self.state.ids[(c.service, c.number)] = c.id
                self.state.names[(c.service, c.number)] = c.name
        self._image_ids: dict[str, str] = {
            ref: image_id for ref, image_id in observed.images.items() if image_id
        }

    async def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await anyio.to_thread.run_sync(
            lambda: fn(*args, **kwargs), limiter=self.thread_limiter
        )

    def emit(self, resource: str, status: str, *, done: bool = False, error: bool = False,
             text: str = "") -> None:
        self.sink(Event(resource, status, done, error, text))

    async def run(self, plan: Plan) -> None:
        """Run every operation of ``plan``; raise the first failure."""
        finished = {op_id: anyio.Event() for op_id in plan.ops}
        self._planned = planned_services(plan)

        async def run_op(op: Op) -> None:
            for dep in op.deps:
                if dep in finished:
                    await finished[dep].wait()
            async with self.limiter:
                await self.perform(op)
            finished[op.id].set()

        with first_error():
            async with anyio.create_task_group() as group:
                for op in plan.ordered():
                    group.start_soon(run_op, op)

    async def perform(self, op: Op) -> None:
        handlers: dict[str, Callable[[Op], Awaitable[None]]] = {
            CREATE_NETWORK: self._op_create_network,
            CHECK_NETWORK: self._op_check_network,
            CREATE_VOLUME: self._op_create_volume,
            CHECK_VOLUME: self._op_check_volume,
            REMOVE_NETWORK: self._op_remove_network,
            REMOVE_VOLUME: self._op_remove_volume,
            CREATE_CONTAINER: self._op_create_container,
            RENAME: self._op_rename,
            START: self._op_start,
            RUNNING: self._op_running,
            STOP: self._op_stop,
            REMOVE: self._op_remove,
            WAIT: self._op_wait,
            CONNECT: self._op_connect,
            DISCONNECT: self._op_disconnect,
            KILL: self._op_kill,
            PAUSE: self._op_pause,
            UNPAUSE: self._op_unpause,
            RESTART: self._op_restart,
        }
        handler = handlers[op.kind]
        try:
            await handler(op)
        except PycomposeError as exc:
            # As Compose: a failed pause, unpause or start is reported by its error alone, a
            # failed creation by its message on the container's line.
            if op.kind in (PAUSE, UNPAUSE, START) or getattr(exc, "reported", False):
                raise
            status = str(exc) if op.kind == CREATE_CONTAINER else "Error"
            self.emit(op.resource, status, done=True, error=True)
            raise

    # -- networks and volumes --------------------------------------------------------------
    async def _op_create_network(self, op: Op) -> None:
        network = self.project.networks[op.args["key"]]
        try:
            existing = await self.call(self.engine.inspect_network, network.name)
        except NotFound:
            existing = None
        if existing is not None:
            label = (existing.get("Labels") or {}).get(L.NETWORK, "")
            raise EngineError(
                f"network {network.name} was found but has incorrect label {L.NETWORK} set to "
                f'"{label}" (expected: "{network.key}")'
            )
        self.emit(op.resource, "Creating")
        await self.call(self.engine.create_network, network_payload(self.project, network))
        self.emit(op.resource, "Created", done=True)

    async def _op_check_network(self, op: Op) -> None:
        # Only an external network needs a look: a project network whose configuration
        # changed is replaced by the planner.
        network = self.project.networks[op.args["key"]]
        if not network.external:
            return
        try:
            await self.call(self.engine.inspect_network, network.name)
        except NotFound:
            raise EngineError(
                f"network {network.name} declared as external, but could not be found"
            ) from None

    async def _op_create_volume(self, op: Op) -> None:
        volume = self.project.volumes[op.args["key"]]
        try:
            existing = await self.call(self.engine.inspect_volume, volume.name)
        except NotFound:
            existing = None
        if existing is not None:
            label = (existing.get("Labels") or {}).get(L.PROJECT)
            if label != self.project.name:
                self.emit(op.resource, "Warning", text=(
                    f"volume \"{volume.name}\" already exists but was not created by Docker "
                    "Compose. Use `external: true` to use an existing volume"))
            return
        self.emit(op.resource, "Creating")
        await self.call(self.engine.create_volume, volume_payload(self.project, volume))
        self.emit(op.resource, "Created", done=True)

    async def _op_check_volume(self, op: Op) -> None:
        if "warn_unlabelled" in op.args:
            try:
                await self.call(self.engine.inspect_volume, op.args["name"])
            except NotFound:
                return
            self.emit(op.resource, "Warning", text=(
                f"volume {op.args['name']} does not carry the label "
                f"{L.PROJECT}={op.args['warn_unlabelled']}: not removed"))
            return
        volume = self.project.volumes[op.args["key"]]
        if volume.external:
            try:
                await self.call(self.engine.inspect_volume, volume.name)
            except NotFound:
                raise EngineError(
                    f'external volume "{volume.name}" not found'
                ) from None
            return
        warning = volume_mismatch(self.project, self.observed, op)
        if warning:
            self.emit(op.resource, "Warning", text=warning)

    async def _op_disconnect(self, op: Op) -> None:
        with suppress(NotFound):
            await self.call(self.engine.disconnect_network, op.args["network"], op.args["id"],
                            True)

    async def _op_connect(self, op: Op) -> None:
        service = self.project.services[op.args["service"]]
        endpoint = network_endpoint(self.project, service, int(op.args["number"]),
                                    op.args["key"], self.state.names_by_service())
        await self.call(self.engine.connect_network, self.project.networks[op.args["key"]].name,
                        op.args["id"], endpoint)

    async def _op_remove_network(self, op: Op) -> None:
        """Remove a network, unless containers outside the plan still use it: then, as
        Compose does, say so and leave it (``down`` of part of a project, or a container of
        another project connected to it)."""
        self.emit(op.resource, "Removing")
        for attempt in range(_NETWORK_REMOVE_TRIES):
            try:
                found = await self.call(self.engine.inspect_network, op.args["id"])
                if found.get("Containers"):
                    self.emit(op.resource, "Resource is still in use", done=True)
                    return
                await self.call(self.engine.remove_network, op.args["id"])
            except NotFound:
                break
            except EngineError as exc:
                # The engine can release the endpoints of containers it has just removed a
                # moment after saying so: look again before giving up.
                if "active endpoints" not in str(exc) or attempt + 1 == _NETWORK_REMOVE_TRIES:
                    raise
                await anyio.sleep(_POLL)
                continue
            break
        self.emit(op.resource, "Removed", done=True)

    async def _op_remove_volume(self, op: Op) -> None:
        self.emit(op.resource, "Removing")
        with suppress(NotFound):
            await self.call(self.engine.remove_volume, op.args["name"])
        self.emit(op.resource, "Removed", done=True)

    # -- containers ------------------------------------------------------------------------
    async def image_id(self, ref: str) -> str:
        if ref not in self._image_ids:
            found = await self.call(self.engine.image_id, ref)
            if not found:
                raise EngineError(f"No such image: {ref}")
            self._image_ids[ref] = found
        return self._image_ids[ref]

    async def _inherited_volumes(self, container_id: str, service: Service) -> dict[str, str]:
        """Anonymous volumes of the container being replaced that the new one takes over (as
        Compose: those at an anonymous-volume target of the service or an image ``VOLUME``)."""
        info = await self.call(self.engine.inspect_container, container_id)
        image = await self.call(self.engine.inspect_image, service.image)
        targets = set((image.get("Config") or {}).get("Volumes") or {})
        targets.update(m.get("target") for m in service.spec.get("volumes") or ()
                       if m.get("type") == "volume" and not m.get("source"))
        inherited: dict[str, str] = {}
        for mount in info.get("Mounts") or []:
            if mount.get("Type") == "volume" and mount.get("Destination") in targets:
                inherited[str(mount.get("Destination"))] = str(mount.get("Name"))
        return inherited

    async def _op_create_container(self, op: Op) -> None:
        service = self.project.services[op.args["service"]]
        number = int(op.args["number"])
        image_id = await self.image_id(service.image)
        inherited: dict[str, str] = {}
        if op.args.get("replaces"):
            inherited = await self._inherited_volumes(op.args["replaces"], service)
            self.emit(op.resource, "Recreate")
        else:
            self.emit(op.resource, "Creating")
        request = container_request(
            self.project, service, number, image_id=image_id,
            refs=self.state.first_ids(), names=self.state.names_by_service(),
            inherited=inherited, name=op.args.get("tmp_name"),
            api_version=self.engine.api_version,
            replaces=self._observed_name(op.args.get("replaces")),
            proxy_env=self.proxy_env(),
        )
        cid = await self.call(self.engine.create_container, request.name, request.payload,
                              request.platform)
        for network, endpoint in request.connect:
            await self.call(self.engine.connect_network, network, cid, endpoint)
        if not op.args.get("replaces"):
            self.state.ids[(service.name, number)] = cid
            self.state.names[(service.name, number)] = request.name
            self.emit(op.resource, "Created", done=True)
        else:
            self._pending_rename[(service.name, number)] = cid

    def proxy_env(self) -> dict[str, str]:
        """Proxy variables from the docker CLI config, read once per run."""
        if self._proxy_env is None:
            import json
            import os

            from pycompose.engine.auth import config_dir
            from pycompose.engine.convert import proxy_environment

            try:
                config = json.loads((config_dir() / "config.json").read_text())
            except (OSError, ValueError):
                config = {}
            host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
            self._proxy_env = proxy_environment(config if isinstance(config, dict) else {},
                                                host)
        return self._proxy_env

    def _observed_name(self, container_id: str | None) -> str | None:
        if container_id is None:
            return None
        for container in self.observed.containers:
            if container.id == container_id:
                return container.name
        return None

    async def _op_rename(self, op: Op) -> None:
        key = (op.args["service"], int(op.args["number"]))
        # An existing container (the replacement an interrupted recreate left) or the one
        # just created in place of the old one.
        cid = op.args.get("id") or self._pending_rename.pop(key)
        await self.call(self.engine.rename, cid, op.args["name"])
        self.state.ids[key] = cid
        self.state.names[key] = op.args["name"]
        self.emit(op.resource, "Recreated", done=True)

    async def _op_start(self, op: Op) -> None:
        key = (op.args["service"], int(op.args["number"]))
        cid = op.args.get("id") or self.state.ids[key]
        now = time.time()
        for item in injected_files(self.project, self.project.services[key[0]]):
            await self.call(self.engine.copy_to_container, cid, "/", item.archive(now),
                            copy_uid_gid=item.copy_uid_gid)
        self.emit(op.resource, "Starting")
        await self.call(self.engine.start, cid)
        self.emit(op.resource, "Started", done=True)

    async def _op_running(self, op: Op) -> None:
        self.emit(op.resource, "Running", done=True)

    async def _op_stop(self, op: Op) -> None:
        silent = op.args.get("silent")
        if not silent:
            self.emit(op.resource, "Stopping")
        with suppress(NotFound):
            await self.call(self.engine.stop, op.args["id"], op.args.get("timeout"))
        if not silent:
            self.emit(op.resource, "Stopped", done=True)

    async def _op_remove(self, op: Op) -> None:
        silent = op.args.get("silent")
        if not silent:
            self.emit(op.resource, "Removing")
        with suppress(NotFound):
            await self.call(self.engine.remove_container, op.args["id"],
                            force=bool(op.args.get("force", True)),
                            volumes=bool(op.args.get("volumes")))
        if not silent:
            self.emit(op.resource, "Removed", done=True)

    async def _op_kill(self, op: Op) -> None:
        self.emit(op.resource, "Killing")
        await self.call(self.engine.kill, op.args["id"], op.args.get("signal"))
        self.emit(op.resource, "Killed", done=True)

    async def _op_pause(self, op: Op) -> None:
        # Compose reports pause and unpause only once done.
        await self.call(self.engine.pause, op.args["id"])
        self.emit(op.resource, "Paused", done=True)

    async def _op_unpause(self, op: Op) -> None:
        await self.call(self.engine.unpause, op.args["id"])
        self.emit(op.resource, "Unpaused", done=True)

    async def _op_restart(self, op: Op) -> None:
        self.emit(op.resource, "Restarting")
        await self.call(self.engine.restart, op.args["id"], op.args.get("timeout"))
        self.emit(op.resource, "Started", done=True)

    async def _op_wait(self, op: Op) -> None:
        """A service is started; wait until the conditions its dependants set on it hold.

        A failure stops ``up`` unless every dependant that waits for that condition marked the
        dependency ``required: false``; then it is reported as skipped, as Compose does.
        """
        name = op.args["service"]
        deps = waited_conditions(self.project, name, self._planned)
        containers = [(self.state.names.get(key, cid[:12]), cid)
                      for key, cid in sorted(self.state.ids.items()) if key[0] == name]
        if not deps or not containers:
            return
        deadline = None if self.wait_timeout is None else time.monotonic() + self.wait_timeout
        for condition in WAITED_CONDITIONS:
            wanted = [d for d in deps if d.condition == condition]
            if wanted:
                await self._wait_condition(name, condition, containers,
                                           any(d.required for d in wanted), deadline)

    async def _wait_condition(self, service: str, condition: str,
                              containers: list[tuple[str, str]], required: bool,
                              deadline: float | None) -> None:
        resources = [f"Container {name}" for name, _ in containers]
        for resource in resources:
            self.emit(resource, "Waiting")
        while True:
            if condition == "service_healthy":
                healthy, problem = await self._healthy(containers)
                if problem is not None:
                    if not required:
                        self._skip(resources, f'optional dependency "{service}" failed to start',
                                   problem)
                        return
                    for resource in resources:
                        self.emit(resource, "Error", done=True, error=True)
                    raise DependencyError(f"dependency failed to start: {problem}", reported=True)
                if healthy:
                    for resource in resources:
                        self.emit(resource, "Healthy", done=True)
                    return
            else:
                code = await self._exit_code(containers)
                if code == 0:
                    for resource in resources:
                        self.emit(resource, "Exited", done=True)
                    return
                if code is not None:
                    suffix = f"\"{service}\" didn't complete successfully: exit {code}"
                    if not required:
                        self._skip(resources, f"optional dependency {suffix}", None)
                        return
                    for resource in resources:
                        self.emit(resource, f"service {suffix}", done=True, error=True)
                    raise DependencyError(f"service {suffix}", reported=True)
            if deadline is not None and time.monotonic() > deadline:
                raise DependencyError("timeout waiting for dependencies", reported=True)
            await anyio.sleep(_POLL)

    def _skip(self, resources: list[str], reason: str, problem: str | None) -> None:
        for resource in resources:
            self.emit(resource, f"Skipped: {reason}", done=True)
        self.emit("", "Warning", text=reason + (f": {problem}" if problem else ""))

    async def _healthy(self, containers: list[tuple[str, str]]) -> tuple[bool, str | None]:
        """Compose's health test of a service: (all healthy, the problem that ends the wait)."""
        for name, cid in containers:
            info = await self.call(self.engine.inspect_container, cid)
            state = info.get("State") or {}
            if state.get("Status") == "exited":
                return False, f"container {name} exited ({state.get('ExitCode')})"
            health = (state.get("Health") or {}).get("Status")
            if health is None:
                return False, f"container {name} has no healthcheck configured"
            if health == "unhealthy":
                return False, f"container {name} is unhealthy"
            if health != "healthy":
                return False, None
        return True, None

    async def _exit_code(self, containers: list[tuple[str, str]]) -> int | None:
        """The exit code of the first exited container of a one-shot service, if any."""
        for _, cid in containers:
            info = await self.call(self.engine.inspect_container, cid)
            state = info.get("State") or {}
            if state.get("Status") == "exited":
                return int(state.get("ExitCode") or 0)
        return None


# Compose polls every 500 ms; a shorter period finds a ready dependency sooner at little cost.
_POLL = 0.1
_NETWORK_REMOVE_TRIES = 20


async def wait_for_services(executor: Executor, services: Mapping[str, Any],
                            timeout: float | None) -> None:
    """``up --wait``: every container of ``services`` running, and healthy where it has a
    healthcheck; a service that others wait for with ``service_completed_successfully`` must
    have exited 0, as in Compose.

    Unlike Compose (docker/compose#10596), a container that exited 0 also counts as done when
    its service has ``restart: no``: a one-shot task that did its job is not a failure.
    """
    from pycompose.loader.units import format_duration

    deadline = None if timeout is None else time.monotonic() + timeout
    completed_ok = {
        dep.service
        for svc in executor.project.services.values()
        for dep in svc.depends_on
        if dep.condition == "service_completed_successfully"
    }

    async def one(key: tuple[str, int], cid: str) -> None:
        service = executor.project.services[key[0]]
        name = executor.state.names.get(key, cid[:12])
        resource = f"Container {name}"
        executor.emit(resource, "Waiting")
        while True:
            info = await executor.call(executor.engine.inspect_container, cid)
            state = info.get("State") or {}
            status = state.get("Status")
            health = (state.get("Health") or {}).get("Status")
            code = state.get("ExitCode")
            if key[0] in completed_ok:
                if status == "exited" and code == 0:
                    executor.emit(resource, "Exited", done=True)
                    return
                if status == "exited":
                    raise DependencyError(
                        f"service \"{key[0]}\" didn't complete successfully: exit {code}")
            elif status == "running" and health in (None, "healthy"):
                executor.emit(resource, "Healthy", done=True)
                return
            elif status == "exited":
                if code == 0 and service.restart == "no":
                    executor.emit(resource, "Exited", done=True)
                    return
                raise DependencyError(f"container {name} exited ({code})")
            elif health == "unhealthy":
                raise DependencyError(f"container {name} is unhealthy")
            if deadline is not None and time.monotonic() > deadline:
                raise DependencyError("application not healthy after "
                                      + format_duration(int((timeout or 0) * 1_000_000_000)))
            await anyio.sleep(_POLL)

    with first_error():
        async with anyio.create_task_group() as group:
            for key, cid in sorted(executor.state.ids.items()):
                if key[0] in services:
                    group.start_soon(one, key, cid)
