"""Scalars the way Compose (Go) reads and prints them: durations, byte sizes, numbers,
timestamps."""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable
from typing import Any, SupportsIndex

_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 MICRO SIGN
    "μs": 1_000,  # U+03BC GREEK SMALL LETTER MU
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_NUMBER = re.compile(r"([0-9]*)(?:\.([0-9]*))?")
_DURATION_UNIT = re.compile(r"[^0-9.]*")
_MAX_DURATION = 2**63
_BYTE_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
# Go's float literal syntax; "_" is checked separately (only between digits).
_DEC_FLOAT = re.compile(r"[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?\Z")
_HEX_FLOAT = re.compile(
    r"[+-]?0[xX](?:[0-9a-fA-F_]+\.?[0-9a-fA-F_]*|\.[0-9a-fA-F_]+)[pP][+-]?[0-9_]+\Z"
)


class UnitError(ValueError):
    """A duration or size that does not parse; the message is Go's."""


def parse_duration(value: Any) -> int:
    """Go's ``time.ParseDuration``: ``1m30s``, ``1.5h``, ``100ms`` -> nanoseconds.

    Errors carry Go's own messages (``time: unknown unit "x" in duration "5x"``).
    """
    orig = value if isinstance(value, str) else str(value)
    text = orig
    negative = False
    if text[:1] in ("+", "-"):
        negative = text[0] == "-"
        text = text[1:]
    if text == "0":
        return 0
    invalid = UnitError(f'time: invalid duration "{orig}"')
    if not text:
        raise invalid
    total = 0
    pos = 0
    while pos < len(text):
        if text[pos] not in ".0123456789":
            raise invalid
        number = _DURATION_NUMBER.match(text, pos)
        assert number is not None  # the pattern matches the empty string
        whole, fraction = number.group(1), number.group(2)
        if not whole and not fraction:
            raise invalid
        pos = number.end()
        unit_match = _DURATION_UNIT.match(text, pos)
        unit = unit_match.group(0) if unit_match else ""
        if not unit:
            raise UnitError(f'time: missing unit in duration "{orig}"')
        pos += len(unit)
        if unit not in _UNIT_NS:
            raise UnitError(f'time: unknown unit "{unit}" in duration "{orig}"')
        scale = _UNIT_NS[unit]
        amount = int(whole or "0") * scale
        if fraction:
            amount += _fraction_ns(fraction, scale)
        total += amount
        if total > _MAX_DURATION:
            raise invalid
    if negative:
        return -total
    if total > _MAX_DURATION - 1:
        raise invalid
    return total


def _fraction_ns(digits: str, unit: int) -> int:
    """Go's arithmetic for the fraction of a duration: digits past uint64 are dropped and the
    product goes through a float64, truncated."""
    value, scale = 0, 1
    for char in digits:
        following = value * 10 + int(char)
        if value > (2**63 - 1) // 10 or following > 2**63:
            break
        value, scale = following, scale * 10
    return int(float(value) * (float(unit) / scale)) if value else 0


def format_duration(ns: int) -> str:
    """Go's ``time.Duration.String``: 90 s -> ``1m30s``, 0 -> ``0s``, 1.5 ms -> ``1.5ms``."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    ns = abs(ns)
    if ns < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if ns >= size:
                return sign + _fraction(ns, size) + unit
    hours, rest = divmod(ns, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = _fraction(rest, 1_000_000_000) + "s"
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}"
    if minutes:
        return f"{sign}{minutes}m{seconds}"
    return sign + seconds


def _fraction(value: int, unit: int) -> str:
    whole, frac = divmod(value, unit)
    if not frac:
        return str(whole)
    digits = len(str(unit)) - 1
    return f"{whole}.{str(frac).rjust(digits, '0').rstrip('0')}"


def normalize_duration(value: Any) -> str:
    return format_duration(parse_duration(value))


def _plain_quote(text: str) -> str:
    return f'"{text}"'


def parse_go_float(text: str, quote: Callable[[str], str] = _plain_quote) -> float:
    """Go's ``strconv.ParseFloat(text, 64)``, with its error messages.

    Accepts ``1_000.5``, ``.5``, ``5.``, ``1e3``, hex floats (``0x1.8p1``), ``inf``/``infinity``
    (signed) and ``nan``; a finite literal beyond float64 is "value out of range". ``quote``
    writes ``text`` into the message.
    """
    body = text[1:] if text[:1] in ("+", "-") else text
    special = body.lower()
    if special in ("inf", "infinity"):
        return -math.inf if text.startswith("-") else math.inf
    if special == "nan" and body == text:
        return math.nan
    invalid = UnitError(f"strconv.ParseFloat: parsing {quote(text)}: invalid syntax")
    hexa = _HEX_FLOAT.match(text) is not None
    if not hexa and not _DEC_FLOAT.match(text):
        raise invalid
    if "_" in text and not _underscores_between_digits(text, hexa):
        raise invalid
    digits = text.replace("_", "")
    try:
        number = float.fromhex(digits) if hexa else float(digits)
    except OverflowError:
        number = math.inf
    except ValueError:
        raise invalid from None
    if math.isinf(number):
        raise UnitError(f"strconv.ParseFloat: parsing {quote(text)}: value out of range")
    return number


def _underscores_between_digits(text: str, hexa: bool) -> bool:
    if text[:1] in ("+", "-"):
        text = text[1:]
    previous = "^"
    start = 0
    if hexa:
        start, previous = 2, "0"  # a base prefix counts as a digit
    for char in text[start:]:
        if char.isdigit() or (hexa and char.lower() in "abcdef"):
            previous = "0"
        elif char == "_":
            if previous != "0":
                return False
            previous = "_"
        elif previous == "_":
            return False
        else:
            previous = "!"
    return previous != "_"


def _go_int64(number: float) -> int:
    """Go's ``int64(f)``: truncation; out of range gives the minimum, as on amd64."""
    if math.isnan(number) or not _INT64_MIN <= number < 2.0**63:
        return _INT64_MIN
    return int(number)


