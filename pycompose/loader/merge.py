"""Merge compose files onto each other exactly as Docker Compose v2.40.3 does.

Docker Compose v2.40.3 loads with compose-go v2.9.1. For every file it: takes the keys tagged
``!reset``/``!override`` out of the file and deletes the same paths from the files merged so far;
merges the file on (``mergeSpecials`` in compose-go's ``override/merge.go``); removes repeated
entries from sequences (``override/uncity.go``). :func:`merge_trees` and :func:`enforce_unicity`
are those two steps; :func:`merge_files` chains them over a list of files.

The merge rules live in :class:`PathTable` rows keyed by YAML path patterns (``*`` stands for any
one key). When no row matches: mappings merge key by key, sequences are concatenated, and anything
else is replaced by the later file's value. A ``null`` in the later file leaves the earlier value.

Compose merges each file onto a tree that is already in long syntax. This module gets trees in
the syntax the user wrote, so it reproduces the cases where that matters: sequences are
de-duplicated by keys that short and long forms share (``"8080:80"`` and
``{target: 80, published: "8080"}`` are the same port), and some rules first bring an earlier
file's value into the long form Compose would have made of it (``_MAPPING_FORM``, the
``canonical`` of a ``_Rule``).

Inputs are never modified. The result may share unchanged subtrees with its inputs. Every value
keeps the marks of the file it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from pycompose.errors import ComposeFileError, Mark
from pycompose.loader.tree import PathT, YMap, YSeq, locate
from pycompose.loader.units import Timestamp, go_float

__all__ = ["PathTable", "enforce_unicity", "merge_files", "merge_trees"]

T = TypeVar("T")


# --- path patterns ------------------------------------------------------------------------------


class _Node(Generic[T]):
    __slots__ = ("children", "star", "value")

    def __init__(self) -> None:
        self.children: dict[str, _Node[T]] = {}
        self.star: _Node[T] | None = None
        self.value: T | None = None


States = tuple[_Node[Any], ...]


class PathTable(Generic[T]):
    """Rows keyed by dotted YAML path patterns; ``*`` matches any one mapping key.

    A walk starts at :attr:`start`, moves one key down with :func:`step` and reads the row of the
    path walked so far with :func:`row`. An empty state means no row lies below, so the walk can
    stop. Keys are whole parts: a service named ``a.b`` is one key, as in compose-go.
    """

    def __init__(self, rows: Mapping[str, T]) -> None:
        root: _Node[T] = _Node()
        for pattern, value in rows.items():
            node = root
            for part in pattern.split("."):
                if part == "*":
                    if node.star is None:
                        node.star = _Node()
                    node = node.star
                else:
                    node = node.children.setdefault(part, _Node())
            node.value = value
        self.start: States = (root,)

    def lookup(self, path: Iterable[str]) -> T | None:
        """The row for a concrete ``path``, if one matches."""
        states = self.start
        for key in path:
            states = step(states, key)
        found: T | None = row(states)
        return found


def step(states: States, key: str) -> States:
    """The state of a :class:`PathTable` walk one key further down."""
    if len(states) == 1:
        node = states[0]
        child = node.children.get(key)
        if node.star is None:
            return () if child is None else (child,)
        return (node.star,) if child is None else (child, node.star)
    out: list[_Node[Any]] = []
    for node in states:
        child = node.children.get(key)
        if child is not None:
            out.append(child)
        if node.star is not None:
            out.append(node.star)
    return tuple(out)


def row(states: States) -> Any:
    """The row of the path walked so far, or ``None``."""
    for node in states:
        if node.value is not None:
            return node.value
    return None


# --- Go's formatting, which decides how mapping entries become "key=value" strings ---------------


def _go_type(value: Any) -> str:
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, Timestamp):
        return "time.Time"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return "[]interface {}"


def _go_v(value: Any) -> str:
    """``fmt.Sprintf("%v", value)`` for YAML values."""
    if isinstance(value, str):
        return value.go_string() if isinstance(value, Timestamp) else value
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{_go_v(value[k])}" for k in sorted(value)) + "]"
    return "[" + " ".join(_go_v(item) for item in value) + "]"


def _go_verb(value: Any, verb: str) -> str:
    """``%s``/``%d`` of a value of the wrong type renders ``%!s(int=80)``: equal only to itself."""
    if verb == "s" and isinstance(value, str):
        return value.go_string() if isinstance(value, Timestamp) else value
    if verb == "d" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None:
        return f"%!{verb}(<nil>)"
    if isinstance(value, dict):
        inner = " ".join(f"{k}:{_go_verb(value[k], verb)}" for k in sorted(value))
        return f"map[{inner}]"
    if isinstance(value, list):
        return "[" + " ".join(_go_verb(item, verb) for item in value) + "]"
    return f"%!{verb}({_go_type(value)}={_go_v(value)})"


def _go_eq(a: Any, b: Any) -> bool:
    """Go's ``==`` on two ``interface{}`` values: same dynamic type and equal."""
    return type(a) is type(b) and a == b


