"""Merging compose files and de-duplicating sequences, as Docker Compose v2.40.3 does.

Where a test says "oracle:", the rule was settled by running Docker Compose v2.40.3
(`docker-compose -f a.yaml -f b.yaml config --format json --no-normalize --no-path-resolution`)
on the same files; the comment quotes what it printed (long syntax, which these trees are not in).
"""

from __future__ import annotations

import copy
import textwrap
import time
from typing import Any

import pytest

from pycompose.errors import ComposeFileError
from pycompose.loader.merge import PathTable, enforce_unicity, merge_files, merge_trees
from pycompose.loader.tree import YMap, YSeq, plain
from pycompose.loader.yamlio import parse_yaml


def load(text: str, name: str) -> Any:
    return parse_yaml(textwrap.dedent(text), name)[0]


def merge(*texts: str) -> Any:
    """The files merged in order, named a.yaml, b.yaml, c.yaml."""
    return merge_files(load(text, f"{'abc'[i]}.yaml") for i, text in enumerate(texts))


def web(*texts: str) -> Any:
    return plain(merge(*texts))["services"]["web"]


BASE = """
services:
  web:
    image: app
"""


# --- default rules -------------------------------------------------------------------------------


def test_mappings_merge_key_by_key_and_scalars_are_replaced() -> None:
    result = web(
        BASE + "    deploy: {resources: {limits: {cpus: '0.5', memory: 1g}}}\n",
        "services:\n  web:\n    image: other\n    deploy: {resources: {limits: {cpus: '1'}}}\n",
    )
    assert result == {
        "image": "other",
        "deploy": {"resources": {"limits": {"cpus": "1", "memory": "1g"}}},
    }


def test_sequences_without_a_rule_are_concatenated() -> None:
    result = web(
        BASE + "    security_opt: [a]\n    volumes_from: [x]\n",
        "services:\n  web:\n    security_opt: [b, a]\n    volumes_from: [y]\n",
    )
    assert result["security_opt"] == ["a", "b", "a"]
    assert result["volumes_from"] == ["x", "y"]


def test_null_in_a_later_file_keeps_the_earlier_value() -> None:
    # oracle: `image: null` in b.yaml leaves "image": "a"; an empty service keeps everything.
    assert web(BASE, "services:\n  web:\n    image: null\n")["image"] == "app"
    assert web(BASE + "    environment: {A: 1}\n", "services:\n  web:\n")["environment"] == {
        "A": 1
    }


def test_a_service_new_in_the_later_file_is_taken_as_written() -> None:
    result = plain(merge(BASE, "services:\n  db:\n    image: db\n    environment: {A: 1}\n"))
    assert result["services"]["db"] == {"image": "db", "environment": {"A": 1}}


def test_extension_fields_merge_like_any_mapping() -> None:
    # oracle: x-a {p: 1, q: [1]} + {r: 2, q: [2]} -> {"p": 1, "q": [1, 2], "r": 2}
    result = plain(merge("x-a: {p: 1, q: [1]}\n" + BASE, "x-a: {r: 2, q: [2]}\n"))
    assert result["x-a"] == {"p": 1, "q": [1, 2], "r": 2}


def test_a_mapping_onto_a_sequence_is_an_error_at_the_later_value() -> None:
    # oracle: "cannot override services.web.ports"
    with pytest.raises(ComposeFileError) as info:
        merge(BASE + "    ports: ['80:80']\n", "services:\n  web:\n    ports: {a: 1}\n")
    assert info.value.path == ("services", "web", "ports")
    assert info.value.mark is not None
    assert (info.value.mark.file, info.value.mark.line) == ("b.yaml", 3)
    assert "cannot override" in str(info.value)


# --- replaced whole ------------------------------------------------------------------------------


def test_command_entrypoint_and_healthcheck_test_are_replaced() -> None:
    # oracle: {"command": ["c"], "entrypoint": ["y"], "healthcheck": {"test": ["CMD", "b"],
    # "interval": "5s"}}
    result = web(
        BASE + "    command: [a, b]\n    entrypoint: x\n"
        "    healthcheck: {test: [CMD, a], interval: 5s}\n",
        "services:\n  web:\n    command: c\n    entrypoint: [y]\n"
        "    healthcheck: {test: [CMD, b]}\n",
    )
    assert result["command"] == "c"
    assert result["entrypoint"] == ["y"]
    assert result["healthcheck"] == {"test": ["CMD", "b"], "interval": "5s"}


def test_command_null_in_a_later_file_clears_the_command() -> None:
    # oracle: "command": null, "entrypoint": ["b"] (the replace rule runs before the null rule)
    result = web(BASE + "    command: [a]\n    entrypoint: [b]\n",
                 "services:\n  web:\n    command: null\n")
    assert result["command"] is None
    assert result["entrypoint"] == ["b"]


