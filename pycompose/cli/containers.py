"""``create``, ``start``, ``stop``, ``restart``, ``kill``, ``rm``, ``pause`` and ``unpause``.

As in Docker Compose, a command reads the compose file when ``-f`` is given or no ``-p``; then
it acts on the services the file defines. With ``-p NAME`` alone it acts on what the engine has
for that project, services and dependencies read from the containers' labels.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer

from pycompose.cli.common import dry_run_flag, load, parallel_limit, parse_scale_option, renderer

ServicesArg = Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Execute command in dry run mode")]


def project_or_name(ctx: typer.Context, services: list[str] | None = None) -> tuple[Any, str]:
    """(the loaded project, its name), or (None, NAME) for ``-p NAME`` without ``-f``.

    A project that fails to load falls back to ``COMPOSE_PROJECT_NAME`` when it is set.
    """
    from pycompose.api import typed_project
    from pycompose.errors import PycomposeError

    options = ctx.obj
    if options.project_name and not options.files:
        return None, str(options.project_name).lower()
    try:
        loaded = load(ctx, services)
    except PycomposeError:
        fallback = os.environ.get("COMPOSE_PROJECT_NAME")
        if fallback:
            return None, fallback.lower()
        raise
    return typed_project(loaded), str(loaded.name)


def project_name(ctx: typer.Context) -> str:
    """The project name alone: ``-p``, else ``COMPOSE_PROJECT_NAME``, else the loaded file's."""
    options = ctx.obj
    if options.project_name:
        return str(options.project_name).lower()
    env = os.environ.get("COMPOSE_PROJECT_NAME")
    if env:
        return env.lower()
    return str(load(ctx).name)


def _confirm_removal(names: list[str], force: bool) -> bool:
    message = f"Going to remove {', '.join(names)}"
    if force:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
        return True
    if sys.stdin.isatty():
        sys.stdout.write(f"? {message} (y/N) ")
    else:
        sys.stdout.write(message)
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "true", "t", "1")


