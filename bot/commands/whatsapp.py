"""`ownerbot whatsapp ...`: what the WhatsApp channel needs from Meta."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.config import Settings

whatsapp_cli = typer.Typer(no_args_is_help=True, help="The WhatsApp channel.")


@whatsapp_cli.command("templates")
def whatsapp_templates(
    out: Annotated[
        Path | None, typer.Option(help="Write them to this file (JSON); default: stdout")
    ] = None,
) -> None:
    """The template messages care messages use outside WhatsApp's 24-hour window, from
    the catalogs: one per rule's sentence, language and plural form (name, category
    UTILITY or MARKETING, language, body with {{1}} parameters, examples), in the
    shape of a message_templates request, ready to submit."""
    from bot.channels.whatsapp.templates import definitions
    from bot.i18n import Catalogs

    templates = [d.as_json() for d in definitions(Catalogs(Settings().locales_dir))]
    text = json.dumps(templates, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    languages = {t["language"] for t in templates}
    typer.echo(
        f"{len(templates)} templates in {len(languages)} languages written to {out}", err=True
    )
