"""The model turned into Engine API payloads, field for field as Docker Compose v2 sends them.

Pure: no engine calls. Values that only the engine knows (the image id, the id of a container
that ``service:x`` modes point at, anonymous volumes to inherit) are passed in.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pycompose.engine import labels as L
from pycompose.errors import EngineError
from pycompose.loader.units import parse_duration
from pycompose.model import Network, Project, Service, Volume, thaw
from pycompose.serialize import config_hash

if TYPE_CHECKING:
    from pycompose.engine.observe import ObservedState

_HASH_EXCLUDED = ("build", "pull_policy", "scale", "depends_on", "profiles")


def expected_hashes(project: Project, observed: ObservedState) -> dict[str, str]:
    """The config-hash each service's containers should carry, given what is observed."""
    refs: dict[str, str] = {}
    for c in sorted(observed.containers, key=lambda c: (c.service, c.number)):
        if not c.oneoff:
            refs.setdefault(c.service, c.id)
    return {name: service_config_hash(s, refs) for name, s in project.services.items()}


def service_config_hash(service: Service, refs: Mapping[str, str] | None = None) -> str:
    """``com.docker.compose.config-hash`` of a service, exactly as Compose v2 computes it.

    ``refs`` maps a service name to the id of its first container: ``service:x`` network, ipc
    and pid modes and ``volumes_from`` entries are rewritten to ``container:<id>`` first.
    """
    from pycompose.loader.order import order_as

    spec = {k: thaw(v) for k, v in service.spec.items() if k not in _HASH_EXCLUDED}
    spec.setdefault("command", None)
    spec.setdefault("entrypoint", None)
    deploy = spec.get("deploy")
    if isinstance(deploy, dict):
        # Go's encoding/json prints these struct fields even when empty (omitempty has no
        # effect on structs), so they are part of what Compose hashes.
        deploy = {k: v for k, v in deploy.items() if k != "replicas"}
        deploy.setdefault("resources", {})
        deploy.setdefault("placement", {})
        spec["deploy"] = deploy
    develop = spec.get("develop")
    if isinstance(develop, dict):
        for rule in develop.get("watch") or []:
            if isinstance(rule, dict):
                rule.setdefault("exec", {"command": None})
    refs = refs or {}
    for key in ("network_mode", "ipc", "pid"):
        mode = spec.get(key)
        if isinstance(mode, str) and mode.startswith("service:") and mode[8:] in refs:
            spec[key] = f"container:{refs[mode[8:]]}"
    if spec.get("volumes_from"):
        spec["volumes_from"] = [_volumes_from_ref(str(v), refs) for v in spec["volumes_from"]]
    return config_hash(order_as("ServiceConfig", _without_extensions("ServiceConfig", spec)))


def _without_extensions(type_name: str, node: Any) -> Any:
    """``node`` without the ``x-*`` keys of its structs: compose-go keeps them out of JSON
    (and so out of the hash), while the same keys in maps (labels, environment) stay."""
    from pycompose.loader.order import FIELD_TYPES

    if not isinstance(node, dict):
        return node
    fields = FIELD_TYPES.get(type_name, {})
    return {
        k: _shaped_without_extensions(fields[k], v) if k in fields else v
        for k, v in node.items()
        if not (isinstance(k, str) and k.startswith("x-"))
    }


def _shaped_without_extensions(shape: str, node: Any) -> Any:
    if shape == "{}":
        return node
    if shape.startswith("{") and isinstance(node, dict):
        return {k: _shaped_without_extensions(shape[1:-1], v) for k, v in node.items()}
    if shape.startswith("[") and isinstance(node, list):
        return [_shaped_without_extensions(shape[1:-1], v) for v in node]
    if shape.startswith(("{", "[")):
        return node
    return _without_extensions(shape, node)


def _volumes_from_ref(entry: str, refs: Mapping[str, str]) -> str:
    # Compose resolves each entry to a bare container id or name and drops the access mode
    # (`store:ro` mounts read-write): kept as is so that hashes and containers match.
    name, _, rest = entry.partition(":")
    if name == "container":
        return rest.partition(":")[0]
    return refs.get(name, entry)


