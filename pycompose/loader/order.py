"""The key order of Compose's ``config`` output, as data.

Docker Compose v2.40.3 builds the ``config --format json`` text and every service's config-hash
by handing compose-go v2.9.1's Go structs to ``encoding/json``. A struct's keys therefore come out
in Go field order (``omitempty`` fields skipped), while a Go map's keys come out sorted by bytes.
``config --format yaml`` uses the same structs through yaml.v3, which sorts map keys with its own
"natural" comparison and inlines ``x-*`` extensions after a struct's fields.

The tables were read from the type descriptors compiled into the v2.40.3 binary (field order and
struct tags exactly as built, not as some later compose-go source has them) and checked against
that binary's output; ``tests/unit/test_order.py`` holds the evidence.

Shapes used in :data:`FIELD_TYPES`:

``"T"``
    a struct of type ``T`` (a key of :data:`KEY_ORDER`);
``"{T}"``
    a Go map whose values are ``T``;
``"[T]"``
    a list whose items are ``T``;
``"{}"``
    a Go map of plain values (``environment``, ``labels``, ``driver_opts``...).

A field missing from :data:`FIELD_TYPES` holds scalars or lists of scalars. Whatever mapping turns
up where no struct is expected is treated as a Go map (``x-*`` extension values are
``map[string]any``), so its keys are sorted, recursively.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

Style = Literal["json", "yaml"]

_FILE_OBJECT = (
    "name",
    "file",
    "environment",
    "content",
    "external",
    "labels",
    "driver",
    "driver_opts",
    "template_driver",
)
_FILE_REFERENCE = ("source", "target", "uid", "gid", "mode")
_UPDATE_CONFIG = (
    "parallelism",
    "delay",
    "failure_action",
    "monitor",
    "max_failure_ratio",
    "order",
)

KEY_ORDER: dict[str, tuple[str, ...]] = {
    # Project's MarshalJSON puts these into a Go map (so JSON sorts them, with the top-level x-*
    # keys among them, and leaves ``models`` out); YAML prints the struct in this order.
    "Project": ("name", "services", "networks", "volumes", "secrets", "configs", "models"),
    "ServiceConfig": (
        "profiles",
        "annotations",
        "attach",
        "build",
        "develop",
        "blkio_config",
        "cap_add",
        "cap_drop",
        "cgroup_parent",
        "cgroup",
        "cpu_count",
        "cpu_percent",
        "cpu_period",
        "cpu_quota",
        "cpu_rt_period",
        "cpu_rt_runtime",
        "cpus",
        "cpuset",
        "cpu_shares",
        "command",
        "configs",
        "container_name",
        "credential_spec",
        "depends_on",
        "deploy",
        "device_cgroup_rules",
        "devices",
        "dns",
        "dns_opt",
        "dns_search",
        "dockerfile",
        "domainname",
        "entrypoint",
        "provider",
        "environment",
        "env_file",
        "expose",
        "extends",
        "external_links",
        "extra_hosts",
        "group_add",
        "gpus",
        "hostname",
        "healthcheck",
        "image",
        "init",
        "ipc",
        "isolation",
        "labels",
        "label_file",
        "links",
        "logging",
        "log_driver",
        "log_opt",
        "mem_limit",
        "mem_reservation",
        "memswap_limit",
        "mem_swappiness",
        "mac_address",
        "models",
        "net",
        "network_mode",
        "networks",
        "oom_kill_disable",
        "oom_score_adj",
        "pid",
        "pids_limit",
        "platform",
        "ports",
        "privileged",
        "pull_policy",
        "read_only",
        "restart",
        "runtime",
        "scale",
        "secrets",
        "security_opt",
        "shm_size",
        "stdin_open",
        "stop_grace_period",
        "stop_signal",
        "storage_opt",
        "sysctls",
        "tmpfs",
        "tty",
        "ulimits",
        "use_api_socket",
        "user",
        "userns_mode",
        "uts",
        "volume_driver",
        "volumes",
        "volumes_from",
        "working_dir",
        "post_start",
        "pre_stop",
    ),
    "BuildConfig": (
        "context",
        "dockerfile",
        "dockerfile_inline",
        "entitlements",
        "args",
        "provenance",
        "sbom",
        "ssh",
        "labels",
        "cache_from",
        "cache_to",
        "no_cache",
        "additional_contexts",
        "pull",
        "extra_hosts",
        "isolation",
        "network",
        "target",
        "secrets",
        "shm_size",
        "tags",
        "ulimits",
        "platforms",
        "privileged",
    ),
    "DevelopConfig": ("watch",),
    # ``exec`` is a struct, not a pointer: JSON always prints it, at least as {"command": null}.
    "Trigger": ("path", "action", "target", "exec", "include", "ignore", "initial_sync"),
    "ServiceHook": ("command", "user", "privileged", "working_dir", "environment"),
    "BlkioConfig": (
        "weight",
        "weight_device",
        "device_read_bps",
        "device_read_iops",
        "device_write_bps",
        "device_write_iops",
    ),
    # No struct tags: JSON uses the Go field names, YAML their lower-case form (YAML_KEY_ORDER).
    "WeightDevice": ("Path", "Weight"),
    "ThrottleDevice": ("Path", "Rate"),
    "CredentialSpecConfig": ("config", "file", "registry"),
    "ServiceDependency": ("condition", "restart", "required"),
    # ``resources`` and ``placement`` are structs: JSON always prints them, at least as {}.
    "DeployConfig": (
        "mode",
        "replicas",
        "labels",
        "update_config",
        "rollback_config",
        "resources",
        "restart_policy",
        "placement",
        "endpoint_mode",
    ),
    "UpdateConfig": _UPDATE_CONFIG,
    "Resources": ("limits", "reservations"),
    "Resource": ("cpus", "memory", "pids", "devices", "generic_resources"),
    "GenericResource": ("discrete_resource_spec",),
    "DiscreteGenericResource": ("kind", "value"),
    "RestartPolicy": ("condition", "delay", "max_attempts", "window"),
    "Placement": ("constraints", "preferences", "max_replicas_per_node"),
    "PlacementPreferences": ("spread",),
    "DeviceMapping": ("source", "target", "permissions"),
    "DeviceRequest": ("capabilities", "driver", "count", "device_ids", "options"),
    "ServiceProviderConfig": ("type", "options"),
    "EnvFile": ("path", "required", "format"),
    "ExtendsConfig": ("file", "service"),
    "HealthCheckConfig": (
        "test",
        "timeout",
        "interval",
        "retries",
        "start_period",
        "start_interval",
        "disable",
    ),
    "LoggingConfig": ("driver", "options"),
    "ServiceModelConfig": ("endpoint_var", "model_var"),
    "ServiceNetworkConfig": (
        "aliases",
        "driver_opts",
        "gw_priority",
        "interface_name",
        "ipv4_address",
        "ipv6_address",
        "link_local_ips",
        "mac_address",
        "priority",
    ),
    "ServicePortConfig": (
        "name",
        "mode",
        "host_ip",
        "target",
        "published",
        "protocol",
        "app_protocol",
    ),
    "FileReferenceConfig": _FILE_REFERENCE,
    "ServiceSecretConfig": _FILE_REFERENCE,
    "ServiceConfigObjConfig": _FILE_REFERENCE,
    # A single limit prints as a bare number; soft/hard both zero print as {}.
    "UlimitsConfig": ("single", "soft", "hard"),
    "ServiceVolumeConfig": (
        "type",
        "source",
        "target",
        "read_only",
        "consistency",
        "bind",
        "volume",
        "tmpfs",
        "image",
    ),
    "ServiceVolumeBind": ("selinux", "propagation", "create_host_path", "recursive"),
    "ServiceVolumeVolume": ("labels", "nocopy", "subpath"),
    "ServiceVolumeTmpfs": ("size", "mode"),
    "ServiceVolumeImage": ("subpath",),
    # ``ipam`` is a struct: JSON always prints it, at least as {}.
    "NetworkConfig": (
        "name",
        "driver",
        "driver_opts",
        "ipam",
        "external",
        "internal",
        "attachable",
        "labels",
        "enable_ipv4",
        "enable_ipv6",
    ),
    "IPAMConfig": ("driver", "config"),
    "IPAMPool": ("subnet", "gateway", "ip_range", "aux_addresses"),
    "VolumeConfig": ("name", "driver", "driver_opts", "external", "labels"),
    "FileObjectConfig": _FILE_OBJECT,
    "SecretConfig": _FILE_OBJECT,
    "ConfigObjConfig": _FILE_OBJECT,
    "ModelConfig": ("name", "model", "context_size", "runtime_flags"),
    # Not reachable from a loaded Project (``include`` is consumed by the loader); kept for
    # stages that order a tree before that.
    "IncludeConfig": ("path", "project_directory", "env_file"),
}

YAML_KEY_ORDER: dict[str, tuple[str, ...]] = {
    "WeightDevice": ("path", "weight"),
    "ThrottleDevice": ("path", "rate"),
}
"""Types whose YAML keys differ from their JSON keys; every other type uses :data:`KEY_ORDER`.

