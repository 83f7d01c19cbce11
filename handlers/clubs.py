"""Staff link a Telegram group as an owners' club: /link (a short wizard in the group),
/unlink and /club. Every command and every press re-checks the role (moderator or
above) and the scope in the database, never the chat it comes from."""

from __future__ import annotations

from bot.domain.clubs import Interest
from bot.domain.staff import StaffMember
from bot.i18n import native_language_name
from bot.services import clubs
from bot.services.queries.clubs import linked_club, member_counts
from bot.services.staff import LacksRole, NotStaff, actor_id
from handlers.club_texts import club_summary, interest_name, rights_note
from handlers.codes import button
from handlers.codes.clubs import (
    ClubAccess,
    ClubInterest,
    ClubLanguage,
    ClubLanguagesChosen,
    ClubMarket,
    ClubModel,
    StopLinking,
)
from handlers.context import Context
from handlers.router import Router
from handlers.states.clubs import ClubDraft, ClubStep
from handlers.types import Button

router = Router()


async def _moderator(ctx: Context) -> StaffMember | None:
    """The staff member who may run clubs, or a refusal said in the chat."""
    try:
        return await clubs.club_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    except LacksRole:
        ctx.reply(ctx.t._("This command is for moderators and managers."))
    except NotStaff:
        ctx.reply(ctx.t._("This command is for dealer staff."))
    return None


def _in_group(ctx: Context) -> bool:
    if ctx.event.is_private:
        ctx.reply(ctx.t._("Send this command in the group you want to link, with me in it."))
        return False
    return True


@router.command("link", needs_owner=False, private_only=False)
async def start_linking(ctx: Context) -> None:
    member = await _moderator(ctx)
    if member is None or not _in_group(ctx):
        return
    # A dealer's staff link clubs of their dealer's country: that step is skipped.
    market = clubs.home_market(member, ctx.reference.dealers)
    rights = ctx.event.bot_rights
    draft = ClubDraft(market=market or "", rights=",".join(rights) if rights is not None else None)
    if market is None:
        ctx.enter(ClubStep.MARKET, draft)
    else:
        draft.languages = list(ctx.reference.market(market).languages[:1])
        ctx.enter(ClubStep.LANGUAGES, draft)
    await ctx.flows.reask(ctx)


def _stop_row(ctx: Context) -> list[Button]:
    return [button(ctx.t.pgettext("button", "✖️ Cancel"), StopLinking())]


@router.reask(ClubStep.MARKET, needs_owner=False, private_only=False)
async def ask_market(ctx: Context) -> None:
    t = ctx.t
    markets = sorted(ctx.reference.markets, key=lambda code: t.sort_key(t.country(code)))
    rows = [
        [button(t.country(code), ClubMarket(code)) for code in markets[i : i + 3]]
        for i in range(0, len(markets), 3)
    ]
    ctx.reply(
        t._("Let's link this group as an owners' club. Which country is it for?"),
        [*rows, _stop_row(ctx)],
        edit=True,
    )


@router.reask(ClubStep.LANGUAGES, needs_owner=False, private_only=False)
async def ask_languages(ctx: Context) -> None:
    t = ctx.t
    draft = ctx.draft(ClubDraft)
    rows = [
        [
            button(
                ("✅ " if code in draft.languages else "") + native_language_name(code),
                ClubLanguage(code),
            )
        ]
        for code in ctx.reference.market(draft.market).languages
    ]
    rows.append([button(t.pgettext("button", "Done"), ClubLanguagesChosen())])
    ctx.reply(
        t._("Which languages does the club speak? Tap to choose, then Done."),
        [*rows, _stop_row(ctx)],
        edit=True,
    )


@router.reask(ClubStep.MODEL, needs_owner=False, private_only=False)
async def ask_model(ctx: Context) -> None:
    t = ctx.t
    rows = [[button(model.name, ClubModel(code))] for code, model in ctx.reference.models.items()]
    rows.append([button(t.pgettext("button", "Every model"), ClubModel(""))])
    ctx.reply(t._("Is the club for one model?"), [*rows, _stop_row(ctx)], edit=True)


@router.reask(ClubStep.INTEREST, needs_owner=False, private_only=False)
async def ask_interest(ctx: Context) -> None:
    t = ctx.t
    rows = [[button(interest_name(t, i), ClubInterest(i.value))] for i in Interest]
    rows.append([button(t.pgettext("button", "Everything"), ClubInterest(""))])
    ctx.reply(t._("What is the club about?"), [*rows, _stop_row(ctx)], edit=True)


@router.reask(ClubStep.ACCESS, needs_owner=False, private_only=False)
async def ask_access(ctx: Context) -> None:
    t = ctx.t
    ctx.reply(
        t._(
            "Who may join? For verified owners only, I approve join requests from owners "
            "whose car matches the club and decline the others with a private message."
        ),
        [
            [button(t.pgettext("button", "Verified owners only"), ClubAccess(True))],
            [button(t.pgettext("button", "Anyone"), ClubAccess(False))],
            _stop_row(ctx),
        ],
        edit=True,
    )


async def _step(ctx: Context, step: ClubStep) -> ClubDraft | None:
    """The draft when this person stands at `step` and may still link clubs."""
    if not ctx.in_step(step):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return None
    if await _moderator(ctx) is None:
        ctx.clear_state()
        return None
    return ctx.draft(ClubDraft)