def network_payload(project: Project, network: Network) -> dict[str, Any]:
    spec = network.spec
    ipam = spec.get("ipam") or {}
    payload: dict[str, Any] = {
        "Name": network.name,
        "CheckDuplicate": True,
        "Driver": spec.get("driver") or "",
        "Internal": bool(spec.get("internal")),
        "Attachable": bool(spec.get("attachable")),
        "Options": dict(spec.get("driver_opts") or {}) or None,
        "Labels": {
            **dict(spec.get("labels") or {}),
            L.CONFIG_HASH: config_hash(network_hash_input(network)),
            L.NETWORK: network.key,
            L.PROJECT: project.name,
            L.VERSION: L.COMPOSE_VERSION,
        },
    }
    if ipam:
        payload["IPAM"] = {
            "Driver": ipam.get("driver") or "default",
            "Config": [
                {
                    k2: v
                    for k2, v in (
                        ("Subnet", pool.get("subnet")),
                        ("IPRange", pool.get("ip_range")),
                        ("Gateway", pool.get("gateway")),
                        ("AuxiliaryAddresses", dict(pool.get("aux_addresses") or {}) or None),
                    )
                    if v
                }
                for pool in ipam.get("config") or ()
            ],
            "Options": dict(ipam.get("options") or {}) or None,
        }
    if spec.get("enable_ipv6") is not None:
        payload["EnableIPv6"] = bool(spec.get("enable_ipv6"))
    return payload


def network_hash_input(network: Network) -> Any:
    from pycompose.loader.order import order_as

    spec = thaw(network.spec)
    spec.setdefault("ipam", {})
    return order_as("NetworkConfig", spec)


def volume_hash_input(volume: Volume) -> Any:
    from pycompose.loader.order import order_as

    spec = thaw(volume.spec)
    spec.setdefault("driver", "local")
    return order_as("VolumeConfig", spec)


def volume_payload(project: Project, volume: Volume) -> dict[str, Any]:
    spec = volume.spec
    payload: dict[str, Any] = {
        "Name": volume.name,
        "Labels": {
            **dict(spec.get("labels") or {}),
            L.CONFIG_HASH: config_hash(volume_hash_input(volume)),
            L.PROJECT: project.name,
            L.VERSION: L.COMPOSE_VERSION,
            L.VOLUME: volume.key,
        },
    }
    if spec.get("driver"):
        payload["Driver"] = spec["driver"]
    if spec.get("driver_opts"):
        payload["DriverOpts"] = dict(spec["driver_opts"])
    return payload


def container_name(project: Project, service: Service, number: int) -> str:
    return service.container_name or f"{project.name}-{service.name}-{number}"


def _seconds(value: Any) -> int:
    return math.floor(parse_duration(value) / 1_000_000_000)


def _exposed(service: Service) -> dict[str, Any]:
    # Compose hands `expose` entries to the engine as written ("9001-9002/udp" stays one key).
    exposed: dict[str, Any] = {str(entry): {} for entry in service.spec.get("expose") or ()}
    for port in service.spec.get("ports") or ():
        exposed[f"{port.get('target')}/{port.get('protocol') or 'tcp'}"] = {}
    return exposed


def _capabilities(names: Any) -> list[str] | None:
    """Capabilities as the Docker client library sends them: upper case, ``CAP_`` prefixed
    (``ALL`` stays as is)."""
    out = []
    for name in names or ():
        upper = str(name).upper()
        out.append(upper if upper == "ALL" or upper.startswith("CAP_") else f"CAP_{upper}")
    return out or None


def _port_bindings(service: Service) -> dict[str, list[dict[str, str]]]:
    bindings: dict[str, list[dict[str, str]]] = {}
    for port in service.spec.get("ports") or ():
        key = f"{port.get('target')}/{port.get('protocol') or 'tcp'}"
        bindings.setdefault(key, []).append(
            {"HostIp": port.get("host_ip") or "", "HostPort": str(port.get("published") or "")}
        )
    return bindings


def _restart_name(condition: str) -> str:
    return {"none": "no", "any": "always"}.get(condition, condition)


def _restart_policy(service: Service) -> dict[str, Any]:
    # deploy.restart_policy wins over restart, as in Compose.
    policy = (service.spec.get("deploy") or {}).get("restart_policy")
    if policy is not None:
        return {"Name": _restart_name(str(policy.get("condition") or "")),
                "MaximumRetryCount": int(policy.get("max_attempts") or 0)}
    restart = service.spec.get("restart")
    if restart:
        name, _, count = str(restart).partition(":")
        return {"Name": _restart_name(name),
                "MaximumRetryCount": int(count) if count.isdigit() else 0}
    return {"Name": "", "MaximumRetryCount": 0}


def api_at_least(api_version: str | None, wanted: str) -> bool:
    """Whether the engine speaks ``wanted`` or later (``None``: assume the newest)."""
    if api_version is None:
        return True
    have = tuple(int(p) for p in api_version.split(".") if p.isdigit())
    return have >= tuple(int(p) for p in wanted.split("."))


