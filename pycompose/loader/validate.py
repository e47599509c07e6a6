"""Schema check of one raw compose file, against the Compose Specification.

The contract is the JSON schema that Docker Compose v2.40.3 (compose-go v2.9.1) embeds, written
here as a compact table of Python rules compiled once at import. :func:`validate_schema` runs on
the tree as parsed, before interpolation and before short syntax is turned into long syntax, so
every short and long form is accepted, and strings holding ``${...}`` are accepted wherever a
string is; such a string skips ``enum``/``pattern`` checks, which only its interpolated value can
pass or fail. (The loader pipeline calls it after interpolation, which is judged the same way.)

Compose itself validates after interpolation, type casts and a de-duplication pass; the table
reproduces what that means for a raw file:

* lists that Compose de-duplicates before validating (``ports``, ``environment``, ``cap_add``, ...)
  do not get the schema's ``uniqueItems`` check, because duplicates there never reach it;
* the three cast fields whose schema has a numeric range (``cpu_count``, ``cpu_percent``,
  ``oom_score_adj``) check a literal numeric string against that range, as Compose does after
  casting it;
* ``include`` and ``extends`` are consumed by Compose before the schema check and only decoded,
  so their unknown keys are accepted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from pycompose.errors import ComposeFileError, Mark
from pycompose.loader.tree import PathT, YMap, YSeq, locate
from pycompose.loader.units import Timestamp

__all__ = ["validate_schema"]


class _Invalid(Exception):
    """The first problem found.

    Raised with the path relative to the node that found it; each enclosing mapping or list adds
    its key or index on the way out (``within``), so a valid tree never builds a path at all.
    ``key``/``index`` name the child of that node the mark should point at.
    """

    def __init__(self, message: str, *, key: str | None = None, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.index = index
        self.reversed_path: list[str | int] = []

    def within(self, part: str | int) -> _Invalid:
        self.reversed_path.append(part)
        return self

    @property
    def path(self) -> PathT:
        return tuple(reversed(self.reversed_path))


# JSON kinds of YAML scalars and collections. A whole float is a JSON "integer", as in compose-go.
# A YAML timestamp is a Go time.Time, which has none: no rule accepts it but "anything" (x-*).
_GO_TIME: Final = "time.Time"
_KIND_BY_TYPE: Final[dict[type, str]] = {
    str: "string",
    bool: "boolean",
    int: "integer",
    type(None): "null",
    dict: "object",
    list: "array",
    YMap: "object",
    YSeq: "array",
    Timestamp: _GO_TIME,
}


def _kind(value: Any) -> str:
    kind = _KIND_BY_TYPE.get(type(value))
    if kind is not None:
        return kind
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list):
        return "array"
    return "unknown"


def _mismatch(expect: str, value: Any) -> _Invalid:
    """The error for a value of a kind the rule does not accept."""
    if type(value) is Timestamp:
        return _Invalid(f"invalid jsonType {_GO_TIME}")
    return _Invalid(expect)


_TYPE_NAMES: Final[dict[str, str]] = {"object": "mapping", "array": "list"}


def _expected(types: Iterable[str]) -> str:
    names = [_TYPE_NAMES.get(t, t) for t in sorted(set(types))]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    if names[0] == "null":
        return f"must be {text}"
    article = "an" if names[0][0] in "aeiou" else "a"
    return f"must be {article} {text}"


def _interpolated(text: str) -> bool:
    """Whether ``text`` may change under interpolation (``$$`` is only an escaped ``$``)."""
    return "$" in text and "$" in text.replace("$$", "")


def _unique_key(value: Any) -> Any:
    kind = _kind(value)
    if kind in ("object", "array"):
        return (kind, json.dumps(value, sort_keys=True, default=str))
    if kind in ("integer", "number"):
        return ("number", value)
    return (kind, value)


# Python types that settle a JSON kind by themselves (a float needs a look at its value).
_EXACT_TYPES: Final[dict[str, tuple[type, ...]]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
    "null": (type(None),),
}


class _Rule:
    """One node of the compiled schema.

    ``kinds``: the JSON kinds it can accept at all; ``trivial``: Python types whose every value
    it accepts, which lets a parent skip the call (most leaves are plain typed values).
    """

    types: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    trivial: frozenset[type] = frozenset()

    def check(self, value: Any) -> None:
        raise NotImplementedError


class _AnyValue(_Rule):
    kinds = frozenset(("string", "boolean", "integer", "number", "null", "object", "array"))
    types = ("string", "boolean", "number", "null", "object", "array")
    trivial = frozenset((str, bool, int, float, type(None), dict, list, YMap, YSeq))

    def check(self, value: Any) -> None:
        return None


def _kinds_of(types: Iterable[str]) -> frozenset[str]:
    kinds = set(types)
    if "number" in kinds:
        kinds.add("integer")
    return frozenset(kinds)


class _Leaf(_Rule):
    """A typed value, with the scalar keywords the schema uses on it."""

    def __init__(
        self,
        *types: str,
        enum: tuple[str, ...] = (),
        pattern: str | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
        cast: Callable[[str], int | float | None] | None = None,
    ) -> None:
        self.types = types
        self.kinds = _kinds_of(types)
        self.expect = _expected(types)
        self.enum = frozenset(enum)
        self.enum_text = ", ".join(f"'{e}'" for e in enum)
        self.pattern = pattern
        self.search = re.compile(pattern).search if pattern is not None else None
        self.minimum = minimum
        self.maximum = maximum
        self.cast = cast
        self.string_checks = bool(enum) or pattern is not None or cast is not None
        self.ranged = minimum is not None or maximum is not None
        trivial: set[type] = set()
        for kind in types:
            if kind == "string" and self.string_checks:
                continue
            if kind in ("integer", "number") and self.ranged:
                continue
            trivial.update(_EXACT_TYPES.get(kind, ()))
        if "boolean" not in types:
            trivial.discard(bool)
        self.trivial = frozenset(trivial)

    def check(self, value: Any) -> None:
        kind = _kind(value)
        if kind not in self.kinds:
            raise _mismatch(self.expect, value)
        if kind == "string":
            if self.string_checks and not _interpolated(value):
                self._check_string(value)
        elif self.ranged and kind in ("integer", "number"):
            self._check_range(value, "")

    def _check_string(self, value: str) -> None:
        if self.enum and value not in self.enum:
            if len(self.enum) == 1:
                raise _Invalid(f"must be {self.enum_text}")
            raise _Invalid(f"must be one of: {self.enum_text}")
        if self.search is not None and self.search(value) is None:
            raise _Invalid(f"must match the pattern '{self.pattern}' (got '{value}')")
        if self.cast is not None:
            number = self.cast(value)
            if number is None:
                # not a number at all: the interpolation stage reports the failed cast
                return
            note = f" (the string '{value}' is read as a number)"
            numeric = self.kinds - {"string"}
            if _kind(number) not in numeric:
                raise _Invalid(_expected(numeric) + note)
            self._check_range(number, note)

    def _check_range(self, value: float, note: str) -> None:
        if self.minimum is not None and value < self.minimum:
            raise _Invalid(f"must be greater than or equal to {self.minimum}{note}")
        if self.maximum is not None and value > self.maximum:
            raise _Invalid(f"must be less than or equal to {self.maximum}{note}")


KeyTest = Callable[[str], object]


class _Map(_Rule):
    """A mapping: named properties, key patterns, and whether other keys are allowed."""

    def __init__(
        self,
        props: Mapping[str, _Rule],
        *,
        patterns: Iterable[tuple[KeyTest, _Rule]] = (),
        x: bool = True,
        extra: bool = False,
        required: tuple[str, ...] = (),
        nullable: bool = False,
    ) -> None:
        self.props = dict(props)
        pats = list(patterns)
        if x:
            pats.insert(0, (_is_extension, ANY))
        self.patterns = tuple(pats)
        self.extra = extra
        self.required = required
        self.nullable = nullable
        self.types = ("object", "null") if nullable else ("object",)
        self.kinds = frozenset(self.types)
        self.trivial = frozenset((type(None),)) if nullable else frozenset()
        self.expect = _expected(self.types)

    def check(self, value: Any) -> None:
        if not isinstance(value, dict):
            if value is None and self.nullable:
                return
            raise _mismatch(self.expect, value)
        props = self.props
        for key, item in value.items():
            rule = props.get(key)
            if rule is not None:
                if type(item) in rule.trivial:
                    continue
                try:
                    rule.check(item)
                except _Invalid as problem:
                    if _is_reset(value, key):
                        continue
                    raise problem.within(key) from None
                continue
            name = key if isinstance(key, str) else str(key)
            matched = False
            for test, pattern_rule in self.patterns:
                if test(name):
                    matched = True
                    if type(item) in pattern_rule.trivial:
                        continue
                    try:
                        pattern_rule.check(item)
                    except _Invalid as problem:
                        if _is_reset(value, key):
                            break
                        raise problem.within(key) from None
            if not matched and not self.extra and not _is_reset(value, key):
                raise self._additional(value, key)
        for key in self.required:
            if key not in value:
                raise _Invalid(f"missing required property '{key}'")

    def _additional(self, value: dict[Any, Any], first: Any) -> _Invalid:
        names = [
            str(k)
            for k in value
            if k not in self.props and not any(test(str(k)) for test, _ in self.patterns)
        ]
        listed = ", ".join(f"'{n}'" for n in names)
        word = "property" if len(names) == 1 else "properties"
        return _Invalid(f"additional {word} {listed} not allowed", key=first)


class _List(_Rule):
    types = ("array",)
    kinds = frozenset(types)

    def __init__(self, items: _Rule, *, unique: bool = False) -> None:
        self.items = items
        self.unique = unique

    def check(self, value: Any) -> None:
        if not isinstance(value, list):
            raise _mismatch("must be a list", value)
        items = self.items
        trivial = items.trivial
        for index, item in enumerate(value):
            if type(item) in trivial:
                continue
            try:
                items.check(item)
            except _Invalid as problem:
                raise problem.within(index) from None
        if self.unique:
            seen: dict[Any, int] = {}
            for index, item in enumerate(value):
                key = _unique_key(item)
                if key in seen:
                    raise _Invalid(
                        f"must not contain duplicates: items [{seen[key]}] and [{index}] are equal",
                        index=index,
                    )
                seen[key] = index


class _OneOf(_Rule):
    """Alternatives. The schema's alternatives never accept the same JSON kind, so the value's
    kind picks the one alternative whose error is worth reporting."""

    def __init__(self, *alternatives: _Rule) -> None:
        self.alternatives = alternatives
        self.types = tuple(t for a in alternatives for t in a.types)
        self.kinds = frozenset(k for a in alternatives for k in a.kinds)
        self.trivial = frozenset(t for a in alternatives for t in a.trivial)
        self.expect = _expected(self.types)
        by_kind: dict[str, list[_Rule]] = {}
        for alternative in alternatives:
            for kind in alternative.kinds:
                by_kind.setdefault(kind, []).append(alternative)
        self.by_kind = {k: tuple(v) for k, v in by_kind.items()}
        # the same choice keyed by Python type, for the types whose kind does not depend on value
        self.by_type = {
            python_type: self.by_kind.get(kind, ()) for python_type, kind in _KIND_BY_TYPE.items()
        }

    def check(self, value: Any) -> None:
        candidates = self.by_type.get(type(value))
        if candidates is None:
            candidates = self.by_kind.get(_kind(value))
        if not candidates:
            raise _mismatch(self.expect, value)
        first: _Invalid | None = None
        for candidate in candidates:
            try:
                candidate.check(value)
            except _Invalid as problem:
                first = first or problem
            else:
                return
        assert first is not None
        raise first


def _is_reset(mapping: Any, key: Any) -> bool:
    # Compose drops a value tagged `!reset` before its schema check, so it may be anything
    return key in getattr(mapping, "resets", ())


def _is_extension(key: str) -> bool:
    return key.startswith("x-")


def _to_int64(text: str) -> int | None:
    # strconv.ParseInt(s, 10, 64): optional sign, decimal digits, nothing else
    if re.fullmatch(r"[+-]?[0-9]+", text) is None:
        return None
    number = int(text)
    return number if -(2**63) <= number < 2**63 else None


def _to_float(text: str) -> float | None:
    if not text or text != text.strip() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


# --- building blocks --------------------------------------------------------------------------

ANY: Final = _AnyValue()
NAME: Final[KeyTest] = re.compile(r"[a-zA-Z0-9._-]+").fullmatch
LOWER: Final[KeyTest] = re.compile(r"[a-z]+").fullmatch
WHOLE_KEY: Final[KeyTest] = re.compile(r".+").fullmatch  # the schema's "^.+$"
SOME_KEY: Final[KeyTest] = re.compile(r".").search  # the schema's unanchored ".+"

STR: Final = _Leaf("string")
BOOL: Final = _Leaf("boolean")
NUM: Final = _Leaf("number")
INT: Final = _Leaf("integer")
NULL: Final = _Leaf("null")
BOOL_STR: Final = _Leaf("boolean", "string")
NUM_STR: Final = _Leaf("number", "string")
INT_STR: Final = _Leaf("integer", "string")
STRINGS: Final = _List(STR)


def _strings(*, unique: bool) -> _List:
    """The schema's ``list_of_strings`` (``uniqueItems``), minus the check where Compose dedups."""
    return _List(STR, unique=unique)


