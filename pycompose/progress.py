"""Renders progress events the way Docker Compose v2 does.

``plain`` (not a terminal): one line per status change, `` Container p-web-1  Started``;
``tty``: a live view with one line per resource; ``json``: one JSON object per event;
``quiet``: nothing. Warnings always go to stderr.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import IO, Any

from pycompose.events import Event

_DONE_MARK = "✔"
_ERROR_MARK = "✘"


class Renderer:
    """Receives :class:`Event` objects; ``close()`` flushes what is left."""

    def __init__(self, mode: str = "auto", stream: IO[str] | None = None,
                 dry_run: bool = False) -> None:
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "tty" if self.stream.isatty() else "plain"
        self.mode = mode
        self.prefix = "DRY-RUN MODE -  " if dry_run else ""
        self._lock = threading.Lock()
        self._lines: dict[str, tuple[str, bool, bool, float, float]] = {}
        self._live: Any = None
        if mode == "tty":
            from rich.console import Console
            from rich.live import Live

            self._console = Console(file=self.stream, highlight=False)
            self._live = Live(console=self._console, auto_refresh=True, refresh_per_second=10,
                              transient=False, get_renderable=self._render)
            self._live.start()

    def __call__(self, event: Event) -> None:
        with self._lock:
            if event.status == "Warning":
                self._warn(event.text or event.resource)
                return
            if self.mode == "quiet":
                return
            if self.mode == "json":
                self.stream.write(json.dumps({"id": event.resource, "status": event.status,
                                              "text": event.text,
                                              "error": event.error}) + "\n")
                self.stream.flush()
                return
            if self.mode == "plain":
                self.stream.write(f" {self.prefix}{event.resource}  {event.status}\n")
                self.stream.flush()
                return
            start = self._lines.get(event.resource, ("", False, False, time.monotonic(), 0.0))[3]
            end = time.monotonic() if event.done else 0.0
            self._lines[event.resource] = (event.status, event.done, event.error, start, end)

    def _warn(self, text: str) -> None:
        if self._live is not None:
            self._live.console.print(f"WARN[0000] {text}")
        else:
            from pycompose.cli.output import print_warnings

            print_warnings([text])

    def _render(self) -> Any:
        from rich.text import Text

        total = len(self._lines)
        done = sum(1 for _, d, _, _, _ in self._lines.values() if d)
        out = Text(f"[+] Running {done}/{total}\n")
        now = time.monotonic()
        for resource, (status, finished, error, start, end) in self._lines.items():
            mark = _ERROR_MARK if error else (_DONE_MARK if finished else "⠿")
            elapsed = (end or now) - start
            style = "red" if error else ("green" if finished else "blue")
            out.append(f" {mark} ", style=style)
            out.append(f"{self.prefix}{resource}  {status}")
            out.append(f"  {elapsed:.1f}s\n", style="dim")
        return out

    def close(self) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None
