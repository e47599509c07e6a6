"""The one encoder behind ``config --format json|yaml`` and the config-hash.

JSON is written as Go's ``encoding/json`` writes it (``&``, ``<``, ``>`` escaped as ``\\u0026``...,
non-ASCII kept, floats in Go's form), so hashes computed from it equal Docker Compose v2's. YAML
is written as go-yaml writes it with an indent of 2: block style, compact nested sequences, and
each string in the first style go-yaml's emitter allows (plain, single-quoted, literal block or
double-quoted), long or multi-line keys in the ``? key`` form.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from pycompose.errors import PycomposeError
from pycompose.loader.units import Timestamp

_GO_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
               ("\u2029", "\\u2029"))


def to_json(tree: Any, *, indent: int | None = 2) -> str:
    """JSON text as Compose prints it (``indent=None`` gives the compact form used for hashes).

    Raises :class:`PycomposeError` for infinities and NaN, which Go's encoder refuses too, and
    for a timestamp whose zone Go's ``Time.MarshalJSON`` refuses.
    """
    parts: list[str] = []
    add = parts.append
    colon = ":" if indent is None else ": "
    newlines: list[str] = []

    def newline(level: int) -> str:
        while len(newlines) <= level:
            newlines.append("" if indent is None else "\n" + " " * (indent * len(newlines)))
        return newlines[level]

    def write(value: Any, level: int) -> None:
        if isinstance(value, str):
            add(encode_basestring(_json_time(value) if type(value) is Timestamp else value))
        elif isinstance(value, dict):
            if not value:
                add("{}")
                return
            inner = newline(level + 1)
            separator = "," + inner
            add("{" + inner)
            first = True
            for key, item in value.items():
                if not first:
                    add(separator)
                first = False
                add(encode_basestring(str(key)))
                add(colon)
                write(item, level + 1)
            add(newline(level) + "}")
        elif value is None:
            add("null")
        elif value is True:
            add("true")
        elif value is False:
            add("false")
        elif isinstance(value, int):
            add(int.__repr__(value))
        elif isinstance(value, float):
            add(_json_float(value))
        elif isinstance(value, (list, tuple)):
            if not value:
                add("[]")
                return
            inner = newline(level + 1)
            separator = "," + inner
            add("[" + inner)
            first = True
            for item in value:
                if not first:
                    add(separator)
                first = False
                write(item, level + 1)
            add(newline(level) + "]")
        else:
            raise TypeError(f"cannot write {type(value).__name__} as JSON")

    write(tree, 0)
    # These characters can only be inside strings, so one pass over the whole text is enough.
    text = "".join(parts)
    for char, escaped in _GO_ESCAPES:
        if char in text:
            text = text.replace(char, escaped)
    return text


def config_hash(obj: Any) -> str:
    """SHA-256 (hex) of the compact JSON of ``obj``, as in ``com.docker.compose.config-hash``."""
    digest: str = _sha256()(to_json(obj, indent=None).encode("utf-8")).hexdigest()
    return digest


@lru_cache(maxsize=1)
def _sha256() -> Any:
    """CPython's own SHA-256 where it has one: loading OpenSSL through hashlib takes longer
    than hashing every service of a project."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]
    except ImportError:
        from hashlib import sha256
    return sha256


def _json_time(value: Timestamp) -> str:
    problem = value.json_error()
    if problem is not None:
        raise PycomposeError(f"json: error calling MarshalJSON for type time.Time: {problem}")
    return value.rfc3339()


def _json_float(value: float) -> str:
    """Go's encoding/json: shortest digits, exponent only below 1e-6 or from 1e21 (``1e-7``)."""
    if not math.isfinite(value):
        from pycompose.loader.units import go_float

        raise PycomposeError(f"json: unsupported value: {go_float(value)}")
    size = abs(value)
    if size != 0 and (size < 1e-6 or size >= 1e21):
        mantissa, _, exponent = repr(value).partition("e")
        sign = exponent[0] if exponent[0] in "+-" else "+"
        return f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    from decimal import Decimal

    return format(Decimal(repr(value)).normalize(), "f")


# --- YAML ---------------------------------------------------------------------------------------