def _string_or_list(*, unique: bool) -> _OneOf:
    return _OneOf(STR, _strings(unique=unique))


def _list_or_dict(*, unique: bool) -> _OneOf:
    values = _Leaf("string", "number", "boolean", "null")
    return _OneOf(_Map({}, patterns=[(SOME_KEY, values)], x=False), _strings(unique=unique))


def _options(values: _Rule, key: KeyTest = WHOLE_KEY, *, closed: bool = False) -> _Map:
    """A free-form mapping of options whose values have a type (``driver_opts``, ...)."""
    return _Map({}, patterns=[(key, values)], x=False, extra=not closed)


def _enum(*values: str) -> _Leaf:
    return _Leaf("string", enum=values)


_COMMAND: Final = _OneOf(NULL, STR, STRINGS)

_SERVICE_HOOK: Final = _Map(
    {
        "command": _COMMAND,
        "user": STR,
        "privileged": BOOL_STR,
        "working_dir": STR,
        "environment": _list_or_dict(unique=True),
    },
    required=("command",),
)

_EXTRA_HOSTS: Final = _OneOf(
    _Map({}, patterns=[(SOME_KEY, _OneOf(STR, STRINGS))], x=False),
    _strings(unique=True),
)

_ULIMITS: Final = _Map(
    {},
    patterns=[
        (
            LOWER,
            _OneOf(
                INT_STR,
                _Map({"hard": INT_STR, "soft": INT_STR}, required=("soft", "hard")),
            ),
        )
    ],
    x=False,
    extra=True,
)

