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
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale, localedata
from babel import core as babel_core
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from babel.core import get_global
from babel.support import Translations
from icu import Collator
from icu import Locale as IcuLocale

from bot.i18n_rules import EraFormat, fill, in_zone, widen
from bot.i18n_rules import Html as Html
from bot.i18n_rules import escape as escape

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
    "kk",
    "uz",
    "he",
)
# Locales being translated: each has a catalog (`make i18n` keeps it in step) and its
# place in the tables keyed by locale (plural forms, opt-out words, typed dates); it
# moves to SHIPPED_LOCALES with its complete catalog, which `make i18n-check` then holds
# to every rule. Until then nobody is served it.
PENDING_LOCALES: tuple[str, ...] = ()
CATALOG_LOCALES = SHIPPED_LOCALES + PENDING_LOCALES

# Telegram sends IETF tags ("pt-br", "zh-hans", "en-US"). A bare language maps to the
# variant we ship; legacy or sibling codes map to what their readers read.
_LANGUAGE_ALIASES = {
    "pt": "pt_BR",
    "zh": "zh_Hans",
    "in": "id",  # the pre-1989 ISO codes some Android clients still send
    "iw": "he",
}
# Tags whose readers read another script than the variant we ship: Traditional
# Chinese (zh-Hant, and Taiwan, Hong Kong and Macau without a script) is not served
# Simplified, nor Cyrillic or Arabic-script Uzbek the Latin catalog ("uz" is Babel's
# Latin Uzbek, so uz-Latn and uz-UZ are served it); they fall back as an unsupported
# language does.
_OTHER_SCRIPT_TAGS = {
    "zh": ("hant", "tw", "hk", "mo"),
    "uz": ("cyrl", "arab"),
}


def _shipped(locale: str | None) -> str | None:
    return locale if locale in SHIPPED_LOCALES else None


def N_(message: str) -> str:
    """Mark a string for extraction; translate it later with `Translator._`."""
    return message


