"""Property tests: whatever a user writes, the loader answers with a PycomposeError, never a crash.

Random YAML text, random compose-shaped documents and random mutations of the valid fixtures go
through the whole pipeline (``load``) and both renderings ``config`` prints. Anything other than a
:class:`PycomposeError` escaping is a bug; every :class:`ComposeFileError` must name a file.

Errors without a line and column are counted by category; set ``PYCOMPOSE_FUZZ_REPORT`` to a file
name to have the counts written there at the end of the module.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycompose.api import printable, service_hash
from pycompose.errors import ComposeFileError, PycomposeError
from pycompose.loader.discover import ProjectOptions
from pycompose.loader.pipeline import Stages, load
from pycompose.serialize import to_json, to_yaml

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "config" / "valid"

FUZZ = settings(
    database=None,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.function_scoped_fixture,
                           HealthCheck.data_too_large],
)

ENVIRON = {
    "HOME": "/nonexistent-home",
    "VAR": "value",
    "EMPTY": "",
    "PORT": "8080",
    "FLAG": "true",
    "SPACES": " a b ",
    "DOLLAR": "$x",
    "YES": "yes",
    "REAL": "1.5",
    "HUGE": "99999999999999999999",
    "NEG": "-1",
    "COLON": "a:b",
}

UNLOCATED: Counter[str] = Counter()
# ``--profile`` values and the service names given on the command line
Selection = tuple[tuple[str, ...], tuple[str, ...]]


@pytest.fixture(scope="module", autouse=True)
def _report_unlocated() -> Iterator[None]:
    yield
    target = os.environ.get("PYCOMPOSE_FUZZ_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            for category, count in UNLOCATED.most_common():
                fh.write(f"{count:5d}  {category}\n")


# -- what the loader may answer ----------------------------------------------------------------


def _category(error: ComposeFileError) -> str:
    text = re.sub(r'"[^"]*"|\'[^\']*\'', "<v>", error.detail)
    text = re.sub(r"\d+", "N", text)
    return f"{type(error).__name__}: {text[:90]}"


def check_error(error: PycomposeError, project: Path) -> None:
    """A located error names one of the project's files; a missing line:col is only counted."""
    if not isinstance(error, ComposeFileError):
        return
    message = str(error)
    names = {p.name for p in project.rglob("*") if p.is_file()} | {str(project)}
    assert any(name in message for name in names), f"error names no file: {message!r}"
    if error.mark is None:
        UNLOCATED[_category(error)] += 1


def load_and_render(
    files: list[Path],
    project: Path,
    stages: Stages | None = None,
    selection: Selection = ((), ()),
) -> None:
    """Load like ``config`` does and render JSON, YAML and hashes; only PycomposeError escapes."""
    profiles, services = selection
    options = ProjectOptions(
        config_files=[str(f) for f in files], cwd=str(project), environ=dict(ENVIRON),
        profiles=profiles,
    )
    try:
        loaded = load(options, stages or Stages(), services=services)
        to_yaml(printable(loaded, "yaml"))
        text = to_json(printable(loaded, "json"))
        for service in loaded.tree.get("services", {}).values():
            service_hash(service)
    except PycomposeError as error:
        check_error(error, project)
        return
    json.loads(text)


@pytest.fixture
def project_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "proj"
        path.mkdir()
        yield path


def _fresh(project: Path) -> None:
    """Empty ``project`` between hypothesis examples (a function fixture is shared by them)."""
    for child in project.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


# -- a small YAML emitter that can write tags, anchors, aliases and raw plain scalars ----------


@dataclass(frozen=True)
class Raw:
    """A plain scalar written exactly as given (``0400``, ``22:22``, ``~``, ...)."""

    text: str


@dataclass(frozen=True)
class Tagged:
    tag: str
    value: Any


@dataclass(frozen=True)
class Anchored:
    name: str
    value: Any


