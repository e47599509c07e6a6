"""Following several containers at once: their output and their lifecycle events.

Each followed stream (``logs`` or ``attach``) is read by a thread of its own, cut into lines,
and handed to one :class:`queue.Queue` as whole lines, several at a time. The one consumer of
that queue writes them, so lines of different containers interleave but are never torn. The
project's container events (start, die, ...) go to the same queue, so whoever consumes it sees
output and events in the order they arrived.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycompose.engine import labels as L
from pycompose.engine import streams
from pycompose.errors import EngineError
from pycompose.logs import LineSplitter, display_name

if TYPE_CHECKING:
    from pycompose.engine.client import Engine

LINES = "lines"
END = "end"
EVENT = "event"
ERROR = "error"


@dataclass(frozen=True)
class Target:
    """A container to follow: ``name`` is what its lines are prefixed with; ``run`` tells
    apart the streams of successive runs of one container."""

    id: str
    name: str
    service: str
    number: str
    tty: bool = False
    run: int = 0


@dataclass(frozen=True)
class Message:
    """What the queue carries: ``lines`` (of ``target``), ``end`` (its stream ended after
    ``count`` lines), ``event`` (an engine event, in ``event``), ``error`` (a follower failed,
    in ``error``)."""

    kind: str
    target: Target | None = None
    lines: list[bytes] | None = None
    event: dict[str, Any] | None = None
    error: str = ""
    count: int = 0


def target_from_summary(project: str, raw: dict[str, Any], tty: bool | None = None) -> Target:
    """A :class:`Target` for a container as the engine lists it (``GET /containers/json``);
    ``tty`` is looked up with an inspect when not given."""
    labels = raw.get("Labels") or {}
    name = str((raw.get("Names") or [""])[0]).lstrip("/")
    service = labels.get(L.SERVICE, "")
    number = labels.get(L.CONTAINER_NUMBER, "")
    return Target(id=str(raw["Id"]), name=display_name(project, service, number, name),
                  service=service, number=number, tty=bool(tty))


class Follower:
    """Threads that read container streams (and the event stream) into ``self.queue``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.queue: queue.Queue[Message] = queue.Queue()
        self._streams: dict[Target | str, streams.Stream] = {}
        self._lock = threading.Lock()
        self._closed = False

    def add(self, target: Target, stream: streams.Stream) -> None:
        """Follow an already opened output stream of ``target``."""
        with self._lock:
            if self._closed:
                stream.close()
                return
            self._streams[target] = stream
        thread = threading.Thread(target=self._pump, args=(target, stream), daemon=True,
                                  name=f"follow-{target.name}")
        thread.start()

    def logs(self, target: Target, *, follow: bool = False, since: str | None = None,
             until: str | None = None, tail: str | None = None,
             timestamps: bool = False) -> None:
        """Follow ``target`` through the logs API."""
        stream = streams.logs(self.engine, target.id, follow=follow, since=since, until=until,
                              tail=tail, timestamps=timestamps)
        self.add(target, stream)

    def attach(self, target: Target) -> None:
        """Follow ``target`` through the attach API (output from now on, not its logs)."""
        self.add(target, streams.attach(self.engine, target.id))

    def _pump(self, target: Target, stream: streams.Stream) -> None:
        splitter = LineSplitter()
        put = self.queue.put
        count = 0
        try:
            for data in streams.output(stream, target.tty):
                lines = splitter.feed(data)
                if lines:
                    count += len(lines)
                    put(Message(LINES, target, lines))
        except EngineError as exc:
            put(Message(ERROR, target, error=str(exc)))
        finally:
            rest = splitter.flush()
            if rest:
                count += 1
                put(Message(LINES, target, rest))
            with self._lock:
                if self._streams.get(target) is stream:
                    del self._streams[target]
            stream.close()
            put(Message(END, target, count=count))

    def watch_events(self, project: str) -> None:
        """Put the project's container events in the queue, from now on."""
        stream = streams.events(self.engine, {"label": [f"{L.PROJECT}={project}"],
                                              "type": ["container"]})
        with self._lock:
            if self._closed:
                stream.close()
                return
            self._streams["events"] = stream

        def pump() -> None:
            try:
                for event in streams.json_lines(stream):
                    self.queue.put(Message(EVENT, event=event))
            except (EngineError, ValueError) as exc:
                self.queue.put(Message(ERROR, error=str(exc)))

        threading.Thread(target=pump, daemon=True, name="events").start()

    def close(self) -> None:
        """Stop every follower (their threads see the end of their streams)."""
        with self._lock:
            self._closed = True
            opened = list(self._streams.values())
            self._streams.clear()
        for stream in opened:
            stream.close()
