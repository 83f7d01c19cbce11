"""Every message of every shipped catalog, rendered through the real translator for each
market that speaks the language, with the values the code puts in (dates, times, money,
phone numbers, plates, names in several scripts), reads as it should: no doubled
punctuation, no left-to-right run left to the mercy of right-to-left text, no
placeholder left over, buttons that fit, and HTML Telegram accepts.

The catalogs are iterated, so a new locale or message is covered without a change here.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import cache

import pytest
from babel import Locale
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot.config import PROJECT_ROOT
from bot.data import load_reference
from bot.domain.reference import Market
from bot.domain.text import isolate
from bot.i18n import SHIPPED_LOCALES, Catalogs, Translator
from bot.i18n_check import BUTTON_CONTEXTS, BUTTON_LABEL_LIMIT, tag_problem

LOCALES_DIR = PROJECT_ROOT / "locales"
REFERENCE = load_reference()
CATALOGS = Catalogs(
    LOCALES_DIR,
    {m.code: m.cash_digits for m in REFERENCE.markets.values() if m.cash_digits is not None},
)
MOMENT = datetime(2025, 3, 14, 6, 30, tzinfo=UTC)  # ends in "a.m." in Mexico
DAY = date(2025, 3, 14)  # "14 мар. 2025 г." in Russian
PLATE = "AB 1234 CD"
VIN = "LJ1EKABR9P1000123"
CODE = "K7Q-29X"
# Names as people type them, in several scripts, with the characters HTML escapes.
NAMES = ("María José", "Nguyễn Văn An", "محمد العتيبي", "Сергей & <Co>", "李伟", "สมชาย ใจดี")
PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 101, 1_000_000)

Value = Callable[[Translator, Market, int], object]

# By placeholder name: what the code passes in.
VALUES: dict[str, Value] = {
    "date": lambda t, m, i: t.date(DAY),
    "when": lambda t, m, i: t._(
        "{date} at {time}",
        date=t.skeleton(MOMENT, "yMMMMEEEEd", m.timezone),
        time=t.time(MOMENT, m.timezone),
    ),
    "time": lambda t, m, i: t.time(MOMENT, m.timezone),
    "tomorrow": lambda t, m, i: t.skeleton(DAY, "MMMMEEEEd"),
    "start": lambda t, m, i: t.hour(8),
    "end": lambda t, m, i: t.hour(21),
    "window": lambda t, m, i: t._("{start}–{end}", start=t.hour(8), end=t.hour(21)),
    "year": lambda t, m, i: t.date(DAY, "y"),
    "phone": lambda t, m, i: m.roadside_phone,
    "roadside": lambda t, m, i: m.roadside_phone,
    "emergency": lambda t, m, i: m.emergency_phone,
    "vin": lambda t, m, i: VIN,
    "code": lambda t, m, i: CODE,
    "receipt": lambda t, m, i: PLATE,
    "id": lambda t, m, i: "U-1042",
    "number": lambda t, m, i: "1042",
    "amount": lambda t, m, i: t.money(450050, m.currency),
    "price": lambda t, m, i: t.money(450000, m.currency),
    "discounted": lambda t, m, i: t.money(382500, m.currency),
    "example": lambda t, m, i: t.money(450050, m.currency),
    "balance": lambda t, m, i: t.number(12500),
    "points": lambda t, m, i: t.ngettext("{n} point", "{n} points", 1200),
    "needed": lambda t, m, i: t.number(800),
    "left": lambda t, m, i: t.number(3),
    "limit": lambda t, m, i: t.number(5),
    "days": lambda t, m, i: t.number(14),
    "page": lambda t, m, i: t.number(2),
    "pages": lambda t, m, i: t.number(7),
    "score": lambda t, m, i: t.number(4),
    "percent": lambda t, m, i: t.percent(0.1),
    "distance": lambda t, m, i: t.distance(12500, m.distance_unit),
    "duration": lambda t, m, i: t.duration(45),
    "currency": lambda t, m, i: t.currency_name(m.currency),
    "country": lambda t, m, i: t.country(m.code),
    "language": lambda t, m, i: "English",
    "model": lambda t, m, i: "Aurora X7",
    "brand": lambda t, m, i: "Aurora Motors",
    "link": lambda t, m, i: "https://t.me/ownerbot?start=r_K7Q29X",
    "command": lambda t, m, i: "points",
    "char": lambda t, m, i: "<",
}
# Any other placeholder is a name or a text a person or the catalog supplies.
DEFAULT: Value = lambda t, m, i: NAMES[i % len(NAMES)]  # noqa: E731

# Telegram's HTML parse mode: these tags, properly nested; "<", ">" and "&" escaped.
TELEGRAM_TAGS = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler)>"
    r'|<a href="[^"<>]*">|</a>'
)
ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#\d+);")
LEFTOVER_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
DOUBLED = re.compile(r"(?<![.…])\.\.(?!\.)|。。|!!|\?\?|，，|、、|،،|น\. น\.")
ISOLATE_OPENERS = "\u2066\u2067\u2068"
BIDI_CONTROLS = re.compile(r"[\u200e\u200f\u061c\u2066-\u2069]")
# In right-to-left text, runs of digits and Latin letters separated by spaces or signs
# are laid out right to left: "+966 800 124 2000" shows as "2000 124 800 966+".
UNISOLATED_LTR = re.compile(
    r"[+]?[0-9][0-9.,:/]*[ \-][+]?[0-9A-Za-z]|[A-Za-z][A-Za-z0-9.,:/]*[ \-][+]?[0-9]"
)
LTR_VALUES = (PLATE, VIN, CODE)


def markets_speaking(locale: str) -> list[Market]:
    return [m for m in REFERENCE.markets.values() if locale in m.languages] or [
        REFERENCE.market("GB")
    ]


CASES = [(locale, m.code) for locale in SHIPPED_LOCALES for m in markets_speaking(locale)]


@cache
def messages(locale: str) -> tuple[Message, ...]:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return tuple(m for m in read_po(fh, locale=locale) if m.id)


def message_ids(message: Message) -> tuple[str, ...]:
    return (
        tuple(str(text) for text in message.id)
        if isinstance(message.id, (tuple, list))
        else (str(message.id),)
    )


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def renderings(t: Translator, market: Market, message: Message) -> Iterator[str]:
    """The message as the code renders it: through the catalog, with realistic values
    (each plural entry for several counts)."""
    ids = message_ids(message)
    names = set().union(*(placeholders(text) for text in ids)) - {"n"}
    values = {name: VALUES.get(name, DEFAULT)(t, market, i) for i, name in enumerate(names)}
    context = message.context
    if len(ids) == 1:
        if context:
            yield t.pgettext(context, ids[0], **values)
        else:
            yield t._(ids[0], **values)
        return
    for n in PLURAL_SAMPLES:
        if context:
            yield t.npgettext(context, ids[0], ids[1], n, **values)
        else:
            yield t.ngettext(ids[0], ids[1], n, **values)


def problems_in(text: str, context: str | None, rtl: bool, market: Market) -> Iterator[str]:
    if LEFTOVER_PLACEHOLDER.search(text):
        yield "a placeholder left over"
    if DOUBLED.search(text):
        yield f"doubled punctuation {DOUBLED.search(text)!r}"
    yield from html_problems(text)
    if rtl:
        outside = outside_isolates(text)
        for value in (*LTR_VALUES, market.roadside_phone):
            if value in outside:
                yield f"{value!r} not isolated"
        run = UNISOLATED_LTR.search(outside)
        if run:
            yield f"left-to-right run {run.group(0)!r} not isolated"
    if context in BUTTON_CONTEXTS:
        shown = BUTTON_CONTEXTS[context] + BIDI_CONTROLS.sub("", text)
        if len(shown) > BUTTON_LABEL_LIMIT:
            yield f"a {len(shown)}-character button (limit {BUTTON_LABEL_LIMIT})"


def outside_isolates(text: str) -> str:
    """`text` with what stands inside directional isolates (nested or not) left out."""
    kept, depth = [], 0
    for char in text:
        if char in ISOLATE_OPENERS:
            depth += 1
            kept.append(" ")
        elif char == "\u2069":
            depth = max(depth - 1, 0)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def html_problems(text: str) -> Iterator[str]:
    nesting = tag_problem(text)
    if nesting:
        yield f"HTML: {nesting}"
    bare = TELEGRAM_TAGS.sub("", text)
    if "<" in bare or ">" in bare:
        yield "HTML: a tag Telegram does not know, or an unescaped < or >"
    if "&" in ENTITY.sub("", bare):
        yield "HTML: an unescaped &"


@pytest.mark.parametrize(("locale", "market_code"), CASES)
def test_every_message_renders_cleanly(locale: str, market_code: str) -> None:
    market = REFERENCE.market(market_code)
    t = CATALOGS.translator(locale, market_code)
    rtl = Locale.parse(locale).text_direction == "rtl"
    found = [
        f"{message.context or ''}|{message_ids(message)[0][:50]!r}: {problem}: {text!r}"
        for message in messages(locale)
        for text in renderings(t, market, message)
        for problem in problems_in(text, message.context, rtl, market)
    ]
    assert found == []


def test_the_render_checks_catch_what_they_look_for() -> None:
    """Each check fails on the defect it names, so a green run means something."""
    gb = REFERENCE.market("GB")
    sa = REFERENCE.market("SA")
    assert list(problems_in("Hello {name}", None, False, gb)) == ["a placeholder left over"]
    assert list(problems_in("14 мар. 2025 г.. Если", None, False, gb)) == [
        "doubled punctuation <re.Match object; span=(14, 16), match='..'>"
    ]
    assert list(problems_in("Wait…", None, False, gb)) == []
    assert list(problems_in("<b>bold<i>x</b></i>", None, False, gb)) == [
        "HTML: </b> closes nothing open at that point"
    ]
    assert list(problems_in("<span>x</span> & y", None, False, gb)) == [
        "HTML: a tag Telegram does not know, or an unescaped < or >",
        "HTML: an unescaped &",
    ]
    assert list(problems_in("اتصل على +966 800 124 2000", None, True, sa)) == [
        "'+966 800 124 2000' not isolated",
        "left-to-right run '+966 8' not isolated",
    ]
    assert list(problems_in(f"اتصل على {isolate(sa.roadside_phone)}", None, True, sa)) == []
    assert list(problems_in("✅ " + "W" * 31, "button", False, gb)) == [
        "a 33-character button (limit 32)"
    ]
    assert list(problems_in("W" * 28, "service", False, gb)) == ["a 33-character button (limit 32)"]


def test_a_phone_number_in_arabic_is_isolated_and_reads_left_to_right() -> None:
    ar = CATALOGS.translator("ar", "SA")
    text = ar._("Call {phone}.", phone="+966 800 124 2000")
    assert text == "Call \u2066+966 800 124 2000\u2069."


def test_a_value_ending_in_a_full_stop_is_not_followed_by_a_second() -> None:
    ru = CATALOGS.translator("ru", "KZ")
    es = CATALOGS.translator("es", "MX")
    assert ru._("On {date}.", date=ru.date(DAY)) == "On 14 мар. 2025\u202fг."
    assert es._("<b>{time}</b>. See you!", time=es.time(MOMENT, "America/Mexico_City")) == (
        "<b>12:30\u202fa.m.</b> See you!"
    )


def test_render_cases_cover_every_shipped_locale() -> None:
    assert {locale for locale, _market in CASES} == set(SHIPPED_LOCALES)
