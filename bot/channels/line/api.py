"""The LINE Messaging API calls we make, through the official SDK (line-bot-sdk 3,
`linebot.v3`, its aiohttp client): the only module that imports it.

Both bases are configurable (`Configuration(host=...)`), so tests point the SDK at
a local fake. Messages are built as LINE's JSON (bot/channels/line/rendering.py) and
handed to the SDK's models with `from_dict`; errors become a `LineError` of a kind
the rest acts on.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
    PushMessageRequest,
    ReplyMessageRequest,
)

Message = dict[str, Any]  # one LINE message object, as JSON

MONTHLY_LIMIT = "monthly limit"  # in the 429 body when the push quota is used up
INVALID_REPLY_TOKEN = "invalid reply token"


class LineErrorKind(Enum):
    INVALID_REPLY_TOKEN = "invalid_reply_token"  # expired, used, or never ours
    RETRY_AFTER = "retry_after"  # 429 rate limit: LINE did not process it
    QUOTA_EXHAUSTED = "quota_exhausted"  # 429: the month's push messages are used up
    ALREADY_ACCEPTED = "already_accepted"  # 409: this retry key was sent before
    NETWORK = "network"  # timeout, connection error, 5xx: it may have gone through
    REJECTED = "rejected"  # any other 4xx: the request itself is wrong
    UNAUTHORIZED = "unauthorized"  # 401: the channel access token expired or was revoked


class LineError(Exception):
    def __init__(self, kind: LineErrorKind, description: str, retry_after: float = 0.0) -> None:
        super().__init__(description)
        self.kind = kind
        self.description = description
        self.retry_after = retry_after


@dataclass(frozen=True)
class Profile:
    display_name: str
    language: str  # the user's LINE language ("th", "en", "zh-Hant"); "" if not shared


@dataclass(frozen=True)
class Quota:
    limit: int | None  # messages a month; None: no limit
    used: int


class LineApi:
    def __init__(
        self, *, token: str, api_base: str, data_api_base: str, timeout: float = 10.0
    ) -> None:
        self._client = AsyncApiClient(Configuration(host=api_base, access_token=token))
        self._data_client = AsyncApiClient(Configuration(host=data_api_base, access_token=token))
        self._api = AsyncMessagingApi(self._client)
        self._blob = AsyncMessagingApiBlob(self._data_client)
        self.timeout = timeout

    async def close(self) -> None:
        await self._client.close()
        await self._data_client.close()

    async def reply(self, reply_token: str, messages: list[Message]) -> None:
        request = ReplyMessageRequest.from_dict({"replyToken": reply_token, "messages": messages})
        await self._call(self._api.reply_message(request))

    async def push(self, to: str, messages: list[Message], retry_key: str) -> None:
        """A push, counted against the monthly quota; the retry key makes a repeat of
        the same push a no-op on LINE's side (409)."""
        request = PushMessageRequest.from_dict({"to": to, "messages": messages})
        await self._call(self._api.push_message(request, x_line_retry_key=retry_key))

    async def profile(self, user_id: str) -> Profile:
        found = await self._call(self._api.get_profile(user_id))
        return Profile(str(found.display_name or ""), str(getattr(found, "language", "") or ""))

    async def quota(self) -> Quota:
        limit = await self._call(self._api.get_message_quota())
        used = await self._call(self._api.get_message_quota_consumption())
        kind = str(getattr(limit.type, "value", limit.type))
        return Quota(int(limit.value) if kind == "limited" else None, int(used.total_usage))

    async def content(self, message_id: str) -> bytes:
        """What a user sent (a photo), from the data API."""
        data = await self._call(self._blob.get_message_content(message_id))
        return bytes(data)

    async def _call(self, call: Any) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                return await call
        except ApiException as error:
            raise _classified(error) from None
        except (TimeoutError, OSError) as error:
            raise LineError(LineErrorKind.NETWORK, type(error).__name__) from None


def _classified(error: ApiException) -> LineError:
    status = int(error.status or 0)
    message = _message_of(error.body)
    described = f"{status}: {message}"
    lowered = message.lower()
    if status == 400 and INVALID_REPLY_TOKEN in lowered:
        return LineError(LineErrorKind.INVALID_REPLY_TOKEN, described)
    if status == 429 and MONTHLY_LIMIT in lowered:
        return LineError(LineErrorKind.QUOTA_EXHAUSTED, described)
    if status == 429:
        return LineError(LineErrorKind.RETRY_AFTER, described, _retry_after(error))
    if status == 409:
        return LineError(LineErrorKind.ALREADY_ACCEPTED, described)
    if status == 401:
        return LineError(LineErrorKind.UNAUTHORIZED, described)
    if status >= 500 or status == 0:
        return LineError(LineErrorKind.NETWORK, described)
    return LineError(LineErrorKind.REJECTED, described)


def _message_of(body: Any) -> str:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    try:
        parsed = json.loads(body) if isinstance(body, str) else {}
    except ValueError:
        return str(body)[:200]
    return str(parsed.get("message", ""))[:200] if isinstance(parsed, dict) else ""


def _retry_after(error: ApiException) -> float:
    headers = error.headers or {}
    try:
        return max(float(headers.get("Retry-After", 1)), 0.0)
    except (TypeError, ValueError):
        return 1.0