_CONFIG_OR_SECRET_REFS: Final = _List(
    _OneOf(
        STR,
        _Map({"source": STR, "target": STR, "uid": STR, "gid": STR, "mode": NUM_STR}),
    )
)

_DRIVER_OPTS: Final = _options(NUM_STR)

_DEVICE_REQUEST_PROPS: Final[dict[str, _Rule]] = {
    "capabilities": _strings(unique=True),
    "count": INT_STR,
    "device_ids": _strings(unique=True),
    "driver": STR,
    "options": _list_or_dict(unique=True),
}

_BUILD: Final = _OneOf(
    STR,
    _Map(
        {
            "context": STR,
            "dockerfile": STR,
            "dockerfile_inline": STR,
            "entitlements": STRINGS,
            "args": _list_or_dict(unique=False),  # de-duplicated by Compose
            "ssh": _list_or_dict(unique=True),
            "labels": _list_or_dict(unique=False),  # de-duplicated by Compose
            "cache_from": STRINGS,
            "cache_to": STRINGS,
            "no_cache": BOOL_STR,
            "additional_contexts": _list_or_dict(unique=False),  # de-duplicated by Compose
            "network": STR,
            "provenance": BOOL_STR,
            "sbom": BOOL_STR,
            "pull": BOOL_STR,
            "target": STR,
            "shm_size": INT_STR,
            "extra_hosts": _EXTRA_HOSTS,
            "isolation": STR,
            "privileged": BOOL_STR,
            "secrets": _CONFIG_OR_SECRET_REFS,
            "tags": STRINGS,
            "ulimits": _ULIMITS,
            "platforms": STRINGS,
        }
    ),
)

