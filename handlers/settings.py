"""/settings: language, notification categories, quiet hours; /stop."""

from __future__ import annotations

from bot.domain.owners import ConsentCategory, Owner
from bot.i18n import native_language_name
from bot.services.accounts import choose_channel, linked_channels
from bot.services.consent import set_consent, set_send_window
from handlers.codes import BadCode, button
from handlers.codes.privacy import AskToErase, ExportMyData
from handlers.codes.settings import (
    ChannelSettings,
    ChooseChannel,
    LanguageSettings,
    NotificationSettings,
    QuietHours,
    SendWindow,
    SettingsHome,
    ToggleNotifications,
)
from handlers.common import language_picker
from handlers.context import Context
from handlers.menu import back_to_menu
from handlers.router import Router

router = Router()

# Windows in which non-urgent messages may arrive, in the owner's local time.
SEND_WINDOWS = ((8, 21), (9, 20), (10, 18), (12, 21))


# How the chat apps are called, in every language.
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "line": "LINE"}


@router.command("settings")
async def settings_command(ctx: Context) -> None:
    await _show_settings(ctx, edit=False)


@router.on(SettingsHome)
async def settings_home(ctx: Context, _code: SettingsHome) -> None:
    await _show_settings(ctx, edit=True)


@router.on(ChannelSettings)
async def channel_settings(ctx: Context, _code: ChannelSettings) -> None:
    owner = _owner(ctx)
    t = ctx.t
    rows = [
        [button(_mark(owner.preferred_channel == name) + _channel_name(name), ChooseChannel(name))]
        for name in await _reachable_on(ctx, owner)
    ]
    last = t.pgettext("button", "🕘 Wherever I wrote last")
    rows.append([button(_mark(owner.preferred_channel is None) + last, ChooseChannel(""))])
    rows.append([button(t.pgettext("button", "⬅️ Settings"), SettingsHome())])
    ctx.reply(
        t._("Reminders and news go to one chat only. Where should I send them?"),
        rows,
        edit=True,
    )


@router.on(ChooseChannel)
async def channel_chosen(ctx: Context, code: ChooseChannel) -> None:
    owner = _owner(ctx)
    linked = await _reachable_on(ctx, owner)
    if not choose_channel(owner, code.channel or None, linked):
        raise BadCode("not a channel of this owner")
    ctx.toast(ctx.t._("Saved."))
    await _show_settings(ctx, edit=True)


async def _reachable_on(ctx: Context, owner: Owner) -> list[str]:
    """The channels the owner is linked on that this bot serves."""
    served = ctx.deps.channels or (ctx.event.channel,)
    return [c for c in await linked_channels(ctx.uow, owner.id or 0) if c in served]


def _mark(on: bool) -> str:
    return "✓ " if on else ""


def _channel_name(name: str) -> str:
    return CHANNEL_NAMES.get(name, name)


@router.on(LanguageSettings)
async def language_settings(ctx: Context, _code: LanguageSettings) -> None:
    language_picker(ctx, edit=True)


@router.on(NotificationSettings)
async def notification_settings(ctx: Context, _code: NotificationSettings) -> None:
    _show_notifications(ctx)


@router.on(ToggleNotifications)
async def toggle_notifications(ctx: Context, code: ToggleNotifications) -> None:
    owner = _owner(ctx)
    await set_consent(
        ctx.uow,
        owner,
        code.category,
        not owner.consents_to(code.category),
        channel=ctx.event.channel,
        now=ctx.now,
    )
    _show_notifications(ctx)


@router.on(QuietHours)
async def quiet_hours(ctx: Context, _code: QuietHours) -> None:
    _show_windows(ctx)


@router.on(SendWindow)
async def choose_send_window(ctx: Context, code: SendWindow) -> None:
    window = (code.start, code.end)
    if window not in SEND_WINDOWS:
        raise BadCode("unknown window")
    set_send_window(_owner(ctx), *window)
    ctx.toast(ctx.t._("Saved."))
    await _show_settings(ctx, edit=True)


def _owner(ctx: Context) -> Owner:
    assert ctx.owner is not None
    return ctx.owner


def _on_off(ctx: Context, on: bool) -> str:
    return ctx.t._("on") if on else ctx.t._("off")


def _window(ctx: Context, owner: Owner) -> str:
    return ctx.t._(
        "{start}–{end}",
        start=ctx.t.hour(owner.send_from_hour),
        end=ctx.t.hour(owner.send_until_hour),
    )


async def _show_settings(ctx: Context, *, edit: bool) -> None:
    owner = _owner(ctx)
    t = ctx.t
    channels = await _reachable_on(ctx, owner)
    several = len(channels) > 1
    reached = (
        _channel_name(owner.preferred_channel)
        if owner.preferred_channel
        else t._("wherever you wrote last")
    )
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
            *([t._("Messages reach you on: {channel}", channel=reached)] if several else []),
        ]
    )
    ctx.reply(
        text,
        [
            [
                button(t.pgettext("button", "🌐 Language"), LanguageSettings()),
                button(t.pgettext("button", "🔔 Notifications"), NotificationSettings()),
            ],
            [button(t.pgettext("button", "🌙 Quiet hours"), QuietHours())],
            *(
                [[button(t.pgettext("button", "📨 Where to reach me"), ChannelSettings())]]
                if several
                else []
            ),
            [
                button(t.pgettext("button", "📄 My data"), ExportMyData()),
                button(t.pgettext("button", "🗑 Erase my data"), AskToErase()),
            ],
            back_to_menu(ctx),
        ],
        edit=edit,
    )


def _show_notifications(ctx: Context) -> None:
    owner = _owner(ctx)
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
                button(
                    mark(owner.consents_to(ConsentCategory.SERVICE))
                    + t.pgettext("button", "Service messages"),
                    ToggleNotifications(ConsentCategory.SERVICE),
                )
            ],
            [
                button(
                    mark(owner.consents_to(ConsentCategory.MARKETING))
                    + t.pgettext("button", "News and offers"),
                    ToggleNotifications(ConsentCategory.MARKETING),
                )
            ],
            [button(t.pgettext("button", "⬅️ Settings"), SettingsHome())],
        ],
        edit=True,
    )


def _show_windows(ctx: Context) -> None:
    owner = _owner(ctx)
    rows = []
    for start, end in SEND_WINDOWS:
        current = (start, end) == (owner.send_from_hour, owner.send_until_hour)
        label = ctx.t._("{start}–{end}", start=ctx.t.hour(start), end=ctx.t.hour(end))
        rows.append([button(("✓ " if current else "") + label, SendWindow(start, end))])
    rows.append([button(ctx.t.pgettext("button", "⬅️ Settings"), SettingsHome())])
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
    owner = _owner(ctx)
    await set_consent(
        ctx.uow, owner, ConsentCategory.MARKETING, False, channel=ctx.event.channel, now=ctx.now
    )
    buttons = [back_to_menu(ctx)]
    if owner.consents_to(ConsentCategory.SERVICE):
        buttons.insert(
            0,
            [
                button(
                    ctx.t.pgettext("button", "Stop service messages too"),
                    ToggleNotifications(ConsentCategory.SERVICE),
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
