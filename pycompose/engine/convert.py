"""The model turned into Engine API payloads, field for field as Docker Compose v2 sends them.

Pure: no engine calls. Values that only the engine knows (the image id, the id of a container
that ``service:x`` modes point at, anonymous volumes to inherit) are passed in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pycompose.engine import labels as L
from pycompose.loader.units import parse_duration
from pycompose.model import Network, Project, Service, Volume, thaw
from pycompose.serialize import config_hash

_HASH_EXCLUDED = ("build", "pull_policy", "scale", "depends_on", "profiles")


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
        spec["volumes_from"] = [
            _volumes_from_ref(v, refs) for v in spec["volumes_from"]
        ]
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
    name, sep, mode = entry.partition(":")
    if name == "container" or name not in refs:
        return entry
    return f"container:{refs[name]}" + (f":{mode}" if sep else "")


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
    exposed: dict[str, Any] = {}
    for port in service.spec.get("ports") or ():
        exposed[f"{port.get('target')}/{port.get('protocol') or 'tcp'}"] = {}
    for entry in service.spec.get("expose") or ():
        port, _, proto = str(entry).partition("/")
        start, _, end = port.partition("-")
        for number in range(int(start), int(end or start) + 1):
            exposed[f"{number}/{proto or 'tcp'}"] = {}
    return exposed


def _port_bindings(service: Service) -> dict[str, list[dict[str, str]]]:
    bindings: dict[str, list[dict[str, str]]] = {}
    for port in service.spec.get("ports") or ():
        key = f"{port.get('target')}/{port.get('protocol') or 'tcp'}"
        bindings.setdefault(key, []).append(
            {"HostIp": port.get("host_ip") or "", "HostPort": str(port.get("published") or "")}
        )
    return bindings


def _restart_policy(service: Service) -> dict[str, Any]:
    restart = service.spec.get("restart")
    if restart:
        name, _, count = str(restart).partition(":")
        return {"Name": "" if name == "no" else name,
                "MaximumRetryCount": int(count) if count else 0}
    policy = (service.spec.get("deploy") or {}).get("restart_policy")
    if policy:
        condition = policy.get("condition") or "any"
        name = {"any": "always", "on-failure": "on-failure", "none": ""}.get(condition, condition)
        return {"Name": name, "MaximumRetryCount": int(policy.get("max_attempts") or 0)}
    return {"Name": "", "MaximumRetryCount": 0}


def _healthcheck(spec: Mapping[str, Any]) -> dict[str, Any] | None:
    check = spec.get("healthcheck")
    if not check:
        return None
    if check.get("disable"):
        return {"Test": ["NONE"]}
    out: dict[str, Any] = {}
    if check.get("test") is not None:
        out["Test"] = list(check["test"])
    for key, api in (("interval", "Interval"), ("timeout", "Timeout"),
                     ("start_period", "StartPeriod"), ("start_interval", "StartInterval")):
        if check.get(key):
            out[api] = parse_duration(check[key])
    if check.get("retries") is not None:
        out["Retries"] = int(check["retries"])
    return out


def _env(spec: Mapping[str, Any]) -> list[str] | None:
    environment = spec.get("environment")
    if not environment:
        return None
    return [k if v is None else f"{k}={v}" for k, v in sorted(environment.items())]


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
    volume = mount.get("volume") or {}
    return bool(volume.get("subpath") or volume.get("labels"))


def _bind_needs_mount_api(mount: Mapping[str, Any]) -> bool:
    bind = mount.get("bind") or {}
    return not bind.get("create_host_path", True) or bool(bind.get("recursive"))


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
    if kind == "volume":
        volume = mount.get("volume") or {}
        opts: dict[str, Any] = {}
        if volume.get("nocopy"):
            opts["NoCopy"] = True
        if volume.get("subpath"):
            opts["Subpath"] = volume["subpath"]
        out["VolumeOptions"] = opts
    elif kind == "bind":
        bind = mount.get("bind") or {}
        opts = {}
        if bind.get("propagation"):
            opts["Propagation"] = bind["propagation"]
        out["BindOptions"] = opts
    elif kind == "tmpfs":
        tmpfs = mount.get("tmpfs") or {}
        opts = {}
        if tmpfs.get("size"):
            opts["SizeBytes"] = int(tmpfs["size"])
        if tmpfs.get("mode"):
            opts["Mode"] = int(tmpfs["mode"])
        out["TmpfsOptions"] = opts
    return out


def _volumes(project: Project, service: Service, inherited: Mapping[str, str]
             ) -> tuple[list[str] | None, list[dict[str, Any]] | None]:
    binds: list[str] = []
    mounts: list[dict[str, Any]] = []
    for mount in service.spec.get("volumes") or ():
        kind = mount.get("type")
        source = mount.get("source")
        if kind == "bind" and source and not _bind_needs_mount_api(mount):
            binds.append(_bind_string(source, mount))
        elif kind == "volume" and source and source in project.volumes:
            vol_name = project.volumes[source].name
            if _volume_needs_mount_api(mount):
                mounts.append(_mount(mount, vol_name))
            else:
                binds.append(_bind_string(vol_name, mount))
        elif kind == "volume" and not source:
            mounts.append(_mount(mount, inherited.get(mount["target"])))
        else:
            mounts.append(_mount(mount, source))
    for ref in service.spec.get("secrets") or ():
        secret = project.secrets.get(ref.get("source"), {})
        if secret.get("file"):
            target = ref.get("target") or f"/run/secrets/{ref.get('source')}"
            if not str(target).startswith("/"):
                target = f"/run/secrets/{target}"
            mounts.append({"Type": "bind", "Source": secret["file"], "Target": target,
                           "ReadOnly": True})
    for ref in service.spec.get("configs") or ():
        config = project.configs.get(ref.get("source"), {})
        if config.get("file"):
            target = ref.get("target") or f"/{ref.get('source')}"
            mounts.append({"Type": "bind", "Source": config["file"], "Target": target,
                           "ReadOnly": True})
    return binds or None, mounts or None


@dataclass(frozen=True)
class ContainerRequest:
    """Everything needed to create one container: its name and the create payload, plus the
    networks to connect after creation (the engine takes one network at create time)."""

    name: str
    payload: dict[str, Any]
    connect: Sequence[tuple[str, dict[str, Any]]] = field(default_factory=tuple)
    platform: str | None = None


def service_networks(service: Service) -> list[str]:
    """Network keys of a service, primary first: by priority (highest first), then name."""
    networks = service.spec.get("networks") or {}

    def key(name: str) -> tuple[int, str]:
        spec = networks.get(name) or {}
        return (-int(spec.get("priority") or 0), name)

    return sorted(networks, key=key)


def _endpoint(project: Project, service: Service, key: str, name: str) -> dict[str, Any]:
    spec = (service.spec.get("networks") or {}).get(key) or {}
    aliases = [name, service.name, *(spec.get("aliases") or ())]
    endpoint: dict[str, Any] = {"Aliases": list(dict.fromkeys(aliases))}
    ipam: dict[str, Any] = {}
    if spec.get("ipv4_address"):
        ipam["IPv4Address"] = spec["ipv4_address"]
    if spec.get("ipv6_address"):
        ipam["IPv6Address"] = spec["ipv6_address"]
    if spec.get("link_local_ips"):
        ipam["LinkLocalIPs"] = list(spec["link_local_ips"])
    if ipam:
        endpoint["IPAMConfig"] = ipam
    if spec.get("driver_opts"):
        endpoint["DriverOpts"] = dict(spec["driver_opts"])
    if spec.get("mac_address"):
        endpoint["MacAddress"] = spec["mac_address"]
    return endpoint


def _mode(value: Any, refs: Mapping[str, str]) -> str:
    if isinstance(value, str) and value.startswith("service:"):
        target = value[len("service:"):]
        if target in refs:
            return f"container:{refs[target]}"
    return str(value or "")


def _links(project: Project, service: Service, names: Mapping[str, list[str]]) -> list[str] | None:
    links: list[str] = []
    for link in service.spec.get("links") or ():
        target, _, alias = str(link).partition(":")
        alias = alias or target
        for container in names.get(target, []):
            links.append(f"{container}:{alias}")
            if alias == target:
                links.append(f"{container}:{container}")
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
) -> ContainerRequest:
    """The create payload for replica ``number`` of ``service``.

    ``refs``: first container id per service (for ``service:`` modes); ``names``: container
    names per service (links, volumes_from); ``inherited``: anonymous volume name per target,
    taken over from the container being replaced.
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
    binds, mounts = _volumes(project, service, inherited or {})
    network_mode = spec.get("network_mode")
    networks = service_networks(service)
    primary_mode = _mode(network_mode, refs) if network_mode else (
        project.networks[networks[0]].name if networks and networks[0] in project.networks
        else ""
    )
    resources = (spec.get("deploy") or {}).get("resources") or {}
    limits = resources.get("limits") or {}
    reservations = resources.get("reservations") or {}
    cpus = spec.get("cpus") or limits.get("cpus")
    memory = spec.get("mem_limit") or limits.get("memory")
    ulimits = [
        {"Name": k, "Soft": v, "Hard": v} if isinstance(v, int)
        else {"Name": k, "Soft": v.get("soft", 0), "Hard": v.get("hard", 0)}
        for k, v in sorted((spec.get("ulimits") or {}).items())
    ]
    logging = spec.get("logging") or {}
    host: dict[str, Any] = {
        "Binds": binds,
        "LogConfig": {"Type": logging.get("driver") or "",
                      "Config": dict(logging.get("options") or {}) or None},
        "NetworkMode": primary_mode,
        "PortBindings": _port_bindings(service),
        "RestartPolicy": _restart_policy(service),
        "AutoRemove": False,
        "VolumeDriver": spec.get("volume_driver") or "",
        "VolumesFrom": _volumes_from(spec, names) or None,
        "CapAdd": list(spec.get("cap_add") or ()) or None,
        "CapDrop": list(spec.get("cap_drop") or ()) or None,
        "Dns": list(spec.get("dns") or ()) or None,
        "DnsOptions": list(spec.get("dns_opt") or ()) or None,
        "DnsSearch": list(spec.get("dns_search") or ()) or None,
        "ExtraHosts": [h.replace("=", ":", 1) for h in spec.get("extra_hosts") or ()],
        "GroupAdd": list(spec.get("group_add") or ()) or None,
        "IpcMode": _mode(spec.get("ipc"), refs),
        "Cgroup": spec.get("cgroup") or "",
        "Links": _links(project, service, names),
        "OomScoreAdj": int(spec.get("oom_score_adj") or 0),
        "PidMode": _mode(spec.get("pid"), refs),
        "Privileged": bool(spec.get("privileged")),
        "PublishAllPorts": False,
        "ReadonlyRootfs": bool(spec.get("read_only")),
        "SecurityOpt": list(spec.get("security_opt") or ()) or None,
        "UTSMode": spec.get("uts") or "",
        "UsernsMode": spec.get("userns_mode") or "",
        "ShmSize": int(spec.get("shm_size") or 0),
        "Isolation": spec.get("isolation") or "",
        "CpuShares": int(spec.get("cpu_shares") or 0),
        "Memory": int(memory or 0),
        "NanoCpus": round(float(cpus) * 1e9) if cpus else 0,
        "CgroupParent": spec.get("cgroup_parent") or "",
        "CpuPeriod": int(spec.get("cpu_period") or 0),
        "CpuQuota": int(spec.get("cpu_quota") or 0),
        "CpuRealtimePeriod": int(spec.get("cpu_rt_period") or 0),
        "CpuRealtimeRuntime": int(spec.get("cpu_rt_runtime") or 0),
        "CpusetCpus": spec.get("cpuset") or "",
        "Devices": [
            {"PathOnHost": d.get("source"), "PathInContainer": d.get("target"),
             "CgroupPermissions": d.get("permissions") or "rwm"}
            for d in spec.get("devices") or ()
        ] or None,
        "DeviceCgroupRules": list(spec.get("device_cgroup_rules") or ()) or None,
        "MemoryReservation": int(spec.get("mem_reservation") or reservations.get("memory") or 0),
        "MemorySwap": int(spec.get("memswap_limit") or 0),
        "MemorySwappiness": int(spec["mem_swappiness"]) if spec.get("mem_swappiness") is not None
        else None,
        "OomKillDisable": bool(spec.get("oom_kill_disable")),
        "PidsLimit": int(spec.get("pids_limit") or limits.get("pids") or 0) or None,
        "Ulimits": ulimits or None,
        "CpuCount": int(spec.get("cpu_count") or 0),
        "CpuPercent": int(spec.get("cpu_percent") or 0),
        "Mounts": mounts,
    }
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
        "Env": _env(spec),
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
    check = _healthcheck(spec)
    if check is not None:
        config["Healthcheck"] = check
    if spec.get("stop_signal"):
        config["StopSignal"] = spec["stop_signal"]
    if spec.get("stop_grace_period"):
        config["StopTimeout"] = _seconds(spec["stop_grace_period"])
    if spec.get("mac_address"):
        config["MacAddress"] = spec["mac_address"]
    if network_mode == "none":
        config["NetworkDisabled"] = True
    connect: list[tuple[str, dict[str, Any]]] = []
    if not network_mode and networks:
        first = networks[0]
        config["NetworkingConfig"] = {
            "EndpointsConfig": {
                project.networks[first].name: _endpoint(project, service, first, final_name)
            }
        }
        for key in networks[1:]:
            connect.append((project.networks[key].name,
                            _endpoint(project, service, key, final_name)))
    return ContainerRequest(name=create_name, payload=config, connect=tuple(connect),
                            platform=spec.get("platform"))


def _volumes_from(spec: Mapping[str, Any], names: Mapping[str, list[str]]) -> list[str]:
    out: list[str] = []
    for entry in spec.get("volumes_from") or ():
        target, sep, mode = str(entry).partition(":")
        if target == "container":
            name, _, mode = mode.partition(":")
            out.append(name + (f":{mode}" if mode else ""))
            continue
        for container in names.get(target, [])[:1]:
            out.append(container + (f":{mode}" if sep else ""))
    return out
