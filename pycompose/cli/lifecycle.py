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
        abort_on_container_exit: Annotated[bool, typer.Option(
            "--abort-on-container-exit", help="Stops all containers if any container was "
            "stopped. Incompatible with -d")] = False,
        abort_on_container_failure: Annotated[bool, typer.Option(
            "--abort-on-container-failure", help="Stops all containers if any container "
            "exited with failure. Incompatible with -d")] = False,
        exit_code_from: Annotated[str | None, typer.Option(
            "--exit-code-from", help="Return the exit code of the selected service container. "
            "Implies --abort-on-container-exit")] = None,
        attach: Annotated[list[str] | None, typer.Option(
            "--attach", help="Restrict attaching to the specified services. Incompatible with "
            "--attach-dependencies.")] = None,
        no_attach: Annotated[list[str] | None, typer.Option(
            "--no-attach", help="Do not attach (stream logs) to the specified "
            "services")] = None,
        attach_dependencies: Annotated[bool, typer.Option(
            "--attach-dependencies", help="Automatically attach to log output of dependent "
            "services")] = False,
        no_color: Annotated[bool, typer.Option("--no-color",
                                               help="Produce monochrome output")] = False,
        no_log_prefix: Annotated[bool, typer.Option(
            "--no-log-prefix", help="Don't print prefix in logs")] = False,
        timestamps: Annotated[bool, typer.Option("--timestamps",
                                                 help="Show timestamps")] = False,
        menu: Annotated[bool, typer.Option(
            "--menu", help="Enable interactive shortcuts when running attached (not "
            "available: pycompose never shows the menu)")] = False,
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
        if detach and (abort_on_container_exit or abort_on_container_failure
                       or exit_code_from or attach or attach_dependencies):
            raise PycomposeError(
                "--detach cannot be combined with --abort-on-container-exit, "
                "--abort-on-container-failure, --attach, --attach-dependencies or --watch")
        if abort_on_container_exit and abort_on_container_failure:
            raise PycomposeError(
                "--abort-on-container-failure cannot be combined with --abort-on-container-exit")
        if attach and attach_dependencies:
            raise PycomposeError("cannot combine --attach and --attach-dependencies")
        del menu
        if not detach and not wait:
            import sys

            from pycompose.cli.attached import AttachOptions, run_attached_up

            code = run_attached_up(
                ctx, project, options,
                AttachOptions(
                    abort_on_exit=abort_on_container_exit,
                    abort_on_failure=abort_on_container_failure,
                    exit_code_from=exit_code_from, attach=tuple(attach or ()),
                    no_attach=tuple(no_attach or ()),
                    attach_dependencies=attach_dependencies, no_log_prefix=no_log_prefix,
                    timestamps=timestamps, no_color=no_color,
                ),
                up_kwargs={"dry_run": ctx.obj.dry_run, "wait_timeout": wait_timeout,
                           "limit": parallel_limit(ctx), "build": build, "no_build": no_build,
                           "pull": None if pull == "policy" else pull,
                           "quiet_pull": quiet_pull, "on_build_line": line_writer()},
            )
            if code:
                sys.exit(code)
            return
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
