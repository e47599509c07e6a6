"""The dependency graph of services (pycompose.graph).

Cycle messages are Docker Compose v2.40.3's (`dependency cycle detected: a -> b -> a`), which the
oracle printed for the same services.
"""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.errors import ComposeFileError, Mark
from pycompose.graph import ServiceGraph, service_dependencies
from pycompose.loader.yamlio import parse_yaml


def graph(**services: dict[str, Any]) -> ServiceGraph:
    return ServiceGraph.from_services(services)


def cycle_message(services: dict[str, Any]) -> str:
    with pytest.raises(ComposeFileError) as caught:
        ServiceGraph.from_services(services).check_cycles()
    return caught.value.detail


def test_every_kind_of_reference_is_a_dependency() -> None:
    service = {
        "depends_on": {"db": {"condition": "service_healthy", "required": True}},
        "links": ["cache:alias", "queue"],
        "volumes_from": ["data:ro", "container:abc123"],
        "network_mode": "service:vpn",
        "ipc": "service:shm",
        "pid": "host",
    }
    deps = service_dependencies(service)
    assert sorted(deps) == ["cache", "data", "db", "queue", "shm", "vpn"]
    assert deps["db"] == {"condition": "service_healthy", "required": True}
    assert deps["cache"] == {}


def test_references_to_unknown_services_are_not_edges() -> None:
    g = graph(web={"depends_on": {"ghost": {}}, "links": ["db"]}, db={})
    assert g.dependencies("web") == ["db"]


def test_dependencies_and_dependents_are_sorted() -> None:
    g = graph(web={"links": ["b", "a"]}, a={}, b={}, worker={"depends_on": {"a": {}}})
    assert g.dependencies("web") == ["a", "b"]
    assert g.dependents("a") == ["web", "worker"]


def test_with_dependencies_follows_the_chain() -> None:
    g = graph(web={"links": ["api"]}, api={"depends_on": {"db": {}}}, db={}, other={})
    assert g.with_dependencies(["web"]) == {"web", "api", "db"}


def test_start_order_puts_every_service_after_what_it_depends_on() -> None:
    g = graph(c={}, a={"depends_on": {"d": {}}}, b={}, d={}, e={"links": ["a", "b"]})
    order = g.start_order()
    assert sorted(order) == ["a", "b", "c", "d", "e"]
    for name in order:
        for dep in g.dependencies(name):
            assert order.index(dep) < order.index(name)


@pytest.mark.parametrize(
    ("services", "message"),
    [
        ({"a": {"depends_on": {"b": {}}}, "b": {"depends_on": {"a": {}}}},
         "dependency cycle detected: a -> b -> a"),
        # written in another order, still reported from the first name
        ({"c": {"depends_on": {"a": {}}}, "a": {"depends_on": {"b": {}}},
          "b": {"depends_on": {"c": {}}}},
         "dependency cycle detected: a -> b -> c -> a"),
        ({"a": {"depends_on": {"a": {}}}}, "dependency cycle detected: a -> a"),
        # links, volumes_from and service: modes count too
        ({"a": {"links": ["b"]}, "b": {"volumes_from": ["a"]}},
         "dependency cycle detected: a -> b -> a"),
        ({"a": {"network_mode": "service:b"}, "b": {"depends_on": {"a": {}}}},
         "dependency cycle detected: a -> b -> a"),
        # an optional dependency is still a dependency
        ({"a": {"depends_on": {"b": {"required": False}}}, "b": {"depends_on": {"a": {}}}},
         "dependency cycle detected: a -> b -> a"),
    ],
)
def test_cycles_are_named(services: dict[str, Any], message: str) -> None:
    assert cycle_message(services) == message


def test_cycle_error_points_at_the_depends_on_of_the_first_service() -> None:
    root = parse_yaml(
        "services:\n  b:\n    depends_on: [a]\n  a:\n    depends_on: [b]\n", "c.yaml"
    )[0]
    with pytest.raises(ComposeFileError) as caught:
        ServiceGraph.from_tree(
            {"services": {"a": {"depends_on": {"b": {}}}, "b": {"depends_on": {"a": {}}}}},
            root,
        ).check_cycles()
    assert caught.value.path == ("services", "a", "depends_on")
    assert caught.value.mark == Mark("c.yaml", 5, 17)


def test_no_cycle_no_error() -> None:
    graph(a={"depends_on": {"b": {}}}, b={}).check_cycles()
