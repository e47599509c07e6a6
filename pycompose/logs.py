"""Container output as Docker Compose v2 prints it: ``web-1  | line`` in a colour per container.

Pure formatting on bytes (container output is not necessarily text, and is written unchanged):

* A container gets its colour the first time something is printed for it, in Compose's order
  (cyan, yellow, green, magenta, blue, then the same bold), so the order depends on which
  container speaks first, as in Compose.
* The prefix is the container's name padded to the longest name seen so far plus one, then
  ``" | "``; the padding grows as longer names appear, exactly as Compose's does.
* Status lines (``web-1 exited with code 0``) start with ``\\r\\x1b[K`` (always, as Compose's)
  and are coloured as a whole, the newline included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

RESET = b"\x1b[0m"
#: Compose's rainbow: cyan, yellow, green, magenta, blue, then their intense (bold) variants.
PALETTE: tuple[str, ...] = ("36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1",
                            "34;1")
_CLEAR_LINE = b"\r\x1b[K"


def display_name(project: str, service: str, number: str | int, name: str) -> str:
    """The name Compose shows for a container: without the ``project-`` prefix when it has the
    default name, else (``container_name``, one-off containers) its full name."""
    default = f"{project}-{service}-{number}"
    if name == default:
        return name[len(project) + 1:]
    return name


def timestamp(now: datetime | None = None) -> str:
    """Go's RFC3339NanoFixed of the local time (``2006-01-02T15:04:05.000000000Z07:00``)."""
    now = now or datetime.now().astimezone()
    offset = now.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}000" + zone


@dataclass
class _Presenter:
    colour: str | None
    prefix: bytes = b""


@dataclass
class LogFormatter:
    """Turns lines of named containers into the bytes Compose prints for them.

    ``colour``: ANSI colours on; ``prefix``: the ``name | `` prefix on (``--no-log-prefix``
    turns it off); ``timestamps``: each line starts with the time it is printed (attached
    ``up --timestamps``; ``logs -t`` gets the engine's timestamps inside the line instead).
    """

    colour: bool = True
    prefix: bool = True
    timestamps: bool = False
    _presenters: dict[str, _Presenter] = field(default_factory=dict)
    _next: int = 0
    width: int = 0

    def register(self, name: str) -> None:
        """Give ``name`` its colour now (Compose registers a container when it first prints
        something for it)."""
        if name in self._presenters:
            return
        colour = None
        if self.colour and name:
            colour = PALETTE[self._next % len(PALETTE)]
            self._next += 1
        self._presenters[name] = _Presenter(colour)
        self.width = max(len(n) for n in self._presenters) + 1
        for other, presenter in self._presenters.items():
            presenter.prefix = self._prefix(other, presenter.colour) if self.prefix else b""

    def _prefix(self, name: str, colour: str | None) -> bytes:
        text = f"{name:<{self.width}} | ".encode()
        return _paint(colour, text)

    def lines(self, name: str, lines: list[bytes]) -> bytes:
        """The output for ``lines`` (without their newlines) of container ``name``."""
        presenter = self._presenters.get(name)
        if presenter is None:
            self.register(name)
            presenter = self._presenters[name]
        prefix = presenter.prefix
        if self.timestamps:
            prefix += timestamp().encode() + b" "
        if not prefix:
            return b"\n".join(lines) + b"\n"
        return prefix + (b"\n" + prefix).join(lines) + b"\n"

    def status(self, name: str, message: str) -> bytes:
        """A status line such as ``exited with code 0``."""
        presenter = self._presenters.get(name)
        if presenter is None:
            self.register(name)
            presenter = self._presenters[name]
        return _paint(presenter.colour, _CLEAR_LINE + f"{name} {message}\n".encode())


def _paint(colour: str | None, text: bytes) -> bytes:
    if colour is None:
        return text
    return b"\x1b[" + colour.encode() + b"m" + text + RESET


class LineSplitter:
    """Cuts a byte stream into lines (without ``\\n``); the last, unfinished one waits for the
    rest, or for :meth:`flush` at the end of the stream."""

    __slots__ = ("pending",)

    def __init__(self) -> None:
        self.pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        if b"\n" not in data:
            self.pending += data
            return []
        parts = (self.pending + data).split(b"\n") if self.pending else data.split(b"\n")
        self.pending = parts.pop()
        return parts

    def flush(self) -> list[bytes]:
        rest, self.pending = self.pending, b""
        return [rest] if rest else []