_BLKIO_LIMITS: Final = _List(_Map({"path": STR, "rate": INT_STR}, x=False))

_BLKIO_CONFIG: Final = _Map(
    {
        "device_read_bps": _BLKIO_LIMITS,
        "device_read_iops": _BLKIO_LIMITS,
        "device_write_bps": _BLKIO_LIMITS,
        "device_write_iops": _BLKIO_LIMITS,
        "weight": INT_STR,
        "weight_device": _List(_Map({"path": STR, "weight": INT_STR}, x=False)),
    },
    x=False,
)

_DEPENDS_ON: Final = _OneOf(
    _strings(unique=True),
    _Map(
        {},
        patterns=[
            (
                NAME,
                _Map(
                    {
                        "restart": BOOL_STR,
                        "required": BOOL,
                        "condition": _enum(
                            "service_started", "service_healthy", "service_completed_successfully"
                        ),
                    },
                    required=("condition",),
                ),
            )
        ],
        x=False,
    ),
)

_DEVICES: Final = _List(
    _OneOf(
        STR,
        _Map({"source": STR, "target": STR, "permissions": STR}, required=("source",)),
    )
)

_ENV_FILE: Final = _OneOf(
    STR,
    _List(
        _OneOf(
            STR,
            _Map(
                {"path": STR, "format": STR, "required": BOOL_STR},
                x=False,
                required=("path",),
            ),
        )
    ),
)

