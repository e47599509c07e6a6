"""Short syntax to long syntax, and scalars to the types Compose prints.

One converter per attribute, in tables keyed by attribute name (``SERVICE``, ``BUILD``, ...), so
a new attribute adds a row. Converters receive the value and its YAML path and return the long
form; they raise :class:`~pycompose.errors.ComposeFileError` located at that path.

With interpolation switched off, strings holding ``${...}`` cannot be typed yet and are kept as
they are, as Compose does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pycompose.errors import ComposeFileError
from pycompose.loader.syntax import (
    SyntaxProblem,
    parse_device,
    parse_extra_host,
    parse_port,
    parse_volume,
    split_command,
)
from pycompose.loader.tree import PathT, locate
from pycompose.loader.units import (
    Timestamp,
    UnitError,
    float32_shortest,
    go_string,
    normalize_duration,
    parse_bytes,
)

if TYPE_CHECKING:
    from pycompose.loader.pipeline import Stages

Converter = Callable[["Conv", Any, PathT], Any]
_T = TypeVar("_T")


class Conv:
    """One conversion run: knows the root (for error positions) and which stages run."""

    def __init__(self, root: Any, interpolated: bool) -> None:
        self.root = root
        self.interpolated = interpolated

    def fail(self, path: PathT, message: str) -> ComposeFileError:
        return ComposeFileError(message, path=path, mark=locate(self.root, path))

    def parse(self, parser: Callable[[Any], _T], text: Any, path: PathT) -> _T:
        """``parser(text)``; a :class:`SyntaxProblem` becomes an error located at ``path``."""
        try:
            return parser(text)
        except SyntaxProblem as exc:
            raise self.fail(path, str(exc)) from None

    def raw(self, value: Any) -> bool:
        """True when ``value`` is an uninterpolated template that must stay as written."""
        return not self.interpolated and isinstance(value, str) and "$" in value


# -- scalar converters ---------------------------------------------------------------------


def _keep(cv: Conv, value: Any, path: PathT) -> Any:
    return value


def _string(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None or type(value) is str:
        return value
    if isinstance(value, (dict, list, Timestamp)):  # Compose cannot decode a time.Time either
        raise cv.fail(path, "must be a string")
    return go_string(value)


def _bool(cv: Conv, value: Any, path: PathT) -> Any:
    if isinstance(value, bool) or value is None or cv.raw(value):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "t", "f"):
        return value.lower() in ("true", "1", "t")
    raise cv.fail(path, "must be a boolean")


def _int(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None or cv.raw(value) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value, 10)
        except ValueError:
            pass
    raise cv.fail(path, "must be an integer")


def _float(cv: Conv, value: Any, path: PathT) -> Any:
    """A number compose-go holds as a float32 (every float attribute of its model)."""
    if value is None or cv.raw(value):
        return value
    if isinstance(value, bool):
        raise cv.fail(path, "must be a number")
    try:
        number = float32_shortest(float(value))
    except (TypeError, ValueError):
        raise cv.fail(path, f"must be a number, not {value!r}") from None
    # Kept a float even when whole: go-yaml writes 16777216.0 as 1.6777216e+07.
    return number


def _duration(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None or cv.raw(value):
        return value
    try:
        return normalize_duration(value)
    except UnitError as exc:
        raise cv.fail(path, f"{exc}: expected a duration such as 10s, 1m30s or 500ms") from None


def _bytes(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None or cv.raw(value):
        return value
    try:
        return str(parse_bytes(value))
    except UnitError as exc:
        raise cv.fail(path, f"{exc}: expected a byte size such as 512k, 64m or 1g") from None


def _string_list(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [go_string(value)]
    if isinstance(value, list):
        return [_string(cv, v, (*path, i)) for i, v in enumerate(value)]
    raise cv.fail(path, "must be a string or a list of strings")


def _command(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value if cv.raw(value) else cv.parse(split_command, value, path)
    if isinstance(value, list):
        return [go_string(v) for v in value]
    raise cv.fail(path, "must be a string or a list of strings")


def _mapping_with_equals(cv: Conv, value: Any, path: PathT) -> Any:
    """``environment``/``args``: ``KEY=v`` list or mapping; a bare ``KEY`` is null (unset)."""
    if value is None:
        return None
    out: dict[str, Any] = {}
    if isinstance(value, list):
        for i, item in enumerate(value):
            text = _string(cv, item, (*path, i))
            if text is None:
                continue
            key, sep, val = text.partition("=")
            out[key] = val if sep else None
        return out
    if isinstance(value, dict):
        for key, val in value.items():
            out[key] = None if val is None else _string(cv, val, (*path, key))
        return out
    raise cv.fail(path, "must be a mapping or a list of KEY=VALUE strings")


def _labels(cv: Conv, value: Any, path: PathT) -> Any:
    """``labels``-like: list or mapping; a bare key or null value is the empty string."""
    mapped = _mapping_with_equals(cv, value, path)
    if mapped is None:
        return None
    return {k: "" if v is None else v for k, v in mapped.items()}


def _extra_hosts(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    pairs: list[str] = []
    if isinstance(value, dict):
        for host, ips in value.items():
            for ip in ips if isinstance(ips, list) else [ips]:
                pairs.append(f"{host}={go_string(ip)}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            host, ip = cv.parse(parse_extra_host, go_string(item), (*path, i))
            pairs.append(f"{host}={ip}")
    else:
        raise cv.fail(path, "must be a mapping or a list of host:ip strings")
    return sorted(pairs)


def _mode(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None or cv.raw(value):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return "0" + format(value, "o")
    if isinstance(value, str):
        try:
            return "0" + format(int(value, 8), "o")
        except ValueError:
            raise cv.fail(path, "must be an octal file mode such as 0440") from None
    raise cv.fail(path, "must be an octal file mode such as 0440")


def _container(kind: type, what: str) -> Callable[[Converter], Converter]:
    """Wraps a converter of ``kind`` values (list or dict): ``None`` is kept, any other value
    that is not a ``kind`` fails with "must be ``what``"."""

    def wrap(body: Converter) -> Converter:
        def convert(cv: Conv, value: Any, path: PathT) -> Any:
            if value is None:
                return None
            if not isinstance(value, kind):
                raise cv.fail(path, f"must be {what}")
            return body(cv, value, path)

        return convert

    return wrap


_on_list = _container(list, "a list")
_on_mapping = _container(dict, "a mapping")


def _struct(rules: dict[str, Converter], dropped: frozenset[str] = frozenset()) -> Converter:
    """A converter for a mapping whose known keys each have their own converter.

    Keys in ``dropped`` pass the schema but compose-go's model has no field for them, so they
    are lost when Compose binds the file to its types.
    """

    @_on_mapping
    def convert(cv: Conv, value: dict[str, Any], path: PathT) -> Any:
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in dropped:
                continue
            rule = rules.get(key, _keep)
            out[key] = rule(cv, item, (*path, key))
        return out

    return convert


def _list_of(item_rule: Converter) -> Converter:
    @_on_list
    def convert(cv: Conv, value: list[Any], path: PathT) -> Any:
        return [item_rule(cv, v, (*path, i)) for i, v in enumerate(value)]

    return convert


def _map_of(item_rule: Converter) -> Converter:
    @_on_mapping
    def convert(cv: Conv, value: dict[str, Any], path: PathT) -> Any:
        return {k: item_rule(cv, v, (*path, k)) for k, v in value.items()}

    return convert


# -- service attributes --------------------------------------------------------------------


@_on_list
def _ports(cv: Conv, value: list[Any], path: PathT) -> Any:
    out: list[Any] = []
    for i, item in enumerate(value):
        where = (*path, i)
        if isinstance(item, dict):
            port = dict(item)
            port.setdefault("mode", "ingress")
            port.setdefault("protocol", "tcp")
            if "target" in port:
                port["target"] = _int(cv, port["target"], (*where, "target"))
            if "published" in port and port["published"] is not None:
                port["published"] = go_string(port["published"])
            out.append(port)
        elif cv.raw(item):
            out.append(item)
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            out.extend(cv.parse(parse_port, item, where))
        else:
            raise cv.fail(where, "must be a port string or a mapping")
    return out


def _volume_mount(cv: Conv, value: Any, path: PathT) -> Any:
    if isinstance(value, str):
        return value if cv.raw(value) else cv.parse(parse_volume, value, path)
    if isinstance(value, dict):
        mount = dict(value)
        kind = mount.get("type")
        if kind == "bind" and "source" not in mount:
            raise cv.fail(
                path, 'invalid mount config for type "bind": field Source must not be empty'
            )
        # The long syntax gets no defaults (unlike the short one): Compose prints it as written.
        if kind == "tmpfs" and isinstance(mount.get("tmpfs"), dict):
            tmpfs = dict(mount["tmpfs"])
            if "size" in tmpfs:
                tmpfs["size"] = _bytes(cv, tmpfs["size"], (*path, "tmpfs", "size"))
            if "mode" in tmpfs:
                tmpfs["mode"] = _int(cv, tmpfs["mode"], (*path, "tmpfs", "mode"))
            mount["tmpfs"] = tmpfs
        for key in ("read_only",):
            if key in mount:
                mount[key] = _bool(cv, mount[key], (*path, key))
        return mount
    raise cv.fail(path, "must be a volume string or a mapping")


_volumes = _list_of(_volume_mount)


def _devices(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    out: list[Any] = []
    for i, item in enumerate(value):
        if isinstance(item, str) and not cv.raw(item):
            out.append(cv.parse(parse_device, item, (*path, i)))
        elif isinstance(item, dict):
            out.append(dict(item))
        else:
            out.append(item)
    return out


def _depends_on(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    out: dict[str, Any] = {}
    if isinstance(value, list):
        for item in value:
            out[go_string(item)] = {"condition": "service_started", "required": True}
        return out
    if isinstance(value, dict):
        for name, spec in value.items():
            dep = dict(spec) if isinstance(spec, dict) else {}
            dep.setdefault("condition", "service_started")
            if "restart" in dep:
                dep["restart"] = _bool(cv, dep["restart"], (*path, name, "restart"))
            dep["required"] = _bool(cv, dep.get("required", True), (*path, name, "required"))
            out[name] = dep
        return out
    raise cv.fail(path, "must be a list of service names or a mapping")


def _names_or_map(item_rule: Converter, what: str) -> Converter:
    """``networks``/``models`` of a service: a list of names (each null) or a mapping."""

    def convert(cv: Conv, value: Any, path: PathT) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return {go_string(n): None for n in value}
        if isinstance(value, dict):
            return {
                name: None if spec is None else item_rule(cv, spec, (*path, name))
                for name, spec in value.items()
            }
        raise cv.fail(path, f"must be a list of {what} names or a mapping")

    return convert


def _healthcheck_test(cv: Conv, value: Any, path: PathT) -> Any:
    if isinstance(value, str):
        return ["CMD-SHELL", value]
    return _string_list(cv, value, path)


def _env_file(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append({"path": item, "required": True})
        elif isinstance(item, dict):
            entry = dict(item)
            entry["required"] = _bool(cv, entry.get("required", True), (*path, i, "required"))
            out.append(entry)
        else:
            raise cv.fail((*path, i), "must be a path or a mapping with `path`")
    return out


def _file_ref(default_target: str | None) -> Converter:
    """``secrets``/``configs`` of a service: a name or a long form."""

    @_on_list
    def convert(cv: Conv, value: list[Any], path: PathT) -> Any:
        out: list[Any] = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                ref: dict[str, Any] = {"source": item}
                if default_target is not None:
                    ref["target"] = f"{default_target}/{item}"
                out.append(ref)
            elif isinstance(item, dict):
                ref = dict(item)
                if default_target is not None and not ref.get("target") and ref.get("source"):
                    ref["target"] = f"{default_target}/{ref['source']}"
                if "mode" in ref:
                    ref["mode"] = _mode(cv, ref["mode"], (*path, i, "mode"))
                for key in ("uid", "gid"):
                    if key in ref and ref[key] is not None:
                        ref[key] = go_string(ref[key])
                out.append(ref)
            else:
                raise cv.fail((*path, i), "must be a name or a mapping")
        return out

    return convert


@_on_mapping
def _ulimits(cv: Conv, value: dict[str, Any], path: PathT) -> Any:
    out: dict[str, Any] = {}
    for name, spec in value.items():
        if isinstance(spec, dict):
            out[name] = {
                k: _int(cv, v, (*path, name, k)) for k, v in spec.items()
            }
        else:
            out[name] = _int(cv, spec, (*path, name))
    return out


def _build(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return {"context": value}
    build = _BUILD_STRUCT(cv, value, path)
    build.setdefault("context", ".")
    return build


def _ssh(cv: Conv, value: Any, path: PathT) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [f"{k}={v}" if v else k for k, v in value.items()]
    return [go_string(v) for v in value]


def _string_map(cv: Conv, value: Any, path: PathT) -> Any:
    return _labels(cv, value, path)


def _device_count(cv: Conv, value: Any, path: PathT) -> Any:
    # compose-go's DeviceCount: "all" is -1.
    if isinstance(value, str) and value.lower() == "all":
        return -1
    return _int(cv, value, path)


_DEVICE_REQUEST = _struct(
    {
        "capabilities": _string_list,
        "count": _device_count,
        "device_ids": _string_list,
        "options": _labels,
    }
)


def _gpus(cv: Conv, value: Any, path: PathT) -> Any:
    # The schema allows one string, "all": every GPU.
    if isinstance(value, str) and not cv.raw(value):
        return [{"count": -1}]
    return _list_of(_DEVICE_REQUEST)(cv, value, path)


_SERVICE_HOOK = _struct(
    {"command": _command, "environment": _mapping_with_equals, "privileged": _bool}
)

_WATCH_RULE = _struct(
    {"exec": _SERVICE_HOOK, "ignore": _string_list, "include": _string_list,
     "initial_sync": _bool}
)

_WEIGHT_DEVICE = _struct({"weight": _int})
# A throttle rate is a UnitBytes for iops too, so both print as a string of digits.
_THROTTLE_DEVICE = _struct({"rate": _bytes})

_BLKIO = _struct(
    {
        "weight": _int,
        "weight_device": _list_of(_WEIGHT_DEVICE),
        "device_read_bps": _list_of(_THROTTLE_DEVICE),
        "device_read_iops": _list_of(_THROTTLE_DEVICE),
        "device_write_bps": _list_of(_THROTTLE_DEVICE),
        "device_write_iops": _list_of(_THROTTLE_DEVICE),
    }
)


_NETWORK_ATTACH = _struct(
    {
        "aliases": _string_list,
        "link_local_ips": _string_list,
        "priority": _int,
        "gw_priority": _int,
        "driver_opts": _string_map,
    }
)

_BUILD_STRUCT = _struct(
    {
        "args": _mapping_with_equals,
        "labels": _labels,
        "ssh": _ssh,
        "extra_hosts": _extra_hosts,
        "secrets": _file_ref(None),
        "shm_size": _bytes,
        "cache_from": _string_list,
        "cache_to": _string_list,
        "tags": _string_list,
        "platforms": _string_list,
        "ulimits": _ulimits,
        "no_cache": _bool,
        "pull": _bool,
        "privileged": _bool,
        "additional_contexts": _labels,
    }
)

_RESOURCE = _struct(
    {
        "cpus": _float,
        "memory": _bytes,
        "pids": _int,
        "devices": _list_of(_DEVICE_REQUEST),
    }
)

_DEPLOY = _struct(
    {
        "replicas": _int,
        "labels": _labels,
        "resources": _struct({"limits": _RESOURCE, "reservations": _RESOURCE}),
        "restart_policy": _struct(
            {"delay": _duration, "window": _duration, "max_attempts": _int}
        ),
        "update_config": _struct(
            {"delay": _duration, "monitor": _duration, "parallelism": _int,
             "max_failure_ratio": _float}
        ),
        "rollback_config": _struct(
            {"delay": _duration, "monitor": _duration, "parallelism": _int,
             "max_failure_ratio": _float}
        ),
    }
)

_HEALTHCHECK = _struct(
    {
        "test": _healthcheck_test,
        "interval": _duration,
        "timeout": _duration,
        "start_period": _duration,
        "start_interval": _duration,
        "retries": _int,
        "disable": _bool,
    }
)

_LOGGING = _struct({"options": _labels})

SERVICE: dict[str, Converter] = {
    "annotations": _labels,
    "blkio_config": _BLKIO,
    "build": _build,
    "cap_add": _string_list,
    "cap_drop": _string_list,
    "command": _command,
    "configs": _file_ref(None),
    "cpu_count": _int,
    "cpu_percent": _int,
    "cpu_period": _int,
    "cpu_quota": _int,
    "cpu_rt_period": _int,
    "cpu_rt_runtime": _int,
    "cpu_shares": _int,
    "cpus": _float,
    "depends_on": _depends_on,
    "deploy": _DEPLOY,
    "develop": _struct({"watch": _list_of(_WATCH_RULE)}),
    "devices": _devices,
    "dns": _string_list,
    "dns_opt": _string_list,
    "dns_search": _string_list,
    "entrypoint": _command,
    "env_file": _env_file,
    "environment": _mapping_with_equals,
    "expose": _string_list,
    "external_links": _string_list,
    "extra_hosts": _extra_hosts,
    "gpus": _gpus,
    "group_add": _string_list,
    "healthcheck": _HEALTHCHECK,
    "init": _bool,
    "label_file": _string_list,
    "labels": _labels,
    "links": _string_list,
    "logging": _LOGGING,
    "mem_limit": _bytes,
    "mem_reservation": _bytes,
    "mem_swappiness": _bytes,
    "models": _names_or_map(_struct({}), "model"),
    "memswap_limit": _bytes,
    "networks": _names_or_map(_NETWORK_ATTACH, "network"),
    "oom_kill_disable": _bool,
    "oom_score_adj": _int,
    "pids_limit": _int,
    "ports": _ports,
    "post_start": _list_of(_SERVICE_HOOK),
    "pre_stop": _list_of(_SERVICE_HOOK),
    "privileged": _bool,
    "profiles": _string_list,
    "read_only": _bool,
    "scale": _int,
    "secrets": _file_ref("/run/secrets"),
    "security_opt": _string_list,
    "shm_size": _bytes,
    "stdin_open": _bool,
    "stop_grace_period": _duration,
    "storage_opt": _labels,
    "sysctls": _labels,
    "tmpfs": _string_list,
    "tty": _bool,
    "ulimits": _ulimits,
    "volumes": _volumes,
    "volumes_from": _string_list,
}

_SERVICE_STRUCT = _struct(SERVICE)

_IPAM = _struct(
    {
        "config": _list_of(_struct({"aux_addresses": _labels})),
    },
    # compose-go v2.9.1's IPAMConfig has no options field.
    dropped=frozenset({"options"}),
)

NETWORK: dict[str, Converter] = {
    "driver_opts": _labels,
    "labels": _labels,
    "ipam": _IPAM,
    "internal": _bool,
    "attachable": _bool,
    "enable_ipv4": _bool,
    "enable_ipv6": _bool,
}

VOLUME: dict[str, Converter] = {"driver_opts": _labels, "labels": _labels}

SECRET: dict[str, Converter] = {"labels": _labels, "driver_opts": _labels}

_TOP: dict[str, Converter] = {
    "networks": _map_of(_struct(NETWORK)),
    "volumes": _map_of(_struct(VOLUME)),
    "secrets": _map_of(_struct(SECRET)),
    "configs": _map_of(_struct(SECRET)),
}


# What an external volume may not set: Compose would not create it, so they could not apply.
_NOT_FOR_EXTERNAL = {"volumes": ("driver", "driver_opts", "labels")}


def _check_external(cv: Conv, kind: str, name: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        return
    external = spec.get("external")
    if isinstance(external, dict) or _bool(cv, external, (kind, name, "external")) is True:
        for key in _NOT_FOR_EXTERNAL.get(kind, ()):
            if key in spec:
                raise cv.fail(
                    (kind, name, key), f'conflicting parameters "external" and "{key}" specified'
                )


def _replicas_from_scale(service: dict[str, Any]) -> None:
    """``scale`` fills an unset ``deploy.replicas`` (compose-go's SetScale)."""
    deploy = service.get("deploy")
    scale = service.get("scale")
    if isinstance(deploy, dict) and deploy.get("replicas") is None and scale is not None:
        deploy["replicas"] = scale


def _maybe_external(kind: str, value: Any) -> Any:
    """``external: {name: x}`` (old form) becomes ``name: x`` + ``external: true``."""
    if value is None:
        return {}
    if isinstance(value, dict) and isinstance(value.get("external"), dict):
        value = dict(value)
        ext = value["external"]
        if "name" in ext:
            value.setdefault("name", ext["name"])
        value["external"] = True
    return value


def to_long_syntax(tree: Any, stages: Stages) -> Any:
    """A new tree where every attribute is in Compose's long syntax with Compose's types."""
    cv = Conv(tree, interpolated=stages.interpolate)
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if key == "services":
            services: dict[str, Any] = {}
            for name, service in (value or {}).items():
                path: PathT = ("services", name)
                if service is None:
                    service = {}
                services[name] = _SERVICE_STRUCT(cv, service, path)
                if cv.interpolated:
                    _replicas_from_scale(services[name])
            out[key] = services
        elif key in _TOP:
            for name, spec in (value or {}).items():
                _check_external(cv, key, name, spec)
            resources = {
                name: _maybe_external(key, spec) for name, spec in (value or {}).items()
            }
            out[key] = _TOP[key](cv, resources, (key,))
        else:
            out[key] = value
    return out
