"""A thin typed client over the WhatsApp Cloud API (Graph API), on aiohttp: send a
message, upload a file as media. Its base URL and version come from the settings, so
tests and acceptance runs point it at a fake (tests/fakes/whatsapp_api.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.channels.whatsapp.errors import GraphError


class GraphClient:
    def __init__(
        self,
        *,
        token: str,
        phone_number_id: str,
        api_base: str,
        api_version: str,
        timeout: float = 15.0,
    ) -> None:
        self._root = f"{api_base.rstrip('/')}/{api_version.strip('/')}/{phone_number_id}"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, to: str, message: Mapping[str, Any]) -> str:
        """Send one message (`message`: its type and body, e.g. {"type": "text", "text":
        {...}}) to a WhatsApp number; returns the message id (wamid)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        answer = await self._call("messages", json={**body, **message})
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id", ""))
        return ""

    async def upload(self, data: bytes, mime_type: str, filename: str) -> str:
        """Upload a file (a QR code, an .ics, /mydata); returns its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime_type)
        form.add_field("file", data, filename=filename, content_type=mime_type)
        answer = await self._call("media", data=form)
        return str(answer.get("id", ""))

    async def _call(self, path: str, **request: Any) -> dict[str, Any]:
        try:
            async with self._http().post(f"{self._root}/{path}", **request) as response:
                try:
                    answer = await response.json(content_type=None)
                except ValueError:
                    answer = None
                if response.status >= 400 or not isinstance(answer, dict):
                    raise _error(response, answer)
                return answer
        except aiohttp.ClientError as error:
            raise ConnectionError(str(error)) from error
        except TimeoutError as error:
            raise TimeoutError("the Graph API did not answer in time") from error


def _error(response: aiohttp.ClientResponse, answer: object) -> GraphError:
    error = answer.get("error") if isinstance(answer, dict) else None
    retry_after = response.headers.get("Retry-After")
    wait = float(retry_after) if retry_after and retry_after.isdigit() else None
    if not isinstance(error, dict):
        return GraphError(response.status, response.status, "not a Graph API answer", wait)
    code = error.get("code")
    return GraphError(
        status=response.status,
        code=code if isinstance(code, int) else response.status,
        message=str(error.get("message", ""))[:300],
        retry_after=wait,
    )
