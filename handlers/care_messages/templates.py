"""Care messages as template messages, for platforms that take free-form messages only
for a while after the person wrote (WhatsApp's 24-hour window).

Each rule names its lead sentences: the catalog strings its renderer builds its main
text from (a rule whose renderer says one of several things names them all). A
template is one lead sentence in one language (and plural form), its placeholders
numbered in the order the English source names them. At send time the renderer runs
with a `RecordingTranslator`, and the lead sentence it actually said, with the values
it was filled with, becomes the screen's `Template`.

This module is a table of catalog strings: they must match the renderers' word for
word (tests/unit/test_whatsapp_templates.py checks every one is in the catalog).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from bot.domain.care import CATEGORY_OF, Category, Rule
from bot.i18n import SHIPPED_LOCALES, Catalogs, Translator
from handlers.types import Screen, Template


@dataclass(frozen=True, slots=True)
class Lead:
    singular: str
    plural: str | None = None  # an ngettext sentence: a template per plural form


_SERVICE_DUE = (
    Lead(
        "Your {model}'s first service is due around {date}. It's quick, and it keeps "
        "your warranty in order. Shall we find a time?"
    ),
    Lead(
        "Your {model}'s service was due on {date}. Regular service keeps it safe and "
        "protects its value: book a visit in a minute."
    ),
    Lead(
        "Your {model}'s service is due in {n} day, around {date}.",
        "Your {model}'s service is due in {n} days, around {date}.",
    ),
)
_SURVEY = (
    Lead(
        "Thank you for visiting {center} today! How likely are you to recommend us to a "
        "friend or colleague? 0 means not at all, 10 means extremely likely."
    ),
    Lead(
        "Two days ago you visited {center}. Would you tell us how it went? One tap is "
        "enough: how likely are you to recommend us to a friend (0 to 10)?"
    ),
)
_RENEWAL = (
    Lead(
        "The insurance of your {model} renews on {date}. Your dealer can offer you a "
        "renewal with genuine parts and repairs at our service centers."
    ),
    Lead("The registration of your {model} must be renewed by {date}."),
)

# Staff's own words can't be approved by Meta ahead: outside WhatsApp's 24-hour window
# an announcement's copy is skipped ("outside the platform's window, and no template").
WITHOUT_TEMPLATE = frozenset({Rule.ANNOUNCEMENT})

LEADS: dict[str, tuple[Lead, ...]] = {
    Rule.WELCOME: (
        Lead("Welcome to the {brand} owners' club, {name}! Here is what I can do for you:"),
    ),
    Rule.TIPS_DAY_7: (
        Lead(
            "One week together, {name}! A tip: check the tyre pressure once a month while the "
            "tyres are cold. The right values are on the sticker inside the driver's door."
        ),
    ),
    Rule.TIPS_DAY_30: (
        Lead(
            "A month in the club! You earn points for every service visit, for answering "
            "surveys and for friends you bring along. Right now you have {points}."
        ),
    ),
    Rule.BIRTHDAY: (
        Lead(
            "Happy birthday, {name}! 🎂 Everyone at {brand} wishes you a wonderful year and "
            "many happy journeys."
        ),
    ),
    Rule.FIRST_SERVICE: _SERVICE_DUE,
    Rule.MAINTENANCE_DUE: _SERVICE_DUE,
    Rule.WARRANTY_EXPIRY: (
        Lead(
            "The factory warranty of your {model} ends on {date}. A check-up before then "
            "means anything we find is repaired under warranty."
        ),
    ),
    Rule.INSPECTION_DUE: (
        Lead(
            "The periodic inspection of your {model} is due around {date}. We can check the "
            "car beforehand, so it passes the first time."
        ),
    ),
    Rule.INSURANCE_RENEWAL: _RENEWAL,
    Rule.REGISTRATION_RENEWAL: _RENEWAL,
    Rule.RECALL: (
        Lead(
            "⚠️ <b>Safety recall</b> for your {model} (VIN ending {vin}): {title}. The repair "
            "is free and takes little time. Please book it as soon as you can."
        ),
    ),
    Rule.BOOKING_REMINDER: (
        Lead(
            "⏰ Reminder: your service visit at {center} is on {when} (the center's local "
            "time). Address: {address}."
        ),
    ),
    Rule.SURVEY: _SURVEY,
    Rule.SURVEY_NUDGE: _SURVEY,
    Rule.ANNIVERSARY: (
        Lead(
            "{n} year with your {model} today! Thank you for driving with us, {name}.",
            "{n} years with your {model} today! Thank you for driving with us, {name}.",
        ),
    ),
    Rule.TRADE_IN: (
        Lead(
            "Your {model} has been with you for {n} year. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free "
            "valuation.",
            "Your {model} has been with you for {n} years. Curious how the new models drive, "
            "or what yours is worth? Book a test drive or ask your dealer for a free "
            "valuation.",
        ),
    ),
    Rule.POINTS_EXPIRING: (
        Lead(
            "{n} of your points expires on {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
            "{n} of your points expire from {date}. Treat yourself before then: a coffee, a "
            "service voucher or a donation.",
        ),
    ),
    Rule.TIER_PROMOTED: (
        Lead("Congratulations, {name}! You are now a {tier} member. Your perks:"),
    ),
    Rule.TIER_DEMOTION_NOTICE: (
        Lead(
            "To keep your {tier} status you need {n} more status point by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
            "To keep your {tier} status you need {n} more status points by {date}. A service "
            "visit, a survey or a friend's test drive all count.",
        ),
    ),
    Rule.WIN_BACK: (
        Lead(
            "We miss you, {name}! It's been a while since your last visit. A check-up now "
            "keeps small things from becoming big ones, and you earn points for it."
        ),
        Lead(
            "{name}, your car deserves a check-up. Book a visit this month and we'll look "
            "it over from tyres to brakes."
        ),
        Lead(
            "One last note from us, {name}: whenever you're ready, your service center is "
            "two taps away."
        ),
    ),
    Rule.REFERRAL_STAGE: (
        Lead("📞 {dealer} has contacted {friend}."),
        Lead("📅 {friend} has booked a test drive at {dealer}."),
        Lead("🚗 {friend} has taken a test drive."),
        Lead("📝 {friend} has ordered a new car!"),
        Lead("🎉 {friend} has received their new car!"),
        Lead(
            "{friend} has decided not to go ahead for now. Thank you for recommending us "
            "all the same."
        ),
        Lead("{friend}'s order was cancelled."),
    ),
    Rule.EVENT_REMINDER: (
        Lead(
            "⏰ Reminder: {title} is on {when}, at {place}. Your check-in code is <b>{code}</b>: "
            "show it, or the QR code from the Ticket button, to the team at the door."
        ),
    ),
    Rule.EVENT_SURVEY: (
        Lead(
            "Thank you for coming to {title}! How did you like it? One tap is enough: "
            "1 star is poor, 5 stars is excellent."
        ),
    ),
    Rule.EVENT_CANCELLED: (
        Lead(
            "❌ {title} on {when} has been called off. We're sorry! "
            "See /events for the club's other events."
        ),
    ),
    Rule.WELCOME_GIFT: (
        Lead(
            "🎁 Welcome to the {brand} owners' club! A welcome gift of {points} is in your account."
        ),
    ),
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholders(lead: Lead, translated: str | None = None) -> list[str]:
    """The lead's placeholder names in the order the English source names them; with
    `translated`, only those that translation uses (an Arabic "today" drops the {n})."""
    names: list[str] = []
    for name in _PLACEHOLDER.findall(lead.singular + " " + (lead.plural or "")):
        if name not in names:
            names.append(name)
    if translated is not None:
        used = set(_PLACEHOLDER.findall(translated))
        names = [name for name in names if name in used]
    return names


def template_name(rule: str, index: int, plural_form: int | None) -> str:
    """care_<rule>_<lead>[_f<plural form>]: lower case, digits and underscores."""
    name = f"care_{rule}_{index + 1}"
    return name if plural_form is None else f"{name}_f{plural_form}"


@dataclass(frozen=True, slots=True)
class TemplateText:
    """One template to submit: its body is our HTML, placeholders numbered {{1}} ..."""

    name: str
    marketing: bool  # else a utility (service) message
    locale: str
    body: str
    examples: tuple[str, ...]  # a sample value per parameter, for the review


def template_texts(catalogs: Catalogs) -> list[TemplateText]:
    """Every rule's templates, in every shipped language and plural form."""
    return [text for locale in SHIPPED_LOCALES for text in _texts(catalogs.translator(locale))]