# Compose resolves `extends` before its schema check and only decodes it: other keys are ignored.
_EXTENDS: Final = _OneOf(
    STR, _Map({"service": STR, "file": STR}, extra=True, required=("service",))
)

_SCALAR: Final = _Leaf("string", "number", "boolean")

_PROVIDER: Final = _Map(
    {"type": STR, "options": _options(_OneOf(_SCALAR, _List(_SCALAR)))},
    required=("type",),
)

_GPUS: Final = _OneOf(
    _enum("all"),
    # the schema puts this list's additionalProperties at the wrong level: other keys pass
    _List(_Map(_DEVICE_REQUEST_PROPS, x=False, extra=True)),
)

_HEALTHCHECK: Final = _Map(
    {
        "disable": BOOL_STR,
        "interval": STR,
        "retries": NUM_STR,
        "test": _OneOf(STR, STRINGS),
        "timeout": STR,
        "start_period": STR,
        "start_interval": STR,
    }
)

_LOGGING: Final = _Map({"driver": STR, "options": _options(_Leaf("string", "number", "null"))})

_SERVICE_MODELS: Final = _OneOf(
    _strings(unique=True),
    _Map(
        {},
        patterns=[(NAME, _OneOf(_Map({"endpoint_var": STR, "model_var": STR}), NULL))],
        x=False,
        extra=True,
    ),
)

_NETWORK_ATTACHMENT: Final = _Map(
    {
        "aliases": _strings(unique=False),  # de-duplicated by Compose
        "interface_name": STR,
        "ipv4_address": STR,
        "ipv6_address": STR,
        "link_local_ips": _strings(unique=False),  # de-duplicated by Compose
        "mac_address": STR,
        "driver_opts": _DRIVER_OPTS,
        "priority": NUM,
        "gw_priority": NUM,
    }
)

