"""Variable interpolation (``${VAR:-default}`` ...) and the type casts that follow it.

Behaviour follows compose-go v2.9.1 (Docker Compose v2.40.3), quirks included:

* ``$$`` becomes ``$``. (``config`` output doubles every ``$`` again when it prints; that is the
  output encoder's business, not this module's.)
* A ``$`` not followed by a name, ``$`` or ``{`` is kept literally (``$1``, ``a$``, ``$ b``);
  only a malformed ``${...}`` is an error.
* Mapping keys are never interpolated, only string values.
* The default, alternative and error-message parts of ``${A:-x}``-style expressions are always
  interpolated, even when not used: ``${SET:-${UNSET:?boom}}`` fails.
* After interpolation, strings at certain YAML paths (:data:`CAST_PATTERNS`) become ``int``,
  ``float`` or ``bool``, whether or not they contained a variable; an uncastable string is an error.
"""

from __future__ import annotations

import gc
import re
import struct
from collections.abc import Callable
from typing import Any

from pycompose.errors import InterpolationError
from pycompose.loader.tree import PathT, mark_of_value
from pycompose.loader.units import Timestamp, UnitError, float32_shortest, parse_go_float

Lookup = Callable[[str], str | None]
Warn = Callable[[str], None]
Caster = Callable[[str, Warn | None], Any]

# Go's pattern is case-insensitive over [_a-z]; Go's simple case folding adds exactly the Kelvin
# sign and the long s to that class (Python's IGNORECASE would also add dotted/dotless i).
_NAME_START = "_a-zA-Z\u017f\u212a"
_NAME_CHAR = "_a-zA-Z0-9\u017f\u212a"
_PATTERN = re.compile(
    rf"\$(?:(?P<escaped>\$)"
    rf"|(?P<named>[{_NAME_START}][{_NAME_CHAR}]*)"
    rf"|\{{(?:(?P<braced>[{_NAME_START}][{_NAME_CHAR}]*(?::?[-+?].*)?)\}}|(?P<invalid>)))"
)
_SIMPLE = re.compile(
    rf"\$(?:(?P<escaped>\$)"
    rf"|(?P<named>[{_NAME_START}][{_NAME_CHAR}]*)"
    rf"|\{{(?P<braced>[{_NAME_START}][{_NAME_CHAR}]*)"
    rf"(?:(?P<operator>:?[-+?])(?P<argument>[^${{}}\n]*))?\}}"
    rf"|(?P<other>\{{))"
)
_SEPARATORS = (":?", "?", ":-", "-", ":+", "+")


class _InvalidTemplate(Exception):
    def __init__(self, template: str | None = None) -> None:
        super().__init__(template)
        self.template = template


class _MissingRequired(Exception):
    pass


_GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_quote(text: str) -> str:
    """``text`` quoted the way Go's ``%q`` does, so messages read like Compose's."""
    out = ['"']
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif ord(ch) < 0x80:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    out.append('"')
    return "".join(out)


def unset_warning(name: str) -> str:
    """Compose's warning for a variable that is used but not set."""
    return f"The {go_quote(name)} variable is not set. Defaulting to a blank string."


def _first_closing_brace(text: str) -> int:
    # Mirrors compose-go exactly, including skipping the character right after each "{":
    # that skip decides where "${A:-${}" ends, and so which error Compose reports.
    depth = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "}":
            depth -= 1
            if depth == 0:
                return i
        if ch == "{":
            depth += 1
            i += 1
        i += 1
    return -1


def _separator_of(text: str) -> str | None:
    # compose-go picks the operator from the whole match (not just the braced part): the one
    # whose first occurrence comes first.
    best: str | None = None
    best_at = len(text)
    for sep in _SEPARATORS:
        at = text.find(sep)
        if 0 <= at < best_at:
            best, best_at = sep, at
    return best


def _substitute(template: str, lookup: Lookup, warn: Warn | None) -> str:
    if "$" not in template:
        return template
    simple = _substitute_simple(template, lookup, warn)
    if simple is not None:
        return simple
    try:
        return _PATTERN.sub(lambda m: _replace(m.group(0), lookup, warn), template)
    except _InvalidTemplate as exc:
        if exc.template is None:
            exc.template = template
        raise


