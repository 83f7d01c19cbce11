"""Settings from the environment (prefix OWNERBOT_) or a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="OWNERBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///ownerbot.db"
    # PostgreSQL connections a process keeps, and opens beyond them under load: with N
    # workers the server needs N x (both) + 10 connections (docs/deployment.md).
    database_pool_size: int = 10
    database_max_overflow: int = 20
    # SQLite statements on the event loop (fast) or in aiosqlite's thread
    sqlite_inline: bool = True
    # The conventional TELEGRAM_BOT_TOKEN works too, so `make run` picks it up.
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("OWNERBOT_TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"),
    )
    telegram_api_base: str = "https://api.telegram.org"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # One HTTP server for every channel's webhook: Telegram's (when OWNERBOT_WEBHOOK_URL
    # is set), /webhook/whatsapp and /webhook/line.
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    # /healthz, /readyz and /metrics on the webhook server (started for them even when
    # every channel polls); /readyz turns unready when the oldest due outbox message has
    # waited longer than this.
    # Several worker processes on one port (SO_REUSEPORT): set by `ownerbot run --workers N`
    # for the workers it starts.
    webhook_reuse_port: bool = False
    # Per-chat order across workers (webhook mode on PostgreSQL): an update waits this
    # long after arriving for an earlier one sent at the same moment to reach another
    # worker, then while an earlier update of its chat is handled elsewhere, at most
    # `chat_order_hold_seconds` (a worker that died must not stall the chat).
    chat_order_across_workers: bool = True  # false: one process only, skip the bookkeeping
    chat_order_settle_ms: int = 30
    chat_order_hold_seconds: float = 10.0
    health_endpoints: bool = True
    ready_max_outbox_lag_seconds: int = 900
    runtime: Literal["aiogram", "ptb"] = "aiogram"
    # WhatsApp Cloud API: served when the token, phone number id and app secret are set.
    whatsapp_token: SecretStr | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: SecretStr | None = None  # signs the webhook calls
    whatsapp_verify_token: SecretStr | None = None  # the GET subscription check
    whatsapp_api_base: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v23.0"
    # Messages a second the business number may send (Meta's default throughput is 80;
    # numbers with higher throughput may go up to 1,000).
    whatsapp_per_second: int = 80
    default_market: str = "TH"
    brand_name: str = "Aurora Motors"
    log_level: str = "INFO"
    # "text" (a line a record) or "json" (one object a line, for log collectors).
    log_format: Literal["text", "json"] = "text"
    locales_dir: Path = PROJECT_ROOT / "locales"
    # The brand's own reference data (`ownerbot brand init DIR` writes a starting kit);
    # unset: the demo brand shipped in bot/data. Checked before anything runs on it.
    brand_dir: Path | None = None
    redis_url: str | None = None
    # Load the demo data into a database without owners. Unset: only when no real channel
    # is configured (the console, `make run` without a token); a production `ownerbot run`
    # never fills an empty database with fictional owners unless this says true.
    seed_demo_if_empty: bool | None = None
    # `ownerbot run` on Telegram also runs the care planner and the outbox sender.
    care_scheduler: bool = True
    # Planning statements run at once on PostgreSQL (each on its own connection; SQLite
    # has one writer and runs them one after another).
    care_plan_connections: int = 2
    # Outbox messages in flight at once; after a crash at most this many go out twice.
    sender_concurrency: int = 16
    # Telegram's paid broadcasts for care messages and announcements: allow_paid_broadcast
    # on every outbox send and a bot-wide limit of 1,000 a second instead of 30 (paid in
    # Telegram Stars; see docs/deployment.md).
    paid_broadcast: bool = False
    # LINE (Messaging API): served when the secret and the access token are set. The
    # bases exist so tests, and anyone's acceptance run, can point the bot at a fake.
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base: str = "https://api.line.me"
    line_data_api_base: str = "https://api-data.line.me"  # message content (photos)
    # The public HTTPS address of this server (https://bot.example.com): LINE shows
    # images and files only by URL, so generated ones are served under /media/.
    public_url: str | None = None

    @property
    def whatsapp_configured(self) -> bool:
        return bool(
            self.whatsapp_token and self.whatsapp_phone_number_id and self.whatsapp_app_secret
        )

    @property
    def line_configured(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)