def parse_bytes(value: Any) -> int:
    """go-units ``RAMInBytes``: ``1g`` = 1 GiB, ``64m``, ``512k``, ``1.5 GB``; numbers are bytes.

    Errors carry go-units' messages (``invalid size: '-1'``, ``invalid suffix: 'bb'``).
    """
    if isinstance(value, bool):
        raise UnitError(f"invalid size: '{value}'")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _go_int64(value)
    text = str(value)
    sep = max(text.rfind(char) for char in "0123456789. ")
    if sep == -1:
        raise UnitError(f"invalid size: '{text}'")
    number, suffix = (text[:sep], text[sep + 1:]) if text[sep] == " " else (
        text[: sep + 1], text[sep + 1:]
    )
    size = parse_go_float(number)
    if size < 0:
        raise UnitError(f"invalid size: '{text}'")
    if not suffix:
        return _go_int64(size)
    if len(suffix) > 3:
        raise UnitError(f"invalid suffix: '{suffix}'")
    lowered = suffix.lower()
    if lowered[0] == "b":
        if len(lowered) > 1:
            raise UnitError(f"invalid suffix: '{lowered}'")
        return _go_int64(size)
    multiplier = _BYTE_UNITS.get(lowered[0])
    if (
        multiplier is None
        or (len(lowered) == 2 and lowered[1] != "b")
        or (len(lowered) == 3 and lowered[1:] != "ib")
    ):
        raise UnitError(f"invalid suffix: '{lowered}'")
    return _go_int64(size * multiplier)


def go_float(value: float) -> str:
    """A float as Go's ``%v`` / ``strconv.FormatFloat(f, 'g', -1, 64)`` prints it.

    Shortest digits that read back the same; the exponent form (``1e+06``, ``1e-05``) below
    1e-4 and from 1e6 up, since Go's ``%g`` decides with a precision of 6 when printing shortest.
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    from decimal import Decimal

    dec = Decimal(repr(abs(value)))
    if not dec:
        return sign + "0"
    exponent = dec.adjusted()
    if -4 <= exponent < 6:
        text = format(dec, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return sign + text
    digits = str(dec.scaleb(-exponent).normalize())
    return f"{sign}{digits}e{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"


def float32_shortest(value: float) -> float:
    """The float whose shortest decimal form is the one Go prints for ``float32(value)``.

    compose-go holds ``cpus`` and ``max_failure_ratio`` as float32, so ``0.3333333333`` prints
    as ``0.33333334``; beyond float32's range the value is returned unchanged.
    """
    if math.isnan(value) or math.isinf(value):
        return value
    try:
        packed = struct.pack("<f", value)
    except OverflowError:
        return value
    single: float = struct.unpack("<f", packed)[0]
    for digits in range(1, 10):
        candidate = float(f"{single:.{digits}g}")
        try:
            if struct.pack("<f", candidate) == packed:
                return candidate
        except OverflowError:  # rounded past the largest float32
            continue
    return single  # pragma: no cover - 9 digits always identify a float32


def go_string(value: Any) -> str:
    """A scalar as Compose turns it into a string (environment values, labels, ...)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if value is None:
        return ""
    return str(value)


# go-yaml reads a plain scalar as a timestamp when Go's time.Parse accepts it with one of the
# layouts "2006-1-2T15:4:5.999999999Z07:00" (or with "t"), "2006-1-2 15:4:5.999999999" and
# "2006-1-2": one- or two-digit fields, a fraction after "." or ",", a zone only after "T", and
# any run of spaces for the space. Go checks the ranges afterwards (:func:`_timestamp_fields`).
# Left to re's own cache: compiled the first time a scalar looks like a date, which is rare.
_GO_TIMESTAMP = (
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:[Tt]|( +))([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,]([0-9]+))?"
    r"(?:(Z)|([+-])([0-9]{2}):([0-9]{2}))?)?\Z"
)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
# year, month, day, hour, minute, second, nanosecond, and the offset in minutes east of UTC as
# written (None: UTC, for "Z" or no zone at all)
_TimeFields = tuple[int, int, int, int, int, int, int, int | None]


