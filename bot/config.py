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
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    runtime: Literal["aiogram", "ptb"] = "aiogram"
    default_market: str = "TH"
    brand_name: str = "Aurora Motors"
    log_level: str = "INFO"
    locales_dir: Path = PROJECT_ROOT / "locales"
    redis_url: str | None = None
    # Seed the demo data when the database has no owners (make run does this).
    seed_demo_if_empty: bool = True
    # `ownerbot run` on Telegram also runs the care planner and the outbox sender.
    care_scheduler: bool = True
    # Outbox messages in flight at once; after a crash at most this many go out twice.
    sender_concurrency: int = 16
    # LINE (Messaging API): served when the secret and the access token are set. The
    # bases exist so tests, and anyone's acceptance run, can point the bot at a fake.
    line_channel_secret: SecretStr | None = None
    line_channel_access_token: SecretStr | None = None
    line_api_base: str = "https://api.line.me"
    line_data_api_base: str = "https://api-data.line.me"  # message content (photos)
    # The public HTTPS address of this server (https://bot.example.com): LINE shows
    # images and files only by URL, so generated ones are served under /media/.
    public_url: str | None = None
