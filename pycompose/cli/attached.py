"""Commands that follow running containers: ``logs``, ``attach``, ``wait``, and attached ``up``.

Output of several containers goes through one queue (:mod:`pycompose.engine.multiplex`) and is
written by one loop, formatted by :mod:`pycompose.logs` exactly as Docker Compose v2 prints it.
"""

from __future__ import annotations

import contextlib
import queue
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from pycompose.cli.common import (
    dry_run_flag,
    load,
    parallel_limit,
    project_name_only,
    renderer,
)
from pycompose.cli.containers import DryRunOpt
from pycompose.cli.options import no_color_set, status_on_stdout

if TYPE_CHECKING:
    from pycompose.engine.client import Engine
    from pycompose.engine.multiplex import Follower, Message, Target
    from pycompose.logs import LogFormatter

#: Exit code when pycompose is interrupted (Ctrl-C), as Compose's.
INTERRUPTED = 130


def use_colour(ctx: typer.Context, no_color: bool, stream: IO[Any] | None = None) -> bool:
    """Compose's choice: ``--no-color`` or ``NO_COLOR`` win, then ``--ansi`` (or
    ``COMPOSE_ANSI``), then whether stdout is a TTY."""
    if no_color or no_color_set():
        return False
    ansi = ctx.obj.ansi
    if ansi == "always":
        return True
    if ansi == "auto":
        return bool((stream or sys.stdout).isatty())
    return False


class Output:
    """The one writer of container output: whole messages, flushed as they come."""

    def __init__(self, formatter: LogFormatter, stream: IO[bytes] | None = None) -> None:
        self.formatter = formatter
        self.stream = stream or sys.stdout.buffer
        self.muted = False

    def write(self, data: bytes) -> None:
        if data:
            self.stream.write(data)
            self.stream.flush()

    def text(self, text: str) -> None:
        self.write(text.encode())

    def status(self, name: str, message: str) -> None:
        if not self.muted:
            self.write(self.formatter.status(name, message))


def drain(follower: Follower, output: Output, handle: Callable[[Message], bool],
          timeout: float = 0.2) -> None:
    """Write container output from the follower's queue; every other message goes to
    ``handle``, which returns True when it is time to stop (it also gets a tick at least every
    ``timeout`` seconds, even while output keeps coming). Lines waiting in the queue are
    written together, each line whole."""
    from pycompose.engine.multiplex import LINES

    formatter = output.formatter
    queue_ = follower.queue
    next_tick = time.monotonic() + timeout
    while True:
        try:
            message = queue_.get(timeout=timeout)
        except queue.Empty:
            next_tick = time.monotonic() + timeout
            if handle(_TICK):
                return
            continue
        batch: list[bytes] = []
        size = 0
        while True:
            if message.kind == LINES:
                if not output.muted and message.target is not None and message.lines:
                    data = formatter.lines(message.target.name, message.lines)
                    batch.append(data)
                    size += len(data)
                    if size >= 1 << 18:
                        output.write(b"".join(batch))
                        batch, size = [], 0
                        if time.monotonic() >= next_tick:
                            next_tick = time.monotonic() + timeout
                            if handle(_TICK):
                                return
            else:
                if batch:
                    output.write(b"".join(batch))
                    batch, size = [], 0
                if handle(message):
                    return
            try:
                message = queue_.get_nowait()
            except queue.Empty:
                break
        if batch:
            output.write(b"".join(batch))
        if time.monotonic() >= next_tick:
            next_tick = time.monotonic() + timeout
            if handle(_TICK):
                return


class _Tick:
    kind = "tick"
    target = None
    lines = None
    event = None
    error = ""


_TICK: Any = _Tick()


# -- which containers ----------------------------------------------------------------------


def project_containers(engine: Engine, project: str, services: Iterable[str] = (), *,
                       all: bool = True, oneoff: bool = False) -> list[dict[str, Any]]:
    """The project's containers (Compose's: project label, one-off or not), of ``services``
    when given."""
    from pycompose.engine import labels as L

    wanted = set(services)
    found = engine.containers(project, all=all,
                              extra=[f"{L.ONEOFF}={'True' if oneoff else 'False'}"])
    return [c for c in found
            if not wanted or (c.get("Labels") or {}).get(L.SERVICE) in wanted]


