"""Running the bot's channels in one process against the fakes: WhatsApp (the fake
Cloud API) alone, or beside Telegram (the fake Bot API, for the dealers' staff
chats), as `ownerbot run` would with both configured."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from pydantic import SecretStr

from bot.app import App, channels_for, shared_for, start_background, telegram_deps, whatsapp_deps
from bot.channels.runtime import TelegramChannel
from bot.channels.serve import Channel, serve_channels
from bot.channels.whatsapp.options import WhatsAppOptions
from bot.channels.whatsapp.serving import WhatsAppChannel
from bot.scheduler.delivery import Transports
from handlers.codes import ButtonCode
from tests.e2e.conftest import FAST, free_port
from tests.fakes import whatsapp_api
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.whatsapp_api import FakeWhatsApp, Sent, WaUser

FAST_WA = WhatsAppOptions(
    request_timeout=2.0, attempts=3, base_delay=0.05, max_retry_after=2.0, drain_timeout=3.0
)


def whatsapp_app(app: App, wa: FakeWhatsApp, tg: FakeBotAPI | None = None) -> App:
    """The test's app with WhatsApp (and Telegram, when given) pointed at the fakes."""
    port = free_port()
    update: dict[str, Any] = {
        "whatsapp_token": SecretStr(wa.token),
        "whatsapp_phone_number_id": wa.phone_number_id,
        "whatsapp_app_secret": SecretStr(wa.app_secret),
        "whatsapp_verify_token": SecretStr(whatsapp_api.VERIFY_TOKEN),
        "whatsapp_api_base": wa.base_url,
        "whatsapp_api_version": whatsapp_api.VERSION,
        "webhook_listen": "127.0.0.1",
        "webhook_port": port,
    }
    if tg is not None:
        update |= {
            "telegram_bot_token": SecretStr(tg.token),
            "telegram_api_base": tg.base_url,
            "runtime": "aiogram",
        }
    wa.webhook_url = f"http://127.0.0.1:{port}/webhook/whatsapp"
    return dataclasses.replace(app, settings=app.settings.model_copy(update=update))


@dataclasses.dataclass
class Serving:
    """The channels running in the test's event loop."""

    app: App
    transports: Transports
    task: asyncio.Task[None]
    stop_event: asyncio.Event

    async def stop(self) -> None:
        self.stop_event.set()
        await asyncio.wait_for(asyncio.shield(self.task), 15)


async def serve(
    app: App, wa: FakeWhatsApp, tg: FakeBotAPI | None = None, *, care_jobs: bool = False
) -> Serving:
    """WhatsApp (and Telegram) from one process, with fast timeouts; returns once the
    WhatsApp webhook answers Meta's subscription check."""
    bot_app = whatsapp_app(app, wa, tg)
    shared = shared_for(bot_app)
    channels: list[Channel] = []
    for channel in channels_for(bot_app, shared):
        if isinstance(channel, TelegramChannel):
            channels.append(TelegramChannel(telegram_deps(bot_app, shared), FAST))
        elif isinstance(channel, WhatsAppChannel):
            deps = dataclasses.replace(whatsapp_deps(bot_app, shared), options=FAST_WA)
            channels.append(WhatsAppChannel(deps))
    jobs_app = dataclasses.replace(
        bot_app, settings=bot_app.settings.model_copy(update={"care_scheduler": care_jobs})
    )

    def start_jobs(transports: Transports) -> Any:
        return start_background(jobs_app, transports)

    stop = asyncio.Event()
    task = asyncio.create_task(serve_channels(channels, shared, stop, start_jobs=start_jobs))
    serving = Serving(bot_app, shared.transports, task, stop)
    for _ in range(300):
        if task.done():
            task.result()
        try:
            status, _text = await wa.verify("subscribe", whatsapp_api.VERIFY_TOKEN, "ready")
        except OSError:
            status = 0
        if status == 200 and len(shared.transports.channels) == len(channels):
            return serving
        await asyncio.sleep(0.05)
    await serving.stop()
    raise AssertionError("the channels did not come up")


@dataclasses.dataclass
class WaPerson:
    """Someone talking to the bot on WhatsApp through the fake. Each step waits for
    the bot's whole answer to it before the next one."""

    api: FakeWhatsApp
    user: WaUser
    mark: int = 0

    def answered(self) -> list[Sent]:
        return [s for s in self.api.sent[self.mark :] if s.ok and s.to == self.user.wa_id]

    @property
    def text(self) -> str:
        """Everything the bot showed since the last step, one message a line."""
        return "\n".join(s.text for s in self.answered())

    async def answer(self, within: float = 8.0) -> list[Sent]:
        await self.api.wait_for(self.answered, within)
        await self.api.settle(quiet=0.2)
        return self.answered()

    def _step(self) -> None:
        self.mark = len(self.api.sent)

    async def say(self, text: str) -> list[Sent]:
        self._step()
        await self.api.text(self.user, text)
        return await self.answer()

    async def share_location(self, latitude: float, longitude: float) -> list[Sent]:
        self._step()
        await self.api.location(self.user, latitude, longitude)
        return await self.answer()

    def codes(self, button: type[ButtonCode]) -> list[tuple[str, bool]]:
        """(reply id, from a list) of the buttons carrying `button` codes shown since the
        last step."""
        return [
            (code, sent.kind == "list")
            for sent in self.answered()
            for code in sent.reply_ids
            if code == button.prefix or code.startswith(f"{button.prefix}:")
        ]

    async def tap(self, button: type[ButtonCode], index: int = 0) -> list[Sent]:
        found = await self.api.wait_for(lambda: self.codes(button))
        code, from_list = found[index]
        self._step()
        await self.api.reply(self.user, code, from_list=from_list)
        return await self.answer()

    async def tap_label(self, label: str) -> list[Sent]:
        """A reply button or row by its title (keyboard labels come back as text)."""
        for sent in self.answered():
            for reply_id, title in zip(sent.reply_ids, sent.titles, strict=True):
                if label in title:
                    self._step()
                    await self.api.reply(self.user, reply_id, from_list=sent.kind == "list")
                    return await self.answer()
        raise AssertionError(f"no button {label!r} in {[s.titles for s in self.answered()]}")
