"""The dependency graph of a project's services, for ordering and cycle errors.

An edge ``a -> b`` means service ``a`` depends on service ``b``: through ``depends_on``,
``links``, ``volumes_from`` or a ``service:`` network, ipc or pid mode.

Plain dictionaries rather than networkx: every command that loads a project builds this graph,
and importing networkx alone costs more than Docker Compose's whole ``up`` with nothing to do.
The orders and the cycle reported are the ones networkx's ``lexicographical_topological_sort``
and ``find_cycle`` give.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from typing import Any

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

    def __init__(self, edges: Mapping[str, Mapping[str, Mapping[str, Any]]],
                 root: Any = None) -> None:
        self._edges = {name: dict(deps) for name, deps in edges.items()}
        self._root = root
        self._dependents: dict[str, list[str]] = {name: [] for name in self._edges}
        for name, deps in self._edges.items():
            for dep in deps:
                self._dependents[dep].append(name)

    @classmethod
    def from_services(cls, services: Mapping[str, Mapping[str, Any]], root: Any = None
                      ) -> ServiceGraph:
        edges = {
            name: {dep: spec for dep, spec in service_dependencies(service).items()
                   if dep in services}
            for name, service in services.items()
        }
        return cls(edges, root)

    @classmethod
    def from_tree(cls, tree: Mapping[str, Any], root: Any = None) -> ServiceGraph:
        return cls.from_services(tree.get("services") or {}, root)

    def __contains__(self, name: object) -> bool:
        return name in self._edges

    def find_cycle(self) -> list[str] | None:
        """The first cycle a depth-first walk meets (services in insertion order), or None."""
        done: set[str] = set()
        for start in self._edges:
            if start in done:
                continue
            path = [start]
            on_path = {start}
            iterators = [iter(self._edges[start])]
            while iterators:
                head = next(iterators[-1], None)
                if head is None:
                    iterators.pop()
                    finished = path.pop()
                    on_path.discard(finished)
                    done.add(finished)
                    continue
                if head in on_path:
                    return path[path.index(head):]
                if head in done:
                    continue
                path.append(head)
                on_path.add(head)
                iterators.append(iter(self._edges[head]))
        return None

    def check_cycles(self) -> None:
        """Raise a :class:`ComposeFileError` naming the cycle if there is one."""
        cycle = self.find_cycle()
        if cycle is None:
            return
        start = min(range(len(cycle)), key=cycle.__getitem__)
        names = cycle[start:] + cycle[:start]
        text = " -> ".join([*names, names[0]])
        path = ("services", names[0], "depends_on")
        raise ComposeFileError(
            f"dependency cycle detected: {text}", path=path, mark=locate(self._root, path)
        )

    def dependencies(self, name: str) -> list[str]:
        return sorted(self._edges[name])

    def dependents(self, name: str) -> list[str]:
        return sorted(self._dependents[name])

    def with_dependencies(self, names: Iterable[str]) -> set[str]:
        out: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in out:
                out.add(name)
                todo.extend(self._edges.get(name, ()))
        return out

    def start_order(self) -> list[str]:
        """Services in an order where each comes after everything it depends on."""
        waiting = {name: len(deps) for name, deps in self._dependents.items() if deps}
        ready = [name for name, deps in self._dependents.items() if not deps]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            name = heapq.heappop(ready)
            order.append(name)
            for dep in self._edges[name]:
                waiting[dep] -= 1
                if not waiting[dep]:
                    del waiting[dep]
                    heapq.heappush(ready, dep)
        if waiting:
            raise ValueError("dependency cycle")
        order.reverse()
        return order