def _healthcheck(spec: Mapping[str, Any], api_version: str | None) -> dict[str, Any] | None:
    check = spec.get("healthcheck")
    if check is None:
        return None
    out: dict[str, Any] = {}
    test = ["NONE"] if check.get("disable") else check.get("test")
    if test is not None:
        out["Test"] = list(test)
    for key, api in (("interval", "Interval"), ("timeout", "Timeout"),
                     ("start_period", "StartPeriod")):
        if check.get(key) is not None:
            out[api] = parse_duration(check[key])
    if check.get("retries") is not None:
        out["Retries"] = int(check["retries"])
    if check.get("start_interval") is not None:
        if not api_at_least(api_version, "1.44"):
            raise EngineError("can't set healthcheck.start_interval as feature require Docker "
                              "Engine v25 or later")
        if check.get("start_period") is None:
            raise EngineError("healthcheck.start_interval requires healthcheck.start_period to "
                              "be set")
        out["StartInterval"] = parse_duration(check["start_interval"])
    return out


def _env(spec: Mapping[str, Any], proxy_env: Mapping[str, str]) -> list[str] | None:
    environment: dict[str, Any] = {**proxy_env, **(spec.get("environment") or {})}
    if not environment:
        return None
    return [k if v is None else f"{k}={v}" for k, v in sorted(environment.items())]


_PROXY_KEYS = (("HTTP_PROXY", "httpProxy"), ("HTTPS_PROXY", "httpsProxy"),
               ("NO_PROXY", "noProxy"), ("FTP_PROXY", "ftpProxy"), ("ALL_PROXY", "allProxy"))


def proxy_environment(docker_config: Mapping[str, Any], daemon_host: str) -> dict[str, str]:
    """The proxy variables the docker CLI config (``proxies``) gives every container Compose
    creates, in upper and lower case; the service's own environment wins over them."""
    proxies = docker_config.get("proxies")
    if not isinstance(proxies, Mapping):
        return {}
    settings = proxies.get(daemon_host) if daemon_host in proxies else proxies.get("default")
    if not isinstance(settings, Mapping):
        return {}
    out: dict[str, str] = {}
    for variable, key in _PROXY_KEYS:
        value = settings.get(key)
        if value:
            out[variable] = out[variable.lower()] = str(value)
    return out


def _bind_string(source: str, mount: Mapping[str, Any]) -> str:
    options = ["ro" if mount.get("read_only") else "rw"]
    bind = mount.get("bind") or {}
    if bind.get("selinux"):
        options.append(bind["selinux"])
    if bind.get("propagation"):
        options.append(bind["propagation"])
    if (mount.get("volume") or {}).get("nocopy"):
        options.append("nocopy")
    return f"{source}:{mount['target']}:{','.join(options)}"


def _volume_needs_mount_api(mount: Mapping[str, Any]) -> bool:
    # A named volume goes through the old `Binds` strings unless it has options only the
    # Mount API carries.
    volume = mount.get("volume") or {}
    return bool(volume.get("nocopy") or volume.get("subpath") or volume.get("labels"))


def _bind_needs_mount_api(mount: Mapping[str, Any]) -> bool:
    # `Binds` strings create a missing host path, which the Mount API cannot do; Compose uses
    # them unless an option needs the Mount API (long syntax defaults create_host_path off).
    bind = mount.get("bind")
    if not isinstance(bind, Mapping):
        return False
    return (not bind.get("create_host_path") or bool(bind.get("propagation"))
            or bool(bind.get("recursive")))


_RECURSIVE = {"disabled": "NonRecursive", "writable": "ReadOnlyNonRecursive",
              "readonly": "ReadOnlyForceRecursive"}


def _mount(mount: Mapping[str, Any], source: str | None) -> dict[str, Any]:
    kind = mount.get("type")
    out: dict[str, Any] = {"Type": kind}
    if source:
        out["Source"] = source
    out["Target"] = mount["target"]
    if mount.get("read_only"):
        out["ReadOnly"] = True
    if mount.get("consistency"):
        out["Consistency"] = mount["consistency"]
    if kind == "volume" and mount.get("volume") is not None:
        volume = mount["volume"]
        opts: dict[str, Any] = {}
        if volume.get("nocopy"):
            opts["NoCopy"] = True
        if volume.get("labels"):
            opts["Labels"] = dict(volume["labels"])
        if volume.get("subpath"):
            opts["Subpath"] = volume["subpath"]
        out["VolumeOptions"] = opts
    elif kind == "bind" and mount.get("bind") is not None:
        bind = mount["bind"]
        opts = {}
        if bind.get("propagation"):
            opts["Propagation"] = bind["propagation"]
        if bind.get("create_host_path"):
            opts["CreateMountpoint"] = True
        if bind.get("recursive") in _RECURSIVE:
            opts[_RECURSIVE[bind["recursive"]]] = True
        out["BindOptions"] = opts
    elif kind == "tmpfs" and mount.get("tmpfs") is not None:
        tmpfs = mount["tmpfs"]
        opts = {}
        if tmpfs.get("size"):
            opts["SizeBytes"] = int(tmpfs["size"])
        if tmpfs.get("mode"):
            opts["Mode"] = int(tmpfs["mode"])
        out["TmpfsOptions"] = opts
    return out


