"""Translations and locale-aware formatting.

Every user-facing string goes through a `Translator`: `t._("Hello, {name}!", name=...)`,
`t.ngettext(...)` for counts, `t.pgettext("button", ...)` for button labels (the catalog
check holds labels to what Telegram shows well). Placeholder values are HTML-escaped
after translating, because we send in Telegram's HTML parse mode; wrap a value in `Html`
when it is already safe markup.

Dates, numbers, money, distances and country names come from Babel/CLDR; the order
lists are sorted in comes from ICU's CLDR collation (`Translator.sort_key`).
"""

from __future__ import annotations

import copy
import datetime as dt
import gettext as _gettext
import html
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, localedata
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.core import get_global
from babel.support import Translations
from icu import Collator
from icu import Locale as IcuLocale

SOURCE_LOCALE = "en"
SHIPPED_LOCALES: tuple[str, ...] = (
    "en",
    "es",
    "pt_BR",
    "ru",
    "ar",
    "th",
    "id",
    "tr",
    "de",
    "zh_Hans",
    "fr",
    "it",
    "pl",
    "vi",
    "ms",
)
# Locales being translated: each has a catalog (`make i18n` keeps it in step) and its
# place in the tables keyed by locale (plural forms, opt-out words, typed dates); it
# moves to SHIPPED_LOCALES with its complete catalog, which `make i18n-check` then holds
# to every rule. Until then nobody is served it.
PENDING_LOCALES: tuple[str, ...] = (
    "kk",
    "uz",
    "he",
)
CATALOG_LOCALES = SHIPPED_LOCALES + PENDING_LOCALES

# Telegram sends IETF tags ("pt-br", "zh-hans", "en-US"). A bare language maps to the
# variant we ship; legacy or sibling codes map to what their readers read.
_LANGUAGE_ALIASES = {
    "pt": "pt_BR",
    "zh": "zh_Hans",
    "in": "id",  # the pre-1989 ISO codes some Android clients still send
    "iw": "he",
}
# Script subtags naming a script the language's catalog is not written in: such a
# reader falls back as for an unshipped language. Uzbek is written in Latin script in
# Uzbekistan ("uz" is Babel's Latin Uzbek, so uz-Latn and uz-UZ are served it).
_OTHER_SCRIPTS = {"uz": ("cyrl", "arab")}
_TAG_TO_LOCALE = {loc.lower().replace("_", "-"): loc for loc in SHIPPED_LOCALES}


def _shipped(locale: str | None) -> str | None:
    return locale if locale in SHIPPED_LOCALES else None


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `Translator._`."""
    return message


class Html(str):
    """A value that is already safe HTML and must not be escaped again."""

    __slots__ = ()


def escape(value: object) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(str(value), quote=False)


def locale_from_language_code(code: str | None) -> str | None:
    """The shipped locale for a client's language_code, or None if we ship none."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    if tag in _TAG_TO_LOCALE:
        return _TAG_TO_LOCALE[tag]
    if tag in _LANGUAGE_ALIASES:
        return _shipped(_LANGUAGE_ALIASES[tag])
    language, *subtags = tag.split("-")
    if any(script in subtags for script in _OTHER_SCRIPTS.get(language, ())):
        return None
    if language in _LANGUAGE_ALIASES:
        return _shipped(_LANGUAGE_ALIASES[language])
    return _TAG_TO_LOCALE.get(language)


def negotiate_locale(
    explicit: str | None, language_code: str | None, fallbacks: Sequence[str | None] = ()
) -> str:
    """The owner's explicit choice, else the client's language if shipped, else the
    fallbacks in order (the language the dealer recorded, then the market's
    languages), else English (docs/design.md, Languages)."""
    if explicit in SHIPPED_LOCALES:
        return explicit
    from_client = locale_from_language_code(language_code)
    if from_client:
        return from_client
    for candidate in fallbacks:
        if candidate in SHIPPED_LOCALES:
            return candidate
    return SOURCE_LOCALE


# CLDR's self-names, except where speakers name their language differently in a menu.
_NATIVE_NAME_OVERRIDES = {
    "id": "Bahasa Indonesia",
    "zh_Hans": "简体中文",
    "ms": "Bahasa Melayu",
    "uz": "O‘zbekcha",
}


def native_language_name(locale_code: str) -> str:
    if locale_code in _NATIVE_NAME_OVERRIDES:
        return _NATIVE_NAME_OVERRIDES[locale_code]
    name = Locale.parse(locale_code).get_display_name(locale_code) or locale_code
    return name[:1].upper() + name[1:]


