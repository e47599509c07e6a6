"""Parsers for Compose's short syntaxes: ports, volumes, devices, extra hosts, commands."""

from __future__ import annotations

import ipaddress
import shlex
from typing import Any


class SyntaxProblem(ValueError):
    """A short-syntax string that does not parse; the message says what was expected."""


def _port_range(text: str, spec: str) -> tuple[int, int]:
    if not text:
        raise SyntaxProblem(f"invalid port {spec!r}: empty port")
    start, sep, end = text.partition("-")
    try:
        low = int(start, 10)
        high = int(end, 10) if sep else low
    except ValueError:
        raise SyntaxProblem(f'invalid port "{spec}": expected a number or a range') from None
    if not (0 <= low <= 65535 and 0 <= high <= 65535) or (sep and high < low):
        raise SyntaxProblem(f'invalid port "{spec}": out of range')
    return low, high


def _split_port_parts(raw: str) -> tuple[str, str, str]:
    parts = raw.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    if len(parts) == 3:
        return parts[0], parts[1], parts[2]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def parse_port(value: Any) -> list[dict[str, Any]]:
    """``[ip:][host[-range]:]container[-range][/proto]`` -> long-syntax ports (Compose's way)."""
    raw = str(value)
    ip, host, container = _split_port_parts(raw)
    container, _, proto = container.partition("/")
    proto = (proto or "tcp").lower()
    if ip.startswith("[") and ip.endswith("]"):
        ip = ip[1:-1]
    if ip:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            raise SyntaxProblem(f'invalid IP address: "{ip}"') from None
    if not container:
        raise SyntaxProblem(f'no port specified: "{raw}"')
    low, high = _port_range(container, raw)
    host_low = host_high = 0
    if host:
        host_low, host_high = _port_range(host, raw)
        if (high - low) != (host_high - host_low) and high != low:
            raise SyntaxProblem(
                f'invalid ranges specified for container and host ports: "{raw}"'
            )
    entries: list[tuple[str, dict[str, Any]]] = []
    for i in range(high - low + 1):
        target = low + i
        published = str(host_low + i) if host else ""
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
    # Compose sorts the expanded ports by their "port/proto" text.
    entries.sort(key=lambda item: item[0])
    return [port for _, port in entries]


_PROPAGATION = frozenset({"rprivate", "private", "rshared", "shared", "rslave", "slave"})


def _is_file_path(source: str) -> bool:
    return bool(source) and (source[0] in "./~" or source.startswith("\\\\"))


def parse_volume(spec: str) -> dict[str, Any]:
    """``[source:]target[:options]`` -> a long-syntax volume mount, as Compose parses it."""
    if not spec:
        raise SyntaxProblem("invalid empty volume spec")
    if len(spec) <= 2:
        return {"type": "volume", "target": spec, "volume": {}}
    fields = spec.split(":")
    if any(not f for f in fields):
        raise SyntaxProblem(f"invalid spec: {spec}: empty section between colons")
    if len(fields) > 3:
        raise SyntaxProblem(f"invalid spec: {spec}: too many colons")
    volume: dict[str, Any] = {}
    if len(fields) == 1:
        target, source, options = fields[0], "", ""
    else:
        source, target = fields[0], fields[1]
        options = fields[2] if len(fields) == 3 else ""
    read_only = False
    nocopy = False
    propagation = ""
    selinux = ""
    for option in options.split(",") if options else []:
        if option == "ro":
            read_only = True
        elif option == "rw":
            read_only = False
        elif option == "nocopy":
            nocopy = True
        elif option in _PROPAGATION:
            propagation = option
        elif option in ("z", "Z"):
            selinux = option
    if _is_file_path(source):
        volume["type"] = "bind"
    else:
        volume["type"] = "volume"
    if source:
        volume["source"] = source
    volume["target"] = target
    if read_only:
        volume["read_only"] = True
    if volume["type"] == "bind":
        bind: dict[str, Any] = {}
        if propagation:
            bind["propagation"] = propagation
        bind["create_host_path"] = True
        if selinux:
            bind["selinux"] = selinux
        volume["bind"] = bind
    else:
        volume["volume"] = {"nocopy": True} if nocopy else {}
    return volume


def parse_device(spec: str) -> dict[str, Any]:
    """``source[:target[:permissions]]`` -> a device mapping."""
    parts = spec.split(":")
    if len(parts) > 3 or not parts[0]:
        raise SyntaxProblem(f"invalid device specification: {spec}")
    source = parts[0]
    target = parts[1] if len(parts) > 1 and parts[1] else source
    permissions = parts[2] if len(parts) > 2 else "rwm"
    if len(parts) == 2 and _looks_like_permissions(parts[1]):
        target, permissions = source, parts[1]
    return {"source": source, "target": target, "permissions": permissions}


def _looks_like_permissions(text: str) -> bool:
    return bool(text) and set(text) <= set("rwm") and not text.startswith("/")


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


def split_command(command: str) -> list[str]:
    """A string command split into words like a POSIX shell would (quotes, escapes)."""
    try:
        return shlex.split(command, posix=True)
    except ValueError as exc:
        raise SyntaxProblem(f"invalid command line {command!r}: {exc}") from None