# --- marked containers -------------------------------------------------------------------------


def _copy_map(src: Mapping[str, Any]) -> YMap:
    out = YMap(src, mark=getattr(src, "mark", None))
    if isinstance(src, YMap):
        out.key_marks = dict(src.key_marks)
        out.value_marks = dict(src.value_marks)
    return out


def _delete(dst: YMap, key: str) -> None:
    del dst[key]
    dst.key_marks.pop(key, None)
    dst.value_marks.pop(key, None)


def _item_marks(seq: list[Any]) -> list[Mark | None]:
    if not isinstance(seq, YSeq):
        return [None] * len(seq)
    marks = seq.item_marks[: len(seq)]
    if len(marks) < len(seq):
        marks.extend([seq.mark] * (len(seq) - len(marks)))
    return marks


def _seq(items: list[Any], marks: list[Mark | None], mark: Mark | None) -> YSeq:
    out = YSeq(items, mark=mark)
    out.item_marks = marks
    return out


def _entry_mark(mapping: Any, key: str) -> Mark | None:
    if isinstance(mapping, YMap):
        return mapping.key_marks.get(key) or mapping.mark
    return None


# --- errors ------------------------------------------------------------------------------------

# A path while walking down: None at the root, else (parent's link, key). Cheaper than growing
# tuples, and only turned into a path when an error needs one.
Link = Any


def _path(link: Link) -> PathT:
    parts: list[str | int] = []
    while link is not None:
        link, part = link
        parts.append(part)
    parts.reverse()
    return tuple(parts)


class _MergeError(Exception):
    def __init__(self, link: Link, message: str) -> None:
        super().__init__(message)
        self.path = _path(link)
        self.message = message


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a sequence"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "a string"


def _conflict(link: Link, base: Any, over: Any) -> _MergeError:
    return _MergeError(
        link,
        f"cannot override: the files before this one define {_kind(base)} here, "
        f"this file {_kind(over)}",
    )


# --- short forms compose-go has already made long when the next file is merged -------------------


def _to_context(value: Any) -> Any:
    if isinstance(value, str):
        out = YMap(mark=None)
        out["context"] = value
        return out
    return value


def _to_service(value: Any) -> Any:
    if isinstance(value, str):
        out = YMap(mark=None)
        out["service"] = value
        return out
    return value


def _names_to_mapping(value: Any, default: Callable[[], Any]) -> Any:
    """``[a, b]`` -> ``{a: default(), b: default()}``; mappings and anything else unchanged."""
    if not isinstance(value, list):
        return value
    for item in value:
        if item.__class__ is not str:
            return value
    out = YMap(mark=getattr(value, "mark", None))
    for item in value:
        out[item] = default()
    if isinstance(value, YSeq):
        for item, mark in zip(value, value.item_marks, strict=False):
            if mark is not None:
                out.key_marks[item] = mark
                out.value_marks[item] = mark
    return out


def _depends_on_default() -> YMap:
    return YMap({"condition": "service_started", "required": True})


def _to_depends_on_mapping(value: Any) -> Any:
    return _names_to_mapping(value, _depends_on_default)


def _to_null_mapping(value: Any) -> Any:
    return _names_to_mapping(value, lambda: None)


def _key_values_to_mapping(value: Any, allow_bare: Callable[[str], bool]) -> Any:
    """``["a=1", "b"]`` -> ``{a: "1", b: null}``; unchanged if an entry does not fit."""
    if not isinstance(value, list):
        return value
    out = YMap(mark=getattr(value, "mark", None))
    for item, mark in zip(value, _item_marks(value), strict=True):
        if not isinstance(item, str):
            return value
        key, sep, text = item.partition("=")
        if not sep and not allow_bare(key):
            return value
        out[key] = text if sep else None
        if mark is not None:
            out.key_marks[key] = mark
            out.value_marks[key] = mark
    return out


def _to_ssh_mapping(value: Any) -> Any:
    # compose-go's transformSSH: only the bare key "default" may go without "=path".
    return _key_values_to_mapping(value, lambda key: key == "default")


def _to_contexts_mapping(value: Any) -> Any:
    return _key_values_to_mapping(value, lambda key: True)


def _to_gpus_sequence(value: Any) -> Any:
    if isinstance(value, str):
        return YSeq([YMap({"count": "all"})])
    return value