def targets_of(engine: Engine, project: str, containers: list[dict[str, Any]]) -> list[Target]:
    """Targets for listed containers; whether each has a TTY comes from an inspect, done in
    parallel."""
    from concurrent.futures import ThreadPoolExecutor

    from pycompose.engine.multiplex import target_from_summary

    def one(raw: dict[str, Any]) -> Target:
        info = engine.inspect_container(str(raw["Id"]))
        tty = bool((info.get("Config") or {}).get("Tty"))
        return target_from_summary(project, raw, tty)

    if not containers:
        return []
    with ThreadPoolExecutor(max_workers=min(16, len(containers))) as pool:
        return list(pool.map(one, containers))


def check_services(ctx: typer.Context, services: list[str]) -> str:
    """The project name; named services must exist when a compose file is there."""
    from pycompose.errors import ProjectError, PycomposeError

    if not services:
        return project_name_only(ctx)
    try:
        loaded = load(ctx)
    except ProjectError:
        if ctx.obj.project_name:
            return str(ctx.obj.project_name)
        raise
    defined = set(loaded.defined_services) | set(loaded.tree.get("services") or ())
    for name in services:
        if name not in defined:
            raise PycomposeError(f"no such service: {name}")
    return str(loaded.name)


# -- following containers ------------------------------------------------------------------


def event_since(event: dict[str, Any]) -> str | None:
    """The time of an engine event as a ``since`` for the logs API (so the output of that very
    run of a restarting container is shown, however late it is asked for)."""
    nanos = event.get("timeNano")
    if isinstance(nanos, int) and nanos > 0:
        return f"{nanos // 1_000_000_000}.{nanos % 1_000_000_000:09d}"
    seconds = event.get("time")
    return str(seconds) if seconds else None


@dataclass
class _Exit:
    name: str
    service: str
    code: int
    restarting: bool
    at: str | None
    noticed: float


