"""Planners of the container commands (start, stop, restart, kill, pause, rm, create) on
observed-state snapshots, compared with literal renderings: no engine, no mocks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pycompose.api import ProjectOptions, load_project, typed_project
from pycompose.engine.observe import ObservedContainer, ObservedNetwork, ObservedState
from pycompose.errors import PycomposeError
from pycompose.model import Project
from pycompose.plan import (
    UpOptions,
    plan_create,
    plan_kill,
    plan_pause,
    plan_remove,
    plan_restart,
    plan_start,
    plan_stop,
    project_from_containers,
)

STACK = """
services:
  db:
    image: pycompose/busybox
  cache:
    image: pycompose/busybox
  web:
    image: pycompose/busybox
    depends_on:
      db: {condition: service_healthy, restart: true}
      cache: {condition: service_started}
  worker:
    image: pycompose/busybox
    depends_on: [web]
"""


def load(tmp_path: Path, body: str = STACK) -> Project:
    compose = tmp_path / "compose.yaml"
    compose.write_text(textwrap.dedent(body))
    options = ProjectOptions(config_files=(str(compose),), project_name="p", environ={},
                             cwd=str(tmp_path))
    project: Project = typed_project(load_project(options))
    return project


def container(service: str, number: int = 1, *, state: str = "running", oneoff: bool = False,
              depends_on: str = "") -> ObservedContainer:
    name = f"p-{service}-run-{number}" if oneoff else f"p-{service}-{number}"
    return ObservedContainer(
        id=f"{service}{number:02d}".ljust(64, "0"), name=name, service=service, number=number,
        config_hash=f"hash-{service}", image_id="sha256:b0b0", state=state,
        status="Up 2 minutes" if state == "running" else "Exited (0) 1 minute ago",
        oneoff=oneoff, labels={"com.docker.compose.depends_on": depends_on},
        networks=("p_default",),
    )


def observed(*containers: ObservedContainer) -> ObservedState:
    return ObservedState(project="p", containers=containers)


def test_stop_stops_dependants_first_and_every_container_whatever_its_state(
        tmp_path: Path) -> None:
    state = observed(container("db"), container("cache", state="exited"), container("web"),
                     container("web", 2), container("worker"),
                     container("web", 3, oneoff=True))
    assert plan_stop(load(tmp_path), state).render() == textwrap.dedent("""\
        stop:p-worker-1: stop Container p-worker-1 (stop)
        stop:p-web-1: stop Container p-web-1 (stop) after stop:p-worker-1
        stop:p-web-2: stop Container p-web-2 (stop) after stop:p-worker-1
        stop:p-cache-1: stop Container p-cache-1 (stop) after stop:p-web-1, stop:p-web-2
        stop:p-db-1: stop Container p-db-1 (stop) after stop:p-web-1, stop:p-web-2""")


def test_stop_of_named_services_keeps_the_order_through_unnamed_ones(tmp_path: Path) -> None:
    state = observed(container("db"), container("web"), container("worker"))
    plan = plan_stop(load(tmp_path), state, ("db", "worker"), timeout=3)
    assert plan.render() == textwrap.dedent("""\
        stop:p-worker-1: stop Container p-worker-1 (stop)
        stop:p-db-1: stop Container p-db-1 (stop) after stop:p-worker-1""")
    assert plan.ops["stop:p-db-1"].args["timeout"] == 3


def test_stop_leaves_containers_of_services_the_file_does_not_define(tmp_path: Path) -> None:
    state = observed(container("db"), container("gone"))
    assert plan_stop(load(tmp_path), state).render() == (
        "stop:p-db-1: stop Container p-db-1 (stop)")


def test_start_goes_in_dependency_order_one_container_at_a_time(tmp_path: Path) -> None:
    state = observed(container("web", 2, state="exited"), container("web", 1, state="created"),
                     container("db", state="exited"), container("cache"),
                     container("worker", state="exited"))
    assert plan_start(load(tmp_path), state, ("web",)).render() == textwrap.dedent("""\
        start:p-db-1: start Container p-db-1 (start)
        start:wait:db: wait Service db (dependency condition) after start:p-db-1
        start:p-web-2: start Container p-web-2 (start) after start:p-db-1, start:wait:db
        start:p-web-1: start Container p-web-1 (start) after start:p-web-2""")


def test_start_without_any_container_names_the_first_service(tmp_path: Path) -> None:
    with pytest.raises(PycomposeError, match='service "cache" has no container to start'):
        plan_start(load(tmp_path), observed())


def test_project_from_labels_orders_and_checks_dependencies() -> None:
    state = observed(container("web", depends_on="db:service_started:false"),
                     container("db", state="exited"))
    project = project_from_containers("p", state)
    assert sorted(project.services) == ["db", "web"]
    assert plan_start(project, state).render() == "start:p-db-1: start Container p-db-1 (start)"
    missing = observed(container("web", state="exited", depends_on="db:service_started:true"))
    with pytest.raises(PycomposeError, match="could not find db: not found"):
        plan_start(project_from_containers("p", missing), missing)
    stop = plan_stop(project_from_containers("p", missing), missing)
    assert stop.render() == "stop:p-web-1: stop Container p-web-1 (stop)"


def test_restart_follows_only_restart_true_dependencies(tmp_path: Path) -> None:
    state = observed(container("db"), container("cache"), container("web", state="exited"),
                     container("worker"))
    project = load(tmp_path)
    assert plan_restart(project, state, ("db",)).render().splitlines() == [
        "restart:p-db-1: restart Container p-db-1 (restart)",
        "restart:wait:db: wait Service db (dependency condition) after restart:p-db-1",
        "restart:p-web-1: restart Container p-web-1 (restart) after restart:p-db-1, "
        "restart:wait:db"]
    assert plan_restart(project, state, ("db",), no_deps=True).render() == (
        "restart:p-db-1: restart Container p-db-1 (restart)")
    everything = plan_restart(project, state, timeout=0)
    assert [op.id for op in everything.ordered() if not op.deps] == [
        "restart:p-cache-1", "restart:p-db-1", "restart:p-worker-1"]
    with pytest.raises(PycomposeError, match="no such service: nope"):
        plan_restart(project, state, ("nope",))


def test_kill_signals_running_containers_one_offs_included(tmp_path: Path) -> None:
    state = observed(container("db", state="exited"), container("web"),
                     container("web", 1, oneoff=True), container("gone"))
    plan = plan_kill(load(tmp_path), state, signal="SIGTERM")
    assert plan.render() == textwrap.dedent("""\
        kill:p-web-1: kill Container p-web-1 (kill)
        kill:p-web-run-1: kill Container p-web-run-1 (kill)""")
    assert {op.args["signal"] for op in plan.ops.values()} == {"SIGTERM"}
    orphans = plan_kill(load(tmp_path), state, ("gone",), remove_orphans=True)
    assert orphans.render() == "kill:p-gone-1: kill Container p-gone-1 (kill)"


def test_pause_and_unpause_take_running_containers_paused_ones_included(
        tmp_path: Path) -> None:
    state = observed(container("db", state="paused"), container("web"),
                     container("worker", state="exited"), container("web", 2, oneoff=True))
    assert plan_pause(load(tmp_path), state).render() == textwrap.dedent("""\
        pause:p-db-1: pause Container p-db-1 (pause)
        pause:p-web-1: pause Container p-web-1 (pause)""")
    assert plan_pause(load(tmp_path), state, ("db",), unpause=True).render() == (
        "unpause:p-db-1: unpause Container p-db-1 (unpause)")


def test_rm_takes_stopped_containers_in_the_engine_order(tmp_path: Path) -> None:
    state = observed(container("worker", state="exited"), container("web"),
                     container("db", state="created"), container("web", 1, oneoff=True,
                                                                 state="exited"))
    plan = plan_remove(load(tmp_path), state, volumes=True)
    assert [op.args["name"] for op in plan.ops.values()] == ["p-worker-1", "p-db-1"]
    assert {(op.args["volumes"], op.args["force"]) for op in plan.ops.values()} == {
        (True, False)}
    dry = plan_remove(load(tmp_path), state, ("web",), force=True, assume_stopped=True)
    assert [op.args["name"] for op in dry.ops.values()] == ["p-web-1"]


def test_create_reports_existing_containers_and_waits_for_nothing(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            healthcheck: {test: ["CMD", "true"]}
          web:
            image: pycompose/busybox
            depends_on: {db: {condition: service_healthy}}
          cache:
            image: pycompose/busybox
        """)
    state = ObservedState(
        project="p",
        containers=(container("db"), container("web", state="exited"),
                    container("cache", state="created")),
        networks={"p_default": ObservedNetwork(id="n", name="p_default", key="default",
                                               config_hash="", labels={})},
        images={"pycompose/busybox": "sha256:b0b0"})
    hashes = {name: f"hash-{name}" for name in project.services}
    plan = plan_create(project, state, UpOptions(), hashes)
    kinds = {op.id: op.kind for op in plan.ops.values() if op.kind != "check_network"}
    assert kinds == {"container:db:1:running": "running"}
    assert all(not (op.deps - set(plan.ops)) for op in plan.ops.values())
