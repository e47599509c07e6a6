"""This terminal connected to a process in a container (``run``, ``exec``, ``attach``).

With a TTY the local terminal goes into raw mode, so every key (Ctrl-C included) reaches the
container's terminal, and window size changes are passed on (``SIGWINCH`` -> resize). Without
one, standard input is copied to the process until end of file, its stdout and stderr are
demultiplexed to ours, and SIGINT/SIGTERM are forwarded to the container when asked.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from pycompose.engine import streams


def terminal_size(fd: int | None = None) -> tuple[int, int] | None:
    """(rows, columns) of the terminal on ``fd`` (stdout by default), None if not a terminal."""
    for candidate in ((fd,) if fd is not None else (1, 0, 2)):
        try:
            size = os.get_terminal_size(candidate)
        except OSError:
            continue
        return size.lines, size.columns
    return None


def stdin_is_tty() -> bool:
    try:
        return os.isatty(sys.stdin.fileno())
    except (ValueError, OSError):
        return False


class Session:
    """Runs until the container side of ``stream`` ends.

    ``resize(rows, cols)`` is called at the start and on each window change (TTY only);
    ``forward_signal(name)`` receives SIGINT/SIGTERM (non-TTY ``run``/``attach``), the second
    interrupt goes to ``force`` when given (so an interrupted ``run --rm`` cannot hang).
    """

    def __init__(self, stream: streams.Stream, *, tty: bool, stdin: bool,
                 resize: Callable[[int, int], None] | None = None,
                 forward_signal: Callable[[str], None] | None = None,
                 force: Callable[[], None] | None = None) -> None:
        self.stream = stream
        self.tty = tty
        self.stdin = stdin
        self.resize = resize
        self.forward_signal = forward_signal
        self.force = force
        self.interrupts = 0
        self._done = threading.Event()

    def run(self) -> None:
        in_fd = _fileno(sys.stdin)
        raw_mode = self.tty and self.stdin and in_fd is not None and os.isatty(in_fd)
        saved: Any = None
        previous: dict[signal.Signals, Any] = {}
        if raw_mode and in_fd is not None:
            import termios
            import tty

            saved = termios.tcgetattr(in_fd)
            tty.setraw(in_fd)
        try:
            if self.tty and self.resize is not None:
                self._resize()
                if threading.current_thread() is threading.main_thread():
                    previous[signal.SIGWINCH] = signal.signal(signal.SIGWINCH, self._on_winch)
            if (self.forward_signal is not None
                    and threading.current_thread() is threading.main_thread()):
                for sig in (signal.SIGINT, signal.SIGTERM):
                    previous[sig] = signal.signal(sig, self._on_signal)
            if self.stdin and in_fd is not None:
                threading.Thread(target=self._pump_stdin, args=(in_fd,), daemon=True,
                                 name="stdin").start()
            self._pump_output()
        finally:
            self._done.set()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if saved is not None and in_fd is not None:
                import termios

                termios.tcsetattr(in_fd, termios.TCSADRAIN, saved)
            self.stream.close()

    def _pump_output(self) -> None:
        out = sys.stdout.buffer
        err = sys.stderr.buffer
        for kind, data in streams.frames(self.stream, self.tty):
            target = err if kind == streams.STDERR else out
            target.write(data)
            target.flush()

    def _pump_stdin(self, fd: int) -> None:
        """Copy stdin to the container; polling lets the thread end with the session instead
        of swallowing keys typed after it."""
        while not self._done.is_set():
            try:
                ready, _, _ = select.select([fd], [], [], 0.2)
            except (OSError, ValueError):
                break
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            try:
                self.stream.send(data)
            except Exception:  # the container is gone; nothing to copy to
                return
        if not self._done.is_set():
            self.stream.close_write()

    def _resize(self) -> None:
        size = terminal_size()
        if size is not None and self.resize is not None:
            rows, cols = size
            # A process that already ended cannot be resized; that is no error.
            with contextlib.suppress(Exception):
                self.resize(rows, cols)

    def _on_winch(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        threading.Thread(target=self._resize, daemon=True).start()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        del frame
        self.interrupts += 1
        name = signal.Signals(signum).name.removeprefix("SIG")
        if self.interrupts > 1 and self.force is not None:
            threading.Thread(target=self.force, daemon=True).start()
            return
        forward = self.forward_signal
        if forward is not None:
            threading.Thread(target=forward, args=(name,), daemon=True).start()


def _fileno(stream: Any) -> int | None:
    try:
        return int(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None
