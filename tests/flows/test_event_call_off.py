"""A moderator calls a club event off from chat: /cancelevent N says whom it will tell
and asks; the owners with a seat or on the waitlist then hear it (tests/flows/
test_club_event_followups.py follows the message). Role and country are checked again
when the button is pressed."""

from __future__ import annotations

from bot.app import App
from bot.domain.care import Rule
from bot.domain.staff import Role
from handlers.codes.events import CallOffEvent
from handlers.events import event_title, event_when
from tests.conftest import NOW, Chat
from tests.flows.helpers import DEMO_DUBAI, linked, translator
from tests.flows.test_club_event_followups import event_of
from tests.flows.test_club_events import EXAMPLE, stored
from tests.staff import make_staff

CALLED_OFF = "{title} is called off. The owners with a seat or on the waitlist are being told."
GONE = "This event has already been called off or has already begun."


async def told(app: App, event_id: int) -> list[int]:
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone(DEMO_DUBAI)
        assert owner is not None
        assert owner.id is not None
        return [
            m.owner_id
            for m in await uow.outbox.of_owner(owner.id)
            if m.rule == Rule.EVENT_CANCELLED and m.occurrence == str(event_id)
        ]


async def test_a_moderator_calls_an_event_off_in_arabic_after_seeing_whom_it_tells(
    app: App,
) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())  # Dubai
    ahmed = await linked(Chat(app, user_id=5810, lang="ar"), DEMO_DUBAI)
    await ahmed.say("/events")
    await ahmed.tap("ev:go:")
    await make_staff(app, 9710, role=Role.MODERATOR, dealer="AE-DXB-01", at=NOW)
    moderator = Chat(app, user_id=9710, lang="ar")
    event = await event_of(app, event_id)
    ar = translator("ar", "AE")
    title, when = event_title(ar, event), event_when(ar, event)

    await moderator.say(f"/cancelevent {event_id}")
    assert moderator.text == (
        ar._("Call off {title} on {when}?", title=title, when=when)
        + "\n"
        + ar.ngettext(
            "{n} owner with a seat or on the waitlist will be told.",
            "{n} owners with a seat or on the waitlist will be told.",
            1,
        )
    )
    await moderator.tap("evc:keep:")
    assert moderator.text == ar._("All right: the event stays on.")
    assert (await event_of(app, event_id)).cancelled_at is None

    await moderator.say(f"/cancelevent {event_id}")
    await moderator.tap("evc:yes:")
    assert moderator.text == ar._(CALLED_OFF, title=title)
    assert (await event_of(app, event_id)).cancelled_at == NOW
    assert len(await told(app, event_id)) == 1
    await moderator.press_code(CallOffEvent(event_id))  # the old button, pressed again
    assert moderator.text == ar._(GONE)
    assert len(await told(app, event_id)) == 1, "told once"


async def test_only_a_moderator_of_the_events_country_may_call_it_off(app: App) -> None:
    event_id = await stored(app, EXAMPLE.read_bytes())  # Dubai
    await make_staff(app, 9711, role=Role.MODERATOR, dealer="TH-BKK-01", at=NOW)
    await make_staff(app, 9712, role=Role.ADVISOR, dealer="AE-DXB-01", at=NOW)
    bangkok = Chat(app, user_id=9711, lang="en")
    await bangkok.say(f"/cancelevent {event_id}")
    assert bangkok.text == "This event is in another country: its own team can call it off."
    await bangkok.press_code(CallOffEvent(event_id))  # a forged button
    assert bangkok.text == "This event is in another country: its own team can call it off."
    advisor = Chat(app, user_id=9712, lang="en")
    await advisor.say(f"/cancelevent {event_id}")
    assert advisor.text == "This command is for moderators and managers."
    owner = Chat(app, user_id=5811, lang="en")
    await owner.say(f"/cancelevent {event_id}")
    assert owner.text == "This command is for dealer staff."
    await bangkok.say("/cancelevent")
    assert bangkok.text == "Send the event's number after the command, for example: /cancelevent 1"
    await bangkok.say("/cancelevent 999")
    assert bangkok.text == "There is no event with this number."
    assert (await event_of(app, event_id)).cancelled_at is None
