"""Races between people changing the same thing at once, run on SQLite (tests/flows) and
on PostgreSQL (tests/pg) alike: two desks and one voucher, a desk and the voucher's
owner, two advisors and one booking, an advisor and the booking's owner.

Every racer is a whole update through the dispatcher in its own unit of work (its own
connection), and the racers are released together by an asyncio.Barrier. Each round
checks the exact end state (statuses, points, ledger rows, history lines) and exactly
what each party was told, in their own language.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.app import App
from bot.domain.booking import Booking, BookingStatus
from bot.domain.loyalty import EntryKind, RedemptionStatus
from bot.domain.owners import Owner
from bot.domain.staff import Role
from bot.domain.text import isolate
from bot.i18n import Translator
from bot.services.booking import NotBookable, SlotTaken
from handlers.booking_texts import when
from handlers.codes.booking import CancelFor, CancelReason
from handlers.codes.booking_staff import DeskConfirm, DeskDecline
from handlers.codes.points import CancelVoucher
from handlers.points import points_text
from handlers.service_names import status_name
from handlers.types import ChatKind, Event, EventKind, Screen
from tests.booking_scenarios import RACE_CENTER, RACE_START, book_for
from tests.flows.helpers import translator
from tests.services.loyalty_helpers import give, owner_by_phone, redeem, reward
from tests.staff import make_staff

OWNER_PHONE = "+66891112233"  # Nattaya (demo, Bangkok): no demo points
DESKS = ((7801, "TH-BKK-01", "en"), (7802, "TH-CNX-01", "ar"))  # user, dealer, language
ADVISORS = ((7811, "en"), (7812, "th"))  # two advisors of RACE_CENTER


@dataclass(frozen=True)
class Party:
    """Someone in a race: who presses, where, in which language."""

    user_id: int
    chat_id: int
    language: str
    market: str = "TH"

    @property
    def t(self) -> Translator:
        return translator(self.language, self.market)


async def race(app: App, label: str, taps: Sequence[tuple[Party, Event]]) -> list[list[Screen]]:
    """Every update handled at once, each in its own unit of work, released together."""
    dispatcher = app.dispatcher()
    barrier = asyncio.Barrier(len(taps))

    async def one(event: Event) -> list[Screen]:
        await asyncio.wait_for(barrier.wait(), timeout=60)
        return list(await dispatcher.handle(event))

    del label
    return list(await asyncio.gather(*(one(event) for _, event in taps)))


def press(party: Party, update_id: str, code: str) -> tuple[Party, Event]:
    kind = ChatKind.PRIVATE if party.chat_id == party.user_id else ChatKind.GROUP
    return party, Event(
        channel="console",
        update_id=update_id,
        user_id=party.user_id,
        chat_id=party.chat_id,
        chat_kind=kind,
        kind=EventKind.BUTTON,
        button=code,
        message_id=1,
        language_code=party.language,
    )


def command(party: Party, update_id: str, name: str, text: str) -> tuple[Party, Event]:
    return party, Event(
        channel="console",
        update_id=update_id,
        user_id=party.user_id,
        chat_id=party.chat_id,
        kind=EventKind.COMMAND,
        command=name,
        text=text,
        language_code=party.language,
    )


def told(screens: Sequence[Screen], chat_id: int, *, origin: int | None = None) -> list[str]:
    """What chat `chat_id` was shown by the answer to an update from chat `origin`
    (by default the same chat): texts and toasts, in order (calendar files left out)."""
    here = chat_id if origin is None else origin
    return [
        s.toast or s.text
        for s in screens
        if (s.chat_id if s.chat_id is not None else here) == chat_id and (s.toast or s.text)
    ]


async def the_owner(app: App) -> tuple[Owner, Party]:
    owner = await owner_by_phone(app, OWNER_PHONE)
    assert owner.id is not None
    async with app.database.uow() as uow:
        [account] = await uow.accounts.of_owner(owner.id)
    language = owner.locale or owner.locale_on_file or "th"
    return owner, Party(account.user_id, account.chat_id, language)


# --- vouchers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoucherRound:
    redemption_id: int
    code: str
    spend_id: int


async def _desks(app: App) -> list[Party]:
    parties = []
    for user, dealer, language in DESKS:
        await make_staff(app, user, role=Role.ADVISOR, dealer=dealer)
        parties.append(Party(user, user, language))
    return parties


async def _issue(app: App, owner: Owner, key: str) -> VoucherRound:
    result = await redeem(app, owner, reward(app, "coffee"), request=key)
    voucher = result.redemption
    assert voucher.id is not None
    assert voucher.code is not None
    return VoucherRound(voucher.id, voucher.code, voucher.spend_id)


async def _voucher_state(app: App, owner: Owner, one: VoucherRound) -> tuple[str, str, list[str]]:
    """The voucher's status, who used it, and the journal lines of its spend."""
    assert owner.id is not None
    async with app.database.uow() as uow:
        voucher = await uow.redemptions.get(one.redemption_id)
        entries = await uow.ledger.of_owner(owner.id, 0, 10_000)
    assert voucher is not None
    kinds = sorted(str(e.kind) for e in entries if e.spend_id == one.spend_id)
    return str(voucher.status), voucher.used_by or "", kinds


