"""Normalization, profiles and consistency checks, on the long-syntax tree.

What Compose adds or derives: resource names (``{project}_{name}``), the implicit ``default``
network, ``depends_on`` entries implied by links, ``volumes_from`` and ``service:`` modes, build
defaults, environment resolved from ``env_file`` and the shell; then only the active services
and the resources they use are kept, and references and dependency cycles are checked.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pycompose.errors import ComposeFileError, ProjectError
from pycompose.loader.tree import PathT, locate

if TYPE_CHECKING:
    from pycompose.loader.pipeline import LoadContext

_INVALID = "invalid compose project"


def _fail(ctx: LoadContext, root: Any, path: PathT, message: str) -> ComposeFileError:
    return ComposeFileError(message, path=path, mark=locate(root, path))


def _implied_dependencies(service: dict[str, Any]) -> list[tuple[str, bool]]:
    """(service, restart) pairs Compose adds to ``depends_on``, in the order it adds them."""
    implied: list[tuple[str, bool]] = []
    for link in service.get("links") or []:
        implied.append((link.split(":", 1)[0], True))
    for source in service.get("volumes_from") or []:
        if not source.startswith("container:"):
            implied.append((source.split(":", 1)[0], False))
    for key in ("network_mode", "ipc", "pid"):
        mode = service.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            implied.append((mode[len("service:"):], True))
    return implied


def _resolve_environment(ctx: LoadContext, root: Any, name: str, service: dict[str, Any],
                         env: dict[str, str]) -> None:
    from pycompose.loader.dotenv import read_dotenv

    env_files = service.pop("env_file", None)
    if not ctx.stages.resolve_environment:
        if env_files is not None:
            service["env_file"] = env_files
        return
    merged: dict[str, Any] = {}
    for index, entry in enumerate(env_files or []):
        path = entry.get("path")
        if not isinstance(path, str):
            continue
        if not os.path.exists(path):
            if entry.get("required", True):
                raise _fail(
                    ctx, root, ("services", name, "env_file", index),
                    f"env file {path} not found: stat {path}: no such file or directory",
                )
            continue
        fmt = entry.get("format")
        if fmt == "raw":
            values = _read_raw_env(path)
        elif fmt in (None, "", "dotenv"):
            values = read_dotenv(path, lambda k: env.get(k, merged.get(k)))
        else:
            raise _fail(ctx, root, ("services", name, "env_file", index, "format"),
                        f'unsupported env_file format "{fmt}": expected "dotenv" or "raw"')
        merged.update(values)
    environment = service.get("environment")
    if environment is None and not merged:
        return
    result: dict[str, Any] = dict(merged)
    for key, value in (environment or {}).items():
        if value is None:
            # A bare name takes the shell's value, never the env file's (oracle: `C:` with
            # C=fromfile in env_file and no C in the shell prints null).
            result[key] = env.get(key)
        else:
            result[key] = value
    service["environment"] = result


def _resolve_label_files(ctx: LoadContext, root: Any, name: str, service: dict[str, Any]) -> None:
    """``label_file`` entries become labels (files in order, then ``labels`` on top).

    A label file is a dotenv file that sees only its own variables, never the environment.
    """
    from pycompose.loader.dotenv import read_dotenv

    files = service.pop("label_file", None)
    if not files:
        return
    labels: dict[str, Any] = {}
    for index, path in enumerate(files):
        path = os.path.join(ctx.source.working_dir, path)
        if not os.path.exists(path):
            raise _fail(
                ctx, root, ("services", name, "label_file", index),
                f"label file {path} not found: stat {path}: no such file or directory",
            )
        labels.update(read_dotenv(path, lambda _key: None, warn=ctx.warn))
    service["labels"] = {**labels, **(service.get("labels") or {})}


def _read_raw_env(path: str) -> dict[str, str]:
    """``format: raw``: ``KEY=VALUE`` lines taken literally (no quotes, no interpolation)."""
    values: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh.read().splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, _, value = line.partition("=")
            values[key] = value
    return values


def _resolve_build_args(service: dict[str, Any], env: dict[str, str]) -> None:
    build = service.get("build")
    if not isinstance(build, dict) or not isinstance(build.get("args"), dict):
        return
    args: dict[str, Any] = {}
    for key, value in build["args"].items():
        if value is None:
            if key in env:
                args[key] = env[key]
        else:
            args[key] = value
    build["args"] = args


def normalize(tree: dict[str, Any], ctx: LoadContext, project: str) -> dict[str, Any]:
    """Apply Compose's normalization (in place) and return the tree."""
    from pycompose.loader.paths import resolve_paths

    root = ctx.source_tree
    env = ctx.environment
    if ctx.stages.resolve_paths:
        resolve_paths(tree, ctx.source.working_dir)
    services: dict[str, Any] = tree.get("services") or {}
    tree["services"] = services
    for name, service in services.items():
        _resolve_environment(ctx, root, name, service, env)
        if ctx.stages.interpolate:
            _resolve_label_files(ctx, root, name, service)
            _resolve_build_args(service, env)
        if not ctx.stages.normalize:
            continue
        build = service.get("build")
        if isinstance(build, dict) and "dockerfile" not in build and (
            "dockerfile_inline" not in build
        ):
            build["dockerfile"] = "Dockerfile"
        if "network_mode" not in service and not service.get("networks"):
            service["networks"] = {"default": None}
        depends = service.get("depends_on") or {}
        for dep, restart in _implied_dependencies(service):
            if dep not in depends:
                entry: dict[str, Any] = {"condition": "service_started"}
                if restart:
                    entry["restart"] = True
                entry["required"] = True
                depends[dep] = entry
        if depends:
            service["depends_on"] = depends
    if ctx.stages.normalize:
        _name_resources(tree, project)
    return tree