_SERVICE_NETWORKS: Final = _OneOf(
    _strings(unique=True),
    _Map({}, patterns=[(NAME, _OneOf(_NETWORK_ATTACHMENT, NULL))], x=False),
)

_PORTS: Final = _List(  # de-duplicated by Compose
    _OneOf(
        NUM,
        STR,
        _Map(
            {
                "name": STR,
                "mode": STR,
                "host_ip": STR,
                "target": INT_STR,
                "published": INT_STR,
                "protocol": STR,
                "app_protocol": STR,
            }
        ),
    )
)

_MOUNT: Final = _Map(
    {
        "type": _enum("bind", "volume", "tmpfs", "cluster", "npipe", "image"),
        "source": STR,
        "target": STR,
        "read_only": BOOL_STR,
        "consistency": STR,
        "bind": _Map(
            {
                "propagation": STR,
                "create_host_path": BOOL_STR,
                "recursive": _enum("enabled", "disabled", "writable", "readonly"),
                "selinux": _enum("z", "Z"),
            }
        ),
        "volume": _Map({"labels": _list_or_dict(unique=True), "nocopy": BOOL_STR, "subpath": STR}),
        "tmpfs": _Map({"size": _Leaf("integer", "string", minimum=0), "mode": NUM_STR}),
        "image": _Map({"subpath": STR}),
    },
    required=("type",),
)

_UPDATE_CONFIG: Final = _Map(
    {
        "parallelism": INT_STR,
        "delay": STR,
        "failure_action": STR,
        "monitor": STR,
        "max_failure_ratio": NUM_STR,
        "order": _enum("start-first", "stop-first"),
    }
)

_DEPLOY: Final = _Map(
    {
        "mode": STR,
        "endpoint_mode": STR,
        "replicas": INT_STR,
        "labels": _list_or_dict(unique=False),  # de-duplicated by Compose
        "rollback_config": _UPDATE_CONFIG,
        "update_config": _UPDATE_CONFIG,
        "resources": _Map(
            {
                "limits": _Map({"cpus": NUM_STR, "memory": STR, "pids": INT_STR}),
                "reservations": _Map(
                    {
                        "cpus": NUM_STR,
                        "memory": STR,
                        "generic_resources": _List(
                            _Map({"discrete_resource_spec": _Map({"kind": STR, "value": NUM_STR})})
                        ),
                        "devices": _List(_Map(_DEVICE_REQUEST_PROPS, required=("capabilities",))),
                    }
                ),
            }
        ),
        "restart_policy": _Map(
            {"condition": STR, "delay": STR, "max_attempts": INT_STR, "window": STR}
        ),
        "placement": _Map(
            {
                "constraints": STRINGS,
                "preferences": _List(_Map({"spread": STR})),
                "max_replicas_per_node": INT_STR,
            }
        ),
    },
    nullable=True,
)

_DEVELOP: Final = _Map(
    {
        "watch": _List(
            _Map(
                {
                    "ignore": _string_or_list(unique=True),
                    "include": _string_or_list(unique=True),
                    "path": STR,
                    "action": _enum("rebuild", "sync", "restart", "sync+restart", "sync+exec"),
                    "target": STR,
                    "exec": _SERVICE_HOOK,
                    "initial_sync": BOOL,
                },
                required=("path", "action"),
            )
        )
    },
    nullable=True,
)