def locale_from_language_code(code: str | None) -> str | None:
    """The shipped locale for a client's language_code, or None if we ship none."""
    if not code:
        return None
    tag = code.strip().replace("_", "-").lower()
    shipped = {loc.lower().replace("_", "-"): loc for loc in SHIPPED_LOCALES}
    if tag in shipped:
        return shipped[tag]
    if tag in _LANGUAGE_ALIASES:
        return _shipped(_LANGUAGE_ALIASES[tag])
    language, *subtags = tag.split("-")
    if set(subtags) & set(_OTHER_SCRIPT_TAGS.get(language, ())):
        return None
    if language in _LANGUAGE_ALIASES:
        return _shipped(_LANGUAGE_ALIASES[language])
    return shipped.get(language)


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
        return fill(self._tr.gettext(message), values, self.is_rtl)

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._tr.ngettext(singular, plural, n)
        return fill(text, {"n": self.number(n), **values}, self.is_rtl)

    def pgettext(self, context: str, message: str, **values: object) -> str:
        return fill(self._tr.pgettext(context, message), values, self.is_rtl)

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: object) -> str:
        text = self._tr.npgettext(context, singular, plural, n)
        return fill(text, {"n": self.number(n), **values}, self.is_rtl)

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
        them all. The symbol is the market's (`currency_symbol`)."""
        digits = babel_numbers.get_currency_precision(currency)
        amount = Decimal(minor_units).scaleb(-digits)
        cash = self._cash_digits if self._cash_digits is not None else _cldr_cash_digits(currency)
        pattern = copy.copy(babel_numbers.parse_pattern(self.locale.currency_formats["standard"]))
        symbol = self.currency_symbol(currency)
        positive, negative = (part.replace("¤", symbol) for part in pattern.prefix)
        pattern.prefix = (positive, negative)
        positive, negative = (part.replace("¤", symbol) for part in pattern.suffix)
        pattern.suffix = (positive, negative)
        if cash < digits and minor_units % 10 ** (digits - cash) == 0:
            pattern.frac_prec = (cash, cash)
            return str(pattern.apply(amount, self.locale, currency=currency, currency_digits=False))
        return str(pattern.apply(amount, self.locale, currency=currency))

    def currency_symbol(self, currency: str) -> str:
        """The symbol people in the market write: the language's own when it has one
        (€, $, ₸ in ru_KZ), else the market's when readable in any language (฿ and
        RM for a Chinese or English speaker in Thailand or Malaysia), else the code."""
        own = babel_numbers.get_currency_symbol(currency, self.locale)
        if own != currency or not self.territory:
            return own
        local = _territory_currency_symbol(self.territory, currency)
        return local if local and _readable_everywhere(local) else own

    def distance(self, km: int, unit: DistanceUnit) -> str:
        """Short units ("12,500 km", "7,767 mi"): CLDR has them in every language,
        while some long forms are missing (Chinese kilometres, Thai miles)."""
        if unit == "mi":
            miles = (Decimal(km) / _KM_PER_MILE).quantize(Decimal(1))
            return babel_units.format_unit(miles, "length-mile", length="short", locale=self.locale)
        return babel_units.format_unit(km, "length-kilometer", length="short", locale=self.locale)

    def duration(self, minutes: int) -> str:
        """How long something takes, in CLDR's short units ("45 min", "60 min", "1.5 hr"),
        or its long ones where the short ones are not what people write ("2 jam", not
        "2 j"). Up to an hour and a half in minutes: CLDR's short "1 hour" is wrong in
        Spanish and Portuguese ("1 horas")."""
        length: Literal["short", "long"] = (
            "long" if self.locale.language in _LONG_DURATION_LANGUAGES else "short"
        )
        if minutes < 90:
            return babel_units.format_unit(
                minutes, "duration-minute", length=length, locale=self.locale
            )
        hours = (Decimal(minutes) / 60).quantize(Decimal("0.1")).normalize()
        return babel_units.format_unit(hours, "duration-hour", length=length, locale=self.locale)

    def date(self, value: dt.date, fmt: str = "medium") -> str:
        """A named CLDR format ("short", "medium", "long", "full") or a pattern."""
        named = self.locale.date_formats.get(fmt) if fmt in _NAMED_FORMATS else None
        return self._format(value, named.pattern if named else fmt)

    def datetime(self, value: dt.datetime, zone: str | dt.tzinfo, fmt: str = "medium") -> str:
        local = in_zone(value, zone)
        if fmt not in _NAMED_FORMATS:
            return self._format(local, fmt)
        glue = str(self.locale.datetime_formats[fmt]).replace("'", "")
        return glue.replace("{0}", self.time(local, local.tzinfo or dt.UTC, fmt)).replace(
            "{1}", self.date(local, fmt)
        )

    def time(self, value: dt.datetime, zone: str | dt.tzinfo, fmt: str = "short") -> str:
        named = self.locale.time_formats.get(fmt) if fmt in _NAMED_FORMATS else None
        return self._format(in_zone(value, zone), named.pattern if named else fmt)

    def skeleton(self, value: dt.date | dt.datetime, skeleton: str, zone: str | None = None) -> str:
        """CLDR skeletons, e.g. "MMMMEd" for "Tue, March 14" in the locale's order.

        As CLDR specifies (and Babel does not), the closest pattern the locale has is
        widened to the fields asked for: "yMMMMEEEEd" gives the full weekday even
        where the locale only lists "yMMMMEd"."""
        known = self.locale.datetime_skeletons
        matched = skeleton if skeleton in known else babel_dates.match_skeleton(skeleton, known)
        if matched is None:
            raise KeyError(skeleton)
        pattern = widen(str(known[matched]), skeleton)
        return self._format(in_zone(value, zone) if zone else value, pattern)

    def _format(self, value: dt.date | dt.time, pattern: str) -> str:
        offset = _ERA_YEAR_OFFSETS.get(self.locale.language, 0)
        return babel_dates.parse_pattern(pattern) % EraFormat(value, self.locale, offset)

    def month_year(self, value: dt.date) -> str:
        return self.skeleton(value, "yMMMM")

    def weekday_short(self, weekday: int) -> str:
        """Narrow header for calendars; weekday 0 = Monday."""
        return str(self.locale.days["stand-alone"]["short"][weekday])

    def hour(self, hour: int) -> str:
        """A whole hour of the day in the locale's clock style ("9:00 AM", "09:00")."""
        value = dt.time(23, 59) if hour == 24 else dt.time(hour, 0)
        return self._format(value, self.locale.time_formats["short"].pattern)

    def country(self, territory: str) -> str:
        return str(self.locale.territories.get(territory, territory))

    def language(self, locale_code: str) -> str:
        """A language's name in this one ("Thai", "ไทย", "тайский")."""
        name = Locale.parse(locale_code).get_display_name(self.locale) or locale_code
        return name[:1].upper() + name[1:]

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


_NAMED_FORMATS = ("short", "medium", "long", "full")

# Short duration units people do not write ("2 j" for two hours in Indonesian and
# Malay, "45 د" for minutes in Arabic): these languages get CLDR's long units.
_LONG_DURATION_LANGUAGES = frozenset({"id", "ms", "ar"})

# Years counted in another era where people date by it: Thai uses the Buddhist era
# (2568 = 2025), which CLDR lists first for Thailand and Babel does not format.
_ERA_YEAR_OFFSETS = {"th": 543}


@cache
def _territory_currency_symbol(territory: str, currency: str) -> str | None:
    """The symbol in the territory's own main language (฿ in Thailand, RM in Malaysia)."""
    try:
        local = Locale.parse(f"und_{territory}")
    except (ValueError, babel_core.UnknownLocaleError):
        return None
    symbol = babel_numbers.get_currency_symbol(currency, local)
    return None if symbol == currency else symbol


def _readable_everywhere(symbol: str) -> bool:
    """A sign (฿, ₸) or Latin letters (RM): not letters of a script the reader may not
    read (ر.س.)."""
    return all(
        not char.isalpha() or unicodedata.name(char, "").startswith("LATIN") for char in symbol
    )


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