def _volumes(project: Project, service: Service, inherited: Mapping[str, str]
             ) -> tuple[list[str] | None, list[dict[str, Any]] | None]:
    """``Binds`` and ``Mounts`` as Compose splits them.

    ``inherited`` (target -> volume name) holds the anonymous volumes of the container being
    replaced, those of the service and those the image declares: they are mounted again, as
    Compose does, so their data survives.
    """
    binds: list[str] = []
    mounts: dict[str, dict[str, Any]] = {}
    declared = {m.get("target") for m in service.spec.get("volumes") or ()
                if not (m.get("type") == "volume" and not m.get("source"))}
    for target, name in inherited.items():
        if target not in declared:
            mounts[target] = {"Type": "volume", "Source": name, "Target": target}
    for mount in service.spec.get("volumes") or ():
        kind = mount.get("type")
        source = mount.get("source")
        target = mount["target"]
        if kind == "volume" and not source:
            if target not in inherited:
                mounts[target] = _mount(mount, None)
            continue
        if kind == "bind" and source and not _bind_needs_mount_api(mount):
            binds.append(_bind_string(source, mount))
        elif kind == "volume" and source in project.volumes:
            vol_name = project.volumes[source].name
            if _volume_needs_mount_api(mount):
                mounts[target] = _mount(mount, vol_name)
            else:
                binds.append(_bind_string(vol_name, mount))
        else:
            mounts[target] = _mount(mount, source)
    for ref in service.spec.get("secrets") or ():
        secret = project.secrets.get(ref.get("source"), {})
        if not secret.get("file"):
            continue  # copied into the container once it is created
        target = str(ref.get("target") or ref.get("source"))
        if not target.startswith("/"):
            target = f"/run/secrets/{target}"
        mounts.setdefault(target, {"Type": "bind", "Source": secret["file"], "Target": target,
                                   "ReadOnly": True, "BindOptions": {}})
    for ref in service.spec.get("configs") or ():
        config = project.configs.get(ref.get("source"), {})
        if not config.get("file"):
            continue
        target = str(ref.get("target") or ref.get("source"))
        if not target.startswith("/"):
            target = f"/{target}"
        mounts.setdefault(target, {"Type": "bind", "Source": config["file"], "Target": target,
                                   "ReadOnly": True})
    return binds or None, list(mounts.values()) or None


def _float32(value: Any) -> float:
    return float(struct.unpack("f", struct.pack("f", float(value)))[0])


def _nano_cpus(cpus: Any) -> int:
    # compose-go keeps CPU counts as float32 and Compose multiplies in float32, so 0.3 CPU is
    # 300000000, not the 299999999 float64 arithmetic gives.
    return int(_float32(_float32(cpus) * _float32(1e9)))


def _int(value: Any) -> int:
    return int(value or 0)