def _substitute_simple(template: str, lookup: Lookup, warn: Warn | None) -> str | None:
    """The common case quickly: no ``${`` other than ``${NAME}`` or ``${NAME<op>text}`` with text
    free of ``$``, braces and newlines, where compose-go's algorithm reduces to a left-to-right
    replacement. ``None`` when the template needs the full algorithm."""
    matches = list(_SIMPLE.finditer(template))
    for match in matches:
        if match.group("other") is not None:
            return None
    out: list[str] = []
    last = 0
    for match in matches:
        out.append(template[last : match.start()])
        last = match.end()
        if match.group("escaped") is not None:
            out.append("$")
            continue
        name = match.group("named") or match.group("braced")
        operator = match.group("operator")
        if operator is not None:
            out.append(_apply(operator, f"{name}{operator}{match.group('argument')}", lookup, warn))
            continue
        value = lookup(name)
        if value is None:
            if warn is not None:
                warn(unset_warning(name))
            value = ""
        out.append(value)
    out.append(template[last:])
    return "".join(out)


def _replace(matched: str, lookup: Lookup, warn: Warn | None) -> str:
    sep = _separator_of(matched)
    closing = _first_closing_brace(matched)
    rest = ""
    if closing > -1:
        rest = matched[closing + 1 :]
        matched = matched[: closing + 1]
    groups = _PATTERN.match(matched)
    assert groups is not None  # every truncation still starts with "${" or "$x"
    if groups["escaped"]:
        return "$"
    name = groups["named"]
    if not name:
        braced = groups["braced"]
        if not braced:
            raise _InvalidTemplate()
        if sep is not None and sep in braced:
            return _apply(sep, braced, lookup, warn) + _substitute(rest, lookup, warn)
        name = braced
    value = lookup(name)
    if value is None:
        if warn is not None:
            warn(unset_warning(name))
        return ""
    return value


def _apply(sep: str, expression: str, lookup: Lookup, warn: Warn | None) -> str:
    name, argument = expression.split(sep, 1)
    argument = _substitute(argument, lookup, warn)
    value = lookup(name)
    if sep == ":?" or sep == "?":
        if value is None or (sep == ":?" and value == ""):
            reason = f": {argument}" if argument else ""
            raise _MissingRequired(f"required variable {name} is missing a value{reason}")
        return value
    if sep == ":-":
        return value if value else argument
    if sep == "-":
        return argument if value is None else value
    if sep == ":+":
        return argument if value else ""
    return "" if value is None else argument  # "+"


def interpolate_string(value: str, lookup: Lookup, *, warn: Warn | None = None) -> str:
    """``value`` with every ``$VAR``/``${VAR...}`` expression replaced, and ``$$`` made ``$``.

    ``lookup`` returns a variable's value or ``None`` when unset. Each use of an unset variable
    (outside a default/required expression) calls ``warn`` with Compose's warning text.
    Raises :class:`InterpolationError` (without location) on a malformed expression or a
    failed ``${VAR:?msg}``/``${VAR?msg}``.
    """
    try:
        return _substitute(value, lookup, warn)
    except _InvalidTemplate as exc:
        template = value if exc.template is None else exc.template
        raise InterpolationError(
            f"invalid interpolation format {go_quote(template)}: "
            "you may need to escape any $ with another $"
        ) from None
    except _MissingRequired as exc:
        raise InterpolationError(str(exc)) from None


# ---------------------------------------------------------------------------------------------
# Casts after interpolation (compose-go's strconv semantics and error texts)

_INT_RE = re.compile(r"[+-]?[0-9]+\Z")
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_FLOAT32_MAX = struct.unpack("<f", b"\xff\xff\x7f\x7f")[0]


class _CastError(Exception):
    pass


def _parse_int(value: str, func: str) -> int:
    if not _INT_RE.match(value):
        raise _CastError(f"strconv.{func}: parsing {go_quote(value)}: invalid syntax")
    number = int(value)
    if not _INT64_MIN <= number <= _INT64_MAX:
        raise _CastError(f"strconv.{func}: parsing {go_quote(value)}: value out of range")
    return number


def _parse_float(value: str) -> float:
    try:
        return parse_go_float(value, go_quote)
    except UnitError as exc:
        raise _CastError(str(exc)) from None


def to_int(value: str, warn: Warn | None = None) -> int:
    """Go's ``strconv.Atoi``."""
    return _parse_int(value, "Atoi")


def to_int64(value: str, warn: Warn | None = None) -> int:
    """Go's ``strconv.ParseInt(value, 10, 64)``."""
    return _parse_int(value, "ParseInt")


def to_float(value: str, warn: Warn | None = None) -> float:
    """Go's ``strconv.ParseFloat(value, 64)``."""
    return _parse_float(value)


def to_float32(value: str, warn: Warn | None = None) -> float:
    """Go's ``strconv.ParseFloat(value, 32)``, as the float printing like that float32."""
    number = _parse_float(value)
    if number != number or number in (float("inf"), float("-inf")):
        return number
    if abs(number) > _FLOAT32_MAX:
        try:
            struct.pack("<f", number)
        except OverflowError:
            raise _CastError(
                f"strconv.ParseFloat: parsing {go_quote(value)}: value out of range"
            ) from None
    return float32_shortest(number)


