"""The Telegram runtime on aiogram 3: long polling or a webhook (see bot/channels/telegram).

aiogram fetches and parses updates; one outer middleware on `update` hands every
update to the shared `Pipeline` and returns at once, so aiogram's routers, filters and
FSM are not used: the flows in `handlers/` are the routing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot, Dispatcher, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BotCommand,
    BotCommandScopeDefault,
    BufferedInputFile,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)
from aiogram.utils.backoff import BackoffConfig

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

HTML = "HTML"
AnyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply


async def run_aiogram(deps: TelegramDeps, options: TelegramOptions, stop: asyncio.Event) -> None:
    base = deps.api_base
    session_type = AiohttpSession if base.startswith("https:") else _PlainHttpSession
    session = session_type(api=TelegramAPIServer.from_base(base), timeout=options.request_timeout)
    bot = Bot(deps.token, session=session)
    await serve(deps, AiogramIntake(bot, options), options, stop)


class _PlainHttpSession(AiohttpSession):
    """For a Bot API server reached over plain HTTP (a local one, or the tests' fake):
    closes without the 250 ms pause aiogram waits for TLS connections to wind down."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


class AiogramIntake:
    def __init__(self, bot: Bot, options: TelegramOptions) -> None:
        self.bot = bot
        self.port = AiogramPort(bot)
        self.options = options
        self.dispatcher = Dispatcher()
        self._polling: asyncio.Task[None] | None = None

    async def start_polling(self, submit: Callable[[TgUpdate], None], stop: asyncio.Event) -> None:
        async def hand_over(
            _handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
            event: TelegramObject,
            _data: dict[str, Any],
        ) -> None:
            if isinstance(event, Update):
                submit(event)

        self.dispatcher.update.outer_middleware.register(hand_over)
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                polling_timeout=self.options.poll_timeout,
                # hand_over only queues the update, so awaiting it keeps Telegram's order
                handle_as_tasks=False,
                handle_signals=False,
                close_bot_session=False,
                allowed_updates=list(ALLOWED_UPDATES),
                backoff_config=BackoffConfig(
                    min_delay=self.options.retry.base_delay,
                    max_delay=max(self.options.retry.max_delay, 2 * self.options.retry.base_delay),
                    factor=2.0,
                    jitter=0.1,
                ),
            )
        )

        def on_done(task: asyncio.Task[None]) -> None:
            error = None if task.cancelled() else task.exception()
            if error is not None:
                log.error("polling stopped: %s", describe(error, self.bot.token))
                stop.set()

        self._polling.add_done_callback(on_done)

    async def stop_polling(self) -> None:
        polling = self._polling
        if polling is None or polling.done():
            return
        try:
            await self.dispatcher.stop_polling()
        except RuntimeError:  # not started yet
            polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling

    def parse_update(self, payload: dict[str, Any]) -> TgUpdate:
        return Update.model_validate(payload, context={"bot": self.bot})

    async def close(self) -> None:
        await self.bot.session.close()


# aiogram reads every answer as Response[<the method's result type>], a generic
# pydantic model that pydantic caches only weakly: between garbage collections it is
# built again, about 8 ms a time, which cost the pipeline a sixth of its CPU. Holding
# the ones this port uses keeps them built.
_RESPONSE_MODELS: list[type] = []
_METHODS_USED = (
    methods.GetMe,
    methods.GetUpdates,
    methods.DeleteWebhook,
    methods.SetWebhook,
    methods.SetMyCommands,
    methods.SendMessage,
    methods.EditMessageText,
    methods.EditMessageCaption,
    methods.PinChatMessage,
    methods.SendPhoto,
    methods.SendDocument,
    methods.SendMediaGroup,
    methods.AnswerCallbackQuery,
    methods.ApproveChatJoinRequest,
    methods.DeclineChatJoinRequest,
    methods.GetChatMember,
)


def _keep_response_models() -> None:
    if not _RESPONSE_MODELS:
        generic: Any = Response
        _RESPONSE_MODELS.extend(generic[m.__returning__] for m in _METHODS_USED)