# Lists that Compose de-duplicates before its schema check get `unique=False` below.
_SERVICE: Final = _Map(
    {
        "develop": _DEVELOP,
        "deploy": _DEPLOY,
        "annotations": _list_or_dict(unique=False),
        "attach": BOOL_STR,
        "build": _BUILD,
        "blkio_config": _BLKIO_CONFIG,
        "cap_add": _strings(unique=False),
        "cap_drop": _strings(unique=False),
        "cgroup": _enum("host", "private"),
        "cgroup_parent": STR,
        "command": _COMMAND,
        "configs": _CONFIG_OR_SECRET_REFS,
        "container_name": _Leaf("string", pattern="[a-zA-Z0-9][a-zA-Z0-9_.-]+"),
        "cpu_count": _Leaf("string", "integer", minimum=0, cast=_to_int64),
        "cpu_percent": _Leaf("string", "integer", minimum=0, maximum=100, cast=_to_float),
        "cpu_shares": NUM_STR,
        "cpu_quota": NUM_STR,
        "cpu_period": NUM_STR,
        "cpu_rt_period": NUM_STR,
        "cpu_rt_runtime": NUM_STR,
        "cpus": NUM_STR,
        "cpuset": STR,
        "credential_spec": _Map({"config": STR, "file": STR, "registry": STR}),
        "depends_on": _DEPENDS_ON,
        "device_cgroup_rules": _strings(unique=True),
        "devices": _DEVICES,
        "dns": _string_or_list(unique=False),
        "dns_opt": _strings(unique=False),
        "dns_search": _string_or_list(unique=False),
        "domainname": STR,
        "entrypoint": _COMMAND,
        "env_file": _ENV_FILE,
        "label_file": _OneOf(STR, STRINGS),
        "environment": _list_or_dict(unique=False),
        "expose": _List(_Leaf("string", "number")),
        "extends": _EXTENDS,
        "provider": _PROVIDER,
        "external_links": _strings(unique=True),
        "extra_hosts": _EXTRA_HOSTS,
        "gpus": _GPUS,
        "group_add": _List(_Leaf("string", "number"), unique=True),
        "healthcheck": _HEALTHCHECK,
        "hostname": STR,
        "image": STR,
        "init": BOOL_STR,
        "ipc": STR,
        "isolation": STR,
        "labels": _list_or_dict(unique=False),
        "links": _strings(unique=False),
        "logging": _LOGGING,
        "mac_address": STR,
        "mem_limit": NUM_STR,
        "mem_reservation": INT_STR,
        "mem_swappiness": INT_STR,
        "memswap_limit": NUM_STR,
        "network_mode": STR,
        "models": _SERVICE_MODELS,
        "networks": _SERVICE_NETWORKS,
        "oom_kill_disable": BOOL_STR,
        "oom_score_adj": _Leaf("string", "integer", minimum=-1000, maximum=1000, cast=_to_int64),
        "pid": _Leaf("string", "null"),
        "pids_limit": NUM_STR,
        "platform": STR,
        "ports": _PORTS,
        "post_start": _List(_SERVICE_HOOK),
        "pre_stop": _List(_SERVICE_HOOK),
        "privileged": BOOL_STR,
        "profiles": _strings(unique=False),
        "pull_policy": _Leaf(
            "string",
            pattern="always|never|build|if_not_present|missing|refresh|daily|weekly"
            "|every_([0-9]+[wdhms])+",
        ),
        "pull_refresh_after": STR,
        "read_only": BOOL_STR,
        "restart": STR,
        "runtime": STR,
        "scale": INT_STR,
        "security_opt": _strings(unique=True),
        "shm_size": NUM_STR,
        "secrets": _CONFIG_OR_SECRET_REFS,
        "sysctls": _list_or_dict(unique=False),
        "stdin_open": BOOL_STR,
        "stop_grace_period": STR,
        "stop_signal": STR,
        "storage_opt": _Map({}, x=False, extra=True),
        "tmpfs": _string_or_list(unique=False),
        "tty": BOOL_STR,
        "ulimits": _ULIMITS,
        "use_api_socket": BOOL,
        "user": STR,
        "uts": STR,
        "userns_mode": STR,
        "volumes": _List(_OneOf(STR, _MOUNT)),
        "volumes_from": _strings(unique=True),
        "working_dir": STR,
    }
)


def _external(*, closed: bool) -> _OneOf:
    return _OneOf(BOOL_STR, _Map({"name": STR}, x=closed, extra=not closed))