# Long forms that are mappings, so that `!reset` can delete one of their keys
# (`depends_on: {db: !reset}` removes db from an earlier `depends_on: [db, cache]`).
_MAPPING_FORM: PathTable[Callable[[Any], Any]] = PathTable(
    {
        "services.*.build": _to_context,
        "services.*.build.additional_contexts": _to_contexts_mapping,
        "services.*.build.ssh": _to_ssh_mapping,
        "services.*.depends_on": _to_depends_on_mapping,
        "services.*.extends": _to_service,
        "services.*.networks": _to_null_mapping,
    }
)


# --- the mergers --------------------------------------------------------------------------------


_ABSENT: Any = object()
_SCALARS = frozenset({str, int, float, bool})


class _Rule(NamedTuple):
    merger: Callable[[Any, Any, Link, States], Any] | None = None
    canonical: Callable[[Any], Any] | None = None


def _merge(base: Any, over: Any, link: Link, states: States) -> Any:
    if states:
        rule: _Rule | None = row(states)
        if rule is not None:
            if rule.canonical is not None and base is not None and over is not None:
                base = rule.canonical(base)
            if rule.merger is not None:
                return rule.merger(base, over, link, states)
    if over is None:
        return base
    if isinstance(base, dict):
        if not isinstance(over, dict):
            raise _conflict(link, base, over)
        return _merge_mappings(base, over, link, states)
    if isinstance(base, list):
        if not isinstance(over, list):
            raise _conflict(link, base, over)
        return _concat(base, over)
    return over


def _merge_mappings(base: Mapping[str, Any], over: Mapping[str, Any], link: Link,
                    states: States, *, owned: bool = False) -> YMap:
    """``over`` merged onto ``base``; ``owned``: ``base`` is a YMap made here, free to change."""
    out = base if owned and isinstance(base, YMap) else _copy_map(base)
    key_marks = getattr(over, "key_marks", None)
    value_marks = getattr(over, "value_marks", None)
    for key, value in over.items():
        current = out.get(key, _ABSENT)
        if current is not _ABSENT:
            below = step(states, key) if states else ()
            # Scalar onto scalar without a rule is the common case: the later value wins.
            if below or value is None or value.__class__ not in _SCALARS \
                    or current.__class__ not in _SCALARS:
                merged = _merge(current, value, (link, key), below)
                if merged is current:
                    continue
                if merged is not value:
                    out[key] = merged
                    continue
        out[key] = value
        if key_marks is not None:
            mark = key_marks.get(key)
            if mark is not None:
                out.key_marks[key] = mark
        if value_marks is not None:
            mark = value_marks.get(key)
            if mark is not None:
                out.value_marks[key] = mark
    return out


def _concat(base: list[Any], over: list[Any]) -> YSeq:
    return _seq(
        [*base, *over],
        _item_marks(base) + _item_marks(over),
        getattr(base, "mark", None) or getattr(over, "mark", None),
    )


def _replace(base: Any, over: Any, link: Link, states: States) -> Any:
    return over


def _entries(value: Any) -> tuple[list[Any], list[Mark | None]]:
    """compose-go's convertIntoSequence: a mapping becomes sorted ``key=value`` strings."""
    if isinstance(value, dict):
        pairs: list[tuple[str, Mark | None]] = []
        for key, item in value.items():
            mark = _entry_mark(value, key)
            if item is None:
                pairs.append((key, mark))
            elif isinstance(item, list):
                pairs.extend((f"{key}={_go_v(element)}", mark) for element in item)
            else:
                pairs.append((f"{key}={_go_v(item)}", mark))
        pairs.sort(key=lambda pair: pair[0])
        return [text for text, _ in pairs], [mark for _, mark in pairs]
    if isinstance(value, list):
        return list(value), _item_marks(value)
    if isinstance(value, str):
        return [value], [None]
    return [], []


def _to_sequence(base: Any, over: Any, link: Link, states: States) -> YSeq:
    items, marks = _entries(base)
    more, more_marks = _entries(over)
    return _seq(items + more, marks + more_marks,
                getattr(base, "mark", None) or getattr(over, "mark", None))


def _extra_hosts(base: Any, over: Any, link: Link, states: States) -> YSeq:
    # Only entries written exactly as in the earlier files are dropped ("a:1.2.3.4" and
    # "a=1.2.3.4" both stay): compose-go compares the strings.
    items, marks = _entries(base)
    earlier = list(items)
    more, more_marks = _entries(over)
    for item, mark in zip(more, more_marks, strict=True):
        if not any(_go_eq(item, known) for known in earlier):
            items.append(item)
            marks.append(mark)
    return _seq(items, marks, getattr(base, "mark", None) or getattr(over, "mark", None))