def _name_resources(tree: dict[str, Any], project: str) -> None:
    uses_default = any(
        "default" in (s.get("networks") or {}) for s in tree["services"].values()
    )
    networks = tree.get("networks")
    if uses_default:
        networks = tree.setdefault("networks", {}) if networks is not None else {}
        tree["networks"] = networks
        networks.setdefault("default", {})
    for kind in ("networks", "volumes", "secrets", "configs"):
        for key, spec in (tree.get(kind) or {}).items():
            if spec is None:
                spec = tree[kind][key] = {}
            if spec.get("name"):
                continue
            if spec.get("external") is True:
                spec["name"] = key
            else:
                spec["name"] = f"{project}_{key}"


def select_services(
    tree: dict[str, Any],
    ctx: LoadContext,
    profiles: tuple[str, ...],
    requested: tuple[str, ...],
) -> dict[str, Any]:
    """Keep the services enabled by ``profiles`` (or named in ``requested``), check references,
    and drop the top-level resources no kept service uses."""
    root = ctx.source_tree
    services: dict[str, Any] = tree.get("services") or {}
    ctx.defined_services = tuple(services)
    for name in requested:
        if name not in services:
            raise ProjectError(f"no such service: {name}")
    active = set(profiles)

    def enabled(name: str) -> bool:
        own = services[name].get("profiles") or []
        return not own or "*" in active or bool(active & set(own)) or name in requested

    kept = {n: s for n, s in services.items() if enabled(n)}
    disabled = {n for n in services if n not in kept}
    if requested:
        wanted: set[str] = set()
        todo = list(requested)
        while todo:
            current = todo.pop()
            if current in wanted:
                continue
            wanted.add(current)
            for dep, spec in (services[current].get("depends_on") or {}).items():
                if dep in services and (dep in kept or spec.get("required", True)):
                    todo.append(dep)
        for dep in wanted:
            kept.setdefault(dep, services[dep])
        kept = {n: s for n, s in services.items() if n in kept}
    for name, service in kept.items():
        for dep, spec in list((service.get("depends_on") or {}).items()):
            if dep in kept:
                continue
            if dep in disabled and not spec.get("required", True):
                # Kept as written, unless services were named: then Compose drops it.
                if requested:
                    del service["depends_on"][dep]
                continue
            if not ctx.stages.consistency:
                continue
            raise _fail(ctx, root, _reference_path(root, name, dep),
                        f'service "{name}" depends on undefined service "{dep}": {_INVALID}')
    tree["services"] = kept
    if ctx.stages.consistency:
        check_consistency(tree, ctx, root)
    _drop_unused(tree)
    return tree


def _reference_path(root: Any, name: str, dep: str) -> PathT:
    """Where service ``name`` refers to ``dep`` (depends_on, links, volumes_from, modes)."""
    service = (root.get("services") or {}).get(name) if isinstance(root, dict) else None
    if not isinstance(service, dict):
        return ("services", name)
    depends = service.get("depends_on")
    if isinstance(depends, dict) and dep in depends:
        return ("services", name, "depends_on", dep)
    if isinstance(depends, list) and dep in depends:
        return ("services", name, "depends_on", depends.index(dep))
    for key in ("links", "volumes_from"):
        for i, entry in enumerate(service.get(key) or []):
            if isinstance(entry, str) and entry.split(":", 1)[0] == dep:
                return ("services", name, key, i)
    for key in ("network_mode", "ipc", "pid"):
        if service.get(key) == f"service:{dep}":
            return ("services", name, key)
    return ("services", name)


