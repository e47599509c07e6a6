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
    interpolated = True
    if fmt == "json":
        tree = _strip_extensions(tree)
        for service in tree.get("services", {}).values():
            for key in _JSON_ALWAYS_NULL:
                service.setdefault(key, None)
        for network in (tree.get("networks") or {}).values():
            network.setdefault("ipam", {})
        return order_tree(tree, style="json", typed=interpolated)
    return _drop_yaml_empty(order_tree(tree, style="yaml", typed=interpolated))


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
