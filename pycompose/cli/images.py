"""``build``, ``pull``, ``push`` and ``images``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer

from pycompose.cli.common import (
    dry_run_flag,
    load,
    parallel_limit,
    project_name_only,
    renderer,
)
from pycompose.cli.containers import DryRunOpt
from pycompose.cli.output import line_writer


def _selected(project: Any, services: list[str] | None, with_deps: bool) -> list[str]:
    from pycompose.errors import PycomposeError
    from pycompose.plan import selected_services

    for name in services or ():
        if name not in project.services:
            raise PycomposeError(f"no such service: {name}")
    return selected_services(project, services or (), with_deps=with_deps)


def _go_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Rows aligned as Go's tabwriter does for Compose (minimum width 20, padding 3)."""
    widths = [max(20, *(len(r[i]) + 3 for r in [header, *rows]))
              for i in range(len(header) - 1)]
    out = []
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        out.append("".join(cells) + row[-1])
    return "\n".join(out) + "\n"


_GO_ZERO_TIME = "0001-01-01T00:00:00Z"
# Go's time.Duration saturates here, so the zero time is "292 years" ago.
_MAX_GO_DURATION = timedelta(microseconds=(2**63 - 1) // 1000)


def _created(last_tag_time: str, now: datetime) -> str:
    from pycompose.engine.images import parse_time
    from pycompose.images import human_duration

    when = parse_time(last_tag_time)
    delta = _MAX_GO_DURATION if when is None else min(now - when, _MAX_GO_DURATION)
    return f"{human_duration(delta)} ago"


def register(app: typer.Typer) -> None:
    @app.command("build")
    def build(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to build")] = None,
        build_arg: Annotated[list[str] | None, typer.Option(
            "--build-arg", help="Set build-time variables for services")] = None,
        no_cache: Annotated[bool, typer.Option(
            "--no-cache", help="Do not use cache when building the image")] = False,
        pull: Annotated[bool, typer.Option(
            "--pull", help="Always attempt to pull a newer version of the image")] = False,
        push: Annotated[bool, typer.Option("--push", help="Push service images")] = False,
        quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                            help="Suppress the build output")] = False,
        with_dependencies: Annotated[bool, typer.Option(
            "--with-dependencies", help="Also build dependencies (transitively)")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Build or rebuild services."""
        dry_run_flag(ctx, dry_run)
        import os

        from pycompose.api import push_images, run_builds, typed_project
        from pycompose.events import Event
        from pycompose.images import BuildOptions, resolve_build_args

        loaded = load(ctx, services)
        project = typed_project(loaded)
        names = _selected(project, services, with_dependencies)
        environment = {**os.environ, **project.environment}
        options = BuildOptions(no_cache=no_cache, pull=pull, quiet=quiet,
                               args=resolve_build_args(build_arg or (), environment))
        buildable = [n for n in names if project.services[n].has_build]
        with renderer(ctx) as sink:
            if ctx.obj.dry_run:
                for name in buildable:
                    sink(Event(name, "Built", done=True))
                return
            engine = _engine()
            run_builds(project, buildable, engine=engine, sink=sink, options=options,
                       on_line=line_writer(), limit=parallel_limit(ctx))
            if push:
                push_images(project, buildable, engine=engine, sink=sink, quiet=quiet,
                            limit=parallel_limit(ctx))

    @app.command("pull")
    def pull(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to pull")] = None,
        ignore_buildable: Annotated[bool, typer.Option(
            "--ignore-buildable", help="Ignore images that can be built")] = False,
        ignore_pull_failures: Annotated[bool, typer.Option(
            "--ignore-pull-failures", help="Pull what it can and ignores images with pull "
            "failures")] = False,
        include_deps: Annotated[bool, typer.Option(
            "--include-deps", help="Also pull services declared as dependencies")] = False,
        policy: Annotated[str | None, typer.Option(
            "--policy", help='Apply pull policy ("missing"|"always")')] = None,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="Pull without printing progress information")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Pull service images."""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import pull_images, typed_project
        from pycompose.errors import PycomposeError

        if policy is not None and policy not in ("missing", "always"):
            raise PycomposeError(f'invalid --policy option "{policy}"')
        loaded = load(ctx, services)
        project = typed_project(loaded)
        names = _selected(project, services, include_deps)
        with renderer(ctx) as sink:
            pull_images(project, names, engine=_engine(), sink=sink, policy=policy,
                        ignore_failures=ignore_pull_failures,
                        ignore_buildable=ignore_buildable, quiet=quiet,
                        dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))

    @app.command("push")
    def push(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to push")] = None,
        ignore_push_failures: Annotated[bool, typer.Option(
            "--ignore-push-failures", help="Push what it can and ignores images with push "
            "failures")] = False,
        include_deps: Annotated[bool, typer.Option(
            "--include-deps", help="Also push images of services declared as "
            "dependencies")] = False,
        quiet: Annotated[bool, typer.Option(
            "--quiet", "-q", help="Push without printing progress information")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Push service images."""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import push_images, typed_project

        loaded = load(ctx, services)
        project = typed_project(loaded)
        names = _selected(project, services, include_deps)
        with renderer(ctx) as sink:
            push_images(project, names, engine=_engine(), sink=sink,
                        ignore_failures=ignore_push_failures, quiet=quiet,
                        dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))

    @app.command("images")
    def images(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services")] = None,
        fmt: Annotated[str, typer.Option(
            "--format", help="Format the output. Values: [table | json]")] = "table",
        quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                            help="Only display IDs")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """List images used by the created containers."""
        del dry_run  # nothing to change: a listing reads only
        from pycompose.api import project_images
        from pycompose.errors import PycomposeError
        from pycompose.images import human_size
        from pycompose.serialize import to_json

        if fmt not in ("table", "json"):
            raise PycomposeError(f'format value "{fmt}" could not be parsed: expected '
                                 '"table" or "json"')
        rows = project_images(project_name_only(ctx), services or (), engine=_engine())
        if quiet:
            ids = list(dict.fromkeys(r.id.partition(":")[2] or r.id for r in rows))
            sys.stdout.write("".join(f"{i}\n" for i in ids))
            return
        if fmt == "json":
            listed = [{
                "ID": r.id, "ContainerName": r.container, "Repository": r.repository,
                "Tag": r.tag, "Platform": r.platform, "Size": r.size,
                "LastTagTime": r.last_tag_time if r.last_tag_time not in ("", _GO_ZERO_TIME)
                else r.created,
            } for r in rows]
            sys.stdout.write(to_json(listed or None, indent=None) + "\n\n")
            return
        now = datetime.now(UTC)
        table = [[r.container, r.repository or "<none>", r.tag or "<none>", r.platform,
                  (r.id.partition(":")[2] or r.id)[:12], human_size(r.size),
                  _created(r.last_tag_time, now)] for r in rows]
        sys.stdout.write(_go_table(["CONTAINER", "REPOSITORY", "TAG", "PLATFORM", "IMAGE ID",
                                    "SIZE", "CREATED"], table))


def _engine() -> Any:
    from pycompose.engine.client import Engine

    return Engine.from_env()