def _used(tree: dict[str, Any]) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {"networks": set(), "volumes": set(), "secrets": set(),
                                 "configs": set()}
    for service in tree["services"].values():
        used["networks"].update((service.get("networks") or {}).keys())
        for mount in service.get("volumes") or []:
            if isinstance(mount, dict) and mount.get("type") == "volume" and mount.get("source"):
                used["volumes"].add(mount["source"])
        for kind in ("secrets", "configs"):
            for ref in service.get(kind) or []:
                if isinstance(ref, dict) and ref.get("source"):
                    used[kind].add(ref["source"])
        build = service.get("build")
        if isinstance(build, dict):
            for ref in build.get("secrets") or []:
                if isinstance(ref, dict) and ref.get("source"):
                    used["secrets"].add(ref["source"])
    return used


def _drop_unused(tree: dict[str, Any]) -> None:
    used = _used(tree)
    for kind, names in used.items():
        items = tree.get(kind)
        if not isinstance(items, dict):
            continue
        kept = {k: v for k, v in items.items() if k in names}
        if kept:
            tree[kind] = kept
        else:
            del tree[kind]


# Service attributes that duplicate a deploy setting, and the deploy path they must agree with.
_DEPLOY_DUPLICATES = (
    ("mem_limit", ("resources", "limits", "memory")),
    ("cpus", ("resources", "limits", "cpus")),
    ("pids_limit", ("resources", "limits", "pids")),
    ("scale", ("replicas",)),
)


def _check_duplicated_limits(
    ctx: LoadContext, root: Any, name: str, service: dict[str, Any]
) -> None:
    """A set service attribute must equal its deploy twin wherever the twin's mapping exists
    (``mem_limit: 256m`` with ``deploy.resources.limits: {cpus: 1}`` is an error). Compose
    checks the typed model, so uninterpolated files are not checked."""
    for key, deploy_path in _DEPLOY_DUPLICATES:
        value = service.get(key)
        if value in (None, 0, "0"):
            continue
        holder: Any = service.get("deploy")
        for part in deploy_path[:-1]:
            holder = holder.get(part) if isinstance(holder, dict) else None
        if isinstance(holder, dict) and holder.get(deploy_path[-1]) != value:
            twin = ".".join(("deploy", *deploy_path))
            raise _fail(ctx, root, ("services", name, key),
                        f"can't set distinct values on '{key}' and '{twin}': {_INVALID}")


def check_consistency(tree: dict[str, Any], ctx: LoadContext, root: Any) -> None:
    """References between services and resources, and dependency cycles."""
    from pycompose.graph import ServiceGraph

    services: dict[str, Any] = tree["services"]
    for name, service in services.items():
        base: PathT = ("services", name)
        if not service.get("image") and not service.get("build"):
            raise _fail(
                ctx, root, base,
                f'service "{name}" has neither an image nor a build context specified: {_INVALID}',
            )
        for net in service.get("networks") or {}:
            if net not in (tree.get("networks") or {}) and net != "default":
                raise _fail(ctx, root, (*base, "networks"),
                            f'service "{name}" refers to undefined network {net}: {_INVALID}')
        for i, mount in enumerate(service.get("volumes") or []):
            if (
                isinstance(mount, dict)
                and mount.get("type") == "volume"
                and mount.get("source")
                and mount["source"] not in (tree.get("volumes") or {})
            ):
                raise _fail(ctx, root, (*base, "volumes", i),
                            f'service "{name}" refers to undefined volume {mount["source"]}: '
                            f"{_INVALID}")
        for kind in ("secrets", "configs"):
            for i, ref in enumerate(service.get(kind) or []):
                if isinstance(ref, dict) and ref.get("source") not in (tree.get(kind) or {}):
                    raise _fail(ctx, root, (*base, kind, i),
                                f'service "{name}" refers to undefined {kind[:-1]} '
                                f'{ref.get("source")}: {_INVALID}')
        for key in ("network_mode", "ipc", "pid"):
            mode = service.get(key)
            if isinstance(mode, str) and mode.startswith("service:"):
                target = mode[len("service:"):]
                if target not in services:
                    raise _fail(ctx, root, (*base, key),
                                f'service "{target}" not found for {key}: {mode}')
        for i, source in enumerate(service.get("volumes_from") or []):
            target = source.split(":", 1)[0]
            if not source.startswith("container:") and target not in services:
                raise _fail(ctx, root, (*base, "volumes_from", i),
                            f'service "{name}" refers to undefined service {target} in '
                            f"volumes_from: {_INVALID}")
        if ctx.stages.interpolate:
            _check_duplicated_limits(ctx, root, name, service)
        replicas = service.get("scale")
        deploy = service.get("deploy") or {}
        if replicas is None:
            replicas = deploy.get("replicas")
        if service.get("container_name") and isinstance(replicas, int) and replicas > 1:
            raise _fail(ctx, root, (*base, "container_name"),
                        f'services.{name}: can\'t set container_name and {name} as container '
                        "name must be unique")
    ServiceGraph.from_tree(tree, root).check_cycles()
