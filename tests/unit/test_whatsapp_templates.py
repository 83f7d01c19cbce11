"""Template messages from the catalogs: every care rule has them, their sentences are
the renderers' word for word, in every shipped language and plural form, numbered
parameters in one order for every language, names and bodies Meta accepts."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from bot.channels.opt_out import OPT_OUT_WORDS, is_opt_out
from bot.channels.whatsapp.templates import definitions
from bot.i18n import CATALOG_LOCALES, SHIPPED_LOCALES, Catalogs
from handlers.care_messages import RENDERERS
from handlers.care_messages.templates import LEADS, WITHOUT_TEMPLATE, placeholders
from tests.conftest import LOCALES


def test_every_care_rule_has_a_template_but_announcements_in_staffs_own_words() -> None:
    assert set(RENDERERS) - WITHOUT_TEMPLATE <= set(LEADS)
    assert not WITHOUT_TEMPLATE & set(LEADS)


def test_every_lead_sentence_is_a_catalog_string_word_for_word() -> None:
    with Path(LOCALES / "messages.pot").open("rb") as fh:
        catalog = read_po(fh)
    for rule, leads in LEADS.items():
        for lead in leads:
            message = catalog.get(lead.singular)
            assert message is not None, f"{rule}: {lead.singular!r} is not in the catalog"


def test_templates_cover_every_language_and_plural_form_with_the_same_parameters() -> None:
    templates = definitions(Catalogs(LOCALES))
    by_language: dict[str, set[str]] = {}
    for template in templates:
        by_language.setdefault(template.language, set()).add(template.name)
        assert re.fullmatch(r"[a-z0-9_]{1,512}", template.name)
        assert template.category in ("UTILITY", "MARKETING")
        assert not template.body.startswith("{{"), "Meta refuses a leading parameter"
        assert not template.body.endswith("}}"), "... and a trailing one"
        assert "<b>" not in template.body
        numbers = {int(n) for n in re.findall(r"\{\{(\d+)\}\}", template.body)}
        assert numbers == set(range(1, len(template.examples) + 1)), template
    assert len(by_language) == len(SHIPPED_LOCALES)
    arabic, english = by_language["ar"], by_language["en"]
    assert "care_anniversary_1_f0" in arabic
    assert len(arabic) > len(english), "Arabic has six plural forms"
    assert "care_birthday_1" in by_language["zh_CN"]
    marketing = {t.name for t in templates if t.category == "MARKETING"}
    assert "care_birthday_1" in marketing
    assert "care_recall_1" not in marketing


def test_placeholders_are_numbered_in_the_english_sources_order() -> None:
    [lead] = LEADS["anniversary"]
    assert placeholders(lead) == ["n", "model", "name"]


def test_opt_out_words_of_every_language_stop_and_nothing_else_does() -> None:
    assert set(OPT_OUT_WORDS) == set(CATALOG_LOCALES)
    for word in (
        "STOP",
        "Parar",
        "BERHENTI",
        "dur",
        "СТОП",
        "توقف",
        "หยุด",
        "停止",
        " stop! ",
        "DỪNG",
        "הסר",
    ):
        assert is_opt_out(word), word
    for text in ("stop sending me offers?", "Durum", "ok", ""):
        assert not is_opt_out(text), text
