"""The planner when the engine holds what an interrupted `up` or a changed network leaves:
snapshots of the plan's text rendering, no engine."""

from __future__ import annotations

import textwrap
from pathlib import Path

from pycompose.api import ProjectOptions, load_project, typed_project
from pycompose.engine.observe import ObservedContainer, ObservedNetwork, ObservedState
from pycompose.model import Project
from pycompose.plan import UpOptions, plan_up

IMAGE = "pycompose/busybox"
IMAGE_ID = "sha256:b0b0"


def load(tmp_path: Path, body: str) -> Project:
    compose = tmp_path / "compose.yaml"
    compose.write_text(textwrap.dedent(body))
    options = ProjectOptions(config_files=(str(compose),), project_name="p", environ={},
                             cwd=str(tmp_path))
    project: Project = typed_project(load_project(options))
    return project


def container(service: str, ident: str, *, name: str | None = None, state: str = "running",
              config_hash: str | None = None, networks: tuple[str, ...] = ("p_default",)
              ) -> ObservedContainer:
    return ObservedContainer(
        id=ident.ljust(64, "0"), name=name or f"p-{service}-1", service=service, number=1,
        config_hash=config_hash or f"hash-{service}", image_id=IMAGE_ID, state=state,
        status="", oneoff=False, labels={}, networks=networks,
    )


def state(*containers: ObservedContainer, networks: dict[str, str] | None = None
          ) -> ObservedState:
    found = networks or {"p_default": ""}
    return ObservedState(
        project="p", containers=containers,
        networks={name: ObservedNetwork(id=f"net-{name}", name=name, key=name[2:],
                                        config_hash=digest, labels={})
                  for name, digest in found.items()},
        images={IMAGE: IMAGE_ID},
    )


def rendered(project: Project, observed: ObservedState) -> str:
    hashes = {name: f"hash-{name}" for name in project.services}
    return plan_up(project, observed, UpOptions(), hashes).render()


ONE = """
services:
  db: {image: pycompose/busybox}
"""


def test_replacement_left_under_its_temporary_name_is_renamed_and_the_old_one_removed(
    tmp_path: Path,
) -> None:
    project = load(tmp_path, ONE)
    old = container("db", "aaaaaaaaaaaa", config_hash="hash-old")
    new = container("db", "bbbbbbbbbbbb", name="aaaaaaaaaaaa_p-db-1", state="created")
    assert rendered(project, state(old, new)) == textwrap.dedent("""\
        container:db:1:leftover:aaaaaaaaaaaa:stop: stop Container p-db-1 (leftover)
        network:default: check_network Network p_default (exists)
        container:db:1:leftover:aaaaaaaaaaaa:remove: remove Container p-db-1 (leftover) after container:db:1:leftover:aaaaaaaaaaaa:stop
        container:db:1:rename: rename Container p-db-1 (interrupted recreate) after container:db:1:leftover:aaaaaaaaaaaa:remove
        container:db:1:start: start Container p-db-1 (stopped) after container:db:1:rename, network:default
        service:db:ready: wait Service db (dependencies wait for it) after container:db:1:start""")  # noqa: E501


def test_outdated_leftover_goes_before_the_old_container_is_recreated(tmp_path: Path) -> None:
    project = load(tmp_path, ONE)
    old = container("db", "aaaaaaaaaaaa", config_hash="hash-old")
    stale = container("db", "bbbbbbbbbbbb", name="aaaaaaaaaaaa_p-db-1", state="created",
                      config_hash="hash-older")
    text = rendered(project, state(old, stale))
    assert "container:db:1:leftover:bbbbbbbbbbbb:remove: remove Container aaaaaaaaaaaa_p-db-1" \
        in text
    assert ("container:db:1:create: create_container Container p-db-1 (config changed) after "
            "container:db:1:leftover:bbbbbbbbbbbb:remove, network:default") in text


def test_changed_network_is_replaced_around_its_containers(tmp_path: Path) -> None:
    project = load(tmp_path, """
        services:
          a: {image: pycompose/busybox, networks: [n]}
        networks:
          n: {labels: {v: "2"}}
    """)
    observed = state(container("a", "aaaaaaaaaaaa", networks=("p_n",)),
                     networks={"p_n": "hash-of-an-older-configuration"})
    assert rendered(project, observed) == textwrap.dedent("""\
        container:a:aaaaaaaaaaaa:stop-for-network: stop Container p-a-1 (network p_n changed)
        container:a:aaaaaaaaaaaa:disconnect:n: disconnect Network p_n (network changed) after container:a:aaaaaaaaaaaa:stop-for-network
        network:n:remove: remove_network Network p_n (configuration changed) after container:a:aaaaaaaaaaaa:disconnect:n
        network:n: create_network Network p_n (configuration changed) after network:n:remove
        container:a:aaaaaaaaaaaa:connect:n: connect Network p_n (network recreated) after network:n
        container:a:1:start: start Container p-a-1 (dependency recreated) after container:a:aaaaaaaaaaaa:connect:n
        service:a:ready: wait Service a (dependencies wait for it) after container:a:1:start""")  # noqa: E501
