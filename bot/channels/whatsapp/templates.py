"""Template messages: what the sender sends outside the 24-hour window, and the
definitions `ownerbot whatsapp templates` writes for Meta's review.

The texts come from the catalogs (handlers/care_messages/templates.py: each care
rule's lead sentence in every shipped language and plural form, its placeholders
numbered in the order the English source names them, so one list of values fills a
template in any language); here they get WhatsApp's formatting and language codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp.formatting import whatsapp_text
from bot.i18n import Catalogs
from handlers.care_messages.templates import template_texts
from handlers.types import Template

# Our locale codes as WhatsApp names template languages (the rest are the same).
_LANGUAGES = {"zh_Hans": "zh_CN"}


def whatsapp_language(locale: str) -> str:
    return _LANGUAGES.get(locale, locale)


def template_message(template: Template) -> dict[str, Any]:
    """The `messages` call for a template, its parameters filled."""
    body: dict[str, Any] = {
        "name": template.name,
        "language": {"code": whatsapp_language(template.locale)},
    }
    if template.parameters:
        parameters = [{"type": "text", "text": value} for value in template.parameters]
        body["components"] = [{"type": "body", "parameters": parameters}]
    return {"type": "template", "template": body}


@dataclass(frozen=True, slots=True)
class Definition:
    name: str
    category: str  # UTILITY or MARKETING
    language: str
    body: str  # WhatsApp's formatting, parameters {{1}}, {{2}} ...
    examples: tuple[str, ...] = ()  # a sample value per parameter, for the review

    def as_json(self) -> dict[str, Any]:
        """The shape of a message_templates creation request."""
        component: dict[str, Any] = {"type": "BODY", "text": self.body}
        if self.examples:
            component["example"] = {"body_text": [list(self.examples)]}
        return {
            "name": self.name,
            "category": self.category,
            "language": self.language,
            "components": [component],
        }


def definitions(catalogs: Catalogs) -> list[Definition]:
    """Every care rule's template, in every shipped language and plural form."""
    return [
        Definition(
            name=text.name,
            category="MARKETING" if text.marketing else "UTILITY",
            language=whatsapp_language(text.locale),
            body=_reviewable(whatsapp_text(text.body)),
            examples=text.examples,
        )
        for text in template_texts(catalogs)
    ]


def _reviewable(body: str) -> str:
    """Meta refuses a body that starts or ends with a parameter: a sign before, a full
    stop after (what people read is the same sentence)."""
    if body.startswith("{{"):
        body = "🔔 " + body
    if body.endswith("}}"):
        body += "."
    return body