_NETWORK: Final = _Map(
    {
        "name": STR,
        "driver": STR,
        "driver_opts": _DRIVER_OPTS,
        "ipam": _Map(
            {
                "driver": STR,
                "config": _List(
                    _Map(
                        {
                            "subnet": STR,
                            "ip_range": STR,
                            "gateway": STR,
                            "aux_addresses": _options(STR, closed=True),
                        }
                    )
                ),
                "options": _options(STR, closed=True),
            }
        ),
        "external": _external(closed=True),
        "internal": BOOL_STR,
        "enable_ipv4": BOOL_STR,
        "enable_ipv6": BOOL_STR,
        "attachable": BOOL_STR,
        "labels": _list_or_dict(unique=False),  # de-duplicated by Compose
    },
    nullable=True,
)

_VOLUME: Final = _Map(
    {
        "name": STR,
        "driver": STR,
        "driver_opts": _DRIVER_OPTS,
        "external": _external(closed=True),
        "labels": _list_or_dict(unique=True),
    },
    nullable=True,
)

_SECRET: Final = _Map(
    {
        "name": STR,
        "environment": STR,
        "file": STR,
        "external": _external(closed=False),
        "labels": _list_or_dict(unique=True),
        "driver": STR,
        "driver_opts": _DRIVER_OPTS,
        "template_driver": STR,
    }
)

_CONFIG: Final = _Map(
    {
        "name": STR,
        "content": STR,
        "environment": STR,
        "file": STR,
        "external": _external(closed=False),
        "labels": _list_or_dict(unique=True),
        "template_driver": STR,
    }
)

_MODEL: Final = _Map(
    {"name": STR, "model": STR, "context_size": INT, "runtime_flags": STRINGS},
    required=("model",),
)

# Compose loads `include` before its schema check and only decodes it: other keys are ignored,
# and project_directory is decoded weakly (a number becomes a string).
_INCLUDE: Final = _List(
    _OneOf(
        STR,
        _Map(
            {
                "path": _string_or_list(unique=False),
                "env_file": _string_or_list(unique=False),
                "project_directory": _SCALAR,
            },
            extra=True,
        ),
    )
)

_COMPOSE_FILE: Final = _Map(
    {
        "version": STR,
        "name": STR,
        "include": _INCLUDE,
        "services": _Map({}, patterns=[(NAME, _SERVICE)], x=False),
        "models": _Map({}, patterns=[(NAME, _MODEL)], x=False, extra=True),
        "networks": _Map({}, patterns=[(NAME, _NETWORK)], x=False, extra=True),
        "volumes": _Map({}, patterns=[(NAME, _VOLUME)], x=False),
        "secrets": _Map({}, patterns=[(NAME, _SECRET)], x=False),
        "configs": _Map({}, patterns=[(NAME, _CONFIG)], x=False),
    }
)


def _node_at(tree: Any, path: PathT) -> Any:
    node = tree
    for part in path:
        node = node[part]
    return node


def _mark_of(tree: Any, problem: _Invalid) -> Mark | None:
    if problem.key is not None:
        container = _node_at(tree, problem.path)
        key_marks = getattr(container, "key_marks", None)
        if key_marks and problem.key in key_marks:
            mark: Mark = key_marks[problem.key]
            return mark
        return locate(tree, (*problem.path, problem.key))
    if problem.index is not None:
        return locate(tree, (*problem.path, problem.index))
    return locate(tree, problem.path)


def validate_schema(tree: Any, *, file: str | None = None) -> None:
    """Check one raw compose tree against the Compose Specification's schema.

    ``tree`` may be raw (as parsed) or already interpolated and cast, as the loader pipeline
    hands it over; both are judged as Compose judges the file. Raises
    :class:`ComposeFileError` for the first problem in document order, with the YAML path of the
    offending node and, when the tree carries marks, its line and column (the key's own position
    for a key that is not allowed, the second item for a duplicate).
    """
    try:
        _COMPOSE_FILE.check(tree)
    except _Invalid as problem:
        raise ComposeFileError(
            problem.message, file=file, path=problem.path, mark=_mark_of(tree, problem)
        ) from None
