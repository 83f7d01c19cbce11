"""Days and times as people type them: "tomorrow 10 am", "พรุ่งนี้ 10 โมง", "mañana a las
10h", "14/12", "14 Dec", "12月14日 下午3点", "بكرة الساعة ١٠".

Numeric dates are read in the order the market writes them (CLDR's short date pattern:
14/12 in Bangkok and London, 12/14 in the United States); relative days ("today",
"tomorrow", "the day after") and markers of the time of day are known in every
shipped language, and in English wherever the owner is. A date without a year is the
next one to come. Anything not understood is None: the caller asks again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from babel import Locale
from babel.dates import get_date_format, get_time_format

from bot.domain.choices import contains_words, normalise

_BUDDHIST_ERA_OFFSET = 543
MAX_TYPED = 100  # a longer message is not a day and a time

# Relative days by language: (words, days from today). Written as people type them;
# they are normalised like the text before comparing.
RELATIVE_DAYS: dict[str, tuple[tuple[str, int], ...]] = {
    "en": (("today", 0), ("tomorrow", 1), ("day after tomorrow", 2), ("tmr", 1)),
    "es": (("hoy", 0), ("mañana", 1), ("pasado mañana", 2)),
    "pt": (("hoje", 0), ("amanhã", 1), ("depois de amanhã", 2)),
    "ru": (("сегодня", 0), ("завтра", 1), ("послезавтра", 2)),
    "ar": (("اليوم", 0), ("غدا", 1), ("بكرة", 1), ("بعد غد", 2), ("بعد بكرة", 2)),
    "th": (("วันนี้", 0), ("พรุ่งนี้", 1), ("มะรืนนี้", 2), ("มะรืน", 2)),
    "id": (("hari ini", 0), ("besok", 1), ("lusa", 2), ("besok lusa", 2)),
    "tr": (("bugün", 0), ("yarın", 1), ("öbür gün", 2), ("yarından sonra", 2)),
    "de": (("heute", 0), ("morgen", 1), ("übermorgen", 2)),
    "zh": (("今天", 0), ("今日", 0), ("明天", 1), ("明日", 1), ("后天", 2)),
    "vi": (("hôm nay", 0), ("ngày mai", 1), ("mai", 1), ("ngày kia", 2), ("ngày mốt", 2)),
    "ms": (("hari ini", 0), ("esok", 1), ("besok", 1), ("lusa", 2)),
    "kk": (("бүгін", 0), ("ертең", 1), ("бүрсігүні", 2), ("арғы күні", 2)),
    "uz": (("bugun", 0), ("ertaga", 1), ("indinga", 2), ("ertadan keyin", 2)),
    "he": (("היום", 0), ("מחר", 1), ("מחרתיים", 2)),
    "fr": (("aujourd'hui", 0), ("aujourd’hui", 0), ("demain", 1), ("après-demain", 2)),
    "it": (("oggi", 0), ("domani", 1), ("dopodomani", 2)),
    "pl": (("dziś", 0), ("dzisiaj", 0), ("jutro", 1), ("pojutrze", 2)),
}

# Words after (or before) an hour that put it in the afternoon or evening, or in the
# morning, by language. "mañana" is a morning here only inside these phrases.
_PM = (
    r"p\.?\s?m\.?|de la tarde|de la noche|da tarde|da noite|вечера|дня|مساءا|مساء|م"
    r"|sore|malam|siang|petang|öğleden sonra|akşam|nachmittags|abends|chiều|tối"
)
_AM = (
    r"a\.?\s?m\.?|de la mañana|por la mañana|da manhã|de manhã|утра|صباحا|صباح|ص"
    r"|pagi|sabah|morgens|vormittags|sáng"
)
_NOT_A_LETTER = r"(?![^\W\d_])"
_MARK = rf"(?:\s*(?:(?P<pm>{_PM})|(?P<am>{_AM})){_NOT_A_LETTER})"
# Words before an hour that say "at": "a las 10", "um 10", "в 10", "saat 10".
_AT = r"(?<![^\W\d_])(?:a las|a la|às|as|um|в|saat|jam|pukul|lúc|الساعة|ساعة)"

_HOUR = r"(?P<h>[0-2]?\d)"
_MINUTES = r"(?P<m>[0-5]\d)"
_THAI_AFTER = r"(?![\u0e00-\u0e7f])"
_TIME_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        # Thai: "บ่าย 2 โมง" or "บ่ายโมง" (2 pm, 1 pm), "2 ทุ่ม" (8 pm), "4 โมงเย็น",
        # "10 โมงเช้า", "10 โมง", "10.30 น." (the official 24-hour clock), "เที่ยง" (noon).
        ("th_afternoon", rf"บ่าย\s*(?:{_HOUR}\s*(?:โมง)?|(?P<one>โมง))(?P<half>\s*ครึ่ง)?"),
        ("th_night", rf"{_HOUR}\s*ทุ่ม"),
        ("th_o_clock", rf"{_HOUR}\s*โมง\s*(?P<part>เช้า|เย็น)?(?P<half>\s*ครึ่ง)?"),
        ("th_official", rf"{_HOUR}(?:[:.]{_MINUTES})?\s*น(?:\.|{_THAI_AFTER})"),
        ("th_noon", r"เที่ยง"),
        # Chinese: "下午3点", "10点半", "10点30分", "中午12点".
        (
            "zh",
            rf"(?P<part>上午|早上|中午|下午|晚上)?\s*{_HOUR}\s*[点點时時]"
            rf"(?:\s*(?P<half>半)|\s*{_MINUTES}\s*分?)?",
        ),
        # "10:30", "10h30", "10:30 pm", "10 giờ 30"; "10.30" where the locale writes
        # times so, or before a marker.
        ("clock", rf"{_HOUR}\s*(?::|h|giờ)\s*{_MINUTES}{_MARK}?"),
        ("dotted", rf"{_HOUR}\.{_MINUTES}{_MARK}?"),
        # "10 am", "10pm", "10 de la tarde", "10h", "14 Uhr", "10 ч", "2 giờ chiều",
        # "a las 10".
        ("marked", rf"{_HOUR}{_MARK}"),
        ("hour_word", rf"{_HOUR}\s*(?:h|uhr|ч|час|часов|giờ){_NOT_A_LETTER}{_MARK}?"),
        ("at_hour", rf"{_AT}\s+{_HOUR}(?![\d:.]){_MARK}?"),
    )
)

_NUMERIC_DATE = re.compile(r"(?<![\d:])(\d{1,4})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\.?(?![\d:])")
_ZH_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号號]?")
_NUMBER = re.compile(r"(?<!\d)\d{1,4}(?!\d)")


@dataclass(frozen=True)
class TypedWhen:
    """The day and the local time of day a text names, each None when it names none."""

    day: date | None = None
    time: time | None = None


def read_when(text: str, locale: Locale | str, today: date) -> TypedWhen:
    """The day and time in `text`, for an owner writing in `locale` (a formatting
    locale with the market: "th_TH", "en_GB", "en_US"), `today` being their date."""
    locale = Locale.parse(locale)
    light = _light(text[:MAX_TYPED])
    moment, light = _take_time(light, locale)
    day, light = _take_numeric_day(light, locale, today)
    if day is None:
        day = _named_day(normalise(light), locale, today)
    return TypedWhen(day=day, time=moment)


def read_hour(text: str) -> time | None:
    """A bare hour ("10", "๑๔"), for a screen that already shows one day's times."""
    light = _light(text).strip()
    if light.isdecimal() and int(light) < 24:
        return time(int(light), 0)
    return None