class Tracker:
    """Container lifecycle events while following output (``logs -f``, attached ``up``).

    Each output stream is one run of a container. A container that starts and is not being
    followed for this run (a restart, a new replica) gets a stream from the end of its previous
    run; an exit is reported (``exited with code N``, `` (restarting)`` when the engine restarts
    it) once the stream of that run has ended, so the status comes after the run's last line.
    ``alive`` holds the containers the command still waits for.
    """

    def __init__(self, engine: Engine, project: str, follower: Follower, output: Output, *,
                 follow: Callable[[str], bool], report: Callable[[str], bool],
                 on_exit: Callable[[str, int], None] | None = None,
                 timestamps: bool = False) -> None:
        self.engine = engine
        self.project = project
        self.follower = follower
        self.output = output
        self.follow = follow
        self.report = report
        self.on_exit = on_exit
        self.timestamps = timestamps
        self.alive: set[str] = set()
        self._runs = 0
        self._current: dict[str, Target] = {}   # container id -> stream of its current run
        self._open: set[Target] = set()
        self._since: dict[Target, str] = {}    # restart streams: where their run began
        self._waiting: dict[Target, _Exit] = {}  # exits reported when the stream ends
        self._last_exit: dict[str, str] = {}

    @property
    def done(self) -> bool:
        return not self.alive and not self._waiting

    def opened(self, target: Target) -> None:
        """``target``'s stream (opened by the caller) is the container's current run."""
        self._current[target.id] = target
        self._open.add(target)

    def handle(self, message: Message) -> None:
        from pycompose.engine.multiplex import END, EVENT

        if message.kind == END and message.target is not None:
            self._ended(message.target, message.count)
        elif message.kind == EVENT and message.event is not None:
            self._event(message.event)
        now = time.monotonic()
        for target, exit_ in list(self._waiting.items()):
            # A stream that does not end soon after the exit must not hold the status back.
            if now - exit_.noticed > 1.0:
                del self._waiting[target]
                self._exited(exit_)

    def _ended(self, target: Target, count: int) -> None:
        self._open.discard(target)
        exit_ = self._waiting.pop(target, None)
        since = self._since.pop(target, None)
        if exit_ is None:
            return
        if since is not None and not count:
            # The engine's follow mode can miss all the output of a run that ends at once (a
            # quick restart): read that run again, bounded by its exit, then report the exit.
            again = self._new_target(target)
            self._open.add(again)
            exit_.noticed = time.monotonic()
            self._waiting[again] = exit_
            self.follower.logs(again, since=since, until=exit_.at, timestamps=self.timestamps)
            return
        self._exited(exit_)

    def _new_target(self, like: Target) -> Target:
        from pycompose.engine.multiplex import Target as T

        self._runs += 1
        return T(like.id, like.name, like.service, like.number, like.tty, run=self._runs)

    def _exited(self, exit_: _Exit) -> None:
        suffix = " (restarting)" if exit_.restarting else ""
        self.output.status(exit_.name, f"exited with code {exit_.code}{suffix}")
        if self.on_exit is not None:
            self.on_exit(exit_.service, exit_.code)

    def _event(self, event: dict[str, Any]) -> None:
        from pycompose.engine import labels as L
        from pycompose.engine.client import NotFound
        from pycompose.engine.multiplex import Target as T
        from pycompose.logs import display_name

        action = str(event.get("Action") or event.get("status") or "")
        actor = event.get("Actor") or {}
        attrs = actor.get("Attributes") or {}
        cid = str(actor.get("ID") or event.get("id") or "")
        service = attrs.get(L.SERVICE, "")
        if not cid or attrs.get(L.ONEOFF) == "True":
            return
        number = attrs.get(L.CONTAINER_NUMBER, "")
        name = display_name(self.project, service, number, attrs.get("name", ""))
        current = self._current.get(cid)
        if action == "start" and self.follow(service):
            self.alive.add(cid)
            if current is not None and current in self._open and current not in self._waiting:
                return
            try:
                info = self.engine.inspect_container(cid)
            except NotFound:
                return
            tty = bool((info.get("Config") or {}).get("Tty"))
            target = self._new_target(T(cid, name, service, number, tty))
            since = self._last_exit.get(cid) or _finished_at(info)
            if since:
                self._since[target] = since
            self.opened(target)
            self.follower.logs(target, follow=True, since=since, timestamps=self.timestamps)
        elif action == "die" and self.report(service):
            at = event_since(event)
            if at:
                self._last_exit[cid] = at
            restarting = False
            try:
                state = self.engine.inspect_container(cid).get("State") or {}
                restarting = bool(state.get("Restarting") or state.get("Running"))
            except NotFound:
                pass
            if not restarting:
                self.alive.discard(cid)
            exit_ = _Exit(name, service, int(attrs.get("exitCode") or 0), restarting, at,
                          time.monotonic())
            if current is not None and current in self._open and current not in self._waiting:
                self._waiting[current] = exit_
            else:
                self._exited(exit_)


def _finished_at(info: dict[str, Any]) -> str | None:
    """When the container's previous run ended (None if it never ran), for ``since``."""
    from pycompose.cli.goformat import docker_timestamp

    finished = str((info.get("State") or {}).get("FinishedAt") or "")
    if not finished or finished.startswith("0001-"):
        return None
    head, dot, fraction = finished.partition(".")
    if dot:
        digits = "".join(ch for ch in fraction if ch.isdigit())
        finished = f"{head}.{digits[:6]}{fraction[len(digits):]}"
    try:
        return docker_timestamp(finished)
    except ValueError:
        return None


# -- logs ----------------------------------------------------------------------------------