@dataclass(frozen=True)
class Alias:
    name: str


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _scalar(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Alias):
        return f"*{value.name}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return _quoted(str(value))


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes would write surrogate pairs YAML rejects)."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xFFFD and code != 0xFEFF) or code > 0xFFFF:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


def _key(key: Any) -> str:
    if isinstance(key, str) and _PLAIN_KEY.match(key):
        return key
    return _scalar(key)


def _node(value: Any, indent: int) -> tuple[str, list[str]]:
    """What follows ``key:`` or ``-`` on the same line, and the lines below it."""
    if isinstance(value, (Tagged, Anchored)):
        prefix = value.tag if isinstance(value, Tagged) else f"&{value.name}"
        head, body = _node(value.value, indent)
        return f" {prefix}{head}", body
    if isinstance(value, dict):
        if not value:
            return " {}", []
        return "", _mapping(value, indent + 2)
    if isinstance(value, list):
        if not value:
            return " []", []
        return "", _sequence(value, indent + 2)
    return f" {_scalar(value)}", []


def _mapping(value: dict[Any, Any], indent: int) -> list[str]:
    lines = []
    for key, item in value.items():
        head, body = _node(item, indent)
        lines.append(f"{' ' * indent}{_key(key)}:{head}")
        lines.extend(body)
    return lines


def _sequence(value: list[Any], indent: int) -> list[str]:
    lines = []
    for item in value:
        head, body = _node(item, indent)
        lines.append(f"{' ' * indent}-{head}")
        lines.extend(body)
    return lines


def emit(doc: Any) -> str:
    if isinstance(doc, dict) and doc:
        lines = _mapping(doc, 0)
    elif isinstance(doc, list) and doc:
        lines = _sequence(doc, 0)
    else:
        head, lines = _node(doc, -2)
        lines = [f"---{head}", *lines]
    return "\n".join(lines) + "\n"


def emit_all(docs: list[Any]) -> str:
    return "---\n".join(emit(doc) for doc in docs)


# -- strategies ------------------------------------------------------------------------------

TOP_KEYS = ["services", "networks", "volumes", "secrets", "configs", "include", "name",
            "version", "x-foo", "models"]
SERVICE_KEYS = [
    "image", "build", "ports", "volumes", "environment", "env_file", "depends_on", "networks",
    "healthcheck", "deploy", "extends", "profiles", "secrets", "configs", "command",
    "entrypoint", "expose", "extra_hosts", "labels", "links", "volumes_from", "network_mode",
    "ulimits", "sysctls", "tmpfs", "devices", "logging", "restart", "scale", "container_name",
    "mem_limit", "cpus", "shm_size", "stop_grace_period", "develop", "post_start", "dns",
    "cap_add", "ipc", "pid", "x-foo", "user", "working_dir", "annotations", "gpus", "models",
    "blkio_config", "credential_spec", "label_file", "pull_policy", "attach", "init",
]
NESTED_KEYS = [
    "context", "dockerfile", "args", "target", "test", "interval", "retries", "disable",
    "condition", "required", "restart", "service", "file", "path", "target", "published",
    "protocol", "mode", "host_ip", "source", "type", "read_only", "bind", "volume", "tmpfs",
    "size", "create_host_path", "nocopy", "subpath", "aliases", "ipv4_address", "priority",
    "resources", "limits", "reservations", "cpus", "memory", "replicas", "placement",
    "constraints", "devices", "capabilities", "count", "driver", "driver_opts", "external",
    "name", "ipam", "config", "subnet", "env_file", "project_directory", "soft", "hard",
    "labels", "watch", "action", "ignore", "x-foo", "environment", "content", "secrets",
    "uid", "gid", "start_period", "timeout", "options", "max-size", "format", "default",
]
NAMES = ["web", "db", "worker", "front", "back", "data", "default", "s1", "host", "none"]
WEIRD = [
    "0400", "1_000", "22:22", "yes", "no", "on", "off", ".inf", "-.inf", ".nan", "~", "null",
    "1e3", "0x1F", "0o17", "0b101", "-1", "+3", "3.5", "1.5e400", "99999999999999999999999",
    "true", "False", "2001-12-14", "1:30", "8080-8090:80", "127.0.0.1:80:80/udp", "80:80:80",
    "${VAR}", "${VAR:-x}", "${UNSET:-default}", "${VAR:+alt}", "${UNSET:?missing}", "$VAR",
    "$${VAR}", "$$", "${", "${VAR", "${VAR:-${PORT}}", "${PORT}:80", "=", "<<",
    "service:web", "container:x", "host", "none", "./data:/data:ro", "/abs:/abs:z", "data:/d",
    "1s", "1m30s", "10x", "512m", "1g", "-5", "0", "1.0", "'quoted'", '"dq"', "!!binary aGk=",
]
STRINGS = [
    "", " ", "web", "db", "busybox", "nginx:latest", "a" * 300, "é😀ñ\u200b", "\t", "a\nb",
    "service_healthy", "service_started", "service_completed_successfully", "always",
    "unless-stopped", "on-failure:3", "rw", "ro", "bind", "volume", "tmpfs", "npipe", "cluster",
    "CMD", "CMD-SHELL", "NONE", "tcp", "udp", "ingress", "host", "bridge", "overlay", "local",
    "default", "external", "x-foo", "compose.yaml", "other.yaml", "./sub", "../x", ".env",
    "${VAR}/x", "$${ESCAPED}", "80:80", "/data", "data:/data", "create", "sync", "rebuild",
]