_OLD_BOOLS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off",
     "OFF"}
)
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_BREAKS = frozenset("\r\n\x85\u2028\u2029")
_BREAK_SEARCH = re.compile("[\r\n\x85\u2028\u2029]")
_FIRST_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_DOUBLE_ESCAPES = {
    "\0": "0", "\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r",
    "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L", "\u2029": "P",
}
# go-yaml writes a key longer than this (in bytes) in the "? key" form.
_SIMPLE_KEY_MAX = 128

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"
# Strings of these characters, starting with a letter or a slash, are plain unless they are
# one of the words YAML reads as something else.
_PLAIN_WORD = re.compile(r"[A-Za-z/][A-Za-z0-9_./-]*\Z")
_WORDS_READ_OTHERWISE = _OLD_BOOLS | {
    "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE"
}


def _printable(char: str) -> bool:
    code = ord(char)
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


def _allowed_styles(text: str) -> tuple[bool, bool, bool]:
    """What go-yaml's emitter lets a string be in block context: (plain, single, literal)."""
    if not text:
        return True, True, False
    block_indicators = text.startswith(("---", "..."))
    line_breaks = special = tab = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = previous_space = previous_break = False
    preceded_by_whitespace = True
    last = len(text) - 1
    for i, char in enumerate(text):
        followed_by_whitespace = i == last or text[i + 1] in " \t"
        if i == 0:
            starts_block = char in _FIRST_INDICATORS or (char in "-?:" and followed_by_whitespace)
        else:
            starts_block = (char == ":" and followed_by_whitespace) or (
                char == "#" and preceded_by_whitespace
            )
        block_indicators = block_indicators or starts_block
        if char == "\t":
            tab = True
        elif not _printable(char):
            special = True
        if char == " ":
            leading_space = leading_space or i == 0
            trailing_space = trailing_space or i == last
            break_space = break_space or previous_break
            previous_space, previous_break = True, False
        elif char in _BREAKS:
            line_breaks = True
            leading_break = leading_break or i == 0
            trailing_break = trailing_break or i == last
            space_break = space_break or previous_space
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_whitespace = char in " \t\0" or char in _BREAKS
    plain = not (
        leading_space or leading_break or trailing_space or trailing_break or break_space
        or space_break or tab or special or line_breaks or block_indicators
    )
    single = not (break_space or space_break or tab or special)
    literal = not (trailing_space or space_break or special)
    return plain, single, literal


def _string_style(text: str, *, key: bool) -> str:
    from pycompose.loader.yamlio import reads_back_as_string

    if "\n" in text:
        wanted = _LITERAL
    elif (
        reads_back_as_string(text)
        and text not in _OLD_BOOLS
        and not _BASE60_FLOAT.match(text)
    ):
        wanted = _PLAIN
    else:
        wanted = _DOUBLE
    plain, single, literal = _allowed_styles(text)
    if key and any(char in _BREAKS for char in text):
        return _DOUBLE
    if wanted == _PLAIN and not plain:
        wanted = _SINGLE
    if wanted == _SINGLE and not single:
        wanted = _DOUBLE
    if wanted == _LITERAL and (key or not literal):
        wanted = _DOUBLE
    return wanted