def test_a_ulimit_is_replaced_whole() -> None:
    # oracle: {"nofile": 3, "nproc": {"soft": 6, "hard": 7}}
    result = web(
        BASE + "    ulimits: {nofile: {soft: 1, hard: 2}, nproc: 5, core: 0}\n",
        "services:\n  web:\n    ulimits: {nofile: 3, nproc: {soft: 6, hard: 7}}\n",
    )
    assert result["ulimits"] == {"nofile": 3, "nproc": {"soft": 6, "hard": 7}, "core": 0}


# --- key=value attributes ------------------------------------------------------------------------


def test_environment_mapping_and_list_forms_merge_into_one_list() -> None:
    result = web(BASE + "    environment: {B: 2, A: 1}\n",
                 "services:\n  web:\n    environment: [C=3, A=9]\n")
    # The mapping becomes sorted KEY=value strings; the later A replaces the earlier in place.
    assert result["environment"] == ["A=9", "B=2", "C=3"]


def test_environment_list_onto_list_keeps_the_first_place_of_each_name() -> None:
    result = web(BASE + "    environment: [X=1, Y=2]\n",
                 "services:\n  web:\n    environment: {X: 3, Z: null}\n")
    assert result["environment"] == ["X=3", "Y=2", "Z"]


def test_environment_values_are_written_the_way_go_prints_them() -> None:
    # oracle: {"A": "1e+06", "B": "1.5", "C": "true", "D": "1e-05", "E": "123456",
    # "F": "1e+21", "N": null, "X": "1"}
    result = web(
        BASE + "    environment: {A: 1000000.0, B: 1.5, C: true, D: 0.00001, E: 123456.0,"
        " F: 1e21, N: null}\n",
        "services:\n  web:\n    environment: [X=1]\n",
    )
    assert result["environment"] == [
        "A=1e+06", "B=1.5", "C=true", "D=1e-05", "E=123456", "F=1e+21", "N", "X=1",
    ]


@pytest.mark.parametrize(
    ("attribute", "path"),
    [
        ("labels", ("labels",)),
        ("annotations", ("annotations",)),
        ("sysctls", ("sysctls",)),
        ("build args", ("build", "args")),
        ("build labels", ("build", "labels")),
        ("deploy labels", ("deploy", "labels")),
    ],
)
def test_key_value_attributes_mix_list_and_mapping_forms(
    attribute: str, path: tuple[str, ...]
) -> None:
    # oracle (labels, annotations, sysctls, build.args, build.labels, deploy.labels):
    # {"a": "2", "b": "3"} from {a: 1} + [a=2, b=3]
    def entry(value: str) -> str:
        for key in reversed(path[1:]):
            value = f"{{{key}: {value}}}"
        return f"    {path[0]}: {value}\n"

    node = web(BASE + entry("{a: 1}"), "services:\n  web:\n" + entry("[a=2, b=3]"))
    for key in path:
        node = node[key]
    assert node == ["a=2", "b=3"], attribute


def test_labels_of_top_level_networks_and_volumes_merge_as_lists() -> None:
    # oracle: networks.n.labels {"a": "1", "b": "2"}
    result = plain(merge(
        BASE + "networks:\n  n:\n    labels: {a: 1}\nvolumes:\n  v:\n    labels: {a: 1}\n",
        "networks:\n  n:\n    labels: [b=2]\nvolumes:\n  v:\n    labels: [b=2]\n",
    ))
    assert result["networks"]["n"]["labels"] == ["a=1", "b=2"]
    assert result["volumes"]["v"]["labels"] == ["a=1", "b=2"]


def test_labels_of_a_top_level_secret_have_no_rule() -> None:
    # oracle: "cannot override secrets.s.labels"
    with pytest.raises(ComposeFileError, match="cannot override"):
        merge(BASE + "secrets:\n  s: {file: ./a, labels: {a: 1}}\n",
              "secrets:\n  s: {labels: [b=2]}\n")


def test_label_file_and_env_file_strings_and_lists_are_joined() -> None:
    # oracle: labels from both label files are applied
    result = web(BASE + "    label_file: l1.txt\n    env_file: a.env\n",
                 "services:\n  web:\n    label_file: [l2.txt, l1.txt]\n"
                 "    env_file: [{path: b.env, required: false}]\n")
    assert result["label_file"] == ["l1.txt", "l2.txt", "l1.txt"]
    assert result["env_file"] == ["a.env", {"path": "b.env", "required": False}]


