"""A child process on a pseudo-terminal, for the TTY paths (interactive ``run``/``exec``,
Ctrl-C during attached ``up``, window resizes).

The child gets the pty as its stdin, stdout and stderr, and as its controlling terminal, so
Ctrl-C typed (``\\x03``) reaches it as SIGINT exactly as from a real terminal.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

from tests.helpers import child_env


class PtyProcess:
    def __init__(self, argv: list[str], cwd: str | Path, *, rows: int = 24, cols: int = 80,
                 env: Mapping[str, str | None] | None = None) -> None:
        environ = child_env(env)
        environ.setdefault("TERM", "xterm")
        pid, fd = pty.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                os.chdir(cwd)
                os.execvpe(argv[0], argv, environ)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.output = b""
        self.status: int | None = None
        self.resize(rows, cols, notify=False)

    @classmethod
    def pycompose(cls, *args: str, cwd: str | Path, rows: int = 24, cols: int = 80,
                  env: Mapping[str, str | None] | None = None) -> PtyProcess:
        return cls([sys.executable, "-m", "pycompose", *args], cwd, rows=rows, cols=cols,
                   env=env)

    def resize(self, rows: int, cols: int, *, notify: bool = True) -> None:
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        if notify:
            # The kernel signals the terminal's foreground process group; say it directly too.
            os.kill(self.pid, signal.SIGWINCH)

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        self.output += data
        return True

    def expect(self, needle: bytes, timeout: float = 60.0, *, start: int = 0) -> int:
        """Wait until ``needle`` appears in the output after ``start``; its end offset."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.output.find(needle, start)
            if found >= 0:
                return found + len(needle)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(min(remaining, 0.2)):
                if self.output.find(needle, start) >= 0:
                    continue
                raise AssertionError(f"{needle!r} not seen; output so far:\n"
                                     f"{self.output.decode(errors='replace')}")

    def wait(self, timeout: float = 60.0) -> int:
        """Read until the child exits; its exit code."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            self._read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                while select.select([self.fd], [], [], 0.05)[0] and self._read(0):
                    pass
                self.status = os.waitstatus_to_exitcode(status)
            elif time.monotonic() > deadline:
                self.kill()
                raise AssertionError("the child did not exit; output:\n"
                                     + self.output.decode(errors="replace"))
        os.close(self.fd)
        return self.status

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
