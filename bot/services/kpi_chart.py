"""The KPI report as a chart a brand manager reads at a glance (`/kpi` in a staff chat,
`ownerbot report kpi --png FILE`), drawn with matplotlib.

Six panels: NPS and the return-to-service rate by month against the briefs' targets,
the referral funnel, the tier mix, the life-cycle segments, and club engagement
(verified club members, seats taken and attendance at club events, questions to the
dealer asked and answered, the median first-response time). Every word on it
comes in `ChartText`, in the reader's language (`handlers/kpi_texts.py` writes it), and
every bar carries its number.

Fonts: matplotlib lays text out with libraqm (shaping, right-to-left), but a glyph
needs a font that has it. `font_families()` takes the first installed of a list of
families covering the shipped scripts (Noto Sans and its Thai, Arabic and CJK
families; Debian: fonts-noto-core and fonts-noto-cjk) and falls back glyph by glyph,
ending with DejaVu Sans, which matplotlib ships (Latin, Cyrillic, Arabic; no Thai or
Chinese). A chart drawn without a script's font says so once in the log.
"""

from __future__ import annotations

import io
import logging
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.domain.care import Segment
from bot.domain.loyalty import Tier
from bot.services.kpi import NPS_TARGET, RETURN_TARGET, KpiReport

log = logging.getLogger(__name__)

# Preferred first; each adds scripts the ones before lack. DejaVu Sans is always there.
FONT_FAMILIES = (
    "Noto Sans",
    "Noto Sans Thai",
    "Noto Sans Arabic",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Droid Sans Fallback",
    "WenQuanYi Zen Hei",
    "DejaVu Sans",
)
INK, GRID, GOOD, BAD, TARGET, BAR = (
    "#1d2330",
    "#d8dde6",
    "#2e8b57",
    "#c0392b",
    "#e09f3e",
    "#3a6ea5",
)
SIZE = (15, 9)  # inches; at 100 dpi a 1500 x 900 PNG


@dataclass(frozen=True)
class ChartText:
    """Everything the chart writes, in the reader's language."""

    title: str
    nps: str  # the NPS panel's title and legend entry
    nps_target: str  # "Target: 40"
    return_rate: str
    return_target: str
    months: tuple[str, ...]  # the trend's month labels, oldest first
    funnel: str
    stages: tuple[str, ...]  # the funnel's stages, in order
    tiers: str
    tier_names: dict[Tier, str]
    segments: str
    segment_names: dict[Segment, str]
    owners: str  # the legend of owner counts
    friends: str  # the legend of the funnel
    engagement: str  # the panel's title
    engagement_legend: str
    verified_members: str
    rsvps: str
    attended: str
    asked: str  # questions to the dealer
    answered: str
    median_wait: str  # "Median first response: 45 min" (or "—")
    no_data: str
    number: Callable[[float], str]
    percent: Callable[[float], str]
    language: str = "en"  # BCP 47, for the text layout
    right_to_left: bool = False