def _accepted(app: App, desk: Party, owner: Owner, one: VoucherRound) -> str:
    t = desk.t
    return t._(
        "✅ Voucher {code} accepted: {reward}, for {name}.",
        code=one.code,
        reward=reward(app, "coffee").title(t.code),
        name=isolate(owner.display_name),
    )


def _used_on(app: App, desk: Party) -> str:
    """What a desk hears for a voucher used a moment ago (the tests' clock stands still)."""
    t = desk.t
    zone = app.reference.market("TH").timezone
    return t._(
        "This voucher was already used on {date}.",
        date=t.datetime(app.clock.now(), zone, "short"),
    )


async def _points(app: App, owner: Owner) -> int:
    from tests.services.loyalty_helpers import balance

    return await balance(app, owner, app.clock.now())


async def two_desks_take_one_voucher(app: App, rounds: int) -> None:
    """The same code at two desks at once: one accepts it, the other hears it was used."""
    owner, _me = await the_owner(app)
    desks = await _desks(app)
    coffee = reward(app, "coffee").points
    await give(app, owner, coffee * rounds, key="race-vouchers", at=app.clock.now())
    for n in range(rounds):
        one = await _issue(app, owner, f"desks-{n}")
        left = await _points(app, owner)
        answers = await race(
            app,
            "desks",
            [command(d, f"vdesk-{n}-{d.user_id}", "voucher", one.code.lower()) for d in desks],
        )
        accepted = [
            i
            for i, screens in enumerate(answers)
            if told(screens, desks[i].chat_id)[0].startswith("✅")
        ]
        assert len(accepted) == 1, answers
        [winner] = accepted
        loser = 1 - winner
        status, used_by, kinds = await _voucher_state(app, owner, one)
        assert (status, used_by) == (RedemptionStatus.USED, f"console:{desks[winner].user_id}")
        assert kinds == [EntryKind.REDEEM]
        assert await _points(app, owner) == left
        assert told(answers[winner], desks[winner].chat_id) == [
            _accepted(app, desks[winner], owner, one)
        ]
        assert told(answers[loser], desks[loser].chat_id) == [_used_on(app, desks[loser])]


async def a_desk_and_the_owner_race_for_a_voucher(app: App, rounds: int) -> None:
    """A desk takes the voucher while its owner cancels it: exactly one happens. Either
    the desk accepts it and the owner hears it can no longer be cancelled (no points
    back), or the owner gets the points back and the desk hears it was cancelled."""
    owner, me = await the_owner(app)
    [desk, _other] = await _desks(app)
    coffee = reward(app, "coffee").points
    await give(app, owner, coffee * rounds, key="race-cancel", at=app.clock.now())
    wins = {"desk": 0, "owner": 0}
    for n in range(rounds):
        one = await _issue(app, owner, f"cancel-{n}")
        left = await _points(app, owner)
        at_desk, at_home = await race(
            app,
            "desk-owner",
            [
                command(desk, f"vuse-{n}", "voucher", one.code),
                press(me, f"vcancel-{n}", CancelVoucher(one.redemption_id).pack()),
            ],
        )
        desk_heard = told(at_desk, desk.chat_id)
        owner_heard = told(at_home, me.chat_id)
        status, used_by, kinds = await _voucher_state(app, owner, one)
        if status == RedemptionStatus.USED:
            wins["desk"] += 1
            assert used_by == f"console:{desk.user_id}"
            assert kinds == [EntryKind.REDEEM]
            assert await _points(app, owner) == left
            assert desk_heard == [_accepted(app, desk, owner, one)]
            assert owner_heard == [me.t._("This voucher can no longer be cancelled.")]
        else:
            wins["owner"] += 1
            assert (status, used_by) == (RedemptionStatus.CANCELLED, "")
            assert kinds == sorted([EntryKind.REDEEM, EntryKind.REFUND])
            assert await _points(app, owner) == left + coffee
            assert desk_heard == [desk.t._("This voucher was cancelled by its owner.")]
            assert owner_heard == [
                me.t._(
                    "Voucher cancelled: {points} are back in your balance.",
                    points=points_text(me.t, coffee),
                )
            ]
    assert sum(wins.values()) == rounds


