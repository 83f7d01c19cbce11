"""An announcement as its readers see it: an owner's copy in their language (the care
outbox renders it at send time), and a group's copy with each variant the club reads."""

from __future__ import annotations

from bot.domain.announcements import VARIANT_SEPARATOR, Announcement, ButtonKind
from bot.i18n import Translator, escape
from bot.services.queries.announcements import announcement_by_id
from handlers.care_messages.env import CareEnv
from handlers.codes import button
from handlers.codes.booking import StartBooking
from handlers.codes.events import EventGoing
from handlers.types import Button, Screen


def announcement_text(announcement: Announcement, locales: tuple[str, ...]) -> str:
    """The variants in these languages, as written (escaped: it is not HTML)."""
    return VARIANT_SEPARATOR.join(escape(announcement.texts[code]) for code in locales)


def announcement_buttons(
    t: Translator, announcement: Announcement, *, in_group: bool
) -> tuple[tuple[Button, ...], ...]:
    """One row a button. Booking is personal: groups don't get it."""
    rows: list[tuple[Button, ...]] = []
    for entry in announcement.button_list:
        if entry.kind is ButtonKind.LINK:
            label = entry.labels.get(t.code) or next(iter(entry.labels.values()))
            rows.append((Button(label, url=entry.url),))
        elif entry.kind is ButtonKind.RSVP and entry.event_id is not None:
            rows.append((button(t.pgettext("button", "✅ I'm going"), EventGoing(entry.event_id)),))
        elif entry.kind is ButtonKind.BOOK and not in_group:
            rows.append((button(t.pgettext("button", "🔧 Book service"), StartBooking()),))
    return tuple(rows)


def group_copy(t: Translator, announcement: Announcement, locales: tuple[str, ...]) -> Screen:
    """A group's copy; `t` speaks the club's first language (the buttons' labels)."""
    return Screen(
        text=announcement_text(announcement, locales),
        buttons=announcement_buttons(t, announcement, in_group=True),
        photos=(announcement.photo,) if announcement.photo else (),
    )


async def owner_copy(env: CareEnv) -> list[Screen] | None:
    """Nothing when the announcement was cancelled after this copy was queued."""
    announcement_id = env.message.payload.get("announcement")
    if not isinstance(announcement_id, int):
        return None
    announcement = await announcement_by_id(env.uow, announcement_id)
    if announcement is None or not announcement.open:
        return None
    locale, _text = announcement.text_for(env.t.code, env.market.default_locale)
    return [
        Screen(
            text=announcement_text(announcement, (locale,)),
            buttons=announcement_buttons(env.t, announcement, in_group=False),
            photos=(announcement.photo,) if announcement.photo else (),
        )
    ]
