"""`ownerbot console --files DIR`: every attachment becomes a file a person can open
(a visit's .ics, a voucher's QR, the /mydata JSON), and the console says where."""

from __future__ import annotations

import json
from pathlib import Path

from bot.app import App
from bot.channels.console_files import AttachmentFolder, safe_filename
from handlers.types import Attachment
from tests.conftest import NOW, Chat
from tests.console.cli import database_url_of, ownerbot
from tests.flows.helpers import DEMO_BANGKOK, DEMO_DUBAI, book_visit, linked
from tests.services.loyalty_helpers import give, owner_by_phone

DEMO_MEXICO_CITY = "+525512345678"


async def redeem_labour_hour(chat: Chat) -> None:
    await chat.say("/points")
    await chat.tap("rw:cats")
    await chat.tap("rw:cat:service_voucher")
    await chat.tap("rw:show:labour_hour")
    await chat.tap("rw:ask:labour_hour")
    await chat.tap("rw:ok:labour_hour")


async def test_the_calendar_file_of_a_booking_is_saved_in_arabic(app: App, tmp_path: Path) -> None:
    files = tmp_path / "files"
    chat = await linked(Chat(app, user_id=5301, lang="ar", files=files), DEMO_DUBAI)
    screens = await book_visit(chat, center="AE-DXB-01")
    [ics] = [s.attachment for s in screens if s.attachment is not None]
    saved = files / ics.filename
    assert saved.read_bytes() == ics.data
    assert b"BEGIN:VCALENDAR" in saved.read_bytes()
    assert f"saved to {saved}" in chat.transcript


async def test_each_voucher_qr_is_saved_and_a_second_one_does_not_overwrite_the_first(
    app: App, tmp_path: Path
) -> None:
    owner = await owner_by_phone(app, DEMO_BANGKOK)
    await give(app, owner, 5000, key="files", at=NOW)
    files = tmp_path / "files"
    chat = await linked(Chat(app, user_id=5302, lang="th", files=files), DEMO_BANGKOK)
    await redeem_labour_hour(chat)
    first = chat.screens[-1].attachment
    assert first is not None
    assert first.kind == "photo"
    await redeem_labour_hour(chat)
    second = chat.screens[-1].attachment
    assert second is not None
    assert (files / "voucher.png").read_bytes() == first.data
    assert (files / "voucher-2.png").read_bytes() == second.data
    assert f"saved to {files / 'voucher-2.png'}" in chat.transcript


async def test_mydata_is_saved_as_a_json_file_to_open(app: App, tmp_path: Path) -> None:
    files = tmp_path / "files"
    chat = await linked(Chat(app, user_id=5303, lang="es", files=files), DEMO_MEXICO_CITY)
    await chat.say("/mydata")
    data = json.loads((files / "my-data.json").read_text())
    assert data["owner"]["phone"] == DEMO_MEXICO_CITY


async def test_a_trade_in_photo_sent_as_a_picture_path_is_saved_for_the_dealer(
    app: App, tmp_path: Path
) -> None:
    picture = tmp_path / "camera" / "front.jpg"
    picture.parent.mkdir()
    picture.write_bytes(b"\xff\xd8\xff front of the car")
    files = tmp_path / "files"
    chat = await linked(Chat(app, user_id=5305, lang="ar", files=files), DEMO_DUBAI)
    await chat.say("/menu")
    await chat.tap("tv:start")
    await chat.say("24500")
    await chat.say(f"@photo {picture}")
    await chat.say("@photo AgACAgIAAxkBAAIB")  # a platform's file id: nothing to copy
    screens = await chat.tap("tv:done")
    [lead] = [s for s in screens if s.photos]
    assert lead.photos == (str(picture), "AgACAgIAAxkBAAIB")
    assert (files / "front.jpg").read_bytes() == picture.read_bytes()
    photo_lines = f"[photo: {picture}]\n[photo: AgACAgIAAxkBAAIB]\n"
    assert f"{photo_lines}   saved to {files / 'front.jpg'}\n" in chat.transcript
    assert [p.name for p in files.iterdir()] == ["front.jpg"]


def test_the_same_file_twice_is_written_once(tmp_path: Path) -> None:
    folder = AttachmentFolder(tmp_path)
    qr = Attachment("voucher.png", b"\x89PNG same")
    assert folder.save(qr) == folder.save(qr) == tmp_path / "voucher.png"
    assert [p.name for p in tmp_path.iterdir()] == ["voucher.png"]


def test_an_attachment_name_cannot_leave_the_folder_or_hide_in_it() -> None:
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename(".bashrc") == "bashrc"
    assert safe_filename("") == "attachment"
    assert safe_filename("service-12.ics") == "service-12.ics"


async def test_ownerbot_console_files_saves_and_says_where(app: App, tmp_path: Path) -> None:
    await linked(Chat(app, user_id=5304, lang="ar"), DEMO_DUBAI)
    ran = await ownerbot(
        "console",
        "--user",
        "5304",
        "--lang",
        "ar",
        "--files",
        "downloads",
        script="/mydata\n",
        database_url=database_url_of(app),
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    assert "📎 my-data.json" in ran.stdout
    assert "saved to downloads/my-data.json" in ran.stdout
    assert json.loads((tmp_path / "downloads" / "my-data.json").read_text())["owner"]["phone"] == (
        DEMO_DUBAI
    )
