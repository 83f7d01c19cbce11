"""Registration's rough edges: the model is not asked when the VIN tells it, a phone
from a country without a market is told which countries are served, and countries are
listed in the order the owner's language sorts (CLDR collation, pinyin for Chinese)."""

from __future__ import annotations

from bot.app import App
from bot.domain.vin import with_check_digit
from tests.conftest import Chat, ChatFactory

# In the order Thai sorts them (by consonant: ไทย sorts under ท; code points would put
# every name that starts with a leading vowel last).
THAI_ORDER = [
    "คาซัคสถาน",
    "ซาอุดีอาระเบีย",
    "ตุรกี",
    "ไทย",
    "บราซิล",
    "โปแลนด์",
    "ฝรั่งเศส",
    "มาเลเซีย",
    "เม็กซิโก",
    "เยอรมนี",
    "เวียดนาม",
    "สหรัฐอาหรับเอมิเรตส์",
    "สหราชอาณาจักร",
    "อิตาลี",
    "อินโดนีเซีย",
    "อิสราเอล",
    "อุซเบกิสถาน",
]
# Pinyin: ā, bā, bō, dé, fǎ, hā, mǎ, mò, shā, tài, tǔ, wū, yǐ, yì, yìn, yīng, yuè.
CHINESE_ORDER = [
    "阿拉伯联合酋长国",
    "巴西",
    "波兰",
    "德国",
    "法国",
    "哈萨克斯坦",
    "马来西亚",
    "墨西哥",
    "沙特阿拉伯",
    "泰国",
    "土耳其",
    "乌兹别克斯坦",
    "以色列",
    "意大利",
    "印度尼西亚",
    "英国",
    "越南",
]


async def test_the_model_is_not_asked_when_the_vin_tells_it_in_spanish(
    chat_factory: ChatFactory, app: App
) -> None:
    es = app.catalogs.translator("es", "MX")
    chat: Chat = chat_factory(user_id=7110, lang="es", name="Lucía")
    await chat.say("/start")
    await chat.say("@contact +525587654322")
    await chat.tap("reg:market:MX")
    await chat.tap("reg:tgname")
    await chat.say(with_check_digit("LAUS5AAA0SC000321"))
    assert es._("Your VIN says: {model}.", model="Aurora S5") in chat.text
    assert es._("Which model is it?") not in chat.text
    assert not chat.codes("reg:model:")
    assert chat.codes("reg:nodate"), "on to the delivery date"
    await chat.tap("reg:nodate")
    async with app.database.uow() as uow:
        owner = await uow.owners.by_phone("+525587654322")
        assert owner is not None
        [vehicle] = await uow.vehicles.of_owner(owner.id or 0)
    assert vehicle.model == "S5"


async def test_a_phone_from_a_country_without_a_market_is_told_where_we_serve_in_chinese(
    chat_factory: ChatFactory, app: App
) -> None:
    zh = app.catalogs.translator("zh_Hans")
    chat: Chat = chat_factory(user_id=7120, lang="zh-hans")
    await chat.say("/start")
    await chat.say("@contact +8613812345678")
    served = zh._(
        "Your number is from {country}, where the owners' club isn't available yet. "
        "It is open to owners who drive their car in: {countries}.",
        country=zh.country("CN"),
        countries=zh._(", ").join(CHINESE_ORDER),
    )
    assert "中国" in served
    assert served in chat.text
    assert chat.console.button_labels == CHINESE_ORDER, "pinyin order, nothing preferred"


async def test_countries_are_listed_in_thai_order_with_the_phones_country_first(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = chat_factory(user_id=7130, lang="th")
    await chat.say("/start")
    await chat.say("@contact +66899990001")
    assert chat.console.button_labels == ["ไทย", *(c for c in THAI_ORDER if c != "ไทย")]
    assert "ยังไม่มีคลับ" not in chat.text, "a Thai number is from a served country"
