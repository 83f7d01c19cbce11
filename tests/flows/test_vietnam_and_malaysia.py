"""Vietnam and Malaysia in their own languages: a Vietnamese owner in Ho Chi Minh City
books in Vietnamese with prices in dong and a calendar that starts on Monday; a Malay
owner in Malaysia books in Malay with prices in ringgit and gets Malaysia's roadside and
emergency numbers; visitors whose phones speak Vietnamese or Malay are greeted so."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.domain.text import isolate
from tests.conftest import Chat, ChatFactory
from tests.flows.helpers import choose_services, linked, sent_to, walk_to_summary

DEMO_SAIGON = "+84912345678"  # Minh Anh Nguyễn, Vietnamese on file, an Aurora X7
DEMO_SHAH_ALAM = "+60197654321"  # Nur Aisyah binti Ahmad, Malay on file, an Aurora E3
SAIGON_STAFF_CHAT = -1001000008401


async def test_a_vietnamese_owner_books_in_vietnamese_with_prices_in_dong(
    chat_factory: ChatFactory, app: App
) -> None:
    vi = app.catalogs.translator("vi", "VN")
    chat: Chat = await linked(chat_factory(user_id=7401, lang="vi"), DEMO_SAIGON)
    assert "Chào mừng Minh Anh" in chat.text
    await chat.say("/book")
    assert "Đồng hồ ODO của xe hiện báo bao nhiêu?" in chat.text
    await chat.say("15.000")
    assert vi._("Thank you, odometer saved: {distance}.", distance="15.000 km") in chat.text
    await choose_services(chat, {"maintenance"})
    await chat.tap("bk:svok")
    await chat.tap("bk:ctr:VN-SGN-01")
    assert "tháng 11 năm 2026" in chat.console.button_labels
    assert chat.console.button_labels[3:10] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    await chat.tap("bk:day:", 1)
    await chat.tap("bk:tm:")
    await chat.tap("bk:tr:wait")
    await chat.tap("bk:nt")
    # An Aurora X7's regular maintenance: 3,000,000 dong, which has no minor units.
    assert "Giá tham khảo: 3.000.000\xa0₫" in chat.text
    assert "Phương án di chuyển: ☕ Tôi chờ tại xưởng" in chat.text
    screens = await chat.tap("bk:ok:")
    center = app.reference.dealers["VN-SGN-01"].name
    assert vi._("✅ Booked! {center} will confirm your visit shortly.", center=center) == (
        f"✅ Đã đặt lịch! {center} sẽ sớm xác nhận lịch hẹn của Quý khách."
    )
    assert f"✅ Đã đặt lịch! {center} sẽ sớm xác nhận lịch hẹn của Quý khách." in screens[0].text
    [desk] = sent_to(screens, SAIGON_STAFF_CHAT)
    assert desk.text.startswith("🆕 Lịch hẹn dịch vụ mới")
    owner = f"Chủ xe: {isolate('Nguyễn')} {isolate('Minh Anh')}, {DEMO_SAIGON}"
    assert owner in desk.text, "the family name first, as Vietnamese write names"
    assert "Ngôn ngữ: Tiếng Việt" in desk.text
    assert "Giá tham khảo: 3.000.000\xa0₫" in desk.text


async def test_a_malay_owner_books_in_malay_with_prices_in_ringgit(
    chat_factory: ChatFactory, app: App
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7402, lang="ms"), DEMO_SHAH_ALAM)
    assert "Selamat datang, Nur Aisyah!" in chat.text
    await walk_to_summary(chat, {"maintenance"}, center="MY-KUL-01")
    assert "<b>Sila semak tempahan anda:</b>" in chat.html
    # An Aurora E3's regular maintenance in Malaysia: RM260.00.
    assert "Anggaran harga: RM260.00" in chat.text
    screens = await chat.tap("bk:ok:")
    center = app.reference.dealers["MY-KUL-01"].name
    assert f"✅ Tempahan dibuat! {center} akan mengesahkan lawatan anda sebentar lagi." in (
        screens[0].text
    )


@pytest.mark.parametrize(
    ("lang", "phone", "roadside", "danger"),
    [
        pytest.param(
            "ms",
            DEMO_SHAH_ALAM,
            "🆘 Bantuan jalan raya 24 jam (Malaysia): <b>+60 3 2710 2870</b>",
            "🚨 Jika anda dalam bahaya, hubungi nombor kecemasan 999 dahulu.",
            id="ms",
        ),
        pytest.param(
            "vi",
            DEMO_SAIGON,
            "🆘 Cứu hộ giao thông 24/7 (Việt Nam): <b>+84 24 7108 2870</b>",
            "🚨 Nếu Quý khách đang gặp nguy hiểm, hãy gọi số khẩn cấp 115 trước tiên.",
            id="vi",
        ),
    ],
)
async def test_owners_get_their_markets_roadside_and_emergency_numbers_in_their_language(
    chat_factory: ChatFactory, lang: str, phone: str, roadside: str, danger: str
) -> None:
    chat: Chat = await linked(chat_factory(user_id=7403, lang=lang), phone)
    await chat.say("/sos")
    assert roadside in chat.html
    assert danger in chat.text


async def test_visitors_whose_phones_speak_vietnamese_or_malay_are_greeted_so(
    chat_factory: ChatFactory,
) -> None:
    vietnamese = chat_factory(user_id=7405, lang="vi-VN")
    await vietnamese.say("/start")
    assert "Xin chào! Tôi là trợ lý dành cho chủ xe Aurora Motors." in vietnamese.text
    malay = chat_factory(user_id=7406, lang="ms-MY")
    await malay.say("/start")
    assert "Helo! Saya pembantu untuk pemilik Aurora Motors." in malay.text
