"""Top-level `include` (pycompose.loader.include), through the loader pipeline.

Expected behaviour was checked with Docker Compose v2.40.3 on the same files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ComposeFileError
from pycompose.loader.discover import ProjectOptions
from pycompose.loader.pipeline import Loaded, load

ENV = {"HOME": "/nonexistent-home"}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def load_dir(root: Path) -> Loaded:
    return load(ProjectOptions(cwd=str(root), environ=dict(ENV)))


def load_error(root: Path) -> ComposeFileError:
    with pytest.raises(ComposeFileError) as caught:
        load_dir(root)
    return caught.value


def test_included_project_uses_its_own_env_file_and_directory(tmp_path: Path) -> None:
    # oracle: service a gets image "fromenv" (from sub/my.env) and paths resolved in sub/
    write(tmp_path, {
        "compose.yaml": "include:\n  - path: sub/other.yaml\n    env_file: sub/my.env\n"
                        "services:\n  web:\n    image: x\n    depends_on: [a]\n",
        "sub/other.yaml": "services:\n  a:\n    image: ${IMG}\n    build: .\n",
        "sub/my.env": "IMG=fromenv\n",
    })
    services = load_dir(tmp_path).tree["services"]
    assert services["a"]["image"] == "fromenv"
    assert services["a"]["build"]["context"] == str(tmp_path / "sub")


def test_include_cycle_names_each_file_once(tmp_path: Path) -> None:
    # oracle: include cycle detected: compose.yaml, include other.yaml, include compose.yaml
    write(tmp_path, {
        "compose.yaml": "include: [other.yaml]\nservices:\n  web:\n    image: x\n",
        "other.yaml": "include: [compose.yaml]\nservices:\n  b:\n    image: x\n",
    })
    message = load_error(tmp_path).message
    root, other = tmp_path / "compose.yaml", tmp_path / "other.yaml"
    assert f"include cycle detected: {root} -> {other} -> {root}" in message


def test_include_path_must_be_text(tmp_path: Path) -> None:
    # oracle: '[0].path' invalid type map[string]interface {} for string list
    write(tmp_path, {"compose.yaml": "include:\n  - path: {a: 1}\nservices: {}\n"})
    problem = load_error(tmp_path)
    assert problem.path == ("include", 0, "path")
    assert problem.detail == "must be a string or a list of strings"


def test_including_file_with_services_not_a_mapping_is_an_error(tmp_path: Path) -> None:
    # oracle: services must be a mapping
    write(tmp_path, {
        "compose.yaml": "include: [other.yaml]\nservices: 5\n",
        "other.yaml": "services:\n  a:\n    image: x\n",
    })
    problem = load_error(tmp_path)
    assert problem.path == ("services",)
    assert problem.detail == "must be a mapping"


def test_a_service_defined_on_both_sides_differently_conflicts(tmp_path: Path) -> None:
    # oracle: services.a conflicts with imported resource
    write(tmp_path, {
        "compose.yaml": "include: [other.yaml]\nservices:\n  a:\n    image: y\n",
        "other.yaml": "services:\n  a:\n    image: x\n",
    })
    assert load_error(tmp_path).path == ("services", "a")


def test_missing_included_file_is_named(tmp_path: Path) -> None:
    # oracle: open <dir>/nope.yaml: no such file or directory
    write(tmp_path, {"compose.yaml": "include: [nope.yaml]\nservices: {}\n"})
    expected = f"open {tmp_path / 'nope.yaml'}: no such file or directory"
    assert expected in load_error(tmp_path).message
