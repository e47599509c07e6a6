"""``extends``: a service starts from another service (same file or another one), then overrides.

As in Compose, a file named by ``extends.file`` is relative to the file that says it, is
interpolated and has its own ``extends`` applied, and the relative paths of the service taken
from it are rebased onto that file's directory before the merge.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pycompose.errors import ComposeFileError
from pycompose.loader.paths import rebase_service_paths
from pycompose.loader.tree import PathT, clone, locate

if TYPE_CHECKING:
    from pycompose.loader.pipeline import LoadContext


def _target(spec: Any, file: str, path: tuple[str | int, ...], root: Any) -> tuple[str | None, str]:
    # `type(...) is str`: a YAML timestamp (a str subclass here) is no string to Compose
    if type(spec) is str:
        return None, spec
    if isinstance(spec, dict):
        service = spec.get("service")
        ext_file = spec.get("file")
        if type(service) is not str or not service:
            raise ComposeFileError(
                "extends.service is required and must be a string",
                path=(*path, "service"),
                mark=locate(root, path),
                file=file,
            )
        if ext_file is not None and type(ext_file) is not str:
            raise ComposeFileError(
                "must be a string", path=(*path, "file"), mark=locate(root, (*path, "file")),
                file=file,
            )
        return ext_file, service
    raise ComposeFileError(
        "must be a string or a mapping with `service` (and `file`)",
        path=path, mark=locate(root, path), file=file,
    )


def _resolve(
    ctx: LoadContext,
    doc: Any,
    file: str,
    name: str,
    env: dict[str, str],
    chain: tuple[tuple[str, str], ...],
) -> Any:
    """The service ``name`` of ``doc`` (from ``file``) with its own ``extends`` applied."""
    from pycompose.loader.pipeline import interpolate_doc

    services = doc.get("services")
    service = services.get(name) if isinstance(services, dict) else None
    if (file, name) in chain:
        cycle = " -> ".join(f"{s} ({f})" for f, s in (*chain, (file, name)))
        raise ComposeFileError(
            f"circular reference with extends: {cycle}",
            path=("services", name, "extends"),
            mark=locate(doc, ("services", name, "extends")),
            file=file,
        )
    if not isinstance(service, dict) or "extends" not in service:
        return service
    spec = service["extends"]
    path: tuple[str | int, ...] = ("services", name, "extends")
    ext_file, base_name = _target(spec, file, path, doc)
    if ext_file:
        base_path = os.path.normpath(
            os.path.join(os.path.dirname(file) if file != "-" else os.getcwd(), ext_file)
        )
        if not os.path.exists(base_path):
            raise ComposeFileError(
                f"cannot read extended file {base_path}: no such file or directory",
                path=(*path, "file"), mark=locate(doc, path), file=file,
            )
        base_doc = ctx.read_docs(base_path)[0]
        base_doc = interpolate_doc(ctx, base_doc, base_path, env)
        base_file = base_path
    else:
        base_doc, base_file = doc, file
    base_services = base_doc.get("services") if isinstance(base_doc, dict) else None
    if not isinstance(base_services, dict) or base_name not in base_services:
        where = f" in {base_file}" if ext_file else ""
        raise ComposeFileError(
            f'cannot extend service "{name}"{where}: service "{base_name}" not found',
            path=path, mark=locate(doc, path), file=file,
        )
    base = _resolve(ctx, base_doc, base_file, base_name, env, (*chain, (file, name)))
    base = clone(base)
    if not isinstance(base, dict):
        base = {}
    if ext_file and os.path.dirname(base_file) != os.path.dirname(file):
        rebase_service_paths(base, os.path.dirname(base_file))
    local = {k: v for k, v in service.items() if k != "extends"}
    try:
        return extend_service(base, local)
    except ComposeFileError as error:
        # The merge saw the service under a stand-in name and without its file.
        error_path: PathT = ("services", name, *error.path[2:])
        raise ComposeFileError(error.detail, path=error_path, mark=locate(doc, error_path),
                               file=file) from None


def extend_service(base: Any, local: Any) -> Any:
    """``local`` merged onto ``base`` with the same rules as a second compose file."""
    from pycompose.loader.merge import merge_trees

    merged = merge_trees({"services": {"_": base}}, {"services": {"_": local}})
    return merged["services"]["_"]


def apply_extends(
    ctx: LoadContext, doc: Any, file: str, working_dir: str, env: dict[str, str]
) -> None:
    """Replace, in place, every service of ``doc`` that uses ``extends`` by its merged form."""
    del working_dir  # relative files are relative to the extending file, not the project
    services = doc.get("services") if isinstance(doc, dict) else None
    if not isinstance(services, dict):
        return
    resolved: dict[str, Any] = {}
    for name, service in services.items():
        if isinstance(service, dict) and "extends" in service:
            resolved[name] = _resolve(ctx, doc, file, name, env, ())
    for name, service in resolved.items():
        services[name] = service
