"""Container output formatting as Docker Compose v2 prints it (prefix width, colour order,
status lines), and the byte-level pieces under it: line splitting, frame demultiplexing and
chunked decoding."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from pycompose.engine.streams import STDERR, STDOUT, Demuxer, _SocketStream, output
from pycompose.logs import PALETTE, LineSplitter, LogFormatter, display_name, timestamp


def test_prefix_is_padded_to_the_longest_name_seen_so_far_plus_one() -> None:
    fmt = LogFormatter(colour=False)
    assert fmt.lines("db-1", [b"a"]) == b"db-1  | a\n"
    assert fmt.lines("longservicename-1", [b"b"]) == b"longservicename-1  | b\n"
    # Compose widens every prefix once a longer name has registered.
    assert fmt.lines("db-1", [b"c", b"d"]) == (b"db-1               | c\n"
                                                b"db-1               | d\n")


def test_colours_follow_composes_rainbow_in_registration_order() -> None:
    fmt = LogFormatter(colour=True)
    names = [f"s{i}-1" for i in range(12)]
    for name in names:
        fmt.register(name)
    got = [fmt.lines(name, [b"x"]).split(b"m", 1)[0] for name in names]
    expected = [b"\x1b[" + PALETTE[i % len(PALETTE)].encode() for i in range(12)]
    assert got == expected
    assert PALETTE[:6] == ("36", "33", "32", "35", "34", "36;1")


def test_coloured_line_resets_after_the_prefix_only() -> None:
    fmt = LogFormatter(colour=True)
    assert fmt.lines("web-1", [b"hello"]) == b"\x1b[36mweb-1  | \x1b[0mhello\n"


def test_status_line_clears_the_line_and_is_coloured_newline_included() -> None:
    fmt = LogFormatter(colour=True)
    fmt.register("a-1")
    assert fmt.status("a-1", "exited with code 0") == (
        b"\x1b[36m\r\x1b[Ka-1 exited with code 0\n\x1b[0m")
    plain = LogFormatter(colour=False)
    assert plain.status("a-1", "exited with code 2") == b"\r\x1b[Ka-1 exited with code 2\n"


def test_no_log_prefix_prints_lines_bare_without_colour() -> None:
    fmt = LogFormatter(colour=True, prefix=False)
    assert fmt.lines("web-1", [b"a", b"b\r"]) == b"a\nb\r\n"


def test_timestamps_come_after_the_prefix() -> None:
    fmt = LogFormatter(colour=False, timestamps=True)
    line = fmt.lines("web-1", [b"hi"])
    assert line.startswith(b"web-1  | 20")
    assert line.endswith(b" hi\n")


def test_timestamp_is_gos_rfc3339_nano_fixed() -> None:
    utc = datetime(2024, 1, 2, 3, 4, 5, 60, tzinfo=UTC)
    assert timestamp(utc) == "2024-01-02T03:04:05.000060000Z"
    plus2 = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert timestamp(plus2) == "2024-01-02T03:04:05.000000000+02:00"


def test_display_name_drops_the_project_prefix_of_default_names_only() -> None:
    assert display_name("p", "web", "1", "p-web-1") == "web-1"
    assert display_name("p", "web", "1", "custom") == "custom"
    assert display_name("p", "web", "", "p-web-run-0123456789ab") == "p-web-run-0123456789ab"


def test_line_splitter_keeps_partial_lines_until_completed() -> None:
    split = LineSplitter()
    assert split.feed(b"abc") == []
    assert split.feed(b"def\ngh") == [b"abcdef"]
    assert split.feed(b"\n\n") == [b"gh", b""]
    assert split.feed(b"tail") == []
    assert split.flush() == [b"tail"]
    assert split.flush() == []


def _frame(kind: int, payload: bytes) -> bytes:
    return struct.pack(">BxxxL", kind, len(payload)) + payload


def test_demuxer_handles_frames_split_anywhere() -> None:
    data = _frame(STDOUT, b"out\n") + _frame(STDERR, b"err\n") + _frame(STDOUT, b"")
    for cut in range(len(data) + 1):
        demux = Demuxer()
        got = demux.feed(data[:cut]) + demux.feed(data[cut:])
        assert [(k, p) for k, p in got if p] == [(STDOUT, b"out\n"), (STDERR, b"err\n")]


def _served(payload: bytes, pieces: int) -> _SocketStream:
    """A stream whose socket receives ``payload`` in ``pieces`` separate writes."""
    ours, theirs = socket.socketpair()

    def serve() -> None:
        size = max(1, len(payload) // pieces)
        # The reader may stop at the last chunk and close before the final CRLF is sent.
        with contextlib.suppress(OSError):
            for start in range(0, len(payload), size):
                theirs.sendall(payload[start:start + size])
        theirs.close()

    threading.Thread(target=serve, daemon=True).start()
    return _SocketStream(ours, b"", "chunked")


@pytest.mark.parametrize("pieces", [1, 3, 17, 1000])
def test_chunked_body_is_decoded_whatever_the_reads(pieces: int) -> None:
    body = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n"
                    for c in [b"hello ", b"chunked", b" world\n" * 50]) + b"0\r\n\r\n"
    stream = _served(body, pieces)
    assert b"".join(stream.chunks()) == b"hello chunked" + b" world\n" * 50
    stream.close()


def test_output_joins_stdout_and_stderr_as_compose_shows_them() -> None:
    frames = _frame(STDOUT, b"a\n") + _frame(STDERR, b"b\n") + _frame(STDOUT, b"c")
    body = f"{len(frames):x}\r\n".encode() + frames + b"\r\n0\r\n\r\n"
    assert b"".join(output(_served(body, 5), tty=False)) == b"a\nb\nc"


def test_closing_a_stream_ends_a_blocked_reader() -> None:
    ours, theirs = socket.socketpair()
    stream = _SocketStream(ours, b"", "raw")
    result: list[bytes] = []
    reader = threading.Thread(target=lambda: result.append(stream.read()))
    reader.start()
    stream.close()
    reader.join(60)
    assert not reader.is_alive()
    assert result == [b""]
    theirs.close()
