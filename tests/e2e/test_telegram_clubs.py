"""Clubs through the fake Bot API server, on both runtimes: /link asks Telegram which
administrator rights the bot holds (getChatMember), join requests are approved or
declined (approveChatJoinRequest / declineChatJoinRequest, with a private message to
the declined), and a bot removed from the group unlinks it (my_chat_member)."""

from __future__ import annotations

from bot.app import App
from bot.domain.staff import Role
from handlers.codes.clubs import ClubAccess, ClubInterest, ClubLanguagesChosen
from tests.e2e.conftest import Person, RunningBot, markup_of
from tests.fakes.bot_api import FakeBotAPI, TgChat, TgUser
from tests.flows.helpers import DEMO_BANGKOK, translator
from tests.staff import make_staff

CLUB = TgChat(-1002000000901, "Aurora X7 Bangkok")


async def test_join_requests_are_settled_and_a_removed_bot_unlinks_the_club(
    api: FakeBotAPI, bot: RunningBot, app: App
) -> None:
    api.bot_rights[CLUB.id] = {"can_pin_messages": True}  # not yet allowed to let people in
    moderator = Person(api, TgUser(5901, "Nok", "en"), group=CLUB)
    await make_staff(app, 5901, role=Role.MODERATOR, dealer="TH-BKK-01", channel="telegram")
    await moderator.command("link")
    await moderator.tap(ClubLanguagesChosen)
    [models] = moderator.answered()
    message_id = int(models.params.get("message_id") or api.last_message_id(CLUB.id))
    moderator._step()
    api.press(moderator.user, "club:mdl:X7", message_id, chat=CLUB)
    await moderator.answer()
    await moderator.tap(ClubInterest)
    [linked] = await moderator.tap(ClubAccess)  # the first: verified owners only
    assert linked.method == "editMessageText"
    assert linked.params["text"].startswith("✅ This group is now an owners' club.")
    assert linked.params["text"].endswith(
        "⚠️ Please make me an administrator of this group with these rights: Invite users via link."
    )
    assert [c.params["user_id"] for c in api.calls_to("getChatMember")] == [api.bot_id]

    moderator._step()
    api.bot_status(
        CLUB, "administrator", moderator.user, can_invite_users=True, can_pin_messages=True
    )
    [granted] = await moderator.answer()
    th = translator("th", "TH")  # the club's first language: the group reads it
    assert granted.params["text"] == th._("✅ I have the administrator rights this club needs.")

    owner = Person(api, TgUser(5902, "Somchai", "th"))
    await owner.command("start")
    await owner.share_contact(DEMO_BANGKOK)
    api.join_request(CLUB, owner.user)
    await api.wait_for(lambda: api.calls_to("approveChatJoinRequest"))
    assert api.join_requests[(CLUB.id, 5902)] == "approved"

    stranger = Person(api, TgUser(5903, "Stranger", "en"))
    stranger._step()
    api.join_request(CLUB, stranger.user)
    [told] = await stranger.answer()
    assert api.join_requests[(CLUB.id, 5903)] == "declined"
    assert told.params["text"].startswith("This club is for verified Aurora Motors owners.")
    [[open_chat]] = markup_of(told)["inline_keyboard"]
    assert open_chat["url"] == f"https://t.me/{api.bot_username}?start=club"
    assert api.sent_to(CLUB.id)[-1] is granted, "nothing about either person in the group"

    api.bot_status(CLUB, "kicked", moderator.user)
    await api.settle()
    async with app.database.uow() as uow:
        club = await uow.clubs.in_chat("telegram", CLUB.id)
        assert club is not None
        assert club.unlinked_at is not None