def to_bool(value: str, warn: Warn | None = None) -> bool:
    """compose-go's boolean cast: YAML 1.2 ``true``/``false``; YAML 1.1 words with a warning."""
    lowered = value.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    if lowered in ("y", "yes", "on"):
        if warn is not None:
            warn(f"{go_quote(value)} for boolean is not supported by YAML 1.2, please use `true`")
        return True
    if lowered in ("n", "no", "off"):
        if warn is not None:
            warn(f"{go_quote(value)} for boolean is not supported by YAML 1.2, please use `false`")
        return False
    raise _CastError(f"invalid boolean: {value}")


def _service(*parts: str) -> tuple[str, ...]:
    return ("services", "*", *parts)


# compose-go v2.9.1's table, checked one entry at a time against the v2.40.3 binary: it casts
# networks.*.enable_ipv4 and no longer casts services.*.secrets/configs[].mode.
# "*" matches any single key or list item, "[]" any list item.
CAST_PATTERNS: tuple[tuple[tuple[str, ...], Caster], ...] = (
    (_service("cpu_count"), to_int64),
    (_service("cpu_percent"), to_float),
    (_service("cpu_period"), to_int64),
    (_service("cpu_quota"), to_int64),
    (_service("cpu_rt_period"), to_int64),
    (_service("cpu_rt_runtime"), to_int64),
    (_service("cpus"), to_float32),
    (_service("cpu_shares"), to_int64),
    (_service("init"), to_bool),
    (_service("deploy", "replicas"), to_int),
    (_service("deploy", "update_config", "parallelism"), to_int),
    (_service("deploy", "update_config", "max_failure_ratio"), to_float),
    (_service("deploy", "rollback_config", "parallelism"), to_int),
    (_service("deploy", "rollback_config", "max_failure_ratio"), to_float),
    (_service("deploy", "restart_policy", "max_attempts"), to_int),
    (_service("deploy", "placement", "max_replicas_per_node"), to_int),
    (_service("healthcheck", "retries"), to_int),
    (_service("healthcheck", "disable"), to_bool),
    (_service("oom_kill_disable"), to_bool),
    (_service("oom_score_adj"), to_int64),
    (_service("pids_limit"), to_int64),
    (_service("ports", "[]", "target"), to_int),
    (_service("privileged"), to_bool),
    (_service("read_only"), to_bool),
    (_service("scale"), to_int),
    (_service("stdin_open"), to_bool),
    (_service("tty"), to_bool),
    (_service("ulimits", "*"), to_int),
    (_service("ulimits", "*", "hard"), to_int),
    (_service("ulimits", "*", "soft"), to_int),
    (_service("volumes", "[]", "read_only"), to_bool),
    (_service("volumes", "[]", "volume", "nocopy"), to_bool),
    (("networks", "*", "external"), to_bool),
    (("networks", "*", "internal"), to_bool),
    (("networks", "*", "attachable"), to_bool),
    (("networks", "*", "enable_ipv4"), to_bool),
    (("networks", "*", "enable_ipv6"), to_bool),
    (("volumes", "*", "external"), to_bool),
    (("secrets", "*", "external"), to_bool),
    (("configs", "*", "external"), to_bool),
)


class _Trie:
    __slots__ = ("caster", "children")

    def __init__(self) -> None:
        self.children: dict[str, _Trie] = {}
        self.caster: Caster | None = None


def _build_trie() -> _Trie:
    root = _Trie()
    for pattern, caster in CAST_PATTERNS:
        node = root
        for part in pattern:
            node = node.children.setdefault(part, _Trie())
        node.caster = caster
    return root


_ROOT = _build_trie()
_NO_STATES: tuple[_Trie, ...] = ()


def _advance(states: tuple[_Trie, ...], segment: str) -> tuple[_Trie, ...]:
    found: list[_Trie] = []
    for state in states:
        exact = state.children.get(segment)
        if exact is not None:
            found.append(exact)
        wild = state.children.get("*")
        if wild is not None:
            found.append(wild)
    return tuple(found)


def _caster_of(states: tuple[_Trie, ...]) -> Caster | None:
    for state in states:
        if state.caster is not None:
            return state.caster
    return None


_CONTAINERS = (dict, list)
_COPIED_ATTRIBUTES = (dict, set, list)