def _mapping_merger(convert: Callable[[Any], Any]) -> Callable[[Any, Any, Link, States], Any]:
    def merge(base: Any, over: Any, link: Link, states: States) -> Any:
        if isinstance(base, list) and isinstance(over, list):
            # Two short forms: the names of both, in order, each with the short form's default.
            return convert(_concat(base, over))
        left = convert(base)
        right = convert(over)
        if not isinstance(right, dict):
            return left if isinstance(left, dict) else over
        if not isinstance(left, dict):
            return right
        return _merge_mappings(left, right, link, states, owned=left is not base)

    return merge


def _logging(base: Any, over: Any, link: Link, states: States) -> Any:
    # A different driver makes the earlier options meaningless, so the later block wins whole.
    # (Compose crashes on `logging: null` in a later file; here the earlier block stays.)
    if not isinstance(over, dict):
        return base if over is None else over
    if not isinstance(base, dict):
        return over
    if "driver" in over and "driver" in base and not _go_eq(over["driver"], base["driver"]):
        return over
    return _merge_mappings(base, over, link, states)


def _ipam_config(base: Any, over: Any, link: Link, states: States) -> YSeq:
    """compose-go's mergeIPAMConfig, including its quirks, verified against the oracle.

    Each earlier pool is matched against every later pool: a later pool with a new subnet is
    added, one with a known subnet is merged into the earlier pool *in place*, so an earlier pool
    can take another subnet and the earlier pools without a match are dropped.
    """
    if not isinstance(base, list) or not isinstance(over, list):
        raise _MergeError(link, f"unexpected type {_go_type(base)}")
    pools: list[YMap] = []

    def subnet(pool: Any) -> Any:
        return pool.get("subnet") if isinstance(pool, dict) else None

    def index_of(value: Any) -> int:
        for i, pool in enumerate(pools):
            if _go_eq(pool.get("subnet"), value):
                return i
        return -1

    for original in base:
        earlier = _copy_map(original if isinstance(original, dict) else {})
        for later in over:
            later_map = later if isinstance(later, dict) else YMap()
            if not _go_eq(subnet(later_map), subnet(earlier)) and index_of(subnet(later_map)) < 0:
                pools.append(later_map if isinstance(later_map, YMap) else _copy_map(later_map))
                continue
            merged = _merge_mappings(earlier, later_map, link, ())
            earlier.clear()
            earlier.update(merged)
            earlier.key_marks = merged.key_marks
            earlier.value_marks = merged.value_marks
            found = index_of(earlier.get("subnet"))
            if found >= 0:
                pools[found] = earlier
            else:
                pools.append(earlier)
    return _seq(list(pools), [pool.mark for pool in pools], getattr(base, "mark", None))


_RULES: PathTable[_Rule] = PathTable(
    {
        "networks.*.ipam.config": _Rule(_ipam_config),
        "networks.*.labels": _Rule(_to_sequence),
        "volumes.*.labels": _Rule(_to_sequence),
        "services.*.annotations": _Rule(_to_sequence),
        "services.*.build": _Rule(_mapping_merger(_to_context)),
        "services.*.build.args": _Rule(_to_sequence),
        "services.*.build.additional_contexts": _Rule(_to_sequence),
        "services.*.build.extra_hosts": _Rule(_extra_hosts),
        "services.*.build.labels": _Rule(_to_sequence),
        # The earlier file's long form decides whether the later value merges or conflicts
        # (`gpus: all` in two files is an error: the first is a sequence by then).
        "services.*.build.ssh": _Rule(canonical=_to_ssh_mapping),
        "services.*.command": _Rule(_replace),
        "services.*.depends_on": _Rule(_mapping_merger(_to_depends_on_mapping)),
        "services.*.deploy.labels": _Rule(_to_sequence),
        "services.*.dns": _Rule(_to_sequence),
        "services.*.dns_opt": _Rule(_to_sequence),
        "services.*.dns_search": _Rule(_to_sequence),
        "services.*.entrypoint": _Rule(_replace),
        "services.*.env_file": _Rule(_to_sequence),
        "services.*.label_file": _Rule(_to_sequence),
        "services.*.environment": _Rule(_to_sequence),
        "services.*.extra_hosts": _Rule(_extra_hosts),
        "services.*.gpus": _Rule(canonical=_to_gpus_sequence),
        "services.*.healthcheck.test": _Rule(_replace),
        "services.*.labels": _Rule(_to_sequence),
        "services.*.logging": _Rule(_logging),
        "services.*.models": _Rule(_mapping_merger(_to_null_mapping)),
        "services.*.networks": _Rule(_mapping_merger(_to_null_mapping)),
        "services.*.sysctls": _Rule(_to_sequence),
        "services.*.tmpfs": _Rule(_to_sequence),
        # compose-go merges a ulimit with itself (a bug), so the later file's value wins whole.
        "services.*.ulimits.*": _Rule(_replace),
    }
)


