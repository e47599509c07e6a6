"""Compose's short syntaxes (pycompose.loader.syntax): ports, volumes, devices, extra hosts,
command lines.

Every expected value is what Docker Compose v2.40.3 printed (`config --format json`) for the same
short form, and every error text is the oracle's own message.
"""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.loader.syntax import (
    SyntaxProblem,
    parse_device,
    parse_extra_host,
    parse_port,
    parse_volume,
    split_command,
)


def ports(spec: Any) -> list[tuple[str | None, int, str | None, str]]:
    return [(p.get("host_ip"), p["target"], p.get("published"), p["protocol"])
            for p in parse_port(spec)]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (80, [(None, 80, None, "tcp")]),
        ("8080:80", [(None, 80, "8080", "tcp")]),
        ("127.0.0.1:8081:81", [("127.0.0.1", 81, "8081", "tcp")]),
        ("127.0.0.1::82", [("127.0.0.1", 82, None, "tcp")]),
        ("[::1]:8083:83/udp", [("::1", 83, "8083", "udp")]),
        ("::1:8084:84", [("::1", 84, "8084", "tcp")]),
        ("[::1]::80", [("::1", 80, None, "tcp")]),
        ("::1::80", [("::1", 80, None, "tcp")]),
        ("[127.0.0.1]:80:80", [("127.0.0.1", 80, "80", "tcp")]),
        ("::80", [(None, 80, None, "tcp")]),
        (":88", [(None, 88, None, "tcp")]),
        ("0:89", [(None, 89, "0", "tcp")]),
        ("85/UDP", [(None, 85, None, "udp")]),
        ("8093/", [(None, 8093, None, "tcp")]),
        ("00080:080", [(None, 80, "80", "tcp")]),
    ],
)
def test_single_ports(spec: Any, expected: list[Any]) -> None:
    assert ports(spec) == expected


def test_port_ranges_expand_one_entry_per_port() -> None:
    assert ports("9000-9002:9000-9002") == [
        (None, 9000, "9000", "tcp"), (None, 9001, "9001", "tcp"), (None, 9002, "9002", "tcp")
    ]
    assert ports("0.0.0.0:9300-9301:9300-9301/sctp") == [
        ("0.0.0.0", 9300, "9300", "sctp"), ("0.0.0.0", 9301, "9301", "sctp")
    ]
    assert ports("86-87") == [(None, 86, None, "tcp"), (None, 87, None, "tcp")]


def test_a_host_range_for_one_container_port_stays_a_range() -> None:
    assert ports("9100-9102:9100") == [(None, 9100, "9100-9102", "tcp")]
    assert ports("1.2.3.4:8091-8092:91") == [("1.2.3.4", 91, "8091-8092", "tcp")]


def test_expanded_ports_are_sorted_as_text() -> None:
    # compose-go sorts the "port/proto" keys of one spec as strings: 10 before 9
    assert [p[1] for p in ports("9-10")] == [10, 9]


def test_a_range_with_extra_dashes_uses_the_first_two_numbers() -> None:
    assert [p[1] for p in ports("80-81-82")] == [80, 81]


