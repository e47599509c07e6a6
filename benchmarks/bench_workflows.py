"""pycompose against Docker Compose v2.40.3 on two everyday workflows.

    .venv/bin/python benchmarks/bench_workflows.py [--runs 5] [--lines 200000]

``logs``: five chatty services (``pycompose/busybox`` writing ``--lines`` lines of 66 bytes
each, then exiting) are brought up once; then ``logs`` of the whole project is written to a
file, and the throughput is the number of lines in that file per second of wall time (the file
is checked to hold every line, each whole). ``run``: the latency of ``run --rm app true`` (no
dependencies, the network already there).

Both programs run as child processes (Compose's Go binary directly). Rounds are interleaved,
the order alternating; after one untimed warm-up round it prints medians and pycompose's ratio
to Compose. Everything it created is removed at the end, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import oracle_argv, pycompose_argv

IMAGE = "pycompose/busybox"
LINE = "the quick brown fox jumps over the lazy dog 0123456789 abcdefghij"
PROJECT_LABEL = "com.docker.compose.project"


def compose_file(lines: int) -> str:
    chatty = f"yes '{LINE}' | head -n {lines}"
    out = ["services:"]
    for i in range(5):
        out += [f"  chatty{i}:", f"    image: {IMAGE}", f'    command: ["sh", "-c", "{chatty}"]']
    out += ["  app:", f"    image: {IMAGE}", "    profiles: [oneoff]"]
    return "\n".join(out) + "\n"


def run(argv: list[str], cwd: Path, stdout: int | IO[bytes] = subprocess.DEVNULL) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}): "
                         f"{result.stderr.decode(errors='replace')}")
    return elapsed


def wait_exited(project: str, count: int) -> None:
    while True:
        listed = subprocess.run(
            ["docker", "ps", "-a", "--filter", f"label={PROJECT_LABEL}={project}",
             "--filter", "status=exited", "-q"], capture_output=True, text=True, check=True)
        if len(listed.stdout.split()) >= count:
            return
        time.sleep(0.5)


def check_logs(path: Path, expected: int) -> None:
    with path.open("rb") as handle:
        count = 0
        for line in handle:
            count += 1
            if not line.endswith(f"| {LINE}\n".encode()):
                raise SystemExit(f"torn line in {path}: {line[:120]!r}")
    if count != expected:
        raise SystemExit(f"{path}: {count} lines, expected {expected}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lines", type=int, default=200_000,
                        help="lines per chatty service (5 services)")
    args = parser.parse_args()
    contenders = {"compose": oracle_argv(), "pycompose": pycompose_argv()}
    project = f"benchwf{secrets.token_hex(3)}"
    total = 5 * args.lines
    results: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "compose.yaml").write_text(compose_file(args.lines))
        base = contenders["compose"] + ["-p", project]
        try:
            run([*base, "up", "-d"], work)
            wait_exited(project, 5)
            for round_ in range(args.runs + 1):
                order = list(contenders.items())
                if round_ % 2:
                    order.reverse()
                for name, argv in order:
                    out = work / f"logs-{name}.txt"
                    with out.open("wb") as handle:
                        elapsed = run([*argv, "-p", project, "logs"], work, stdout=handle)
                    check_logs(out, total)
                    latency = run([*argv, "-p", project, "run", "--rm", "app", "true"], work)
                    if round_:
                        results.setdefault((name, "logs"), []).append(total / elapsed)
                        results.setdefault((name, "run"), []).append(latency)
        finally:
            subprocess.run([*base, "--profile", "oneoff", "down", "-t", "0",
                            "--remove-orphans"], cwd=work, capture_output=True, check=False)
    logs = {name: statistics.median(results[(name, "logs")]) for name in contenders}
    runs = {name: statistics.median(results[(name, "run")]) for name in contenders}
    print(f"medians of {args.runs} interleaved runs; {total} log lines from 5 services")
    print(f"{'':28}{'Compose v2':>14}{'pycompose':>14}{'ratio':>8}")
    print(f"{'logs > file (lines/s)':28}{logs['compose']:>14,.0f}{logs['pycompose']:>14,.0f}"
          f"{logs['pycompose'] / logs['compose']:>8.2f}")
    print(f"{'run --rm app true (s)':28}{runs['compose']:>14.3f}{runs['pycompose']:>14.3f}"
          f"{runs['pycompose'] / runs['compose']:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