def _resources(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The ``Resources`` part of ``HostConfig``; ``deploy.resources`` wins where it is set."""
    resources = (spec.get("deploy") or {}).get("resources") or {}
    limits = resources.get("limits") or {}
    reservations = resources.get("reservations") or {}
    swappiness = _int(spec.get("mem_swappiness"))
    out: dict[str, Any] = {
        "CgroupParent": spec.get("cgroup_parent") or "",
        "Memory": _int(limits.get("memory")) or _int(spec.get("mem_limit")),
        "MemorySwap": _int(spec.get("memswap_limit")),
        "MemorySwappiness": swappiness or None,
        "MemoryReservation": _int(reservations.get("memory")) or _int(spec.get("mem_reservation")),
        "OomKillDisable": bool(spec.get("oom_kill_disable")),
        "CpuCount": _int(spec.get("cpu_count")),
        "CpuPeriod": _int(spec.get("cpu_period")),
        "CpuQuota": _int(spec.get("cpu_quota")),
        "CpuRealtimePeriod": _int(spec.get("cpu_rt_period")),
        "CpuRealtimeRuntime": _int(spec.get("cpu_rt_runtime")),
        "CpuShares": _int(spec.get("cpu_shares")),
        "NanoCpus": _nano_cpus(limits.get("cpus") or spec.get("cpus") or 0),
        # Compose multiplies cpu_percent by 100 before sending it.
        "CpuPercent": int(_float32(_float32(spec.get("cpu_percent") or 0) * 100)),
        "CpusetCpus": spec.get("cpuset") or "",
        "DeviceCgroupRules": list(spec.get("device_cgroup_rules") or ()) or None,
        "PidsLimit": (_int(limits.get("pids")) if _int(limits.get("pids")) > 0 else None)
        or _int(spec.get("pids_limit")) or None,
    }
    blkio = spec.get("blkio_config") or {}
    if blkio:
        out["BlkioWeight"] = _int(blkio.get("weight"))
        for key, api, field in (("weight_device", "BlkioWeightDevice", "Weight"),
                                ("device_read_bps", "BlkioDeviceReadBps", "Rate"),
                                ("device_read_iops", "BlkioDeviceReadIOps", "Rate"),
                                ("device_write_bps", "BlkioDeviceWriteBps", "Rate"),
                                ("device_write_iops", "BlkioDeviceWriteIOps", "Rate")):
            entries = blkio.get(key) or ()
            if entries:
                out[api] = [{"Path": e.get("path", e.get("Path")),
                             field: _int(e.get(field.lower(), e.get(field)))} for e in entries]
    devices: list[dict[str, Any]] = []
    cdi: list[str] = []
    for device in spec.get("devices") or ():
        source, target = device.get("source"), device.get("target")
        if source == target and _is_cdi_name(str(source)):
            cdi.append(str(source))
            continue
        devices.append({"PathOnHost": source, "PathInContainer": target,
                        "CgroupPermissions": device.get("permissions") or ""})
    out["Devices"] = devices or None
    requests: list[dict[str, Any]] = []
    if cdi:
        requests.append({"Driver": "cdi", "DeviceIDs": cdi})
    for gpu in spec.get("gpus") or ():
        requests.append(_device_request(gpu, [*(gpu.get("capabilities") or ()), "gpu"]))
    for device in reservations.get("devices") or ():
        requests.append(_device_request(device, list(device.get("capabilities") or ())))
    if requests:
        out["DeviceRequests"] = requests
    ulimits = [
        {"Name": k, "Hard": v, "Soft": v} if isinstance(v, int)
        else {"Name": k, "Hard": _int(v.get("hard") or v.get("single")),
              "Soft": _int(v.get("soft") or v.get("single"))}
        for k, v in sorted((spec.get("ulimits") or {}).items())
    ]
    out["Ulimits"] = ulimits or None
    return out


def _device_request(device: Mapping[str, Any], capabilities: list[str]) -> dict[str, Any]:
    request: dict[str, Any] = {"Driver": device.get("driver") or "",
                               "Count": _int(device.get("count")),
                               "DeviceIDs": list(device.get("device_ids") or ()) or None,
                               "Capabilities": [capabilities]}
    if device.get("options"):
        request["Options"] = dict(device["options"])
    return request


def _is_cdi_name(name: str) -> bool:
    """A fully qualified CDI device name: ``vendor.com/class=name``."""
    kind, sep, device = name.partition("=")
    vendor, slash, cls = kind.partition("/")
    return bool(sep and slash and device and vendor and cls and "." in vendor)


def _security_opts(project: Project, opts: Any) -> tuple[list[str] | None, bool]:
    """``security_opt`` as Compose passes it: ``systempaths=unconfined`` becomes empty masked
    and read-only path lists, a seccomp profile file is read and sent inline."""
    parsed: list[str] = []
    unconfined = False
    for opt in opts or ():
        opt = str(opt)
        if opt == "systempaths=unconfined":
            unconfined = True
            continue
        key, sep, value = opt.partition("=")
        if not sep and key != "no-new-privileges":
            if ":" not in opt:
                raise EngineError(f'invalid security-opt: "{opt}"')
            key, _, value = opt.partition(":")
        if key == "seccomp" and value not in ("unconfined", "builtin"):
            import json
            import os.path

            path = os.path.join(project.working_dir, value)
            try:
                with open(path, encoding="utf-8") as handle:
                    profile = json.load(handle)
            except (OSError, ValueError) as exc:
                raise EngineError(f"opening seccomp profile ({value}) failed: {exc}") from None
            parsed.append("seccomp=" + json.dumps(profile, separators=(",", ":")))
        else:
            parsed.append(opt)
    return parsed or None, unconfined


class InjectedFile(NamedTuple):
    """A secret or config that Compose copies into the container before each start (those
    given by ``environment`` or ``content``; ``file`` ones are bind mounts)."""

    target: str
    content: bytes
    mode: int = 0o444
    uid: int = 0
    gid: int = 0
    copy_uid_gid: bool = False

    def archive(self, mtime: float) -> bytes:
        """A tar holding only this file, named by its absolute target (extracted at ``/``)."""
        import io
        import tarfile

        info = tarfile.TarInfo(self.target)
        info.size = len(self.content)
        info.mode = self.mode
        info.uid, info.gid = self.uid, self.gid
        info.mtime = int(mtime)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
            tar.addfile(info, io.BytesIO(self.content))
        return buffer.getvalue()


def _file_mode(value: Any) -> int:
    if isinstance(value, str):
        return int(value, 8)
    return 0o444 if value is None else int(value)


def injected_files(project: Project, service: Service) -> list[InjectedFile]:
    """What Compose copies into a container of ``service`` before starting it."""
    out: list[InjectedFile] = []
    kinds = (("secrets", project.secrets, "/run/secrets/", ("environment",)),
             ("configs", project.configs, "/", ("content", "environment")))
    for key, defined, base, sources in kinds:
        for ref in service.spec.get(key) or ():
            target = str(ref.get("target") or ref.get("source"))
            if not target.startswith("/"):
                target = base + target
            spec = defined.get(ref.get("source")) or {}
            if "content" in sources and spec.get("content") is not None:
                value = str(spec["content"])
            elif spec.get("environment"):
                variable = str(spec["environment"])
                if variable not in project.environment:
                    raise EngineError(f'environment variable "{variable}" required by file '
                                      f'"{spec.get("name") or ref.get("source")}" is not set')
                value = project.environment[variable]
            else:
                continue
            uid, gid = ref.get("uid"), ref.get("gid")
            out.append(InjectedFile(
                target=target, content=value.encode(), mode=_file_mode(ref.get("mode")),
                uid=int(uid) if uid else 0, gid=int(gid) if gid else 0,
                copy_uid_gid=bool(uid or gid),
            ))
    return out


class ContainerRequest(NamedTuple):
    """Everything needed to create one container: its name and the create payload, plus the
    networks to connect after creation (the engine takes one network at create time)."""

    name: str
    payload: dict[str, Any]
    connect: Sequence[tuple[str, dict[str, Any]]] = ()
    platform: str | None = None


def service_networks(service: Service) -> list[str]:
    """Network keys of a service, primary first: by priority (highest first), then name."""
    networks = service.spec.get("networks") or {}

    def key(name: str) -> tuple[int, str]:
        spec = networks.get(name) or {}
        return (-int(spec.get("priority") or 0), name)

    return sorted(networks, key=key)


def _endpoint(service: Service, key: str, name: str, links: list[str] | None,
              mac_address: str = "") -> dict[str, Any]:
    """One network endpoint, as Compose fills it (``IPAddress`` and ``IPv6Gateway`` carry the
    configured addresses too, as Compose sends them)."""
    spec = (service.spec.get("networks") or {}).get(key)
    # Compose does not deduplicate aliases.
    endpoint: dict[str, Any] = {"Aliases": [name, service.name,
                                            *((spec or {}).get("aliases") or ())]}
    if links:
        endpoint["Links"] = list(links)
    if spec is not None:
        ipam: dict[str, Any] = {}
        if spec.get("ipv4_address"):
            ipam["IPv4Address"] = endpoint["IPAddress"] = spec["ipv4_address"]
        if spec.get("ipv6_address"):
            ipam["IPv6Address"] = endpoint["IPv6Gateway"] = spec["ipv6_address"]
        if spec.get("link_local_ips"):
            ipam["LinkLocalIPs"] = list(spec["link_local_ips"])
        endpoint["IPAMConfig"] = ipam
        if spec.get("driver_opts"):
            endpoint["DriverOpts"] = dict(spec["driver_opts"])
        if spec.get("gw_priority"):
            endpoint["GwPriority"] = int(spec["gw_priority"])
        mac_address = spec.get("mac_address") or mac_address
    if mac_address:
        endpoint["MacAddress"] = mac_address
    return endpoint


def network_endpoint(project: Project, service: Service, number: int, key: str,
                     names: Mapping[str, list[str]] | None = None) -> dict[str, Any]:
    """The endpoint of replica ``number`` of ``service`` on network ``key``, for a connect
    after creation (aliases, addresses and links as at creation)."""
    links = _links(project, service, number, names or {})
    return _endpoint(service, key, container_name(project, service, number), links)


def _container_mac_address(service: Service, networks: list[str],
                           api_version: str | None) -> str:
    """``Config.MacAddress``: Engine API 1.44 moved the MAC address to the endpoints; before
    that the container-wide field carries the service's or the primary network's address."""
    mac = str(service.spec.get("mac_address") or "")
    configs = service.spec.get("networks") or {}
    primary = (configs.get(networks[0]) or {}) if networks else {}
    if mac and primary.get("mac_address") and primary["mac_address"] != mac:
        raise EngineError("the service-level mac_address should have the same value as network "
                          f"{networks[0]}")
    if api_at_least(api_version, "1.44"):
        return ""
    with_mac = sorted(k for k, v in configs.items() if (v or {}).get("mac_address"))
    if len(with_mac) > 1:
        raise EngineError(f"a MAC address is specified for multiple networks "
                          f"({', '.join(with_mac)}), but this feature requires Docker Engine "
                          f"1.44 or later (currently: {api_version})")
    return str(primary.get("mac_address") or mac)


def _mode(value: Any, refs: Mapping[str, str]) -> str:
    if isinstance(value, str) and value.startswith("service:"):
        target = value[len("service:"):]
        if target in refs:
            return f"container:{refs[target]}"
    return str(value or "")


def _links(project: Project, service: Service, number: int,
           names: Mapping[str, list[str]]) -> list[str] | None:
    # Each container of a linked service is linked under the alias, `<service>-<number>` and
    # `<project>-<service>-<number>`, the number being that of the container being created.
    links: list[str] = []
    for link in service.spec.get("links") or ():
        target, _, alias = str(link).partition(":")
        for container in names.get(target, []):
            links += [f"{container}:{alias or target}", f"{container}:{target}-{number}",
                      f"{container}:{project.name}-{target}-{number}"]
    for link in service.spec.get("external_links") or ():
        target, _, alias = str(link).partition(":")
        links.append(f"{target}:{alias or target}")
    return links or None


def container_request(
    project: Project,
    service: Service,
    number: int,
    *,
    image_id: str,
    refs: Mapping[str, str] | None = None,
    names: Mapping[str, list[str]] | None = None,
    inherited: Mapping[str, str] | None = None,
    name: str | None = None,
    oneoff: bool = False,
    api_version: str | None = None,
    replaces: str | None = None,
    proxy_env: Mapping[str, str] | None = None,
) -> ContainerRequest:
    """The create payload for replica ``number`` of ``service``.

    ``refs``: first container id per service (for ``service:`` modes); ``names``: container
    names per service (links); ``inherited``: anonymous volume name per target,
    taken over from the container being replaced; ``api_version``: the engine's API version
    (``None`` for the newest), which decides where a few settings go, as in Compose;
    ``replaces``: the name of the container this one replaces; ``proxy_env``: see
    :func:`proxy_environment`.
    """
    refs = refs or {}
    names = names or {}
    spec = service.spec
    final_name = container_name(project, service, number)
    create_name = name or final_name
    labels = dict(spec.get("labels") or {})
    labels.update({
        L.CONFIG_HASH: service_config_hash(service, refs),
        L.CONTAINER_NUMBER: str(number),
        L.DEPENDS_ON: ",".join(
            f"{d.service}:{d.condition}:{str(d.restart).lower()}"
            for d in sorted(service.depends_on, key=lambda d: d.service)
        ),
        L.IMAGE: image_id,
        L.ONEOFF: "True" if oneoff else "False",
        L.PROJECT: project.name,
        L.CONFIG_FILES: ",".join(project.config_files),
        L.WORKING_DIR: project.working_dir,
        L.SERVICE: service.name,
        L.VERSION: L.COMPOSE_VERSION,
    })
    if project.environment_files:
        labels[L.ENVIRONMENT_FILE] = ",".join(project.environment_files)
    if replaces is not None:
        # Compose marks a replacement with the old container's name, project prefix cut.
        labels[L.REPLACE] = replaces.removeprefix(f"{project.name}-")
    binds, mounts = _volumes(project, service, inherited or {})
    links = _links(project, service, number, names)
    network_mode = spec.get("network_mode")
    networks = service_networks(service)
    primary_mode = _mode(network_mode, refs) if network_mode else (
        project.networks[networks[0]].name if networks and networks[0] in project.networks
        else ""
    )
    logging = spec.get("logging") or {}
    security_opts, unconfined = _security_opts(project, spec.get("security_opt"))
    host: dict[str, Any] = {
        "Binds": binds,
        "LogConfig": {"Type": logging.get("driver") or "",
                      "Config": dict(logging.get("options") or {}) or None},
        "NetworkMode": primary_mode,
        "PortBindings": _port_bindings(service),
        "RestartPolicy": _restart_policy(service),
        "AutoRemove": False,
        "VolumeDriver": spec.get("volume_driver") or "",
        "VolumesFrom": _volumes_from(spec, refs) or None,
        "CapAdd": _capabilities(spec.get("cap_add")),
        "CapDrop": _capabilities(spec.get("cap_drop")),
        "Dns": list(spec.get("dns") or ()) or None,
        "DnsOptions": list(spec.get("dns_opt") or ()) or None,
        "DnsSearch": list(spec.get("dns_search") or ()) or None,
        "ExtraHosts": [h.replace("=", ":", 1) for h in spec.get("extra_hosts") or ()],
        "GroupAdd": list(spec.get("group_add") or ()) or None,
        "IpcMode": _mode(spec.get("ipc"), refs),
        "CgroupnsMode": spec.get("cgroup") or "",
        "Links": links,
        "OomScoreAdj": int(spec.get("oom_score_adj") or 0),
        "PidMode": _mode(spec.get("pid"), refs),
        "Privileged": bool(spec.get("privileged")),
        "PublishAllPorts": False,
        "ReadonlyRootfs": bool(spec.get("read_only")),
        "SecurityOpt": security_opts,
        "UTSMode": spec.get("uts") or "",
        "UsernsMode": spec.get("userns_mode") or "",
        "ShmSize": int(spec.get("shm_size") or 0),
        "Isolation": spec.get("isolation") or "",
        **_resources(spec),
        "Mounts": mounts,
    }
    if unconfined:
        host["MaskedPaths"] = []
        host["ReadonlyPaths"] = []
    if spec.get("annotations"):
        host["Annotations"] = dict(spec["annotations"])
    if spec.get("init") is not None:
        host["Init"] = bool(spec["init"])
    if spec.get("runtime"):
        host["Runtime"] = spec["runtime"]
    if spec.get("sysctls"):
        host["Sysctls"] = dict(spec["sysctls"])
    if spec.get("tmpfs"):
        host["Tmpfs"] = {
            path: opts for path, _, opts in (str(t).partition(":") for t in spec["tmpfs"])
        }
    if spec.get("storage_opt"):
        host["StorageOpt"] = dict(spec["storage_opt"])
    config: dict[str, Any] = {
        "Hostname": spec.get("hostname") or "",
        "Domainname": spec.get("domainname") or "",
        "User": spec.get("user") or "",
        "AttachStdin": False,
        "AttachStdout": True,
        "AttachStderr": True,
        "Tty": bool(spec.get("tty")),
        "OpenStdin": bool(spec.get("stdin_open")),
        "StdinOnce": False,
        "Env": _env(spec, proxy_env or {}),
        "Cmd": list(spec["command"]) if spec.get("command") is not None else None,
        "Image": service.image,
        "Volumes": None,
        "WorkingDir": spec.get("working_dir") or "",
        "Entrypoint": list(spec["entrypoint"]) if spec.get("entrypoint") is not None
        else None,
        "Labels": labels,
        "HostConfig": host,
    }
    exposed = _exposed(service)
    if exposed:
        config["ExposedPorts"] = exposed
    check = _healthcheck(spec, api_version)
    if check is not None:
        config["Healthcheck"] = check
    if spec.get("stop_signal"):
        config["StopSignal"] = spec["stop_signal"]
    if spec.get("stop_grace_period"):
        config["StopTimeout"] = _seconds(spec["stop_grace_period"])
    mac_address = _container_mac_address(service, networks, api_version)
    if mac_address:
        config["MacAddress"] = mac_address
    if network_mode == "disabled":
        config["NetworkDisabled"] = True
    connect: list[tuple[str, dict[str, Any]]] = []
    if not network_mode and networks:
        newer = api_at_least(api_version, "1.44")
        service_mac = str(spec.get("mac_address") or "") if newer else ""
        endpoints = {project.networks[networks[0]].name: _endpoint(
            service, networks[0], final_name, links, service_mac)}
        for key in networks[1:]:
            endpoint = _endpoint(service, key, final_name, links)
            if newer:
                endpoints[project.networks[key].name] = endpoint
            else:
                # Older engines take one network at creation; the others are connected after.
                connect.append((project.networks[key].name, endpoint))
        config["NetworkingConfig"] = {"EndpointsConfig": endpoints}
    return ContainerRequest(name=create_name, payload=config, connect=tuple(connect),
                            platform=spec.get("platform")
                            or project.environment.get("DOCKER_DEFAULT_PLATFORM"))


def _volumes_from(spec: Mapping[str, Any], refs: Mapping[str, str]) -> list[str]:
    return [_volumes_from_ref(str(entry), refs) for entry in spec.get("volumes_from") or ()]