DistanceUnit = Literal["km", "mi"]
_KM_PER_MILE = Decimal("1.609344")


def formatting_locale(locale_code: str, territory: str | None) -> str:
    """The CLDR locale for numbers, dates and currency symbols: the language as spoken
    in the owner's market when CLDR knows it (en_GB dates, ru_KZ's ₸), else
    international English for English, else the language itself."""
    if territory:
        candidate = f"{locale_code}_{territory}"
        if localedata.exists(candidate):
            return candidate
        if locale_code == SOURCE_LOCALE:
            return "en_001"
    return locale_code


class Translator:
    """Translations (by `code`) and formatting (by `locale`, which may add the market)."""

    def __init__(
        self,
        locale_code: str,
        translations: _gettext.NullTranslations,
        territory: str | None = None,
        cash_digits: int | None = None,
    ) -> None:
        """`cash_digits`: the minor digits people use in prices in the territory, where
        they use fewer than the currency has (CLDR's cash digits otherwise)."""
        self.code = locale_code
        self.territory = territory
        self.locale = Locale.parse(formatting_locale(locale_code, territory))
        self._tr = translations
        self._cash_digits = cash_digits

    @property
    def translations(self) -> _gettext.NullTranslations:
        """The catalog itself, for tools that need a sentence unfilled (templates)."""
        return self._tr

    # --- messages -------------------------------------------------------------

    def _(self, message: str, **values: object) -> str:
        return _fill(self._tr.gettext(message), values)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return _fill(self._tr.ngettext(singular, plural, n), {"n": self.number(n), **values})

    def pgettext(self, context: str, message: str, **values: object) -> str:
        return _fill(self._tr.pgettext(context, message), values)

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._tr.npgettext(context, singular, plural, n)
        return _fill(text, {"n": self.number(n), **values})

    # --- formatting -------------------------------------------------------------

    def sort_key(self, text: str) -> bytes:
        """Sorts as the language does (CLDR collation): Ägypten after Afghanistan in
        German, pinyin order in Chinese, Thai by consonant rather than leading vowel."""
        return bytes(_collator(self.code).getSortKey(text))

    @property
    def is_rtl(self) -> bool:
        return self.locale.text_direction == "rtl"

    @property
    def first_week_day(self) -> int:
        """0 = Monday ... 6 = Sunday. CLDR ties the week to a country, not a language:
        an English speaker in Bangkok expects Sunday first, in London Monday."""
        if self.territory:
            return int(Locale.parse(f"und_{self.territory}").first_week_day)
        return int(self.locale.first_week_day)

    def number(self, value: int | Decimal) -> str:
        return babel_numbers.format_decimal(value, locale=self.locale)

    def signed(self, value: int) -> str:
        """+1,234 or -500, for ledger movements."""
        return babel_numbers.format_decimal(value, format="+#,##0;-#,##0", locale=self.locale)

    def percent(self, value: float | Decimal, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return babel_numbers.format_percent(value, format=pattern, locale=self.locale)

    def money(self, minor_units: int, currency: str) -> str:
        """Amounts are integers in minor units; CLDR knows each currency's digits.

        Where people don't write minor units in prices (฿4,500, Rp500.000: the market's
        `cash_digits`, else CLDR's cash digits for the currency) a whole amount is
        written without them; an amount that has them (an invoice of ฿4,500.50) keeps
        them all."""
        digits = babel_numbers.get_currency_precision(currency)
        amount = Decimal(minor_units).scaleb(-digits)
        cash = self._cash_digits if self._cash_digits is not None else _cldr_cash_digits(currency)
        if cash < digits and minor_units % 10 ** (digits - cash) == 0:
            pattern = copy.copy(
                babel_numbers.parse_pattern(self.locale.currency_formats["standard"])
            )
            pattern.frac_prec = (cash, cash)
            return str(pattern.apply(amount, self.locale, currency=currency, currency_digits=False))
        return babel_numbers.format_currency(amount, currency, locale=self.locale)

    def distance(self, km: int, unit: DistanceUnit) -> str:
        """Short units ("12,500 km", "7,767 mi"): CLDR has them in every language,
        while some long forms are missing (Chinese kilometres, Thai miles)."""
        if unit == "mi":
            miles = (Decimal(km) / _KM_PER_MILE).quantize(Decimal(1))
            return babel_units.format_unit(miles, "length-mile", length="short", locale=self.locale)
        return babel_units.format_unit(km, "length-kilometer", length="short", locale=self.locale)

    def duration(self, minutes: int) -> str:
        """How long something takes, in CLDR's short units ("45 min", "60 min", "1.5 hr").
        Up to an hour and a half in minutes: CLDR's short "1 hour" is wrong in Spanish
        and Portuguese ("1 horas")."""
        if minutes < 90:
            return babel_units.format_unit(
                minutes, "duration-minute", length="short", locale=self.locale
            )
        hours = (Decimal(minutes) / 60).quantize(Decimal("0.1")).normalize()
        return babel_units.format_unit(hours, "duration-hour", length="short", locale=self.locale)

    def date(self, value: dt.date, fmt: str = "medium") -> str:
        return babel_dates.format_date(value, format=fmt, locale=self.locale)

    def datetime(self, value: dt.datetime, zone: str | dt.tzinfo, fmt: str = "medium") -> str:
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        return babel_dates.format_datetime(value, format=fmt, tzinfo=tz, locale=self.locale)

    def time(self, value: dt.datetime, zone: str | dt.tzinfo, fmt: str = "short") -> str:
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone
        return babel_dates.format_time(value, format=fmt, tzinfo=tz, locale=self.locale)

    def skeleton(self, value: dt.date | dt.datetime, skeleton: str, zone: str | None = None) -> str:
        """CLDR skeletons, e.g. "MMMMEd" for "Tue, March 14" in the locale's order."""
        tz = ZoneInfo(zone) if zone else None
        return babel_dates.format_skeleton(skeleton, value, tzinfo=tz, locale=self.locale)

    def month_year(self, value: dt.date) -> str:
        return self.skeleton(value, "yMMMM")

    def weekday_short(self, weekday: int) -> str:
        """Narrow header for calendars; weekday 0 = Monday."""
        return str(self.locale.days["stand-alone"]["short"][weekday])

    def hour(self, hour: int) -> str:
        """A whole hour of the day in the locale's clock style ("9:00 AM", "09:00")."""
        if hour == 24:
            return babel_dates.format_time(dt.time(23, 59), format="short", locale=self.locale)
        return babel_dates.format_time(dt.time(hour, 0), format="short", locale=self.locale)

    def country(self, territory: str) -> str:
        return str(self.locale.territories.get(territory, territory))

    def currency_name(self, currency: str) -> str:
        return babel_numbers.get_currency_name(currency, locale=self.locale)


@cache
def _collator(locale_code: str) -> Collator:
    return Collator.createInstance(IcuLocale(locale_code))


def _cldr_cash_digits(currency: str) -> int:
    """The minor digits used in cash (CLDR: 0 for the rupiah, 2 for most currencies)."""
    fractions = get_global("currency_fractions")
    digits, _rounding, cash_digits, _cash_rounding = fractions.get(currency, fractions["DEFAULT"])
    return int(cash_digits if cash_digits is not None else digits)


def _fill(template: str, values: Mapping[str, object]) -> str:
    if not values:
        return template
    return template.format_map({key: escape(value) for key, value in values.items()})


class Catalogs:
    """Loads each shipped locale's compiled catalog once."""

    def __init__(self, locales_dir: Path, cash_digits: Mapping[str, int] | None = None) -> None:
        """`cash_digits`: by territory, the minor digits prices use there when fewer than
        the currency's (bot/data/markets.toml)."""
        self.locales_dir = locales_dir
        self.cash_digits = dict(cash_digits or {})

    @cache  # noqa: B019 - one instance per process, few combinations
    def translator(self, locale_code: str, territory: str | None = None) -> Translator:
        if locale_code not in SHIPPED_LOCALES:
            locale_code = SOURCE_LOCALE
        cash = self.cash_digits.get(territory) if territory else None
        return Translator(locale_code, self._translations(locale_code), territory, cash)

    @cache  # noqa: B019
    def _translations(self, locale_code: str) -> _gettext.NullTranslations:
        translations = Translations.load(
            str(self.locales_dir), locales=[locale_code], domain="messages"
        )
        if locale_code != SOURCE_LOCALE and not isinstance(translations, Translations):
            raise FileNotFoundError(
                f"no compiled catalog for {locale_code} in {self.locales_dir}: run `make mo`"
            )
        return translations