def test_dns_options_and_tmpfs_strings_join_the_lists() -> None:
    # oracle: "dns": ["1.1.1.1", "2.2.2.2"], "tmpfs": ["/t", "/u"], "dns_search": ["a"]
    result = web(BASE + "    dns: 1.1.1.1\n    tmpfs: /t\n    dns_search: a\n",
                 "services:\n  web:\n    dns: [2.2.2.2, 1.1.1.1]\n    tmpfs: [/t, /u]\n"
                 "    dns_search: [a]\n")
    assert result["dns"] == ["1.1.1.1", "2.2.2.2"]
    assert result["tmpfs"] == ["/t", "/u"]
    assert result["dns_search"] == ["a"]


# --- attributes with their own rule --------------------------------------------------------------


def test_build_string_and_mapping_merge_through_the_context() -> None:
    # oracle: {"context": "./a", "dockerfile": "D"} and {"context": "./b", "dockerfile": "D",
    # "args": {"A": "1"}}
    assert web(BASE + "    build: ./a\n", "services:\n  web:\n    build: {dockerfile: D}\n")[
        "build"] == {"context": "./a", "dockerfile": "D"}
    assert web(BASE + "    build: {context: ./a, dockerfile: D, args: {A: 1}}\n",
               "services:\n  web:\n    build: ./b\n")["build"] == {
        "context": "./b", "dockerfile": "D", "args": {"A": 1}}


def test_depends_on_list_and_mapping_forms_merge_with_defaults() -> None:
    result = web(BASE + "    depends_on: [db, cache]\n",
                 "services:\n  web:\n    depends_on: {cache: {condition: service_healthy}}\n")
    assert result["depends_on"] == {
        "db": {"condition": "service_started", "required": True},
        "cache": {"condition": "service_healthy", "required": True},
    }


def test_depends_on_short_form_later_resets_the_condition() -> None:
    result = web(BASE + "    depends_on: {db: {condition: service_healthy, restart: true}}\n",
                 "services:\n  web:\n    depends_on: [db, q]\n")
    assert result["depends_on"] == {
        "db": {"condition": "service_started", "restart": True, "required": True},
        "q": {"condition": "service_started", "required": True},
    }


def test_service_networks_list_and_mapping_forms_merge() -> None:
    # oracle (three files [n, m] / {n: {aliases: [b, c]}} / [k]):
    # {"k": null, "m": null, "n": {"aliases": ["b", "c"]}}
    result = web(BASE + "    networks: [n, m]\n",
                 "services:\n  web:\n    networks: {n: {aliases: [b, c]}}\n",
                 "services:\n  web:\n    networks: [k]\n")
    assert result["networks"] == {"n": {"aliases": ["b", "c"]}, "m": None, "k": None}


def test_service_network_aliases_are_joined_without_repeats() -> None:
    # oracle: "n": {"aliases": ["a", "b", "c"]}, "m": {"aliases": ["z"]}
    result = web(BASE + "    networks: {n: {aliases: [a, b]}, m: null}\n",
                 "services:\n  web:\n    networks: {n: {aliases: [b, c]}, m: {aliases: [z]}}\n")
    assert result["networks"] == {"n": {"aliases": ["a", "b", "c"]}, "m": {"aliases": ["z"]}}


def test_models_list_and_mapping_forms_merge() -> None:
    # oracle: "models": {"m1": null, "m2": {"endpoint_var": "X"}}
    result = web(BASE + "    models: [m1]\n",
                 "services:\n  web:\n    models: {m2: {endpoint_var: X}}\n")
    assert result["models"] == {"m1": None, "m2": {"endpoint_var": "X"}}


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        # oracle: {"driver": "json-file", "options": {"a": "b", "max-size": "2m"}}
        ("{driver: json-file, options: {max-size: 2m}}",
         {"driver": "json-file", "options": {"max-size": "2m", "a": "b"}}),
        # oracle: {"driver": "syslog", "options": {"x": "y"}}
        ("{driver: syslog, options: {x: y}}", {"driver": "syslog", "options": {"x": "y"}}),
        # oracle: {"driver": "json-file", "options": {"max-size": "1m", "a": "b", "x": "y"}}
        ("{options: {x: y}}",
         {"driver": "json-file", "options": {"max-size": "1m", "a": "b", "x": "y"}}),
    ],
    ids=["same-driver-merges", "other-driver-replaces", "no-driver-merges"],
)
def test_logging_options_merge_only_for_the_same_driver(later: str, expected: Any) -> None:
    result = web(BASE + "    logging: {driver: json-file, options: {max-size: 1m, a: b}}\n",
                 f"services:\n  web:\n    logging: {later}\n")
    assert result["logging"] == expected


def test_extra_hosts_drop_only_entries_written_exactly_the_same() -> None:
    # oracle: ["a=1.1.1.1", "b=2.2.2.2", "b=2.2.2.2", "c=3.3.3.3"] ("b=" and "b:" both stay)
    result = web(BASE + "    extra_hosts: ['a:1.1.1.1', 'b=2.2.2.2']\n",
                 "services:\n  web:\n    extra_hosts: ['a:1.1.1.1', 'b:2.2.2.2', 'c=3.3.3.3']\n")
    assert result["extra_hosts"] == ["a:1.1.1.1", "b=2.2.2.2", "b:2.2.2.2", "c=3.3.3.3"]