# --- !reset and !override -----------------------------------------------------------------------


class _Leaf:
    """Marks a recorded path's end in the reset tree."""


_LEAF = _Leaf()
_IN_SEQUENCE: Any = object()
ResetTree = dict[str, Any]


def _record(tree: ResetTree, link: Link, key: str) -> None:
    node = tree
    for part in _path(link):
        child = node.get(str(part))
        if child is _LEAF:
            return
        if child is None:
            child = node[str(part)] = {}
        node = child
    node[key] = _LEAF


def _collect(node: Any, link: Link, tree: ResetTree) -> Any:
    """``node`` without its ``!reset`` keys; records the paths of tagged keys into ``tree``.

    Like compose-go, a tagged value inside a sequence only drops out of its own file (its path
    has an index, which never matches a key of the earlier files), and the inside of an
    ``!override`` value is taken as written.
    """
    if isinstance(node, dict):
        resets = getattr(node, "resets", None) or ()
        overrides = getattr(node, "overrides", None) or ()
        out: YMap | None = None
        for key, value in node.items():
            if key in resets or key in overrides:
                if link is not _IN_SEQUENCE:
                    _record(tree, link, key)
                if key in resets:
                    if out is None:
                        out = _copy_map(node)
                    _delete(out, key)
                continue
            if not isinstance(value, (dict, list)):
                continue
            child = _collect(value, _IN_SEQUENCE if link is _IN_SEQUENCE else (link, key), tree)
            if child is not value:
                if out is None:
                    out = _copy_map(node)
                out[key] = child
        return node if out is None else out
    if isinstance(node, list):
        items: list[Any] | None = None
        for i, value in enumerate(node):
            if not isinstance(value, (dict, list)):
                continue
            child = _collect(value, _IN_SEQUENCE, tree)
            if child is not value:
                if items is None:
                    items = list(node)
                items[i] = child
        if items is None:
            return node
        return _seq(items, _item_marks(node), getattr(node, "mark", None))
    return node


def _has_tags(root: Any) -> bool:
    """Whether any mapping below ``root`` has a tagged key (most files have none)."""
    stack = [root]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        if isinstance(node, dict):
            if isinstance(node, YMap) and (node.resets or node.overrides):
                return True
            values: Iterable[Any] = node.values()
        else:
            values = node
        for value in values:
            if value.__class__ is not str and isinstance(value, (dict, list)):
                push(value)
    return False


def _apply_resets(base: Any, tree: ResetTree, states: States) -> Any:
    """``base`` without the recorded paths (compose-go's ResetProcessor.Apply)."""
    if not isinstance(base, dict):
        convert = row(states) if states else None
        if convert is None or base is None:
            return base
        base = convert(base)
        if not isinstance(base, dict):
            return base
    out: YMap | None = None
    for key, sub in tree.items():
        if key not in base:
            continue
        if sub is _LEAF:
            if out is None:
                out = _copy_map(base)
            _delete(out, key)
            continue
        child = base[key]
        changed = _apply_resets(child, sub, step(states, key) if states else ())
        if changed is not child:
            if out is None:
                out = _copy_map(base)
            out[key] = changed
    return base if out is None else out


# --- the public steps ---------------------------------------------------------------------------


def merge_trees(base: Any, override: Any) -> Any:
    """Merge one more file's tree onto the files merged so far; returns a new tree.

    ``base`` is the result of the previous call (``None`` or an empty mapping for the first
    file: the first file must go through here too, so that its own ``!reset`` keys drop out).
    ``override`` is the next file's tree after interpolation and ``extends``, in the syntax the
    user wrote. Keys tagged ``!reset`` delete what the earlier files set at that path and are
    dropped; keys tagged ``!override`` replace the earlier value instead of merging with it.
    Follow with :func:`enforce_unicity`.

    Raises :class:`ComposeFileError` where the earlier and the later value cannot be merged
    (a mapping onto a sequence, ...), located in ``override``.
    """
    if base is None:
        base = YMap()
    if not isinstance(override, dict):
        raise ComposeFileError("top-level object must be a mapping",
                               mark=getattr(override, "mark", None))
    if not isinstance(base, dict):
        raise ComposeFileError("top-level object must be a mapping",
                               mark=getattr(base, "mark", None))
    later = override
    if _has_tags(override):
        tags: ResetTree = {}
        later = _collect(override, None, tags)
        if tags:
            base = _apply_resets(base, tags, _MAPPING_FORM.start)
    try:
        return _merge_mappings(base, later, None, _RULES.start)
    except _MergeError as error:
        raise ComposeFileError(error.message, path=error.path,
                               mark=locate(later, error.path)) from None


