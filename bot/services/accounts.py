"""Chat accounts: who is talking, on which channel."""

from __future__ import annotations

from datetime import datetime

from bot.domain.owners import Account, Owner
from bot.services.ports import UnitOfWork


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
    return account


async def mark_unreachable(uow: UnitOfWork, *, channel: str, chat_id: int, now: datetime) -> None:
    """The person behind this private chat blocked the bot: remember since when (the
    first refusal), keep everything else. Their next message clears it."""
    account = await uow.accounts.by_chat(channel, chat_id)
    if account is not None and account.unreachable_at is None:
        account.unreachable_at = now


async def owner_account(uow: UnitOfWork, owner_id: int, channel: str) -> Account | None:
    """The chat to write to an owner on a channel: the most recently linked one that
    has not blocked the bot (else the most recent, to report it unreachable)."""
    accounts = [a for a in await uow.accounts.of_owner(owner_id) if a.channel == channel]
    reachable = [a for a in accounts if a.unreachable_at is None]
    pool = reachable or accounts
    return max(pool, key=lambda a: (a.linked_at or a.first_seen_at, a.id or 0)) if pool else None


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
