"""``pycompose config``: parse, resolve and render the compose file in canonical format."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pycompose.cli.containers import DryRunOpt
from pycompose.cli.output import print_warnings


def register(app: typer.Typer) -> None:
    @app.command("config")
    def config(
        ctx: typer.Context,
        services: Annotated[list[str] | None, typer.Argument(help="Services to render")] = None,
        fmt: Annotated[
            str, typer.Option("--format", help="Format the output. Values: [yaml | json]")
        ] = "yaml",
        quiet: Annotated[
            bool,
            typer.Option("--quiet", "-q", help="Only validate the configuration, don't print "
                         "anything"),
        ] = False,
        list_services: Annotated[
            bool, typer.Option("--services", help="Print the service names, one per line.")
        ] = False,
        list_volumes: Annotated[
            bool, typer.Option("--volumes", help="Print the volume names, one per line.")
        ] = False,
        list_networks: Annotated[
            bool, typer.Option("--networks", help="Print the network names, one per line.")
        ] = False,
        list_profiles: Annotated[
            bool, typer.Option("--profiles", help="Print the profile names, one per line.")
        ] = False,
        list_images: Annotated[
            bool, typer.Option("--images", help="Print the image names, one per line.")
        ] = False,
        hash_of: Annotated[
            str | None,
            typer.Option("--hash", help="Print the service config hash, one per line."),
        ] = None,
        no_interpolate: Annotated[
            bool, typer.Option("--no-interpolate", help="Don't interpolate environment variables")
        ] = False,
        no_normalize: Annotated[
            bool, typer.Option("--no-normalize", help="Don't normalize compose model")
        ] = False,
        no_path_resolution: Annotated[
            bool, typer.Option("--no-path-resolution", help="Don't resolve file paths")
        ] = False,
        no_consistency: Annotated[
            bool,
            typer.Option("--no-consistency", help="Don't check model consistency - warning: may "
                         "produce invalid Compose output"),
        ] = False,
        no_env_resolution: Annotated[
            bool, typer.Option("--no-env-resolution", help="Don't resolve service env files")
        ] = False,
        output: Annotated[
            str | None, typer.Option("--output", "-o", help="Save to file (default to stdout)")
        ] = None,
        dry_run: DryRunOpt = False,
    ) -> None:
        """Parse, resolve and render compose file in canonical format."""
        del dry_run  # nothing to change: config only reads
        from pycompose.api import load_project, printable, service_hash
        from pycompose.errors import PycomposeError
        from pycompose.graph import ServiceGraph
        from pycompose.loader.pipeline import Stages
        from pycompose.serialize import to_json, to_yaml

        if fmt not in ("yaml", "json"):
            raise PycomposeError(f"unsupported format {fmt!r}: use yaml or json")
        stages = Stages(
            interpolate=not no_interpolate,
            normalize=not no_normalize,
            resolve_paths=not no_path_resolution,
            consistency=not no_consistency,
            resolve_environment=not no_env_resolution,
        )
        options = ctx.obj.project_options()
        if list_profiles:
            # Compose lists the profiles of every service, active or not.
            options = options._replace(profiles=("*",))
        loaded = load_project(options, stages, services or ())
        print_warnings(loaded.warnings)
        tree: dict[str, Any] = loaded.tree
        lines: list[str] | None = None
        if quiet:
            return
        if list_services:
            order = ServiceGraph.from_tree(tree).start_order()
            lines = order
        elif list_volumes:
            lines = list((tree.get("volumes") or {}).keys())
        elif list_networks:
            lines = list((tree.get("networks") or {}).keys())
        elif list_profiles:
            lines = sorted({p for s in tree["services"].values() for p in s.get("profiles") or []})
        elif list_images:
            lines = [
                s.get("image") or f"{loaded.name}-{name}" for name, s in tree["services"].items()
            ]
        elif hash_of is not None:
            wanted = list(tree["services"]) if hash_of == "*" else hash_of.split(",")
            lines = []
            for name in wanted:
                if name not in tree["services"]:
                    raise PycomposeError(f"no such service: {name}: not found")
                lines.append(f"{name} {service_hash(tree['services'][name])}")
        if lines is not None:
            text = "".join(f"{line}\n" for line in lines)
        elif fmt == "json":
            text = to_json(printable(loaded, "json"))
        else:
            text = to_yaml(printable(loaded, "yaml"))
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
