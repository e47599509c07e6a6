"""One-off work in a service's environment: ``run``, ``exec``, ``cp``, ``export``, ``stats``,
``scale``."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pycompose.cli.common import (
    dry_run_flag,
    load,
    parallel_limit,
    project_name_only,
    renderer,
)
from pycompose.cli.containers import DryRunOpt

if TYPE_CHECKING:
    from pycompose.engine.client import Engine


def service_container(engine: Engine, project: str, service: str, index: int | None, *,
                      running: bool = True) -> dict[str, Any]:
    """The container of ``service`` that ``exec``/``attach``/``export`` act on: number
    ``index``, else the lowest number; service containers before one-off ones."""
    from pycompose.engine import labels as L
    from pycompose.errors import PycomposeError

    found = engine.containers(project, all=not running, extra=[f"{L.SERVICE}={service}"])

    def number(raw: dict[str, Any]) -> int:
        text = (raw.get("Labels") or {}).get(L.CONTAINER_NUMBER, "")
        return int(text) if text.isdigit() else 0

    if index:
        found = [c for c in found if number(c) == index
                 and (c.get("Labels") or {}).get(L.ONEOFF) != "True"]
        if not found:
            raise PycomposeError(f'service "{service}" is not running container #{index}')
    if not found:
        raise PycomposeError(f'service "{service}" is not running')
    return sorted(found, key=lambda c: ((c.get("Labels") or {}).get(L.ONEOFF) == "True",
                                        number(c)))[0]


def environment(entries: list[str], files: list[str]) -> dict[str, str]:
    """``-e``/``--env-from-file`` as Compose resolves them: ``KEY`` alone takes the local
    value (and is dropped when unset); files first, ``-e`` wins."""
    from pycompose.loader.dotenv import read_dotenv

    values: dict[str, str] = {}
    for path in files:
        values.update(read_dotenv(path, os.environ.get))
    for entry in entries:
        key, sep, value = entry.partition("=")
        if sep:
            values[key] = value
        elif key in os.environ:
            values[key] = os.environ[key]
    return values


def labels(entries: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries:
        key, _, value = entry.partition("=")
        out[key] = value
    return out


# -- run -----------------------------------------------------------------------------------


@contextmanager
def lazy_renderer(ctx: typer.Context) -> Iterator[Any]:
    """A progress renderer that appears with the first event: ``run`` with nothing to
    prepare prints nothing before the container's own output, as Compose's."""
    with ExitStack() as stack:
        opened: list[Any] = []

        def sink(event: Any) -> None:
            if not opened:
                opened.append(stack.enter_context(renderer(ctx)))
            opened[0](event)

        yield sink


_DRY_RUN = {"create_network": "Created", "create_volume": "Created",
            "create_container": "Created", "start": "Started"}


def prepare_run(project: Any, service: str, *, engine: Engine, sink: Any, no_deps: bool,
                remove_orphans: bool, build: bool, pull: str | None, quiet_pull: bool,
                limit: int | None, dry_run: bool = False, ignore_orphans: bool = False
                ) -> tuple[Any, Any]:
    """What ``run`` does before creating its container: images, networks, volumes, and the
    dependencies started (with their conditions waited for), through ``up``'s planner with
    the service's own containers left out. Returns (project, executor state). With
    ``dry_run`` the steps are only reported; with ``ignore_orphans`` orphans are neither
    reported nor removed."""
    import anyio

    from pycompose.api import ensure_images
    from pycompose.engine.convert import expected_hashes
    from pycompose.engine.observe import observe
    from pycompose.events import Event
    from pycompose.execute import Executor
    from pycompose.plan import Plan, UpOptions, plan_up, selected_services

    names = selected_services(project, [service], with_deps=not no_deps)
    if not dry_run:
        project = ensure_images(project, names, engine=engine, sink=sink, build=build,
                                pull=pull, quiet_pull=quiet_pull, limit=limit)
    images = tuple(s.image for s in project.services.values())
    observed = observe(engine, project.name, images)
    options = UpOptions(services=(service,), no_deps=no_deps, remove_orphans=remove_orphans,
                        ignore_orphans=ignore_orphans)
    plan = plan_up(project, observed, options, expected_hashes(project, observed))
    own = {c.id for c in observed.service_containers(service)}
    kept = Plan(warnings=list(plan.warnings))
    for op in plan.ops.values():
        if (op.args.get("service") == service or op.args.get("id") in own
                or op.args.get("replaces") in own or op.id == f"service:{service}:ready"):
            continue
        kept.ops[op.id] = op
    for warning in kept.warnings:
        sink(Event(resource="", status="Warning", text=warning))
    executor = Executor(engine, project, observed, sink, limit=limit)
    if dry_run:
        for op in kept.ordered():
            if op.kind in _DRY_RUN:
                sink(Event(op.resource, _DRY_RUN[op.kind], done=True))
    elif kept.ops:
        anyio.run(executor.run, kept)
    return project, executor.state


def run_command(ctx: typer.Context, service: str, command: list[str], *, opts: dict[str, Any]
                ) -> int:
    from pycompose.api import typed_project
    from pycompose.cli.options import compose_bool
    from pycompose.cli.terminal import Session, stdin_is_tty
    from pycompose.engine import streams
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError
    from pycompose.loader.syntax import split_command
    from pycompose.oneoff import RunOptions, new_slug, oneoff_name, run_request

    loaded = load(ctx, [service])
    project = typed_project(loaded)
    if service not in project.services:
        raise PycomposeError(f"no such service: {service}")
    if opts["service_ports"] and opts["publish"]:
        raise PycomposeError("--service-ports and --publish are incompatible")
    detach = bool(opts["detach"])
    tty = not opts["no_tty"] and stdin_is_tty() and not detach
    interactive = bool(opts["interactive"])
    entrypoint = opts["entrypoint"]
    options = RunOptions(
        command=tuple(command) if command else None,
        entrypoint=tuple(split_command(entrypoint)) if entrypoint is not None else None,
        name=opts["name"], detach=detach, remove=bool(opts["rm"]),
        environment=environment(opts["env"] or [], opts["env_from_file"] or []),
        labels=labels(opts["label"] or []), volumes=tuple(opts["volume"] or ()),
        publish=tuple(opts["publish"] or ()), service_ports=bool(opts["service_ports"]),
        use_aliases=bool(opts["use_aliases"]), workdir=opts["workdir"], user=opts["user"],
        tty=tty, interactive=interactive, cap_add=tuple(opts["cap_add"] or ()),
        cap_drop=tuple(opts["cap_drop"] or ()),
    )
    engine = Engine.from_env()
    pull = opts["pull"]
    with lazy_renderer(ctx) as sink:
        project, state = prepare_run(
            project, service, engine=engine, sink=sink, no_deps=bool(opts["no_deps"]),
            remove_orphans=bool(opts["remove_orphans"]), build=bool(opts["build"]),
            pull=None if pull == "policy" else pull, quiet_pull=bool(opts["quiet_pull"]),
            limit=parallel_limit(ctx), dry_run=ctx.obj.dry_run,
            ignore_orphans=compose_bool(ctx.obj.variable("COMPOSE_IGNORE_ORPHANS")))
    svc = project.services[service]
    if ctx.obj.dry_run:
        # As Compose: the preparation is shown, then only a detached run goes on, printing
        # the name its container would get (-q or not).
        if not detach:
            raise PycomposeError("interactive run is not supported in dry-run mode")
        sys.stdout.write(f"{options.name or oneoff_name(project, svc, new_slug())}\n")
        return 0
    image_id = engine.image_id(svc.image)
    if image_id is None:
        raise PycomposeError(f"No such image: {svc.image}")
    request = run_request(project, svc, options, image_id=image_id, slug=new_slug(),
                          refs=state.first_ids(), names=state.names_by_service(),
                          api_version=engine.api_version)
    cid = engine.create_container(request.name, request.payload, request.platform)
    for network, endpoint in request.connect:
        engine.connect_network(network, cid, endpoint)
    if detach:
        _start_or_clean(engine, cid, options.remove)
        # Compose prints the id even with -q: scripts read it from stdout.
        sys.stdout.write(f"{cid}\n")
        return 0
    waiter = streams.wait(engine, cid, "removed" if options.remove else "next-exit")
    try:
        stream = streams.attach(engine, cid, stdin=interactive)
        _start_or_clean(engine, cid, options.remove)
    except BaseException:
        waiter.close()
        raise

    def kill(signal_name: str) -> None:
        forward_signal(engine, cid, signal_name)

    session = Session(
        stream, tty=tty, stdin=interactive,
        resize=(lambda h, w: streams.resize(engine, cid, h, w)) if tty else None,
        forward_signal=kill, force=lambda: kill("KILL"))
    session.run()
    return streams.wait_result(waiter)


def forward_signal(engine: Engine, cid: str, signal_name: str, tries: int = 3) -> None:
    """Send ``signal_name`` to the container (Ctrl-C or SIGTERM reaching pycompose). A
    container already gone needs none; a failed call is tried again, then reported: a signal
    lost silently would leave the user waiting for a container that never heard it."""
    import time

    from pycompose.engine.client import Conflict, NotFound
    from pycompose.errors import PycomposeError

    for attempt in range(tries):
        try:
            engine.kill(cid, signal_name)
            return
        except (NotFound, Conflict):
            # Gone, or no longer running (the engine's 409): nothing left to signal.
            return
        except PycomposeError as exc:
            if attempt + 1 == tries:
                sys.stderr.write(f"could not send SIG{signal_name} to the container: {exc}\n")
                return
            time.sleep(0.5)


def _start_or_clean(engine: Engine, cid: str, remove: bool) -> None:
    """Start the one-off container; one that cannot start is not left behind with ``--rm``."""
    from pycompose.engine.client import NotFound
    from pycompose.errors import PycomposeError

    try:
        engine.start(cid)
    except PycomposeError:
        if remove:
            with contextlib.suppress(NotFound, PycomposeError):
                engine.remove_container(cid, force=True)
        raise


# -- exec ----------------------------------------------------------------------------------


def exec_command(ctx: typer.Context, service: str, command: list[str], *, detach: bool,
                 no_tty: bool, env: list[str], workdir: str | None, user: str | None,
                 index: int | None, privileged: bool) -> int:
    from pycompose.cli.terminal import Session, stdin_is_tty
    from pycompose.engine import streams
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError

    name = project_name_only(ctx)
    engine = Engine.from_env()
    raw = service_container(engine, name, service, index)
    cid = str(raw["Id"])
    if ctx.obj.dry_run:
        if not detach:
            raise PycomposeError("interactive exec is not supported in dry-run mode")
        from pycompose.cli.goformat import go_quote

        words = " ".join(go_quote(word) for word in command)
        sys.stdout.write(f" DRY-RUN MODE - Executing command [{words}] in {cid} "
                         "(detached mode)\n")
        return 0
    tty = not no_tty and stdin_is_tty() and not detach
    exec_id = streams.exec_create(
        engine, cid, list(command), tty=tty, stdin=not detach,
        env=[f"{k}={v}" for k, v in environment(env, []).items()] or None,
        workdir=workdir, user=user, privileged=privileged)
    if detach:
        streams.exec_start(engine, exec_id, tty=tty, detach=True).close()
        return 0
    stream = streams.exec_start(engine, exec_id, tty=tty)
    session = Session(stream, tty=tty, stdin=True,
                      resize=(lambda h, w: streams.exec_resize(engine, exec_id, h, w))
                      if tty else None)
    session.run()
    code = streams.exec_inspect(engine, exec_id).get("ExitCode")
    return int(code) if code is not None else 0


# -- cp ------------------------------------------------------------------------------------


def _split_cp_arg(arg: str) -> tuple[str | None, str]:
    """``service:path`` or a local path (absolute, ``.``-relative or without a colon), as the
    docker CLI splits ``cp`` arguments."""
    if arg.startswith((os.sep, ".")) or ":" not in arg:
        return None, arg
    service, _, path = arg.partition(":")
    return service, path


def cp_command(ctx: typer.Context, source: str, destination: str, *, archive: bool,
               follow_link: bool, index: int | None, all_containers: bool) -> None:
    from pycompose.cli import copy
    from pycompose.engine import labels as L
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError
    from pycompose.events import Event

    src_service, src_path = _split_cp_arg(source)
    dst_service, dst_path = _split_cp_arg(destination)
    if src_service and dst_service:
        raise PycomposeError("copying between services is not supported")
    if not src_service and not dst_service:
        raise PycomposeError("unknown copy direction")
    service = str(src_service or dst_service)
    name = project_name_only(ctx)
    engine = Engine.from_env()
    if index:
        targets = [service_container(engine, name, service, index)]
    else:
        oneoff = [f"{L.ONEOFF}=False"] if not all_containers else []
        targets = engine.containers(name, all=True, extra=[f"{L.SERVICE}={service}", *oneoff])
        if not targets:
            raise PycomposeError(f'no container found for service "{service}"')
        if src_service:
            targets = targets[:1]
    with renderer(ctx) as sink:
        for raw in targets:
            cid = str(raw["Id"])
            cname = str((raw.get("Names") or [cid])[0]).lstrip("/")
            if src_service:
                resource = f"{cname} copy {cname}:{src_path} to {dst_path}"
            else:
                resource = f"{cname} copy {src_path} to {cname}:{dst_path}"
            sink(Event(resource, "Copying"))
            if ctx.obj.dry_run:
                sink(Event(resource, "Copied", done=True))
                continue
            if src_service:
                copy.from_container(engine, cid, src_path, dst_path, archive=archive,
                                    follow_link=follow_link)
            else:
                copy.to_container(engine, cid, src_path, dst_path, archive=archive,
                                  follow_link=follow_link)
            sink(Event(resource, "Copied", done=True))


# -- export, stats, scale ------------------------------------------------------------------


def export_command(ctx: typer.Context, service: str, *, output: str | None,
                   index: int | None) -> None:
    from pycompose.engine import streams
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError
    from pycompose.events import Event

    name = project_name_only(ctx)
    engine = Engine.from_env()
    raw = service_container(engine, name, service, index)
    cid = str(raw["Id"])
    cname = str((raw.get("Names") or [cid])[0]).lstrip("/")
    if output is None and sys.stdout.isatty():
        raise PycomposeError("output option is required when exporting to terminal")
    resource = f"{cname} export {cname} to {output or ''}"
    with renderer(ctx) as sink:
        sink(Event(resource, "Exporting"))
        if ctx.obj.dry_run:
            return
        with streams.export(engine, cid) as stream:
            if output is None:
                out = sys.stdout.buffer
                for data in stream.chunks():
                    out.write(data)
                out.flush()
            else:
                partial = f"{output}.part-{os.getpid()}"
                try:
                    with open(partial, "wb") as handle:
                        for data in stream.chunks():
                            handle.write(data)
                    os.chmod(partial, 0o600)
                    os.replace(partial, output)
                finally:
                    if os.path.exists(partial):
                        os.unlink(partial)
        sink(Event(resource, "Exported", done=True))


_STATS_TABLE = ("table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t"
                "{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}")
_STATS_HEADERS = {"ID": "CONTAINER ID", "Name": "NAME", "Container": "CONTAINER",
                  "CPUPerc": "CPU %", "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %",
                  "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS"}


def stats_command(ctx: typer.Context, service: str | None, *, all: bool, fmt: str | None,
                  no_stream: bool, no_trunc: bool) -> None:
    import time
    from concurrent.futures import ThreadPoolExecutor

    from pycompose.cli.goformat import tabwriter
    from pycompose.cli.listing import Template
    from pycompose.engine import labels as L
    from pycompose.engine import streams
    from pycompose.engine.client import Engine, NotFound
    from pycompose.errors import EngineError
    from pycompose.stats import stats_fields

    name = project_name_only(ctx)
    engine = Engine.from_env()
    fmt = fmt or "table"
    if fmt == "table":
        fmt = _STATS_TABLE
    table = fmt.startswith("table")
    source = "{{json .}}" if fmt == "json" else (fmt[len("table"):] if table else fmt)
    template = Template(source.strip(" ").replace("\\t", "\t").replace("\\n", "\n"))
    extra = [f"{L.SERVICE}={service}"] if service else []

    def sample(raw: dict[str, Any]) -> dict[str, str]:
        cid = str(raw["Id"])
        cname = str((raw.get("Names") or [cid])[0]).lstrip("/")
        data: dict[str, Any] = {}
        if raw.get("State") == "running":
            try:
                data = next(streams.stats(engine, cid, stream=False), {})
            except (NotFound, EngineError):
                data = {}
        return stats_fields(cid, cname, data, no_trunc=no_trunc)

    while True:
        containers = engine.containers(name, all=all, extra=extra)
        if containers:
            with ThreadPoolExecutor(max_workers=min(16, len(containers))) as pool:
                rows = list(pool.map(sample, containers))
        else:
            rows = []
        lines = "".join(template.render(row, {}) + "\n" for row in rows)
        if table:
            header = template.render(_STATS_HEADERS, {})
            lines = tabwriter(header + "\n" + lines, minwidth=10, padding=3)
        if not no_stream and sys.stdout.isatty():
            sys.stdout.write("\x1b[2J\x1b[H")
        sys.stdout.write(lines)
        sys.stdout.flush()
        if no_stream:
            return
        time.sleep(0.5)


def parse_scale(items: list[str], known: Mapping[str, Any]) -> dict[str, int]:
    from pycompose.errors import PycomposeError

    scale: dict[str, int] = {}
    for item in items:
        service, sep, count = item.partition("=")
        if not sep or not count.isdigit():
            raise PycomposeError(f"invalid scale specifier: {item}")
        if service not in known:
            raise PycomposeError(f"no such service: {service}")
        scale[service] = int(count)
    return scale


def scale_command(ctx: typer.Context, items: list[str], *, no_deps: bool) -> None:
    from pycompose.api import typed_project
    from pycompose.api import up as api_up
    from pycompose.plan import UpOptions

    loaded = load(ctx)
    project = typed_project(loaded)
    scale = parse_scale(items, project.services)
    options = UpOptions(services=tuple(scale), no_deps=no_deps, scale=scale)
    with renderer(ctx) as sink:
        api_up(project, options, sink=sink, dry_run=ctx.obj.dry_run, limit=parallel_limit(ctx))


# -- registration --------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    passthrough = {"allow_interspersed_args": False}

    @app.command("run", context_settings=passthrough)
    def run(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service")],
        command: Annotated[list[str] | None, typer.Argument(help="Command and arguments")]
        = None,
        build: Annotated[bool, typer.Option("--build", help="Build image before starting "
                                            "container")] = False,
        cap_add: Annotated[list[str] | None, typer.Option("--cap-add",
                                                          help="Add Linux capabilities")] = None,
        cap_drop: Annotated[list[str] | None, typer.Option(
            "--cap-drop", help="Drop Linux capabilities")] = None,
        detach: Annotated[bool, typer.Option(
            "--detach", "-d", help="Run container in background and print container "
            "ID")] = False,
        entrypoint: Annotated[str | None, typer.Option(
            "--entrypoint", help="Override the entrypoint of the image")] = None,
        env: Annotated[list[str] | None, typer.Option("--env", "-e",
                                                      help="Set environment variables")] = None,
        env_from_file: Annotated[list[str] | None, typer.Option(
            "--env-from-file", help="Set environment variables from file")] = None,
        interactive: Annotated[bool, typer.Option(
            "--interactive", "-i", help="Keep STDIN open even if not attached")] = True,
        label: Annotated[list[str] | None, typer.Option("--label", "-l",
                                                        help="Add or override a label")] = None,
        name: Annotated[str | None, typer.Option("--name",
                                                 help="Assign a name to the container")] = None,
        no_tty: Annotated[bool, typer.Option(
            "--no-TTY", "-T", help="Disable pseudo-TTY allocation (default: "
            "auto-detected)")] = False,
        no_deps: Annotated[bool, typer.Option("--no-deps",
                                              help="Don't start linked services")] = False,
        publish: Annotated[list[str] | None, typer.Option(
            "--publish", "-p", help="Publish a container's port(s) to the host")] = None,
        pull: Annotated[str, typer.Option("--pull", help='Pull image before running '
                                          '("always"|"missing"|"never")')] = "policy",
        quiet: Annotated[bool, typer.Option("--quiet", "-q",
                                            help="Don't print anything to STDOUT")] = False,
        quiet_pull: Annotated[bool, typer.Option(
            "--quiet-pull", help="Pull without printing progress information")] = False,
        remove_orphans: Annotated[bool, typer.Option(
            "--remove-orphans", help="Remove containers for services not defined in the "
            "Compose file")] = False,
        rm: Annotated[bool, typer.Option(
            "--rm", help="Automatically remove the container when it exits")] = False,
        service_ports: Annotated[bool, typer.Option(
            "--service-ports", "-P", help="Run command with all service's ports enabled and "
            "mapped to the host")] = False,
        use_aliases: Annotated[bool, typer.Option(
            "--use-aliases", help="Use the service's network useAliases in the network(s) the "
            "container connects to")] = False,
        user: Annotated[str | None, typer.Option("--user", "-u",
                                                 help="Run as specified username or uid")] = None,
        volume: Annotated[list[str] | None, typer.Option("--volume", "-v",
                                                         help="Bind mount a volume")] = None,
        workdir: Annotated[str | None, typer.Option(
            "--workdir", "-w", help="Working directory inside the container")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Run a one-off command on a service."""
        dry_run_flag(ctx, dry_run)
        opts = dict(locals())
        code = run_command(ctx, service, command or [], opts=opts)
        if code:
            sys.exit(code)

    @app.command("exec", context_settings=passthrough)
    def exec_(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service")],
        command: Annotated[list[str], typer.Argument(help="Command and arguments")],
        detach: Annotated[bool, typer.Option(
            "--detach", "-d", help="Detached mode: Run command in the background")] = False,
        env: Annotated[list[str] | None, typer.Option("--env", "-e",
                                                      help="Set environment variables")] = None,
        index: Annotated[int | None, typer.Option(
            "--index", help="Index of the container if service has multiple "
            "replicas")] = None,
        no_tty: Annotated[bool, typer.Option(
            "--no-tty", "-T", help="Disable pseudo-TTY allocation. By default 'docker compose "
            "exec' allocates a TTY.")] = False,
        privileged: Annotated[bool, typer.Option(
            "--privileged", help="Give extended privileges to the process")] = False,
        user: Annotated[str | None, typer.Option("--user", "-u",
                                                 help="Run the command as this user")] = None,
        workdir: Annotated[str | None, typer.Option(
            "--workdir", "-w", help="Path to workdir directory for this command")] = None,
        interactive: Annotated[bool, typer.Option(
            "--interactive", "-i", hidden=True, help="Keep STDIN open")] = True,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Execute a command in a running container."""
        del interactive
        dry_run_flag(ctx, dry_run)
        code = exec_command(ctx, service, command, detach=detach, no_tty=no_tty,
                            env=env or [], workdir=workdir, user=user, index=index,
                            privileged=privileged)
        if code:
            sys.exit(code)

    @app.command("cp")
    def cp(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="SERVICE:SRC_PATH or SRC_PATH|-")],
        destination: Annotated[str, typer.Argument(help="DEST_PATH|- or SERVICE:DEST_PATH")],
        all_containers: Annotated[bool, typer.Option(
            "--all", help="Include containers created by the run command")] = False,
        archive: Annotated[bool, typer.Option(
            "--archive", "-a", help="Archive mode (copy all uid/gid information)")] = False,
        follow_link: Annotated[bool, typer.Option(
            "--follow-link", "-L", help="Always follow symbol link in SRC_PATH")] = False,
        index: Annotated[int | None, typer.Option(
            "--index", help="Index of the container if service has multiple "
            "replicas")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Copy files/folders between a service container and the local filesystem."""
        dry_run_flag(ctx, dry_run)
        cp_command(ctx, source, destination, archive=archive, follow_link=follow_link,
                   index=index, all_containers=all_containers)

    @app.command("export")
    def export(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service")],
        output: Annotated[str | None, typer.Option(
            "--output", "-o", help="Write to a file, instead of STDOUT")] = None,
        index: Annotated[int | None, typer.Option(
            "--index", help="index of the container if service has multiple "
            "replicas.")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Export a service container's filesystem as a tar archive."""
        dry_run_flag(ctx, dry_run)
        export_command(ctx, service, output=output, index=index)

    @app.command("stats")
    def stats(
        ctx: typer.Context,
        service: Annotated[str | None, typer.Argument(help="Service")] = None,
        all: Annotated[bool, typer.Option(
            "--all", "-a", help="Show all containers (default shows just running)")] = False,
        fmt: Annotated[str | None, typer.Option(
            "--format", help="Format output using a custom template: 'table', "
            "'table TEMPLATE', 'json' or 'TEMPLATE'")] = None,
        no_stream: Annotated[bool, typer.Option(
            "--no-stream", help="Disable streaming stats and only pull the first "
            "result")] = False,
        no_trunc: Annotated[bool, typer.Option("--no-trunc",
                                               help="Do not truncate output")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Display a live stream of container(s) resource usage statistics."""
        dry_run_flag(ctx, dry_run)
        stats_command(ctx, service, all=all, fmt=fmt, no_stream=no_stream, no_trunc=no_trunc)

    @app.command("scale")
    def scale(
        ctx: typer.Context,
        items: Annotated[list[str], typer.Argument(help="SERVICE=REPLICAS")],
        no_deps: Annotated[bool, typer.Option("--no-deps",
                                              help="Don't start linked services")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Scale services."""
        dry_run_flag(ctx, dry_run)
        scale_command(ctx, items, no_deps=no_deps)
