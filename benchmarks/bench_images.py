"""pycompose against Docker Compose v2.40.3 on image work: builds and pulls.

    .venv/bin/python benchmarks/bench_images.py [--runs 5]

- build, cold: `build --no-cache` of 5 small services (each `FROM pycompose/busybox` and one RUN).
- build, cached: `build` of the same 5 services when every step is cached.
- pull: `pull` of 5 images (about 1 MB of its own layer each) from a local registry (Debian's
  docker-registry on 127.0.0.1, started here), after removing them locally.

Without buildx, Compose builds through its own BuildKit client session on the engine's /grpc
endpoint (and warns); pycompose uses POST /build with version=2. Both build all 5 services in
parallel. Rounds alternate which program goes first; after one untimed warm-up run each, the
median wall time and pycompose's ratio to Compose are printed. Exit status 1 when a run failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import (
    Command,
    environ_without_compose,
    oracle_argv,
    print_pairs,
    pycompose_argv,
    time_once,
)
from tests.engine.registry import available, running_registry

TIMEOUT_SECONDS = 300.0
SERVICES = 5
BASE = "pycompose/busybox"


def docker(*args: str) -> None:
    subprocess.run(["docker", *args], check=True, capture_output=True, timeout=TIMEOUT_SECONDS)


def build_project(root: Path) -> None:
    lines = ["services:"]
    for i in range(SERVICES):
        (root / f"s{i}").mkdir(parents=True)
        (root / f"s{i}" / "Dockerfile").write_text(
            f"FROM {BASE}\nRUN echo service-{i} > /id && sleep 0.2\n")
        lines += [f"  s{i}:", f"    build: ./s{i}"]
    (root / "compose.yaml").write_text("\n".join(lines) + "\n")


def pull_project(root: Path, host: str) -> list[str]:
    """Pushes 5 images with a unique 1 MB layer each; writes a project that uses them."""
    images = []
    source = root / "src"
    source.mkdir(parents=True)
    (source / "Dockerfile").write_text(
        f"FROM {BASE}\nARG N\nRUN head -c 1000000 /dev/urandom > /blob && echo $N > /n\n")
    lines = ["services:"]
    for i in range(SERVICES):
        image = f"{host}/bench/p{i}:1"
        docker("build", "-q", "--build-arg", f"N={i}", "-t", image, str(source))
        docker("push", "-q", image)
        images.append(image)
        lines += [f"  p{i}:", f"    image: {image}"]
    (root / "pull.yaml").write_text("\n".join(lines) + "\n")
    return images


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    reason = available()
    if reason is not None:
        raise SystemExit(f"cannot benchmark pulls: {reason}")

    ours, theirs = pycompose_argv(), oracle_argv()
    env = environ_without_compose()
    project = ["-p", "benchimages"]
    cases: list[tuple[str, Command, Command, Callable[[], None]]] = []
    images: list[str] = []

    def remove_pulled() -> None:
        for image in images:
            subprocess.run(["docker", "rmi", "-f", image], capture_output=True, check=False)

    def nothing() -> None:
        return None

    with tempfile.TemporaryDirectory(prefix="pycompose-bench-images-") as tmp:
        root = Path(tmp)
        build_project(root)
        with running_registry(root / "registry") as registry:
            images += pull_project(root, registry.host)
            for label, extra, before in (
                ("build, cold (--no-cache)", ["build", "--no-cache"], nothing),
                ("build, fully cached", ["build"], nothing),
                ("pull from local registry", ["-f", "pull.yaml", "pull"], remove_pulled),
            ):
                cases.append((label, Command("pycompose", [*ours, *project, *extra]),
                              Command("compose", [*theirs, *project, *extra]), before))
            for _, mine, reference, before in cases:
                for command in (mine, reference):
                    before()
                    time_once(command, root, env, TIMEOUT_SECONDS, record=False)
            for round_number in range(args.runs):
                for _, mine, reference, before in cases:
                    order = (mine, reference) if round_number % 2 == 0 else (reference, mine)
                    for command in order:
                        before()
                        time_once(command, root, env, TIMEOUT_SECONDS)
            remove_pulled()
        subprocess.run(["docker", "rmi", "-f", *(f"benchimages-s{i}" for i in range(SERVICES))],
                       capture_output=True, check=False)

    print(f"medians of {args.runs} interleaved runs, {SERVICES} services")
    pairs = [(label, mine, reference, None) for label, mine, reference, _ in cases]
    ok = print_pairs("case", 28, pairs)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