def _texts(t: Translator) -> list[TemplateText]:
    texts = []
    for rule, leads in LEADS.items():
        marketing = CATEGORY_OF[Rule(rule)] is Category.MARKETING
        for index, lead in enumerate(leads):
            for form, text in _forms(t, lead):
                names = placeholders(lead, text)
                numbers = {name: i for i, name in enumerate(names, start=1)}
                body = _numbered(text, numbers)
                texts.append(
                    TemplateText(
                        name=template_name(rule, index, form if lead.plural else None),
                        marketing=marketing,
                        locale=t.code,
                        body=body,
                        examples=tuple(f"[{name}]" for name in names),
                    )
                )
    return texts


def _numbered(text: str, numbers: dict[str, int]) -> str:
    """{name} as WhatsApp's numbered parameter, {{1}}."""
    return _PLACEHOLDER.sub(lambda m: "{{" + str(numbers.get(m.group(1), 0)) + "}}", text)


def _forms(t: Translator, lead: Lead) -> list[tuple[int, str]]:
    """The translated text of each plural form (one form for a plain sentence)."""
    if lead.plural is None:
        return [(0, t.translations.gettext(lead.singular))]
    first_of_form: dict[int, int] = {}
    for n in range(200):  # every plural form shows up among the first numbers
        first_of_form.setdefault(plural_form(t, n), n)
    return [
        (form, t.translations.ngettext(lead.singular, lead.plural, n))
        for form, n in sorted(first_of_form.items())
    ]