scalars: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(WEIRD).map(Raw),
    st.sampled_from(STRINGS),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.none(),
    st.just(Alias("a")),
)
keys: st.SearchStrategy[Any] = st.one_of(
    st.sampled_from(NESTED_KEYS + SERVICE_KEYS + TOP_KEYS + NAMES),
    st.text(max_size=6),
    st.sampled_from(["1", "~", "true", "1.5", "<<", "2001-12-14", "[a]"]).map(Raw),
)
tags = st.sampled_from(["!reset", "!override", "!!str", "!!int", "!unknown"])


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
        st.builds(Tagged, tags, children.filter(lambda c: not isinstance(c, (Tagged, Alias)))),
    )


values = st.recursive(scalars, _containers, max_leaves=12)
service = st.dictionaries(
    st.one_of(st.sampled_from(SERVICE_KEYS), keys), values, max_size=6
)
named = st.dictionaries(st.sampled_from(NAMES), st.one_of(values, st.dictionaries(
    st.sampled_from(NESTED_KEYS), values, max_size=4)), max_size=3)
services = st.dictionaries(st.sampled_from(NAMES), service, max_size=4)
# ``x-a`` comes first and is anchored, so that the aliases ``*a`` drawn anywhere resolve.
documents = st.fixed_dictionaries(
    {
        "x-a": st.builds(Anchored, st.just("a"), values),
        "services": st.one_of(services, services, values),
    },
    optional={
        "networks": named,
        "volumes": named,
        "secrets": named,
        "configs": named,
        "name": st.one_of(st.sampled_from(["proj", "My Project", "", "${VAR}", "-x"]), scalars),
        "version": scalars,
        "x-foo": values,
        "include": values,
    },
)

stage_flags = st.builds(Stages, st.booleans(), st.booleans(), st.booleans(), st.booleans(),
                        st.booleans())
selections: st.SearchStrategy[Selection] = st.tuples(
    st.lists(st.sampled_from(["web", "debug", "*", "x"]), max_size=2).map(tuple),
    st.lists(st.sampled_from([*NAMES, "child", "extra", "app"]), max_size=2).map(tuple),
)


# -- 1. random text and random documents -----------------------------------------------------


@settings(FUZZ, max_examples=150)
@given(text=st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(list("abs:-{}[]&*!|>'\"#%@ \n\t,?$~0123456789.")),
            max_size=120),
))
def test_random_text_loads_or_fails_cleanly(project_dir: Path, text: str) -> None:
    _fresh(project_dir)
    compose = project_dir / "compose.yaml"
    compose.write_text(text, encoding="utf-8")
    load_and_render([compose], project_dir)