def _light(text: str) -> str:
    """Lower case with 0-9 digits and without accents or invisible marks, punctuation
    kept (dates and times need it)."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(ch)
        if category == "Nd":
            out.append(str(unicodedata.decimal(ch)))
        elif category == "Cf":
            continue  # right-to-left marks around Arabic dates
        elif category == "Mn" and not "\u0e00" <= ch <= "\u0e7f":
            continue
        else:
            out.append(ch.casefold())
    return "".join(out)


# --- time of day -----------------------------------------------------------------------


def _take_time(text: str, locale: Locale) -> tuple[time | None, str]:
    dotted_times = "." in get_time_format("short", locale=locale).pattern
    for name, pattern in _TIME_PATTERNS:
        found = pattern.search(text)
        if found is None:
            continue
        groups = {k: v for k, v in found.groupdict().items() if v}
        if name == "dotted" and not dotted_times and not ({"am", "pm"} & groups.keys()):
            continue
        moment = _time_from(name, groups)
        if moment is not None:
            return moment, text[: found.start()] + " " + text[found.end() :]
    return None, text


def _time_from(name: str, groups: dict[str, str]) -> time | None:
    hour = int(groups.get("h", "12"))
    minute = 30 if "half" in groups else int(groups.get("m", "0"))
    part = groups.get("part", "")
    if name == "th_afternoon":
        hour = 13 if "one" in groups else hour + 12 if hour < 12 else hour
    elif name == "th_night":
        hour = hour + 18 if 1 <= hour <= 5 else -1
    elif name == "th_o_clock":
        # Said aloud, "N โมง" is N in the morning from 7 to 11 and in the afternoon
        # from 1 to 6 ("บ่าย" left out); "เช้า" and "เย็น" say which outright.
        if part == "เย็น" or (not part and 1 <= hour <= 6):
            hour = hour + 12 if hour < 12 else hour
    elif part in ("下午", "晚上", "中午") or "pm" in groups:
        hour = hour + 12 if hour < 12 else hour
    elif "am" in groups and hour == 12:
        hour = 0
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:
        return None
    return time(hour, minute)


# --- days --------------------------------------------------------------------------------


@cache
def _date_order(locale: Locale) -> tuple[str, ...]:
    """ "dMy", "Mdy" or "yMd": the order of the short date pattern's fields."""
    pattern = get_date_format("short", locale=locale).pattern
    return tuple(dict.fromkeys(c for c in pattern if c in "dMy"))