@dataclass(frozen=True, slots=True)
class _Said:
    singular: str
    plural: str | None
    n: int | None
    values: dict[str, object]
    text: str


class RecordingTranslator(Translator):
    """A translator that remembers what it was asked to say (`_` and `ngettext`)."""

    def __init__(self, base: Translator) -> None:
        super().__init__(base.code, base.translations, base.territory)
        self.said: list[_Said] = []

    def _(self, message: str, **values: object) -> str:
        text = super()._(message, **values)
        self.said.append(_Said(message, None, None, values, text))
        return text

    gettext = _

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        text = super().ngettext(singular, plural, n, **values)
        self.said.append(_Said(singular, plural, n, {"n": self.number(n), **values}, text))
        return text


def with_template(rule: str, t: RecordingTranslator, screens: list[Screen]) -> list[Screen]:
    """The screens, the first carrying the template of the lead sentence it says."""
    if not screens:
        return screens
    leads = LEADS.get(rule, ())
    shown = screens[0].text
    for said in t.said:
        for index, lead in enumerate(leads):
            if lead.singular == said.singular and said.text in shown:
                if said.n is not None and lead.plural is not None:
                    form: int | None = plural_form(t, said.n)
                    raw = t.translations.ngettext(lead.singular, lead.plural, said.n)
                else:
                    form, raw = None, t.translations.gettext(lead.singular)
                names = placeholders(lead, raw)
                values = tuple(_plain(said.values.get(k, "")) for k in names)
                template = Template(template_name(rule, index, form), t.code, values)
                return [replace(screens[0], template=template), *screens[1:]]
    return screens


def plural_form(t: Translator, n: int) -> int:
    """The catalog's plural form for `n` (English, the source: 0 for one, else 1)."""
    rule = getattr(t.translations, "plural", None)
    return int(rule(n)) if callable(rule) else (0 if n == 1 else 1)


_TAG = re.compile(r"</?[a-z]+[^>]*>")


def _plain(value: object) -> str:
    """A parameter's value as text: a nested translation comes escaped."""
    return html.unescape(_TAG.sub("", str(value)))