@settings(FUZZ, max_examples=250)
@given(
    docs=st.lists(documents, min_size=1, max_size=2),
    override=st.none() | documents,
    stages=stage_flags,
    selection=selections,
)
def test_random_documents_load_or_fail_cleanly(
    project_dir: Path, docs: list[Any], override: Any, stages: Stages, selection: Selection
) -> None:
    """One file, or two merged (the second is also there for ``extends``/``include``)."""
    _fresh(project_dir)
    compose = project_dir / "compose.yaml"
    compose.write_text(emit_all(docs), encoding="utf-8")
    other = project_dir / "other.yaml"
    other.write_text(emit(docs[-1] if override is None else override), encoding="utf-8")
    files = [compose] if override is None else [compose, other]
    load_and_render(files, project_dir, stages, selection)


# -- 2. mutations of valid files -------------------------------------------------------------

SEEDS = {
    "rich.yaml": """
name: seeded
x-common: &common
  restart: unless-stopped
  labels: {team: core}
services:
  web:
    <<: *common
    image: nginx:${TAG:-latest}
    build:
      context: ./app
      dockerfile: Dockerfile
      args: [A=1, B]
      secrets: [token]
    ports: ["8080:80", {target: 443, published: "8443", protocol: tcp}]
    volumes: [data:/data, ./src:/src:ro, {type: tmpfs, target: /tmp, tmpfs: {size: 1m}}]
    environment: {A: "1", B: null}
    env_file: [{path: ./app.env, required: false}]
    depends_on: {db: {condition: service_healthy, restart: true}}
    networks: {front: {aliases: [w]}, back: null}
    healthcheck: {test: [CMD, "true"], interval: 10s, retries: 3, start_period: 1m}
    deploy: {replicas: 2, resources: {limits: {cpus: "0.5", memory: 512M}}}
    secrets: [token, {source: cert, target: /c, mode: 0400}]
    configs: [app_conf]
    extra_hosts: ["a:1.2.3.4", "b=5.6.7.8"]
    ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 64}
    develop: {watch: [{path: ./src, action: sync, target: /src}]}
    x-foo: bar
  db:
    image: postgres
    healthcheck: {test: "pg_isready", interval: 5s}
  sidecar:
    image: busybox
    volumes_from: [web]
    network_mode: service:web
  base:
    image: busybox
    command: ["sh", "-c", "echo $$HOME"]
  child:
    extends: base
    entrypoint: /bin/sh
    links: [db:database]
    profiles: [debug]
networks:
  front: {driver: bridge, ipam: {config: [{subnet: 10.0.0.0/24}]}}
  back: {external: true}
volumes:
  data: {driver_opts: {type: none}}
secrets:
  token: {environment: VAR}
  cert: {file: ./cert.pem}
configs:
  app_conf: {content: "hello ${VAR}"}
""",
    "override.yaml": """
services:
  web:
    image: !override nginx
    ports: !reset []
    environment: !reset {}
    command: !reset null
  extra:
    image: alpine
    scale: 0
    x-note: x
include:
  - path: ./inc.yaml
    env_file: ./inc.env
""",
}
SEED_FILES = {
    "app.env": "A=1\nB=${VAR}\n",
    "cert.pem": "x\n",
    "inc.yaml": "services:\n  included:\n    image: busybox\n",
    "inc.env": "X=1\n",
}


class _SeedLoader(yaml.SafeLoader):
    """PyYAML reader that keeps ``!reset``/``!override`` so the mutated file still has them."""


def _keep_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        value: Any = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = Raw(node.value) if node.value else None
    return Tagged(f"!{suffix}", value)


_SeedLoader.add_multi_constructor("!", _keep_tag)


@dataclass(frozen=True)
class Seed:
    source: Path | None  # the fixture directory it comes from (copied next to the file)
    file: str
    docs: list[Any]


