"""Short syntax to long syntax, one attribute at a time (pycompose.loader.canonical).

Each expectation is the form Docker Compose v2.40.3 printed (`config --format json`) for the same
attribute, before the later stages (relative paths made absolute, env files merged, unused
resources dropped) that `config` also applies.
"""

from __future__ import annotations

from typing import Any

import pytest

from pycompose.errors import ComposeFileError
from pycompose.loader.canonical import to_long_syntax
from pycompose.loader.pipeline import Stages
from pycompose.loader.yamlio import parse_yaml


def service(spec: dict[str, Any], stages: Stages | None = None) -> dict[str, Any]:
    tree = to_long_syntax({"services": {"web": {"image": "x", **spec}}}, stages or Stages())
    result: dict[str, Any] = tree["services"]["web"]
    return result


def attribute(key: str, value: Any) -> Any:
    return service({key: value})[key]


def error(text: str) -> ComposeFileError:
    root = parse_yaml(text, "c.yaml")[0]
    with pytest.raises(ComposeFileError) as caught:
        to_long_syntax(root, Stages())
    return caught.value


def test_short_ports_expand_and_long_ports_get_their_defaults() -> None:
    assert attribute("ports", ["8080-8081:80-81/udp", {"target": 90, "published": 9090}]) == [
        {"mode": "ingress", "target": 80, "published": "8080", "protocol": "udp"},
        {"mode": "ingress", "target": 81, "published": "8081", "protocol": "udp"},
        {"mode": "ingress", "target": 90, "published": "9090", "protocol": "tcp"},
    ]


def test_a_bad_short_port_is_located() -> None:
    problem = error("services:\n  web:\n    image: x\n    ports:\n      - '70000:80'\n")
    assert problem.path == ("services", "web", "ports", 0)
    assert problem.detail == "invalid hostPort: 70000"
    assert problem.mark is not None and problem.mark.line == 5


def test_short_volumes_become_mounts_and_long_ones_stay_as_written() -> None:
    volumes = attribute("volumes", ["vol:/v:nocopy", {"type": "bind", "source": "./d",
                                                     "target": "/d", "read_only": "true"}])
    assert volumes == [
        {"type": "volume", "source": "vol", "target": "/v", "volume": {"nocopy": True}},
        {"type": "bind", "source": "./d", "target": "/d", "read_only": True},
    ]


def test_tmpfs_mount_size_is_in_bytes() -> None:
    (mount,) = attribute("volumes", [{"type": "tmpfs", "target": "/t",
                                      "tmpfs": {"size": "64m", "mode": 1777}}])
    assert mount["tmpfs"] == {"size": "67108864", "mode": 1777}


def test_environment_list_becomes_a_mapping_and_a_bare_name_is_unset() -> None:
    assert attribute("environment", ["A=1", "B", "C=", "D=a=b"]) == {
        "A": "1", "B": None, "C": "", "D": "a=b"
    }
    assert attribute("environment", {"N": 1, "F": 1.0, "T": True, "U": None}) == {
        "N": "1", "F": "1", "T": "true", "U": None
    }


def test_labels_list_becomes_a_mapping_and_a_bare_name_is_empty() -> None:
    assert attribute("labels", ["x=1", "y"]) == {"x": "1", "y": ""}
    assert attribute("sysctls", ["net.core.somaxconn=1024"]) == {"net.core.somaxconn": "1024"}


def test_extra_hosts_are_host_equals_ip_and_sorted() -> None:
    assert attribute("extra_hosts", ["b:1.1.1.1", "a=2.2.2.2", "a:1.1.1.1"]) == [
        "a=1.1.1.1", "a=2.2.2.2", "b=1.1.1.1"
    ]
    assert attribute("extra_hosts", {"a": "1.2.3.4", "b": ["::1", "1.1.1.1"]}) == [
        "a=1.2.3.4", "b=1.1.1.1", "b=::1"
    ]


def test_command_strings_are_split_and_lists_are_kept() -> None:
    assert attribute("command", 'echo "hi there"') == ["echo", "hi there"]
    assert attribute("entrypoint", ["/bin/sh", "-c"]) == ["/bin/sh", "-c"]
    assert attribute("command", "") == []


def test_uninterpolated_commands_stay_strings() -> None:
    spec = service({"command": "echo ${X}"}, Stages(interpolate=False))
    assert spec["command"] == "echo ${X}"


def test_healthcheck_string_test_runs_in_a_shell_and_durations_are_normalized() -> None:
    check = attribute("healthcheck", {"test": "curl -f http://x", "interval": "90s",
                                      "retries": "3"})
    assert check == {"test": ["CMD-SHELL", "curl -f http://x"], "interval": "1m30s",
                     "retries": 3}