# --- unicity ------------------------------------------------------------------------------------


class _Unindexable(Exception):
    pass


_NIL_S = "%!s(<nil>)"
# The indexes below test `type(entry) is str` as Compose's type switches test for a string: a
# YAML timestamp (a str subclass here) is a time.Time there.


def _key_value_index(entry: Any) -> Hashable:
    if type(entry) is str:
        return entry.partition("=")[0]
    raise _Unindexable(f"unexpected type {_go_type(entry)}")


# Merging n files de-duplicates the same entries n times.
@lru_cache(maxsize=4096)
def _volume_target(spec: str) -> str:
    """The target of a short volume spec, parsed as compose-go's format.ParseVolume does.

    A single letter before a colon is a Windows drive (``v:/x:ro`` targets ``ro``), and colons
    inside ``${...}`` do not split.
    """
    size = len(spec.encode())
    if size == 0:
        raise _Unindexable("invalid empty volume spec")
    if size <= 2:
        return spec
    source = target = ""
    buffer: list[str] = []
    depth = 0
    last = len(spec) - 1
    for i, char in enumerate(spec + "\0"):
        if char == "$" and i < last and spec[i + 1] == "{":
            depth += 1
            buffer.append(char)
        elif char == "}" and depth > 0:
            depth -= 1
            buffer.append(char)
        elif char == ":" and len(buffer) == 1 and buffer[0].isalpha():
            buffer.append(char)
        elif char in ":\0" and depth == 0:
            if not buffer:
                raise _Unindexable(f"invalid spec: {spec}: empty section between colons")
            text = "".join(buffer)
            if not source and char == "\0":
                target = text
            elif not source:
                source = text
            elif not target:
                target = text
            elif char == ":":
                raise _Unindexable(f"invalid spec: {spec}: too many colons")
            buffer = []
        else:
            buffer.append(char)
    return target


def _device_target(spec: str) -> str:
    parts = spec.split(":")
    return parts[0] if len(parts) == 1 else parts[1]


def _target_index(what: str, short_target: Callable[[str], str]) -> Callable[[Any], Hashable]:
    """Index by mount target: a long form's ``target``, or what ``short_target`` reads from a
    short string; ``what`` names the entry in the error for a long form without a target."""

    def index(entry: Any) -> Hashable:
        if isinstance(entry, dict):
            target = entry.get("target")
            if type(target) is not str:
                raise _Unindexable(f"service {what} is missing a mount target")
            return target
        if type(entry) is str:
            return short_target(entry)
        return ""

    return index


_volume_index = _target_index("volume", _volume_target)
_device_index = _target_index("device", _device_target)


def _expose_index(entry: Any) -> Hashable:
    if type(entry) is str:
        return entry
    if isinstance(entry, int) and not isinstance(entry, bool):
        return str(entry)
    raise _Unindexable(f"unsupported expose value {_go_v(entry)}")


def _mount_index(default_dir: str) -> Callable[[Any], Hashable]:
    def index(entry: Any) -> Hashable:
        if type(entry) is str:
            return f"{default_dir}/{entry}"
        if isinstance(entry, dict):
            if "target" in entry:
                return _go_verb(entry["target"], "s")
            return f"{default_dir}/{_go_verb(entry.get('source'), 's')}"
        raise _Unindexable(f"unsupported value {_go_v(entry)}")

    return index


def _env_file_index(entry: Any) -> Hashable:
    if type(entry) is str:
        return entry
    if isinstance(entry, dict):
        if "path" not in entry:
            raise _Unindexable("environment path attribute is missing")
        return _go_verb(entry["path"], "s")
    return ""


_DIGITS = re.compile(r"[0-9]+\Z")
_BRACKETED = re.compile(r"\[([^\[\]]*)\]\Z")
PortKey = tuple[str, str, str, str]


def _uint16(text: str) -> int | None:
    if _DIGITS.match(text) is None:
        return None
    value = int(text)
    return value if value <= 0xFFFF else None