def test_extra_hosts_mapping_with_several_addresses_becomes_one_entry_each() -> None:
    # oracle: ["a=1.1.1.1", "a=4.4.4.4", "b=2.2.2.2", "b=3.3.3.3"] (sorted on output)
    result = web(BASE + "    extra_hosts: {a: 1.1.1.1, b: [2.2.2.2, 3.3.3.3]}\n",
                 "services:\n  web:\n    extra_hosts: ['a=1.1.1.1', 'a=4.4.4.4']\n")
    assert result["extra_hosts"] == ["a=1.1.1.1", "b=2.2.2.2", "b=3.3.3.3", "a=4.4.4.4"]


IPAM = BASE + "    networks: [n]\nnetworks:\n  n:\n    ipam:\n      config: "


def ipam(first: str, later: str) -> Any:
    later_file = f"networks:\n  n:\n    ipam:\n      config: {later}\n"
    result = plain(merge(IPAM + first + "\n", later_file))
    return result["networks"]["n"]["ipam"]["config"]


def test_ipam_pools_with_the_same_subnet_merge() -> None:
    # oracle: [{"subnet": "10.1.0.0/24", "ip_range": "10.1.0.0/25"}]
    assert ipam("[{subnet: 10.0.0.0/24, gateway: 10.0.0.1}, {subnet: 10.1.0.0/24}]",
                "[{subnet: 10.1.0.0/24, ip_range: 10.1.0.0/25}]") == [
        {"subnet": "10.1.0.0/24", "ip_range": "10.1.0.0/25"}]


def test_ipam_pools_of_the_earlier_files_without_a_match_are_dropped() -> None:
    # oracle: [{"subnet": "10.2.0.0/24"}]; an empty later list leaves no pool at all
    assert ipam("[{subnet: 10.0.0.0/24, gateway: 10.0.0.1}, {subnet: 10.1.0.0/24}]",
                "[{subnet: 10.2.0.0/24}]") == [{"subnet": "10.2.0.0/24"}]
    assert ipam("[{subnet: 10.0.0.0/24}]", "[]") == []


def test_ipam_merge_changes_pools_in_place_like_compose() -> None:
    # oracle: [{"subnet": "C", "gateway": "g2", "ip_range": "r3"},
    #          {"subnet": "C", "ip_range": "r3"}]
    assert ipam("[{subnet: A, gateway: g1}, {subnet: B, gateway: g2}]",
                "[{subnet: B, ip_range: r2}, {subnet: C, ip_range: r3}]") == [
        {"subnet": "C", "gateway": "g2", "ip_range": "r3"}, {"subnet": "C", "ip_range": "r3"}]


def test_ssh_lists_in_two_files_conflict_because_the_first_became_a_mapping() -> None:
    # oracle: "cannot override services.web.build.ssh" (list + list and mapping + list)
    with pytest.raises(ComposeFileError, match="cannot override"):
        merge(BASE + "    build: {context: ., ssh: [default]}\n",
              "services:\n  web:\n    build: {ssh: ['a=/x']}\n")
    result = web(BASE + "    build: {context: ., ssh: [default]}\n",
                 "services:\n  web:\n    build: {ssh: {a: /x}}\n")
    assert result["build"]["ssh"] == {"default": None, "a": "/x"}


def test_gpus_all_is_a_sequence_for_the_next_file() -> None:
    # oracle: "cannot override services.web.gpus" for all + all; all + list appends
    with pytest.raises(ComposeFileError, match="cannot override"):
        merge(BASE + "    gpus: all\n", "services:\n  web:\n    gpus: all\n")
    result = web(BASE + "    gpus: all\n", "services:\n  web:\n    gpus: [{driver: x}]\n")
    assert result["gpus"] == [{"count": "all"}, {"driver": "x"}]


def test_build_ulimit_mapping_then_number_conflicts() -> None:
    # oracle: "cannot override services.web.build.ulimits.nofile"; number + number replaces
    with pytest.raises(ComposeFileError, match="cannot override"):
        merge(BASE + "    build: {context: ., ulimits: {nofile: {soft: 1, hard: 2}}}\n",
              "services:\n  web:\n    build: {ulimits: {nofile: 6}}\n")
    assert web(BASE + "    build: {context: ., ulimits: {nofile: 5}}\n",
               "services:\n  web:\n    build: {ulimits: {nofile: 6}}\n")["build"]["ulimits"] == {
        "nofile": 6}


