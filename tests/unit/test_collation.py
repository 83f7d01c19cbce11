"""Lists sort as the owner's language does (ICU's CLDR collation), not by code point."""

from __future__ import annotations

from bot.config import PROJECT_ROOT
from bot.i18n import Catalogs

catalogs = Catalogs(PROJECT_ROOT / "locales")


def test_german_sorts_umlauts_with_their_base_letter() -> None:
    t = catalogs.translator("de")
    names = ["Zypern", "Ägypten", "Albanien", "Österreich", "Oman"]
    assert sorted(names, key=t.sort_key) == ["Ägypten", "Albanien", "Oman", "Österreich", "Zypern"]


def test_chinese_sorts_by_pinyin() -> None:
    t = catalogs.translator("zh_Hans")
    cities = ["上海", "北京", "广州", "深圳"]  # shàng, běi, guǎng, shēn
    assert sorted(cities, key=t.sort_key) == ["北京", "广州", "上海", "深圳"]


def test_thai_sorts_by_consonant_not_by_leading_vowel() -> None:
    t = catalogs.translator("th")
    assert sorted(["ไทย", "บราซิล"], key=t.sort_key) == ["ไทย", "บราซิล"]  # ท before บ
    assert sorted(["ไทย", "บราซิล"]) == ["บราซิล", "ไทย"], "code points disagree"


def test_turkish_puts_dotless_i_before_i() -> None:
    t = catalogs.translator("tr")
    assert sorted(["İzmir", "Isparta", "Hatay"], key=t.sort_key) == ["Hatay", "Isparta", "İzmir"]
