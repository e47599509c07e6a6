"""Top-level ``include``: other compose projects loaded on their own and imported.

Each entry is loaded with its own project directory (the directory of its first file unless
``project_directory`` says otherwise) and its own env files (``.env`` there by default), with
relative paths resolved there; its services, networks, volumes, secrets and configs are then
added to the including file. A resource defined differently on both sides is an error.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pycompose.errors import ComposeFileError, ProjectError
from pycompose.loader.tree import locate

if TYPE_CHECKING:
    from pycompose.loader.pipeline import LoadContext

_KINDS = ("services", "networks", "volumes", "secrets", "configs", "models")


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def apply_include(
    ctx: LoadContext,
    doc: Any,
    file: str,
    working_dir: str,
    env: dict[str, str],
    included: tuple[str, ...],
) -> None:
    """Load each ``include`` entry of ``doc`` and import its resources into ``doc`` (in place)."""
    from pycompose.loader.canonical import to_long_syntax
    from pycompose.loader.dotenv import read_dotenv
    from pycompose.loader.paths import absolute, resolve_paths
    from pycompose.loader.pipeline import Stages, load_file

    entries = doc.pop("include")
    if entries is None:
        return
    if not isinstance(entries, list):
        raise ComposeFileError("include must be a list", path=("include",), mark=locate(doc, ()),
                               file=file)
    for index, entry in enumerate(entries):
        where: tuple[str | int, ...] = ("include", index)
        spec = {"path": entry} if isinstance(entry, str) else entry
        if not isinstance(spec, dict):
            raise ComposeFileError("must be a string or a mapping", path=where, file=file)
        mark = locate(entries, (index,))
        paths = [absolute(p, working_dir) for p in _strings(spec, "path", where, file)]
        if not paths:
            raise ComposeFileError("include requires a path", path=where, mark=mark, file=file)
        for path in paths:
            if not os.path.exists(path):
                raise ComposeFileError(f"open {path}: no such file or directory", path=where,
                                       mark=mark, file=file)
        if paths[0] in included:
            chain = " -> ".join((*included, paths[0]))
            raise ComposeFileError(f"include cycle detected: {chain}", path=where, mark=mark,
                                   file=file)
        project_dirs = _strings(spec, "project_directory", where, file, many=False)
        project_dir = (
            absolute(project_dirs[0], working_dir) if project_dirs and project_dirs[0]
            else os.path.dirname(paths[0])
        )
        env_files = [absolute(f, working_dir) for f in _strings(spec, "env_file", where, file)]
        if not env_files:
            default = os.path.join(project_dir, ".env")
            env_files = [default] if os.path.isfile(default) else []
        sub_env = dict(env)
        from_files: dict[str, str] = {}
        for env_file in env_files:
            if env_file == "/dev/null":
                continue
            if not os.path.isfile(env_file):
                raise ProjectError(f"couldn't find env file: {env_file}")
            from_files.update(read_dotenv(env_file, _lookup(env, dict(from_files))))
        for key, value in from_files.items():
            sub_env.setdefault(key, value)
        imported: Any = None
        for path in paths:
            # load_file adds `path` to the chain itself before it reads nested includes.
            imported = load_file(ctx, path, imported, project_dir, sub_env, included)
        imported.pop("name", None)
        imported = to_long_syntax(imported, Stages())
        if ctx.stages.resolve_paths:
            resolve_paths(imported, project_dir)
        _import_resources(imported, doc, paths[0], file)


def _strings(
    spec: dict[str, Any], key: str, where: tuple[str | int, ...], file: str, *, many: bool = True
) -> list[str]:
    """``spec[key]`` as a list of strings (one string, or a list when ``many``), else an error."""
    value = spec.get(key)
    items = _as_list(value) if many else ([] if value is None else [value])
    if all(type(item) is str for item in items):  # a YAML timestamp is no string to Compose
        return items
    expected = "a string or a list of strings" if many else "a string"
    raise ComposeFileError(f"must be {expected}", path=(*where, key),
                           mark=locate(spec, (key,)), file=file)


def _lookup(env: dict[str, str], earlier: dict[str, str]) -> Callable[[str], str | None]:
    """Variables for an include's env file: the including environment, then earlier files."""
    return lambda key: env.get(key, earlier.get(key))


def _import_resources(source: dict[str, Any], target: dict[str, Any], src: str, file: str) -> None:
    for kind in _KINDS:
        items = source.get(kind)
        if not isinstance(items, dict):
            continue
        dest = target.get(kind)
        if dest is None:
            dest = target[kind] = {}
        elif not isinstance(dest, dict):
            raise ComposeFileError("must be a mapping", path=(kind,),
                                   mark=locate(target, (kind,)), file=file)
        for name, value in items.items():
            if name in dest and dest[name] != value:
                raise ComposeFileError(
                    f"imported compose file {src} defines conflicting {kind[:-1]} {name}",
                    path=(kind, name), mark=locate(target, (kind, name)), file=file,
                )
            dest[name] = value
