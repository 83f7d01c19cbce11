"""`ownerbot brand init DIR` and `ownerbot brand check [DIR]`: a brand's own reference
data (markets, dealers, models and their aliases, services, rewards, loyalty rules,
care timings), started from the demo brand and checked line by line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.config import Settings
from bot.data import DATA_DIR, load_reference
from bot.data.kit import check_kit, init_kit

brand_cli = typer.Typer(no_args_is_help=True, help="The brand's own reference data.")


@brand_cli.command("init")
def brand_init(directory: Annotated[Path, typer.Argument(help="Where to write the kit")]) -> None:
    """Write a starting kit (the demo brand's files, with their comments) to DIR."""
    try:
        written = init_kit(directory, DATA_DIR)
    except FileExistsError as error:
        typer.echo(f"not overwriting: {error}", err=True)
        raise typer.Exit(1) from None
    for path in written:
        typer.echo(path)
    typer.echo(
        f"Edit them for your brand, run `ownerbot brand check {directory}`, then set "
        f"OWNERBOT_BRAND_DIR={directory}."
    )


@brand_cli.command("check")
def brand_check(
    directory: Annotated[
        Path | None, typer.Argument(help="The kit (default: OWNERBOT_BRAND_DIR, else the demo)")
    ] = None,
) -> None:
    """Check every file of a kit; print `file:line: what is wrong` for each problem."""
    kit = directory or Settings().brand_dir or DATA_DIR
    problems = check_kit(kit)
    if problems:
        for problem in problems:
            typer.echo(f"{kit / problem.file}:{problem.line}: {problem.message}")
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    reference = load_reference(kit)
    typer.echo(
        f"{kit}: brand kit OK ({reference.brand}: {len(reference.markets)} markets, "
        f"{len(reference.dealers)} dealers, {len(reference.models)} models, "
        f"{len({key for _, key in reference.rewards})} rewards)"
    )
