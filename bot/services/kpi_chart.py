"""The KPI report as a PNG (`ownerbot report kpi --png FILE`): bars against the briefs'
targets, drawn with Pillow so the report needs no plotting stack."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from bot.services.kpi import NPS_TARGET, RETURN_TARGET, KpiReport

WIDTH, HEIGHT = 900, 520
INK, GRID, GOOD, BAD, TARGET = "#1d2330", "#d8dde6", "#2e8b57", "#c0392b", "#e09f3e"


def render_png(report: KpiReport) -> bytes:
    import io

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    title = f"ownerbot KPIs - {report.market or 'all markets'} - since {report.since:%Y-%m-%d}"
    draw.text((24, 16), title, fill=INK, font=font)

    # Two gauges: NPS on -100..100, return-to-service on 0..100 %.
    _gauge(draw, font, 24, 60, "NPS", report.nps, -100, 100, NPS_TARGET, f"n={report.answers}")
    rate = None if report.return_rate is None else round(report.return_rate * 100)
    _gauge(
        draw,
        font,
        24,
        130,
        "Return to service %",
        rate,
        0,
        100,
        round(RETURN_TARGET * 100),
        f"{report.returned}/{report.vehicles} vehicles",
    )

    # Owners per segment.
    draw.text((24, 210), "Owners per life-cycle segment", fill=INK, font=font)
    biggest = max(report.segments.values(), default=0) or 1
    for row, (segment, count) in enumerate(report.segments.items()):
        y = 232 + row * 22
        draw.text((24, y), segment, fill=INK, font=font)
        draw.rectangle((140, y, 140 + int(300 * count / biggest), y + 14), fill=GOOD)
        draw.text((450, y), str(count), fill=INK, font=font)

    # Care messages: sent vs failed/opted out per rule.
    draw.text((520, 210), "Care messages: sent / failed / opted out", fill=INK, font=font)
    lines = report.care[:12]
    most = max((line.sent + line.failed + line.opted_out for line in lines), default=0) or 1
    for row, line in enumerate(lines):
        y = 232 + row * 22
        draw.text((520, y), line.rule[:18], fill=INK, font=font)
        x = 660
        for count, colour in ((line.sent, GOOD), (line.failed, BAD), (line.opted_out, TARGET)):
            width = int(200 * count / most)
            draw.rectangle((x, y, x + width, y + 14), fill=colour)
            x += width
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _gauge(
    draw: ImageDraw.ImageDraw,
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
    x: int,
    y: int,
    label: str,
    value: int | None,
    low: int,
    high: int,
    target: int,
    note: str,
) -> None:
    left, right = x + 200, x + 760

    def at(v: float) -> int:
        return int(left + (right - left) * (v - low) / (high - low))

    draw.text((x, y + 4), label, fill=INK, font=font)
    draw.rectangle((left, y, right, y + 24), outline=GRID, fill="#f4f6f9")
    if value is not None:
        colour = GOOD if value >= target else BAD
        draw.rectangle((at(max(low, 0)), y + 2, at(value), y + 22), fill=colour)
        draw.text((right + 8, y + 4), f"{value} ({note})", fill=INK, font=font)
    else:
        draw.text((right + 8, y + 4), f"no data ({note})", fill=INK, font=font)
    draw.line((at(target), y - 4, at(target), y + 28), fill=TARGET, width=3)
    draw.text((at(target) - 20, y + 30), f"target {target}", fill=TARGET, font=font)
