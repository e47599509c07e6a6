"""The Python API: everything the CLI does, Python code can do.

>>> from pycompose.api import load_project
>>> project = load_project(ProjectOptions(config_files=["compose.yaml"]))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pycompose.loader.discover import ProjectOptions
from pycompose.loader.pipeline import Loaded, Stages, load
from pycompose.serialize import config_hash

__all__ = ["Loaded", "ProjectOptions", "Stages", "load_project", "printable", "service_hash"]


def load_project(
    options: ProjectOptions, stages: Stages | None = None, services: Iterable[str] = ()
) -> Loaded:
    """Load, validate and normalize a project exactly as ``docker compose config`` does."""
    return load(options, stages, services=tuple(services))


def _strip_extensions(node: Any, depth: int = 0) -> Any:
    if isinstance(node, dict):
        return {
            k: _strip_extensions(v, depth + 1)
            for k, v in node.items()
            if depth == 0 or not (isinstance(k, str) and k.startswith("x-"))
        }
    if isinstance(node, list):
        return [_strip_extensions(v, depth + 1) for v in node]
    return node


# Struct fields go-yaml omits when empty but encoding/json prints.
_YAML_OMIT_EMPTY = frozenset({"ipam", "placement", "resources"})
_JSON_ALWAYS_NULL = ("command", "entrypoint")


def printable(loaded: Loaded, fmt: str = "json") -> Any:
    """The project tree as ``config --format json|yaml`` prints it (keys in Compose's order)."""
    from pycompose.loader.order import order_tree

    tree = dict(loaded.tree)
    interpolated = loaded.interpolated
    if interpolated:
        # Compose escapes every literal `$` again when it prints a resolved model.
        tree = _escape_dollars(tree)
    if fmt == "json" and not interpolated:
        # the raw model, extensions at every level included
        return order_tree(tree, style="json", typed=False)
    if fmt == "json":
        tree = _strip_extensions(tree)
        # Project.MarshalJSON has no entry for the top-level models (YAML prints them).
        tree.pop("models", None)
        for service in tree.get("services", {}).values():
            for key in _JSON_ALWAYS_NULL:
                service.setdefault(key, None)
            deploy = service.get("deploy")
            if isinstance(deploy, dict):
                deploy.setdefault("resources", {})
                deploy.setdefault("placement", {})
            develop = service.get("develop")
            if isinstance(develop, dict):
                for rule in develop.get("watch") or []:
                    if isinstance(rule, dict):
                        rule.setdefault("exec", {"command": None})
        for network in (tree.get("networks") or {}).values():
            network.setdefault("ipam", {})
        return order_tree(tree, style="json", typed=interpolated)
    return _drop_yaml_empty(order_tree(tree, style="yaml", typed=interpolated))


def _escape_dollars(node: Any) -> Any:
    if isinstance(node, str):
        return node.replace("$", "$$")
    if isinstance(node, dict):
        return {k: _escape_dollars(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_escape_dollars(v) for v in node]
    return node


def _drop_yaml_empty(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            k: _drop_yaml_empty(v)
            for k, v in node.items()
            if not (k in _YAML_OMIT_EMPTY and v in ({}, None))
            and not (k in _JSON_ALWAYS_NULL and v is None)
        }
    if isinstance(node, list):
        return [_drop_yaml_empty(v) for v in node]
    return node


# What Compose leaves out of a service before hashing it (it does not change the container).
_HASH_EXCLUDED = ("build", "pull_policy", "scale", "depends_on", "profiles")


def service_hash(service: dict[str, Any]) -> str:
    """``com.docker.compose.config-hash`` of a normalized service, as Compose v2 computes it."""
    from pycompose.loader.order import order_as

    spec = {
        k: v for k, v in service.items()
        if k not in _HASH_EXCLUDED and not k.startswith("x-")
    }
    spec.setdefault("command", None)
    spec.setdefault("entrypoint", None)
    deploy = spec.get("deploy")
    if isinstance(deploy, dict) and "replicas" in deploy:
        spec["deploy"] = {k: v for k, v in deploy.items() if k != "replicas"}
    return config_hash(order_as("ServiceConfig", spec))


# -- lifecycle -------------------------------------------------------------------------------


def typed_project(loaded: Loaded) -> Any:
    """The typed :class:`~pycompose.model.Project` of a loaded tree (services disabled by
    profiles are kept aside so they are not mistaken for orphans)."""

    from pycompose.model import project_from_loaded

    project = project_from_loaded(loaded)
    disabled = tuple(n for n in loaded.defined_services if n not in project.services)
    return project._replace(disabled=disabled)


def up(
    project: Any,
    options: Any,
    *,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    wait_timeout: float | None = None,
    limit: int | None = None,
    build: bool = False,
    no_build: bool = False,
    pull: str | None = None,
    quiet_pull: bool = False,
    on_build_line: Any = None,
) -> Any:
    """Bring ``project`` (a :class:`~pycompose.model.Project`) to its desired state.

    Images are pulled and built first (:func:`ensure_images`; ``pull`` is ``--pull``'s value
    for every service, None for each service's ``pull_policy``). Returns the executed
    :class:`~pycompose.plan.Plan`. With ``dry_run`` nothing is changed.
    """
    from pycompose.engine.client import Engine
    from pycompose.engine.convert import expected_hashes
    from pycompose.engine.observe import observe
    from pycompose.events import Event
    from pycompose.plan import (
        CHECK_VOLUME,
        RUNNING,
        plan_up,
        selected_services,
        settles_without_engine,
        volume_mismatch,
    )

    engine = engine or Engine.from_env()
    names = selected_services(project, options.services, with_deps=not options.no_deps)
    if not dry_run:
        project = ensure_images(project, names, engine=engine, sink=sink, build=build,
                                no_build=no_build, pull=pull, quiet_pull=quiet_pull,
                                on_line=on_build_line, limit=limit)
    images = tuple(s.image for s in project.services.values())
    observed = observe(engine, project.name, images)
    plan = plan_up(project, observed, options, expected_hashes(project, observed))
    for warning in plan.warnings:
        sink(_warning(warning))
    if dry_run:
        for op in plan.ordered():
            if op.kind in _DRY_RUN_STATUS:
                sink(_dry_run_event(op))
        return plan
    waits = options.wait and not options.no_start
    if not waits and settles_without_engine(project, plan):
        # A repeated ``up``: only reports, in the executor's order, without loading it.
        for op in plan.ordered():
            if op.kind == RUNNING:
                sink(Event(op.resource, "Running", done=True))
            elif op.kind == CHECK_VOLUME and (text := volume_mismatch(project, observed, op)):
                sink(Event(op.resource, "Warning", text=text))
        return plan
    import anyio

    from pycompose.execute import Executor, wait_for_services

    executor = Executor(engine, project, observed, sink, limit=limit, wait_timeout=wait_timeout)

    async def main() -> None:
        await executor.run(plan)
        if waits:
            await wait_for_services(executor, {n: True for n in names}, wait_timeout)

    anyio.run(main)
    return plan


def build_images(
    project: Any,
    services: Any,
    *,
    engine: Any,
    sink: Any,
    force: bool = False,
    never: bool = False,
    quiet: bool = False,
    options: Any = None,
    on_line: Any = None,
) -> dict[str, str]:
    """Build the images of ``services`` that have ``build:``: all of them with ``force``, else
    those whose image is missing. Returns image ids by service.

    ``options`` is a :class:`~pycompose.images.BuildOptions` (``--no-cache``, ``--pull``,
    ``--build-arg``); BuildKit's progress lines go to ``on_line``."""
    from pycompose.engine.images import local_image

    if never:
        return {}
    wanted = [n for n in services if project.services[n].has_build
              and (force or local_image(engine, project.services[n].image) is None)]
    return run_builds(project, wanted, engine=engine, sink=sink, options=options,
                      on_line=None if quiet else on_line)


def run_builds(project: Any, names: Any, *, engine: Any, sink: Any, options: Any = None,
               on_line: Any = None, limit: int | None = None) -> dict[str, str]:
    """Build the images of ``names`` in parallel (at most ``limit`` at a time); the first
    failure is raised once every build has ended."""
    if not names:
        return {}
    import anyio
    import anyio.to_thread

    from pycompose.engine.auth import DockerConfig, registry_config_header
    from pycompose.engine.build import Numbering, build, request_for, use_buildkit
    from pycompose.events import Event, first_error
    from pycompose.images import BuildOptions

    options = options or BuildOptions()
    requests = []
    for name in names:
        service = project.services[name]
        request = request_for(project.name, name, service.spec, service.image,
                              args=options.args, no_cache=options.no_cache, pull=options.pull)
        for text in request.warnings:
            sink(_warning(text))
        requests.append(request)
    if not requests:
        return {}
    config = DockerConfig.load()
    registry_config = registry_config_header(config)
    buildkit = use_buildkit(engine)
    numbering = Numbering()
    threads = _limiter(limit)
    built: dict[str, str] = {}
    quiet = options.quiet
    if buildkit:
        _pull_private_bases(requests, engine=engine, sink=sink, config=config)

    async def one(request: Any) -> None:
        if not quiet:
            sink(Event(request.service, "Building"))
        try:
            built[request.service] = await anyio.to_thread.run_sync(
                lambda: build(engine, request, on_line=None if quiet else on_line,
                              numbering=numbering, registry_config=registry_config,
                              buildkit=buildkit),
                limiter=threads,
            )
        except Exception:
            sink(Event(request.service, "Error", done=True, error=True))
            raise
        if not quiet:
            sink(Event(request.service, "Built", done=True))

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for request in requests:
                    group.start_soon(one, request)

    anyio.run(main)
    return built


def _pull_private_bases(requests: Any, *, engine: Any, sink: Any, config: Any) -> None:
    """Pull the missing base images that come from registries with credentials in the docker
    config: the engine's BuildKit cannot log in without a client session, but it builds from
    images the engine already has."""
    from pycompose.engine.build import base_images, dockerfile_text
    from pycompose.engine.images import pull
    from pycompose.errors import PycomposeError
    from pycompose.events import Event
    from pycompose.images import parse_ref

    wanted: list[tuple[str, Any]] = []
    for request in requests:
        for ref in base_images(dockerfile_text(request) or ""):
            try:
                creds = config.credentials(parse_ref(ref).auth_key)
            except PycomposeError:
                continue
            if not creds.anonymous and all(ref != r for r, _ in wanted):
                wanted.append((ref, creds))
    missing = _local_images(engine, {ref for ref, _ in wanted})
    for ref, creds in wanted:
        if missing.get(ref) is None:
            sink(Event(f"Image {ref}", "Pulling"))
            pull(engine, ref, creds)
            sink(Event(f"Image {ref}", "Pulled", done=True))


def _local_images(engine: Any, images: Any) -> dict[str, Any]:
    """What the engine has under each reference (None when nothing), inspected in parallel."""
    from pycompose.engine.images import local_image

    names = sorted(images)
    if len(names) < 2:
        return {name: local_image(engine, name) for name in names}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(min(8, len(names))) as pool:
        return dict(zip(names, pool.map(lambda n: local_image(engine, n), names), strict=True))


def _limiter(limit: int | None) -> Any:
    """At most ``limit`` engine calls at once (``--parallel``); unlimited as in Compose."""
    import anyio

    return anyio.CapacityLimiter(limit if limit and limit > 0 else 10_000)


class _LayerEvents:
    """Turns a pull's or push's layer messages into progress events, at most one per layer
    per status and tenth of the way, so plain output stays readable."""

    def __init__(self, sink: Any, prefix: str = "") -> None:
        self.sink = sink
        self.prefix = prefix
        self.last: dict[str, tuple[str, int]] = {}

    def __call__(self, step: Any) -> None:
        from pycompose.events import Event
        from pycompose.images import human_size

        tenth = step.current * 10 // step.total if step.total else 0
        key = (step.status, tenth)
        if self.last.get(step.layer) == key:
            return
        self.last[step.layer] = key
        status = step.status
        if step.total:
            status += f" {human_size(step.current)}/{human_size(step.total)}"
        self.sink(Event(f"{self.prefix}{step.layer}", status, done=step.done))


def _credentials(image: str, config: Any) -> Any:
    from pycompose.images import parse_ref

    return config.credentials(parse_ref(image).auth_key)


def pull_images(
    project: Any,
    services: Any,
    *,
    engine: Any,
    sink: Any,
    policy: str | None = None,
    ignore_failures: bool = False,
    ignore_buildable: bool = False,
    quiet: bool = False,
    dry_run: bool = False,
    limit: int | None = None,
) -> None:
    """``pull``: pull the images of ``services`` in parallel, as Compose decides (a service's
    ``pull_policy``, or ``policy`` for all). A failed image fails the command unless the
    service can build it or ``ignore_failures`` is set. ``dry_run`` only reports."""
    import anyio
    import anyio.to_thread

    from pycompose.engine.auth import DockerConfig
    from pycompose.engine.images import pull
    from pycompose.errors import PycomposeError
    from pycompose.events import Event, first_error
    from pycompose.images import plan_pull_command

    local = _local_images(engine, {project.services[n].image for n in services})
    decisions = plan_pull_command(project, services, local, policy=policy,
                                  ignore_buildable=ignore_buildable)
    config = DockerConfig.load()
    errors: list[PycomposeError] = []
    must_build: list[str] = []
    threads = _limiter(limit)

    async def one(name: str, image: str) -> None:
        service = project.services[name]
        sink(Event(name, "Pulling"))
        if dry_run:
            sink(Event(name, "Pulled", done=True))
            return
        platform = service.spec.get("platform") or project.environment.get(
            "DOCKER_DEFAULT_PLATFORM")
        layers = None if quiet else _LayerEvents(sink)
        try:
            await anyio.to_thread.run_sync(lambda: pull(
                engine, image, _credentials(image, config), platform=platform, on_layer=layers),
                limiter=threads)
        except PycomposeError as exc:
            reason = getattr(exc, "reason", str(exc))
            sink(Event(name, f"{'Warning' if service.has_build else 'Error'} {reason}",
                       done=True, error=not service.has_build, text=str(exc)))
            errors.append(exc)
            if service.has_build:
                must_build.append(name)
            elif not ignore_failures:
                raise
            return
        sink(Event(name, "Pulled", done=True))

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for decision in decisions:
                    if decision.skip:
                        sink(Event(decision.service, decision.skip, done=True))
                    else:
                        group.start_soon(one, decision.service, decision.image)

    try:
        anyio.run(main)
    finally:
        if must_build:
            sink(_warning("Some service image(s) must be built from source by running:\n"
                          f"    pycompose build {' '.join(sorted(must_build))}"))
    if errors and not ignore_failures:
        raise _joined(errors)


def _joined(errors: list[Any]) -> Any:
    from pycompose.errors import PycomposeError

    if len(errors) == 1:
        return errors[0]
    return PycomposeError("\n".join(str(e) for e in errors))


def push_images(
    project: Any,
    services: Any,
    *,
    engine: Any,
    sink: Any,
    ignore_failures: bool = False,
    quiet: bool = False,
    dry_run: bool = False,
    limit: int | None = None,
) -> None:
    """``push``: push the ``image:`` (and ``build.tags``) of every service that has both
    ``image:`` and ``build:``, in parallel; the others are skipped. ``dry_run`` only
    reports."""
    import anyio
    import anyio.to_thread

    from pycompose.engine.auth import DockerConfig
    from pycompose.engine.images import push
    from pycompose.errors import PycomposeError
    from pycompose.events import Event, first_error
    from pycompose.images import push_targets

    config = DockerConfig.load()
    failures: list[str] = []
    threads = _limiter(limit)

    async def one(name: str, image: str) -> None:
        if dry_run:
            sink(Event(f"Pushing {image}", "Pushed", done=True))
            return
        layers = None if quiet else _LayerEvents(sink, prefix=f"Pushing {image}: ")
        try:
            await anyio.to_thread.run_sync(lambda: push(
                engine, image, _credentials(image, config), on_layer=layers), limiter=threads)
        except PycomposeError as exc:
            if not ignore_failures:
                raise
            failures.append(f"Pushing {name}: {exc}")

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for name, images in push_targets(project, services):
                    if not images:
                        if not quiet:
                            sink(Event(name, "Skipped", done=True))
                        continue
                    for image in images:
                        group.start_soon(one, name, image)

    anyio.run(main)
    for text in failures:
        sink(_warning(text))


def ensure_images(
    project: Any,
    names: Any,
    *,
    engine: Any,
    sink: Any,
    build: bool = False,
    no_build: bool = False,
    pull: str | None = None,
    quiet_pull: bool = False,
    on_line: Any = None,
    limit: int | None = None,
) -> Any:
    """What ``up`` does before creating containers: pull what the pull policies ask for, then
    build what is missing (or everything buildable with ``build``). Returns the project to
    create containers from (``no_build`` drops the ``build:`` sections, as Compose does)."""
    from datetime import UTC, datetime

    from pycompose.engine.images import local_image
    from pycompose.engine.images import pull as pull_image
    from pycompose.errors import PycomposeError
    from pycompose.events import Event, first_error
    from pycompose.images import plan_builds, plan_pulls

    if no_build:
        project = project._replace(services={
            n: s._replace(has_build=False) for n, s in project.services.items()})
    local = _local_images(engine, {project.services[n].image for n in names})
    pulls = plan_pulls(project, names, local, datetime.now(UTC), override=pull,
                       force_build=build)
    buildable = {project.services[n].image for n in project.services
                 if project.services[n].has_build}

    async def one(name: str) -> None:
        service = project.services[name]
        sink(Event(name, "Pulling"))
        platform = service.spec.get("platform") or project.environment.get(
            "DOCKER_DEFAULT_PLATFORM")
        layers = None if quiet_pull else _LayerEvents(sink)
        try:
            await anyio.to_thread.run_sync(lambda: pull_image(
                engine, service.image, _credentials(service.image, config),
                platform=platform, on_layer=layers), limiter=threads)
        except PycomposeError as exc:
            reason = getattr(exc, "reason", str(exc))
            if service.image in buildable:
                sink(Event(name, f"Warning {reason}", done=True, text=str(exc)))
                return
            sink(Event(name, f"Error {reason}", done=True, error=True, text=str(exc)))
            raise
        sink(Event(name, "Pulled", done=True))
        local[service.image] = local_image(engine, service.image)

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for name in pulls:
                    group.start_soon(one, name)

    if pulls:
        import anyio
        import anyio.to_thread

        from pycompose.engine.auth import DockerConfig

        config = DockerConfig.load()
        threads = _limiter(limit)
        anyio.run(main)
    builds = plan_builds(project, names, local, force=build, override=pull)
    run_builds(project, builds, engine=engine, sink=sink, on_line=on_line, limit=limit)
    return project


def remove_project_images(
    project: Any, project_name: str, mode: str, *, engine: Any, sink: Any,
    remove_orphans: bool = False, dry_run: bool = False,
) -> None:
    """``down --rmi local|all``: remove the images Compose would, in parallel."""
    import anyio
    import anyio.to_thread

    from pycompose.engine.images import local_image, project_images, remove
    from pycompose.events import Event, first_error
    from pycompose.images import images_to_remove, rmi_candidates

    services = project.services if project is not None else {}
    candidates = rmi_candidates(mode, services, project_name)
    existing = [name for name in candidates if local_image(engine, name) is not None]
    targets = images_to_remove(mode, services, project_name, project_images(engine, project_name),
                               existing, remove_orphans=remove_orphans or project is None)

    async def one(image: str) -> None:
        resource = f"Image {image}"
        sink(Event(resource, "Removing"))
        if dry_run:
            sink(Event(resource, "Removed", done=True))
            return
        status = await anyio.to_thread.run_sync(lambda: remove(engine, image))
        sink(Event(resource, status, done=True))

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for image in targets:
                    group.start_soon(one, image)

    if targets:
        anyio.run(main)


def project_images(project_name: str, services: Any = (), *, engine: Any) -> list[Any]:
    """``images``: the image of each of the project's containers (all of them, or those of
    ``services``), as :class:`~pycompose.images.ContainerImage` sorted by container name."""
    from pycompose.engine.images import container_images

    return container_images(engine, project_name, tuple(services))


def down(
    project: Any,
    project_name: str,
    options: Any,
    *,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
    rmi: str | None = None,
) -> Any:
    """Stop and remove the project's containers and networks (and volumes with ``-v``, and
    images with ``rmi``: ``local`` or ``all``)."""
    import anyio

    from pycompose.engine.client import Engine
    from pycompose.engine.observe import ObservedState, observe
    from pycompose.execute import Executor
    from pycompose.model import Project
    from pycompose.plan import plan_down

    engine = engine or Engine.from_env()
    observed = observe(engine, project_name)
    plan = plan_down(project, observed, options, project_name)
    for warning in plan.warnings:
        sink(_warning(warning))
    if dry_run:
        for op in plan.ordered():
            if op.kind in _DRY_RUN_STATUS:
                sink(_dry_run_event(op))
        if rmi:
            remove_project_images(project, project_name, rmi, engine=engine, sink=sink,
                                  remove_orphans=options.remove_orphans, dry_run=True)
        return plan
    empty = project or Project(name=project_name, working_dir="", config_files=(), services={},
                               networks={}, volumes={})
    executor = Executor(engine, empty, ObservedState(project_name), sink, limit=limit)
    del observed
    anyio.run(executor.run, plan)
    if rmi:
        remove_project_images(project, project_name, rmi, engine=engine, sink=sink,
                              remove_orphans=options.remove_orphans)
    return plan


def _warning(text: str) -> Any:
    from pycompose.events import Event

    return Event(resource="", status="Warning", text=text)


_DRY_RUN_STATUS = {
    "create_network": "Created", "create_volume": "Created", "create_container": "Created",
    "start": "Started", "stop": "Stopped", "remove": "Removed", "rename": "Recreated",
    "remove_network": "Removed", "remove_volume": "Removed", "running": "Running",
}


def _dry_run_event(op: Any) -> Any:
    from pycompose.events import Event

    status = _DRY_RUN_STATUS.get(op.kind, op.kind)
    return Event(resource=op.resource, status=f"{status} ({op.cause})", done=True)


# -- container commands: create, start, stop, restart, kill, pause, unpause, rm -------------
#
# ``project`` is the loaded project (a compose file was read) or None (``-p NAME`` alone): then,
# as Docker Compose does, the project is rebuilt from the labels of its containers, and
# containers of services the compose file does not define are included.


def _observe_target(engine: Any, project: Any, project_name: str) -> tuple[Any, Any]:
    from pycompose.engine.observe import observe
    from pycompose.plan import project_from_containers

    observed = observe(engine, project_name)
    return project or project_from_containers(project_name, observed), observed


_DRY_RUN_EVENTS = {
    "start": ("Starting", "Started"), "stop": ("Stopping", "Stopped"),
    "restart": ("Restarting", "Started"), "kill": ("Killing", "Killed"),
    "pause": ("Paused",), "unpause": ("Unpaused",), "remove": ("Removing", "Removed"),
}


def _run_container_plan(plan: Any, project: Any, observed: Any, *, sink: Any, engine: Any,
                        dry_run: bool, limit: int | None,
                        wait_timeout: float | None = None) -> None:
    """Run ``plan``; with ``dry_run`` report each operation as Compose's dry run does (its
    progress statuses, nothing changed)."""
    import anyio

    from pycompose.events import Event
    from pycompose.execute import Executor

    if dry_run:
        for op in plan.ordered():
            statuses = _DRY_RUN_EVENTS.get(op.kind, ())
            for index, status in enumerate(statuses):
                sink(Event(op.resource, status, done=index == len(statuses) - 1))
        return
    if plan.ops:
        executor = Executor(engine, project, observed, sink, limit=limit,
                            wait_timeout=wait_timeout)
        anyio.run(executor.run, plan)


def create(
    project: Any,
    options: Any,
    *,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
    build: bool = False,
    no_build: bool = False,
    pull: str | None = None,
    quiet_pull: bool = False,
    on_build_line: Any = None,
) -> Any:
    """``create``: what ``up --no-start`` does (images pulled and built as ``up`` does them,
    networks, volumes, containers), reported as Compose's ``create`` reports it. Returns the
    :class:`~pycompose.plan.Plan`."""
    import anyio

    from pycompose.engine.client import Engine
    from pycompose.engine.convert import expected_hashes
    from pycompose.engine.observe import observe
    from pycompose.execute import Executor
    from pycompose.plan import plan_create, selected_services

    engine = engine or Engine.from_env()
    names = selected_services(project, options.services, with_deps=not options.no_deps)
    if not dry_run:
        project = ensure_images(project, names, engine=engine, sink=sink, build=build,
                                no_build=no_build, pull=pull, quiet_pull=quiet_pull,
                                on_line=on_build_line, limit=limit)
    images = tuple(s.image for s in project.services.values())
    observed = observe(engine, project.name, images)
    plan = plan_create(project, observed, options, expected_hashes(project, observed))
    for warning in plan.warnings:
        sink(_warning(warning))
    if dry_run:
        for op in plan.ordered():
            if op.kind in _DRY_RUN_STATUS:
                sink(_dry_run_event(op))
        return plan
    executor = Executor(engine, project, observed, sink, limit=limit)
    anyio.run(executor.run, plan)
    return plan


def start(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
    wait_timeout: float | None = None,
) -> Any:
    """``start``: start the stopped containers of ``services`` (all when empty) and of their
    dependencies, in dependency order."""
    from pycompose.engine.client import Engine
    from pycompose.engine.observe import observe
    from pycompose.errors import PycomposeError
    from pycompose.plan import plan_start, project_from_containers

    engine = engine or Engine.from_env()
    observed = observe(engine, project_name)
    if project is None:
        if not any(not c.oneoff for c in observed.containers):
            raise PycomposeError(f'no container found for project "{project_name}": not found')
        project = project_from_containers(project_name, observed)
        for name in services:
            if name not in project.services:
                raise PycomposeError(f'no such service: "{name}": not found')
    plan = plan_start(project, observed, services)
    _run_container_plan(plan, project, observed, sink=sink, engine=engine, dry_run=dry_run,
                        limit=limit, wait_timeout=wait_timeout)
    return plan


def stop(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    timeout: int | None = None,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """``stop``: stop the containers of ``services`` (all when empty), dependants first."""
    from pycompose.engine.client import Engine
    from pycompose.plan import plan_stop

    engine = engine or Engine.from_env()
    target, observed = _observe_target(engine, project, project_name)
    plan = plan_stop(target, observed, services, timeout)
    _run_container_plan(plan, target, observed, sink=sink, engine=engine, dry_run=dry_run,
                        limit=limit)
    return plan


def restart(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    timeout: int | None = None,
    no_deps: bool = False,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """``restart``: restart the containers of ``services`` (all when empty) and of the services
    depending on them with ``restart: true`` (not with ``no_deps``)."""
    from pycompose.engine.client import Engine
    from pycompose.plan import plan_restart

    engine = engine or Engine.from_env()
    target, observed = _observe_target(engine, project, project_name)
    plan = plan_restart(target, observed, services, timeout, no_deps)
    _run_container_plan(plan, target, observed, sink=sink, engine=engine, dry_run=dry_run,
                        limit=limit)
    return plan


def kill(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    signal: str = "SIGKILL",
    remove_orphans: bool = False,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """``kill``: send ``signal`` to the running containers of ``services``. An empty plan
    means there was nothing to kill."""
    from pycompose.engine.client import Engine
    from pycompose.plan import plan_kill

    engine = engine or Engine.from_env()
    target, observed = _observe_target(engine, project, project_name)
    plan = plan_kill(target, observed, services, signal, remove_orphans)
    _run_container_plan(plan, target, observed, sink=sink, engine=engine, dry_run=dry_run,
                        limit=limit)
    return plan


def pause(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    unpause: bool = False,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """``pause`` (``unpause`` with ``unpause=True``) the running containers of ``services``."""
    from pycompose.engine.client import Engine
    from pycompose.plan import plan_pause

    engine = engine or Engine.from_env()
    target, observed = _observe_target(engine, project, project_name)
    plan = plan_pause(target, observed, services, unpause)
    _run_container_plan(plan, target, observed, sink=sink, engine=engine, dry_run=dry_run,
                        limit=limit)
    return plan


def remove(
    project: Any,
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    confirm: Any,
    force: bool = False,
    stop_first: bool = False,
    volumes: bool = False,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """``rm``: remove the stopped containers of ``services`` (stopping them first with
    ``stop_first``). ``confirm(names)`` is asked before anything is removed and may decline.
    Returns the removal plan; it has no operations when there was nothing to remove."""
    from pycompose.engine.client import Engine
    from pycompose.plan import plan_remove

    engine = engine or Engine.from_env()
    if stop_first:
        stop(project, project_name, services, sink=sink, engine=engine, dry_run=dry_run,
             limit=limit)
    target, observed = _observe_target(engine, project, project_name)
    plan = plan_remove(target, observed, services, volumes=volumes, force=force,
                       assume_stopped=stop_first and dry_run)
    if plan.ops and confirm([op.args["name"] for op in plan.ops.values()]):
        _run_container_plan(plan, target, observed, sink=sink, engine=engine,
                            dry_run=dry_run, limit=limit)
    return plan


# -- listings: ps, ls, top, port, events ------------------------------------------------------


def containers(
    project_name: str,
    *,
    all: bool = False,
    oneoff: bool = False,
    services: tuple[str, ...] = (),
    engine: Any = None,
) -> Any:
    """The project's containers as ``ps`` lists them (one list call): running ones unless
    ``all``, one-off containers only with ``oneoff``, in the engine's order."""
    from pycompose.engine.client import Engine
    from pycompose.engine.summary import ONEOFF_EXCLUDE, ONEOFF_INCLUDE, list_containers

    engine = engine or Engine.from_env()
    found = list_containers(engine, project_name.lower(), all=all,
                            oneoff=ONEOFF_INCLUDE if oneoff else ONEOFF_EXCLUDE,
                            services=services)
    if services:
        found = [c for c in found if c.service in services]
    return found


def projects(*, all: bool = False, engine: Any = None) -> Any:
    """Every Compose project on the engine, as ``ls`` lists them: (projects sorted by name,
    warnings). Projects with no running container are listed only with ``all``."""
    from pycompose.engine.client import Engine
    from pycompose.engine.summary import (
        ONEOFF_INCLUDE,
        list_containers,
        projects_from_containers,
    )

    engine = engine or Engine.from_env()
    return projects_from_containers(list_containers(engine, None, all=all,
                                                    oneoff=ONEOFF_INCLUDE))


def top(project_name: str, services: tuple[str, ...] = (), *, engine: Any = None) -> Any:
    """The processes of the project's running containers (one-off ones included), sorted by
    container name: a list of :class:`~pycompose.engine.summary.ContainerProcesses`."""
    from concurrent.futures import ThreadPoolExecutor

    from pycompose.engine import labels as L
    from pycompose.engine.client import Engine
    from pycompose.engine.summary import ContainerProcesses

    engine = engine or Engine.from_env()
    found = containers(project_name, oneoff=True, engine=engine)
    if services:
        found = [c for c in found if c.service in services]

    def one(container: Any) -> ContainerProcesses:
        listing = engine.top(container.id)
        return ContainerProcesses(
            name=container.name, service=container.service,
            replica=container.labels.get(L.CONTAINER_NUMBER, ""),
            titles=tuple(listing.get("Titles") or ()),
            processes=tuple(tuple(row) for row in listing.get("Processes") or ()),
        )

    with ThreadPoolExecutor(max_workers=max(1, min(16, len(found)))) as pool:
        listed = list(pool.map(one, found))
    return sorted(listed, key=lambda c: c.name)


def port(
    project_name: str,
    service: str,
    private_port: int,
    *,
    protocol: str = "tcp",
    index: int = 0,
    engine: Any = None,
) -> tuple[str, int]:
    """The host address and port a running container of ``service`` publishes
    ``private_port/protocol`` on (container number ``index``, else the lowest number)."""
    from pycompose.engine import labels as L
    from pycompose.engine.client import Engine
    from pycompose.engine.summary import ONEOFF_INCLUDE, list_containers
    from pycompose.errors import PycomposeError

    engine = engine or Engine.from_env()
    found = list_containers(engine, project_name.lower(), all=False, oneoff=ONEOFF_INCLUDE,
                            services=(service,), number=index)
    if not found:
        if index > 0:
            raise PycomposeError(f'service "{service}" is not running container #{index}')
        raise PycomposeError(f'service "{service}" is not running')

    def rank(container: Any) -> tuple[int, bool]:
        number = container.labels.get(L.CONTAINER_NUMBER, "")
        return (int(number) if number.isdigit() else 0, container.container.oneoff)

    chosen = sorted(found, key=rank)[0]
    for published in chosen.ports:
        if published.private == private_port and published.protocol == protocol:
            return published.ip, published.public
    listed = ", ".join(f"{p.public}/{p.protocol}" for p in chosen.ports)
    name = chosen.names[0].lstrip("/") if chosen.names else chosen.id[:12]
    raise PycomposeError(f"no port {private_port}/{protocol} for container {name}: {listed}")


def events(
    project_name: str,
    services: tuple[str, ...] = (),
    *,
    since: str | None = None,
    until: str | None = None,
    engine: Any = None,
) -> Any:
    """The project's container events as they happen (an iterator of
    :class:`~pycompose.engine.summary.ProjectEvent`); it ends at ``until`` if given."""
    from pycompose.engine import labels as L
    from pycompose.engine.client import Engine
    from pycompose.engine.summary import event_from_raw

    engine = engine or Engine.from_env()
    stream = engine.events({"label": [f"{L.PROJECT}={project_name.lower()}"]},
                           since=since, until=until)
    for raw in stream:
        event = event_from_raw(raw, services)
        if event is not None:
            yield event