def _double_quoted(text: str) -> str:
    # go-yaml checks for a byte order mark at the start of the whole string, not at each
    # character, so a string that starts with one has every character escaped.
    escape_all = text.startswith("\ufeff")
    out = ['"']
    for char in text:
        if escape_all or not _printable(char) or char in _BREAKS or char in '"\\':
            short = _DOUBLE_ESCAPES.get(char)
            code = ord(char)
            if short is not None:
                out.append("\\" + short)
            elif code <= 0xFF:
                out.append(f"\\x{code:02X}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04X}")
            else:
                out.append(f"\\U{code:08X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _single_quoted(text: str, indent: int) -> str:
    out = ["'"]
    breaks = False
    for char in text:
        if char in _BREAKS:  # only U+2028/U+2029 get here: the others force double quotes
            out.append(char)
            breaks = True
            continue
        if breaks:
            out.append(" " * indent)
            breaks = False
        out.append("''" if char == "'" else char)
    out.append("'")
    return "".join(out)


def _literal(text: str, indent: int) -> str:
    hints = "2" if text[0] == " " or text[0] in _BREAKS else ""
    if text[-1] not in _BREAKS:
        hints += "-"
    elif len(text) == 1 or text[-2] in _BREAKS:
        hints += "+"
    out = ["|", hints, "\n"]
    breaks = True
    for char in text:
        if char in _BREAKS:
            out.append(char)
            breaks = True
        else:
            if breaks:
                out.append(" " * indent)
                breaks = False
            out.append(char)
    body = "".join(out)
    # The caller ends every line; a final line break is that end.
    return body[:-1] if body.endswith("\n") else body


@lru_cache(maxsize=8192)
def _yaml_string(text: str, indent: int, *, key: bool = False) -> str:
    if _PLAIN_WORD.match(text):
        # Most strings (names, keys, images, paths) need no analysis.
        return _double_quoted(text) if text in _WORDS_READ_OTHERWISE else text
    style = _string_style(text, key=key)
    if style == _PLAIN:
        return text
    if style == _SINGLE:
        return _single_quoted(text, indent)
    if style == _LITERAL:
        return _literal(text, indent)
    return _double_quoted(text)


def _yaml_scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        from pycompose.loader.units import go_float

        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return go_float(value)
    if isinstance(value, int):
        return str(value)
    if type(value) is Timestamp:
        return value.rfc3339()  # plain: go-yaml reads it back as the same time
    return _yaml_string(str(value), indent)


def _yaml_mapping(mapping: dict[Any, Any], col: int, out: list[str], first: str) -> None:
    """Entries with keys at column ``col``; the first line starts with ``first`` (``col`` wide)."""
    for i, (key, item) in enumerate(mapping.items()):
        lead = first if i == 0 else " " * col
        text = str(key)
        simple = _simple_key(text)
        if simple is not None:
            _yaml_value(item, col, out, f"{lead}{simple}:")
        else:
            out.append(f"{lead}? {_yaml_string(text, col + 2)}")
            _yaml_item(item, col, out, " " * col + ": ")


@lru_cache(maxsize=8192)
def _simple_key(text: str) -> str | None:
    """``text`` written as a simple key, or None when go-yaml needs the ``? key`` form."""
    if len(text.encode()) > _SIMPLE_KEY_MAX or _BREAK_SEARCH.search(text):
        return None
    return _yaml_string(text, 0, key=True)


def _yaml_value(item: Any, col: int, out: list[str], head: str) -> None:
    """The value of a key written at column ``col``; ``head`` is the line up to its colon."""
    if isinstance(item, dict) and item:
        out.append(head)
        _yaml_mapping(item, col + 2, out, " " * (col + 2))
    elif isinstance(item, list) and item:
        out.append(head)
        _yaml_sequence(item, col + 2, out, " " * (col + 2))
    elif isinstance(item, dict):
        out.append(f"{head} {{}}")
    elif isinstance(item, list):
        out.append(f"{head} []")
    else:
        out.append(f"{head} {_yaml_scalar(item, col + 2)}")


def _yaml_sequence(items: list[Any], col: int, out: list[str], first: str) -> None:
    """Items with their dashes at column ``col``; the first line starts with ``first``."""
    for i, item in enumerate(items):
        lead = first if i == 0 else " " * col
        _yaml_item(item, col, out, lead + "- ")


def _yaml_item(item: Any, col: int, out: list[str], head: str) -> None:
    """A node after an indicator at column ``col`` (``- `` or ``: ``), compact as go-yaml does."""
    if isinstance(item, dict) and item:
        _yaml_mapping(item, col + 2, out, head)
    elif isinstance(item, list) and item:
        _yaml_sequence(item, col + 2, out, head)
    elif isinstance(item, dict):
        out.append(head + "{}")
    elif isinstance(item, list):
        out.append(head + "[]")
    else:
        out.append(head + _yaml_scalar(item, col + 2))


def to_yaml(tree: dict[str, Any]) -> str:
    """YAML text as Compose prints it."""
    if not tree:
        return "{}\n"
    out: list[str] = []
    _yaml_mapping(tree, 0, out, "")
    return "\n".join(out) + "\n"
