"""Messages to the terminal in Docker Compose's formats."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import UTC, datetime


def print_warnings(warnings: Iterable[str]) -> None:
    """Warnings as Compose (logrus) prints them: ``WARN[0000] msg`` on a terminal, else
    ``time="..." level=warning msg="..."``."""
    tty = sys.stderr.isatty()
    for message in warnings:
        if tty:
            sys.stderr.write(f"WARN[0000] {message} \n")
        else:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            escaped = message.replace("\\", "\\\\").replace('"', '\\"')
            sys.stderr.write(f'time="{now}" level=warning msg="{escaped}"\n')