# --- bookings ---------------------------------------------------------------------------------


async def _advisors(app: App) -> tuple[Party, Party]:
    staff_chat = app.reference.dealers[RACE_CENTER].staff_chat_id
    assert staff_chat is not None
    parties = []
    for user, language in ADVISORS:
        await make_staff(app, user, role=Role.ADVISOR, dealer=RACE_CENTER)
        parties.append(Party(user, staff_chat, language))
    return parties[0], parties[1]


async def _a_booking(app: App, owner: Owner, n: int, after: datetime) -> tuple[Booking, datetime]:
    """A requested booking of the owner at the race center, at the first time from
    `after` on that takes one."""
    assert owner.id is not None
    start = after
    for _ in range(500):
        try:
            made = await book_for(app, owner.id, start, key=f"race-booking-{n}")
        except NotBookable:
            made = None
        if isinstance(made, Booking):
            return made, start
        assert made is None or isinstance(made, SlotTaken)
        start += timedelta(hours=1)
    raise AssertionError("no free time for the race")


async def _history(app: App, booking: Booking) -> tuple[str, list[str]]:
    async with app.database.uow() as uow:
        fresh = await uow.bookings.get(booking.id or 0)
        changes = await uow.booking_changes.of_booking(booking.id or 0)
    assert fresh is not None
    return str(fresh.status), [c.action for c in changes]


def _already(party: Party, status: BookingStatus) -> str:
    t = party.t
    return t._("This booking is already {status}.", status=status_name(t, status))


async def confirm_and_decline_at_once(app: App, rounds: int) -> None:
    """Two advisors press Confirm and Decline on one card at once: one wins; the other
    hears what the booking already is; the owner hears one outcome."""
    owner, me = await the_owner(app)
    confirmer, decliner = await _advisors(app)
    dealer = app.reference.dealers[RACE_CENTER]
    after = RACE_START
    wins = {"confirmed": 0, "cancelled": 0}
    for n in range(rounds):
        booking, after = await _a_booking(app, owner, n, after)
        number = booking.id or 0
        by_confirmer, by_decliner = await race(
            app,
            "confirm-decline",
            [
                press(confirmer, f"ok-{n}", DeskConfirm(number).pack()),
                press(decliner, f"no-{n}", DeskDecline(number).pack()),
            ],
        )
        status, actions = await _history(app, booking)
        wins[status] += 1
        owner_heard = told(by_confirmer, me.chat_id, origin=confirmer.chat_id) + told(
            by_decliner, me.chat_id, origin=decliner.chat_id
        )
        t = me.t
        if status == BookingStatus.CONFIRMED:
            assert actions == ["requested", "confirmed"]
            assert told(by_decliner, decliner.chat_id)[0] == _already(
                decliner, BookingStatus.CONFIRMED
            )
            assert owner_heard == [
                t._(
                    "✅ {center} confirmed your visit on {when}. See you there!",
                    center=dealer.name,
                    when=when(t, booking.starts_at, dealer),
                )
            ]
        else:
            assert status == BookingStatus.CANCELLED
            assert actions == ["requested", "cancelled"]
            assert told(by_confirmer, confirmer.chat_id)[0] == _already(
                confirmer, BookingStatus.CANCELLED
            )
            assert owner_heard == [
                t._(
                    "Sorry, {center} can't take your car on {when}. Please choose another time.",
                    center=dealer.name,
                    when=when(t, booking.starts_at, dealer),
                )
            ]
    assert sum(wins.values()) == rounds