def test_port_entries_are_in_long_syntax() -> None:
    assert parse_port("127.0.0.1:8080:80/udp") == [
        {"mode": "ingress", "host_ip": "127.0.0.1", "target": 80, "published": "8080",
         "protocol": "udp"}
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("1:2:3:4/foo", "invalid proto: foo"),  # the protocol is checked first
        ("80/udp/x", "invalid proto: udp/x"),
        ("/udp", "invalid proto: "),
        ("80:", "invalid proto: "),
        ("", "invalid proto: "),
        ("1:2:3:4", "invalid IP address: 1:2"),
        ("999.1.1.1:80:80", "invalid IP address: 999.1.1.1"),
        ("[fe80::1%eth0]:8090:90", "invalid IP address: fe80::1%eth0"),
        ("[::1:80:80", "invalid IP address [::1: address [::1:: missing ']' in address"),
        ("80-79:80-79", "invalid containerPort: 80-79"),
        ("99999", "invalid containerPort: 99999"),
        ("1-0", "invalid containerPort: 1-0"),
        ("80-", "invalid containerPort: 80-"),
        ("-80", "invalid containerPort: -80"),
        ("70000:80", "invalid hostPort: 70000"),
        ("x:80", "invalid hostPort: x"),
        ("+80:80", "invalid hostPort: +80"),
        ("8000-8001:80-82",
         "invalid ranges specified for container and host Ports: 80-82 and 8000-8001"),
        ("9200:9200-9202",
         "invalid ranges specified for container and host Ports: 9200-9202 and 9200"),
    ],
)
def test_bad_ports_fail_with_dockers_messages(spec: str, message: str) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        parse_port(spec)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("spec", "mount"),
    [
        ("/data", {"type": "volume", "target": "/data", "volume": {}}),
        ("vol:/t", {"type": "volume", "source": "vol", "target": "/t", "volume": {}}),
        ("0:/t", {"type": "volume", "source": "0", "target": "/t", "volume": {}}),
        ("/x:/t:cached", {"type": "bind", "source": "/x", "target": "/t",
                          "bind": {"create_host_path": True}}),
        ("/a:/b:ro,", {"type": "bind", "source": "/a", "target": "/b", "read_only": True,
                       "bind": {"create_host_path": True}}),
        ("/a:b", {"type": "bind", "source": "/a", "target": "b",
                  "bind": {"create_host_path": True}}),
        ("~/x:/t:slave,z", {"type": "bind", "source": "~/x", "target": "/t",
                            "bind": {"propagation": "slave", "selinux": "z",
                                     "create_host_path": True}}),
        ("./x:/t:nocopy,ro", {"type": "bind", "source": "./x", "target": "/t",
                              "read_only": True, "bind": {"create_host_path": True},
                              "volume": {"nocopy": True}}),
        ("vol:/t:rshared,ro,rw", {"type": "volume", "source": "vol", "target": "/t",
                                  "bind": {"propagation": "rshared"}, "volume": {}}),
        ("vol:/t:z", {"type": "volume", "source": "vol", "target": "/t",
                      "bind": {"selinux": "z"}, "volume": {}}),
        ("vol:/t:nocopy,volume-nocopy", {"type": "volume", "source": "vol", "target": "/t",
                                         "volume": {"nocopy": True}}),
    ],
)
def test_short_volumes(spec: str, mount: dict[str, Any]) -> None:
    assert parse_volume(spec) == mount


def test_two_bytes_or_less_is_a_bare_target() -> None:
    assert parse_volume("/a") == {"type": "volume", "target": "/a"}
    assert parse_volume("\u00e9") == {"type": "volume", "target": "\u00e9"}  # two UTF-8 bytes
    assert parse_volume("/\u00e9") == {"type": "volume", "target": "/\u00e9", "volume": {}}


