"""The work of ``up`` and ``down``, apart from the command-line framework.

:mod:`pycompose.cli.lifecycle` declares the commands to typer and hands its values here;
:mod:`pycompose.cli.fast` parses simple command lines itself and calls these directly, so a
repeated ``up`` does not pay for importing typer. ``ctx`` is anything with typer's context's
``obj`` (the :class:`~pycompose.cli.options.GlobalOptions`).
"""

from __future__ import annotations

from typing import Any

from pycompose.cli.common import dry_run_flag, load, parallel_limit, parse_scale_option, renderer


def _flag_or_variable(ctx: Any, name: str, value: bool, variable: str | None) -> bool:
    """A yes/no flag that Compose defaults from an environment variable: its value when the
    command line gives it (``--remove-orphans``, ``--remove-orphans=false``), else the
    variable's. (The fast path gives such a flag only as True.)"""
    source = getattr(ctx, "get_parameter_source", None)
    if value or (source is not None and getattr(source(name), "name", "") == "COMMANDLINE"):
        return value
    from pycompose.cli.options import compose_bool

    return compose_bool(variable)


def up(
    ctx: Any,
    *,
    services: list[str] | None,
    detach: bool,
    force_recreate: bool,
    no_recreate: bool,
    no_deps: bool,
    no_start: bool,
    remove_orphans: bool,
    scale: list[str] | None,
    wait: bool,
    wait_timeout: int | None,
    timeout: int | None,
    always_recreate_deps: bool,
    build: bool,
    no_build: bool,
    pull: str,
    quiet_pull: bool,
    yes: bool,
    abort_on_container_exit: bool,
    abort_on_container_failure: bool,
    exit_code_from: str | None,
    attach: list[str] | None,
    no_attach: list[str] | None,
    attach_dependencies: bool,
    no_color: bool,
    no_log_prefix: bool,
    timestamps: bool,
    menu: bool,
    dry_run: bool,
) -> None:
    """Create and start containers."""
    dry_run_flag(ctx, dry_run)
    from pycompose.api import typed_project
    from pycompose.api import up as api_up
    from pycompose.cli.options import compose_bool
    from pycompose.cli.output import line_writer
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
    # Both variables may come from .env too, as in Compose.
    remove_orphans = _flag_or_variable(ctx, "remove_orphans", remove_orphans,
                                       ctx.obj.variable("COMPOSE_REMOVE_ORPHANS"))
    ignore_orphans = compose_bool(ctx.obj.variable("COMPOSE_IGNORE_ORPHANS"))
    if ignore_orphans and remove_orphans:
        raise PycomposeError("cannot combine COMPOSE_IGNORE_ORPHANS and --remove-orphans")
    options = UpOptions(
        services=tuple(services or ()), no_deps=no_deps, force_recreate=force_recreate,
        no_recreate=no_recreate, no_start=no_start, remove_orphans=remove_orphans,
        scale=parse_scale_option(scale, project.services), wait=wait, timeout=timeout,
        always_recreate_deps=always_recreate_deps, ignore_orphans=ignore_orphans,
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
    if not detach and not wait and not no_start:
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


def down(
    ctx: Any,
    *,
    services: list[str] | None,
    volumes: bool,
    remove_orphans: bool,
    timeout: int | None,
    rmi: str | None,
    dry_run: bool,
) -> None:
    """Stop and remove containers, networks."""
    dry_run_flag(ctx, dry_run)
    from pycompose.api import down as api_down
    from pycompose.api import typed_project
    from pycompose.errors import ProjectError, PycomposeError
    from pycompose.plan import DownOptions

    if rmi is not None and rmi not in ("local", "all"):
        raise PycomposeError(f'invalid value for --rmi: "{rmi}": expected "local" or "all"')
    import os

    # Compose reads this one from the shell only (not .env) for down.
    remove_orphans = _flag_or_variable(ctx, "remove_orphans", remove_orphans,
                                       os.environ.get("COMPOSE_REMOVE_ORPHANS"))
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
