"""Scalars the way Compose (Go) reads and prints them: durations, byte sizes, numbers."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_BYTES = re.compile(r"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")
_BYTE_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


class UnitError(ValueError):
    """A duration or size that does not parse; the message says what was expected."""


def parse_duration(value: Any) -> int:
    """Go's ``time.ParseDuration``: ``1m30s``, ``1.5h``, ``100ms`` -> nanoseconds."""
    text = str(value).strip() if not isinstance(value, str) else value
    orig = text
    if text in ("0", "+0", "-0"):
        return 0
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if not text:
        raise UnitError(f'invalid duration "{orig}"')
    total = Decimal(0)
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if not match or match.group(1) in ("", "."):
            if re.match(r"[0-9.]+$", text[pos:]):
                raise UnitError(f'missing unit in duration "{orig}"')
            raise UnitError(f'invalid duration "{orig}"')
        total += Decimal(match.group(1)) * _UNIT_NS[match.group(2)]
        pos = match.end()
    return sign * int(total)


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


def parse_bytes(value: Any) -> int:
    """go-units ``RAMInBytes``: ``1g`` = 1 GiB, ``64m``, ``512k``, plain numbers are bytes."""
    if isinstance(value, bool):
        raise UnitError(f"invalid size: '{value}'")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value)
    match = _BYTES.match(text)
    if not match:
        raise UnitError(f"invalid size: '{text}'")
    try:
        number = float(match.group(1))
    except ValueError:
        raise UnitError(f"invalid size: '{text}'") from None
    unit = (match.group(2) or "").lower()
    return int(number * _BYTE_UNITS.get(unit, 1))


def go_float(value: float) -> str:
    """A float as Go's ``%v`` prints it (shortest form, exponent only beyond 1e21)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    dec = Decimal(repr(value))
    exponent = dec.adjusted()
    if -4 <= exponent < 21:
        text = format(dec, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    digits = format(dec.scaleb(-exponent).normalize(), "f")
    sign = "+" if exponent >= 0 else "-"
    return f"{digits}e{sign}{abs(exponent):02d}"


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