def test_profiles_are_joined_not_replaced() -> None:
    # oracle (with --profile x): "profiles": ["x", "y", "z"]
    result = web(BASE + "    profiles: [x, y]\n", "services:\n  web:\n    profiles: [z, x]\n")
    assert result["profiles"] == ["x", "y", "z"]


def test_a_service_name_with_a_dot_still_gets_the_rules() -> None:
    # oracle: "a.b": {"labels": {"x": "1", "y": "2"}} (compose-go escapes dots in path parts)
    result = plain(merge("services:\n  a.b:\n    image: a\n    labels: {x: 1}\n",
                         "services:\n  a.b:\n    labels: [y=2]\n"))
    assert result["services"]["a.b"]["labels"] == ["x=1", "y=2"]


# --- unicity -------------------------------------------------------------------------------------


def test_ports_in_short_and_long_form_are_one_port_when_published_is_a_string() -> None:
    # oracle: "9090:90" and {target: 90, published: '9090', mode: host} -> one entry, in the first
    # place, mode host; {target: 80, published: 8080} (a number) stays next to "8080:80";
    # "127.0.0.1:7000:70" and "7000:70" are two ports.
    result = web(
        BASE + "    ports: ['8080:80', '9090:90', '127.0.0.1:7000:70']\n",
        "services:\n  web:\n    ports: [{target: 80, published: 8080, mode: host},"
        " {target: 90, published: '9090', mode: host}, '7000:70']\n",
    )
    assert result["ports"] == [
        "8080:80",
        {"target": 90, "published": "9090", "mode": "host"},
        "127.0.0.1:7000:70",
        {"target": 80, "published": 8080, "mode": "host"},
        "7000:70",
    ]


def test_ports_defaults_protocol_case_ipv6_and_zero_padding() -> None:
    # oracle: each later long form replaced the short form before it (6 entries in the end)
    result = web(
        BASE + "    ports: ['80', 90, '100/UDP', '127.0.0.1::110', '[::1]:8080:80', '08080:81']\n",
        "services:\n  web:\n    ports: [{target: 80}, {target: 90, protocol: tcp},"
        " {target: 100, protocol: udp}, {target: 110, host_ip: 127.0.0.1},"
        " {target: 80, published: '8080', host_ip: '::1'}, {target: 81, published: '8080'}]\n",
    )
    assert result["ports"] == [
        {"target": 80}, {"target": 90, "protocol": "tcp"}, {"target": 100, "protocol": "udp"},
        {"target": 110, "host_ip": "127.0.0.1"},
        {"target": 80, "published": "8080", "host_ip": "::1"},
        {"target": 81, "published": "8080"},
    ]


def test_a_range_sharing_a_port_with_another_entry_is_split() -> None:
    # oracle: ["9098-9101:98-101", "127.0.0.1:5000-5001:50-51/udp", "7000-7001:70-71"] +
    # ["9099:99", "127.0.0.1:5001:51/udp"] -> 100, 101, 98, 99 (string order of "port/proto"),
    # 50/udp, 51/udp, 70, 71: eight ports, the later ones in the places of the range's own.
    result = web(BASE + "    ports: ['9098-9101:98-101', '127.0.0.1:5000-5001:50-51/udp',"
                 " '7000-7001:70-71']\n",
                 "services:\n  web:\n    ports: ['9099:99', '127.0.0.1:5001:51/udp']\n")
    assert result["ports"] == [
        "9100:100/tcp", "9101:101/tcp", "9098:98/tcp", "9099:99",
        "127.0.0.1:5000:50/udp", "127.0.0.1:5001:51/udp", "7000-7001:70-71",
    ]


def test_a_host_port_range_for_one_target_is_one_port() -> None:
    # oracle: "8000-8010:80" and {target: 80, published: '8000-8010', mode: host} are one port
    result = web(BASE + "    ports: ['8000-8010:80', '[::1]::90']\n",
                 "services:\n  web:\n    ports: [{target: 80, published: '8000-8010'},"
                 " '[::1]::90/tcp']\n")
    assert result["ports"] == [{"target": 80, "published": "8000-8010"}, "[::1]::90/tcp"]


def test_volumes_are_one_per_target_across_forms() -> None:
    # oracle: ./b long form replaces ./a:/data, /y:/anon replaces /anon, D:\q:/win:rw replaces
    # C:\w:/win
    result = web(
        BASE + "    volumes: ['./a:/data', 'data:/x:ro', '/anon', 'C:\\w:/win']\n",
        "services:\n  web:\n    volumes: [{type: bind, source: ./b, target: /data},"
        " 'other:/x', '/y:/anon', 'D:\\q:/win:rw']\n",
    )
    assert result["volumes"] == [
        {"type": "bind", "source": "./b", "target": "/data"}, "other:/x", "/y:/anon",
        "D:\\q:/win:rw",
    ]