def test_a_bad_duration_is_located_with_gos_message() -> None:
    problem = error("services:\n  web:\n    image: x\n    stop_grace_period: 5x\n")
    assert problem.path == ("services", "web", "stop_grace_period")
    assert 'time: unknown unit "x" in duration "5x"' in problem.detail


def test_byte_sizes_are_strings_of_bytes() -> None:
    spec = service({"mem_limit": "1g", "shm_size": "64m", "memswap_limit": -1})
    assert (spec["mem_limit"], spec["shm_size"], spec["memswap_limit"]) == (
        "1073741824", "67108864", "-1"
    )


def test_float_attributes_are_single_precision() -> None:
    # oracle: cpus 0.3333333333 -> 0.33333334, max_failure_ratio "0.7777777777" -> 0.7777778,
    # cpus 16777217 -> 16777216 (JSON) / 1.6777216e+07 (YAML): a float, even when whole
    spec = service({
        "cpus": 0.3333333333,
        "deploy": {"update_config": {"max_failure_ratio": "0.7777777777"},
                   "resources": {"limits": {"cpus": "0.5"}}},
    })
    assert spec["cpus"] == 0.33333334
    assert spec["deploy"]["update_config"]["max_failure_ratio"] == 0.7777778
    assert spec["deploy"]["resources"]["limits"]["cpus"] == 0.5
    whole = attribute("cpus", 16777217)
    assert type(whole) is float
    assert whole == 16777216.0


def test_booleans_and_integers_from_strings() -> None:
    spec = service({"privileged": "true", "init": "false", "pids_limit": "10",
                    "ulimits": {"nofile": {"soft": 1, "hard": "2"}, "nproc": 65535}})
    assert (spec["privileged"], spec["init"], spec["pids_limit"]) == (True, False, 10)
    assert spec["ulimits"] == {"nofile": {"soft": 1, "hard": 2}, "nproc": 65535}


def test_depends_on_list_becomes_started_and_required() -> None:
    assert attribute("depends_on", ["db"]) == {
        "db": {"condition": "service_started", "required": True}
    }


def test_networks_list_becomes_a_mapping_of_nulls() -> None:
    assert attribute("networks", ["front"]) == {"front": None}
    assert attribute("networks", {"front": {"aliases": ["a1"], "priority": 10}}) == {
        "front": {"aliases": ["a1"], "priority": 10}
    }


def test_single_strings_become_lists() -> None:
    spec = service({"dns": "8.8.8.8", "dns_search": "example.com", "tmpfs": "/run",
                    "expose": [80, "90-91"], "group_add": [100, "audio"]})
    assert spec["dns"] == ["8.8.8.8"]
    assert spec["dns_search"] == ["example.com"]
    assert spec["tmpfs"] == ["/run"]
    assert spec["expose"] == ["80", "90-91"]
    assert spec["group_add"] == ["100", "audio"]


def test_secrets_get_their_default_target_and_configs_do_not() -> None:
    spec = service({"secrets": ["s1", {"source": "s2", "mode": 0o400, "uid": "1000"}],
                    "configs": ["c1", {"source": "c2", "mode": 0o440}]})
    assert spec["secrets"] == [
        {"source": "s1", "target": "/run/secrets/s1"},
        {"source": "s2", "target": "/run/secrets/s2", "mode": "0400", "uid": "1000"},
    ]
    assert spec["configs"] == [{"source": "c1"}, {"source": "c2", "mode": "0440"}]


def test_build_string_is_the_context_and_long_build_is_typed() -> None:
    assert attribute("build", "./app") == {"context": "./app"}
    build = attribute("build", {"args": ["A=1", "B"], "labels": ["l=1"], "shm_size": "1g",
                                "extra_hosts": ["h:1.2.3.4"]})
    assert build["args"] == {"A": "1", "B": None}
    assert build["labels"] == {"l": "1"}
    assert build["shm_size"] == "1073741824"
    assert build["extra_hosts"] == ["h=1.2.3.4"]


def test_devices_short_syntax() -> None:
    assert attribute("devices", ["/dev/fuse", "/dev/a:/dev/b:r"]) == [
        {"source": "/dev/fuse", "target": "/dev/fuse", "permissions": "rwm"},
        {"source": "/dev/a", "target": "/dev/b", "permissions": "r"},
    ]


def test_logging_options_are_strings() -> None:
    assert attribute("logging", {"driver": "json-file", "options": {"max-file": 3}}) == {
        "driver": "json-file", "options": {"max-file": "3"}
    }