def logs_command(ctx: typer.Context, services: list[str], *, follow: bool, index: int | None,
                 no_color: bool, no_log_prefix: bool, since: str | None, tail: str,
                 timestamps: bool, until: str | None) -> None:
    """``logs``: every container's output so far (and, with ``-f``, until the last followed
    container exits; containers that start meanwhile are followed too)."""
    from pycompose.cli.goformat import docker_timestamp
    from pycompose.engine import labels as L
    from pycompose.engine.client import Engine
    from pycompose.engine.multiplex import END, ERROR, Follower
    from pycompose.errors import PycomposeError
    from pycompose.logs import LogFormatter

    name = check_services(ctx, services)
    try:
        since_at = docker_timestamp(since) if since else None
        until_at = docker_timestamp(until) if until else None
    except ValueError as exc:
        raise PycomposeError(str(exc)) from None
    engine = Engine.from_env()
    containers = project_containers(engine, name, services)
    if index:
        containers = [c for c in containers
                      if (c.get("Labels") or {}).get(L.CONTAINER_NUMBER) == str(index)]
        if not containers and services:
            raise PycomposeError(f'service "{services[0]}" is not running container #{index}')
    targets = targets_of(engine, name, containers)
    formatter = LogFormatter(colour=use_colour(ctx, no_color), prefix=not no_log_prefix)
    output = Output(formatter)
    follower = Follower(engine)
    wanted = set(services)
    tracker = Tracker(engine, name, follower, output, timestamps=timestamps,
                      follow=lambda s: not wanted or s in wanted,
                      report=lambda s: not wanted or s in wanted)
    open_streams = {t.id for t in targets}
    try:
        if follow:
            follower.watch_events(name)
        for target, raw in zip(targets, containers, strict=True):
            follower.logs(target, follow=follow, since=since_at, until=until_at, tail=tail,
                          timestamps=timestamps)
            tracker.opened(target)
            if raw.get("State") == "running":
                tracker.alive.add(target.id)
        # As Compose: with nothing running at the start, -f waits for containers to start.
        waits_for_exit = bool(tracker.alive)
        if not follow and not targets:
            return

        def handle(message: Message) -> bool:
            nonlocal waits_for_exit
            if message.kind == ERROR and message.target is None:
                raise PycomposeError(message.error)
            if message.kind == END and message.target is not None:
                open_streams.discard(message.target.id)
            if not follow:
                return not open_streams
            tracker.handle(message)
            waits_for_exit = waits_for_exit or bool(tracker.alive)
            return waits_for_exit and tracker.done

        drain(follower, output, handle)
    finally:
        follower.close()


# -- attached up ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttachOptions:
    """How attached ``up`` follows and ends (Compose's flags of the same names)."""

    abort_on_exit: bool = False
    abort_on_failure: bool = False
    exit_code_from: str | None = None
    attach: tuple[str, ...] = ()
    no_attach: tuple[str, ...] = ()
    attach_dependencies: bool = False
    no_log_prefix: bool = False
    timestamps: bool = False
    no_color: bool = False

    @property
    def cascade(self) -> bool:
        return self.abort_on_exit or self.abort_on_failure or self.exit_code_from is not None


@dataclass
class Cascade:
    """When attached ``up`` stops the project and what it exits with (pure: fed exit events).

    The first exit of a monitored container stops everything with ``--abort-on-container-exit``
    (``--exit-code-from`` implies it); with ``--abort-on-container-failure`` only a non-zero
    exit does. The exit code is the triggering container's, or the first exit code of the
    ``--exit-code-from`` service.
    """

    options: AttachOptions
    exit_code: int = 0
    aborted: bool = False
    _captured: bool = False

    def exited(self, service: str, code: int) -> bool:
        """Record an exit; True when this exit must stop the project."""
        opts = self.options
        if opts.exit_code_from is not None and service == opts.exit_code_from \
                and not self._captured:
            self.exit_code = code
            self._captured = True
        if self.aborted or not opts.cascade:
            return False
        if opts.abort_on_failure and code == 0:
            return False
        self.aborted = True
        if not self._captured:
            self.exit_code = code
        return True


