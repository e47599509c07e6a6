"""Text as Docker Compose's Go code prints it: ``text/tabwriter`` columns, go-units durations,
``strconv.Quote``, the docker CLI's port list and ellipsis, Go time layouts and JSON.

Pure functions, so the listing commands can be compared byte for byte with Compose's output.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pycompose.serialize import to_json


class Port(Protocol):
    @property
    def ip(self) -> str: ...
    @property
    def private(self) -> int: ...
    @property
    def public(self) -> int: ...
    @property
    def protocol(self) -> str: ...


# -- text/tabwriter ---------------------------------------------------------------------------


def tabwriter(text: str, *, minwidth: int, padding: int) -> str:
    """``text`` through Go's ``tabwriter.NewWriter(w, minwidth, _, padding, ' ', 0)``.

    Cells end at tabs; a column is as wide as its widest cell plus ``padding`` (at least
    ``minwidth``) over each run of consecutive lines that have it; the last cell of a line is
    never padded unless a longer line of the same run gives it a column; a line without a tab
    ends the runs above it.
    """
    *complete, tail = text.split("\n")
    lines = [line.split("\t") for line in complete]
    lines.append(tail.split("\t") if tail else [])
    out: list[str] = []
    start = 0
    for index, cells in enumerate(lines[:-1]):
        if len(cells) == 1:
            _format_block(lines[start:index + 1], [], minwidth, padding, out, last=False)
            start = index + 1
    _format_block(lines[start:], [], minwidth, padding, out, last=True)
    return "".join(out)


def _format_block(lines: list[list[str]], widths: list[int], minwidth: int, padding: int,
                  out: list[str], *, last: bool) -> None:
    def write(line0: int, line1: int) -> None:
        for i in range(line0, line1):
            for j, cell in enumerate(lines[i]):
                out.append(cell)
                if j < len(widths):
                    out.append(" " * (widths[j] - len(cell)))
            if not (last and i == len(lines) - 1):
                out.append("\n")

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            write(line0, this)
            line0 = this
            width = minwidth
            while this < line1 and column < len(lines[this]) - 1:
                width = max(width, len(lines[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write(line0, line1)

    fmt(0, len(lines))


# -- go-units, strconv, the docker CLI's formatter --------------------------------------------


def human_duration(seconds: float) -> str:
    """go-units ``HumanDuration``: ``Less than a second``, ``About a minute``, ``3 hours``."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def running_for(created: int, now: float | None = None) -> str:
    """The ``CREATED`` column: how long ago ``created`` (Unix seconds) was."""
    return human_duration((time.time() if now is None else now) - created) + " ago"


_QUOTE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
                  "\t": "\\t", "\v": "\\v", '"': '\\"', "\\": "\\\\"}


def go_quote(text: str) -> str:
    """Go's ``strconv.Quote``: double quotes, Go escapes, printable characters kept."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in _QUOTE_ESCAPES:
            out.append(_QUOTE_ESCAPES[ch])
        elif ch.isprintable():
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def _display_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def ellipsis(text: str, width: int) -> str:
    """The docker CLI's ``Ellipsis``: at most ``width`` columns wide, ending in ``…`` when cut."""
    if width <= 0:
        return ""
    total = 0
    for index, ch in enumerate(text):
        total += _display_width(ch)
        if total > width - 1:
            rest = sum(_display_width(c) for c in text[index:])
            if total - _display_width(ch) + rest <= width:
                return text
            return text[:index] + "…"
    return text