class AiogramPort:
    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        # Telegram's allow_paid_broadcast on every send (None: the parameter is left out)
        self.paid: bool | None = True if paid_broadcast else None
        _keep_response_models()

    def with_paid_broadcast(self) -> AiogramPort:
        return AiogramPort(self.bot, paid_broadcast=True)

    async def get_username(self) -> str:
        me = await self.bot.get_me()
        return me.username or ""

    async def delete_webhook(self) -> None:
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))

    async def set_commands(self, language_code: str | None, commands: CommandList) -> None:
        await self.bot.set_my_commands(
            [BotCommand(command=name, description=text) for name, text in commands],
            scope=BotCommandScopeDefault(),
            language_code=language_code,
        )

    async def send_text(self, chat_id: int, text: str, markup: Markup | None) -> None:
        await self.bot.send_message(
            chat_id,
            text,
            parse_mode=HTML,
            reply_markup=_reply_markup(markup),
            allow_paid_broadcast=self.paid,
        )

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None
    ) -> None:
        inline = _reply_markup(markup)
        assert inline is None or isinstance(inline, InlineKeyboardMarkup)
        await self.bot.edit_message_text(
            text=text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=HTML,
            reply_markup=inline,
        )

    async def send_file(self, chat_id: int, attachment: Attachment, markup: Markup | None) -> None:
        file = BufferedInputFile(attachment.data, filename=attachment.filename)
        caption = attachment.caption or None
        if attachment.kind == "photo":
            await self.bot.send_photo(
                chat_id,
                file,
                caption=caption,
                parse_mode=HTML,
                reply_markup=_reply_markup(markup),
                allow_paid_broadcast=self.paid,
            )
        else:
            await self.bot.send_document(
                chat_id,
                file,
                caption=caption,
                parse_mode=HTML,
                reply_markup=_reply_markup(markup),
                allow_paid_broadcast=self.paid,
            )

    async def send_photo(self, chat_id: int, file_id: str, markup: Markup | None) -> None:
        await self.bot.send_photo(
            chat_id, file_id, reply_markup=_reply_markup(markup), allow_paid_broadcast=self.paid
        )

    async def send_album(self, chat_id: int, file_ids: Sequence[str]) -> None:
        await self.bot.send_media_group(
            chat_id, [InputMediaPhoto(media=f) for f in file_ids], allow_paid_broadcast=self.paid
        )

    async def post(self, chat_id: int, text: str, photo: str | None, markup: Markup | None) -> int:
        if photo is not None:
            sent = await self.bot.send_photo(
                chat_id, photo, caption=text, parse_mode=HTML, reply_markup=_reply_markup(markup)
            )
        else:
            sent = await self.bot.send_message(
                chat_id, text, parse_mode=HTML, reply_markup=_reply_markup(markup)
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
                parse_mode=HTML,
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
        if isinstance(error, TelegramRetryAfter):
            return Failure(FailureKind.RETRY_AFTER, float(error.retry_after), described)
        if isinstance(error, TelegramForbiddenError):
            return Failure(FailureKind.BLOCKED, description=described)
        if isinstance(error, TelegramUnauthorizedError):
            return Failure(FailureKind.UNAUTHORIZED, description=described)
        if isinstance(error, TelegramMigrateToChat):
            moved = int(error.migrate_to_chat_id)
            return Failure(FailureKind.MOVED, description=described, new_chat_id=moved)
        if isinstance(error, TelegramBadRequest):
            if is_not_modified(error.message):
                return Failure(FailureKind.NOT_MODIFIED, description=described)
            return Failure(FailureKind.REJECTED, description=described)
        if isinstance(error, TelegramNetworkError | TelegramServerError):
            return Failure(FailureKind.NETWORK, description=described)
        if isinstance(error, TelegramAPIError):
            return Failure(FailureKind.REJECTED, description=described)
        return classify_transport_error(error, described)


def _reply_markup(markup: Markup | None) -> AnyMarkup | None:
    if markup is None:
        return None
    if markup.buttons:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text=b.label, url=b.url)
                    if b.url
                    else InlineKeyboardButton(text=b.label, callback_data=b.code)
                    for b in row
                ]
                for row in markup.buttons
            ]
        )
    if markup.keyboard:
        return ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(
                        text=b.label,
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
        return ForceReply(force_reply=True, selective=True)
    return ReplyKeyboardRemove(remove_keyboard=True)
