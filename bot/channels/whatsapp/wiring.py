"""What the composition root (bot/app.py: `whatsapp_deps`) hands the WhatsApp channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.channels.webserver import WebhookServer
from bot.channels.whatsapp.options import WhatsAppOptions
from bot.clock import Clock
from bot.scheduler.delivery import Transports
from bot.services.ports import UnitOfWorkFactory
from handlers.dispatcher import Dispatcher


@dataclass(frozen=True, slots=True)
class WhatsAppDeps:
    token: str = field(repr=False)
    phone_number_id: str
    app_secret: str = field(repr=False)  # signs the webhook calls
    verify_token: str | None = field(repr=False)  # None: the GET check always fails
    api_base: str  # https://graph.facebook.com, or a fake
    api_version: str
    per_second: int  # the number's throughput
    dispatcher: Dispatcher
    uow_factory: UnitOfWorkFactory  # to mark numbers we can't reach
    clock: Clock
    server: WebhookServer
    transports: Transports  # registers ours; the others', for screens addressed there
    options: WhatsAppOptions = field(default_factory=lambda: WhatsAppOptions())