def _port_range(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    parts = text.split("-")
    start = _uint16(parts[0])
    end = start if len(parts) == 1 else _uint16(parts[1])
    if start is None or end is None or end < start:
        return None
    return start, end


@lru_cache(maxsize=4096)
def _short_ports(spec: str) -> tuple[tuple[PortKey, str], ...] | None:
    """Each port a short spec expands to: its (host_ip, published, target, protocol) and a
    short spec for it alone, in the order compose-go lists them. ``None``: not a valid spec.

    The keys are what compose-go's second unicity pass compares, after its long syntax transform
    (docker's nat.ParsePortSpec) has split ranges into single ports.
    """
    parts = spec.split(":")
    container = parts[-1]
    ip = ":".join(parts[:-2]) if len(parts) > 2 else ""
    host = parts[-2] if len(parts) > 1 else ""
    port, slash, proto = container.partition("/")
    if not port:
        return None
    proto = proto.partition("/")[0].lower() if slash and proto else "tcp"
    if proto not in ("tcp", "udp", "sctp"):
        return None
    if ip.startswith("["):
        bracketed = _BRACKETED.match(ip)
        if bracketed is None:
            return None
        ip = bracketed.group(1)
    targets = _port_range(port)
    if targets is None:
        return None
    published = (0, 0)
    if host:
        parsed = _port_range(host)
        if parsed is None:
            return None
        published = parsed
        if targets[1] - targets[0] != published[1] - published[0] and targets[0] != targets[1]:
            return None
    prefix = "" if not ip else f"[{ip}]:" if ":" in ip else f"{ip}:"
    ports: list[tuple[PortKey, str]] = []
    for offset in range(targets[1] - targets[0] + 1):
        text = str(published[0] + offset) if host else ""
        if targets[0] == targets[1] and published[0] != published[1]:
            text = f"{text}-{published[1]}"
        target = str(targets[0] + offset)
        alone = f"{prefix}{text}:{target}/{proto}" if prefix or text else f"{target}/{proto}"
        ports.append(((ip or "0.0.0.0", text or _NIL_S, target, proto), alone))
    # nat.ParsePortSpecs returns a map; compose-go sorts its "port/proto" keys as strings.
    ports.sort(key=lambda item: f"{item[0][2]}/{proto}")
    return tuple(ports)


def _port_index(entry: Any) -> Hashable:
    """Ports are the same when Compose's long forms agree on host_ip, published, target, protocol.

    A published port written as a number in the long syntax never equals one from the short
    syntax (compose-go formats it with ``%s``).
    """
    if isinstance(entry, int) and not isinstance(entry, bool):
        return ("0.0.0.0", _NIL_S, str(entry), "tcp")
    if isinstance(entry, dict):
        if "target" not in entry:
            raise _Unindexable("service ports is missing a target port")
        return (
            _go_verb(entry["host_ip"], "s") if "host_ip" in entry else "0.0.0.0",
            _go_verb(entry.get("published"), "s"),
            _go_verb(entry["target"], "d"),
            _go_verb(entry["protocol"], "s") if "protocol" in entry else "tcp",
        )
    if type(entry) is str:
        ports = _short_ports(entry)
        if ports is None:
            return ("raw", entry)
        return ports[0][0] if len(ports) == 1 else tuple(key for key, _ in ports)
    return ""


def _split_port_ranges(seq: list[Any]) -> list[Any]:
    """Ranges that share a port with another entry, split into one short spec per port.

    Compose compares ports after its long syntax transform has split ranges, so "8001:81"
    replaces a part of "8000-8001:80-81"; splitting here gives the same result in short syntax.
    """
    spans: dict[int, tuple[tuple[PortKey, str], ...]] = {}
    for i, entry in enumerate(seq):
        if type(entry) is str:
            ports = _short_ports(entry)
            if ports is not None and len(ports) > 1:
                spans[i] = ports
    if not spans:
        return seq
    counts: dict[Hashable, int] = {}
    for i, entry in enumerate(seq):
        if i in spans:
            keys: Iterable[Hashable] = (key for key, _ in spans[i])
        else:
            try:
                keys = (_port_index(entry),)
            except _Unindexable:
                continue
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    split = {i for i, ports in spans.items() if any(counts[key] > 1 for key, _ in ports)}
    if not split:
        return seq
    items: list[Any] = []
    marks: list[Mark | None] = []
    for i, (entry, mark) in enumerate(zip(seq, _item_marks(seq), strict=True)):
        alone = [text for _, text in spans[i]] if i in split else [entry]
        items.extend(alone)
        marks.extend([mark] * len(alone))
    return _seq(items, marks, getattr(seq, "mark", None))


_PREPARE: dict[Callable[[Any], Hashable], Callable[[list[Any]], list[Any]]] = {
    _port_index: _split_port_ranges,
}


_UNIQUE: PathTable[Callable[[Any], Hashable]] = PathTable(
    {
        "networks.*.labels": _key_value_index,
        "networks.*.ipam.options": _key_value_index,
        "services.*.annotations": _key_value_index,
        "services.*.build.args": _key_value_index,
        "services.*.build.additional_contexts": _key_value_index,
        "services.*.build.platform": _key_value_index,
        "services.*.build.tags": _key_value_index,
        "services.*.build.labels": _key_value_index,
        "services.*.cap_add": _key_value_index,
        "services.*.cap_drop": _key_value_index,
        "services.*.configs": _mount_index(""),
        "services.*.deploy.labels": _key_value_index,
        "services.*.devices": _device_index,
        "services.*.dns": _key_value_index,
        "services.*.dns_opt": _key_value_index,
        "services.*.dns_search": _key_value_index,
        "services.*.environment": _key_value_index,
        "services.*.env_file": _env_file_index,
        "services.*.expose": _expose_index,
        "services.*.labels": _key_value_index,
        "services.*.links": _key_value_index,
        "services.*.networks.*.aliases": _key_value_index,
        "services.*.networks.*.link_local_ips": _key_value_index,
        "services.*.ports": _port_index,
        "services.*.profiles": _key_value_index,
        "services.*.secrets": _mount_index("/run/secrets"),
        "services.*.sysctls": _key_value_index,
        "services.*.tmpfs": _key_value_index,
        "services.*.volumes": _volume_index,
    }
)


def _dedupe(seq: list[Any], link: Link, index: Callable[[Any], Hashable]) -> list[Any]:
    if not seq:
        return seq
    prepare = _PREPARE.get(index)
    if prepare is not None:
        split = prepare(seq)
        if split is not seq:
            return _dedupe_entries(split, link, index)
    return _dedupe_entries(seq, link, index)


def _dedupe_entries(seq: list[Any], link: Link, index: Callable[[Any], Hashable]) -> list[Any]:
    try:
        keys = [index(entry) for entry in seq]
    except _Unindexable:
        for i, entry in enumerate(seq):
            try:
                index(entry)
            except _Unindexable as error:
                raise ComposeFileError(str(error), path=(*_path(link), i),
                                       mark=_item_marks(seq)[i]) from None
        raise
    if len(set(keys)) == len(keys):
        return seq
    positions: dict[Hashable, int] = {}
    items: list[Any] = []
    marks = _item_marks(seq)
    kept: list[Mark | None] = []
    for i, key in enumerate(keys):
        at = positions.get(key)
        if at is None:
            positions[key] = len(items)
            items.append(seq[i])
            kept.append(marks[i])
        else:
            # The later entry wins but keeps the first one's place.
            items[at] = seq[i]
            kept[at] = marks[i]
    return _seq(items, kept, getattr(seq, "mark", None))


def _unique(node: Mapping[str, Any], link: Link, states: States) -> Mapping[str, Any]:
    out: YMap | None = None
    for key, value in node.items():
        if value.__class__ is str:
            continue
        if isinstance(value, dict):
            below = step(states, key)
            if not any(state.children or state.star for state in below):
                continue
            changed: Any = _unique(value, (link, key), below)
        elif isinstance(value, list):
            index = row(step(states, key))
            if index is None:
                continue
            changed = _dedupe(value, (link, key), index)
        else:
            continue
        if changed is not value:
            if out is None:
                out = _copy_map(node)
            out[key] = changed
    return node if out is None else out


def enforce_unicity(tree: Any) -> Any:
    """``tree`` with repeated sequence entries removed (compose-go's EnforceUnicity).

    Each sequence path of the table has its own identity (ports by address, volumes and devices
    by target, secrets and configs by target with ``/run/secrets/<source>`` and ``/<source>`` as
    defaults, list-form environment and labels by the name before ``=``, ...). A later entry
    replaces an earlier one in place. A short port range that shares a port with another entry is
    first split into one short spec per port, in Compose's order (``"98-101"`` gives 100, 101,
    98, 99: its "port/proto" keys sorted as strings); other ranges are left for the long syntax
    stage. Unchanged containers are returned as they are.
    Raises :class:`ComposeFileError` for entries Compose cannot index (a volume without target).
    """
    if not isinstance(tree, dict):
        return tree
    return _unique(tree, None, _UNIQUE.start)


def merge_files(trees: Iterable[Any]) -> YMap:
    """Merge the trees of ``-f`` files in order, as Compose does (merge, then unicity, each)."""
    merged: Any = YMap()
    for tree in trees:
        merged = enforce_unicity(merge_trees(merged, tree))
    result: YMap = merged
    return result
