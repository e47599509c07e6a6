"""Normalization, profiles and consistency checks (pycompose.loader.normalize), through the
loader pipeline on small projects.

Expected values are what Docker Compose v2.40.3 printed for the same files (`config --format
json`, environment holding only PATH and HOME); error texts are its messages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pycompose.errors import PycomposeError
from pycompose.loader.discover import ProjectOptions
from pycompose.loader.pipeline import load


def project(root: Path, compose: str, env: dict[str, str] | None = None,
            files: dict[str, str] | None = None, **flags: Any) -> dict[str, Any]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "compose.yaml").write_text(compose, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    tree: dict[str, Any] = load(
        ProjectOptions(cwd=str(root), environ=dict(env or {}), **flags)
    ).tree
    return tree


def failure(root: Path, compose: str, **kwargs: Any) -> str:
    with pytest.raises(PycomposeError) as caught:
        project(root, compose, **kwargs)
    return str(caught.value)


def test_services_without_networks_join_the_default_network(tmp_path: Path) -> None:
    tree = project(tmp_path / "app", "services:\n  web: {image: x}\n  host: {image: x, "
                   "network_mode: host}\n")
    assert tree["services"]["web"]["networks"] == {"default": None}
    assert "networks" not in tree["services"]["host"]
    assert tree["networks"] == {"default": {"name": "app_default"}}


def test_resources_are_named_after_the_project_unless_named_or_external(tmp_path: Path) -> None:
    tree = project(tmp_path / "x", """\
name: myproj
services:
  web:
    image: x
    networks: [front, ext]
    volumes: [data:/d, named:/n, extvol:/e]
    secrets: [s]
    configs: [c]
networks:
  front: {}
  ext: {external: true}
volumes:
  data: {}
  named: {name: fixed}
  extvol: {external: {name: old}}
secrets:
  s: {file: ./s}
configs:
  c: {external: true}
""")
    assert tree["networks"]["front"]["name"] == "myproj_front"
    assert tree["networks"]["ext"] == {"external": True, "name": "ext"}
    assert tree["volumes"]["data"]["name"] == "myproj_data"
    assert tree["volumes"]["named"]["name"] == "fixed"
    assert tree["volumes"]["extvol"] == {"external": True, "name": "old"}
    assert tree["secrets"]["s"]["name"] == "myproj_s"
    assert tree["configs"]["c"] == {"external": True, "name": "c"}


def test_unused_resources_are_dropped(tmp_path: Path) -> None:
    tree = project(tmp_path / "p", """\
services:
  web: {image: x, volumes: [used:/u]}
networks:
  unused: {}
volumes:
  used: {}
  unusedvol: {}
secrets:
  s2: {file: ./s2}
""")
    assert list(tree["networks"]) == ["default"]
    assert list(tree["volumes"]) == ["used"]
    assert "secrets" not in tree


def test_links_volumes_from_and_service_modes_imply_dependencies(tmp_path: Path) -> None:
    tree = project(tmp_path / "p", """\
services:
  web:
    image: x
    links: [db:database, cache]
    volumes_from: [data:ro, "container:abc"]
    network_mode: service:vpn
    ipc: service:shm
  db: {image: x}
  cache: {image: x}
  data: {image: x}
  vpn: {image: x}
  shm: {image: x}
""")
    started = {"condition": "service_started", "required": True}
    restarted = {"condition": "service_started", "restart": True, "required": True}
    assert tree["services"]["web"]["depends_on"] == {
        "db": restarted, "cache": restarted, "data": started, "vpn": restarted, "shm": restarted
    }


def test_env_files_merge_under_environment(tmp_path: Path) -> None:
    # oracle: A from environment, B from the file, C (a bare name) from the shell, else null
    compose = """\
services:
  web:
    image: x
    env_file: [a.env, {path: missing.env, required: false}]
    environment:
      A: fromenv
      C:
      D:
"""
    files = {"a.env": "A=fromfile\nB=fromfile\nC=fromfile\nD=fromfile\n"}
    tree = project(tmp_path / "p", compose, env={"C": "fromshell"}, files=files)
    assert tree["services"]["web"]["environment"] == {
        "A": "fromenv", "B": "fromfile", "C": "fromshell", "D": None
    }
    assert "env_file" not in tree["services"]["web"]


def test_a_missing_required_env_file_is_an_error(tmp_path: Path) -> None:
    root = tmp_path / "p"
    message = failure(root, "services:\n  web:\n    image: x\n    env_file: missing.env\n")
    missing = root / "missing.env"
    assert f"env file {missing} not found: stat {missing}: no such file or directory" in message


def test_build_gets_a_dockerfile_and_unset_args_are_dropped(tmp_path: Path) -> None:
    tree = project(tmp_path / "p", "services:\n  web:\n    build:\n      context: .\n"
                   "      args: {A: null, B: '1'}\n")
    assert tree["services"]["web"]["build"] == {
        "context": str(tmp_path / "p"), "args": {"B": "1"}, "dockerfile": "Dockerfile"
    }


PROFILES = """\
services:
  a: {image: x}
  b: {image: x, profiles: [p1]}
  c: {image: x, profiles: [p2], depends_on: [a]}
"""


def test_services_with_profiles_are_off_unless_a_profile_is_active(tmp_path: Path) -> None:
    assert list(project(tmp_path / "a", PROFILES)["services"]) == ["a"]
    active = project(tmp_path / "b", PROFILES, env={"COMPOSE_PROFILES": "p2"})
    assert list(active["services"]) == ["a", "c"]
    assert list(project(tmp_path / "c", PROFILES, profiles=["*"])["services"]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("compose", "message"),
    [
        ("services:\n  web: {image: x, networks: [nope]}\n",
         'service "web" refers to undefined network nope: invalid compose project'),
        ("services:\n  web: {image: x, volumes: ['nope:/d']}\n",
         'service "web" refers to undefined volume nope: invalid compose project'),
        ("services:\n  web: {image: x, secrets: [nope]}\n",
         'service "web" refers to undefined secret nope: invalid compose project'),
        ("services:\n  web: {environment: [A=1]}\n",
         'service "web" has neither an image nor a build context specified: '
         "invalid compose project"),
        ("services:\n  web: {image: x, depends_on: [nope]}\n",
         'service "web" depends on undefined service "nope": invalid compose project'),
        ("services:\n  web: {image: x, network_mode: 'service:nope'}\n",
         'service "web" depends on undefined service "nope": invalid compose project'),
        ("services:\n  web: {image: x, volumes_from: [nope]}\n",
         'service "web" depends on undefined service "nope": invalid compose project'),
        ("services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n",
         "dependency cycle detected: a -> b -> a"),
    ],
)
def test_inconsistent_projects_fail_with_composes_message(
    tmp_path: Path, compose: str, message: str
) -> None:
    assert message in failure(tmp_path / "p", compose)