def attach_services(project: Any, names: list[str], options: AttachOptions) -> list[str]:
    """The services whose output attached ``up`` shows (Compose's rules): those named (all
    when none), with their dependencies only with ``--attach-dependencies``; ``--attach``
    replaces the list, ``--no-attach`` removes from it."""
    from pycompose.plan import selected_services

    if options.attach:
        wanted = list(options.attach)
    else:
        wanted = selected_services(project, names, with_deps=options.attach_dependencies)
    return [s for s in wanted if s not in options.no_attach]


class InlineProgress:
    """Progress of the stop after Ctrl-C or an abort, between container output lines, as
    Compose prints it then (`` Container p-web-1  Stopping``, the status green on a TTY)."""

    def __init__(self, stream: IO[str] | None = None, colour: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.colour = self.stream.isatty() if colour is None else colour
        self._lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        if event.status == "Warning" or not event.resource:
            return
        with self._lock:
            if self.colour:
                self.stream.write(f"\r\x1b[K {event.resource}  \x1b[32m{event.status}\x1b[0m\n")
            else:
                self.stream.write(f" {event.resource}  {event.status}\n")
            self.stream.flush()


def _silent(event: Any) -> None:
    del event


class _Interrupts:
    """SIGINT/SIGTERM while attached: the first stops gracefully, the next ones kill.

    The handler only counts: the output loop looks at the count at least every 0.2 s. (It
    must not touch the queue: the main thread may hold the queue's lock when it runs.)
    """

    def __init__(self) -> None:
        self.count = 0
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handler)

    def _handler(self, signum: int, frame: FrameType | None) -> None:
        del signum, frame
        self.count += 1

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def run_attached_up(ctx: typer.Context, project: Any, up_options: Any, attach: AttachOptions,
                    *, up_kwargs: dict[str, Any]) -> int:
    """Attached ``up``: converge (progress shown), attach to the services' output, start, and
    follow until every attached container has exited. Returns the exit code: 0, the code
    chosen by :class:`Cascade`, or 130 after Ctrl-C."""

    from pycompose.api import up as api_up
    from pycompose.engine.client import Engine
    from pycompose.engine.multiplex import ERROR, Follower, Message
    from pycompose.errors import PycomposeError
    from pycompose.logs import LogFormatter
    from pycompose.plan import selected_services

    if attach.exit_code_from is not None and attach.exit_code_from not in project.services:
        raise PycomposeError(f"no such service: {attach.exit_code_from}: not found")
    engine = Engine.from_env()
    names = list(up_options.services)
    with renderer(ctx) as sink:
        api_up(project, up_options._replace(no_start=True, wait=False), sink=sink,
               engine=engine, **up_kwargs)
    if ctx.obj.dry_run:
        return 0
    attached = set(attach_services(project, names, attach))
    monitored = set(names) if names else attached
    selected = selected_services(project, names, with_deps=not up_options.no_deps)
    follower = Follower(engine)
    output = Output(LogFormatter(colour=use_colour(ctx, attach.no_color),
                                 prefix=not attach.no_log_prefix,
                                 timestamps=attach.timestamps))
    cascade = Cascade(attach)
    interrupts = _Interrupts()
    background: list[threading.Thread] = []
    progress = InlineProgress(sys.stdout if status_on_stdout() else None,
                              colour=False if no_color_set() else None)
    limit = parallel_limit(ctx)

    def in_background(fn: Callable[[], None]) -> None:
        thread = threading.Thread(target=fn, daemon=True)
        thread.start()
        background.append(thread)

    def stop_project() -> None:
        from pycompose.api import stop

        try:
            stop(project, project.name, tuple(selected), timeout=up_options.timeout,
                 sink=progress, engine=engine, limit=limit)
        except PycomposeError as exc:
            sys.stderr.write(f"{exc}\n")

    def kill_project() -> None:
        from pycompose.api import kill

        with contextlib.suppress(PycomposeError):
            kill(project, project.name, tuple(selected), sink=_silent, engine=engine,
                 limit=limit)

    def on_exit(service: str, code: int) -> None:
        if service in monitored and cascade.exited(service, code) and not interrupts.count:
            sys.stderr.write(_abort_text(ctx))
            sys.stderr.flush()
            in_background(stop_project)

    tracker = Tracker(engine, project.name, follower, output, on_exit=on_exit,
                      follow=lambda s: s in attached,
                      report=lambda s: s in attached or s in monitored)
    containers = sorted(project_containers(engine, project.name, attached),
                        key=lambda c: str((c.get("Names") or [""])[0]))
    targets = targets_of(engine, project.name, containers)
    interrupts.install()
    failure: list[str] = []
    try:
        # Events first: a container that exits at once must not be missed.
        follower.watch_events(project.name)
        output.text(f"Attaching to {', '.join(t.name for t in targets)}\n")
        for target in targets:
            follower.attach(target)
            tracker.opened(target)
            tracker.alive.add(target.id)

        def start() -> None:
            quiet_images = {**up_kwargs, "build": False, "pull": "never",
                            "on_build_line": None}
            try:
                api_up(project, up_options, sink=_silent, engine=engine, **quiet_images)
            except PycomposeError as exc:
                follower.queue.put(Message(ERROR, error=str(exc)))

        threading.Thread(target=start, daemon=True).start()
        handled = 0

        def handle(message: Message) -> bool:
            nonlocal handled
            while handled < interrupts.count:
                handled += 1
                if handled == 1:
                    output.muted = True
                    output.text("Gracefully Stopping... press Ctrl+C again to force\n")
                    in_background(stop_project)
                else:
                    in_background(kill_project)
            if message.kind == ERROR and message.target is None:
                failure.append(message.error)
                return True
            tracker.handle(message)
            return tracker.done

        drain(follower, output, handle)
        for thread in background:
            while thread.is_alive():
                thread.join(0.2)
                if interrupts.count > handled:
                    handled = interrupts.count
                    in_background(kill_project)
    finally:
        follower.close()
        interrupts.restore()
    if failure:
        raise PycomposeError(failure[0])
    if interrupts.count:
        return INTERRUPTED
    return cascade.exit_code