def test_a_letter_and_colon_is_a_windows_drive() -> None:
    assert parse_volume("C:\\x:/t") == {"type": "bind", "source": "C:\\x", "target": "/t",
                                        "bind": {"create_host_path": True}}
    assert parse_volume("a:/data") == {"type": "volume", "target": "a:/data", "volume": {}}
    assert parse_volume("x:y:z")["source"] == "x:y"
    assert parse_volume("\\\\pipe\\x:/t")["type"] == "bind"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "invalid empty volume spec"),
        ("/d:/t:ro:x", "invalid spec: /d:/t:ro:x: too many colons"),
        ("/a:/b:", "invalid spec: /a:/b:: empty section between colons"),
        ("/a::/b", "invalid spec: /a::/b: empty section between colons"),
    ],
)
def test_bad_volumes(spec: str, message: str) -> None:
    with pytest.raises(SyntaxProblem) as caught:
        parse_volume(spec)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("spec", "device"),
    [
        ("/dev/a", {"source": "/dev/a", "target": "/dev/a", "permissions": "rwm"}),
        ("/dev/a:rw", {"source": "/dev/a", "target": "rw", "permissions": "rwm"}),
        ("/dev/a:/dev/b:r", {"source": "/dev/a", "target": "/dev/b", "permissions": "r"}),
        ("/dev/a::rw", {"source": "/dev/a", "target": "/dev/a", "permissions": "rw"}),
        ("/dev/a:", {"source": "/dev/a", "target": "/dev/a", "permissions": "rwm"}),
        (":/dev/b", {"target": "/dev/b", "permissions": "rwm"}),
        ("/dev/a:/dev/b:", {"source": "/dev/a", "target": "/dev/b"}),
        ("::", {}),
        ("vendor.com/gpu=all", {"source": "vendor.com/gpu=all", "target": "vendor.com/gpu=all",
                                "permissions": "rwm"}),
    ],
)
def test_devices(spec: str, device: dict[str, str]) -> None:
    assert parse_device(spec) == device


def test_more_than_three_device_parts_is_an_error() -> None:
    with pytest.raises(SyntaxProblem, match="confusing device mapping, please use long syntax"):
        parse_device("/dev/a:/dev/b:rwm:x")


@pytest.mark.parametrize(
    ("entry", "pair"),
    [
        ("a:1.2.3.4", ("a", "1.2.3.4")),
        ("a=1.2.3.4", ("a", "1.2.3.4")),
        ("a:::1", ("a", "::1")),
        ("a:[::1]", ("a", "::1")),
        ("a=[::1]", ("a", "::1")),
        ("a:", ("a", "")),
        ("a:b:c", ("a", "b:c")),
        ("a=b=c", ("a", "b=c")),
    ],
)
def test_extra_hosts(entry: str, pair: tuple[str, str]) -> None:
    assert parse_extra_host(entry) == pair


def test_extra_host_without_ip_is_an_error() -> None:
    with pytest.raises(SyntaxProblem, match="invalid additional host, missing IP: a"):
        parse_extra_host("a")


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("echo \"a\\b\" 'c\\d' e\\ f", ["echo", "ab", "c\\d", "e f"]),
        ("a '' b \"\" c", ["a", "", "b", "", "c"]),
        ('a "x\\"y" z', ["a", 'x"y', "z"]),
        ("a\\tb\\nc  d", ["atbnc", "d"]),
        ("  spaced   out  ", ["spaced", "out"]),
        ("a#b #c", ["a#b", "#c"]),
        ("", []),
        ("c{d} e[f] ~/x *", ["c{d}", "e[f]", "~/x", "*"]),
        ('"("', ["("]),
        ("echo $(x) `y`", ["echo", "$(x)", "`y`"]),
        ("$(a b) c", ["$(a b)", "c"]),
    ],
)
def test_command_lines_split_like_go_shellwords(line: str, words: list[str]) -> None:
    assert split_command(line) == words


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("echo a; echo b", ["echo", "a"]),
        ("echo a && b", ["echo", "a"]),
        ("a|b", ["a"]),
        ("x a<b c", ["x", "a"]),
        ("x a>b", ["x", "a"]),
        ("x >out", ["x"]),
        ("x 2>&1", ["x"]),
        ("x 12>b", ["x"]),
        ("x 2 >&1", ["x", "2"]),
        ("x 'a;b' \"c|d\" e\\;f", ["x", "a;b", "c|d", "e;f"]),
    ],
)
def test_command_lines_stop_at_shell_operators(line: str, words: list[str]) -> None:
    assert split_command(line) == words


@pytest.mark.parametrize("line", ['a "unterminated', "a\\", "a(b)", "(a", "a)", "a (b)",
                                  "$((1))"])
def test_bad_command_lines(line: str) -> None:
    with pytest.raises(SyntaxProblem, match="invalid command line string"):
        split_command(line)