def join_host_port(host: str, port: int | str) -> str:
    """Go's ``net.JoinHostPort``: IPv6 hosts in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def displayable_ports(ports: Iterable[Port]) -> str:
    """The ``PORTS`` column of ``docker ps``: runs of consecutive ports grouped, published ports
    whose host port differs from the container port listed last."""
    groups: dict[str, list[int]] = {}
    order: list[str] = []
    result: list[str] = []
    mappings: list[str] = []
    for port in sorted(ports, key=lambda p: (p.private, p.ip, p.public, p.protocol)):
        current = port.private
        key = port.protocol
        if port.ip:
            if port.public != current:
                mappings.append(f"{join_host_port(port.ip, port.public)}->{port.private}/"
                                f"{port.protocol}")
                continue
            key = f"{port.ip}/{port.protocol}"
        group = groups.get(key)
        if group is None:
            groups[key] = [current, current]
            order.append(key)
            continue
        if current == group[1] + 1:
            group[1] = current
            continue
        result.append(_port_group(key, group[0], group[1]))
        groups[key] = [current, current]
    result.extend(_port_group(key, *groups[key]) for key in order)
    return ", ".join(result + mappings)


def _port_group(key: str, first: int, last: int) -> str:
    ip, _, protocol = key.rpartition("/")
    group = str(first) if first == last else f"{first}-{last}"
    if ip:
        group = f"{join_host_port(ip, group)}->{group}"
    return f"{group}/{protocol}"


# -- time and JSON ----------------------------------------------------------------------------


def _local(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC).astimezone()


def _zone(moment: datetime) -> tuple[str, str]:
    offset = moment.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}", moment.tzname() or ""


def go_time_string(seconds: int) -> str:
    """``time.Unix(seconds, 0).String()`` in the local zone: ``2026-11-27 00:27:01 +0000 UTC``."""
    moment = _local(seconds)
    offset, name = _zone(moment)
    return f"{moment:%Y-%m-%d %H:%M:%S} {offset} {name}"


def event_time(nanos: int) -> str:
    """Compose's event time layout ``2006-01-02 15:04:05.000000`` (local zone)."""
    moment = _local(nanos // 1_000_000_000)
    return f"{moment:%Y-%m-%d %H:%M:%S}.{nanos % 1_000_000_000 // 1000:06d}"


def rfc3339_nano(nanos: int) -> str:
    """Go's ``time.RFC3339Nano`` of a local time: trailing zeros of the fraction dropped."""
    moment = _local(nanos // 1_000_000_000)
    fraction = f"{nanos % 1_000_000_000:09d}".rstrip("0")
    offset = moment.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        zone = "Z"
    else:
        text, _ = _zone(moment)
        zone = f"{text[:3]}:{text[3:]}"
    return f"{moment:%Y-%m-%dT%H:%M:%S}{'.' + fraction if fraction else ''}{zone}"


def go_json(value: Any, *, escape_html: bool = True) -> str:
    """Compact JSON as Go's ``encoding/json`` writes it (``<``, ``>``, ``&`` escaped unless
    ``escape_html`` is false, as with ``Encoder.SetEscapeHTML(false)``)."""
    if escape_html:
        return to_json(value, indent=None)
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# -- durations and timestamps as the docker CLI reads them ---------------------------------------

_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0,
                   "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float | None:
    """Seconds in a Go duration (``1h30m``, ``-2.5s``, ``0``), or None if it is not one."""
    body = text.lstrip("+-")
    sign = -1.0 if text.startswith("-") else 1.0
    if body == "0":
        return 0.0
    if not body:
        return None
    total = 0.0
    pos = 0
    while pos < len(body):
        match = _DURATION_PART.match(body, pos)
        if match is None:
            return None
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    return sign * total


def docker_timestamp(value: str, now: float | None = None) -> str:
    """What the docker client sends for ``--since``/``--until``: a duration is counted back
    from now, a date or RFC 3339 time becomes ``seconds.nanoseconds``, a Unix timestamp is
    kept. Raises ValueError when ``value`` is none of those."""
    now = time.time() if now is None else now
    duration = parse_go_duration(value)
    if value != "0" and duration is not None:
        return str(int(now - duration))
    text = value[:-1] + "+00:00" if value[-1:] in ("z", "Z") else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        if "-" in value or not re.fullmatch(r"\d+(\.\d+)?", value):
            raise ValueError(f'failed to parse value as time or duration: "{value}"') from None
        return value
    if moment.tzinfo is None:
        moment = moment.astimezone()
    seconds = moment.timestamp()
    whole = int(seconds // 1)
    return f"{whole}.{moment.microsecond * 1000:09d}"


def columns(rows: Sequence[Sequence[str]]) -> str:
    """Tab-separated lines, each ending in a newline (the input of :func:`tabwriter`)."""
    return "".join("\t".join(row) + "\n" for row in rows)
