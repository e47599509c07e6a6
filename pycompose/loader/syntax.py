"""Parsers for Compose's short syntaxes: ports, volumes, devices, extra hosts, commands."""

from __future__ import annotations

import ipaddress
from typing import Any


class SyntaxProblem(ValueError):
    """A short-syntax string that does not parse; the message says what was expected."""


_PROTOCOLS = frozenset({"tcp", "udp", "sctp"})


def _port_range(text: str) -> tuple[int, int] | None:
    """Docker's ``nat.ParsePortRange``: ``80`` or ``80-90``, each a base-10 uint16."""
    start, sep, rest = text.partition("-")
    end = rest.partition("-")[0] if sep else start
    if not (start.isascii() and start.isdigit() and end.isascii() and end.isdigit()):
        return None
    low, high = int(start, 10), int(end, 10)
    if low > 65535 or high > 65535 or high < low:
        return None
    return low, high


def _split_port_parts(raw: str) -> tuple[str, str, str]:
    parts = raw.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _host_ip(ip: str) -> str:
    if ip.startswith("["):
        # Go's net.SplitHostPort(ip + ":") takes the brackets off.
        close = ip.find("]")
        if close != len(ip) - 1:
            problem = "missing ']'" if close == -1 else "missing port"
            raise SyntaxProblem(f"invalid IP address {ip}: address {ip}:: {problem} in address")
        ip = ip[1:close]
    try:
        if "%" in ip:  # Go's net.ParseIP takes no IPv6 zone
            raise ValueError(ip)
        ipaddress.ip_address(ip)
    except ValueError:
        raise SyntaxProblem(f"invalid IP address: {ip}") from None
    return ip


def parse_port(value: Any) -> list[dict[str, Any]]:
    """``[ip:][host[-range]:]container[-range][/proto]`` -> long-syntax ports, as Compose expands.

    Follows Docker's ``nat.ParsePortSpec`` (checks in its order, with its messages); the
    entries come sorted by their ``port/proto`` text, as compose-go sorts them.
    """
    raw = str(value)
    ip, host, container = _split_port_parts(raw)
    if not container or container.startswith("/"):
        container, proto = "", ""
    else:
        container, _, proto = container.partition("/")
        proto = proto or "tcp"
    if proto.lower() not in _PROTOCOLS:
        raise SyntaxProblem(f"invalid proto: {proto}")
    proto = proto.lower()
    if ip:
        ip = _host_ip(ip)
    if not container:
        raise SyntaxProblem(f"no port specified: {raw}<empty>")
    ports = _port_range(container)
    if ports is None:
        raise SyntaxProblem(f"invalid containerPort: {container}")
    low, high = ports
    host_low = host_high = 0
    if host:
        host_ports = _port_range(host)
        if host_ports is None:
            raise SyntaxProblem(f"invalid hostPort: {host}")
        host_low, host_high = host_ports
        if high - low != host_high - host_low and high != low:
            raise SyntaxProblem(
                f"invalid ranges specified for container and host Ports: {container} and {host}"
            )
    entries: list[tuple[str, dict[str, Any]]] = []
    for i in range(high - low + 1):
        target = low + i
        published = str(host_low + i) if host else ""
        # One container port and a host range: the engine picks a free port in that range.
        if low == high and host_low != host_high:
            published = f"{published}-{host_high}"
        port: dict[str, Any] = {"mode": "ingress"}
        if ip:
            port["host_ip"] = ip
        port["target"] = target
        if published:
            port["published"] = published
        port["protocol"] = proto
        entries.append((f"{target}/{proto}", port))
    entries.sort(key=lambda item: item[0])
    return [port for _, port in entries]


_PROPAGATION = frozenset({"rprivate", "private", "rshared", "shared", "rslave", "slave"})


def _is_drive(buffer: list[str], char: str) -> bool:
    return char == ":" and len(buffer) == 1 and buffer[0].isalpha()


def _is_file_path(source: str) -> bool:
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) > 1 and _is_drive([source[0]], source[1])


