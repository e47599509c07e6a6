"""Read YAML the way Docker Compose v2 reads it, keeping every node's position.

Compose parses YAML 1.2 (go-yaml v3): ``yes``/``on``/``off`` stay strings, ``22:22`` is a string,
``1e3`` is a number. PyYAML's default resolver is YAML 1.1, so this module resolves plain scalars
itself. Duplicate keys are errors, merge keys (``<<``) are honoured, and the tags ``!reset`` and
``!override`` are recorded on the parent mapping (``YMap.resets``/``YMap.overrides``) for the
merge stage. Keys must read as strings (``1: x`` is an error, as in Compose).

A plain scalar that go-yaml reads as a timestamp (``2001-12-14``, ``2001-12-14 10:00:00``,
``2001-12-14T10:00:00.5+05:00``, ...) becomes a :class:`~pycompose.loader.units.Timestamp`: a
string to the stages that follow, which the schema check rejects wherever Compose's does
(``invalid jsonType time.Time``) and ``config`` prints in RFC 3339 in ``x-*``, as Compose does.
As a key it is an error. Known difference: Go names an offset that matches the local time zone
after that zone (in key errors); here only a zero offset does, as where Compose runs in UTC.
"""

from __future__ import annotations

import binascii
import math
import re
import sys
from typing import Any


class _LazyPattern:
    """A regular expression compiled when first used (see :func:`_import_pyyaml`)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: Any) -> None:
        self._args = args
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = _COMPILE(*self._args)
        return getattr(self._compiled, name)


_COMPILE = re.compile


def _import_pyyaml() -> None:
    """Import PyYAML with the regular expressions it compiles at import time left for their
    first use. Most are for its own YAML 1.1 resolver and its pure-Python reader, which this
    module uses neither of; compiling them takes longer than reading a compose file."""
    if "yaml" in sys.modules:
        return
    re.compile = _LazyPattern  # type: ignore[assignment]
    try:
        import yaml  # noqa: F401
    finally:
        re.compile = _COMPILE


_import_pyyaml()

import yaml  # noqa: E402
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode  # noqa: E402

from pycompose.errors import ComposeFileError, Mark, format_path  # noqa: E402
from pycompose.loader.tree import YMap, YSeq  # noqa: E402
from pycompose.loader.units import Timestamp, go_float, is_go_timestamp  # noqa: E402

try:  # libyaml's parser is several times faster; the pure-Python one behaves the same
    from yaml._yaml import CParser as _CParser

    _HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - libyaml is in PyYAML's wheels
    _HAVE_LIBYAML = False

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = frozenset({"true", "True", "TRUE"})
_BOOL_FALSE = frozenset({"false", "False", "FALSE"})
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_GO_INT = re.compile(
    r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$"
)
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")
_UINT64_MAX = 2**64 - 1
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

_MAX_DEPTH = 200
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_BINARY = "tag:yaml.org,2002:binary"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN = "?"
_MERGE_TAGS = frozenset({"tag:yaml.org,2002:merge"})
RESET_TAG = "!reset"
OVERRIDE_TAG = "!override"


class _Resolver(yaml.resolver.BaseResolver):
    """Resolves nothing implicitly: plain scalars are typed by :func:`_plain_scalar`."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class-level table

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