def _empty_like(node: Any) -> Any:
    """An empty container of ``node``'s type carrying copies of its marks and other attributes."""
    kind = type(node)
    if kind is dict:
        return {}
    if kind is list:
        return []
    copy: Any = dict.__new__(kind) if isinstance(node, dict) else list.__new__(kind)
    state = node.__dict__.copy()
    for attr, value in state.items():
        if isinstance(value, _COPIED_ATTRIBUTES):
            state[attr] = value.copy()
    copy.__dict__ = state
    return copy


class _Walker:
    __slots__ = ("cache", "file", "lookup", "warn")

    def __init__(self, lookup: Lookup | None, warn: Warn | None, file: str | None) -> None:
        self.lookup = lookup
        self.file = file
        # Within one call lookups are fixed and warnings are given once, so a string seen again
        # (large generated files repeat many) interpolates to the same value with no new effect.
        self.cache: dict[str, str] = {}
        if warn is None:
            self.warn: Warn | None = None
        else:
            seen: set[str] = set()

            def once(message: str) -> None:
                if message not in seen:
                    seen.add(message)
                    warn(message)

            self.warn = once

    def leaf(
        self, value: str, states: tuple[_Trie, ...], parent: Any, key: Any, parent_path: PathT
    ) -> Any:
        try:
            if self.lookup is not None and "$" in value:
                done = self.cache.get(value)
                if done is None:
                    done = self.cache[value] = _substitute(value, self.lookup, self.warn)
                value = done
            # Compose casts strings only: a YAML timestamp is left for the schema check to reject.
            if states and type(value) is not Timestamp:
                caster = _caster_of(states)
                if caster is not None:
                    return caster(value, self.warn)
            return value
        except _InvalidTemplate as exc:
            template = value if exc.template is None else exc.template
            detail = (
                f"invalid interpolation format {go_quote(template)}: "
                "you may need to escape any $ with another $"
            )
        except _MissingRequired as exc:
            detail = str(exc)
        except _CastError as exc:
            detail = f"failed to cast to expected type: {exc}"
        path = parent_path if parent is None else (*parent_path, key)
        raise InterpolationError(detail, file=self.file, path=path, mark=mark_of_value(parent, key))

    def walk(self, node: Any, states: tuple[_Trie, ...], path: PathT) -> Any:
        interpolating = self.lookup is not None
        out = _empty_like(node)
        if isinstance(node, dict):
            for key, value in node.items():
                sub = _advance(states, str(key)) if states else states
                if isinstance(value, str):
                    if sub or (interpolating and "$" in value):
                        value = self.leaf(value, sub, node, key, path)
                elif isinstance(value, _CONTAINERS):
                    value = self.walk(value, sub, (*path, key))
                out[key] = value
            return out
        sub = _advance(states, "[]") if states else states
        for index, value in enumerate(node):
            if isinstance(value, str):
                if sub or (interpolating and "$" in value):
                    value = self.leaf(value, sub, node, index, path)
            elif isinstance(value, _CONTAINERS):
                value = self.walk(value, sub, (*path, index))
            out.append(value)
        return out


def _without_gc(
    walk: Callable[[Any, tuple[_Trie, ...], PathT], Any], tree: Any, states: tuple[_Trie, ...]
) -> Any:
    # The copy is acyclic, so there is nothing for the cycle collector to find while it is built,
    # yet the tens of thousands of new containers of a large file would trigger it again and
    # again: that alone more than doubled the time of a 1000-service file.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return walk(tree, states, ())
    finally:
        if enabled:
            gc.enable()


def interpolate_tree(
    tree: Any,
    lookup: Lookup,
    *,
    warn: Warn | None = None,
    file: str | None = None,
    cast: bool = True,
) -> Any:
    """A copy of ``tree`` with every string value interpolated, then cast per :data:`CAST_PATTERNS`.

    Keys are left alone. :class:`~pycompose.loader.tree.YMap`/``YSeq`` nodes come back as the same
    types with their marks (and ``resets``/``overrides``) copied. Each distinct warning is passed to
    ``warn`` once per call. Errors are :class:`InterpolationError` naming the YAML path and, when
    known, the value's file, line and column (``file`` is used when there is no mark).
    """
    walker = _Walker(lookup, warn, file)
    if isinstance(tree, str):
        return walker.leaf(tree, _NO_STATES, None, None, ())
    if not isinstance(tree, _CONTAINERS):
        return tree
    return _without_gc(walker.walk, tree, (_ROOT,) if cast else _NO_STATES)


def cast_interpolated(tree: Any, *, warn: Warn | None = None, file: str | None = None) -> Any:
    """A copy of ``tree`` with only the type casts of :func:`interpolate_tree` applied."""
    if not isinstance(tree, _CONTAINERS):
        return tree
    return _without_gc(_Walker(None, warn, file).walk, tree, (_ROOT,))
