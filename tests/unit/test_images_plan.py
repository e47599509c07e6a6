"""Pure image decisions: references, pull policies, what up/pull/push/down --rmi act on,
registry credentials from a Docker CLI config, and BuildKit trace rendering. No engine."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pycompose.engine.auth import Credentials, CredentialsError, DockerConfig
from pycompose.engine.build import (
    Trace,
    base_images,
    context_tar,
    ignore_patterns,
    request_for,
)
from pycompose.errors import PycomposeError
from pycompose.images import (
    LocalImage,
    ProjectImage,
    human_duration,
    human_size,
    images_to_remove,
    normalized,
    parse_duration,
    parse_ref,
    plan_builds,
    plan_pull_command,
    plan_pulls,
    pull_policy,
    push_targets,
    repository_and_tag,
    resolve_build_args,
    rmi_candidates,
)
from pycompose.model import Project, service_from_spec

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


def project(services: dict[str, dict[str, Any]], name: str = "p") -> Project:
    return Project(name=name, working_dir="/w", config_files=(), networks={}, volumes={},
                   services={n: service_from_spec(name, n, s) for n, s in services.items()})


# -- references -----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "name", "familiar", "tag", "key"), [
    ("busybox", "docker.io/library/busybox", "busybox:latest", "latest",
     "https://index.docker.io/v1/"),
    ("user/app:1", "docker.io/user/app", "user/app:1", "1", "https://index.docker.io/v1/"),
    ("index.docker.io/library/redis:7", "docker.io/library/redis", "redis:7", "7",
     "https://index.docker.io/v1/"),
    ("127.0.0.1:5000/team/app:2", "127.0.0.1:5000/team/app", "127.0.0.1:5000/team/app:2", "2",
     "127.0.0.1:5000"),
    ("localhost/app", "localhost/app", "localhost/app:latest", "latest", "localhost"),
    ("ghcr.io/o/r@sha256:" + "a" * 64, "ghcr.io/o/r", "ghcr.io/o/r@sha256:" + "a" * 64,
     "sha256:" + "a" * 64, "ghcr.io"),
])
def test_references_normalize_like_the_docker_cli(text: str, name: str, familiar: str,
                                                   tag: str, key: str) -> None:
    ref = parse_ref(text)
    assert ref.name == name
    assert ref.familiar() == familiar
    assert ref.api_tag == tag
    assert ref.auth_key == key


@pytest.mark.parametrize("text", ["", "x/UPPER", "a b", "x:bad tag", "x@sha256:zz"])
def test_invalid_references_are_errors(text: str) -> None:
    with pytest.raises(PycomposeError, match="invalid reference format"):
        parse_ref(text)


def test_repository_and_tag_as_images_shows_them() -> None:
    assert repository_and_tag("p-web") == ("p-web", "latest")
    assert repository_and_tag("docker.io/library/redis:7") == ("redis", "7")
    assert repository_and_tag("sha256:" + "b" * 64) == ("", "")
    assert normalized("p-web") == "p-web:latest"


# -- pull policies --------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "kind", "every"), [
    (None, "missing", None), ("if_not_present", "missing", None), ("missing", "missing", None),
    ("always", "always", None), ("never", "never", None), ("build", "build", None),
    ("daily", "refresh", timedelta(days=1)), ("weekly", "refresh", timedelta(days=7)),
    ("every_12h", "refresh", timedelta(hours=12)),
    ("every_1h30m", "refresh", timedelta(minutes=90)),
    ("every_2d", "refresh", timedelta(days=2)), ("whatever", "missing", None),
])
def test_pull_policy_values(value: str | None, kind: str, every: timedelta | None) -> None:
    policy = pull_policy(value)
    assert (policy.kind, policy.every) == (kind, every)


def test_bad_durations_are_errors() -> None:
    with pytest.raises(PycomposeError):
        parse_duration("12x")
    with pytest.raises(PycomposeError):
        pull_policy("every_")


def test_up_pulls_by_policy_once_per_image() -> None:
    proj = project({
        "missing": {"image": "a:1"},
        "present": {"image": "b:1"},
        "always": {"image": "b:1", "pull_policy": "always"},
        "same": {"image": "a:1"},
        "never": {"image": "c:1", "pull_policy": "never"},
        "stale": {"image": "d:1", "pull_policy": "every_1h"},
        "fresh": {"image": "e:1", "pull_policy": "daily"},
        "built": {"build": {"context": "."}},
        "build_policy": {"image": "f:1", "build": {"context": "."}, "pull_policy": "build"},
    })
    local = {
        "b:1": LocalImage("sha256:b"),
        "d:1": LocalImage("sha256:d", NOW - timedelta(hours=2)),
        "e:1": LocalImage("sha256:e", NOW - timedelta(hours=2)),
    }
    assert plan_pulls(proj, list(proj.services), local, NOW) == ("missing", "always", "stale")
    assert plan_pulls(proj, list(proj.services), local, NOW, override="never") == ()
    assert plan_pulls(proj, ["built"], {}, NOW, override="always") == ()
    hybrid = project({"app": {"image": "g:1", "build": {"context": "."}}})
    assert plan_pulls(hybrid, ["app"], {}, NOW) == ("app",)
    assert plan_pulls(hybrid, ["app"], {}, NOW, override="always", force_build=True) == ()


def test_up_builds_missing_images_policy_build_and_everything_with_build_flag() -> None:
    proj = project({
        "missing": {"build": {"context": "."}},
        "present": {"build": {"context": "."}},
        "policy": {"image": "x:1", "build": {"context": "."}, "pull_policy": "build"},
        "image_only": {"image": "y:1"},
    })
    local = {"p-present": LocalImage("sha256:1"), "x:1": LocalImage("sha256:2")}
    names = list(proj.services)
    assert plan_builds(proj, names, local) == ("missing", "policy")
    assert plan_builds(proj, names, local, force=True) == ("missing", "present", "policy")


# -- pull -----------------------------------------------------------------------------------


def test_pull_command_skips_with_composes_reasons() -> None:
    proj = project({
        "built": {"build": {"context": "."}},
        "never": {"image": "a:1", "pull_policy": "never"},
        "here": {"image": "b:1", "pull_policy": "missing"},
        "latest": {"image": "b", "pull_policy": "missing"},
        "buildable": {"image": "c:1", "build": {"context": "."}},
        "first": {"image": "d:1"},
        "second": {"image": "d:1"},
    })
    local = {"b:1": LocalImage("sha256:b"), "b": LocalImage("sha256:b")}
    decisions = plan_pull_command(proj, list(proj.services), local, ignore_buildable=True)
    assert [(d.service, d.skip) for d in decisions] == [
        ("built", "Skipped - No image to be pulled"),
        ("never", "Skipped"),
        ("here", "Skipped - Image is already present locally"),
        ("latest", ""),
        ("buildable", "Skipped - Image can be built"),
        ("first", ""),
        ("second", "Skipped - Image is already being pulled by first"),
    ]
    forced = plan_pull_command(proj, ["never", "here"], local, policy="always")
    assert [d.skip for d in forced] == ["", ""]


# -- push -----------------------------------------------------------------------------------


def test_push_takes_services_with_image_and_build_and_their_tags() -> None:
    proj = project({
        "app": {"image": "r/app:1", "build": {"context": ".", "tags": ["r/app:2", "r/app:1"]}},
        "built": {"build": {"context": "."}},
        "pulled": {"image": "redis"},
    })
    assert push_targets(proj, ["app", "built", "pulled"]) == [
        ("app", ["r/app:1", "r/app:2"]), ("built", []), ("pulled", []),
    ]


# -- down --rmi -----------------------------------------------------------------------------


def test_rmi_local_removes_built_images_and_all_adds_named_ones() -> None:
    services = project({
        "web": {"build": {"context": "."}},
        "api": {"image": "custom/api:3", "build": {"context": "."}},
        "db": {"image": "redis:7"},
    }).services
    labelled = [
        ProjectImage("sha256:1", ("custom/api:3",), "api"),
        ProjectImage("sha256:2", ("p-gone:latest",), "gone"),
        ProjectImage("sha256:3", (), "web"),
    ]
    assert rmi_candidates("all", services, "p") == ["p-web", "custom/api:3", "redis:7"]
    existing = ["p-web", "redis:7"]
    assert images_to_remove("local", services, "p", labelled, existing) == [
        "custom/api:3", "p-web:latest"]
    assert images_to_remove("all", services, "p", labelled, existing) == [
        "custom/api:3", "p-web:latest", "redis:7"]
    assert "p-gone:latest" in images_to_remove("local", services, "p", labelled, existing,
                                               remove_orphans=True)
    with pytest.raises(PycomposeError):
        images_to_remove("some", services, "p", labelled, existing)


# -- formatting -----------------------------------------------------------------------------


def test_sizes_and_durations_read_like_go_units() -> None:
    assert human_size(1985472) == "1.99MB"
    assert human_size(512) == "512B"
    assert human_size(1000) == "1kB"
    assert human_duration(timedelta(seconds=0.5)) == "Less than a second"
    assert human_duration(timedelta(seconds=35)) == "35 seconds"
    assert human_duration(timedelta(minutes=1, seconds=5)) == "About a minute"
    assert human_duration(timedelta(minutes=35)) == "35 minutes"
    assert human_duration(timedelta(hours=3)) == "3 hours"
    assert human_duration(timedelta(days=3)) == "3 days"
    assert human_duration(timedelta(days=40)) == "5 weeks"
    assert human_duration(timedelta(days=300)) == "10 months"
    assert human_duration(timedelta(microseconds=(2**63 - 1) // 1000)) == "292 years"


def test_build_args_from_the_command_line() -> None:
    assert resolve_build_args(["A=1", "B", "C", "D="], {"B": "env"}) == {
        "A": "1", "B": "env", "D": ""}


# -- credentials ----------------------------------------------------------------------------


def write_config(directory: Path, data: dict[str, Any]) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(data))
    return {"DOCKER_CONFIG": str(directory)}


def header(creds: Credentials) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(creds.header()))
    return decoded


def test_auths_entries_by_key_or_hostname(tmp_path: Path) -> None:
    token = base64.b64encode(b"me:s3cret").decode()
    env = write_config(tmp_path, {"auths": {
        "https://index.docker.io/v1/": {"auth": token},
        "https://reg.example:5000/v2/": {"username": "u", "password": "p"},
    }})
    config = DockerConfig.load(env)
    hub = config.credentials("https://index.docker.io/v1/")
    assert header(hub) == {"username": "me", "password": "s3cret",
                           "serveraddress": "https://index.docker.io/v1/"}
    other = config.credentials("reg.example:5000")
    assert (other.username, other.password) == ("u", "p")
    assert config.credentials("127.0.0.1:1").anonymous
    assert Credentials().header() == "e30="


def test_missing_config_is_anonymous_and_broken_config_is_an_error(tmp_path: Path) -> None:
    assert DockerConfig.load({"DOCKER_CONFIG": str(tmp_path / "none")}).auths == {}
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(CredentialsError, match="invalid JSON"):
        DockerConfig.load({"DOCKER_CONFIG": str(tmp_path)})


def test_credential_helpers_are_asked_like_the_cli_asks_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    helper = bin_dir / "docker-credential-fake"
    helper.write_text(
        "#!/bin/sh\nread server\n"
        'case "$server" in\n'
        '  reg.one) echo \'{"ServerURL":"reg.one","Username":"alice","Secret":"pw"}\' ;;\n'
        '  reg.tok) echo \'{"ServerURL":"reg.tok","Username":"<token>","Secret":"tk"}\' ;;\n'
        '  *) echo "credentials not found in native keychain"; exit 1 ;;\n'
        "esac\n"
    )
    helper.chmod(helper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env = write_config(tmp_path / "cfg", {"credsStore": "fake",
                                          "credHelpers": {"reg.two": "absent"}})
    config = DockerConfig.load(env)
    assert header(config.credentials("reg.one")) == {
        "username": "alice", "password": "pw", "serveraddress": "reg.one"}
    assert header(config.credentials("reg.tok")) == {
        "serveraddress": "reg.tok", "identitytoken": "tk"}
    assert config.credentials("reg.unknown").anonymous
    with pytest.raises(CredentialsError, match="docker-credential-absent"):
        config.credentials("reg.two")


# -- build requests and contexts ------------------------------------------------------------


def test_build_request_maps_compose_attributes() -> None:
    spec = {"platform": None, "build": {
        "context": "/ctx", "dockerfile": "Dockerfile.dev", "args": {"A": "1", "N": None},
        "target": "dev", "labels": {"l": "v"}, "extra_hosts": ["h=1.2.3.4"],
        "shm_size": "67108864", "platforms": ["linux/amd64", "linux/arm64"],
        "tags": ["x:2"], "cache_to": ["type=local"], "isolation": "default",
    }}
    request = request_for("p", "web", spec, "p-web", args={"B": "2"}, no_cache=True)
    assert request.args == {"A": "1", "B": "2"}
    assert request.labels["com.docker.compose.service"] == "web"
    assert request.labels["l"] == "v"
    assert request.extra_hosts == ("h:1.2.3.4",)
    assert request.shm_size == 67108864
    assert request.platform == "linux/amd64"
    assert request.no_cache and request.isolation == "default"
    assert request.tags == ("x:2",)
    assert any("cache_to" in w for w in request.warnings)
    assert any("linux/arm64" in w for w in request.warnings)


@pytest.mark.parametrize("key", ["ssh", "secrets", "additional_contexts"])
def test_session_features_are_clear_errors(key: str) -> None:
    spec = {"build": {"context": "/ctx", key: ["default"]}}
    with pytest.raises(PycomposeError, match=f"build.{key} needs a BuildKit client session"):
        request_for("p", "web", spec, "p-web")


def test_context_tar_honours_dockerignore_and_keeps_links_and_modes(tmp_path: Path) -> None:
    import io
    import tarfile

    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / ".dockerignore").write_text("# comment\nsecret.txt\nlogs\n!logs/keep.log\n")
    (tmp_path / "secret.txt").write_text("no")
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.log").write_text("no")
    (tmp_path / "logs" / "keep.log").write_text("yes")
    (tmp_path / "run.sh").write_text("#!/bin/sh\n")
    (tmp_path / "run.sh").chmod(0o755)
    (tmp_path / "link").symlink_to("run.sh")
    request = request_for("p", "web", {"build": {"context": str(tmp_path)}}, "p-web")
    data, dockerfile = context_tar(request)
    assert dockerfile == "Dockerfile"
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert "secret.txt" not in members and "logs/a.log" not in members
    assert "logs/keep.log" in members and "Dockerfile" in members
    assert members["run.sh"].mode & 0o777 == 0o755
    assert members["link"].issym() and members["link"].linkname == "run.sh"


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    (tmp_path / ".dockerignore").write_text("a\n")
    (tmp_path / "Dockerfile.dev.dockerignore").write_text("b\n")
    assert ignore_patterns(str(tmp_path), "Dockerfile.dev") == ["b"]
    assert ignore_patterns(str(tmp_path), "Dockerfile") == ["a"]


def test_inline_dockerfile_is_added_to_the_context(tmp_path: Path) -> None:
    spec = {"build": {"context": str(tmp_path), "dockerfile_inline": "FROM scratch\n"}}
    data, dockerfile = context_tar(request_for("p", "web", spec, "p-web"))
    assert dockerfile == ".pycompose.Dockerfile"
    assert b"FROM scratch" in data


# -- BuildKit trace -------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    out = b""
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out += bytes([byte | 0x80])
        else:
            return out + bytes([byte])


def _field(number: int, value: bytes | int) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _stamp(seconds: int, nanos: int = 0) -> bytes:
    return _field(1, seconds) + _field(2, nanos)


def _status(*parts: bytes) -> str:
    return base64.b64encode(b"".join(parts)).decode()


def test_trace_prints_plain_progress_and_names_the_failing_step() -> None:
    lines: list[str] = []
    trace = Trace("web", lines.append)
    run = b"sha256:run"
    name = b"[2/2] RUN make"
    trace.feed(_status(_field(1, _field(1, run) + _field(3, name) + _field(5, _stamp(100)))))
    trace.feed(_status(_field(3, _field(1, run) + _field(2, _stamp(100, 500_000_000))
                              + _field(4, b"compiling\n"))))
    trace.feed(_status(_field(1, _field(1, run) + _field(3, name) + _field(5, _stamp(100))
                              + _field(6, _stamp(101)) + _field(7, b"exit code: 2"))))
    assert lines == ["", "#1 [web 2/2] RUN make", "#1 0.500 compiling",
                     "#1 ERROR: exit code: 2"]
    assert trace.failure() == "------\n > [web 2/2] RUN make:\n0.500 compiling\n------"


def test_base_images_of_a_dockerfile() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM --platform=$BUILDPLATFORM reg.example/base:1 AS build\n"
        "FROM build AS test\n"
        "FROM ${BASE}\n"
        "FROM scratch\n"
        "COPY --from=build /x /x\n"
        "COPY --from=reg.example/tools:2 /t /t\n"
        "COPY --from=0 /y /y\n"
        "FROM \\\n  busybox\n"
    )
    assert base_images(text) == ["reg.example/base:1", "reg.example/tools:2", "busybox"]
