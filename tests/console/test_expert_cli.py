"""`ownerbot expert open` and `ownerbot expert list`, as operations run them: a session
for a linked club, which its owners then find with /expert."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from tests.conftest import Chat
from tests.console.cli import database_url_of, ownerbot
from tests.flows.helpers import DEMO_DUBAI, linked
from tests.flows.test_clubs import DUBAI_CLUB, link_x7_club


async def test_operations_open_a_session_that_the_clubs_owners_find(
    app: App, tmp_path: Path
) -> None:
    await link_x7_club(app, DUBAI_CLUB, 9201, "AE-DXB-01", "ar")
    url = database_url_of(app)
    opened = await ownerbot(
        "expert",
        "open",
        "--chat",
        str(DUBAI_CLUB),
        "--channel",
        "console",
        "--date",
        "2027-01-20",
        "--expert",
        "Dr. Sami Haddad",
        "--topic",
        "Desert tyres",
        script="",
        database_url=url,
        cwd=tmp_path,
    )
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout == "session 1: Desert tyres, with Dr. Sami Haddad, 2027-01-20\n"
    unknown = await ownerbot(
        "expert",
        "open",
        "--chat",
        "-1009",
        "--channel",
        "console",
        "--date",
        "2027-01-20",
        "--expert",
        "X",
        "--topic",
        "Y",
        script="",
        database_url=url,
        cwd=tmp_path,
    )
    assert (unknown.returncode, unknown.stderr.splitlines()[-1]) == (
        1,
        "no linked club in chat -1009 on console",
    )
    listed = await ownerbot("expert", "list", script="", database_url=url, cwd=tmp_path)
    assert listed.stdout == f"1\t{DUBAI_CLUB}\t2027-01-20\t0/0/0\tDesert tyres (Dr. Sami Haddad)\n"

    owner = await linked(Chat(app, user_id=5001, lang="ar"), DEMO_DUBAI)
    await owner.say("/expert")
    assert owner.codes("exp:ask") == ["exp:ask:1"]