def test_a_single_letter_volume_name_reads_as_a_windows_drive() -> None:
    # oracle: "v:/x:ro" is source "v:/x", target "ro", so it is not the same as "w:/x"
    result = web(BASE + "    volumes: ['v:/x:ro', 'w:/x']\n",
                 "services:\n  web:\n    volumes: ['other:ro']\n")
    assert result["volumes"] == ["other:ro", "w:/x"]


def test_colons_inside_a_variable_do_not_split_a_volume() -> None:
    # oracle (--no-interpolate): "${A:-/x}:/data" and "/y:/data" are one volume
    result = web(BASE + "    volumes: ['${A:-/x}:/data']\n",
                 "services:\n  web:\n    volumes: ['/y:/data']\n")
    assert result["volumes"] == ["/y:/data"]


def test_a_volume_without_target_is_an_error_at_the_entry() -> None:
    # oracle: "service volume services.web.volumes.[1] is missing a mount target"
    with pytest.raises(ComposeFileError, match="missing a mount target") as info:
        merge(BASE + "    volumes: ['./a:/data']\n",
              "services:\n  web:\n    volumes: [{type: bind, source: ./b}]\n")
    assert info.value.path == ("services", "web", "volumes", 1)
    assert info.value.mark is not None and info.value.mark.file == "b.yaml"


def test_an_invalid_volume_spec_is_an_error() -> None:
    # oracle: "invalid spec: ./a::/data: empty section between colons"
    with pytest.raises(ComposeFileError, match="empty section between colons"):
        merge(BASE + "    volumes: ['./a::/data']\n")
    with pytest.raises(ComposeFileError, match="too many colons"):
        merge(BASE + "    volumes: ['/a:/b:ro:x']\n")


def test_secrets_and_configs_default_their_target() -> None:
    # oracle: secrets "s" and {source: s, target: s} are two (/run/secrets/s vs s);
    # configs "c" and {source: c, target: /c} are one
    result = web(BASE + "    secrets: [s, {source: s2}, {source: s3, target: /run/secrets/s4}]\n"
                 "    configs: [c, {source: c2, target: /c2}]\n",
                 "services:\n  web:\n    secrets: [{source: s, target: s}, s2, s4]\n"
                 "    configs: [{source: c, uid: '1'}, c2]\n")
    assert result["secrets"] == ["s", "s2", "s4", {"source": "s", "target": "s"}]
    assert result["configs"] == [{"source": "c", "uid": "1"}, "c2"]


def test_devices_are_one_per_target() -> None:
    # oracle: [{/dev/x -> /dev/b}, {/dev/c rw}, {/dev/d}]
    result = web(BASE + "    devices: ['/dev/a:/dev/b', '/dev/c']\n",
                 "services:\n  web:\n    devices: [{source: /dev/x, target: /dev/b,"
                 " permissions: r}, '/dev/c:/dev/c:rw', /dev/d]\n")
    assert result["devices"] == [
        {"source": "/dev/x", "target": "/dev/b", "permissions": "r"}, "/dev/c:/dev/c:rw",
        "/dev/d",
    ]


def test_expose_number_and_string_are_one_port() -> None:
    # oracle: ["80", "90", "100-101", "100-101/tcp"]
    result = web(BASE + "    expose: ['80', 90, '100-101']\n",
                 "services:\n  web:\n    expose: [80, '90', '100-101/tcp']\n")
    assert result["expose"] == [80, "90", "100-101", "100-101/tcp"]


def test_env_files_are_one_per_path() -> None:
    result = web(BASE + "    env_file: [a.env, {path: b.env, required: false}]\n",
                 "services:\n  web:\n    env_file: [{path: a.env, required: false}, b.env]\n")
    assert result["env_file"] == [{"path": "a.env", "required": False}, "b.env"]


@pytest.mark.parametrize(
    "attribute", ["cap_add", "cap_drop", "dns", "dns_opt", "links", "tmpfs", "profiles"]
)
def test_plain_string_lists_keep_one_of_each(attribute: str) -> None:
    # oracle: cap_add [A, B] + [B, C, A] -> ["A", "B", "C"]; links "db" and "db:x" are two
    result = web(BASE + f"    {attribute}: [A, B, 'db:x']\n",
                 f"services:\n  web:\n    {attribute}: [B, C, A, db]\n")
    assert result[attribute] == ["A", "B", "db:x", "C", "db"]