def register(app: typer.Typer) -> None:
    @app.command("create")
    def create(
        ctx: typer.Context,
        services: ServicesArg = None,
        build: Annotated[bool, typer.Option(
            "--build", help="Build images before starting containers")] = False,
        force_recreate: Annotated[bool, typer.Option(
            "--force-recreate", help="Recreate containers even if their configuration and "
            "image haven't changed")] = False,
        no_build: Annotated[bool, typer.Option(
            "--no-build", help="Don't build an image, even if it's policy")] = False,
        no_recreate: Annotated[bool, typer.Option(
            "--no-recreate", help="If containers already exist, don't recreate them. "
            "Incompatible with --force-recreate.")] = False,
        pull: Annotated[str, typer.Option(
            "--pull", help='Pull image before running ("always"|"missing"|"never"|"build")'
        )] = "policy",
        quiet_pull: Annotated[bool, typer.Option(
            "--quiet-pull", help="Pull without printing progress information")] = False,
        remove_orphans: Annotated[bool, typer.Option(
            "--remove-orphans", help="Remove containers for services not defined in the "
            "Compose file")] = False,
        scale: Annotated[list[str] | None, typer.Option(
            "--scale", help="Scale SERVICE to NUM instances. Overrides the scale setting in "
            "the Compose file if present.")] = None,
        yes: Annotated[bool, typer.Option(
            "--yes", "-y", help='Assume "yes" as answer to all prompts and run '
            "non-interactively")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Creates containers for a service"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import create as api_create
        from pycompose.api import typed_project
        from pycompose.cli.output import line_writer
        from pycompose.errors import PycomposeError
        from pycompose.plan import UpOptions

        del yes
        if pull not in ("policy", "always", "missing", "never", "build"):
            raise PycomposeError(f'invalid --pull option "{pull}"')
        if force_recreate and no_recreate:
            raise PycomposeError("--force-recreate and --no-recreate are incompatible")
        if build and no_build:
            raise PycomposeError("--build and --no-build are incompatible")
        project = typed_project(load(ctx, services))
        options = UpOptions(services=tuple(services or ()), force_recreate=force_recreate,
                            no_recreate=no_recreate, no_start=True,
                            remove_orphans=remove_orphans,
                            scale=parse_scale_option(scale, project.services))
        with renderer(ctx) as sink:
            api_create(project, options, sink=sink, dry_run=ctx.obj.dry_run,
                       limit=parallel_limit(ctx), build=build, no_build=no_build,
                       pull=None if pull == "policy" else pull, quiet_pull=quiet_pull,
                       on_build_line=line_writer())

    @app.command("start")
    def start(ctx: typer.Context, services: ServicesArg = None,
              dry_run: DryRunOpt = False) -> None:
        """Start services"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import start as api_start

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            api_start(project, name, tuple(services or ()), sink=sink,
                      dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))

    @app.command("stop")
    def stop(
        ctx: typer.Context,
        services: ServicesArg = None,
        timeout: Annotated[int | None, typer.Option(
            "--timeout", "-t", help="Specify a shutdown timeout in seconds")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Stop services"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import stop as api_stop

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            api_stop(project, name, tuple(services or ()), timeout=timeout, sink=sink,
                     dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))

    @app.command("restart")
    def restart(
        ctx: typer.Context,
        services: ServicesArg = None,
        no_deps: Annotated[bool, typer.Option(
            "--no-deps", help="Don't restart dependent services")] = False,
        timeout: Annotated[int | None, typer.Option(
            "--timeout", "-t", help="Specify a shutdown timeout in seconds")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Restart service containers"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import restart as api_restart

        # Compose loads the whole project here: the named services are checked by restart.
        project, name = project_or_name(ctx)
        with renderer(ctx) as sink:
            api_restart(project, name, tuple(services or ()), timeout=timeout,
                        no_deps=no_deps, sink=sink, dry_run=ctx.obj.dry_run,
                        limit=parallel_limit(ctx))

    @app.command("kill")
    def kill(
        ctx: typer.Context,
        services: ServicesArg = None,
        remove_orphans: Annotated[bool, typer.Option(
            "--remove-orphans", help="Remove containers for services not defined in the "
            "Compose file")] = False,
        signal: Annotated[str, typer.Option(
            "--signal", "-s", help="SIGNAL to send to the container")] = "SIGKILL",
        dry_run: DryRunOpt = False,
    ) -> None:
        """Force stop service containers"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import kill as api_kill

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            plan = api_kill(project, name, tuple(services or ()), signal=signal,
                            remove_orphans=remove_orphans, sink=sink,
                            dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))
        if not plan.ops:
            sys.stderr.write("no container to kill")

    @app.command("rm")
    def rm(
        ctx: typer.Context,
        services: ServicesArg = None,
        force: Annotated[bool, typer.Option(
            "--force", "-f", help="Don't ask to confirm removal")] = False,
        stop_first: Annotated[bool, typer.Option(
            "--stop", "-s", help="Stop the containers, if required, before removing")] = False,
        volumes: Annotated[bool, typer.Option(
            "--volumes", "-v", help="Remove any anonymous volumes attached to "
            "containers")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Removes stopped service containers

        By default, anonymous volumes attached to containers will not be removed. You can
        override this with -v. To list all volumes, use "docker volume ls".

        Any data which is not in a volume will be lost.
        """
        dry_run_flag(ctx, dry_run)
        from pycompose.api import remove as api_remove

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            plan = api_remove(project, name, tuple(services or ()),
                              confirm=lambda names: _confirm_removal(names, force),
                              force=force, stop_first=stop_first, volumes=volumes, sink=sink,
                              dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))
        if not plan.ops:
            sys.stderr.write("No stopped containers\n")

    @app.command("pause")
    def pause(ctx: typer.Context, services: ServicesArg = None,
              dry_run: DryRunOpt = False) -> None:
        """Pause services"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import pause as api_pause

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            api_pause(project, name, tuple(services or ()), sink=sink,
                      dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))

    @app.command("unpause")
    def unpause(ctx: typer.Context, services: ServicesArg = None,
                dry_run: DryRunOpt = False) -> None:
        """Unpause services"""
        dry_run_flag(ctx, dry_run)
        from pycompose.api import pause as api_pause

        project, name = project_or_name(ctx, services)
        with renderer(ctx) as sink:
            api_pause(project, name, tuple(services or ()), unpause=True, sink=sink,
                      dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))