def _seeds() -> list[Seed]:
    seeds = [Seed(None, name, list(yaml.load_all(text, Loader=_SeedLoader)))
             for name, text in SEEDS.items()]
    for yaml_file in sorted(FIXTURES.glob("*/*.y*ml")):
        try:
            docs = list(yaml.load_all(yaml_file.read_text(encoding="utf-8"), Loader=_SeedLoader))
        except (yaml.YAMLError, ValueError):
            # PyYAML reads YAML 1.1 (and fails on a date such as 2001-02-30, a string in YAML
            # 1.2); such a fixture is simply no seed
            continue
        if docs and all(isinstance(d, dict) for d in docs):
            seeds.append(Seed(yaml_file.parent, yaml_file.name, docs))
    return seeds


SEED_LIST = _seeds()


def _children(node: Any) -> list[Any]:
    if isinstance(node, (Tagged, Anchored)):
        return _children(node.value)
    if isinstance(node, dict):
        return list(node)
    if isinstance(node, list):
        return list(range(len(node)))
    return []


def _unwrap(node: Any) -> Any:
    while isinstance(node, (Tagged, Anchored)):
        node = node.value
    return node


MUTATIONS = ["delete", "replace", "duplicate", "rename", "retype", "insert", "break_ref",
             "tag", "stringify"]


def mutate(data: st.DataObject, doc: Any) -> None:
    """Pick a container inside ``doc`` by a random walk and change one of its entries."""
    node = _unwrap(doc)
    while True:
        children = _children(node)
        if not children:
            return
        key = data.draw(st.sampled_from(children))
        child = _unwrap(node[key])
        descend: bool = data.draw(st.booleans())
        if _children(child) and descend:
            node = child
            continue
        break
    kind = data.draw(st.sampled_from(MUTATIONS))
    if kind == "delete":
        del node[key]
    elif kind == "replace":
        node[key] = data.draw(values)
    elif kind == "duplicate" and isinstance(node, list):
        node.insert(key, copy.deepcopy(node[key]))
    elif kind == "rename" and isinstance(node, dict):
        node[data.draw(keys)] = node.pop(key)
    elif kind == "retype":
        old = _unwrap(node[key])
        if isinstance(old, dict):
            as_list: list[Any] = [f"{k}={v}" for k, v in old.items()]
            node[key] = as_list or [old]
        elif isinstance(old, list):
            node[key] = {str(i): v for i, v in enumerate(old)} if old else ""
        else:
            node[key] = data.draw(st.sampled_from([[old], {"x": old}, str(old), 0, None]))
    elif kind == "insert" and isinstance(node, dict):
        node[data.draw(st.sampled_from(["unknown", "x-new", "imagee", *SERVICE_KEYS]))] = (
            data.draw(values)
        )
    elif kind == "insert" and isinstance(node, list):
        node.insert(key, data.draw(values))
    elif kind == "break_ref":
        node[key] = data.draw(st.sampled_from(
            ["missing", "service:missing", "container:gone", "missing:/x", "./missing.yaml"]
        ))
    elif kind == "tag":
        node[key] = Tagged(data.draw(tags), node[key])
    elif kind == "stringify":
        node[key] = str(_unwrap(node[key]))


def _install(seed: Seed, project: Path) -> Path:
    if seed.source is not None:
        shutil.copytree(seed.source, project, dirs_exist_ok=True, symlinks=True)
    else:
        for name, text in SEED_FILES.items():
            (project / name).write_text(text, encoding="utf-8")
        (project / "app").mkdir()
    return project / seed.file


def test_seeds_are_valid(project_dir: Path) -> None:
    """The hand-written seeds load: mutations start from valid input."""
    for name in SEEDS:
        _fresh(project_dir)
        seed = next(s for s in SEED_LIST if s.source is None and s.file == name)
        target = _install(seed, project_dir)
        target.write_text(emit_all(seed.docs), encoding="utf-8")
        options = ProjectOptions(config_files=[str(target)], cwd=str(project_dir),
                                 environ=dict(ENVIRON))
        to_json(printable(load(options), "json"))