def test_repeats_within_a_single_file_are_removed_too() -> None:
    # oracle (one file): build.tags [a, a, b] -> ["a", "b"]; networks.n.labels [k=1, k=2] -> k=2
    result = plain(merge(
        BASE + "    build: {context: ., tags: [a, a, b], args: [X=1, X=2]}\n"
        "    ports: ['80:80', '80:80']\n    networks: {n: {link_local_ips: [fe80::1, fe80::1]}}\n"
        "networks:\n  n:\n    labels: [k=1, k=2]\n"
    ))
    service = result["services"]["web"]
    assert service["build"] == {"context": ".", "tags": ["a", "b"], "args": ["X=2"]}
    assert service["ports"] == ["80:80"]
    assert service["networks"]["n"]["link_local_ips"] == ["fe80::1"]
    assert result["networks"]["n"]["labels"] == ["k=2"]


def test_a_key_value_entry_that_is_not_a_string_is_an_error() -> None:
    with pytest.raises(ComposeFileError, match="unexpected type int") as info:
        enforce_unicity(load(BASE + "    cap_add: [A, 5]\n", "a.yaml"))
    assert info.value.path == ("services", "web", "cap_add", 1)


def test_unicity_returns_unchanged_parts_as_they_are() -> None:
    tree = load(BASE + "    ports: ['80:80']\n    labels: [a=1]\n", "a.yaml")
    assert enforce_unicity(tree) is tree


# --- !reset and !override ------------------------------------------------------------------------


def test_reset_removes_the_earlier_value_and_its_own() -> None:
    # oracle: `ports: !reset ['90:90']` and `ports: !reset []` both leave no ports
    for tagged in ("!reset []", "!reset ['90:90']"):
        assert "ports" not in web(BASE + "    ports: ['80:80']\n",
                                  f"services:\n  web:\n    ports: {tagged}\n")


@pytest.mark.parametrize("tagged", ["!reset {}", "!reset null", "!reset"])
def test_reset_of_a_mapping_with_any_value_removes_it(tagged: str) -> None:
    # oracle: `environment: !reset {}` and `!reset null` leave no environment
    assert "environment" not in web(BASE + "    environment: {A: 1}\n",
                                    f"services:\n  web:\n    environment: {tagged}\n")


def test_reset_of_one_variable_works_on_the_mapping_form_only() -> None:
    # oracle: {A: 1, B: 2} + {A: !reset} -> {"B": "2"}; [A=1, B=2] + {A: !reset} -> both stay
    assert web(BASE + "    environment: {A: 1, B: 2}\n",
               "services:\n  web:\n    environment:\n      A: !reset\n")["environment"] == ["B=2"]
    assert web(BASE + "    environment: [A=1, B=2]\n",
               "services:\n  web:\n    environment:\n      A: !reset\n")["environment"] == [
        "A=1", "B=2"]


def test_reset_of_one_dependency_works_on_the_list_form() -> None:
    # oracle: [db, c] + {db: !reset} -> {"c": {...}} (the list was already a mapping for Compose)
    result = web(BASE + "    depends_on: [db, c]\n",
                 "services:\n  web:\n    depends_on:\n      db: !reset\n")
    assert result["depends_on"] == {"c": {"condition": "service_started", "required": True}}


def test_reset_of_the_build_context_of_a_string_build() -> None:
    # oracle: {"context": ".", "dockerfile": "D"} (the default context comes back later)
    result = web(BASE + "    build: ./a\n",
                 "services:\n  web:\n    build:\n      context: !reset\n      dockerfile: D\n")
    assert result["build"] == {"dockerfile": "D"}


def test_reset_of_a_whole_service() -> None:
    result = plain(merge(BASE + "  db:\n    image: b\n", "services:\n  db: !reset\n"))
    assert list(result["services"]) == ["web"]


def test_reset_in_a_single_file_drops_the_key() -> None:
    # oracle (one file): `ports: !reset ['80:80']` and `x: !reset 1` both vanish
    assert web(BASE + "    ports: !reset ['80:80']\n    x: !reset 1\n") == {"image": "app"}


def test_reset_inside_a_new_service_is_dropped() -> None:
    # oracle: services.new has no ports
    result = plain(merge(BASE, "services:\n  new:\n    image: b\n    ports: !reset ['80:80']\n"))
    assert result["services"]["new"] == {"image": "b"}


def test_reset_inside_a_sequence_entry_only_drops_it_from_that_entry() -> None:
    # oracle: two ports, the later one without host_ip
    result = web(BASE + "    ports: [{target: 80, published: '8080', host_ip: 127.0.0.1}]\n",
                 "services:\n  web:\n    ports: [{target: 80, published: '8080',"
                 " host_ip: !reset 127.0.0.1}]\n")
    assert result["ports"] == [{"target": 80, "published": "8080", "host_ip": "127.0.0.1"},
                               {"target": 80, "published": "8080"}]


def test_override_replaces_instead_of_merging() -> None:
    # oracle: environment {"C": "3"}; ports only 90:90
    result = web(BASE + "    environment: {A: 1, B: 2}\n    ports: ['80:80']\n",
                 "services:\n  web:\n    environment: !override {C: 3}\n"
                 "    ports: !override ['90:90']\n")
    assert result["environment"] == {"C": 3}
    assert result["ports"] == ["90:90"]