@cache
def font_families() -> tuple[str, ...]:
    """The preferred families installed here, in order (DejaVu Sans last, always)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    found = tuple(f for f in FONT_FAMILIES if f in installed)
    return found if "DejaVu Sans" in found else (*found, "DejaVu Sans")


def render_png(report: KpiReport, text: ChartText) -> bytes:
    """The chart as a PNG."""
    settings = rc_context(
        {
            "font.family": list(font_families()),
            "text.parse_math": False,  # "$" in a label is a dollar
            "axes.edgecolor": GRID,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "text.language": text.language,
        }
    )
    with settings, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = build_figure(report, text)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    missing = sorted({str(w.message) for w in caught if "missing from font" in str(w.message)})
    if missing:
        _warn_missing_fonts(text.language, len(missing))
    return buffer.getvalue()


@cache
def _warn_missing_fonts(language: str, glyphs: int) -> None:
    log.warning(
        "the KPI chart in %s lacks a font for %d glyphs: install Noto fonts "
        "(fonts-noto-core, fonts-noto-cjk)",
        language,
        glyphs,
    )


def build_figure(report: KpiReport, text: ChartText) -> Figure:
    """The chart's figure (tests read its texts)."""
    figure = Figure(figsize=SIZE, dpi=100, layout="constrained")
    figure.suptitle(text.title, fontsize=15, color=INK)
    grid = figure.subplots(2, 3)
    nps_values = [m.nps for m in report.trend]
    _trend(grid[0][0], text, text.nps, nps_values, NPS_TARGET, text.nps_target, signed=True)
    rates = [None if m.return_rate is None else round(100 * m.return_rate) for m in report.trend]
    target = round(100 * RETURN_TARGET)
    _trend(grid[0][1], text, text.return_rate, rates, target, text.return_target, percent=True)
    funnel = report.funnel or tuple(0 for _ in text.stages)
    _bars(grid[0][2], text, text.funnel, list(text.stages), list(funnel), text.friends)
    tiers = [text.tier_names[tier] for tier in report.tiers]
    _bars(grid[1][0], text, text.tiers, tiers, list(report.tiers.values()), text.owners)
    segments = [text.segment_names[Segment(s)] for s in report.segments]
    _bars(grid[1][2], text, text.segments, segments, list(report.segments.values()), text.owners)
    _engagement(grid[1][1], report, text)
    return figure


def _trend(
    ax: Axes,
    text: ChartText,
    title: str,
    values: Sequence[int | None],
    target: int,
    target_label: str,
    *,
    signed: bool = False,
    percent: bool = False,
) -> None:
    ax.set_title(title, color=INK, loc="right" if text.right_to_left else "left")
    xs = list(range(len(values)))
    shown = [v if v is not None else 0 for v in values]
    colours = [GOOD if v is not None and v >= target else BAD for v in values]
    bars = ax.bar(xs, shown, color=colours, label=title)
    labels = [
        ""
        if v is None
        else text.percent(v / 100)
        if percent
        else (f"+{text.number(v)}" if signed and v > 0 else text.number(v))
        for v in values
    ]
    ax.bar_label(bars, labels=labels, padding=2, fontsize=8, color=INK)
    if all(v is None for v in values):
        ax.text(0.5, 0.5, text.no_data, transform=ax.transAxes, ha="center", color=INK)
    ax.axhline(target, color=TARGET, linestyle="--", linewidth=2, label=target_label)
    ax.set_xticks(xs, list(text.months[-len(xs) :]) if xs else [], rotation=45, fontsize=8)
    low = min([0, *shown]) * 1.2
    high = max([100 if percent else target, *shown]) * 1.15
    ax.set_ylim(low, high)
    ax.legend(loc="lower left" if not text.right_to_left else "lower right", fontsize=8)
    ax.grid(axis="y", color=GRID, linewidth=0.5)
    _mirror(ax, text)


def _bars(
    ax: Axes, text: ChartText, title: str, names: list[str], counts: list[int], legend: str
) -> None:
    """Horizontal bars, first at the top, each with its number."""
    ax.set_title(title, color=INK, loc="right" if text.right_to_left else "left")
    ys = list(range(len(names)))
    bars: BarContainer = ax.barh(ys, counts, color=BAR, label=legend)
    ax.bar_label(bars, labels=[text.number(c) for c in counts], padding=3, fontsize=9)
    ax.set_yticks(ys, names, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max([1, *counts]) * 1.2)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", color=GRID, linewidth=0.5)


def _engagement(ax: Axes, report: KpiReport, text: ChartText) -> None:
    """Clubs and events, then questions to the dealer; the median wait beneath."""
    clubs = report.clubs
    asked = sum(d.asked for d in report.questions)
    answered = sum(d.answered for d in report.questions)
    names = [text.verified_members, text.rsvps, text.attended, text.asked, text.answered]
    counts = [clubs.verified_members, clubs.rsvps, clubs.attended, asked, answered]
    _bars(ax, text, text.engagement, names, counts, text.engagement_legend)
    ax.set_xlabel(text.median_wait, fontsize=9, color=INK)


def _mirror(ax: Axes, text: ChartText) -> None:
    """Right-to-left readers: months run from the right, the scale on the right (the
    other panels are not about time and keep matplotlib's layout)."""
    if text.right_to_left:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
