"""Chat accounts: who is talking, on which channel."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from bot.domain.owners import Account, Owner
from bot.services.ports import UnitOfWork

# How fresh `last_seen_at` is kept: one write a minute per account at most, so a busy
# chat does not rewrite its account row on every message.
SEEN_RESOLUTION = timedelta(minutes=1)


async def account_for(
    uow: UnitOfWork,
    *,
    channel: str,
    user_id: int,
    private_chat_id: int | None,
    language_code: str,
    now: datetime,
) -> Account:
    """The account of this user, created on first contact; tracks the client's language."""
    account = await uow.accounts.by_user(channel, user_id)
    if account is None:
        account = Account(
            channel=channel,
            user_id=user_id,
            chat_id=private_chat_id if private_chat_id is not None else user_id,
            first_seen_at=now,
            language_code=language_code,
            last_seen_at=now,
        )
        uow.accounts.add(account)
        await uow.flush()
        return account
    if language_code and account.language_code != language_code:
        account.language_code = language_code
    if private_chat_id is not None and account.chat_id != private_chat_id:
        account.chat_id = private_chat_id
    if account.unreachable_at is not None:
        account.unreachable_at = None  # they wrote to us, so they unblocked the bot
    if account.last_seen_at is None or now - account.last_seen_at >= SEEN_RESOLUTION:
        account.last_seen_at = now
    return account


async def mark_unreachable(uow: UnitOfWork, *, channel: str, chat_id: int, now: datetime) -> None:
    """The person behind this private chat blocked the bot: remember since when (the
    first refusal), keep everything else. Their next message clears it."""
    account = await uow.accounts.by_chat(channel, chat_id)
    if account is not None and account.unreachable_at is None:
        account.unreachable_at = now


async def contact_account(
    uow: UnitOfWork, owner: Owner, channels: Collection[str]
) -> Account | None:
    """The one chat that speaks to an owner linked on several channels, among the
    `channels` this process serves: the channel they chose in /settings, else the one
    they wrote on last. Never all of them."""
    if owner.id is None:
        return None
    accounts = [a for a in await uow.accounts.of_owner(owner.id) if a.channel in channels]
    return choose_account(accounts, owner.preferred_channel)


def choose_account(accounts: Sequence[Account], preferred: str | None) -> Account | None:
    """`contact_account`'s rule, on accounts already loaded. An unreachable chat is
    chosen only when no other is left (so the caller can report it unreachable)."""
    reachable = [a for a in accounts if a.unreachable_at is None]
    chosen = [a for a in reachable if a.channel == preferred]
    pool = chosen or reachable or list(accounts)
    if not pool:
        return None
    return max(pool, key=_recency)


def _recency(account: Account) -> tuple[datetime, datetime, int]:
    seen = account.last_seen_at or account.linked_at or account.first_seen_at
    return (seen, account.linked_at or account.first_seen_at, account.id or 0)


async def linked_channels(uow: UnitOfWork, owner_id: int) -> list[str]:
    """The channels an owner is linked on, in a stable order."""
    return sorted({a.channel for a in await uow.accounts.of_owner(owner_id)})


def choose_channel(owner: Owner, channel: str | None, linked: Sequence[str]) -> bool:
    """Care messages go to `channel` from now on (None: wherever the owner wrote
    last); only a channel the owner is linked on. Whether it was taken."""
    if channel is not None and channel not in linked:
        return False
    owner.preferred_channel = channel
    return True


async def linked_owner(uow: UnitOfWork, account: Account) -> Owner | None:
    if account.owner_id is None:
        return None
    owner = await uow.owners.get(account.owner_id)
    if owner is None or owner.erased_at is not None:
        return None
    return owner


def choose_locale(account: Account, owner: Owner | None, locale: str) -> None:
    """An explicit language choice, remembered for the chat and for the owner."""
    account.locale = locale
    if owner is not None:
        owner.locale = locale