@settings(FUZZ, max_examples=300)
@given(data=st.data())
def test_mutated_valid_files_load_or_fail_cleanly(project_dir: Path, data: st.DataObject) -> None:
    _fresh(project_dir)
    seed = data.draw(st.sampled_from(SEED_LIST))
    target = _install(seed, project_dir)
    docs = copy.deepcopy(seed.docs)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        mutate(data, data.draw(st.sampled_from(docs)))
    target.write_text(emit_all(docs), encoding="utf-8")
    files = [target]
    if data.draw(st.booleans()):
        # The mutated file as an override of its original: merge rules meet changed types.
        original = target.with_name(f"original-{target.name}")
        original.write_text(emit_all(seed.docs), encoding="utf-8")
        files.insert(0, original)
    stages = data.draw(st.one_of(st.just(Stages()), stage_flags))
    load_and_render(files, project_dir, stages, data.draw(selections))


# -- regressions: crashes the fuzzer found, each now a located ComposeFileError -------------


def _load_error(project: Path, text: str, **files: str) -> ComposeFileError:
    for name, content in files.items():
        (project / name.replace("_", ".")).write_text(content, encoding="utf-8")
    compose = project / "compose.yaml"
    compose.write_text(text, encoding="utf-8")
    options = ProjectOptions(config_files=[str(compose)], cwd=str(project), environ={})
    with pytest.raises(ComposeFileError) as info:
        load(options)
    return info.value


def test_extends_merge_conflict_names_the_extending_service(project_dir: Path) -> None:
    error = _load_error(project_dir, (
        "services:\n"
        "  base: {image: a, deploy: {resources: {}}}\n"
        "  child:\n"
        "    extends: base\n"
        "    deploy: [1]\n"
    ))
    assert error.path == ("services", "child", "deploy")
    assert error.mark is not None and (error.mark.line, error.mark.col) == (5, 13)
    assert str(error).startswith(f"{project_dir / 'compose.yaml'}:5:13: services.child.deploy:")


def test_include_into_services_that_are_not_a_mapping(project_dir: Path) -> None:
    error = _load_error(project_dir, 'services: "text"\ninclude: [inc.yaml]\n',
                        inc_yaml="services:\n  x:\n    image: a\n")
    assert "must be a mapping" in str(error)
    assert error.mark is not None and error.mark.line == 1


@pytest.mark.parametrize("text", [
    "x-a: &a\n  - <<: *a\nservices: {}\n",
    "x-a: &a\n  <<: *a\nservices: {}\n",
])
def test_merge_key_cycle_is_an_error(project_dir: Path, text: str) -> None:
    error = _load_error(project_dir, text)
    assert "cycle detected" in str(error)
    assert error.mark is not None


def test_merge_key_may_repeat_a_mapping_without_a_cycle(project_dir: Path) -> None:
    compose = project_dir / "compose.yaml"
    compose.write_text(
        "x-b: &b {k: 1}\nx-a: {<<: [*b, *b], j: {<<: *b}}\nservices: {}\n", encoding="utf-8"
    )
    options = ProjectOptions(config_files=[str(compose)], cwd=str(project_dir), environ={})
    assert load(options).tree["x-a"] == {"k": 1, "j": {"k": 1}}


def test_int_tag_on_a_boolean_is_an_error(project_dir: Path) -> None:
    error = _load_error(project_dir, "services:\n  a:\n    image: x\n    scale: !!int true\n")
    assert "as an integer (!!int)" in str(error)
    assert error.mark is not None and (error.mark.line, error.mark.col) == (4, 12)


def test_control_character_error_has_line_and_column(project_dir: Path) -> None:
    error = _load_error(project_dir, 'services:\n  a:\n   image: "x\x7f"\n')
    where = f"{project_dir / 'compose.yaml'}:3:13"
    assert str(error) == f"{where}: invalid YAML: control characters are not allowed"
