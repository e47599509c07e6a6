"""``up`` and ``down``."""

from __future__ import annotations

from typing import Annotated

import typer

from pycompose.cli import updown
from pycompose.cli.containers import DryRunOpt


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
        dry_run: DryRunOpt = False,
    ) -> None:
        """Create and start containers."""
        updown.up(**locals())

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
        dry_run: DryRunOpt = False,
    ) -> None:
        """Stop and remove containers, networks."""
        updown.down(**locals())
