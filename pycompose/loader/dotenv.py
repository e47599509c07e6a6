"""The ``.env`` / ``env_file`` syntax, as Docker Compose v2.40.3 (compose-go v2.9.1) reads it.

Accepted, per statement: optional ``export ``; a key of letters, digits, ``_ . - [ ]``; then ``=``
or ``:`` (spaces around it allowed) and a value, or a newline alone (the key then takes its value
from ``lookup`` and is left out when ``lookup`` has none). Values are

* unquoted: up to the end of the line, cut at the first `` #``, trailing space trimmed;
* ``'single'``: literal, may span lines; ``\\'`` is a quote, other backslashes stay;
* ``"double"``: may span lines; ``\\n \\r \\t \\a \\b \\f \\v \\\\ \\" \\$`` and ``\\0NNN`` (octal)
  are escapes, other backslashes stay.

Unquoted and double-quoted values are interpolated like compose files, a variable being looked
up first in ``lookup`` and then among the keys defined earlier in the same file. Anything after a
closing quote on the same line is read as the next statement, as Compose does (``A="x" B=y``
sets both), except a ``#`` comment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from pycompose.errors import ComposeFileError, InterpolationError, Mark
from pycompose.loader.interpolate import Lookup, Warn, go_quote, interpolate_string

# Go's unicode.IsSpace, which compose-go uses to skip blank lines and trim keys and values.
_UNICODE_SPACES = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
# compose-go's own isSpace: the same minus line breaks (and the rarer Unicode spaces).
_INLINE_SPACES = frozenset("\t\v\f\r \x85\xa0")
_EXPORT = re.compile(r"export[\t\n\f\r ]+")
_ESCAPE = re.compile(r'\\(?:[abcfnrtv$"\\]|0[0-9]{0,3})')
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
}
_KEY_PUNCTUATION = frozenset("_.-[]")
_KEY_CATEGORIES = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"))


def _is_key_char(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in _KEY_PUNCTUATION
    return unicodedata.category(ch) in _KEY_CATEGORIES


def _unescape(match: re.Match[str]) -> str:
    text = match.group(0)
    if text == "\\$":
        # Becomes "$$" so that interpolation, which runs next, yields a literal "$".
        return "$$"
    if text.startswith("\\0"):
        # compose-go rewrites "\0NNN" to Go's "\NNN" and keeps that rewritten text when Go
        # rejects it, so "\07" comes out as "\7" and a lone "\0" as "\".
        text = "\\" + text[2:]
    if len(text) < 2:
        return text
    code = text[1]
    if code in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[code]
    if len(text) == 4 and all("0" <= c <= "7" for c in text[1:]):
        value = int(text[1:], 8)
        if value <= 0xFF:
            return chr(value)
    return text


class _Parser:
    def __init__(self, text: str, filename: str, lookup: Lookup, warn: Warn | None) -> None:
        self.text = text
        self.filename = filename
        self.lookup = lookup
        self.warn = warn
        self.values: dict[str, str] = {}

    def mark(self, pos: int) -> Mark:
        line = self.text.count("\n", 0, pos) + 1
        col = pos - self.text.rfind("\n", 0, pos)
        return Mark(self.filename, line, col)

    def error(self, message: str, pos: int) -> ComposeFileError:
        return ComposeFileError(message, mark=self.mark(pos))

    def resolve(self, name: str) -> str | None:
        value = self.lookup(name)
        if value is None:
            return self.values.get(name)
        return value

    def expand(self, value: str, pos: int) -> str:
        try:
            return interpolate_string(value, self.resolve, warn=self.warn)
        except InterpolationError as exc:
            raise self.error(exc.detail, pos) from None

    def statement_start(self, pos: int) -> int:
        text = self.text
        n = len(text)
        while True:
            while pos < n and text[pos] in _UNICODE_SPACES:
                pos += 1
            if pos >= n:
                return -1
            if text[pos] != "#":
                return pos
            pos = text.find("\n", pos)
            if pos < 0:
                return -1

    def skip_inline_spaces(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in _INLINE_SPACES:
            pos += 1
        return pos

    def statement(self, start: int) -> int:
        text = self.text
        pos = start
        export = _EXPORT.match(text, pos)
        if export is not None:
            pos = self.skip_inline_spaces(pos + len("export"))
            if pos == len(text):
                # compose-go: "zero length string"
                raise self.error('"export" is not followed by a variable name', start)
        key_start = pos
        end = len(text)
        inherited = False
        key = ""
        value_start = pos
        i = pos
        while i < end:
            ch = text[i]
            if ch in _INLINE_SPACES:
                i += 1
                continue
            if ch in "=:\n":
                key = text[key_start:i]
                inherited = ch == "\n"
                value_start = i + 1
                break
            if not _is_key_char(ch):
                line_end = text.find("\n", key_start)
                near = text[key_start : line_end if line_end >= 0 else end]
                raise self.error(
                    f"unexpected character {go_quote(ch)} in variable name {go_quote(near)}", i
                )
            i += 1
        # Without "=", ":" or a newline (a last line without one), compose-go reads an empty key
        # whose value is the whole statement: "A=1\nB" sets "" to "B".
        key = key.rstrip("".join(_UNICODE_SPACES))
        value_start = self.skip_inline_spaces(value_start)
        if " " in key:
            raise self.error(f"key cannot contain a space: {go_quote(key)}", key_start)
        if inherited:
            value = self.lookup(key)
            if value is not None:
                self.values[key] = value
            return value_start
        value, rest = self.value(value_start)
        self.values[key] = value
        return rest

    def value(self, pos: int) -> tuple[str, int]:
        text = self.text
        quote = text[pos] if pos < len(text) else ""
        if quote not in ("'", '"'):
            line_end = text.find("\n", pos)
            rest = len(text) if line_end < 0 else line_end + 1
            raw = text[pos : len(text) if line_end < 0 else line_end]
            raw = raw.split(" #", 1)[0].rstrip("".join(_UNICODE_SPACES))
            return self.expand(raw, pos), rest
        chars: list[str] = []
        escaped = False
        i = pos + 1
        while i < len(text):
            ch = text[i]
            if escaped:
                escaped = False
                if ch != quote:
                    chars.append("\\")
                chars.append(ch)
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                break
            else:
                chars.append(ch)
            i += 1
        else:
            line_end = text.find("\n", pos)
            shown = text[pos : line_end if line_end >= 0 else len(text)]
            raise self.error(f"unterminated quoted value {shown}", pos)
        value = "".join(chars)
        if quote == '"':
            value = self.expand(_ESCAPE.sub(_unescape, value), pos)
        return value, i + 1

    def parse(self) -> dict[str, str]:
        pos = 0
        while True:
            pos = self.statement_start(pos)
            if pos < 0:
                return self.values
            pos = self.statement(pos)


def parse_dotenv(
    text: str,
    *,
    filename: str,
    lookup: Callable[[str], str | None],
    warn: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """The variables an env file defines, in file order (a repeated key keeps its last value).

    ``lookup`` gives the value of variables from outside the file (``None`` when unset): it wins
    over the file's own earlier definitions when values are interpolated, and provides the value
    of a bare ``KEY`` line; it never replaces a value the file assigns. Unset variables used in
    values are reported through ``warn``. Raises :class:`ComposeFileError` with the file, line and
    column of the first syntax error.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    return _Parser(text, filename, lookup, warn).parse()


def read_dotenv(
    path: str,
    lookup: Callable[[str], str | None],
    *,
    warn: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """:func:`parse_dotenv` of the UTF-8 file at ``path`` (a leading byte order mark is ignored)."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - data.rfind(b"\n", 0, exc.start)
        raise ComposeFileError("not valid UTF-8", mark=Mark(path, line, col)) from None
    return parse_dotenv(text, filename=path, lookup=lookup, warn=warn)
