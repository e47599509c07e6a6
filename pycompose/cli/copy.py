"""``cp``: files between the local filesystem and a container, with ``docker cp``'s path rules.

Copying to an existing directory puts the source inside it under its own name; to anything
else, the copy takes the destination's name in the destination's parent (which must exist);
a destination ending in ``/`` must be an existing directory when the source is a file; a
directory cannot replace a file. ``-`` is a tar archive on stdin or stdout.
"""

from __future__ import annotations

import io
import os
import posixpath
import sys
import tarfile
from typing import TYPE_CHECKING, Any

from pycompose.engine import streams
from pycompose.engine.client import NotFound
from pycompose.errors import PycomposeError

if TYPE_CHECKING:
    from pycompose.engine.client import Engine


class _StreamFile(io.RawIOBase):
    """A :class:`~pycompose.engine.streams.Stream` read as a file (for ``tarfile``)."""

    def __init__(self, stream: streams.Stream) -> None:
        self.stream = stream
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self.pending:
            self.pending = self.stream.read()
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


def _asserts_directory(path: str) -> bool:
    return path.endswith(("/", "/."))


def _rename_top(member: tarfile.TarInfo, old: str, new: str) -> tarfile.TarInfo:
    """Entries under ``old`` (the archive's top name) moved under ``new``."""
    name = member.name.lstrip("/")
    if name == old or name.startswith(old + "/"):
        member.name = new + name[len(old):]
    if member.islnk() and (member.linkname == old or member.linkname.startswith(old + "/")):
        member.linkname = new + member.linkname[len(old):]
    return member


# -- to a container ------------------------------------------------------------------------


def to_container(engine: Engine, container: str, source: str, destination: str, *,
                 archive: bool, follow_link: bool) -> None:
    try:
        stat: streams.PathStat | None = streams.stat_path(engine, container, destination)
    except NotFound:
        stat = None
    if stat is not None and stat.is_symlink and stat.link_target:
        target = stat.link_target
        if not posixpath.isabs(target):
            target = posixpath.join(posixpath.dirname(destination.rstrip("/")), target)
        destination = target
        try:
            stat = streams.stat_path(engine, container, destination)
        except NotFound:
            stat = None
    if source == "-":
        if stat is None or not stat.is_dir:
            raise PycomposeError(f'destination "{container}:{destination}" must be a '
                                 "directory")
        data = sys.stdin.buffer.read()
        streams.put_archive(engine, container, destination, data, copy_uid_gid=archive)
        return
    local = os.path.realpath(source) if follow_link else source
    if not os.path.lexists(local):
        raise PycomposeError(f"lstat {os.path.abspath(source)}: no such file or directory")
    src_is_dir = os.path.isdir(local) and not os.path.islink(local)
    contents_only = source.endswith(("/.", os.sep + "."))
    base = os.path.basename(os.path.normpath(source))
    if stat is not None and stat.is_dir:
        target_dir, name = destination, base
    elif stat is not None and src_is_dir:
        raise PycomposeError("cannot copy a directory to a file")
    elif stat is None and not src_is_dir and _asserts_directory(destination):
        raise PycomposeError("no such directory")
    else:
        target_dir = posixpath.dirname(destination.rstrip("/")) or "/"
        name = posixpath.basename(destination.rstrip("/"))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        if contents_only and src_is_dir and stat is not None and stat.is_dir:
            for entry in sorted(os.listdir(local)):
                tar.add(os.path.join(local, entry), arcname=entry)
        else:
            tar.add(local, arcname=name)
    streams.put_archive(engine, container, target_dir, buffer.getvalue(),
                        copy_uid_gid=archive)


# -- from a container ----------------------------------------------------------------------


def from_container(engine: Engine, container: str, source: str, destination: str, *,
                   archive: bool, follow_link: bool) -> None:
    if follow_link:
        stat = streams.stat_path(engine, container, source)
        if stat.is_symlink and stat.link_target:
            target = stat.link_target
            if not posixpath.isabs(target):
                target = posixpath.join(posixpath.dirname(source.rstrip("/")), target)
            source = target
    stream, stat = streams.get_archive(engine, container, source)
    with stream:
        if destination == "-":
            out = sys.stdout.buffer
            for data in stream.chunks():
                out.write(data)
            out.flush()
            return
        _extract(stream, stat, source, destination, archive)


def _extract(stream: streams.Stream, stat: streams.PathStat, source: str, destination: str,
             archive: bool) -> None:
    exists = os.path.exists(destination)
    is_dir = os.path.isdir(destination)
    src_base = stat.name or posixpath.basename(source.rstrip("/"))
    if exists and is_dir:
        target_dir, new_base = destination, src_base
    elif exists and stat.is_dir:
        raise PycomposeError("cannot copy a directory to a file")
    elif not exists and not stat.is_dir and _asserts_directory(destination):
        raise PycomposeError("no such directory")
    else:
        target_dir = os.path.dirname(os.path.normpath(destination)) or "."
        new_base = os.path.basename(os.path.normpath(destination))
        if not os.path.isdir(target_dir):
            raise PycomposeError(f"lstat {os.path.abspath(target_dir)}: no such file or "
                                 "directory")
    uid, gid = os.getuid(), os.getgid()

    def member_filter(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
        checked = tarfile.tar_filter(member, path)
        if checked is None:
            return None
        if new_base != src_base:
            checked = _rename_top(checked, src_base, new_base)
        if not archive:
            # Without -a the files belong to whoever copies them, as with docker cp.
            checked = checked.replace(uid=uid, gid=gid, uname="", gname="", deep=False)
        return checked

    with tarfile.open(fileobj=io.BufferedReader(_StreamFile(stream)), mode="r|") as tar:
        tar.extractall(target_dir, filter=member_filter, numeric_owner=archive)
