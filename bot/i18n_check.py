"""The catalog check run by `make test` (`ownerbot i18n check`).

Fails on: a shipped locale without a catalog; a Plural-Forms header that disagrees with
CLDR for whole numbers; a fuzzy or untranslated entry; a placeholder that differs from
the source; HTML tags that differ from the source's, are in another order or are not
properly nested; a message that, rendered with long sample values, exceeds Telegram's
limits (4096 characters of text, 1024 of caption, labels of every context shown on a
button that no longer fit a phone screen with the marks the code puts before them);
source strings missing from the catalogs (run `make i18n`).
"""

from __future__ import annotations

import gettext
import re
import string
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.config import PROJECT_ROOT
from bot.i18n import PENDING_LOCALES, SHIPPED_LOCALES, SOURCE_LOCALE

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# A phone shows about this many characters on a full-width inline button.
BUTTON_LABEL_LIMIT = 32
# Message contexts shown on buttons, with the longest marks the code puts before the
# label: a service is listed as "✅ ⚠️ Safety recall repair" when it is chosen and
# is a recall (handlers/booking_services.py).
SERVICE_BUTTON_MARKS = "✅ ⚠️ "
BUTTON_CONTEXTS: dict[str, str] = {"button": "", "service": SERVICE_BUTTON_MARKS}

# Plural forms for whole numbers (we only count whole things: points, days, visits).
# Order follows CLDR: zero, one, two, few, many, other, keeping the categories whole
# numbers can reach. Translators: see locales/README.md.
PLURAL_FORMS: dict[str, tuple[str, ...]] = {
    "en": ("one", "other"),
    "de": ("one", "other"),
    "tr": ("one", "other"),
    "es": ("one", "many", "other"),
    "pt_BR": ("one", "many", "other"),
    "ru": ("one", "few", "many"),
    "ar": ("zero", "one", "two", "few", "many", "other"),
    "th": ("other",),
    "id": ("other",),
    "zh_Hans": ("other",),
    "vi": ("other",),
    "ms": ("other",),
    "kk": ("one", "other"),
    "uz": ("one", "other"),
    "he": ("one", "two", "other"),
    "fr": ("one", "many", "other"),
    "it": ("one", "many", "other"),
    "pl": ("one", "few", "many"),
}
PLURAL_EXPRESSIONS: dict[str, str] = {
    "en": "(n != 1)",
    "de": "(n != 1)",
    "tr": "(n != 1)",
    "es": "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
    "pt_BR": "((n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
    "ru": "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2)",
    "ar": "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)",
    "th": "0",
    "id": "0",
    "zh_Hans": "0",
    "vi": "0",
    "ms": "0",
    "kk": "(n != 1)",
    "uz": "(n != 1)",
    "he": "(n == 1 ? 0 : n == 2 ? 1 : 2)",
    "fr": "((n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
    "it": "(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)",
    "pl": "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<12 || n%100>14) ? 1 : 2)",
}
_SAMPLE_NUMBERS = [*range(0, 1200), 1_000_000, 2_000_000, 1_000_001, 10**9]
_KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
_TAG = re.compile(r"</?([a-z]+)[^>]*>")
_TAG_WITH_CLOSE = re.compile(r"<(/?)([a-z][a-z-]*)[^>]*>")
_SAMPLE_VALUE = "W" * 64  # Telegram names and titles run up to 64 characters
_BUTTON_SAMPLE_VALUE = "W" * 10


def plural_header(locale: str) -> str:
    return f"nplurals={len(PLURAL_FORMS[locale])}; plural={PLURAL_EXPRESSIONS[locale]};"


# `b = t.pgettext` hides every later `b("button", ...)` from extraction.
_ALIASED_TRANSLATION = re.compile(
    r"=\s*(?:\w+\.)*t\.(?:_|gettext|ngettext|pgettext|npgettext)\s*$", re.MULTILINE
)


def check_catalogs(locales_dir: Path, source_dirs: tuple[Path, ...] | None = None) -> list[str]:
    problems: list[str] = []
    problems += _check_plural_table()
    dirs = source_dirs or (PROJECT_ROOT / "bot", PROJECT_ROOT / "handlers")
    problems += _check_no_aliases(dirs)
    source_ids = _source_message_ids(dirs)
    for locale in SHIPPED_LOCALES:
        path = locales_dir / locale / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            problems.append(f"{locale}: no catalog at {path}")
            continue
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        problems += [f"{locale}: {p}" for p in _check_catalog(locale, catalog, source_ids)]
    for locale in PENDING_LOCALES:
        path = locales_dir / locale / "LC_MESSAGES" / "messages.po"
        if locale in SHIPPED_LOCALES:
            problems.append(f"{locale}: shipped and pending at once")
        elif not path.exists():
            problems.append(f"{locale}: pending without a catalog at {path}")
        else:
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            problems += [f"{locale}: {p}" for p in _check_plural_header(locale, catalog)]
    return problems


def fill_source_catalog(locales_dir: Path) -> int:
    """English is the source language: its catalog repeats each msgid as the msgstr
    (singular and plural), so it is as complete as the others. Returns how many
    entries were filled; `make i18n` runs this after updating the catalogs."""
    path = locales_dir / SOURCE_LOCALE / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=SOURCE_LOCALE)
    filled = 0
    for message in catalog:
        if not message.id or all(_texts(message.string)):
            continue
        message.string = message.id  # a plural: (singular, plural), as English needs
        filled += 1
    if filled:
        with path.open("wb") as fh:
            write_po(fh, catalog, width=0)  # no wrapping, as `pybabel update --no-wrap`
    return filled