def parse_volume(spec: str) -> dict[str, Any]:
    """``[source:]target[:options]`` -> a long-syntax volume mount, as compose-go parses it.

    As there, a letter followed by a colon is a Windows drive (``c:/x:/t`` binds ``c:/x``, and
    ``a:/data`` is an anonymous volume at ``a:/data``), unknown options are ignored, and bind
    options on a named volume are kept.
    """
    if not spec:
        raise SyntaxProblem("invalid empty volume spec")
    if len(spec.encode()) <= 2:  # Go counts bytes
        return {"type": "volume", "target": spec}
    fields: list[str] = []
    buffer: list[str] = []
    for char in spec:
        if _is_drive(buffer, char) or char != ":":
            buffer.append(char)
            continue
        if not buffer:
            raise SyntaxProblem(f"invalid spec: {spec}: empty section between colons")
        if len(fields) == 2:
            raise SyntaxProblem(f"invalid spec: {spec}: too many colons")
        fields.append("".join(buffer))
        buffer = []
    if not buffer:
        raise SyntaxProblem(f"invalid spec: {spec}: empty section between colons")
    fields.append("".join(buffer))
    if len(fields) == 1:
        source, target, options = "", fields[0], ""
    else:
        source, target = fields[0], fields[1]
        options = fields[2] if len(fields) == 3 else ""
    read_only = False
    nocopy = False
    bind: dict[str, Any] = {}
    for option in options.split(",") if options else []:
        if option == "ro":
            read_only = True
        elif option == "rw":
            read_only = False
        elif option == "nocopy":
            nocopy = True
        elif option in _PROPAGATION:
            bind["propagation"] = option
        elif option in ("z", "Z"):
            bind["selinux"] = option
    volume: dict[str, Any] = {"type": "bind" if _is_file_path(source) else "volume"}
    if source:
        volume["source"] = source
    volume["target"] = target
    if read_only:
        volume["read_only"] = True
    if volume["type"] == "bind":
        bind["create_host_path"] = True
    if bind:
        volume["bind"] = bind
    if volume["type"] == "volume" or nocopy:
        volume["volume"] = {"nocopy": True} if nocopy else {}
    return volume


def parse_device(spec: str) -> dict[str, Any]:
    """``source[:target[:permissions]]`` -> a device mapping; empty parts are left out.

    As in compose-go, a second part is always the target (``/dev/a:rw`` targets ``rw``).
    """
    parts = spec.split(":")
    if len(parts) > 3:
        raise SyntaxProblem(f"confusing device mapping, please use long syntax: {spec}")
    source = parts[0]
    target = parts[1] if len(parts) > 1 and parts[1] else source
    permissions = parts[2] if len(parts) == 3 else "rwm"
    device = {"source": source, "target": target, "permissions": permissions}
    return {key: text for key, text in device.items() if text}


def parse_extra_host(entry: str) -> tuple[str, str]:
    """``host:ip`` or ``host=ip`` (IPv6 allowed after ``=`` or the first ``:``)."""
    if "=" in entry:
        host, _, ip = entry.partition("=")
    else:
        host, sep, ip = entry.partition(":")
        if not sep:
            raise SyntaxProblem(f"invalid additional host, missing IP: {entry}")
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    return host, ip


_SHELL_SPACE = frozenset(" \t\r\n")
_SHELL_OPERATORS = frozenset(";&|<>")


def split_command(command: str) -> list[str]:
    """A string command split into words as compose-go does (go-shellwords, no expansion).

    Quotes and backslashes work as in a shell (a backslash escapes any character outside
    single quotes), ``$(...)`` and backquotes are kept as written, and the words stop at the
    first unquoted ``;``, ``&``, ``|``, ``<`` or ``>`` (with ``2>`` the ``2`` goes too).
    A bare parenthesis or an unterminated quote is an error.
    """
    words: list[str] = []
    buffer: list[str] = []
    pending = False  # a word has started (possibly an empty quoted one)
    escaped = single = double = backquote = dollar = False
    for char in command:
        if escaped:
            buffer.append(char)
            escaped = False
            pending = True
            continue
        if char == "\\":
            if single:
                buffer.append(char)
            else:
                escaped = True
            continue
        if char in _SHELL_SPACE:
            if single or double or backquote or dollar:
                buffer.append(char)
            elif pending:
                words.append("".join(buffer))
                buffer, pending = [], False
            continue
        quoted = single or double
        if char == "`" and not quoted and not dollar:
            backquote = not backquote
        elif char == ")" and not quoted and not backquote:
            dollar = not dollar
        elif char == "(" and not quoted and not backquote:
            if dollar or buffer[-1:] != ["$"]:
                raise SyntaxProblem("invalid command line string")
            dollar = True
        elif char == '"' and not single and not dollar:
            if double:
                pending = True
            double = not double
            continue
        elif char == "'" and not double and not dollar:
            if single:
                pending = True
            single = not single
            continue
        elif char in _SHELL_OPERATORS and not (quoted or backquote or dollar):
            if char == ">" and buffer[:1] and buffer[0].isdigit():
                buffer, pending = [], False  # a redirected file descriptor
            break
        buffer.append(char)
        pending = True
    if escaped or single or double or backquote or dollar:
        raise SyntaxProblem("invalid command line string")
    if pending:
        words.append("".join(buffer))
    return words
