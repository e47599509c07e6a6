"""pycompose.graph against networkx, the reference it was written to match.

graph.py uses plain dictionaries and heapq because importing networkx costs more than Compose's
whole no-op ``up``; its orders and cycles are meant to be networkx's. Each random project here is
also built as an ``nx.DiGraph`` (``a -> b`` when ``a`` depends on ``b``; nodes in service order,
each service's edges in the order depends_on, links, volumes_from, network_mode, ipc, pid) and
every answer of :class:`ServiceGraph` is compared with networkx's:

- ``start_order``: ``lexicographical_topological_sort`` reversed; both refuse a cyclic graph;
- ``find_cycle`` and the ``check_cycles`` message: ``find_cycle``'s edges, rotated to start at
  the smallest name;
- ``dependencies`` / ``dependents``: sorted successors / predecessors;
- ``with_dependencies``: the names with their ``descendants``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycompose.errors import ComposeFileError
from pycompose.graph import ServiceGraph

# Few short names over characters that sort before and after each other ("-" < "." < "0" <
# "_" < "a"), so random references often hit a service, cross each other and close cycles.
NAMES = st.text(alphabet="-.0_ab", min_size=1, max_size=2)


@dataclass(frozen=True)
class Project:
    services: dict[str, dict[str, Any]]
    # the references of each service to known services, first-seen order, as graph.py reads them
    edges: dict[str, list[str]]
    # names handed to with_dependencies: known services, and unknown ones it passes through
    selection: list[str]


def reference_graph(project: Project) -> Any:
    graph = nx.DiGraph()
    graph.add_nodes_from(project.services)
    for name, targets in project.edges.items():
        graph.add_edges_from((name, target) for target in targets)
    return graph


@st.composite
def projects(draw: st.DrawFn) -> Project:
    names = draw(st.lists(NAMES, min_size=1, max_size=8, unique=True))
    ghosts = draw(st.lists(NAMES.filter(lambda n: n not in names), max_size=2, unique=True))
    # Half the projects only reference services written later: no cycle, so start_order has
    # an order to compare rather than an error.
    acyclic = draw(st.booleans())
    services: dict[str, dict[str, Any]] = {}
    edges: dict[str, list[str]] = {}
    for i, name in enumerate(names):
        pool = (names[i + 1:] if acyclic else names) + ghosts
        targets = st.sampled_from(pool) if pool else st.nothing()
        most = 3 if pool else 0
        service: dict[str, Any] = {"image": "pycompose/busybox"}
        referenced: list[str] = []
        depends_on = draw(st.dictionaries(targets, st.sampled_from([
            None, {}, {"condition": "service_healthy", "required": True},
            {"condition": "service_started", "required": False},
        ]), max_size=most))
        write_empty: bool = draw(st.booleans())
        if depends_on or write_empty:
            service["depends_on"] = depends_on
        referenced += depends_on
        links = draw(st.lists(st.tuples(targets, st.sampled_from(["", ":alias", ":db"])),
                              max_size=most))
        if links:
            service["links"] = [target + alias for target, alias in links]
        referenced += [target for target, _ in links]
        sources = draw(st.lists(st.one_of(
            st.tuples(targets, st.sampled_from(["", ":ro", ":rw"])),
            st.tuples(st.just("container:"), NAMES),  # a container, not a service
        ), max_size=3))
        if sources:
            service["volumes_from"] = [prefix + rest for prefix, rest in sources]
        referenced += [target for target, _ in sources if target != "container:"]
        for key, others in (("network_mode", ["host", "none", "bridge", "container:x"]),
                            ("ipc", ["host", "shareable", "private", "container:x"]),
                            ("pid", ["host", "container:x"])):
            mode = draw(st.one_of(st.none(), st.sampled_from(others),
                                  targets.map(lambda t: f"service:{t}")))
            if mode is not None:
                service[key] = mode
            if isinstance(mode, str) and mode.startswith("service:"):
                referenced.append(mode[len("service:"):])
        services[name] = service
        edges[name] = [t for t in dict.fromkeys(referenced) if t in names]
    selection = draw(st.lists(st.sampled_from(names + ghosts), max_size=4))
    return Project(services, edges, selection)


def assert_matches_networkx(project: Project) -> None:
    graph = ServiceGraph.from_services(project.services)
    reference = reference_graph(project)

    for name in project.services:
        assert name in graph
        assert graph.dependencies(name) == sorted(reference.successors(name))
        assert graph.dependents(name) == sorted(reference.predecessors(name))
    for name in project.selection:
        assert (name in graph) == (name in project.services)

    expected_closure = set(project.selection)
    for name in project.selection:
        if name in reference:
            expected_closure |= nx.descendants(reference, name)
    # networkx refuses an unknown name; graph.py passes it through (nothing depends on it)
    assert graph.with_dependencies(project.selection) == expected_closure

    try:
        cycle = [edge[0] for edge in nx.find_cycle(reference)]
    except nx.NetworkXNoCycle:
        assert graph.find_cycle() is None
        graph.check_cycles()
    else:
        assert graph.find_cycle() == cycle
        first = cycle.index(min(cycle))
        names = cycle[first:] + cycle[:first]
        with pytest.raises(ComposeFileError) as caught:
            graph.check_cycles()
        assert caught.value.detail == "dependency cycle detected: " + " -> ".join(
            [*names, names[0]]
        )
        assert caught.value.path == ("services", names[0], "depends_on")

    if nx.is_directed_acyclic_graph(reference):
        expected_order = list(nx.lexicographical_topological_sort(reference))[::-1]
        assert graph.start_order() == expected_order
    else:
        with pytest.raises(nx.NetworkXUnfeasible):
            list(nx.lexicographical_topological_sort(reference))
        with pytest.raises(ValueError, match="dependency cycle"):
            graph.start_order()


def project_of(selection: Iterable[str] = (), **services: dict[str, Any]) -> Project:
    edges = {
        name: [t for t in dict.fromkeys([
            *(service.get("depends_on") or {}),
            *(link.split(":", 1)[0] for link in service.get("links") or []),
        ]) if t in services]
        for name, service in services.items()
    }
    return Project(services, edges, list(selection))


# The same examples on every run (a red CI run must not depend on the draw), and no speed
# check: generating projects is slow on a loaded machine, which says nothing about the graph.
@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_random_projects_order_and_cycles_as_networkx(project: Project) -> None:
    assert_matches_networkx(project)


def test_diamond_starts_the_shared_dependency_first_and_the_top_last() -> None:
    project = project_of(
        ["web"],
        web={"depends_on": {"api": {}, "worker": {}}},
        api={"links": ["db:database"]},
        worker={"depends_on": {"db": {}}},
        db={},
    )
    assert_matches_networkx(project)
    graph = ServiceGraph.from_services(project.services)
    # reversed lexicographical_topological_sort: siblings come in reverse name order
    assert graph.start_order() == ["db", "worker", "api", "web"]
    assert graph.with_dependencies(["web"]) == {"web", "api", "worker", "db"}
    assert graph.dependents("db") == ["api", "worker"]
    assert graph.find_cycle() is None


def test_three_cycle_is_reported_from_its_smallest_name() -> None:
    project = project_of(
        ["a"],
        top={"depends_on": {"c": {}}},
        c={"depends_on": {"a": {}}},
        a={"links": ["b"]},
        b={"depends_on": {"c": {}}},
    )
    assert_matches_networkx(project)
    graph = ServiceGraph.from_services(project.services)
    assert graph.find_cycle() == ["c", "a", "b"]
    with pytest.raises(ComposeFileError) as caught:
        graph.check_cycles()
    assert caught.value.detail == "dependency cycle detected: a -> b -> c -> a"


def test_self_dependency_is_a_cycle_of_one() -> None:
    project = project_of(["a", "ghost"], a={"depends_on": {"a": {}, "b": {}}}, b={})
    assert_matches_networkx(project)
    graph = ServiceGraph.from_services(project.services)
    assert graph.find_cycle() == ["a"]
    assert graph.with_dependencies(["a", "ghost"]) == {"a", "b", "ghost"}
    with pytest.raises(ComposeFileError) as caught:
        graph.check_cycles()
    assert caught.value.detail == "dependency cycle detected: a -> a"
