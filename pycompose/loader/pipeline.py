"""The loader's stages, in Compose's order, each one switchable.

files → parse → interpolate → extends → include → merge → unicity → schema → long syntax →
relative paths → normalize → typed conversion → profiles → consistency → model.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from pycompose.errors import ComposeFileError, ProjectError
from pycompose.loader.discover import STDIN, ProjectOptions, ProjectSource, discover
from pycompose.loader.tree import locate


class Stages(NamedTuple):
    """Which stages run; ``config --no-*`` flags switch them off."""

    interpolate: bool = True
    normalize: bool = True
    resolve_paths: bool = True
    consistency: bool = True
    resolve_environment: bool = True


class LoadContext:
    """State shared by the stages of one load: environment, warnings, files being read."""

    def __init__(self, source: ProjectSource, stages: Stages,
                 stdin_reader: Callable[[], str] | None = None) -> None:
        self.source = source
        self.stages = stages
        self.stdin_reader = stdin_reader
        self.warnings: list[str] = []
        self.source_tree: Any = None
        self.defined_services: tuple[str, ...] = ()
        self._warned: set[str] = set()
        self._file_cache: dict[str, list[Any]] = {}

    @property
    def environment(self) -> dict[str, str]:
        return self.source.environment

    def warn(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            self.warnings.append(message)

    def read_docs(self, path: str, *, copy: bool = True) -> list[Any]:
        """Parse a compose file (cached: extends may read the same file many times).

        With ``copy=False`` the cached trees themselves are returned: read them, never change
        them.
        """
        from pycompose.loader.tree import clone
        from pycompose.loader.yamlio import parse_yaml

        if path not in self._file_cache:
            if path == STDIN:
                reader = self.stdin_reader or sys.stdin.read
                text = reader()
                name = "-"
            else:
                try:
                    with open(path, encoding="utf-8") as fh:
                        text = fh.read()
                except FileNotFoundError:
                    raise ProjectError(f"open {path}: no such file or directory") from None
                except IsADirectoryError:
                    raise ProjectError(f"read {path}: is a directory") from None
                except UnicodeDecodeError as exc:
                    raise ProjectError(f"{path}: not UTF-8 text: {exc}") from None
                name = path
            docs = parse_yaml(text, name)
            if not docs:
                raise ComposeFileError("empty compose file", file=name)
            for doc in docs:
                if not isinstance(doc, dict):
                    raise ComposeFileError(
                        "top-level object must be a mapping", mark=getattr(doc, "mark", None),
                        file=name,
                    )
            self._file_cache[path] = docs
        docs = self._file_cache[path]
        return [clone(doc) for doc in docs] if copy else docs


class Loaded(NamedTuple):
    """The result of loading: the project as Compose prints it, plus what was said on the way."""

    name: str
    working_dir: str
    config_files: tuple[str, ...]
    env_files: tuple[str, ...]
    environment: dict[str, str]
    profiles: tuple[str, ...]
    tree: dict[str, Any]
    warnings: list[str]
    defined_services: tuple[str, ...] = ()
    interpolated: bool = True
    environment_files: tuple[str, ...] = ()


def interpolate_doc(
    ctx: LoadContext, doc: Any, file: str, env: dict[str, str] | None = None
) -> Any:
    if not ctx.stages.interpolate:
        return doc
    from pycompose.loader.interpolate import interpolate_tree

    lookup_env = ctx.environment if env is None else env
    return interpolate_tree(doc, lookup_env.get, warn=ctx.warn, file=file)


def load_file(
    ctx: LoadContext,
    path: str,
    merged: Any,
    working_dir: str,
    env: dict[str, str],
    included: tuple[str, ...],
) -> Any:
    """Read one compose file and merge each of its documents onto ``merged``."""
    from pycompose.loader.extends import apply_extends
    from pycompose.loader.include import apply_include
    from pycompose.loader.merge import enforce_unicity, merge_trees
    from pycompose.loader.validate import validate_schema

    name = "-" if path == STDIN else path
    for doc in ctx.read_docs(path):
        doc = interpolate_doc(ctx, doc, name, env)
        apply_extends(ctx, doc, name, working_dir, env)
        if "include" in doc:
            apply_include(ctx, doc, name, working_dir, env, (*included, path))
        # The first document goes through the merge too: it applies its own !reset tags.
        merged = merge_trees(merged, doc)
        merged = enforce_unicity(merged)
        validate_schema(merged, file=name)
    return merged


def load_tree(ctx: LoadContext) -> Any:
    """All compose files of the project, merged, validated and still in the user's syntax."""
    merged: Any = None
    for path in ctx.source.config_files:
        merged = load_file(
            ctx, path, merged, ctx.source.working_dir, ctx.environment, included=()
        )
    if merged is None:  # pragma: no cover - discover always finds at least one file
        raise ProjectError("no configuration file provided: not found")
    if "version" in merged:
        where = locate(merged, ("version",))
        ctx.warn(
            f"{where.file if where else 'compose file'}: the attribute `version` is obsolete, "
            "it will be ignored, please remove it to avoid potential confusion"
        )
        del merged["version"]
    return merged


def project_name(ctx: LoadContext) -> str:
    """-p, else COMPOSE_PROJECT_NAME, else the last file's ``name:``, else the directory."""
    from pycompose.loader.discover import normalize_project_name

    if ctx.source.name_override:
        return ctx.source.name_override
    declared: Any = None
    for path in ctx.source.config_files:
        for doc in ctx.read_docs(path, copy=False):
            if "name" in doc:
                value = interpolate_doc(ctx, {"name": doc["name"]}, path)["name"]
                if value:
                    declared = value
    if isinstance(declared, str) and declared:
        name = normalize_project_name(declared)
    else:
        name = normalize_project_name(os.path.basename(ctx.source.working_dir.rstrip("/")))
    if not name:
        raise ProjectError(
            "project name must not be empty: set one with -p, COMPOSE_PROJECT_NAME or `name:`"
        )
    return name


def load(
    options: ProjectOptions,
    stages: Stages | None = None,
    *,
    services: tuple[str, ...] = (),
) -> Loaded:
    """Load a project: discover, read, merge, validate and normalize.

    ``services`` names services the user asked for explicitly; they are enabled even when
    their profiles are not active, as in Compose.
    """
    from pycompose.loader.canonical import to_long_syntax
    from pycompose.loader.normalize import normalize, select_services

    source = discover(options)
    ctx = LoadContext(source=source, stages=stages or Stages(), stdin_reader=options.stdin_reader)
    ctx.warnings.extend(source.warnings)
    name = project_name(ctx)
    # Compose lets the files interpolate ${COMPOSE_PROJECT_NAME} to the project's final name.
    source.environment["COMPOSE_PROJECT_NAME"] = name
    tree = load_tree(ctx)
    tree["name"] = name
    ctx.source_tree = tree
    env = dict(ctx.environment)
    tree = to_long_syntax(tree, ctx.stages)
    tree = normalize(tree, ctx, name)
    tree = select_services(tree, ctx, source.profiles, services)
    return Loaded(
        name=name,
        working_dir=source.working_dir,
        config_files=source.config_files,
        env_files=source.env_files,
        environment=env,
        profiles=source.profiles,
        tree=tree,
        warnings=ctx.warnings,
        defined_services=ctx.defined_services,
        interpolated=ctx.stages.interpolate,
        environment_files=source.explicit_env_files,
    )