def test_tags_inside_an_override_value_are_taken_as_written() -> None:
    # oracle: {"B": "2"}
    result = web(BASE + "    environment: {A: 1}\n",
                 "services:\n  web:\n    environment: !override\n      B: !reset 2\n")
    assert result["environment"] == {"B": 2}


def test_a_reset_in_the_second_file_is_followed_by_additions_in_the_third() -> None:
    # oracle: only 70:70; labels {"b": "2", "c": "3"}
    result = web(BASE + "    ports: ['80:80']\n    labels: {a: 1}\n",
                 "services:\n  web:\n    ports: !reset []\n    labels: !override {b: 2}\n",
                 "services:\n  web:\n    ports: ['70:70']\n    labels: [c=3]\n")
    assert result["ports"] == ["70:70"]
    assert result["labels"] == ["b=2", "c=3"]


# --- marks, inputs, API --------------------------------------------------------------------------


def test_each_value_keeps_the_mark_of_the_file_that_supplied_it() -> None:
    result = merge(BASE + "    ports: ['80:80']\n    user: root\n",
                   "services:\n  web:\n    image: other\n    ports: ['90:90']\n")
    service = result["services"]["web"]
    assert isinstance(service, YMap)
    assert service.value_marks["image"].file == "b.yaml"
    assert service.value_marks["user"].file == "a.yaml"
    ports = service["ports"]
    assert isinstance(ports, YSeq)
    assert [(m and (m.file, m.line)) for m in ports.item_marks] == [("a.yaml", 5), ("b.yaml", 4)]


def test_entries_made_from_a_mapping_point_at_their_key() -> None:
    result = merge(BASE + "    environment:\n      B: 2\n      A: 1\n",
                   "services:\n  web:\n    environment: [C=3]\n")
    environment = result["services"]["web"]["environment"]
    assert list(environment) == ["A=1", "B=2", "C=3"]
    assert [(m.file, m.line) for m in environment.item_marks] == [
        ("a.yaml", 7), ("a.yaml", 6), ("b.yaml", 3)]


def test_the_winning_repeat_brings_its_mark_to_the_first_place() -> None:
    result = merge(BASE + "    ports: ['80:80', '90:90']\n",
                   "services:\n  web:\n    ports: ['80:80']\n")
    ports = result["services"]["web"]["ports"]
    assert list(ports) == ["80:80", "90:90"]
    assert [m.file for m in ports.item_marks] == ["b.yaml", "a.yaml"]


def test_inputs_are_left_unchanged() -> None:
    first = load(BASE + "    ports: ['80:80']\n    environment: {A: 1}\n", "a.yaml")
    later = load("services:\n  web:\n    ports: ['80:80']\n    environment:\n      A: !reset\n",
                 "b.yaml")
    before = (copy.deepcopy(plain(first)), copy.deepcopy(plain(later)))
    enforce_unicity(merge_trees(merge_trees(None, first), later))
    assert (plain(first), plain(later)) == before


def test_plain_dicts_and_lists_are_accepted() -> None:
    result = enforce_unicity(merge_trees(
        {"services": {"web": {"image": "a", "labels": {"x": "1"}}}},
        {"services": {"web": {"labels": ["x=2"], "ports": ["80", 80]}}},
    ))
    assert isinstance(result, YMap)
    assert plain(result) == {"services": {"web": {"image": "a", "labels": ["x=2"],
                                                  "ports": [80]}}}


def test_the_top_level_must_be_a_mapping() -> None:
    with pytest.raises(ComposeFileError, match="mapping"):
        merge_trees(None, ["services"])


def test_path_table_matches_one_key_per_star() -> None:
    table = PathTable({"services.*.ports": 1, "services.*.ulimits.*": 2})
    assert table.lookup(["services", "web", "ports"]) == 1
    assert table.lookup(["services", "a.b", "ulimits", "nofile"]) == 2
    assert table.lookup(["services", "web", "build", "ports"]) is None


def test_merging_two_files_of_a_thousand_services_is_fast() -> None:
    def project(offset: int, name: str) -> Any:
        services = "".join(
            f"  s{i}:\n    image: i{i + offset}\n    ports: ['{8000 + i}:80']\n"
            f"    environment: {{A: '{i}'}}\n    depends_on: [s0]\n"
            for i in range(1000)
        )
        return load("services:\n" + services, name)

    first, later = project(0, "a.yaml"), project(1, "b.yaml")
    started = time.process_time()
    result = merge_files([first, later])
    elapsed = time.process_time() - started
    assert len(result["services"]) == 1000
    # Generous for loaded test machines; about 0.1 s on a quiet one.
    assert elapsed < 1.0
