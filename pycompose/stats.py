"""``stats`` columns from an engine stats sample, computed and printed as the docker CLI does
(which Compose's ``stats`` is). Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_BINARY = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
_DECIMAL = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")


def _custom_size(precision: int, size: float, base: float, units: Sequence[str]) -> str:
    """go-units' CustomSize with ``%.<precision>g``."""
    index = 0
    while size >= base and index < len(units) - 1:
        size /= base
        index += 1
    return f"{size:.{precision}g}{units[index]}"


def bytes_size(size: float) -> str:
    """go-units ``BytesSize``: binary units, four significant digits (``468KiB``)."""
    return _custom_size(4, size, 1024.0, _BINARY)


def human_size(size: float) -> str:
    """go-units ``HumanSizeWithPrecision(size, 3)``: decimal units (``1.31kB``)."""
    return _custom_size(3, size, 1000.0, _DECIMAL)


def cpu_percent(sample: Mapping[str, Any]) -> float:
    cpu = sample.get("cpu_stats") or {}
    pre = sample.get("precpu_stats") or {}
    usage = cpu.get("cpu_usage") or {}
    cpu_delta = float(usage.get("total_usage") or 0) - float(
        (pre.get("cpu_usage") or {}).get("total_usage") or 0)
    system_delta = float(cpu.get("system_cpu_usage") or 0) - float(
        pre.get("system_cpu_usage") or 0)
    online = float(cpu.get("online_cpus") or 0) or float(len(usage.get("percpu_usage") or ()))
    if system_delta > 0 and cpu_delta > 0:
        return cpu_delta / system_delta * online * 100.0
    return 0.0


def memory_usage(sample: Mapping[str, Any]) -> float:
    """Usage without the page cache the kernel can drop (cgroup v1 ``total_inactive_file``,
    v2 ``inactive_file``)."""
    memory = sample.get("memory_stats") or {}
    usage = float(memory.get("usage") or 0)
    stats = memory.get("stats") or {}
    for key in ("total_inactive_file", "inactive_file"):
        if key in stats and float(stats[key]) < usage:
            return usage - float(stats[key])
    return usage


def stats_fields(container_id: str, name: str, sample: Mapping[str, Any], *,
                 no_trunc: bool = False) -> dict[str, str]:
    """The template fields of one row (an empty ``sample``: a container that is not running)."""
    memory = sample.get("memory_stats") or {}
    limit = float(memory.get("limit") or 0)
    used = memory_usage(sample)
    rx = tx = 0.0
    for network in (sample.get("networks") or {}).values():
        rx += float(network.get("rx_bytes") or 0)
        tx += float(network.get("tx_bytes") or 0)
    read = write = 0.0
    for entry in (sample.get("blkio_stats") or {}).get("io_service_bytes_recursive") or ():
        op = str(entry.get("op") or "").lower()
        if op == "read":
            read += float(entry.get("value") or 0)
        elif op == "write":
            write += float(entry.get("value") or 0)
    pids = (sample.get("pids_stats") or {}).get("current")
    return {
        "BlockIO": f"{human_size(read)} / {human_size(write)}",
        "CPUPerc": f"{cpu_percent(sample):.2f}%",
        "Container": container_id,
        "ID": container_id if no_trunc else container_id[:12],
        "MemPerc": f"{used / limit * 100.0 if limit else 0.0:.2f}%",
        "MemUsage": f"{bytes_size(used)} / {bytes_size(limit)}",
        "Name": name,
        "NetIO": f"{human_size(rx)} / {human_size(tx)}",
        "PIDs": str(int(pids)) if pids is not None else "0",
    }
