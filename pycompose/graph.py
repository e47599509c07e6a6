"""The dependency graph of a project's services (networkx), for ordering and cycle errors.

An edge ``a -> b`` means service ``a`` depends on service ``b``: through ``depends_on``,
``links``, ``volumes_from`` or a ``service:`` network, ipc or pid mode.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from pycompose.errors import ComposeFileError
from pycompose.loader.tree import locate


def service_dependencies(service: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every service ``service`` depends on, with the ``depends_on`` spec when there is one."""
    deps: dict[str, dict[str, Any]] = {}
    for name, spec in (service.get("depends_on") or {}).items():
        deps[name] = dict(spec or {})
    for link in service.get("links") or []:
        deps.setdefault(str(link).split(":", 1)[0], {})
    for source in service.get("volumes_from") or []:
        if not str(source).startswith("container:"):
            deps.setdefault(str(source).split(":", 1)[0], {})
    for key in ("network_mode", "ipc", "pid"):
        mode = service.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            deps.setdefault(mode[len("service:"):], {})
    return deps


class ServiceGraph:
    """A directed graph: nodes are services, ``a -> b`` when ``a`` depends on ``b``."""

    def __init__(self, graph: Any, root: Any = None) -> None:
        self.graph = graph
        self._root = root

    @classmethod
    def from_services(cls, services: Mapping[str, Mapping[str, Any]], root: Any = None
                      ) -> ServiceGraph:
        graph = nx.DiGraph()
        graph.add_nodes_from(services)
        for name, service in services.items():
            for dep, spec in service_dependencies(service).items():
                if dep in services:
                    graph.add_edge(name, dep, **spec)
        return cls(graph, root)

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any], root: Any = None) -> ServiceGraph:
        return cls.from_services(tree.get("services") or {}, root)

    def check_cycles(self) -> None:
        """Raise a :class:`ComposeFileError` naming the cycle if there is one."""
        try:
            cycle = nx.find_cycle(self.graph)
        except nx.NetworkXNoCycle:
            return
        names = [edge[0] for edge in cycle]
        start = min(range(len(names)), key=lambda i: names[i])
        names = names[start:] + names[:start]
        text = " -> ".join([*names, names[0]])
        path = ("services", names[0], "depends_on")
        raise ComposeFileError(
            f"dependency cycle detected: {text}", path=path, mark=locate(self._root, path)
        )

    def dependencies(self, name: str) -> list[str]:
        return sorted(self.graph.successors(name))

    def dependents(self, name: str) -> list[str]:
        return sorted(self.graph.predecessors(name))

    def with_dependencies(self, names: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for name in names:
            out.add(name)
            out.update(nx.descendants(self.graph, name))
        return out

    def start_order(self) -> list[str]:
        """Services in an order where each comes after everything it depends on."""
        return list(reversed(list(nx.lexicographical_topological_sort(self.graph))))