A loaded tree holds the YAML (Compose file) names; JSON output renames them field for field."""

_JSON_NAMES: dict[str, dict[str, str]] = {
    type_name: dict(zip(names, KEY_ORDER[type_name], strict=True))
    for type_name, names in YAML_KEY_ORDER.items()
}

YAML_TOP_ORDER: tuple[str, ...] = KEY_ORDER["Project"]
"""Top-level order of ``config --format yaml``; ``x-*`` keys follow, in yaml.v3 order.

JSON differs: its top level is a Go map, so all its keys (``x-*`` included) are byte-sorted.
"""

FIELD_TYPES: dict[str, dict[str, str]] = {
    "Project": {
        "services": "{ServiceConfig}",
        "networks": "{NetworkConfig}",
        "volumes": "{VolumeConfig}",
        "secrets": "{SecretConfig}",
        "configs": "{ConfigObjConfig}",
        "models": "{ModelConfig}",
    },
    "ServiceConfig": {
        "annotations": "{}",
        "build": "BuildConfig",
        "develop": "DevelopConfig",
        "blkio_config": "BlkioConfig",
        "configs": "[ServiceConfigObjConfig]",
        "credential_spec": "CredentialSpecConfig",
        "depends_on": "{ServiceDependency}",
        "deploy": "DeployConfig",
        "devices": "[DeviceMapping]",
        "provider": "ServiceProviderConfig",
        "environment": "{}",
        "env_file": "[EnvFile]",
        "extends": "ExtendsConfig",
        "gpus": "[DeviceRequest]",
        "healthcheck": "HealthCheckConfig",
        "labels": "{}",
        "logging": "LoggingConfig",
        "log_opt": "{}",
        "models": "{ServiceModelConfig}",
        "networks": "{ServiceNetworkConfig}",
        "ports": "[ServicePortConfig]",
        "secrets": "[ServiceSecretConfig]",
        "storage_opt": "{}",
        "sysctls": "{}",
        "ulimits": "{UlimitsConfig}",
        "volumes": "[ServiceVolumeConfig]",
        "post_start": "[ServiceHook]",
        "pre_stop": "[ServiceHook]",
    },
    "BuildConfig": {
        "args": "{}",
        "labels": "{}",
        "additional_contexts": "{}",
        "secrets": "[ServiceSecretConfig]",
        "ulimits": "{UlimitsConfig}",
    },
    "DevelopConfig": {"watch": "[Trigger]"},
    "Trigger": {"exec": "ServiceHook"},
    "ServiceHook": {"environment": "{}"},
    "BlkioConfig": {
        "weight_device": "[WeightDevice]",
        "device_read_bps": "[ThrottleDevice]",
        "device_read_iops": "[ThrottleDevice]",
        "device_write_bps": "[ThrottleDevice]",
        "device_write_iops": "[ThrottleDevice]",
    },
    "DeployConfig": {
        "labels": "{}",
        "update_config": "UpdateConfig",
        "rollback_config": "UpdateConfig",
        "resources": "Resources",
        "restart_policy": "RestartPolicy",
        "placement": "Placement",
    },
    "Resources": {"limits": "Resource", "reservations": "Resource"},
    "Resource": {"devices": "[DeviceRequest]", "generic_resources": "[GenericResource]"},
    "GenericResource": {"discrete_resource_spec": "DiscreteGenericResource"},
    "Placement": {"preferences": "[PlacementPreferences]"},
    "DeviceRequest": {"options": "{}"},
    "ServiceProviderConfig": {"options": "{}"},
    "LoggingConfig": {"options": "{}"},
    "ServiceNetworkConfig": {"driver_opts": "{}"},
    "ServiceVolumeConfig": {
        "bind": "ServiceVolumeBind",
        "volume": "ServiceVolumeVolume",
        "tmpfs": "ServiceVolumeTmpfs",
        "image": "ServiceVolumeImage",
    },
    "ServiceVolumeVolume": {"labels": "{}"},
    "NetworkConfig": {"driver_opts": "{}", "ipam": "IPAMConfig", "labels": "{}"},
    "IPAMConfig": {"config": "[IPAMPool]"},
    "IPAMPool": {"aux_addresses": "{}"},
    "VolumeConfig": {"driver_opts": "{}", "labels": "{}"},
    "FileObjectConfig": {"labels": "{}", "driver_opts": "{}"},
    "SecretConfig": {"labels": "{}", "driver_opts": "{}"},
    "ConfigObjConfig": {"labels": "{}", "driver_opts": "{}"},
}

# compose-go defines SecretConfig and ConfigObjConfig as FileObjectConfig, and ServiceSecretConfig
# and ServiceConfigObjConfig as FileReferenceConfig, so they share their fields' tags.
_FILE_OBJECT_OMIT: dict[str, str] = {
    "name": "string", "file": "string", "environment": "string", "content": "string",
    "external": "bool", "labels": "map", "driver": "string", "driver_opts": "map",
    "template_driver": "string",
}
_FILE_REFERENCE_OMIT: dict[str, str] = {
    "source": "string", "target": "string", "uid": "string", "gid": "string",
}

OMIT_ZERO: dict[str, dict[str, str]] = {
    "BlkioConfig": {
        "weight": "uint16", "weight_device": "slice", "device_read_bps": "slice",
        "device_read_iops": "slice", "device_write_bps": "slice", "device_write_iops": "slice",
    },
    "BuildConfig": {
        "context": "string", "dockerfile": "string", "dockerfile_inline": "string",
        "entitlements": "slice", "args": "map", "provenance": "string", "sbom": "string",
        "ssh": "slice", "labels": "map", "cache_from": "slice", "cache_to": "slice",
        "no_cache": "bool", "additional_contexts": "map", "pull": "bool", "extra_hosts": "map",
        "isolation": "string", "network": "string", "target": "string", "secrets": "slice",
        "shm_size": "int64", "tags": "slice", "ulimits": "map", "platforms": "slice",
        "privileged": "bool",
    },
    "ConfigObjConfig": _FILE_OBJECT_OMIT,
    "CredentialSpecConfig": {"config": "string", "file": "string", "registry": "string"},
    "DeployConfig": {"mode": "string", "labels": "map", "endpoint_mode": "string"},
    "DevelopConfig": {"watch": "slice"},
    "DeviceMapping": {"source": "string", "target": "string", "permissions": "string"},
    "DeviceRequest": {
        "capabilities": "slice", "driver": "string", "count": "int64", "device_ids": "slice",
        "options": "map",
    },
    "EnvFile": {"path": "string", "format": "string"},
    "ExtendsConfig": {"file": "string", "service": "string"},
    "FileObjectConfig": _FILE_OBJECT_OMIT,
    "FileReferenceConfig": _FILE_REFERENCE_OMIT,
    "HealthCheckConfig": {"test": "slice", "disable": "bool"},
    "IPAMConfig": {"driver": "string", "config": "slice"},
    "IPAMPool": {
        "subnet": "string", "gateway": "string", "ip_range": "string", "aux_addresses": "map",
    },
    "IncludeConfig": {"path": "slice", "project_directory": "string", "env_file": "slice"},
    "LoggingConfig": {"driver": "string", "options": "map"},
    "ModelConfig": {
        "name": "string", "model": "string", "context_size": "int", "runtime_flags": "slice",
    },
    "NetworkConfig": {
        "name": "string", "driver": "string", "driver_opts": "map", "external": "bool",
        "internal": "bool", "attachable": "bool", "labels": "map",
    },
    "Placement": {
        "constraints": "slice", "preferences": "slice", "max_replicas_per_node": "uint64",
    },
    "PlacementPreferences": {"spread": "string"},
    "Project": {
        "name": "string", "networks": "map", "volumes": "map", "secrets": "map", "configs": "map",
        "models": "map",
    },
    "Resource": {
        "cpus": "float32", "memory": "int64", "pids": "int64", "devices": "slice",
        "generic_resources": "slice",
    },
    "RestartPolicy": {"condition": "string"},
    "SSHKey": {"id": "string", "path": "string"},
    "SecretConfig": _FILE_OBJECT_OMIT,
    "ServiceConfig": {
        "profiles": "slice", "annotations": "map", "cap_add": "slice", "cap_drop": "slice",
        "cgroup_parent": "string", "cgroup": "string", "cpu_count": "int64",
        "cpu_percent": "float32", "cpu_period": "int64", "cpu_quota": "int64",
        "cpu_rt_period": "int64", "cpu_rt_runtime": "int64", "cpus": "float32", "cpuset": "string",
        "cpu_shares": "int64", "configs": "slice", "container_name": "string", "depends_on": "map",
        "device_cgroup_rules": "slice", "devices": "slice", "dns": "slice", "dns_opt": "slice",
        "dns_search": "slice", "dockerfile": "string", "domainname": "string",
        "environment": "map", "env_file": "slice", "expose": "slice", "external_links": "slice",
        "extra_hosts": "map", "group_add": "slice", "gpus": "slice", "hostname": "string",
        "image": "string", "ipc": "string", "isolation": "string", "labels": "map",
        "label_file": "slice", "links": "slice", "log_driver": "string", "log_opt": "map",
        "mem_limit": "int64", "mem_reservation": "int64", "memswap_limit": "int64",
        "mem_swappiness": "int64", "mac_address": "string", "models": "map", "net": "string",
        "network_mode": "string", "networks": "map", "oom_kill_disable": "bool",
        "oom_score_adj": "int64", "pid": "string", "pids_limit": "int64", "platform": "string",
        "ports": "slice", "privileged": "bool", "pull_policy": "string", "read_only": "bool",
        "restart": "string", "runtime": "string", "secrets": "slice", "security_opt": "slice",
        "shm_size": "int64", "stdin_open": "bool", "stop_signal": "string", "storage_opt": "map",
        "sysctls": "map", "tmpfs": "slice", "tty": "bool", "ulimits": "map",
        "use_api_socket": "bool", "user": "string", "userns_mode": "string", "uts": "string",
        "volume_driver": "string", "volumes": "slice", "volumes_from": "slice",
        "working_dir": "string", "post_start": "slice", "pre_stop": "slice",
    },
    "ServiceConfigObjConfig": _FILE_REFERENCE_OMIT,
    "ServiceDependency": {"condition": "string", "restart": "bool"},
    "ServiceHook": {
        "user": "string", "privileged": "bool", "working_dir": "string", "environment": "map",
    },
    "ServiceModelConfig": {"endpoint_var": "string", "model_var": "string"},
    "ServiceNetworkConfig": {
        "aliases": "slice", "driver_opts": "map", "gw_priority": "int", "interface_name": "string",
        "ipv4_address": "string", "ipv6_address": "string", "link_local_ips": "slice",
        "mac_address": "string", "priority": "int",
    },
    "ServicePortConfig": {
        "name": "string", "mode": "string", "host_ip": "string", "target": "uint32",
        "published": "string", "protocol": "string", "app_protocol": "string",
    },
    "ServiceProviderConfig": {"type": "string", "options": "map"},
    "ServiceSecretConfig": _FILE_REFERENCE_OMIT,
    "ServiceVolumeBind": {
        "selinux": "string", "propagation": "string", "create_host_path": "bool",
        "recursive": "string",
    },
    "ServiceVolumeConfig": {
        "type": "string", "source": "string", "target": "string", "read_only": "bool",
        "consistency": "string",
    },
    "ServiceVolumeImage": {"subpath": "string"},
    "ServiceVolumeTmpfs": {"size": "int64", "mode": "uint32"},
    "ServiceVolumeVolume": {"labels": "map", "nocopy": "bool", "subpath": "string"},
    "Trigger": {"target": "string", "include": "slice", "ignore": "slice", "initial_sync": "bool"},
    "UlimitsConfig": {"single": "int", "soft": "int", "hard": "int"},
    "UpdateConfig": {
        "delay": "int64", "failure_action": "string", "monitor": "int64",
        "max_failure_ratio": "float32", "order": "string",
    },
    "VolumeConfig": {
        "name": "string", "driver": "string", "driver_opts": "map", "external": "bool",
        "labels": "map",
    },
}
"""Fields Go's encoder leaves out when they hold their zero value (``omitempty`` on a value kind:
``false``, ``0``, ``""``, an empty list or map), by type; pointer fields are printed when set.
Read from the struct tags compiled into Docker Compose v2.40.3."""

_INT_KINDS = frozenset({"int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
                        "uint32", "uint64", "float32", "float64"})


def _is_zero(kind: str, value: Any) -> bool:
    if value is None:
        return True
    if kind == "bool":
        return value is False
    if kind in _INT_KINDS:
        # Byte sizes and durations are already rendered as strings here.
        return value in (0, "0", "0s") and value is not False
    if kind == "string":
        return isinstance(value, str) and not value
    return isinstance(value, (list, dict)) and len(value) == 0


PathPattern = tuple[str, ...]


def _path_types() -> dict[PathPattern, str]:
    table: dict[PathPattern, str] = {(): "Project"}

    def visit(type_name: str, path: PathPattern) -> None:
        for field, shape in FIELD_TYPES.get(type_name, {}).items():
            here = (*path, field)
            if shape == "{}":
                table[here] = "map"
            elif shape.startswith("{"):
                table[here] = "map"
                table[(*here, "*")] = shape[1:-1]
                visit(shape[1:-1], (*here, "*"))
            elif shape.startswith("["):
                table[here] = "list"
                table[(*here, "[]")] = shape[1:-1]
                visit(shape[1:-1], (*here, "[]"))
            else:
                table[here] = shape
                visit(shape, here)

    visit("Project", ())
    return table


PATH_TYPES: dict[PathPattern, str] = _path_types()
"""Which type sits at which path of a loaded project: ``*`` stands for any map key, ``[]`` for
any list item. ``"map"`` is a Go map (keys sorted), ``"list"`` a list of the type one level down;
e.g. ``("services", "*", "ports", "[]") -> "ServicePortConfig"``."""


def _is_letter(ch: str) -> bool:
    # Go's unicode.IsLetter is Unicode category L*, which is what str.isalpha tests.
    return ch.isalpha()


def _is_digit(ch: str) -> bool:
    # Go's unicode.IsDigit is category Nd, which is what str.isdecimal tests.
    return ch.isdecimal()


def _digit_run(s: str, start: int, value: int) -> tuple[int, int]:
    end = start
    while end < len(s) and _is_digit(s[end]):
        # Go subtracts '0' from the rune, so non-ASCII digits count with odd values; so do we.
        value = value * 10 + ord(s[end]) - 48
        end += 1
    return value, end


def yaml_key_less(a: str, b: str) -> bool:
    """yaml.v3's order for string map keys: letters by code point, a non-letter before a letter
    (a letter first when the runes before were digits), digit runs by numeric value."""
    digits = False
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            digits = _is_digit(ca)
            continue
        la, lb = _is_letter(ca), _is_letter(cb)
        if la and lb:
            return ca < cb
        if la or lb:
            return la if digits else lb
        start = 0
        if ca == "0" or cb == "0":
            # A zero that continues a number with a non-zero digit before it is not a leading zero.
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    start = 1
                    break
                j -= 1
        an, a_end = _digit_run(a, i, start)
        bn, b_end = _digit_run(b, i, start)
        if an != bn:
            return an < bn
        if a_end != b_end:
            return a_end < b_end
        return ca < cb
    return len(a) < len(b)


def _yaml_cmp(a: str, b: str) -> int:
    if yaml_key_less(a, b):
        return -1
    if yaml_key_less(b, a):
        return 1
    return 0


_yaml_sort_key = functools.cmp_to_key(_yaml_cmp)


def _sorted_keys(keys: list[str], style: Style) -> list[str]:
    # Go's encoding/json sorts map keys by their UTF-8 bytes, which is code point order.
    if style == "json":
        return sorted(keys)
    return sorted(keys, key=_yaml_sort_key)


_KeyOrders = dict[str, tuple[tuple[str, ...], frozenset[str]]]
_KEY_ORDERS: dict[Style, _KeyOrders] = {
    "json": {t: (order, frozenset(order)) for t, order in KEY_ORDER.items()},
    "yaml": {t: (order, frozenset(order)) for t, order in {**KEY_ORDER, **YAML_KEY_ORDER}.items()},
}


class _Orderer:
    def __init__(self, style: Style) -> None:
        self.style = style
        self.key_orders = _KEY_ORDERS[style]

    def struct_keys(self, type_name: str, node: dict[str, Any]) -> list[str]:
        order, known = self.key_orders[type_name]
        keys = [k for k in order if k in node]
        if len(keys) < len(node):
            # Unknown keys are x-* extensions: JSON never prints them inside a struct, YAML
            # inlines them after the fields, sorted like map keys; both put them there.
            keys += _sorted_keys([k for k in node if k not in known], self.style)
        return keys

    def any_value(self, node: Any) -> Any:
        if isinstance(node, dict):
            return {k: self.any_value(node[k]) for k in _sorted_keys(list(node), self.style)}
        if isinstance(node, list):
            return [self.any_value(item) for item in node]
        return node

    def shaped(self, shape: str, node: Any) -> Any:
        if shape == "{}" or node is None:
            return self.any_value(node)
        if shape.startswith("{"):
            if not isinstance(node, dict):
                return self.any_value(node)
            inner = shape[1:-1]
            return {k: self.shaped(inner, node[k]) for k in _sorted_keys(list(node), self.style)}
        if shape.startswith("["):
            if not isinstance(node, list):
                return self.any_value(node)
            inner = shape[1:-1]
            return [self.shaped(inner, item) for item in node]
        return self.struct(shape, node)

    def struct(self, type_name: str, node: Any) -> Any:
        if type_name == "UlimitsConfig" and node == 0 and self.style == "json":
            return {}  # a zero single limit marshals as an empty soft/hard object
        if not isinstance(node, dict):
            # Short forms and custom marshallers (a single ulimit, say) are not mappings.
            return self.any_value(node)
        if self.style == "json" and type_name in _JSON_NAMES:
            names = _JSON_NAMES[type_name]
            node = {names.get(k, k): v for k, v in node.items()}
        fields = FIELD_TYPES.get(type_name, {})
        # UlimitsConfig's own YAML marshaller prints soft and hard even when zero.
        omit = {} if self.style == "yaml" and type_name == "UlimitsConfig" else OMIT_ZERO.get(
            type_name, {})
        return {
            k: self.shaped(fields[k], node[k]) if k in fields else self.any_value(node[k])
            for k in self.struct_keys(type_name, node)
            if not (k in omit and _is_zero(omit[k], node[k]))
        }

    def project(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return self.any_value(node)
        fields = FIELD_TYPES["Project"]
        if self.style == "json":
            keys = _sorted_keys(list(node), "json")
        else:
            keys = self.struct_keys("Project", node)
        return {
            k: self.shaped(fields[k], node[k]) if k in fields else self.any_value(node[k])
            for k in keys
        }


def order_tree(tree: Any, *, style: Style = "json", typed: bool = True) -> Any:
    """Return a new plain dict/list copy of a whole project ``tree`` with every mapping's keys in
    the order ``docker compose config --format <style>`` prints them.

    Only the order changes: keys and values are kept as given (a struct key Compose would omit
    stays, unknown keys go last, sorted). ``typed=False`` orders every mapping like a Go map,
    which is what ``config --no-interpolate`` prints, as it never builds the typed project.
    """
    orderer = _Orderer(style)
    if not typed:
        return orderer.any_value(tree)
    return orderer.project(tree)


def order_as(type_name: str, node: Any, *, style: Style = "json") -> Any:
    """Order ``node`` as a value of the compose-go type ``type_name`` (a key of KEY_ORDER).

    The config-hash input is one service, network or volume: ``order_as("ServiceConfig", svc)``.
    """
    if type_name == "Project":
        return order_tree(node, style=style)
    return _Orderer(style).struct(type_name, node)


__all__: list[str] = [
    "FIELD_TYPES",
    "KEY_ORDER",
    "PATH_TYPES",
    "YAML_KEY_ORDER",
    "YAML_TOP_ORDER",
    "order_as",
    "order_tree",
    "yaml_key_less",
]
