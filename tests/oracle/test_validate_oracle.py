"""Differential test of the schema check: Docker Compose v2.40.3 must agree with every verdict.

The cases are the ones of tests/unit/test_validate.py. Each tree is written as JSON (which is
YAML 1.2) to a compose.yaml of its own and given to `docker-compose config -q`: a VALID tree must
be accepted, an INVALID one rejected with exit 1 — by the schema check ("validating <file>: ...")
unless the case names the other stage of Compose that rejects it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_validate import INVALID, ORACLE_ENV, VALID, Bad

pytestmark = pytest.mark.oracle

ORACLE = Path(sysconfig.get_paths()["purelib"]) / "compose" / "docker-compose"
TIMEOUT = 60


def run_oracle(tree: dict[str, Any], directory: Path) -> subprocess.CompletedProcess[str]:
    if not (ORACLE.is_file() and os.access(ORACLE, os.X_OK)):
        pytest.skip(f"the Docker Compose v2.40.3 binary is not installed at {ORACLE}")
    (directory / "compose.yaml").write_text(json.dumps(tree), encoding="utf-8")
    # only what the cases need: the machine's own COMPOSE_* variables would change the verdict
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(directory)),
        "COMPOSE_PROJECT_NAME": "validate",
        **ORACLE_ENV,
    }
    return subprocess.run(
        [str(ORACLE), "config", "-q"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT,
        check=False,
    )


@pytest.mark.parametrize("tree", [c[1] for c in VALID], ids=[c[0] for c in VALID])
def test_oracle_accepts_valid_tree(tree: dict[str, Any], tmp_path: Path) -> None:
    result = run_oracle(tree, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("case", INVALID, ids=[c.id for c in INVALID])
def test_oracle_rejects_invalid_tree(case: Bad, tmp_path: Path) -> None:
    result = run_oracle(case.tree, tmp_path)
    assert result.returncode == 1, result.stderr
    if case.oracle_stage == "schema":
        assert "validating" in result.stderr, result.stderr
    else:
        assert "validating" not in result.stderr, result.stderr
