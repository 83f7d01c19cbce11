"""/settings: language, notification categories, quiet hours; /stop."""

from __future__ import annotations

from bot.domain.owners import ConsentCategory, Owner
from bot.i18n import native_language_name
from bot.services.consent import set_consent, set_send_window
from handlers.codes import BadCode, make_code, parse_code
from handlers.common import language_picker
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router
from handlers.types import Button

router = Router()

# Windows in which non-urgent messages may arrive, in the owner's local time.
SEND_WINDOWS = ((8, 21), (9, 20), (10, 18), (12, 21))
_CATEGORY_KEYS = {"svc": ConsentCategory.SERVICE, "mkt": ConsentCategory.MARKETING}


@router.command("settings")
async def settings_command(ctx: Context) -> None:
    _show_settings(ctx, edit=False)


@router.button("set")
async def settings_button(ctx: Context) -> None:
    code = parse_code(ctx.event.button)
    owner = ctx.owner
    assert owner is not None
    if code.action == "home":
        _show_settings(ctx, edit=True)
    elif code.action == "lang":
        language_picker(ctx, edit=True)
    elif code.action == "notif":
        _show_notifications(ctx)
    elif code.action == "tg":
        category = _CATEGORY_KEYS.get(code.arg(0))
        if category is None:
            raise BadCode("unknown category")
        await set_consent(
            ctx.uow,
            owner,
            category,
            not owner.consents_to(category),
            channel=ctx.event.channel,
            now=ctx.now,
        )
        _show_notifications(ctx)
    elif code.action == "quiet":
        _show_windows(ctx)
    elif code.action == "win":
        window = (code.int_arg(0), code.int_arg(1))
        if window not in SEND_WINDOWS:
            raise BadCode("unknown window")
        set_send_window(owner, *window)
        ctx.toast(ctx.t._("Saved."))
        _show_settings(ctx, edit=True)
    else:
        raise BadCode("unknown settings action")


def _on_off(ctx: Context, on: bool) -> str:
    return ctx.t._("on") if on else ctx.t._("off")


def _window(ctx: Context, owner: Owner) -> str:
    return ctx.t._(
        "{start}–{end}",
        start=ctx.t.hour(owner.send_from_hour),
        end=ctx.t.hour(owner.send_until_hour),
    )


def _show_settings(ctx: Context, *, edit: bool) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t
    text = "\n".join(
        [
            t._("<b>Settings</b>"),
            t._("Language: {language}", language=native_language_name(t.code)),
            t._(
                "Service messages: {state}",
                state=_on_off(ctx, owner.consents_to(ConsentCategory.SERVICE)),
            ),
            t._(
                "News and offers: {state}",
                state=_on_off(ctx, owner.consents_to(ConsentCategory.MARKETING)),
            ),
            t._("Messages arrive between {window} your time.", window=_window(ctx, owner)),
        ]
    )
    ctx.reply(
        text,
        [
            [
                Button(t.pgettext("button", "🌐 Language"), make_code("set", "lang")),
                Button(t.pgettext("button", "🔔 Notifications"), make_code("set", "notif")),
            ],
            [Button(t.pgettext("button", "🌙 Quiet hours"), make_code("set", "quiet"))],
            [
                Button(t.pgettext("button", "📄 My data"), make_code("priv", "export")),
                Button(t.pgettext("button", "🗑 Erase my data"), make_code("priv", "ask")),
            ],
            back_to_menu(ctx),
        ],
        edit=edit,
    )


def _show_notifications(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    t = ctx.t

    def mark(on: bool) -> str:
        return "✅ " if on else "⬜ "

    ctx.reply(
        t._(
            "Choose what I may send you. Safety recall notices always reach you, "
            "whatever you choose."
        ),
        [
            [
                Button(
                    mark(owner.consents_to(ConsentCategory.SERVICE))
                    + t.pgettext("button", "Service messages"),
                    make_code("set", "tg", "svc"),
                )
            ],
            [
                Button(
                    mark(owner.consents_to(ConsentCategory.MARKETING))
                    + t.pgettext("button", "News and offers"),
                    make_code("set", "tg", "mkt"),
                )
            ],
            [Button(t.pgettext("button", "⬅️ Settings"), make_code("set", "home"))],
        ],
        edit=True,
    )


def _show_windows(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    rows = []
    for start, end in SEND_WINDOWS:
        current = (start, end) == (owner.send_from_hour, owner.send_until_hour)
        label = ctx.t._("{start}–{end}", start=ctx.t.hour(start), end=ctx.t.hour(end))
        rows.append(
            [Button(("✓ " if current else "") + label, make_code("set", "win", start, end))]
        )
    rows.append([Button(ctx.t.pgettext("button", "⬅️ Settings"), make_code("set", "home"))])
    ctx.reply(
        ctx.t._(
            "When may reminders and news arrive? Outside these hours they wait until "
            "morning. Safety recalls and booking changes may arrive at any time."
        ),
        rows,
        edit=True,
    )


@router.command("stop")
async def stop_command(ctx: Context) -> None:
    owner = ctx.owner
    assert owner is not None
    await set_consent(
        ctx.uow, owner, ConsentCategory.MARKETING, False, channel=ctx.event.channel, now=ctx.now
    )
    buttons = [back_to_menu(ctx)]
    if owner.consents_to(ConsentCategory.SERVICE):
        buttons.insert(
            0,
            [
                Button(
                    ctx.t.pgettext("button", "Stop service messages too"),
                    make_code("set", "tg", "svc"),
                )
            ],
        )
    ctx.reply(
        ctx.t._(
            "Done: no more news and offers. Service messages you agreed to and safety "
            "recall notices will still reach you."
        ),
        buttons,
    )
