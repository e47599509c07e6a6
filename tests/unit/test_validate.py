"""Schema check of raw compose trees (pycompose.loader.validate).

Cases are plain Python trees, so the same lists feed tests/oracle/test_validate_oracle.py, which
writes each one as JSON (a YAML 1.2 document) and checks that Docker Compose v2.40.3 gives the
same verdict: every VALID tree is accepted by it, every INVALID tree rejected (on schema grounds
unless the case says which other stage of Compose rejects it).
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

import pytest

from pycompose.errors import ComposeFileError, Mark, format_path
from pycompose.loader.tree import YMap, YSeq
from pycompose.loader.validate import validate_schema


def service(**attrs: Any) -> dict[str, Any]:
    """A one-service project: ``web`` with an image and ``attrs``."""
    return {"services": {"web": {"image": "nginx", **attrs}}}


def with_db(**attrs: Any) -> dict[str, Any]:
    tree = service(**attrs)
    tree["services"]["db"] = {"image": "postgres"}
    return tree


def with_secret(**attrs: Any) -> dict[str, Any]:
    return {**service(**attrs), "secrets": {"s": {"environment": "HOME"}}}


# Variables the oracle test sets, so that every `${...}` below interpolates to a valid value.
ORACLE_ENV = {"PRIVILEGED": "true", "CGROUP": "host", "CONDITION": "service_healthy"}

VALID: list[tuple[str, dict[str, Any]]] = [
    ("minimal", service()),
    ("empty_services", {"services": {}}),
    ("version_name_and_extensions", {"version": "3.9", "name": "demo", "x-anchors": {"a": [1]}}),
    ("service_extension", service(**{"x-meta": {"anything": [1, None]}})),
    ("build_short", service(build=".")),
    (
        "build_long",
        with_secret(
            build={
                "context": ".",
                "dockerfile": "Dockerfile",
                "args": {"A": 1, "B": None},
                "labels": ["a=b"],
                "ssh": ["default"],
                "cache_from": ["a"],
                "extra_hosts": ["h:1.2.3.4"],
                "secrets": ["s", {"source": "s", "target": "/s", "mode": 0o440}],
                "ulimits": {"nofile": {"soft": 1, "hard": 2}},
                "shm_size": "64m",
                "no_cache": False,
                "x-build": True,
            }
        ),
    ),
    ("ports_short", service(ports=["3000", "8080:80", 9090, "127.0.0.1:53:53/udp"])),
    (
        "ports_long",
        service(
            ports=[
                {"target": 80, "published": "8080", "host_ip": "127.0.0.1", "protocol": "tcp"},
                {"target": "81", "published": 8081, "mode": "host", "name": "w", "x-p": 1},
            ]
        ),
    ),
    ("ports_duplicates_deduplicated_by_compose", service(ports=["80", "80"])),
    ("volumes_short", service(volumes=["./data:/data:ro", "/anon"])),
    (
        "volumes_long",
        {
            **service(
                volumes=[
                    {"type": "volume", "source": "v", "target": "/v", "volume": {"nocopy": True}},
                    {"type": "bind", "source": ".", "target": "/b", "bind": {"selinux": "z"}},
                    {"type": "tmpfs", "target": "/t", "tmpfs": {"size": 1000, "mode": 1777}},
                    {
                        "type": "image",
                        "source": "alpine",
                        "target": "/i",
                        "image": {"subpath": "x"},
                    },
                ]
            ),
            "volumes": {"v": None},
        },
    ),
    ("environment_list_and_map", service(environment={"A": 1, "B": True, "C": None, "D": "x"})),
    ("environment_list", service(environment=["A=1", "B"], labels=["a=b", "a=c"])),
    ("depends_on_short", with_db(depends_on=["db"])),
    (
        "depends_on_long",
        with_db(depends_on={"db": {"condition": "service_healthy", "restart": True, "x-a": 1}}),
    ),
    ("command_forms", service(command="echo hi", entrypoint=["sh", "-c"])),
    ("command_null", service(command=None)),
    (
        "healthcheck",
        service(
            healthcheck={
                "test": ["CMD", "true"],
                "interval": "1m30s",
                "retries": 3,
                "disable": False,
                "x-h": 1,
            }
        ),
    ),
    (
        "deploy",
        service(
            deploy={
                "replicas": 2,
                "resources": {"limits": {"cpus": "0.5", "memory": "50M"}},
                "restart_policy": {"condition": "on-failure", "max_attempts": 3},
                "update_config": {"order": "start-first", "max_failure_ratio": 0.1},
                "placement": {"constraints": ["node.role==manager"]},
            }
        ),
    ),
    ("deploy_null", service(deploy=None, develop=None)),
    (
        "networks_long_and_null",
        {
            **service(networks={"front": {"aliases": ["a"], "priority": 10}, "back": None}),
            "networks": {"front": None, "back": {"driver": "bridge"}},
        },
    ),
    (
        "top_level_definitions",
        {
            **service(),
            "networks": {
                "n": {
                    "external": True,
                    "name": "outside",
                    "labels": {"a": "b"},
                    "ipam": {"config": [{"subnet": "10.0.0.0/24"}]},
                }
            },
            "volumes": {"v": {"driver": "local", "driver_opts": {"o": "bind", "size": 1}}},
            "secrets": {"s": {"file": "./s.txt"}, "e": {"environment": "HOME"}},
            "configs": {"c": {"content": "hello"}, "x": {"external": True}},
            "models": {"m": {"model": "ai/smollm2", "context_size": 1024}},
        },
    ),
    ("ulimits", service(ulimits={"nproc": 65535, "nofile": {"soft": 1, "hard": 2}})),
    ("extra_hosts_map", service(extra_hosts={"h": "1.2.3.4", "multi": ["1.1.1.1", "::1"]})),
    ("logging", service(logging={"driver": "syslog", "options": {"a": "b", "n": 1, "z": None}})),
    ("gpus", service(gpus="all")),
    ("pull_policy_every", service(pull_policy="every_12h")),
    ("cpu_limits", service(cpu_count=2, cpu_percent=50, oom_score_adj=-500, cpus=0.5)),
    ("cast_string_in_range", service(cpu_percent="50", oom_score_adj="100")),
    ("variables_in_bool_fields", service(privileged="${PRIVILEGED:-true}", tty="${TTY:-false}")),
    ("variables_in_numbers", service(cpus="${CPUS:-0.5}", deploy={"replicas": "${R:-2}"})),
    ("variable_in_port", service(ports=["${PORT:-8080}:80"])),
    ("variable_in_enum", service(cgroup="${CGROUP}")),
    (
        "variable_in_condition",
        with_db(depends_on={"db": {"condition": "${CONDITION}"}}),
    ),
    (
        "develop_watch",
        service(
            develop={
                "watch": [
                    {"path": "./src", "action": "sync", "target": "/src", "ignore": ["x/"]},
                    {
                        "path": "./p",
                        "action": "sync+exec",
                        "target": "/p",
                        "exec": {"command": "ls"},
                    },
                ]
            }
        ),
    ),
    ("extends_extra_keys_ignored", with_db(extends={"service": "db", "x-note": 1})),
]


class Bad(NamedTuple):
    id: str
    tree: dict[str, Any]
    path: str
    message: str
    # "schema": Compose rejects it in its schema check; otherwise the stage that rejects it
    oracle_stage: str = "schema"


INVALID: list[Bad] = [
    Bad("root_unknown_key", {**service(), "foo": 1}, "", "additional property 'foo' not allowed"),
    Bad("root_extension_is_case_sensitive", {**service(), "X-a": 1}, "", "'X-a' not allowed"),
    Bad("version_number", {**service(), "version": 3.8}, "version", "must be a string"),
    Bad("name_number", {**service(), "name": 1}, "name", "must be a string"),
    Bad("service_unknown_key", service(foo=1), "services.web", "'foo' not allowed"),
    Bad(
        "service_two_unknown_keys",
        service(foo=1, bar=2),
        "services.web",
        "additional properties 'foo', 'bar' not allowed",
    ),
    Bad("service_name", {"services": {"a b": {"image": "x"}}}, "services", "'a b' not allowed"),
    Bad("service_null", {"services": {"web": None}}, "services.web", "must be a mapping"),
    Bad("image_number", service(image=1), "services.web.image", "must be a string"),
    Bad("privileged_number", service(privileged=1), "services.web.privileged", "boolean or string"),
    Bad("cpus_list", service(cpus=[1]), "services.web.cpus", "must be a number or string"),
    Bad("ports_bool", service(ports=[True]), "services.web.ports[0]", "must be a number"),
    Bad("ports_not_list", service(ports="80"), "services.web.ports", "must be a list"),
    Bad(
        "ports_long_unknown",
        service(ports=[{"target": 80, "foo": 1}]),
        "services.web.ports[0]",
        "'foo' not allowed",
    ),
    Bad(
        "ports_long_target_float",
        service(ports=[{"target": 80.5}]),
        "services.web.ports[0].target",
        "must be an integer or string",
    ),
    Bad(
        "volume_long_missing_type",
        service(volumes=[{"target": "/x"}]),
        "services.web.volumes[0]",
        "missing required property 'type'",
    ),
    Bad(
        "volume_long_bad_type",
        service(volumes=[{"type": "foo", "target": "/x"}]),
        "services.web.volumes[0].type",
        "must be one of: 'bind', 'volume'",
    ),
    Bad(
        "tmpfs_size_negative",
        service(volumes=[{"type": "tmpfs", "target": "/t", "tmpfs": {"size": -1}}]),
        "services.web.volumes[0].tmpfs.size",
        "greater than or equal to 0",
    ),
    Bad(
        "bind_selinux",
        service(
            volumes=[{"type": "bind", "source": ".", "target": "/b", "bind": {"selinux": "x"}}]
        ),
        "services.web.volumes[0].bind.selinux",
        "must be one of: 'z', 'Z'",
    ),
    Bad("cgroup_enum", service(cgroup="foo"), "services.web.cgroup", "must be one of"),
    Bad(
        "depends_on_missing_condition",
        with_db(depends_on={"db": {"required": True}}),
        "services.web.depends_on.db",
        "missing required property 'condition'",
    ),
    Bad(
        "depends_on_bad_condition",
        with_db(depends_on={"db": {"condition": "started"}}),
        "services.web.depends_on.db.condition",
        "must be one of",
    ),
    Bad(
        "depends_on_required_string",
        with_db(depends_on={"db": {"condition": "service_started", "required": "true"}}),
        "services.web.depends_on.db.required",
        "must be a boolean",
    ),
    Bad(
        "depends_on_duplicates",
        with_db(depends_on=["db", "db"]),
        "services.web.depends_on",
        "items [0] and [1] are equal",
    ),
    Bad(
        "security_opt_duplicates",
        service(security_opt=["a", "a"]),
        "services.web.security_opt",
        "must not contain duplicates",
    ),
    Bad(
        "extra_hosts_duplicates",
        service(extra_hosts=["h:1.1.1.1", "h:1.1.1.1"]),
        "services.web.extra_hosts",
        "must not contain duplicates",
    ),
    Bad(
        "volume_labels_duplicates",
        {**service(), "volumes": {"v": {"labels": ["a=b", "a=b"]}}},
        "volumes.v.labels",
        "must not contain duplicates",
    ),
    Bad(
        "environment_value_list",
        service(environment={"A": [1]}),
        "services.web.environment.A",
        "must be a boolean, null, number or string",
    ),
    Bad(
        "environment_number",
        service(environment=1),
        "services.web.environment",
        "must be a list or mapping",
    ),
    Bad("command_number", service(command=1), "services.web.command", "must be a list, null"),
    Bad(
        "healthcheck_interval_number",
        service(healthcheck={"interval": 10}),
        "services.web.healthcheck.interval",
        "must be a string",
    ),
    Bad("healthcheck_null", service(healthcheck=None), "services.web.healthcheck", "mapping"),
    Bad(
        "blkio_has_no_extensions",
        service(blkio_config={"x-a": 1}),
        "services.web.blkio_config",
        "'x-a' not allowed",
    ),
    Bad(
        "deploy_memory_number",
        service(deploy={"resources": {"limits": {"memory": 512}}}),
        "services.web.deploy.resources.limits.memory",
        "must be a string",
    ),
    Bad(
        "deploy_update_order",
        service(deploy={"update_config": {"order": "random"}}),
        "services.web.deploy.update_config.order",
        "must be one of",
    ),
    Bad(
        "network_priority_string",
        service(networks={"default": {"priority": "1"}}),
        "services.web.networks.default.priority",
        "must be a number",
    ),
    Bad(
        "use_api_socket_variable",
        service(use_api_socket="${SOCK:-true}"),
        "services.web.use_api_socket",
        "must be a boolean",
    ),
    Bad("cpu_percent_range", service(cpu_percent=200), "services.web.cpu_percent", "100"),
    Bad(
        "cpu_count_string_cast_negative",
        service(cpu_count="-1"),
        "services.web.cpu_count",
        "greater than or equal to 0",
    ),
    Bad(
        "oom_score_adj_string_cast",
        service(oom_score_adj="-2000"),
        "services.web.oom_score_adj",
        "-1000",
    ),
    Bad(
        "container_name_pattern",
        service(container_name="-"),
        "services.web.container_name",
        "must match the pattern",
    ),
    Bad("pull_policy_pattern", service(pull_policy="foo"), "services.web.pull_policy", "pattern"),
    Bad("gpus_string", service(gpus="some"), "services.web.gpus", "must be 'all'"),
    Bad(
        "ulimits_missing_hard",
        service(ulimits={"nofile": {"soft": 1}}),
        "services.web.ulimits.nofile",
        "missing required property 'hard'",
    ),
    Bad(
        "logging_option_list",
        service(logging={"options": {"a": [1]}}),
        "services.web.logging.options.a",
        "must be null, number or string",
    ),
    Bad(
        "watch_missing_action",
        service(develop={"watch": [{"path": "."}]}),
        "services.web.develop.watch[0]",
        "missing required property 'action'",
    ),
    Bad(
        "provider_missing_type",
        service(provider={"options": {}}),
        "services.web.provider",
        "missing required property 'type'",
    ),
    Bad(
        "env_file_object_has_no_extensions",
        service(env_file=[{"path": "a.env", "x-a": 1}]),
        "services.web.env_file[0]",
        "'x-a' not allowed",
    ),
    Bad(
        "networks_null",
        {**service(), "networks": None},
        "networks",
        "must be a mapping",
    ),
    Bad(
        "network_external_unknown",
        {**service(), "networks": {"n": {"external": {"foo": 1}}}},
        "networks.n.external",
        "'foo' not allowed",
    ),
    Bad(
        "network_ipam_option_number",
        {**service(), "networks": {"n": {"ipam": {"options": {"a": 1}}}}},
        "networks.n.ipam.options.a",
        "must be a string",
    ),
    Bad(
        "volume_name",
        {**service(), "volumes": {"a b": {}}},
        "volumes",
        "'a b' not allowed",
    ),
    Bad("secret_null", {**service(), "secrets": {"s": None}}, "secrets.s", "must be a mapping"),
    Bad(
        "secret_has_no_content",
        {**service(), "secrets": {"s": {"content": "x"}}},
        "secrets.s",
        "'content' not allowed",
    ),
    Bad(
        "model_missing_model",
        {**service(), "models": {"m": {"name": "x"}}},
        "models.m",
        "missing required property 'model'",
    ),
    Bad(
        "model_context_size_string",
        {**service(), "models": {"m": {"model": "x", "context_size": "1"}}},
        "models.m.context_size",
        "must be an integer",
    ),
    Bad(
        "extends_missing_service",
        with_db(extends={"file": "other.yaml"}),
        "services.web.extends",
        "missing required property 'service'",
        oracle_stage="extends",
    ),
    Bad("include_not_list", {**service(), "include": 1}, "include", "must be a list", "include"),
]


@pytest.mark.parametrize(("tree"), [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_tree_is_accepted(tree: dict[str, Any]) -> None:
    validate_schema(tree, file="compose.yaml")


@pytest.mark.parametrize("case", INVALID, ids=[c.id for c in INVALID])
def test_invalid_tree_is_rejected_at_its_path(case: Bad) -> None:
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(case.tree, file="compose.yaml")
    error = caught.value
    assert error.file == "compose.yaml"
    assert format_path(error.path) == case.path
    assert case.message in error.detail
    prefix = f"compose.yaml: {case.path}: " if case.path else "compose.yaml: "
    assert str(error).startswith(prefix)


def test_valid_and_invalid_cases_are_enough() -> None:
    assert len(VALID) + len(INVALID) >= 40
    assert len({c[0] for c in VALID}) == len(VALID)
    assert len({c.id for c in INVALID}) == len(INVALID)


def test_root_must_be_a_mapping() -> None:
    with pytest.raises(ComposeFileError, match="must be a mapping"):
        validate_schema(["services"])


def test_first_problem_in_document_order_is_reported() -> None:
    tree = service(ports=["80"], privileged=1, foo=2)
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(tree)
    assert caught.value.path == ("services", "web", "privileged")


def test_interpolated_string_escapes_only_when_it_has_a_variable() -> None:
    validate_schema(service(cgroup="${CG:-nonsense}"))
    with pytest.raises(ComposeFileError, match="must be one of"):
        validate_schema(service(cgroup="$$host"))


def test_non_numeric_cast_string_is_left_to_interpolation() -> None:
    validate_schema(service(cpu_count="many"))


def test_whole_float_counts_as_integer() -> None:
    validate_schema(service(mem_swappiness=60.0, ports=[{"target": 80.0}]))


def mark(line: int, col: int) -> Mark:
    return Mark("compose.yaml", line, col)


def marked_project(web: YMap) -> YMap:
    services = YMap({"web": web}, mark=mark(2, 3))
    services.key_marks["web"] = mark(2, 3)
    services.value_marks["web"] = web.mark or mark(3, 5)
    root = YMap({"services": services}, mark=mark(1, 1))
    root.key_marks["services"] = mark(1, 1)
    root.value_marks["services"] = mark(2, 3)
    return root


def test_unknown_key_points_at_the_key() -> None:
    web = YMap({"image": "nginx", "bogus": 1}, mark=mark(3, 5))
    web.key_marks.update(image=mark(3, 5), bogus=mark(4, 5))
    web.value_marks.update(image=mark(3, 12), bogus=mark(4, 12))
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(marked_project(web), file="compose.yaml")
    assert caught.value.mark == mark(4, 5)
    assert str(caught.value) == (
        "compose.yaml:4:5: services.web: additional property 'bogus' not allowed"
    )


def test_wrong_type_points_at_the_value() -> None:
    ports = YSeq(["80", True], mark=mark(4, 12))
    ports.item_marks = [mark(4, 13), mark(4, 19)]
    web = YMap({"image": "nginx", "ports": ports}, mark=mark(3, 5))
    web.key_marks.update(image=mark(3, 5), ports=mark(4, 5))
    web.value_marks.update(image=mark(3, 12), ports=mark(4, 12))
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(marked_project(web), file="compose.yaml")
    assert caught.value.mark == mark(4, 19)
    assert str(caught.value).startswith("compose.yaml:4:19: services.web.ports[1]: must be a")


def test_duplicate_points_at_the_second_item() -> None:
    caps = YSeq(["a", "b", "a"], mark=mark(4, 19))
    caps.item_marks = [mark(4, 20), mark(4, 23), mark(4, 26)]
    web = YMap({"image": "nginx", "security_opt": caps}, mark=mark(3, 5))
    web.value_marks.update(image=mark(3, 12), security_opt=mark(4, 19))
    with pytest.raises(ComposeFileError) as caught:
        validate_schema(marked_project(web))
    assert caught.value.mark == mark(4, 26)
    assert caught.value.path == ("services", "web", "security_opt")


def test_reset_value_is_not_checked() -> None:
    web = YMap({"image": "nginx", "ports": None, "bogus": None}, mark=mark(3, 5))
    web.resets = {"ports", "bogus"}
    validate_schema(marked_project(web))


def test_thousand_services_validate_fast() -> None:
    services = {
        f"s{i}": {
            "image": "nginx:${TAG:-latest}",
            "build": {"context": ".", "args": ["A=1"]},
            "ports": [f"{8000 + i}:80", {"target": 81, "published": str(9000 + i)}],
            "environment": {"A": 1, "B": "${B}", "C": None},
            "volumes": ["./d:/d:ro", {"type": "volume", "source": "v", "target": "/v"}],
            "depends_on": {"s0": {"condition": "service_started"}},
            "healthcheck": {"test": ["CMD", "true"], "interval": "10s", "retries": 3},
            "deploy": {"resources": {"limits": {"cpus": "0.5", "memory": "512M"}}},
            "networks": {"default": {"aliases": [f"a{i}"]}},
            "labels": ["a=b"],
            "x-meta": {"any": ["thing"]},
        }
        for i in range(1000)
    }
    tree = {"services": services, "volumes": {"v": {}}}
    best = float("inf")
    # CPU time, not wall time: other processes on a busy machine do not count.
    for _ in range(5):
        start = time.process_time()
        validate_schema(tree)
        best = min(best, time.process_time() - start)
    assert best < 0.1