async def the_desk_declines_while_the_owner_cancels(app: App, rounds: int) -> None:
    """An advisor declines a booking while its owner cancels it: cancelled once, by one
    of them; the other is told it is already cancelled (or no longer open)."""
    owner, me = await the_owner(app)
    advisor, _other = await _advisors(app)
    after = RACE_START + timedelta(days=1)
    for n in range(rounds):
        booking, after = await _a_booking(app, owner, 1000 + n, after)
        number = booking.id or 0
        by_desk, by_owner = await race(
            app,
            "decline-cancel",
            [
                press(advisor, f"dno-{n}", DeskDecline(number).pack()),
                press(me, f"ocx-{n}", CancelFor(number, CancelReason.PLANS).pack()),
            ],
        )
        status, actions = await _history(app, booking)
        assert status == BookingStatus.CANCELLED
        assert actions == ["requested", "cancelled"]
        async with app.database.uow() as uow:
            [change] = [
                c for c in await uow.booking_changes.of_booking(number) if c.action == "cancelled"
            ]
            held = await uow.reservations.held_by(number)
        assert held == []
        owner_heard = told(by_owner, me.chat_id)
        if change.actor == f"console:{advisor.user_id}":
            assert owner_heard == [me.t._("This visit can no longer be changed.")]
            assert told(by_desk, me.chat_id, origin=advisor.chat_id)[0].startswith(
                me.t._(
                    "Sorry, {center} can't take your car on {when}. Please choose another time."
                ).split("{")[0]
            )
        else:
            assert change.actor == f"console:{me.user_id}"
            assert told(by_desk, advisor.chat_id)[0] == _already(advisor, BookingStatus.CANCELLED)
            assert owner_heard[0].startswith(
                me.t._("Your visit on {when} at {center} is cancelled.").split("{")[0]
            )


# --- referrals --------------------------------------------------------------------------------


async def two_staff_move_one_referral(app: App, rounds: int) -> None:
    """Two sales staff tap "delivered" on one lead at once: one history line, paid at
    most once, the owner told once, the other tap answered "Already done."."""
    from bot.domain.referrals import DELIVERED_RULE, REWARD_SOURCE, Stage
    from handlers.codes.referrals import MoveLead
    from tests.services.referral_helpers import DUBAI, recommend, reload, walk

    owner = await owner_by_phone(app, DUBAI)
    assert owner.id is not None
    async with app.database.uow() as uow:
        [account] = await uow.accounts.of_owner(owner.id)
    dealer = app.reference.dealers["AE-DXB-01"]
    assert dealer.staff_chat_id is not None
    sellers = []
    for user, language in ((7821, "ar"), (7822, "en")):
        await make_staff(app, user, role=Role.SALES, dealer=dealer.code)
        sellers.append(Party(user, dealer.staff_chat_id, language, market="AE"))
    now = app.clock.now()
    for n in range(rounds):
        # One lead a day (the daily limit), each in the past, moved on at once.
        at = now - timedelta(days=rounds - n)
        referral = await recommend(app, owner, f"+9715099{n:05d}", at=at, dealer=dealer.code)
        await walk(app, referral, Stage.TEST_DRIVE_DONE, Stage.ORDER, at=at)
        code = MoveLead(referral.id or 0, Stage.DELIVERED).pack()
        answers = await race(
            app, "referral", [press(s, f"rfs-{n}-{s.user_id}", code) for s in sellers]
        )
        heard = [told(a, account.chat_id, origin=dealer.staff_chat_id) for a in answers]
        assert sorted(len(h) for h in heard) == [0, 1], heard
        loser = 0 if not heard[0] else 1
        toasts = [s.toast for s in answers[loser] if s.toast]
        assert toasts == [sellers[loser].t._("Already done.")]
        async with app.database.uow() as uow:
            history = await uow.stage_changes.of_referral(referral.id or 0)
            lot = await uow.point_lots.by_award(REWARD_SOURCE, str(referral.id), DELIVERED_RULE)
        assert [c.to_stage for c in history].count(Stage.DELIVERED) == 1
        assert lot is None or lot.points == 3000
        assert (await reload(app, referral)).stage == Stage.DELIVERED