@router.on(ClubMarket, needs_owner=False, private_only=False)
async def chose_market(ctx: Context, code: ClubMarket) -> None:
    draft = await _step(ctx, ClubStep.MARKET)
    if draft is None:
        return
    market = ctx.reference.markets.get(code.market)
    if market is None:
        await ctx.flows.reask(ctx)
        return
    draft.market, draft.languages = market.code, [market.languages[0]]
    ctx.enter(ClubStep.LANGUAGES, draft)
    await ctx.flows.reask(ctx)


@router.on(ClubLanguage, needs_owner=False, private_only=False)
async def toggle_language(ctx: Context, code: ClubLanguage) -> None:
    draft = await _step(ctx, ClubStep.LANGUAGES)
    if draft is None:
        return
    if code.locale in ctx.reference.market(draft.market).languages:
        if code.locale in draft.languages:
            draft.languages.remove(code.locale)
        else:
            draft.languages.append(code.locale)
    ctx.enter(ClubStep.LANGUAGES, draft)
    await ctx.flows.reask(ctx)


@router.on(ClubLanguagesChosen, needs_owner=False, private_only=False)
async def languages_chosen(ctx: Context, _code: ClubLanguagesChosen) -> None:
    draft = await _step(ctx, ClubStep.LANGUAGES)
    if draft is None:
        return
    if not draft.languages:
        ctx.toast(ctx.t._("Choose at least one language."))
        return
    ctx.enter(ClubStep.MODEL, draft)
    await ctx.flows.reask(ctx)


@router.on(ClubModel, needs_owner=False, private_only=False)
async def chose_model(ctx: Context, code: ClubModel) -> None:
    draft = await _step(ctx, ClubStep.MODEL)
    if draft is None:
        return
    if code.model and code.model not in ctx.reference.models:
        await ctx.flows.reask(ctx)
        return
    draft.model = code.model or None
    ctx.enter(ClubStep.INTEREST, draft)
    await ctx.flows.reask(ctx)


@router.on(ClubInterest, needs_owner=False, private_only=False)
async def chose_interest(ctx: Context, code: ClubInterest) -> None:
    draft = await _step(ctx, ClubStep.INTEREST)
    if draft is None:
        return
    if code.interest and code.interest not in {i.value for i in Interest}:
        await ctx.flows.reask(ctx)
        return
    draft.interest = code.interest or None
    ctx.enter(ClubStep.ACCESS, draft)
    await ctx.flows.reask(ctx)


@router.on(ClubAccess, needs_owner=False, private_only=False)
async def chose_access(ctx: Context, code: ClubAccess) -> None:
    draft = await _step(ctx, ClubStep.ACCESS)
    if draft is None:
        return
    member = await clubs.club_staff(ctx.uow, ctx.event.channel, ctx.event.user_id)
    if not clubs.in_scope(member, draft.market, ctx.reference.dealers):
        ctx.clear_state()
        ctx.reply(ctx.t._("You can link clubs of your dealer's country only."))
        return
    club = await clubs.link(
        ctx.uow,
        channel=ctx.event.channel,
        chat_id=ctx.event.chat_id,
        settings=clubs.ClubSettings(
            market=draft.market,
            languages=tuple(draft.languages),
            owners_only=code.owners_only,
            model=draft.model,
            dealer_code=member.dealer_code,
            interest=Interest(draft.interest) if draft.interest else None,
        ),
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        now=ctx.now,
    )
    ctx.clear_state()
    summary = club_summary(ctx, club, *await member_counts(ctx.uow, club))
    rights = tuple(draft.rights.split(",")) if draft.rights is not None else None
    note = rights_note(ctx.t, club.owners_only, rights)
    text = ctx.t._("✅ This group is now an owners' club.") + "\n\n" + summary
    ctx.reply(text + (f"\n\n{note}" if note else ""), edit=True)


@router.on(StopLinking, needs_owner=False, private_only=False)
async def stop_linking(ctx: Context, _code: StopLinking) -> None:
    if not any(ctx.in_step(step) for step in ClubStep):
        ctx.toast(ctx.t._("This button is no longer valid."))
        return
    ctx.clear_state()
    ctx.reply(ctx.t._("Linking stopped; nothing was changed."), edit=True)


@router.command("unlink", needs_owner=False, private_only=False)
async def unlink(ctx: Context) -> None:
    member = await _moderator(ctx)
    if member is None or not _in_group(ctx):
        return
    club = await linked_club(ctx.uow, ctx.event.channel, ctx.event.chat_id)
    if club is None:
        ctx.reply(ctx.t._("This group is not linked as a club."))
        return
    if not clubs.in_scope(member, club.market, ctx.reference.dealers):
        ctx.reply(ctx.t._("This club belongs to another country's team."))
        return
    clubs.unlink(
        ctx.uow,
        club,
        actor=actor_id(ctx.event.channel, ctx.event.user_id),
        reason="/unlink",
        now=ctx.now,
    )
    ctx.reply(ctx.t._("This group is no longer an owners' club. /link links it again."))


@router.command("club", needs_owner=False, private_only=False)
async def show_club(ctx: Context) -> None:
    member = await _moderator(ctx)
    if member is None or not _in_group(ctx):
        return
    club = await linked_club(ctx.uow, ctx.event.channel, ctx.event.chat_id)
    if club is None:
        ctx.reply(ctx.t._("This group is not linked as a club. Staff can link it with /link."))
        return
    summary = club_summary(ctx, club, *await member_counts(ctx.uow, club))
    note = rights_note(ctx.t, club.owners_only, ctx.event.bot_rights)
    ctx.reply(summary + (f"\n\n{note}" if note else ""))
