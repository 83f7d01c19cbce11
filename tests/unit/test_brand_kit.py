"""A brand's own kit (OWNERBOT_BRAND_DIR): `brand init` starts one from the demo brand,
`brand check` finds each kind of mistake and says on which line, nothing runs on a kit
that fails, and imports know the model names the brand's dealer system writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.data import DATA_DIR, load_reference
from bot.data.kit import KIT_FILES, Problem, check_kit, init_kit
from bot.services.importer import validate_file

HEADER = (
    "phone,first_name,last_name,language,market,birthday,vin,model,model_year,"
    "delivery_date,mileage_km,dealer_code\n"
)


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    init_kit(tmp_path / "kit", DATA_DIR)
    return tmp_path / "kit"


def edit(kit: Path, name: str, old: str, new: str, at: str | None = None) -> int:
    """Replace `old` once in the kit's file; the line of `at` (else of the change)."""
    path = kit / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    changed = text.replace(old, new, 1)
    path.write_text(changed, encoding="utf-8")
    return changed[: changed.index(at or new)].count("\n") + 1


def test_the_demo_brand_shipped_with_the_bot_passes_the_check() -> None:
    assert check_kit(DATA_DIR) == []


def test_a_new_kit_is_the_demo_brand_with_its_comments_and_passes(kit: Path) -> None:
    assert sorted(p.name for p in kit.iterdir()) == sorted(KIT_FILES)
    assert (kit / "markets.toml").read_text().startswith("# Markets:")
    assert check_kit(kit) == []


def test_init_never_overwrites_a_kit(kit: Path) -> None:
    with pytest.raises(FileExistsError):
        init_kit(kit, DATA_DIR)


MISTAKES = [
    (
        "markets.toml",
        'currency = "THB"',
        'currency = "THX"',
        "market TH: unknown currency 'THX'",
        None,
    ),
    (
        "markets.toml",
        'timezone = "Asia/Bangkok"',
        'timezone = "Asia/Bangkog"',
        "market TH: unknown time zone 'Asia/Bangkog'",
        None,
    ),
    (
        "markets.toml",
        'languages = ["th", "en", "zh_Hans"]',
        'languages = ["th", "en", "klingon"]',
        "market TH: language 'klingon' is not shipped",
        None,
    ),
    (
        "dealers.toml",
        'market = "TH"\nname = "Aurora Rama IX Bangkok"',
        'market = "TX"\nname = "Aurora Rama IX Bangkok"',
        "dealer TH-BKK-01: unknown market 'TX'",
        None,
    ),
    (
        "dealers.toml",
        'timezone = "Asia/Bangkok"\nphone = "+66 2 248 0999"',
        'timezone = "Asia/Dubai"\nphone = "+66 2 248 0999"',
        "dealer TH-BKK-01: time zone 'Asia/Dubai' is outside its market TH",
        None,
    ),
    (
        "dealers.toml",
        'hours = { mon = "08:00-18:00", tue',
        'hours = { mon = "08:00-12:00,11:00-18:00", tue',
        "dealer TH-BKK-01: hours: mon has overlapping opening hours",
        None,
    ),
    (
        "dealers.toml",
        'hours = { mon = "08:00-18:00", tue',
        'hours = { mon = "18:00-08:00", tue',
        "dealer TH-BKK-01: hours: mon closes before it opens (18:00-08:00)",
        None,
    ),
    (
        "rewards.toml",
        'th = "ค่าแรงช่าง 1 ชั่วโมง"\n',
        "\n",
        "reward labour_hour: no title in th (a language of TH)",
        "[labour_hour.title]",
    ),
    (
        "models.toml",
        'name = "Aurora X7"\n',
        'name = "Aurora X7"\naliases = ["Aurora S5"]\n',
        "model X7: 'Aurora S5' also names model S5",
        'aliases = ["Aurora S5"]',
    ),
    ("care.toml", "survey_after_hours = 2", "survey_after_ours = 2", "'survey_after_ours'", None),
    ("services.toml", "[maintenance]", "[maintenanse]", "unknown operation 'maintenanse'", None),
    ("brand.toml", 'name = "Aurora Motors"', 'name = "Aurora Motors', "Illegal character", None),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "says", "at"), MISTAKES, ids=[m[3] for m in MISTAKES]
)
def test_each_kind_of_mistake_is_found_on_its_line(
    kit: Path, name: str, old: str, new: str, says: str, at: str | None
) -> None:
    line = edit(kit, name, old, new, at)
    problems = check_kit(kit)
    assert [(p.file, p.line) for p in problems if says in p.message] == [(name, line)], problems


def test_a_missing_file_is_named(kit: Path) -> None:
    (kit / "care.toml").unlink()
    assert check_kit(kit) == [Problem("care.toml", 0, "missing: a kit has all eight files")]


def test_nothing_runs_on_a_kit_that_fails_the_check(kit: Path) -> None:
    line = edit(kit, "markets.toml", 'currency = "THB"', 'currency = "THX"')
    result = CliRunner().invoke(cli, ["care", "plan"], env={"OWNERBOT_BRAND_DIR": str(kit)})
    assert result.exit_code == 1
    assert f"markets.toml:{line}: market TH: unknown currency 'THX'" in result.output
    assert "has 1 problem(s)" in result.output


def test_brand_check_reports_ok_with_what_the_kit_holds(kit: Path) -> None:
    result = CliRunner().invoke(cli, ["brand", "check", str(kit)])
    assert result.exit_code == 0, result.output
    assert "brand kit OK (Aurora Motors: " in result.output


def test_an_import_knows_a_model_by_the_alias_its_dealer_system_writes(kit: Path) -> None:
    edit(kit, "models.toml", 'name = "Aurora S5"\n', 'name = "Aurora S5"\naliases = ["ATTO 3"]\n')
    assert check_kit(kit) == []
    reference = load_reference(kit)
    row = "+66897000001,Somchai,Dee,th,TH,,LAUS5AAA1SC000001,atto 3,2025,2025-01-10,,TH-BKK-01\n"
    rows, report = validate_file([HEADER, row], reference, date(2026, 12, 7))
    assert report.errors == []
    assert [r.model for r in rows] == ["S5"]
    demo_rows, demo_report = validate_file([HEADER, row], load_reference(), date(2026, 12, 7))
    assert demo_rows == []
    assert [str(e) for e in demo_report.errors] == ["line 2, model: unknown model 'atto 3'"]