if _HAVE_LIBYAML:

    class _Composer(_CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _Resolver.__init__(self)

else:  # pragma: no cover

    class _Composer(  # type: ignore[no-redef]
        yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
        _Resolver,
    ):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def _go_int(text: str) -> int | None:
    """Go's ``strconv.ParseInt(s, 0, 64)`` (then ParseUint): a leading 0 means octal."""
    if not _GO_INT.match(text):
        return None
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        value = int(body[2:], 16)
    elif body[:2] in ("0o", "0O"):
        value = int(body[2:], 8)
    elif body[:2] in ("0b", "0B"):
        value = int(body[2:], 2)
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    else:
        value = int(body, 10)
    value *= sign
    if value < _INT64_MIN or value > _UINT64_MAX:
        return None
    return value


def _plain_scalar(value: str) -> Any:
    """Type a plain (unquoted, untagged) scalar as go-yaml (which Compose uses) does.

    YAML 1.2 core schema for null and booleans; numbers follow Go's parser: underscores are
    dropped and a leading ``0`` means octal (``0400`` is 256), as Compose sees them; timestamps
    are :class:`Timestamp` strings.
    """
    if value and value[0] not in _MAYBE_TYPED:
        return value  # most scalars (names, commands, paths) cannot be anything but strings
    if _NULL.match(value):
        return None
    if value in _BOOL_TRUE:
        return True
    if value in _BOOL_FALSE:
        return False
    if value and (value[0] in "+-." or value[0].isdigit()):
        plain = value.replace("_", "")
        number = _go_int(plain)
        if number is not None:
            return number
        if _FLOAT.match(plain):
            real = float(plain)
            # Go's ParseFloat rejects what overflows, and go-yaml then keeps the text.
            if not math.isinf(real):
                return real
        if value[4:5] == "-" and is_go_timestamp(value):
            return Timestamp(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


def reads_back_as_string(text: str) -> bool:
    """Whether ``text``, written as a plain scalar, reads back as that same string.

    go-yaml's rule (numbers, booleans, null and timestamps do not), which decides when a
    string must be quoted on output.
    """
    return type(_plain_scalar(text)) is str


def _is_plain(node: ScalarNode) -> bool:
    return not node.style  # libyaml says "" where the pure-Python parser says None


def _mark(node: Node, file: str) -> Mark:
    return Mark(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.depth = 0
        self.path: list[str | int] = []

    def build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode):
            return self.sequence(node)
        if isinstance(node, MappingNode):
            return self.mapping(node)
        raise self.error(node, "unsupported YAML node")  # pragma: no cover - composer makes none

    def error(self, node: Node, message: str) -> ComposeFileError:
        return ComposeFileError(message, mark=_mark(node, self.file))

    def scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        value: str = node.value
        untagged = tag == _PLAIN
        if tag in (RESET_TAG, OVERRIDE_TAG):
            tag = _PLAIN if _is_plain(node) else _STR
        if tag == _STR:
            return value
        if tag in (_PLAIN, "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool",
                   "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            typed = _plain_scalar(value)
            if tag == "tag:yaml.org,2002:int" and (
                not isinstance(typed, int) or isinstance(typed, bool)
            ):
                raise self.error(node, f"cannot decode {value!r} as an integer (!!int)")
            if not untagged and type(typed) is Timestamp:
                return value  # go-yaml reads a timestamp only untagged or tagged !!timestamp
            return typed
        if tag == _TIMESTAMP_TAG:
            if is_go_timestamp(value):
                return Timestamp(value)
            raise self.error(node, f"cannot decode {value!r} as a timestamp (!!timestamp)")
        if tag == _BINARY:
            try:
                import base64

                return base64.b64decode(value, validate=False).decode("utf-8", "replace")
            except binascii.Error:
                raise self.error(node, f"cannot decode {value!r} as base64 (!!binary)") from None
        # Other tags (application tags such as ``!foo``) leave the text as it is.
        return value

    def sequence(self, node: SequenceNode) -> YSeq:
        self._enter(node)
        out = YSeq(mark=_mark(node, self.file))
        for index, item in enumerate(node.value):
            self.path.append(index)
            out.append(self.build(item))
            self.path.pop()
            out.item_marks.append(_mark(item, self.file))
        self.depth -= 1
        return out

    def _enter(self, node: Node) -> None:
        self.depth += 1
        # Every later stage walks the tree recursively too: stay well inside Python's stack.
        if self.depth > _MAX_DEPTH:
            raise self.error(node, f"YAML nesting is too deep (at most {_MAX_DEPTH} levels)")

    def mapping(self, node: MappingNode) -> YMap:
        self._enter(node)
        out = YMap(mark=_mark(node, self.file))
        merged: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if self._is_merge_key(key_node):
                merged.extend(self._merge_sources(value_node, frozenset({id(node)})))
                continue
            key = self._key(key_node)
            if key in out:
                first = out.key_marks[key]
                raise ComposeFileError(
                    f"mapping key {key!r} already defined at line {first.line}",
                    mark=_mark(key_node, self.file),
                )
            self.path.append(key)
            out[key] = self.build(value_node)
            self.path.pop()
            out.key_marks[key] = _mark(key_node, self.file)
            out.value_marks[key] = _mark(value_node, self.file)
            if value_node.tag == RESET_TAG:
                out.resets.add(key)
            elif value_node.tag == OVERRIDE_TAG:
                out.overrides.add(key)
        # Merge keys fill in only what the mapping itself does not define; earlier sources win.
        for key_node, value_node in merged:
            key = self._key(key_node)
            if key not in out:
                self.path.append(key)
                out[key] = self.build(value_node)
                self.path.pop()
                out.key_marks[key] = _mark(key_node, self.file)
                out.value_marks[key] = _mark(value_node, self.file)
        self.depth -= 1
        return out

    @staticmethod
    def _is_merge_key(node: Node) -> bool:
        return isinstance(node, ScalarNode) and (
            node.tag in _MERGE_TAGS or (node.value == "<<" and node.tag == _PLAIN)
        )

    def _merge_sources(self, node: Node, inside: frozenset[int]) -> list[tuple[Node, Node]]:
        """The pairs merged in by ``<<: node``; ``inside`` holds the mappings being merged into."""
        if isinstance(node, MappingNode):
            return self._flatten(node, inside)
        if isinstance(node, SequenceNode):
            pairs: list[tuple[Node, Node]] = []
            for item in node.value:
                if not isinstance(item, MappingNode):
                    raise self.error(item, "map merge requires a map or a sequence of maps")
                pairs.extend(self._flatten(item, inside))
            return pairs
        raise self.error(node, "map merge requires a map or a sequence of maps")

    def _flatten(self, node: MappingNode, inside: frozenset[int]) -> list[tuple[Node, Node]]:
        # An alias can point back at a mapping it sits in: merging it would never end.
        if id(node) in inside:
            raise self.error(node, "cycle detected: a merge key (<<) refers to a mapping "
                             "that contains it")
        inside = inside | {id(node)}
        pairs: list[tuple[Node, Node]] = []
        nested: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if self._is_merge_key(key_node):
                nested.extend(self._merge_sources(value_node, inside))
            else:
                pairs.append((key_node, value_node))
        return pairs + nested

    def _key(self, node: Node) -> str:
        """A mapping key; Compose accepts only keys that YAML reads as strings."""
        if not isinstance(node, ScalarNode):
            raise self.error(node, "invalid map key: mapping keys must be scalars")
        value = self.scalar(node)
        if type(value) is str:
            return value
        where = f"in {format_path(tuple(self.path))}" if self.path else "at top level"
        raise self.error(node, f"non-string key {where}: {_go_key(value)}")


def _go_key(value: Any) -> str:
    """A key as Compose's "non-string key" error prints it (Go's ``%#v``)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, int) and value > _INT64_MAX:
        return hex(value)  # a uint64
    if isinstance(value, Timestamp):
        return value.go_syntax()
    return str(value)


def parse_yaml(text: str, file: str) -> list[Any]:
    """Parse every YAML document of ``text``; ``file`` names the source in marks.

    Raises :class:`ComposeFileError` with the position of the first syntax problem.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    composer = _Composer(text)
    builder = _Builder(file)
    docs: list[Any] = []
    try:
        while composer.check_node():
            node = composer.get_node()
            if node is not None:
                docs.append(builder.build(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise ComposeFileError(f"invalid YAML: {problem}", file=file) from None
        raise ComposeFileError(
            f"invalid YAML: {problem}", mark=Mark(file, mark.line + 1, mark.column + 1)
        ) from None
    except yaml.reader.ReaderError as exc:
        # The reader reports a character offset where the other errors have a line and column.
        before = text[: exc.position]
        line = before.count("\n") + 1
        col = exc.position - before.rfind("\n")
        raise ComposeFileError(
            f"invalid YAML: {exc.reason}", mark=Mark(file, line, col)
        ) from None
    except yaml.YAMLError as exc:
        raise ComposeFileError(f"invalid YAML: {exc}", file=file) from None
    finally:
        composer.dispose()
    return docs
