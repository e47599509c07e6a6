"""Find a project's files, directory, environment and name as Docker Compose v2 does.

Precedence follows Compose: ``-f`` flags, else ``COMPOSE_FILE`` (split on
``COMPOSE_PATH_SEPARATOR``), else the first of compose.yaml / compose.yml / docker-compose.yml /
docker-compose.yaml found in the working directory or its parents, plus the matching override
file. The shell environment wins over env files; ``COMPOSE_*`` variables may come from ``.env``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from pycompose.errors import ProjectError

DEFAULT_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
# Not the same order as DEFAULT_FILES: Compose prefers compose.override.yml.
OVERRIDE_FILES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
STDIN = "-"
_VALID_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_NAME_CHARS = re.compile(r"[a-z0-9_-]")


class ProjectOptions(NamedTuple):
    """What the user asked for: the global flags plus the process environment (``environ``,
    None: this process's) and directory (``cwd``, None: the current one)."""

    config_files: Sequence[str] = ()
    project_name: str | None = None
    project_directory: str | None = None
    env_files: Sequence[str] = ()
    profiles: Sequence[str] = ()
    environ: Mapping[str, str] | None = None
    cwd: str | None = None
    stdin_reader: Callable[[], str] | None = None


class ProjectSource(NamedTuple):
    """Where a project comes from, once discovery is done."""

    config_files: tuple[str, ...]
    working_dir: str
    env_files: tuple[str, ...]
    environment: dict[str, str]
    profiles: tuple[str, ...]
    name_override: str | None
    warnings: tuple[str, ...] = ()
    #: The env files named by ``--env-file`` or ``COMPOSE_ENV_FILES`` (absolute), not the
    #: default ``.env``: Compose records them in a label on the containers.
    explicit_env_files: tuple[str, ...] = ()


def normalize_project_name(name: str) -> str:
    """Lower-case, keep ``[a-z0-9_-]``, strip leading ``_``/``-`` (Compose's rule)."""
    kept = "".join(_NAME_CHARS.findall(name.lower()))
    return kept.lstrip("_-")


def check_project_name(name: str) -> str:
    if not _VALID_NAME.match(name):
        raise ProjectError(
            f'invalid project name "{name}": must consist only of lowercase alphanumeric '
            "characters, hyphens, and underscores as well as start with a letter or number"
        )
    return name


def _first_file(
    directory: Path, names: tuple[str, ...], what: str, warnings: list[str]
) -> str | None:
    """The first of ``names`` that is a file in ``directory``; warns when there are several."""
    found = [directory / name for name in names if (directory / name).is_file()]
    if not found:
        return None
    if len(found) > 1:
        warnings.append(
            f"Found multiple {what} files with supported names: "
            + ", ".join(str(f) for f in found)
        )
        warnings.append(f"Using {found[0]}")
    return str(found[0])


def _find_default(start: str, warnings: list[str]) -> list[str]:
    directory = Path(start)
    while True:
        config = _first_file(directory, DEFAULT_FILES, "config", warnings)
        if config is not None:
            override = _first_file(directory, OVERRIDE_FILES, "override", warnings)
            return [config] if override is None else [config, override]
        if directory.parent == directory:
            raise ProjectError("no configuration file provided: not found")
        directory = directory.parent


def _abs(path: str, base: str) -> str:
    return os.path.normpath(os.path.join(base, os.path.expanduser(path)))


def discover(options: ProjectOptions) -> ProjectSource:
    """Resolve files, working directory, environment, profiles and the name override.

    Reads env files (so it is not pure), never the compose files themselves.
    """
    from pycompose.loader.dotenv import read_dotenv

    warnings: list[str] = []
    environ = dict(os.environ if options.environ is None else options.environ)
    cwd = os.getcwd() if options.cwd is None else options.cwd
    project_dir = _abs(options.project_directory, cwd) if options.project_directory else None

    env_files = list(options.env_files)
    if not env_files and environ.get("COMPOSE_ENV_FILES"):
        env_files = [f for f in environ["COMPOSE_ENV_FILES"].split(",") if f]

    # Compose reads the env files before it looks for compose files, from the directory it knows
    # by then (the current one unless -f or --project-directory say otherwise); once the project
    # directory is known, that directory's env files add what is still missing.
    def pre_working_dir() -> str:
        if project_dir:
            return project_dir
        for f in options.config_files:
            if f != STDIN:
                return os.path.dirname(_abs(f, cwd))
        return cwd

    def dotenv_paths(working_dir: str) -> list[str]:
        if env_files:
            return [_abs(f, cwd) for f in env_files]
        default = os.path.join(working_dir, ".env")
        return [default] if os.path.isfile(default) else []

    def read_env(paths: list[str]) -> dict[str, str]:
        merged: dict[str, str] = {}
        for path in paths:
            if os.path.isdir(path):
                raise ProjectError(f"{path} is a directory")
            if not os.path.exists(path):
                raise ProjectError(
                    f"couldn't find env file: {path}"
                )
            merged.update(read_dotenv(path, lambda k: environ.get(k, merged.get(k))))
        return merged

    for key, value in read_env(dotenv_paths(pre_working_dir())).items():
        environ.setdefault(key, value)

    files = list(options.config_files)
    if not files and environ.get("COMPOSE_FILE"):
        sep = environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        # An empty entry stays: it names the current directory, which then fails to read.
        files = environ["COMPOSE_FILE"].split(sep)
    if files:
        config_files = [f if f == STDIN else _abs(f, cwd) for f in files]
    else:
        config_files = _find_default(project_dir or cwd, warnings)

    if project_dir:
        working_dir = project_dir
    else:
        first = next((f for f in config_files if f != STDIN), None)
        working_dir = os.path.dirname(first) if first else cwd

    dotenv = read_env(dotenv_paths(working_dir))
    environment = dict(environ)
    for key, value in dotenv.items():
        environment.setdefault(key, value)

    profiles = list(options.profiles)
    if not profiles and environment.get("COMPOSE_PROFILES"):
        profiles = [p.strip() for p in environment["COMPOSE_PROFILES"].split(",") if p.strip()]

    name = options.project_name or None  # Compose ignores an empty -p
    if name is not None:
        check_project_name(name)
    elif environment.get("COMPOSE_PROJECT_NAME"):
        name = check_project_name(environment["COMPOSE_PROJECT_NAME"])

    return ProjectSource(
        config_files=tuple(config_files),
        working_dir=working_dir,
        env_files=tuple(dotenv_paths(working_dir)),
        environment=environment,
        profiles=tuple(profiles),
        name_override=name,
        warnings=tuple(warnings),
        explicit_env_files=tuple(_abs(f, cwd) for f in env_files),
    )
