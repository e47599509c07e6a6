"""Finding a project's files, directory, environment and name (pycompose.loader.discover).

Each scenario was run with Docker Compose v2.40.3 (`config --format json` in the same tree, with
only PATH and HOME in the environment); the comments give what it printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ProjectError
from pycompose.loader.discover import (
    ProjectOptions,
    ProjectSource,
    check_project_name,
    discover,
    normalize_project_name,
)
from pycompose.loader.pipeline import load

SERVICE = "services:\n  web:\n    image: ${IMG:-none}\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def find(cwd: Path, env: dict[str, str] | None = None, **flags: object) -> ProjectSource:
    return discover(ProjectOptions(cwd=str(cwd), environ=dict(env or {}), **flags))  # type: ignore[arg-type]


def project_name(cwd: Path, env: dict[str, str] | None = None, **flags: object) -> str:
    return load(ProjectOptions(cwd=str(cwd), environ=dict(env or {}), **flags)).name  # type: ignore[arg-type]


def test_compose_file_is_found_in_a_parent_directory(tmp_path: Path) -> None:
    tree(tmp_path, {"compose.yaml": SERVICE, "sub/deeper/.keep": ""})
    source = find(tmp_path / "sub" / "deeper")
    assert source.config_files == (str(tmp_path / "compose.yaml"),)
    assert source.working_dir == str(tmp_path)


def test_no_compose_file_anywhere_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no configuration file provided: not found"):
        find(tmp_path)


def test_first_default_name_wins_with_a_warning(tmp_path: Path) -> None:
    # oracle: Found multiple config files with supported names: .../compose.yaml, .../compose.yml
    tree(tmp_path, {"compose.yml": SERVICE, "compose.yaml": SERVICE})
    source = find(tmp_path)
    assert source.config_files == (str(tmp_path / "compose.yaml"),)
    assert source.warnings == (
        "Found multiple config files with supported names: "
        f"{tmp_path / 'compose.yaml'}, {tmp_path / 'compose.yml'}",
        f"Using {tmp_path / 'compose.yaml'}",
    )


def test_override_file_is_added_and_compose_override_yml_is_preferred(tmp_path: Path) -> None:
    # oracle: "Using .../compose.override.yml" among .yml, .yaml and docker-compose.override.yml
    tree(tmp_path, {"docker-compose.yml": SERVICE, "compose.override.yaml": "",
                    "compose.override.yml": "", "docker-compose.override.yml": ""})
    source = find(tmp_path)
    assert source.config_files == (str(tmp_path / "docker-compose.yml"),
                                   str(tmp_path / "compose.override.yml"))
    assert source.warnings[-1] == f"Using {tmp_path / 'compose.override.yml'}"


def test_compose_file_variable_is_split_on_the_path_separator(tmp_path: Path) -> None:
    tree(tmp_path, {"a.yaml": SERVICE, "b.yaml": SERVICE})
    assert find(tmp_path, {"COMPOSE_FILE": "a.yaml:b.yaml"}).config_files == (
        str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    env = {"COMPOSE_FILE": "a.yaml;b.yaml", "COMPOSE_PATH_SEPARATOR": ";"}
    assert len(find(tmp_path, env).config_files) == 2


def test_an_empty_compose_file_entry_names_the_current_directory(tmp_path: Path) -> None:
    # oracle: COMPOSE_FILE=a.yaml::b.yaml fails with "read <cwd>: is a directory"
    tree(tmp_path, {"a.yaml": SERVICE, "b.yaml": SERVICE})
    source = find(tmp_path, {"COMPOSE_FILE": "a.yaml::b.yaml"})
    assert source.config_files[1] == str(tmp_path)


def test_file_flags_beat_compose_file(tmp_path: Path) -> None:
    tree(tmp_path, {"a.yaml": SERVICE, "b.yaml": SERVICE})
    source = find(tmp_path, {"COMPOSE_FILE": "a.yaml"}, config_files=["b.yaml"])
    assert source.config_files == (str(tmp_path / "b.yaml"),)


def test_compose_file_may_come_from_dot_env(tmp_path: Path) -> None:
    tree(tmp_path, {"a.yaml": SERVICE, ".env": "COMPOSE_FILE=a.yaml\n"})
    assert find(tmp_path).config_files == (str(tmp_path / "a.yaml"),)


def test_working_directory_is_that_of_the_first_file(tmp_path: Path) -> None:
    tree(tmp_path, {"sub/c.yaml": SERVICE, "sub/.env": "IMG=subenv\n"})
    source = find(tmp_path, config_files=["sub/c.yaml"])
    assert source.working_dir == str(tmp_path / "sub")
    assert source.environment["IMG"] == "subenv"


def test_project_directory_flag_sets_the_working_directory_and_its_env(tmp_path: Path) -> None:
    # oracle: --project-directory other -f compose.yaml -> image from other/.env
    tree(tmp_path, {"compose.yaml": SERVICE, "other/.env": "IMG=otherenv\n"})
    source = find(tmp_path, config_files=["compose.yaml"], project_directory="other")
    assert source.working_dir == str(tmp_path / "other")
    assert source.environment["IMG"] == "otherenv"


def test_project_directory_flag_is_where_files_are_looked_for(tmp_path: Path) -> None:
    tree(tmp_path, {"other/compose.yaml": SERVICE})
    source = find(tmp_path, project_directory="other")
    assert source.config_files == (str(tmp_path / "other" / "compose.yaml"),)


def test_shell_environment_beats_dot_env(tmp_path: Path) -> None:
    tree(tmp_path, {"compose.yaml": SERVICE, ".env": "IMG=fromdotenv\nOTHER=1\n"})
    source = find(tmp_path, {"IMG": "fromshell"})
    assert source.environment["IMG"] == "fromshell"
    assert source.environment["OTHER"] == "1"


def test_dot_env_of_the_current_directory_comes_before_the_projects(tmp_path: Path) -> None:
    # oracle: from sub/, with compose.yaml in the parent: IMG from sub/.env, OTHER from ../.env
    tree(tmp_path, {"compose.yaml": SERVICE, ".env": "IMG=parent\nOTHER=parent\n",
                    "sub/.env": "IMG=sub\n"})
    source = find(tmp_path / "sub")
    assert source.working_dir == str(tmp_path)
    assert (source.environment["IMG"], source.environment["OTHER"]) == ("sub", "parent")


def test_with_a_file_flag_the_current_directorys_dot_env_is_not_read(tmp_path: Path) -> None:
    # oracle: -f ../compose.yaml from sub/ -> IMG from ../.env only
    tree(tmp_path, {"compose.yaml": SERVICE, ".env": "IMG=parent\n", "sub/.env": "IMG=sub\n"})
    source = find(tmp_path / "sub", config_files=["../compose.yaml"])
    assert source.environment["IMG"] == "parent"


def test_env_file_flag_replaces_dot_env_and_is_relative_to_the_current_directory(
    tmp_path: Path,
) -> None:
    tree(tmp_path, {"compose.yaml": SERVICE, "my.env": "IMG=myenv\n", ".env": "IMG=dot\n",
                    "other/my.env": "IMG=other\n"})
    assert find(tmp_path, env_files=["my.env"]).environment["IMG"] == "myenv"
    source = find(tmp_path, env_files=["my.env"], project_directory="other",
                  config_files=["compose.yaml"])
    assert source.environment["IMG"] == "myenv"


def test_missing_env_file_is_an_error(tmp_path: Path) -> None:
    tree(tmp_path, {"compose.yaml": SERVICE})
    with pytest.raises(ProjectError, match="couldn't find env file"):
        find(tmp_path, env_files=["nope.env"])


def test_compose_env_files_lists_env_files_later_ones_winning(tmp_path: Path) -> None:
    # oracle: COMPOSE_ENV_FILES=a.env,b.env -> image b
    tree(tmp_path, {"compose.yaml": SERVICE, "a.env": "IMG=a\n", "b.env": "IMG=b\n"})
    assert find(tmp_path, {"COMPOSE_ENV_FILES": "a.env,b.env"}).environment["IMG"] == "b"


def test_profiles_come_from_flags_else_compose_profiles(tmp_path: Path) -> None:
    tree(tmp_path, {"compose.yaml": SERVICE, ".env": "COMPOSE_PROFILES=dbg\n"})
    assert find(tmp_path).profiles == ("dbg",)
    assert find(tmp_path, {"COMPOSE_PROFILES": "dbg, b"}).profiles == ("dbg", "b")
    assert find(tmp_path, {"COMPOSE_PROFILES": "dbg"}, profiles=["b"]).profiles == ("b",)


@pytest.mark.parametrize(
    ("written", "name"),
    [("My Proj.X", "myprojx"), ("_-9ab", "9ab"), ("From_File", "from_file"), ("..", ""),
     ("-abc", "abc")],
)
def test_project_names_are_normalized(written: str, name: str) -> None:
    assert normalize_project_name(written) == name


@pytest.mark.parametrize("name", ["Bad", "-abc", "a.b", "_x"])
def test_project_name_flag_must_already_be_valid(name: str) -> None:
    with pytest.raises(ProjectError, match="invalid project name"):
        check_project_name(name)


def test_project_name_precedence(tmp_path: Path) -> None:
    # oracle: -p beats COMPOSE_PROJECT_NAME, which beats `name:`, which beats the directory
    root = tree(tmp_path / "Dir_One", {"compose.yaml": "name: fromfile\n" + SERVICE})
    assert project_name(root) == "fromfile"
    assert project_name(root, {"COMPOSE_PROJECT_NAME": "fromenv"}) == "fromenv"
    assert project_name(root, {"COMPOSE_PROJECT_NAME": "fromenv"}, project_name="cli") == "cli"
    (root / "compose.yaml").write_text(SERVICE, encoding="utf-8")
    assert project_name(root) == "dir_one"


def test_empty_project_name_settings_are_ignored(tmp_path: Path) -> None:
    # oracle: -p "" and COMPOSE_PROJECT_NAME="" both fall back to the directory name
    root = tree(tmp_path / "dir", {"compose.yaml": SERVICE})
    assert project_name(root, project_name="") == "dir"
    assert project_name(root, {"COMPOSE_PROJECT_NAME": ""}) == "dir"


def test_compose_project_name_is_not_normalized_but_checked(tmp_path: Path) -> None:
    # oracle: invalid project name "FromEnv": must consist only of lowercase alphanumeric ...
    root = tree(tmp_path / "a", {"compose.yaml": SERVICE})
    with pytest.raises(ProjectError, match='invalid project name "FromEnv"'):
        project_name(root, {"COMPOSE_PROJECT_NAME": "FromEnv"})


def test_project_name_may_come_from_dot_env_and_interpolation(tmp_path: Path) -> None:
    root = tree(tmp_path / "a", {"compose.yaml": SERVICE,
                                 ".env": "COMPOSE_PROJECT_NAME=fromdotenv\n"})
    assert project_name(root) == "fromdotenv"
    root = tree(tmp_path / "b", {"compose.yaml": "name: ${N}\n" + SERVICE, ".env": "N=interp\n"})
    assert project_name(root) == "interp"


def test_a_name_with_no_valid_character_is_an_error(tmp_path: Path) -> None:
    # oracle: project name must not be empty
    root = tree(tmp_path / "__", {"compose.yaml": SERVICE})
    with pytest.raises(ProjectError, match="project name must not be empty"):
        project_name(root)
