"""Plain YAML trees that remember where each node came from.

The loader works on plain ``dict``/``list`` trees so that every stage is a simple function.
:class:`YMap` and :class:`YSeq` are ``dict``/``list`` subclasses that additionally carry the
source :class:`~pycompose.errors.Mark` of themselves, their keys and their items, so that an error
found in any later stage can still point at a file, line and column. Stages that build new
containers should use :func:`ymap`/:func:`yseq` and copy marks with :func:`copy_marks` where they
can; a missing mark only makes an error message less precise, never wrong.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pycompose.errors import ComposeFileError, Mark

PathT = tuple[str | int, ...]


class YMap(dict[str, Any]):
    """A mapping with marks. ``key_marks[k]``: where key ``k`` is; ``value_marks[k]``: its value.

    ``resets``/``overrides`` hold the keys whose value was tagged ``!reset``/``!override``.
    """

    mark: Mark | None
    key_marks: dict[str, Mark]
    value_marks: dict[str, Mark]
    resets: set[str]
    overrides: set[str]

    def __init__(self, *args: Any, mark: Mark | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark = mark
        self.key_marks = {}
        self.value_marks = {}
        self.resets = set()
        self.overrides = set()


class YSeq(list[Any]):
    """A sequence with marks: ``item_marks[i]`` is where item ``i`` is (when known)."""

    mark: Mark | None
    item_marks: list[Mark | None]

    def __init__(self, items: Iterable[Any] = (), *, mark: Mark | None = None) -> None:
        super().__init__(items)
        self.mark = mark
        self.item_marks = []

    def mark_at(self, index: int) -> Mark | None:
        if 0 <= index < len(self.item_marks):
            return self.item_marks[index]
        return self.mark


def mark_of_value(container: Any, key: str | int) -> Mark | None:
    """Where the value at ``container[key]`` is, or the container itself when unknown."""
    if isinstance(container, YMap) and isinstance(key, str):
        return container.value_marks.get(key) or container.key_marks.get(key) or container.mark
    if isinstance(container, YSeq) and isinstance(key, int):
        return container.mark_at(key)
    return getattr(container, "mark", None)


def mark_of_key(container: Any, key: str) -> Mark | None:
    """Where key ``key`` of a mapping is written."""
    if isinstance(container, YMap):
        return container.key_marks.get(key) or container.mark
    return getattr(container, "mark", None)


def locate(root: Any, path: PathT) -> Mark | None:
    """The most precise known mark for ``path`` below ``root``.

    Walks as deep as the path exists and returns the deepest mark found.
    """
    best: Mark | None = getattr(root, "mark", None)
    node = root
    for part in path:
        in_map = isinstance(node, dict) and isinstance(part, str) and part in node
        in_seq = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_map or in_seq):
            break
        best = mark_of_value(node, part) or best
        node = node[part]
    return best


def error_at(root: Any, path: PathT, message: str, *, file: str | None = None) -> ComposeFileError:
    """A :class:`ComposeFileError` for ``path`` below ``root``, located via :func:`locate`."""
    return ComposeFileError(message, file=file, path=path, mark=locate(root, path))


def ymap(items: Iterable[tuple[str, Any]] = (), *, like: Any = None) -> YMap:
    """A new :class:`YMap`; with ``like``, it takes that node's own mark."""
    out = YMap(items, mark=getattr(like, "mark", None))
    return out


def yseq(items: Iterable[Any] = (), *, like: Any = None) -> YSeq:
    return YSeq(items, mark=getattr(like, "mark", None))


def copy_marks(dst: YMap, src: Any, key: str, new_key: str | None = None) -> None:
    """Copy the key and value marks of ``src[key]`` onto ``dst[new_key or key]``."""
    if not isinstance(src, YMap):
        return
    target = key if new_key is None else new_key
    if key in src.key_marks:
        dst.key_marks[target] = src.key_marks[key]
    if key in src.value_marks:
        dst.value_marks[target] = src.value_marks[key]


def set_item(dst: YMap, key: str, value: Any, *, mark: Mark | None = None) -> None:
    """``dst[key] = value`` recording ``mark`` (if any) as the value's mark."""
    dst[key] = value
    if mark is not None:
        dst.value_marks[key] = mark
        dst.key_marks.setdefault(key, mark)


def append_item(dst: YSeq, value: Any, mark: Mark | None) -> None:
    while len(dst.item_marks) < len(dst):
        dst.item_marks.append(None)
    dst.append(value)
    dst.item_marks.append(mark)


def clone(node: Any) -> Any:
    """A deep copy of a marked tree; marks are immutable and shared. Much faster than
    ``copy.deepcopy`` on large files."""
    if isinstance(node, YMap):
        out = YMap({k: clone(v) for k, v in node.items()}, mark=node.mark)
        out.key_marks = dict(node.key_marks)
        out.value_marks = dict(node.value_marks)
        out.resets = set(node.resets)
        out.overrides = set(node.overrides)
        return out
    if isinstance(node, YSeq):
        seq = YSeq((clone(v) for v in node), mark=node.mark)
        seq.item_marks = list(node.item_marks)
        return seq
    if isinstance(node, dict):
        return {k: clone(v) for k, v in node.items()}
    if isinstance(node, list):
        return [clone(v) for v in node]
    return node


def plain(node: Any) -> Any:
    """A deep copy of ``node`` made of builtin ``dict``/``list`` only (for output and hashing)."""
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node