def _abort_text(ctx: typer.Context) -> str:
    if ctx.obj.ansi == "never" or no_color_set():
        return "Aborting on container exit...\n"
    return "\x1b[31m\x1b[1mAborting on container exit...\x1b[0m\n"


# -- wait, attach --------------------------------------------------------------------------


def wait_command(ctx: typer.Context, services: list[str], down_project: bool) -> int:
    """``wait``: block until the services' running containers stop; print each exit code;
    exit with the last one (after ``down`` of the project with ``--down-project``)."""
    from pycompose.engine import streams
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError

    name = project_name_only(ctx)
    engine = Engine.from_env()
    running = project_containers(engine, name, services, all=False) + project_containers(
        engine, name, services, all=False, oneoff=True)
    if not running:
        raise PycomposeError(f'no containers for project "{name}"')
    waits = {str(raw["Id"]): streams.wait(engine, str(raw["Id"]), "not-running")
             for raw in running}
    results: queue.Queue[tuple[str, int | PycomposeError]] = queue.Queue()

    def one(cid: str, stream: streams.Stream) -> None:
        try:
            results.put((cid, streams.wait_result(stream)))
        except PycomposeError as exc:
            results.put((cid, exc))

    for cid, stream in waits.items():
        threading.Thread(target=one, args=(cid, stream), daemon=True).start()
    last = 0
    try:
        for _ in waits:
            cid, outcome = results.get()
            if isinstance(outcome, PycomposeError):
                raise outcome
            sys.stdout.write(f'container "{cid}" exited with status code {outcome}\n')
            sys.stdout.flush()
            last = outcome
    finally:
        for stream in waits.values():
            stream.close()
    if down_project:
        from pycompose.api import down
        from pycompose.plan import DownOptions

        with renderer(ctx) as sink:
            down(None, name, DownOptions(remove_orphans=True), sink=sink, engine=engine)
    return last


