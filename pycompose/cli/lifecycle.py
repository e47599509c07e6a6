"""``up`` and ``down``."""

from __future__ import annotations

from typing import Annotated

import typer

from pycompose.cli.common import load, parallel_limit, renderer


def _parse_scale(values: list[str] | None) -> dict[str, int]:
    from pycompose.errors import PycomposeError

    scale: dict[str, int] = {}
    for item in values or []:
        name, sep, count = item.partition("=")
        if not sep or not count.isdigit():
            raise PycomposeError(f"invalid --scale value {item!r}: expected SERVICE=NUM")
        scale[name] = int(count)
    return scale


def register(app: typer.Typer) -> None:
    @app.command("up")
    def up(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to start")] = None,
        detach: Annotated[bool, typer.Option("--detach", "-d",
                                             help="Detached mode: Run containers in the "
                                             "background")] = False,
        force_recreate: Annotated[bool, typer.Option(
            "--force-recreate", help="Recreate containers even if their configuration and "
            "image haven't changed")] = False,
        no_recreate: Annotated[bool, typer.Option(
            "--no-recreate", help="If containers already exist, don't recreate them")] = False,
        no_deps: Annotated[bool, typer.Option("--no-deps",
                                              help="Don't start linked services")] = False,
        no_start: Annotated[bool, typer.Option(
            "--no-start", help="Don't start the services after creating them")] = False,
        remove_orphans: Annotated[bool, typer.Option(
            "--remove-orphans", help="Remove containers for services not defined in the "
            "Compose file")] = False,
        scale: Annotated[list[str] | None, typer.Option(
            "--scale", help="Scale SERVICE to NUM instances. Overrides the `scale` setting "
            "in the Compose file if present.")] = None,
        wait: Annotated[bool, typer.Option(
            "--wait", help="Wait for services to be running|healthy. Implies detached "
            "mode.")] = False,
        wait_timeout: Annotated[int | None, typer.Option(
            "--wait-timeout", help="Maximum duration in seconds to wait for the project to be "
            "running|healthy")] = None,
        timeout: Annotated[int | None, typer.Option(
            "--timeout", "-t", help="Use this timeout in seconds for container shutdown when "
            "attached or when containers are already running")] = None,
        always_recreate_deps: Annotated[bool, typer.Option(
            "--always-recreate-deps", help="Recreate dependent containers. Incompatible with "
            "--no-recreate.")] = False,
        build: Annotated[bool, typer.Option("--build", help="Build images before starting "
                                            "containers")] = False,
        no_build: Annotated[bool, typer.Option("--no-build", help="Don't build an image, even "
                                               "if it's policy")] = False,
        pull: Annotated[str, typer.Option("--pull", help='Pull image before running '
                                          '("always"|"missing"|"never")')] = "policy",
        quiet_pull: Annotated[bool, typer.Option("--quiet-pull", help="Pull without printing "
                                                 "progress information")] = False,
        yes: Annotated[bool, typer.Option("--yes", "-y", help='Assume "yes" as answer to all '
                                          "prompts and run non-interactively")] = False,
    ) -> None:
        """Create and start containers."""
        from pycompose.api import typed_project
        from pycompose.api import up as api_up
        from pycompose.cli.images import line_writer
        from pycompose.errors import PycomposeError
        from pycompose.plan import UpOptions

        if force_recreate and no_recreate:
            raise PycomposeError("--force-recreate and --no-recreate are incompatible")
        del yes
        if build and no_build:
            raise PycomposeError("--build and --no-build are incompatible")
        if pull not in ("policy", "always", "missing", "never", "build"):
            raise PycomposeError(f'invalid --pull option "{pull}"')
        loaded = load(ctx, services)
        project = typed_project(loaded)
        options = UpOptions(
            services=tuple(services or ()), no_deps=no_deps, force_recreate=force_recreate,
            no_recreate=no_recreate, no_start=no_start, remove_orphans=remove_orphans,
            scale=_parse_scale(scale), wait=wait, timeout=timeout,
            always_recreate_deps=always_recreate_deps,
        )
        if not detach and not wait:
            raise PycomposeError(
                "attached mode is not available yet: run `pycompose up -d` (then `pycompose "
                "logs -f`)"
            )
        with renderer(ctx) as sink:
            api_up(project, options, sink=sink, dry_run=ctx.obj.dry_run,
                   wait_timeout=wait_timeout, limit=parallel_limit(ctx), build=build,
                   no_build=no_build, pull=None if pull == "policy" else pull,
                   quiet_pull=quiet_pull, on_build_line=line_writer())

    @app.command("down")
    def down(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to stop")] = None,
        volumes: Annotated[bool, typer.Option(
            "--volumes", "-v", help="Remove named volumes declared in the \"volumes\" section "
            "of the Compose file and anonymous volumes attached to containers")] = False,
        remove_orphans: Annotated[bool, typer.Option(
            "--remove-orphans", help="Remove containers for services not defined in the "
            "Compose file")] = False,
        timeout: Annotated[int | None, typer.Option(
            "--timeout", "-t", help="Specify a shutdown timeout in seconds")] = None,
        rmi: Annotated[str | None, typer.Option(
            "--rmi", help='Remove images used by services. "local" remove only images that '
            'don\'t have a custom tag ("local"|"all")')] = None,
    ) -> None:
        """Stop and remove containers, networks."""
        from pycompose.api import down as api_down
        from pycompose.api import typed_project
        from pycompose.errors import ProjectError, PycomposeError
        from pycompose.plan import DownOptions

        if rmi is not None and rmi not in ("local", "all"):
            raise PycomposeError(f'invalid value for --rmi: "{rmi}": expected "local" or "all"')
        try:
            loaded = load(ctx)
            project = typed_project(loaded)
            name = loaded.name
        except ProjectError:
            if not ctx.obj.project_name:
                raise
            project, name = None, ctx.obj.project_name
        options = DownOptions(remove_orphans=remove_orphans, volumes=volumes, timeout=timeout,
                              services=tuple(services or ()))
        with renderer(ctx) as sink:
            api_down(project, name, options, sink=sink, dry_run=ctx.obj.dry_run,
                     limit=parallel_limit(ctx), rmi=rmi)
