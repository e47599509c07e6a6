"""Messages to the terminal in Docker Compose's formats."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable


def print_warnings(warnings: Iterable[str]) -> None:
    """Warnings as Compose (logrus) prints them: ``WARN[0000] msg`` on a terminal, else
    ``time="..." level=warning msg="..."``."""
    tty = sys.stderr.isatty()
    for message in warnings:
        if tty:
            sys.stderr.write(f"WARN[0000] {message} \n")
        else:
            from datetime import UTC, datetime

            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            escaped = message.replace("\\", "\\\\").replace('"', '\\"')
            sys.stderr.write(f'time="{now}" level=warning msg="{escaped}"\n')


def line_writer() -> Callable[[str], None]:
    """Writes build progress lines to stdout (where Compose prints them), whole lines at a
    time though builds run in parallel threads."""
    import threading

    lock = threading.Lock()

    def write(line: str) -> None:
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    return write