def attach_command(ctx: typer.Context, service: str, *, index: int | None,
                   detach_keys: str | None, no_stdin: bool, sig_proxy: bool) -> int:
    """``attach``: this terminal to a service container's main process."""
    from pycompose.cli.oneoff import forward_signal, service_container
    from pycompose.cli.terminal import Session
    from pycompose.engine import streams
    from pycompose.engine.client import Engine
    from pycompose.errors import PycomposeError

    name = project_name_only(ctx)
    engine = Engine.from_env()
    raw = service_container(engine, name, service, index)
    cid = str(raw["Id"])
    if ctx.obj.dry_run:
        # Compose's wording (it says run for attach too).
        raise PycomposeError("interactive run is not supported in dry-run mode")
    info = engine.inspect_container(cid)
    config = info.get("Config") or {}
    tty = bool(config.get("Tty"))
    stdin = not no_stdin and bool(config.get("OpenStdin"))
    stream = streams.attach(engine, cid, stdin=stdin, detach_keys=detach_keys)
    session = Session(stream, tty=tty, stdin=stdin,
                      resize=(lambda h, w: streams.resize(engine, cid, h, w)) if tty else None,
                      forward_signal=(lambda sig: forward_signal(engine, cid, sig))
                      if sig_proxy and not tty else None)
    session.run()
    state = engine.inspect_container(cid).get("State") or {}
    if state.get("Running"):
        return 0
    return int(state.get("ExitCode") or 0)


# -- registration --------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    @app.command("logs")
    def logs(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services")] = None,
        follow: Annotated[bool, typer.Option("--follow", "-f", help="Follow log output")] = False,
        index: Annotated[int | None, typer.Option(
            "--index", help="index of the container if service has multiple replicas")] = None,
        no_color: Annotated[bool, typer.Option("--no-color",
                                               help="Produce monochrome output")] = False,
        no_log_prefix: Annotated[bool, typer.Option(
            "--no-log-prefix", help="Don't print prefix in logs")] = False,
        since: Annotated[str | None, typer.Option(
            "--since", help="Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or "
            "relative (e.g. 42m for 42 minutes)")] = None,
        tail: Annotated[str, typer.Option(
            "--tail", "-n", help="Number of lines to show from the end of the logs for each "
            "container")] = "all",
        timestamps: Annotated[bool, typer.Option("--timestamps", "-t",
                                                 help="Show timestamps")] = False,
        until: Annotated[str | None, typer.Option(
            "--until", help="Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or "
            "relative (e.g. 42m for 42 minutes)")] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """View output from containers."""
        dry_run_flag(ctx, dry_run)
        logs_command(ctx, services or [], follow=follow, index=index, no_color=no_color,
                     no_log_prefix=no_log_prefix, since=since, tail=tail,
                     timestamps=timestamps, until=until)

    @app.command("wait")
    def wait(
        ctx: typer.Context,
        services: Annotated[list[str], typer.Argument(help="Services")],
        down_project: Annotated[bool, typer.Option(
            "--down-project", help="Drops project when the first container stops")] = False,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Block until containers of all (or specified) services stop."""
        dry_run_flag(ctx, dry_run)
        code = wait_command(ctx, services, down_project)
        if code:
            sys.exit(code)

    @app.command("attach")
    def attach(
        ctx: typer.Context,
        service: Annotated[str, typer.Argument(help="Service")],
        detach_keys: Annotated[str | None, typer.Option(
            "--detach-keys", help="Override the key sequence for detaching from a "
            "container.")] = None,
        index: Annotated[int | None, typer.Option(
            "--index", help="index of the container if service has multiple "
            "replicas.")] = None,
        no_stdin: Annotated[bool, typer.Option("--no-stdin",
                                               help="Do not attach STDIN")] = False,
        sig_proxy: Annotated[bool, typer.Option(
            "--sig-proxy", help="Proxy all received signals to the process")] = True,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Attach local standard input, output, and error streams to a service's running
        container."""
        dry_run_flag(ctx, dry_run)
        code = attach_command(ctx, service, index=index, detach_keys=detach_keys,
                              no_stdin=no_stdin, sig_proxy=sig_proxy)
        if code:
            sys.exit(code)

