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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    Command,
    Pair,
    environ_without_compose,
    oracle_argv,
    print_pairs,
    pycompose_argv,
    time_once,
)

TIMEOUT_SECONDS = 120.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()

    ours, theirs = pycompose_argv(), oracle_argv()
    pairs: list[Pair] = [
        (
            f"config ({args.services} services)",
            Command("pycompose", [*ours, "config"]),
            Command("compose", [*theirs, "config"]),
            2.0,
        ),
        (
            "version",
            Command("pycompose", [*ours, "version"]),
            Command("compose", [*theirs, "version"]),
            3.0,
        ),
    ]
    env = environ_without_compose()

    with tempfile.TemporaryDirectory(prefix="pycompose-bench-") as tmp:
        project = Path(tmp) / "bench"
        (project / "conf").mkdir(parents=True)
        (project / "compose.yaml").write_text(compose_file(args.services))
        commands = [command for _, a, b, _ in pairs for command in (a, b)]
        for command in commands:
            time_once(command, project, env, TIMEOUT_SECONDS, record=False)
        for round_number in range(args.runs):
            order = commands if round_number % 2 == 0 else commands[::-1]
            for command in order:
                time_once(command, project, env, TIMEOUT_SECONDS)

    print(f"medians of {args.runs} interleaved runs")
    ok = print_pairs("command", 26, pairs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