def _timestamp_fields(text: str) -> _TimeFields | None:
    match = re.match(_GO_TIMESTAMP, text)
    if match is None:
        return None
    (year, month, day, space, hour, minute, second, fraction, utc, sign, zone_hours,
     zone_minutes) = match.groups()
    timed = hour is not None
    # a zone is required after "T" and not allowed after a space
    if timed and (space is None) == (utc is None and sign is None):
        return None
    y, m, d = int(year), int(month), int(day)
    if not 1 <= m <= 12:
        return None
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not 1 <= d <= _DAYS_IN_MONTH[m - 1] + (m == 2 and leap):
        return None
    h = mi = s = nanos = 0
    offset: int | None = None
    if timed:
        h, mi, s = int(hour), int(minute), int(second)
        if h >= 24 or mi >= 60 or s >= 60:
            return None
        if fraction:
            nanos = int(fraction[:9].ljust(9, "0"))  # Go keeps nine digits and drops the rest
        if sign is not None:
            zh, zm = int(zone_hours), int(zone_minutes)
            if zh > 24 or zm > 60:  # Go allows 24 hours and 60 minutes
                return None
            offset = (zh * 60 + zm) * (-1 if sign == "-" else 1)
    return y, m, d, h, mi, s, nanos, offset


def _clock(fields: _TimeFields, separator: str) -> str:
    """``2001-12-14T10:00:00.5``: the date and time as written, the fraction without its
    trailing zeros, as Go's ``.999999999`` prints it."""
    year, month, day, hour, minute, second, nanos, _ = fields
    text = f"{year:04d}-{month:02d}-{day:02d}{separator}{hour:02d}:{minute:02d}:{second:02d}"
    return text + ("." + f"{nanos:09d}".rstrip("0") if nanos else "")


def _zone(offset: int, colon: str) -> str:
    hours, minutes = divmod(abs(offset), 60)
    return f"{'-' if offset < 0 else '+'}{hours:02d}{colon}{minutes:02d}"


class Timestamp(str):
    """A plain YAML scalar that go-yaml, and so Compose, reads as a Go ``time.Time``.

    It is its source text to every stage that handles strings. Compose's schema check rejects
    it wherever the schema constrains a value; in ``x-*`` it is kept and printed in RFC 3339.
    Make one only from a text :func:`is_go_timestamp` accepts.
    """

    __slots__ = ()

    def replace(self, old: str, new: str, count: SupportsIndex = -1, /) -> str:
        # Printing a project escapes every "$" of every string: a timestamp has none to escape
        # and must stay one.
        replaced = str.replace(self, old, new, count)
        return self if replaced == self else replaced

    def _fields(self) -> _TimeFields:
        fields = _timestamp_fields(self)
        assert fields is not None, "not a timestamp"
        return fields

    def rfc3339(self) -> str:
        """Go's ``time.RFC3339Nano`` format, as Compose prints the value in JSON and YAML."""
        fields = self._fields()
        offset = fields[7]
        return _clock(fields, "T") + (_zone(offset, ":") if offset else "Z")

    def json_error(self) -> str | None:
        """Why Go's ``Time.MarshalJSON`` refuses the value (a zone of 24 hours or more)."""
        offset = self._fields()[7]
        if offset is not None and abs(offset) >= 24 * 60:
            return "Time.MarshalJSON: timezone hour outside of range [0,23]"
        return None

    def go_string(self) -> str:
        """Go's ``Time.String()`` (``%v``): ``2001-12-14 00:00:00 +0000 UTC``."""
        fields = self._fields()
        zone = _zone(fields[7] or 0, "")
        return f"{_clock(fields, ' ')} {zone} {zone if fields[7] else 'UTC'}"

    def go_syntax(self) -> str:
        """Go's ``Time.GoString()`` (``%#v``), as Compose names a timestamp used as a key."""
        year, month, day, hour, minute, second, nanos, offset = self._fields()
        if offset is None:
            location = "time.UTC"
        elif offset == 0:
            location = "time.Local"  # Go gives a zero offset the local zone: UTC where Compose runs
        else:
            location = 'time.Location("")'
        return (
            f"time.Date({year}, time.{_MONTH_NAMES[month - 1]}, {day}, {hour}, {minute}, "
            f"{second}, {nanos}, {location})"
        )


def is_go_timestamp(text: str) -> bool:
    """Whether go-yaml reads ``text``, as a plain scalar, as a timestamp."""
    return _timestamp_fields(text) is not None
