"""The planner on observed-state snapshots: no engine, no mocks.

Each test loads a small project, builds what the engine would report by hand, and compares the
plan's text rendering with a literal snapshot. Config hashes are stand-ins (``hash-<service>``):
the planner only compares them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pycompose.api import ProjectOptions, load_project, typed_project
from pycompose.engine.observe import (
    ObservedContainer,
    ObservedNetwork,
    ObservedState,
    ObservedVolume,
)
from pycompose.model import Project
from pycompose.plan import DownOptions, Plan, UpOptions, plan_down, plan_up

IMAGE = "pycompose/busybox"
IMAGE_ID = "sha256:b0b0"
COMMAND = """["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]"""


def load(tmp_path: Path, body: str, name: str = "p") -> Project:
    compose = tmp_path / "compose.yaml"
    compose.write_text(textwrap.dedent(body).replace("COMMAND", COMMAND))
    options = ProjectOptions(config_files=(str(compose),), project_name=name, environ={},
                             cwd=str(tmp_path))
    project: Project = typed_project(load_project(options))
    return project


def hashes(project: Project) -> dict[str, str]:
    return {name: f"hash-{name}" for name in project.services}


def container(service: str, number: int = 1, *, project: str = "p", state: str = "running",
              config_hash: str | None = None, image_id: str = IMAGE_ID,
              networks: tuple[str, ...] = ("p_default",), volumes: tuple[str, ...] = (),
              oneoff: bool = False, name: str | None = None) -> ObservedContainer:
    return ObservedContainer(
        id=f"{service}{number:02d}".ljust(64, "0"),
        name=name or f"{project}-{service}-{number}",
        service=service,
        number=number,
        config_hash=f"hash-{service}" if config_hash is None else config_hash,
        image_id=image_id,
        state=state,
        status="Up 2 minutes" if state == "running" else "Exited (0) 1 minute ago",
        oneoff=oneoff,
        labels={},
        networks=networks,
        volumes=volumes,
    )


def network(name: str, key: str = "default") -> ObservedNetwork:
    return ObservedNetwork(id=f"net-{name}", name=name, key=key, config_hash="", labels={})


def volume(name: str, key: str) -> ObservedVolume:
    return ObservedVolume(name=name, key=key, config_hash="", labels={})


def observed(*containers: ObservedContainer, networks: tuple[str, ...] = ("p_default",),
             volumes: dict[str, str] | None = None) -> ObservedState:
    return ObservedState(
        project="p",
        containers=containers,
        networks={n: network(n) for n in networks},
        volumes={n: volume(n, k) for n, k in (volumes or {}).items()},
        images={IMAGE: IMAGE_ID},
    )


def up(project: Project, state: ObservedState, **options: object) -> Plan:
    return plan_up(project, state, UpOptions(**options), hashes(project))  # type: ignore[arg-type]


def snapshot(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


WEB_DB = """
    services:
      db:
        image: pycompose/busybox
        command: COMMAND
        volumes: [data:/var/lib/db]
      web:
        image: pycompose/busybox
        command: COMMAND
        depends_on:
          db: {condition: service_healthy}
        networks: [front, default]
    networks:
      front: {}
    volumes:
      data: {}
"""


@pytest.fixture
def web_db(tmp_path: Path) -> Project:
    return load(tmp_path, WEB_DB)


def web_db_running() -> ObservedState:
    return observed(
        container("db", volumes=("p_data",)),
        container("web", networks=("p_default", "p_front")),
        networks=("p_default", "p_front"),
        volumes={"p_data": "data"},
    )


def test_cold_start_creates_resources_then_containers_and_waits_for_dependencies(
        web_db: Project) -> None:
    plan = up(web_db, ObservedState("p", images={IMAGE: IMAGE_ID}))
    assert plan.render() == snapshot("""
        network:default: create_network Network p_default (missing)
        network:front: create_network Network p_front (missing)
        volume:data: create_volume Volume p_data (missing)
        container:db:1:create: create_container Container p-db-1 (missing) after network:default, volume:data
        container:web:1:create: create_container Container p-web-1 (missing) after network:default, network:front
        container:db:1:start: start Container p-db-1 (created) after container:db:1:create
        service:db:ready: wait Service db (dependencies wait for it) after container:db:1:start
        container:web:1:start: start Container p-web-1 (created) after container:web:1:create, service:db:ready
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:start
    """)  # noqa: E501
    assert plan.warnings == []


def test_nothing_changed_means_no_write(web_db: Project) -> None:
    plan = up(web_db, web_db_running())
    assert plan.writes() == []
    assert plan.render() == snapshot("""
        container:db:1:running: running Container p-db-1 (up to date)
        container:web:1:running: running Container p-web-1 (up to date)
        network:default: check_network Network p_default (exists)
        network:front: check_network Network p_front (exists)
        volume:data: check_volume Volume p_data (exists)
        service:db:ready: wait Service db (dependencies wait for it) after container:db:1:running
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:running
    """)


def test_changed_hash_recreates_only_that_service(web_db: Project) -> None:
    state = web_db_running()
    db, web = state.containers
    state = state._replace(containers=(db, web._replace(config_hash="old")))
    plan = up(web_db, state)
    assert plan.render() == snapshot("""
        container:db:1:running: running Container p-db-1 (up to date)
        network:default: check_network Network p_default (exists)
        network:front: check_network Network p_front (exists)
        volume:data: check_volume Volume p_data (exists)
        container:web:1:create: create_container Container p-web-1 (config changed) after network:default, network:front
        service:db:ready: wait Service db (dependencies wait for it) after container:db:1:running
        container:web:1:stop-old: stop Container p-web-1 (replaced) after container:web:1:create
        container:web:1:remove-old: remove Container p-web-1 (replaced) after container:web:1:stop-old
        container:web:1:rename: rename Container p-web-1 (replaced) after container:web:1:remove-old
        container:web:1:start: start Container p-web-1 (recreated) after container:web:1:rename, service:db:ready
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:start
    """)  # noqa: E501
    create = plan.ops["container:web:1:create"]
    assert create.args["tmp_name"] == "web010000000_p-web-1"
    assert create.args["replaces"] == web.id


def test_new_image_id_recreates_with_the_same_hash(web_db: Project) -> None:
    state = web_db_running()._replace(images={IMAGE: "sha256:newer"})
    plan = up(web_db, state)
    causes = {op.id: op.cause for op in plan.ops.values() if op.kind == "create_container"}
    assert causes == {"container:db:1:create": "image changed",
                      "container:web:1:create": "image changed"}


def test_force_recreate_recreates_everything(web_db: Project) -> None:
    plan = up(web_db, web_db_running(), force_recreate=True)
    assert [op.render() for op in plan.ordered() if op.kind == "create_container"] == [
        "container:db:1:create: create_container Container p-db-1 (forced) after "
        "network:default, volume:data",
        "container:web:1:create: create_container Container p-web-1 (forced) after "
        "network:default, network:front",
    ]


def test_force_recreate_of_named_service_leaves_dependencies(web_db: Project) -> None:
    plan = up(web_db, web_db_running(), services=("web",), force_recreate=True)
    assert {op.id for op in plan.writes()} == {
        "container:web:1:create", "container:web:1:stop-old", "container:web:1:remove-old",
        "container:web:1:rename", "container:web:1:start",
    }
    deps = up(web_db, web_db_running(), services=("web",), force_recreate=True,
              always_recreate_deps=True)
    assert "container:db:1:create" in deps.ops


def test_no_recreate_keeps_outdated_containers(web_db: Project) -> None:
    state = web_db_running()
    state = state._replace(containers=tuple(c._replace(config_hash="old")
                                            for c in state.containers),
                    images={IMAGE: "sha256:newer"})
    plan = up(web_db, state, no_recreate=True)
    assert plan.writes() == []


def test_stopped_container_is_started(web_db: Project) -> None:
    state = web_db_running()
    db, web = state.containers
    state = state._replace(containers=(db._replace(state="exited"), web))
    plan = up(web_db, state)
    assert [op.render() for op in plan.writes()] == [
        "container:db:1:start: start Container p-db-1 (stopped) after network:default, "
        "volume:data",
    ]
    assert plan.ops["container:db:1:start"].args["id"] == db.id


SCALED = """
    services:
      web:
        image: pycompose/busybox
        command: COMMAND
        scale: 3
"""


def test_scale_up_adds_numbers_after_the_highest(tmp_path: Path) -> None:
    project = load(tmp_path, SCALED)
    plan = up(project, observed(container("web", 1), container("web", 3)))
    assert plan.render() == snapshot("""
        container:web:1:running: running Container p-web-1 (up to date)
        container:web:3:running: running Container p-web-3 (up to date)
        network:default: check_network Network p_default (exists)
        container:web:4:create: create_container Container p-web-4 (missing) after network:default
        container:web:4:start: start Container p-web-4 (created) after container:web:4:create
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:running, container:web:3:running, container:web:4:start
    """)  # noqa: E501


def test_scale_down_removes_the_highest_numbers(tmp_path: Path) -> None:
    project = load(tmp_path, SCALED)
    state = observed(*(container("web", n) for n in range(1, 5)))
    plan = up(project, state, scale={"web": 2})
    assert plan.render() == snapshot("""
        container:web:1:running: running Container p-web-1 (up to date)
        container:web:2:running: running Container p-web-2 (up to date)
        container:web:3:stop: stop Container p-web-3 (scale down)
        container:web:4:stop: stop Container p-web-4 (scale down)
        network:default: check_network Network p_default (exists)
        container:web:3:remove: remove Container p-web-3 (scale down) after container:web:3:stop
        container:web:4:remove: remove Container p-web-4 (scale down) after container:web:4:stop
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:running, container:web:2:running
    """)  # noqa: E501


def test_scale_down_removes_outdated_containers_first(tmp_path: Path) -> None:
    project = load(tmp_path, SCALED)
    state = observed(container("web", 1, config_hash="old"), container("web", 2),
                     container("web", 3))
    plan = up(project, state, scale={"web": 2})
    assert sorted(op.id for op in plan.writes()) == [
        "container:web:1:remove", "container:web:1:stop",
    ]


ORPHANED = """
    services:
      web:
        image: pycompose/busybox
        command: COMMAND
"""


def test_orphans_are_reported_but_kept(tmp_path: Path) -> None:
    project = load(tmp_path, ORPHANED)
    plan = up(project, observed(container("web"), container("old"), container("gone")))
    assert plan.writes() == []
    assert plan.warnings == [
        "Found orphan containers ([p-old-1 p-gone-1]) for this project. If you removed or "
        "renamed this service in your compose file, you can run this command with the "
        "--remove-orphans flag to clean it up."
    ]


def test_remove_orphans_stops_and_removes_them(tmp_path: Path) -> None:
    project = load(tmp_path, ORPHANED)
    state = observed(container("web"), container("old"),
                     container("web", 7, oneoff=True, name="p-web-run-1"))
    plan = up(project, state, remove_orphans=True)
    assert plan.warnings == []
    assert [op.render() for op in plan.ordered() if op.id.startswith("orphan")] == [
        "orphan:p-old-1:stop: stop Container p-old-1 (orphan)",
        "orphan:p-old-1:remove: remove Container p-old-1 (orphan) after orphan:p-old-1:stop",
    ]


def test_profile_disabled_services_are_not_orphans(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          web:
            image: pycompose/busybox
          debug:
            image: pycompose/busybox
            profiles: [debug]
    """)
    plan = up(project, observed(container("web"), container("debug")))
    assert plan.warnings == []


CHAIN = """
    services:
      db:
        image: pycompose/busybox
        command: COMMAND
      api:
        image: pycompose/busybox
        command: COMMAND
        depends_on: [db]
      web:
        image: pycompose/busybox
        command: COMMAND
        depends_on: [api]
      other:
        image: pycompose/busybox
        command: COMMAND
"""


def test_named_service_pulls_in_its_dependencies(tmp_path: Path) -> None:
    project = load(tmp_path, CHAIN)
    plan = up(project, ObservedState("p"), services=("api",))
    assert sorted(op.id for op in plan.ops.values() if op.kind == "create_container") == [
        "container:api:1:create", "container:db:1:create",
    ]
    assert plan.ops["container:api:1:start"].deps == {"container:api:1:create",
                                                       "service:db:ready"}


def test_no_deps_starts_only_the_named_service(tmp_path: Path) -> None:
    project = load(tmp_path, CHAIN)
    plan = up(project, ObservedState("p"), services=("web",), no_deps=True)
    assert plan.render() == snapshot("""
        network:default: create_network Network p_default (missing)
        container:web:1:create: create_container Container p-web-1 (missing) after network:default
        container:web:1:start: start Container p-web-1 (created) after container:web:1:create
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:start
    """)


def test_no_start_creates_only(tmp_path: Path) -> None:
    project = load(tmp_path, CHAIN)
    plan = up(project, observed(), services=("api",), no_start=True)
    assert plan.render() == snapshot("""
        network:default: check_network Network p_default (exists)
        container:api:1:create: create_container Container p-api-1 (missing) after network:default
        container:db:1:create: create_container Container p-db-1 (missing) after network:default
    """)


SHARED_NETWORK = """
    services:
      app:
        image: pycompose/busybox
        command: COMMAND
      sidecar:
        image: pycompose/busybox
        command: COMMAND
        network_mode: service:app
"""


def test_service_network_mode_waits_for_the_referenced_container(tmp_path: Path) -> None:
    project = load(tmp_path, SHARED_NETWORK)
    plan = up(project, ObservedState("p"))
    assert plan.render() == snapshot("""
        network:default: create_network Network p_default (missing)
        container:app:1:create: create_container Container p-app-1 (missing) after network:default
        container:app:1:start: start Container p-app-1 (created) after container:app:1:create
        container:sidecar:1:create: create_container Container p-sidecar-1 (missing) after container:app:1:create
        service:app:ready: wait Service app (dependencies wait for it) after container:app:1:start
        container:sidecar:1:start: start Container p-sidecar-1 (created) after container:sidecar:1:create, service:app:ready
        service:sidecar:ready: wait Service sidecar (dependencies wait for it) after container:sidecar:1:start
    """)  # noqa: E501


def test_recreating_a_shared_network_recreates_its_users(tmp_path: Path) -> None:
    """The sidecar joins app's namespace by container id, and its ``depends_on`` (added by
    the ``service:`` mode) has ``restart: true``: it is stopped first, then recreated."""
    project = load(tmp_path, SHARED_NETWORK)
    state = observed(container("app", config_hash="old"), container("sidecar", networks=()))
    plan = up(project, state)
    assert plan.render() == snapshot("""
        container:sidecar:1:stop-for-restart: stop Container p-sidecar-1 (dependency app recreated)
        network:default: check_network Network p_default (exists)
        container:app:1:create: create_container Container p-app-1 (config changed) after container:sidecar:1:stop-for-restart, network:default
        container:app:1:stop-old: stop Container p-app-1 (replaced) after container:app:1:create
        container:app:1:remove-old: remove Container p-app-1 (replaced) after container:app:1:stop-old
        container:app:1:rename: rename Container p-app-1 (replaced) after container:app:1:remove-old
        container:app:1:start: start Container p-app-1 (recreated) after container:app:1:rename
        container:sidecar:1:create: create_container Container p-sidecar-1 (referenced container recreated) after container:app:1:rename
        container:sidecar:1:stop-old: stop Container p-sidecar-1 (replaced) after container:sidecar:1:create, container:sidecar:1:stop-for-restart
        service:app:ready: wait Service app (dependencies wait for it) after container:app:1:start
        container:sidecar:1:remove-old: remove Container p-sidecar-1 (replaced) after container:sidecar:1:stop-old
        container:sidecar:1:rename: rename Container p-sidecar-1 (replaced) after container:sidecar:1:remove-old
        container:sidecar:1:start: start Container p-sidecar-1 (recreated) after container:sidecar:1:rename, service:app:ready
        service:sidecar:ready: wait Service sidecar (dependencies wait for it) after container:sidecar:1:start
    """)  # noqa: E501


def test_restart_dependants_are_stopped_and_started_again(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          db:
            image: pycompose/busybox
            command: COMMAND
          web:
            image: pycompose/busybox
            command: COMMAND
            depends_on:
              db: {condition: service_started, restart: true}
    """)
    state = observed(container("db", config_hash="old"), container("web"))
    plan = up(project, state)
    web_ops = [op.render() for op in plan.ordered() if op.id.startswith("container:web")]
    assert web_ops == [
        "container:web:1:stop-for-restart: stop Container p-web-1 (dependency db recreated)",
        "container:web:1:start: start Container p-web-1 (dependency recreated) after "
        "container:web:1:stop-for-restart, service:db:ready",
    ]
    assert "container:web:1:stop-for-restart" in plan.ops["container:db:1:create"].deps


def test_restart_dependant_scaled_down_is_stopped_once(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          db:
            image: pycompose/busybox
          web:
            image: pycompose/busybox
            depends_on:
              db: {condition: service_started, restart: true}
    """)
    state = observed(container("db", config_hash="old"), container("web", 1),
                     container("web", 2))
    plan = up(project, state, scale={"web": 1})
    assert [op.render() for op in plan.ordered() if op.id.startswith("container:web:2")] == [
        "container:web:2:stop-for-restart: stop Container p-web-2 (dependency db recreated)",
        "container:web:2:remove: remove Container p-web-2 (scale down) after "
        "container:web:2:stop-for-restart",
    ]


def test_container_off_its_network_is_recreated(web_db: Project) -> None:
    state = web_db_running()
    db, web = state.containers
    state = state._replace(containers=(db, web._replace(networks=("p_default",))))
    plan = up(web_db, state)
    assert plan.ops["container:web:1:create"].cause == "not connected to network p_front"


def test_container_without_its_volume_is_recreated(web_db: Project) -> None:
    state = web_db_running()
    db, web = state.containers
    state = state._replace(containers=(db._replace(volumes=("4f2a",)), web))
    plan = up(web_db, state)
    assert plan.ops["container:db:1:create"].cause == "volume p_data not mounted"


def test_external_network_and_volume_are_checked_not_created(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          web:
            image: pycompose/busybox
            command: COMMAND
            networks: [shared]
            volumes: [cache:/cache]
        networks:
          shared: {external: true, name: corp}
        volumes:
          cache: {external: true}
    """)
    plan = up(project, ObservedState("p"))
    assert plan.render() == snapshot("""
        network:shared: check_network Network corp (external network must exist)
        volume:cache: check_volume Volume cache (external volume must exist)
        container:web:1:create: create_container Container p-web-1 (missing) after network:shared, volume:cache
        container:web:1:start: start Container p-web-1 (created) after container:web:1:create
        service:web:ready: wait Service web (dependencies wait for it) after container:web:1:start
    """)  # noqa: E501


def test_plans_are_stable(web_db: Project) -> None:
    first = up(web_db, ObservedState("p")).render()
    assert all(up(web_db, ObservedState("p")).render() == first for _ in range(3))


# -- down ------------------------------------------------------------------------------------


def down(project: Project | None, state: ObservedState, **options: object) -> Plan:
    return plan_down(project, state, DownOptions(**options), "p")  # type: ignore[arg-type]


def chain_running() -> ObservedState:
    return observed(container("db"), container("api"), container("web"),
                    container("other", state="exited"))


def test_down_stops_dependants_first(tmp_path: Path) -> None:
    project = load(tmp_path, CHAIN)
    plan = down(project, chain_running())
    assert plan.render() == snapshot("""
        down:p-other-1:remove: remove Container p-other-1 (down)
        down:p-web-1:stop: stop Container p-web-1 (down)
        down:p-api-1:stop: stop Container p-api-1 (down) after down:p-web-1:stop
        down:p-web-1:remove: remove Container p-web-1 (down) after down:p-web-1:stop
        down:p-api-1:remove: remove Container p-api-1 (down) after down:p-api-1:stop
        down:p-db-1:stop: stop Container p-db-1 (down) after down:p-api-1:stop
        down:p-db-1:remove: remove Container p-db-1 (down) after down:p-db-1:stop
        down:network:p_default: remove_network Network p_default (down) after down:p-api-1:remove, down:p-db-1:remove, down:p-other-1:remove, down:p-web-1:remove
    """)  # noqa: E501


def test_down_removes_containers_of_services_gone_from_the_file(tmp_path: Path) -> None:
    project = load(tmp_path, ORPHANED)
    state = observed(container("web"), container("old"),
                     container("web", 2, oneoff=True, name="p-web-run-1"))
    plan = down(project, state)
    assert plan.warnings == []
    assert sorted(op.id for op in plan.ops.values() if op.kind == "remove") == [
        "down:p-old-1:remove", "down:p-web-1:remove",
    ]
    with_run = down(project, state, remove_orphans=True)
    assert "down:p-web-run-1:remove" in with_run.ops


def test_down_of_named_service_takes_its_dependants(tmp_path: Path) -> None:
    project = load(tmp_path, CHAIN)
    plan = down(project, chain_running(), services=("api",))
    assert plan.render() == snapshot("""
        down:p-web-1:stop: stop Container p-web-1 (down)
        down:p-api-1:stop: stop Container p-api-1 (down) after down:p-web-1:stop
        down:p-web-1:remove: remove Container p-web-1 (down) after down:p-web-1:stop
        down:p-api-1:remove: remove Container p-api-1 (down) after down:p-api-1:stop
    """)


VOLUMES = """
    services:
      db:
        image: pycompose/busybox
        command: COMMAND
        volumes: [data:/data, shared:/shared, logs:/logs]
    volumes:
      data: {}
      logs: {}
      shared: {external: true, name: corp-shared}
"""


def test_down_keeps_volumes_without_v(tmp_path: Path) -> None:
    project = load(tmp_path, VOLUMES)
    state = observed(container("db"), volumes={"p_data": "data"})
    assert not [op for op in down(project, state).ops.values() if "volume" in op.kind]


def test_down_v_removes_project_volumes_only(tmp_path: Path) -> None:
    project = load(tmp_path, VOLUMES)
    state = observed(container("db"),
                     volumes={"p_data": "data", "corp-shared": "shared", "p_stale": "stale"})
    plan = down(project, state, volumes=True)
    assert [op.render() for op in plan.ordered() if "volume" in op.kind] == [
        "down:volume:p_data: remove_volume Volume p_data (down -v) after down:p-db-1:remove",
        "down:volume:p_logs: check_volume Volume p_logs (not labelled for this project: kept) "
        "after down:p-db-1:remove",
    ]
    assert plan.ops["down:p-db-1:remove"].args["volumes"] is True


def test_down_without_a_file_removes_what_carries_the_label() -> None:
    state = observed(container("a"), container("b", state="exited"),
                     volumes={"p_data": "data"})
    plan = down(None, state, volumes=True)
    assert plan.render() == snapshot("""
        down:p-a-1:stop: stop Container p-a-1 (down)
        down:p-b-1:remove: remove Container p-b-1 (down)
        down:p-a-1:remove: remove Container p-a-1 (down) after down:p-a-1:stop
        down:network:p_default: remove_network Network p_default (down) after down:p-a-1:remove, down:p-b-1:remove
        down:volume:p_data: remove_volume Volume p_data (down -v) after down:p-a-1:remove, down:p-b-1:remove
    """)  # noqa: E501
