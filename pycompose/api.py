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
        return order_tree(_strip_extensions(tree), style="json", typed=False)
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
    from dataclasses import replace

    from pycompose.model import project_from_loaded

    project = project_from_loaded(loaded)
    disabled = tuple(n for n in loaded.defined_services if n not in project.services)
    return replace(project, disabled=disabled)


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
) -> Any:
    """Bring ``project`` (a :class:`~pycompose.model.Project`) to its desired state.

    Returns the executed :class:`~pycompose.plan.Plan`. With ``dry_run`` nothing is changed.
    """
    import anyio

    from pycompose.engine.client import Engine
    from pycompose.engine.observe import observe
    from pycompose.execute import Executor, expected_hashes, wait_for_services
    from pycompose.plan import plan_up, selected_services

    engine = engine or Engine.from_env()
    names = selected_services(project, options.services, with_deps=not options.no_deps)
    if not dry_run:
        build_images(project, names, engine=engine, sink=sink, force=build, never=no_build)
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
    executor = Executor(engine, project, observed, sink, limit=limit, wait_timeout=wait_timeout)

    async def main() -> None:
        await executor.run(plan)
        if options.wait and not options.no_start:
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
) -> dict[str, str]:
    """Build the images of ``services`` that have ``build:``: all of them with ``force``, else
    those whose image is missing. Builds run in parallel; returns image ids by service."""
    import anyio
    import anyio.to_thread

    from pycompose.engine.build import build, request_for
    from pycompose.execute import Event, first_error

    wanted = []
    for name in services:
        service = project.services[name]
        if not service.has_build or never:
            continue
        if force or engine.image_id(service.image) is None:
            wanted.append(service)
    built: dict[str, str] = {}

    async def one(service: Any) -> None:
        resource = f"Service {service.name}"
        sink(Event(resource, "Building"))
        request = request_for(project.name, service.name, service.spec, service.image)
        built[service.name] = await anyio.to_thread.run_sync(
            lambda: build(engine, request, quiet=quiet)
        )
        sink(Event(resource, "Built", done=True))

    async def main() -> None:
        with first_error():
            async with anyio.create_task_group() as group:
                for service in wanted:
                    group.start_soon(one, service)

    if wanted:
        anyio.run(main)
    return built


def down(
    project: Any,
    project_name: str,
    options: Any,
    *,
    sink: Any,
    engine: Any = None,
    dry_run: bool = False,
    limit: int | None = None,
) -> Any:
    """Stop and remove the project's containers and networks (and volumes with ``-v``)."""
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
        return plan
    empty = project or Project(name=project_name, working_dir="", config_files=(), services={},
                               networks={}, volumes={})
    executor = Executor(engine, empty, ObservedState(project_name), sink, limit=limit)
    del observed
    anyio.run(executor.run, plan)
    return plan


def _warning(text: str) -> Any:
    from pycompose.execute import Event

    return Event(resource="", status="Warning", text=text)


_DRY_RUN_STATUS = {
    "create_network": "Created", "create_volume": "Created", "create_container": "Created",
    "start": "Started", "stop": "Stopped", "remove": "Removed", "rename": "Recreated",
    "remove_network": "Removed", "remove_volume": "Removed", "running": "Running",
}


def _dry_run_event(op: Any) -> Any:
    from pycompose.execute import Event

    status = _DRY_RUN_STATUS.get(op.kind, op.kind)
    return Event(resource=op.resource, status=f"{status} ({op.cause})", done=True)