def _check_plural_table() -> list[str]:
    problems = []
    for locale, tags in PLURAL_FORMS.items():
        rule = Locale.parse(locale).plural_form
        pick = gettext.c2py(PLURAL_EXPRESSIONS[locale])
        for n in _SAMPLE_NUMBERS:
            if tags[pick(n)] != rule(n):
                problems.append(
                    f"{locale}: plural expression gives {tags[pick(n)]!r} for {n}, "
                    f"CLDR says {rule(n)!r}"
                )
                break
    return problems


def _check_no_aliases(dirs: tuple[Path, ...]) -> list[str]:
    return [
        f"{path}: translation function assigned to a name; call t.pgettext(...) directly "
        "so extraction sees the strings"
        for directory in dirs
        for path in sorted(directory.rglob("*.py"))
        if _ALIASED_TRANSLATION.search(path.read_text(encoding="utf-8"))
    ]


def _source_message_ids(dirs: tuple[Path, ...]) -> set[tuple[str | None, str]]:
    found: set[tuple[str | None, str]] = set()
    for directory in dirs:
        for _file, _line, message, _comments, context in extract_from_dir(
            str(directory), keywords=_KEYWORDS, comment_tags=(), strip_comment_tags=True
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            found.add((context, msgid))
    return found


def _check_catalog(
    locale: str, catalog: Catalog, source_ids: set[tuple[str | None, str]]
) -> Iterator[str]:
    yield from _check_plural_header(locale, catalog)
    known = set()
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        known.add((message.context, msgid))
        where = f"{msgid[:50]!r}"
        if message.fuzzy:
            yield f"{where}: fuzzy"
        yield from (f"{where}: {p}" for p in _check_message(locale, message))
    for _context, msgid in sorted(source_ids - known, key=lambda k: k[1]):
        yield f"{msgid[:50]!r}: in the source but not in the catalog (run `make i18n`)"


def _check_plural_header(locale: str, catalog: Catalog) -> Iterator[str]:
    expected = plural_header(locale)
    if catalog.plural_forms.replace(" ", "") != expected.replace(" ", ""):
        yield f"Plural-Forms is {catalog.plural_forms!r}, expected {expected!r}"


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, (tuple, list)):
        return tuple(str(v or "") for v in value)
    return (str(value or ""),)


def _check_message(locale: str, message: Message) -> Iterator[str]:
    ids = _texts(message.id)
    strings = _texts(message.string)
    is_plural = len(ids) > 1
    if is_plural and len(strings) != len(PLURAL_FORMS[locale]):
        yield f"{len(strings)} plural forms, expected {len(PLURAL_FORMS[locale])}"
    if not all(strings):
        yield "not translated" + (" (run `make i18n`)" if locale == SOURCE_LOCALE else "")
        return
    source_fields = [_placeholders(text) for text in ids]
    allowed = set().union(*source_fields)
    for text in strings:
        try:
            fields = _placeholders(text)
        except ValueError as error:
            yield f"broken placeholder syntax: {error}"
            continue
        if is_plural:
            missing = (allowed - {"n"}) - fields
            if missing or fields - allowed:
                yield f"placeholders {sorted(fields)} differ from {sorted(allowed)}"
        elif fields != allowed:
            yield f"placeholders {sorted(fields)} differ from {sorted(allowed)}"
        yield from _check_tags(text, ids[0])
        yield from _check_length(message.context, text)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _check_tags(text: str, source: str) -> Iterator[str]:
    tags = _TAG.findall(text)
    if Counter(tags) != Counter(_TAG.findall(source)):
        yield "HTML tags differ from the source"
        return
    if tag_problem(text):
        yield f"HTML tags badly nested: {tag_problem(text)}"
    elif _tag_sequence(text) != _tag_sequence(source):
        yield "HTML tags in another order or nesting than the source"


def tag_problem(text: str) -> str | None:
    """Why the tags of `text` are not properly nested (Telegram refuses the message),
    or None."""
    open_tags: list[str] = []
    for match in _TAG_WITH_CLOSE.finditer(text):
        closing, name = match.group(1), match.group(2)
        if not closing:
            open_tags.append(name)
        elif not open_tags or open_tags.pop() != name:
            return f"</{name}> closes nothing open at that point"
    return f"<{open_tags[-1]}> is never closed" if open_tags else None


def _tag_sequence(text: str) -> list[str]:
    return [match.group(0).split()[0].rstrip(">") for match in _TAG_WITH_CLOSE.finditer(text)]


def _check_length(context: str | None, text: str) -> Iterator[str]:
    on_button = context in BUTTON_CONTEXTS
    sample = _BUTTON_SAMPLE_VALUE if on_button else _SAMPLE_VALUE
    rendered = _TAG.sub("", text.format_map(_Samples(sample)))
    if context in BUTTON_CONTEXTS:
        shown = BUTTON_CONTEXTS[context] + rendered
        if len(shown) > BUTTON_LABEL_LIMIT:
            yield (
                f"{context} label of {len(shown)} characters shown on a button "
                f"(limit {BUTTON_LABEL_LIMIT})"
            )
    elif context == "caption":
        if len(rendered) > CAPTION_LIMIT:
            yield f"caption of {len(rendered)} characters (limit {CAPTION_LIMIT})"
    elif len(rendered) > TEXT_LIMIT:
        yield f"message of {len(rendered)} characters (limit {TEXT_LIMIT})"


class _Samples(dict[str, str]):
    def __init__(self, value: str) -> None:
        super().__init__()
        self.value = value

    def __missing__(self, key: str) -> str:
        return "1,000,000" if key == "n" else self.value
