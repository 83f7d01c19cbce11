"""A friend's number must be a mobile: the dealer calls and texts them there. Numbers the
numbering plan knows are landlines are refused with the reason; where a number may be
either (Mexico), it is taken."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.config import PROJECT_ROOT
from bot.domain.phone import PhoneError, PhoneProblem, example_phone, normalize_phone
from bot.i18n import Catalogs
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import DEMO_SAO_PAULO, linked

CATALOGS = Catalogs(PROJECT_ROOT / "locales")
DEMO_MEXICO = "+525512345678"  # María, Spanish


@pytest.mark.parametrize(
    ("raw", "region"),
    [("(11) 3456-7890", "BR"), ("02 123 4567", "TH"), ("030 1234567", "DE")],
)
def test_a_landline_is_refused_where_a_mobile_is_required(raw: str, region: str) -> None:
    assert normalize_phone(raw, region)  # a valid number...
    with pytest.raises(PhoneError) as refused:  # ...but not a mobile
        normalize_phone(raw, region, require_mobile=True)
    assert refused.value.problem is PhoneProblem.LANDLINE


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [("55 1234 5678", "MX", "+525512345678"), ("+1 212 555 0123", None, "+12125550123")],
)
def test_a_number_that_may_be_fixed_or_mobile_is_accepted(
    raw: str, region: str | None, expected: str
) -> None:
    assert normalize_phone(raw, region, require_mobile=True) == expected


async def friend_named(chat: Chat, owner_phone: str, friend: str) -> Chat:
    """The owner recommends a friend in chat, up to the friend's phone number."""
    await linked(chat, owner_phone)
    await chat.say("/refer")
    await chat.tap("ref:new")
    await chat.say(friend)
    return chat


async def test_a_brazilian_landline_given_for_a_friend_is_refused_with_the_reason(
    chat_factory: ChatFactory, app: App
) -> None:
    pt = CATALOGS.translator("pt_BR", "BR")
    chat = await friend_named(chat_factory(lang="pt-br"), DEMO_SAO_PAULO, "Rafael Souza")
    await chat.say("(11) 3456-7890")
    reason = pt._(
        "That is a landline number. The dealer calls and texts friends on their mobile: "
        "please send {name}'s mobile number, for example {example} ({country}).",
        name="Rafael",
        example=example_phone("BR"),
        country=pt.country("BR"),
    )
    assert "celular" in reason, "the Portuguese catalog explains it"
    assert reason in chat.text
    assert not chat.codes("ref:model:"), "the same question again, nothing else"
    await chat.say("(11) 98765-4300")
    assert chat.codes("ref:model:"), "a mobile number moves on to the model"


async def test_a_mexican_number_that_may_be_a_mobile_is_taken(chat_factory: ChatFactory) -> None:
    chat = await friend_named(chat_factory(lang="es"), DEMO_MEXICO, "Lucía Pérez")
    await chat.say("55 1234 9876")
    assert chat.codes("ref:model:")
