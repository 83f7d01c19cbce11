"""Kazakhstan, Uzbekistan and Israel in their own languages: a Hebrew owner in Tel Aviv
books right to left on a calendar that starts on Sunday, with whole shekels; an Uzbek
owner in Tashkent books in Latin-script Uzbek with whole soʻm; a Kazakh speaker in
Almaty books in Kazakh while the center's desk reads Russian, the market's first
language; each gets the country's roadside and emergency numbers, and visitors whose
phones speak Hebrew (also the old code iw), Kazakh or Uzbek are greeted so."""

from __future__ import annotations

from bot.app import App
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import choose_services, linked, sent_to

TEL_AVIV = "+972528765432"  # נועה לוי, Hebrew on file, an Aurora E3 (16,500 km)
TASHKENT = "+998901234567"  # Dilnoza Karimova, Uzbek on file, an Aurora X7 (9,800 km)
ALMATY = "+77051234567"  # Асқар Жұмабеков, Kazakh on file, an Aurora S5 (31,000 km)
# Right-to-left text isolates left-to-right names and numbers (U+2066 ... U+2069).
LRI, PDI = "\u2066", "\u2069"


async def book_maintenance(chat: Chat, center: str) -> list[str]:
    """Books regular maintenance on the first free day at its first time; returns the
    calendar's weekday header."""
    await chat.say("/book")
    await chat.say("40000")
    await choose_services(chat, {"maintenance"})
    await chat.tap("bk:svok")
    await chat.tap(f"bk:ctr:{center}")
    weekdays = chat.console.button_labels[3:10]
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    if chat.codes("bk:tr:"):
        await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    return weekdays


async def test_a_hebrew_owner_books_right_to_left_on_a_week_that_starts_on_sunday(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7501, lang="he"), TEL_AVIV)
    assert chat.text.startswith("ברוכים הבאים, נועה! הצ׳אט מקושר עכשיו לחברות שלכם.")
    weekdays = await book_maintenance(chat, "IL-TLV-01")
    assert weekdays == ["א׳", "ב׳", "ג׳", "ד׳", "ה׳", "ו׳", "ש׳"]
    assert "<b>נא לבדוק את פרטי התור:</b>" in chat.html
    # An Aurora E3's regular maintenance in Israel: ₪550, whole shekels without agorot.
    assert "מחיר משוער: \u200f550\xa0\u200f₪, או \u200f539\xa0\u200f₪ עם הנחת הדרגה שלכם" in (
        chat.text
    )
    screens = await chat.tap("bk:ok:")
    assert screens[0].text.startswith(
        f"✅ התור נקבע! {LRI}Aurora Tel Aviv HaMasger{PDI} יאשרו את הביקור"
    )
    [desk] = sent_to(screens, -1001000097201)
    assert desk.text.startswith("🆕 תור חדש לטיפול\n\nתור #")
    assert "שפה: עברית" in desk.text
    assert "מחיר משוער: \u200f550\xa0\u200f₪, או \u200f539\xa0\u200f₪ עם הנחת הדרגה של הלקוח" in (
        desk.text
    )


async def test_an_uzbek_owner_books_in_latin_script_with_whole_som(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7502, lang="uz"), TASHKENT)
    assert chat.text.startswith("Xush kelibsiz, Dilnoza! Chatingiz endi aʼzoligingizga bogʻlandi.")
    weekdays = await book_maintenance(chat, "UZ-TAS-01")
    assert weekdays == ["Du", "Se", "Ch", "Pa", "Ju", "Sh", "Ya"]
    assert "<b>Iltimos, yozilishingizni tekshiring:</b>" in chat.html
    assert "Taxminiy narx: 1\xa0900\xa0000\xa0soʻm" in chat.text
    screens = await chat.tap("bk:ok:")
    assert screens[0].text.startswith(
        "✅ Yozildingiz! Aurora Toshkent Yunusobod tez orada tashrifingizni tasdiqlaydi."
    )
    [desk] = sent_to(screens, -1001000099801)
    assert desk.text.startswith("🆕 Servisga yangi yozilish\n\nYozilish #")
    assert "Muloqot tili: O‘zbekcha" in desk.text
    assert "Probeg: 40\xa0000 km" in desk.text


async def test_a_kazakh_speaker_books_in_kazakh_and_the_desk_reads_russian(
    chat_factory: ChatFactory,
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7503, lang="kk"), ALMATY)
    assert chat.text.startswith("Қош келдіңіз, Асқар! Чатыңыз енді мүшелігіңізге байланыстырылды.")
    await book_maintenance(chat, "KZ-ALA-01")
    assert "<b>Жазылуыңызды тексеріңіз:</b>" in chat.html
    assert "Болжамды баға: 65\xa0000\xa0₸" in chat.text
    screens = await chat.tap("bk:ok:")
    assert screens[0].text.startswith(
        "✅ Жазылдыңыз! Aurora Almaty Al-Farabi сапарыңызды жақын арада растайды."
    )
    [desk] = sent_to(screens, -1001000000601)
    assert desk.text.startswith("🆕 Новая запись на сервис")
    assert "Язык общения: Қазақ тілі" in desk.text


async def test_uzbekistan_and_israel_have_their_own_roadside_and_emergency_numbers(
    chat_factory: ChatFactory, app: App
) -> None:
    uzbek: Chat = await linked(chat_factory(user_id=7504, lang="uz"), TASHKENT)
    await uzbek.say("/sos")
    assert "🆘 Kecha-kunduz yoʻlda yordam (Oʻzbekiston): <b>+998 71 205 2870</b>" in uzbek.html
    assert (
        "🚨 Xavf ostida boʻlsangiz, avval 103 favqulodda xizmat raqamiga qoʻngʻiroq qiling."
        in uzbek.text
    )
    hebrew: Chat = await linked(chat_factory(user_id=7505, lang="he"), TEL_AVIV)
    await hebrew.say("/sos")
    he = app.catalogs.translator("he", "IL")
    roadside = he._(
        "🆘 24-hour roadside assistance ({country}): <b>{phone}</b>",
        country="ישראל",
        phone=app.reference.markets["IL"].roadside_phone,
    )
    assert roadside.startswith("🆘 שירותי דרך 24 שעות (ישראל): <b>")
    assert roadside in hebrew.html
    emergency = he._(
        "🚨 If you are in danger, call the emergency number {emergency} first.", emergency="101"
    )
    assert emergency.startswith("🚨 אם אתם בסכנה, התקשרו קודם למספר החירום ")
    assert emergency in hebrew.text


async def test_visitors_whose_phones_speak_hebrew_kazakh_or_uzbek_are_greeted_so(
    chat_factory: ChatFactory,
) -> None:
    for user_id, tag, greeting in (
        (7506, "he", f"שלום! אני העוזר הדיגיטלי של בעלי {LRI}Aurora Motors{PDI}."),
        (7507, "iw", f"שלום! אני העוזר הדיגיטלי של בעלי {LRI}Aurora Motors{PDI}."),
        (7508, "kk-KZ", "Сәлеметсіз бе! Мен — Aurora Motors иелерінің көмекшісімін."),
        (7509, "uz-Latn-UZ", "Assalomu alaykum! Men Aurora Motors egalarining yordamchisiman."),
    ):
        visitor = chat_factory(user_id=user_id, lang=tag)
        await visitor.say("/start")
        assert visitor.text.startswith(greeting), tag
