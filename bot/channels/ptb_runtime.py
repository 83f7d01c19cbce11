"""The Telegram runtime on python-telegram-bot 22, for teams that already run PTB.

Same behaviour as the aiogram runtime (both drive `bot.channels.telegram.serving`):
PTB's `Application` polls, and one `TypeHandler` hands every update to the shared
`Pipeline`. In webhook mode our aiohttp endpoint (`bot.channels.telegram.webhook`)
parses updates with `Update.de_json`, so PTB's tornado-based webhook server is not
needed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import warnings
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeDefault,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram.errors import (
    Failure,
    FailureKind,
    classify_transport_error,
    describe,
    is_not_modified,
)
from bot.channels.telegram.objects import TgUpdate
from bot.channels.telegram.options import TelegramOptions
from bot.channels.telegram.port import CommandList, Markup
from bot.channels.telegram.serving import serve
from bot.channels.telegram.updates import ALLOWED_UPDATES, rights_of
from bot.channels.telegram.wiring import TelegramDeps
from handlers.types import Attachment, RequestKind

log = logging.getLogger(__name__)

AnyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply
PtbApplication = Application[Any, Any, Any, Any, Any, Any]


async def run_ptb(deps: TelegramDeps, options: TelegramOptions, stop: asyncio.Event) -> None:
    # Opt in to PTB 23's timedelta durations (RetryAfter.retry_after, ...): without it,
    # PTB 22 emits a deprecation warning each time it builds a RetryAfter.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    # httpx logs each request's URL at INFO, and Bot API URLs carry the bot token.
    httpx_log = logging.getLogger("httpx")
    if httpx_log.getEffectiveLevel() < logging.WARNING:
        httpx_log.setLevel(logging.WARNING)
    base = deps.api_base.rstrip("/")
    timeout = options.request_timeout
    application: PtbApplication = (
        Application.builder()
        .token(deps.token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .request(
            HTTPXRequest(
                connection_pool_size=options.max_concurrency + 4,
                connect_timeout=timeout,
                read_timeout=timeout,
                write_timeout=timeout,
                pool_timeout=timeout,
            )
        )
        .get_updates_request(
            HTTPXRequest(
                connection_pool_size=1,
                connect_timeout=timeout,
                read_timeout=timeout,  # PTB adds the long-poll timeout to this
                write_timeout=timeout,
                pool_timeout=timeout,
            )
        )
        .job_queue(None)
        .build()
    )
    await serve(deps, PtbIntake(application, options), options, stop)


class PtbIntake:
    def __init__(self, application: PtbApplication, options: TelegramOptions) -> None:
        self.application = application
        self.port = PtbPort(application.bot)
        self.options = options

    async def start_polling(self, submit: Callable[[TgUpdate], None], stop: asyncio.Event) -> None:
        async def hand_over(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            submit(update)  # only queues it: PTB's sequential processing keeps the order

        self.application.add_handler(TypeHandler(Update, hand_over))
        await self.application.initialize()
        await self.application.start()
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(
            timeout=self.options.poll_timeout,
            allowed_updates=list(ALLOWED_UPDATES),
            error_callback=_log_polling_error,
        )

    async def stop_polling(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()

    def parse_update(self, payload: dict[str, Any]) -> TgUpdate:
        return Update.de_json(payload, self.application.bot)

    async def close(self) -> None:
        await self.application.shutdown()  # a no-op unless polling initialized it
        await self.application.bot.shutdown()


def _log_polling_error(error: TelegramError) -> None:
    # PTB retries by itself; say why, without a traceback per attempt
    log.warning("getUpdates failed: %s: %s", type(error).__name__, error)


class PtbPort:
    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        # Telegram's allow_paid_broadcast on every send (None: the parameter is left out)
        self.paid: bool | None = True if paid_broadcast else None

    def with_paid_broadcast(self) -> PtbPort:
        return PtbPort(self.bot, paid_broadcast=True)

    async def get_username(self) -> str:
        await self.bot.initialize()  # getMe, and opens the HTTP clients
        return self.bot.username

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))

    async def set_commands(self, language_code: str | None, commands: CommandList) -> None:
        await self.bot.set_my_commands(
            [BotCommand(name, text) for name, text in commands],
            scope=BotCommandScopeDefault(),
            language_code=language_code,
        )

    async def send_text(self, chat_id: int, text: str, markup: Markup | None) -> None:
        await self.bot.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=_reply_markup(markup),
            allow_paid_broadcast=self.paid,
        )

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None
    ) -> None:
        inline = _reply_markup(markup)
        assert inline is None or isinstance(inline, InlineKeyboardMarkup)
        await self.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=inline,
        )

    async def send_file(self, chat_id: int, attachment: Attachment, markup: Markup | None) -> None:
        file = InputFile(attachment.data, filename=attachment.filename)
        caption = attachment.caption or None
        if attachment.kind == "photo":
            await self.bot.send_photo(
                chat_id,
                file,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=_reply_markup(markup),
                allow_paid_broadcast=self.paid,
            )
        else:
            await self.bot.send_document(
                chat_id,
                file,
                caption=caption,
                parse_mode=ParseMode.HTML,
                reply_markup=_reply_markup(markup),
                allow_paid_broadcast=self.paid,
            )

    async def send_photo(self, chat_id: int, file_id: str, markup: Markup | None) -> None:
        await self.bot.send_photo(
            chat_id, file_id, reply_markup=_reply_markup(markup), allow_paid_broadcast=self.paid
        )

    async def send_album(self, chat_id: int, file_ids: Sequence[str]) -> None:
        await self.bot.send_media_group(
            chat_id, [InputMediaPhoto(f) for f in file_ids], allow_paid_broadcast=self.paid
        )

    async def post(self, chat_id: int, text: str, photo: str | None, markup: Markup | None) -> int:
        if photo is not None:
            sent = await self.bot.send_photo(
                chat_id,
                photo,
                caption=text,
                parse_mode=ParseMode.HTML,
                reply_markup=_reply_markup(markup),
            )
        else:
            sent = await self.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=_reply_markup(markup)
            )
        return int(sent.message_id)

    async def edit_post(
        self, chat_id: int, message_id: int, text: str, photo: bool, markup: Markup | None
    ) -> None:
        inline = _reply_markup(markup)
        assert inline is None or isinstance(inline, InlineKeyboardMarkup)
        if photo:
            await self.bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=text,
                parse_mode=ParseMode.HTML,
                reply_markup=inline,
            )
        else:
            await self.edit_text(chat_id, message_id, text, markup)

    async def pin(self, chat_id: int, message_id: int) -> None:
        await self.bot.pin_chat_message(chat_id, message_id, disable_notification=True)

    async def answer_callback(self, callback_id: str, text: str) -> None:
        await self.bot.answer_callback_query(callback_id, text=text or None)

    async def settle_join_request(self, chat_id: int, user_id: int, approve: bool) -> None:
        if approve:
            await self.bot.approve_chat_join_request(chat_id, user_id)
        else:
            await self.bot.decline_chat_join_request(chat_id, user_id)

    async def bot_rights(self, chat_id: int) -> tuple[str, ...]:
        return rights_of(await self.bot.get_chat_member(chat_id, self.bot.id))

    def classify(self, error: Exception) -> Failure:
        described = describe(error, self.bot.token)
        if isinstance(error, RetryAfter):
            return Failure(FailureKind.RETRY_AFTER, _retry_after(error), described)
        if isinstance(error, Forbidden):
            return Failure(FailureKind.BLOCKED, description=described)
        if isinstance(error, InvalidToken):  # 401 (and 404: the token's URL is unknown)
            return Failure(FailureKind.UNAUTHORIZED, description=described)
        if isinstance(error, ChatMigrated):
            moved = int(error.new_chat_id)
            return Failure(FailureKind.MOVED, description=described, new_chat_id=moved)
        if isinstance(error, BadRequest):  # before NetworkError: PTB derives it from that
            if is_not_modified(error.message):
                return Failure(FailureKind.NOT_MODIFIED, description=described)
            return Failure(FailureKind.REJECTED, description=described)
        if isinstance(error, NetworkError):  # TimedOut included
            return Failure(FailureKind.NETWORK, description=described)
        if isinstance(error, TelegramError):
            return Failure(FailureKind.REJECTED, description=described)
        return classify_transport_error(error, described)


def _retry_after(error: RetryAfter) -> float:
    # An int, or a timedelta once PTB_TIMEDELTA is on (run_ptb turns it on).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _reply_markup(markup: Markup | None) -> AnyMarkup | None:
    if markup is None:
        return None
    if markup.buttons:
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(b.label, url=b.url)
                    if b.url
                    else InlineKeyboardButton(b.label, callback_data=b.code)
                    for b in row
                ]
                for row in markup.buttons
            ]
        )
    if markup.keyboard:
        return ReplyKeyboardMarkup(
            [
                [
                    KeyboardButton(
                        b.label,
                        request_contact=b.kind is RequestKind.CONTACT or None,
                        request_location=b.kind is RequestKind.LOCATION or None,
                    )
                    for b in row
                ]
                for row in markup.keyboard
            ],
            resize_keyboard=True,
        )
    if markup.force_reply:
        return ForceReply(selective=True)
    return ReplyKeyboardRemove()