def _take_numeric_day(text: str, locale: Locale, today: date) -> tuple[date | None, str]:
    found = _ZH_DATE.search(text)
    if found is not None:
        year, month, day = found.groups()
        return _complete(int(day), int(month), year, locale, today), text
    found = _NUMERIC_DATE.search(text)
    if found is None:
        return None, text
    first, second, third = found.groups()
    if len(first) == 4:  # ISO order, whatever the market writes
        fields = {"y": first, "M": second, "d": third or ""}
    else:
        order = [f for f in _date_order(locale) if third or f != "y"]
        fields = dict(zip(order, (first, second, third or ""), strict=False))
    if not fields.get("d") or not fields.get("M"):
        return None, text
    day = _complete(int(fields["d"]), int(fields["M"]), fields.get("y") or None, locale, today)
    return day, text[: found.start()] + " " + text[found.end() :]


def _complete(day: int, month: int, year: str | None, locale: Locale, today: date) -> date | None:
    """A day and month, and maybe a year: two digits are this century; Thai readers
    may write the Buddhist era (2569, or 69). No year: the next such day to come."""
    try:
        if year is None:
            this_year = date(today.year, month, day)
            return this_year if this_year >= today else date(today.year + 1, month, day)
        number = int(year)
        if locale.language == "th" and number >= 2400:
            number -= _BUDDHIST_ERA_OFFSET
        elif number < 100:
            number += 2000
            if locale.language == "th" and number > today.year + 5:
                number += 500 - _BUDDHIST_ERA_OFFSET
        return date(number, month, day)
    except ValueError:
        return None


def _named_day(words: str, locale: Locale, today: date) -> date | None:
    """A relative day, a month's day named with its month ("14 Dec"), or a weekday."""
    for phrase, offset in _relative_words(locale.language):
        if contains_words(words, phrase):
            return today + timedelta(days=offset)
    for phrase, month in _month_names(locale):
        if contains_words(words, phrase):
            rest = words.replace(phrase, " ")
            numbers = [int(n) for n in _NUMBER.findall(rest)]
            days = [n for n in numbers if 1 <= n <= 31]
            years = [str(n) for n in numbers if n >= 1000]
            if len(days) == 1:
                return _complete(days[0], month, years[0] if years else None, locale, today)
            return None
    for phrase, weekday in _weekday_names(locale):
        if contains_words(words, phrase):
            ahead = (weekday - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead)
    return None


@cache
def _relative_words(language: str) -> tuple[tuple[str, int], ...]:
    own = RELATIVE_DAYS.get(language, ())
    words = {normalise(w): d for w, d in (*own, *RELATIVE_DAYS["en"])}
    # Longest first: "pasado mañana" before "mañana", "übermorgen" is a word of its own.
    return tuple(sorted(words.items(), key=lambda item: -len(item[0])))


@cache
def _month_names(locale: Locale) -> tuple[tuple[str, int], ...]:
    return _names(locale, "months")


@cache
def _weekday_names(locale: Locale) -> tuple[tuple[str, int], ...]:
    return _names(locale, "days")  # CLDR counts weekdays from Monday = 0, as Python


def _names(locale: Locale, kind: str) -> tuple[tuple[str, int], ...]:
    """CLDR's wide and abbreviated names in the locale and in English, longest first
    (abbreviations shorter than three letters name too much)."""
    found: dict[str, int] = {}
    for source in (locale, Locale.parse("en")):
        table = getattr(source, kind)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for key, name in table[context][width].items():
                    word = normalise(str(name))
                    if len(word.replace(" ", "")) >= 2 and (width == "wide" or len(word) >= 3):
                        found.setdefault(word, int(key))
                        if word.startswith("วัน") and len(word) > 4:  # "จันทร์" as well as "วันจันทร์"
                            found.setdefault(word[3:], int(key))
    return tuple(sorted(found.items(), key=lambda item: -len(item[0])))
