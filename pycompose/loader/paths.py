"""Relative paths made absolute, as Compose does with ``--no-path-resolution`` left off.

:func:`resolve_paths` works on the long syntax (after :mod:`canonical`);
:func:`rebase_service_paths` works on a service as written (short or long syntax), for
services taken in by ``extends`` from a file in another directory.
"""

from __future__ import annotations

import os
import re
from typing import Any

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)


def is_remote(context: str) -> bool:
    """A build context the engine fetches itself (a URL or a git remote)."""
    return bool(_REMOTE.match(context))


def expand_user(path: str) -> str:
    if path == "~" or path.startswith("~/"):
        return os.path.expanduser("~") + path[1:]
    return path


def absolute(path: str, base: str) -> str:
    path = expand_user(path)
    if os.path.isabs(path):
        return os.path.normpath(path)
    return os.path.normpath(os.path.join(base, path))


def _context(value: str, base: str) -> str:
    return value if is_remote(value) else absolute(value, base)


def _rebase_short_volume(spec: str, base: str) -> str:
    source, sep, rest = spec.partition(":")
    if sep and (source.startswith(".") ):
        return absolute(source, base) + ":" + rest
    return spec


def rebase_service_paths(service: dict[str, Any], base: str) -> None:
    """Make the relative paths of a service (short or long syntax) absolute against ``base``."""
    build = service.get("build")
    if isinstance(build, str):
        service["build"] = _context(build, base)
    elif isinstance(build, dict):
        if isinstance(build.get("context"), str):
            build["context"] = _context(build["context"], base)
        elif "context" not in build:
            build["context"] = base
        extra = build.get("additional_contexts")
        if isinstance(extra, dict):
            for key, value in list(extra.items()):
                if isinstance(value, str) and value.startswith("."):
                    extra[key] = absolute(value, base)
    env_file = service.get("env_file")
    if isinstance(env_file, str):
        service["env_file"] = absolute(env_file, base)
    elif isinstance(env_file, list):
        for i, item in enumerate(env_file):
            if isinstance(item, str):
                env_file[i] = absolute(item, base)
            elif isinstance(item, dict) and isinstance(item.get("path"), str):
                item["path"] = absolute(item["path"], base)
    label_file = service.get("label_file")
    if isinstance(label_file, str):
        service["label_file"] = absolute(label_file, base)
    elif isinstance(label_file, list):
        service["label_file"] = [absolute(f, base) if isinstance(f, str) else f for f in label_file]
    volumes = service.get("volumes")
    if isinstance(volumes, list):
        for i, vol in enumerate(volumes):
            if isinstance(vol, str):
                volumes[i] = _rebase_short_volume(vol, base)
            elif isinstance(vol, dict) and vol.get("type") == "bind":
                src = vol.get("source")
                if isinstance(src, str) and not src.startswith("~"):
                    vol["source"] = absolute(src, base)
    develop = service.get("develop")
    if isinstance(develop, dict) and isinstance(develop.get("watch"), list):
        for rule in develop["watch"]:
            if isinstance(rule, dict) and isinstance(rule.get("path"), str):
                rule["path"] = absolute(rule["path"], base)


def resolve_paths(tree: dict[str, Any], working_dir: str) -> None:
    """Make every relative path of a long-syntax project tree absolute, in place."""
    for service in (tree.get("services") or {}).values():
        if not isinstance(service, dict):
            continue
        build = service.get("build")
        if isinstance(build, dict):
            if isinstance(build.get("context"), str):
                build["context"] = _context(build["context"], working_dir)
            extra = build.get("additional_contexts")
            if isinstance(extra, dict):
                for key, value in list(extra.items()):
                    if isinstance(value, str) and not is_remote(value) and ":" not in value:
                        extra[key] = absolute(value, working_dir)
        for item in service.get("env_file") or []:
            if isinstance(item, dict) and isinstance(item.get("path"), str):
                item["path"] = absolute(item["path"], working_dir)
        if isinstance(service.get("label_file"), list):
            service["label_file"] = [
                absolute(f, working_dir) if isinstance(f, str) else f
                for f in service["label_file"]
            ]
        for vol in service.get("volumes") or []:
            if isinstance(vol, dict) and vol.get("type") == "bind":
                src = vol.get("source")
                if isinstance(src, str) and src:
                    vol["source"] = absolute(src, working_dir)
        develop = service.get("develop")
        if isinstance(develop, dict):
            for rule in develop.get("watch") or []:
                if isinstance(rule, dict) and isinstance(rule.get("path"), str):
                    rule["path"] = absolute(rule["path"], working_dir)
    for kind in ("secrets", "configs"):
        for item in (tree.get(kind) or {}).values():
            if isinstance(item, dict) and isinstance(item.get("file"), str):
                item["file"] = absolute(item["file"], working_dir)
    for volume in (tree.get("volumes") or {}).values():
        if not isinstance(volume, dict):
            continue
        opts = volume.get("driver_opts")
        driver = volume.get("driver")
        if (
            isinstance(opts, dict)
            and driver in (None, "local")
            and "bind" in str(opts.get("o", "")).split(",")
            and isinstance(opts.get("device"), str)
        ):
            opts["device"] = absolute(opts["device"], working_dir)
