"""Charts drawn on the server as SVG: nothing to download, readable without script, and
accessible — each chart has a title and a description, the figures are also written as text
beside it (``<figure>`` with a table or a caption), and series differ by pattern and label,
not by colour alone.

Amounts come in as integers (minor units) or Decimals and are never computed with here: they
become floats only to place pixels (a bar's height, a point's y), and every figure a person
reads is written from the exact value."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT, PAD = 600, 220, 34
SERIES_STYLES = ("fill:#b0262c", "fill:#6b7785", "fill:url(#hatch)", "fill:#1d2733")
HATCH = ('<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
         'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f0c9cb"/>'
         '<line x1="0" y1="0" x2="0" y2="6" stroke="#b0262c" stroke-width="2"/></pattern></defs>')


@dataclass(frozen=True)
class Bar:
    label: str
    parts: Sequence[int | Decimal]  # stacked, one per series


def _svg(title: str, description: str, body: str, height: int = HEIGHT) -> SafeString:
    return mark_safe(  # noqa: S308 — every text inside is escaped here
        f'<svg viewBox="0 0 {WIDTH} {height}" role="img" class="chart" '
        f'aria-labelledby="t d" preserveAspectRatio="xMidYMid meet">'
        f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
        f'{HATCH}{body}</svg>')


def bar_chart(bars: Sequence[Bar], *, title: str, description: str,
              series: Sequence[str]) -> SafeString:
    """Stacked vertical bars with the series named in a legend."""
    if not bars:
        return _svg(title, description, "")
    top = max((sum(float(p) for p in bar.parts) for bar in bars), default=0) or 1.0
    slot = (WIDTH - 2 * PAD) / len(bars)
    width = max(min(slot * 0.7, 60), 2)
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'stroke="#dde3ea"/>']
    for index, bar in enumerate(bars):
        x = PAD + index * slot + (slot - width) / 2
        y = float(HEIGHT - PAD)
        for part, style in zip(bar.parts, SERIES_STYLES, strict=False):
            h = float(part) / top * (HEIGHT - 2 * PAD)
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                        f'style="{style}"><title>{escape(bar.label)}: {part}</title></rect>')
        if len(bars) <= 24:
            body.append(f'<text x="{x + width / 2:.1f}" y="{HEIGHT - PAD + 14}" font-size="11" '
                        f'text-anchor="middle">{escape(bar.label)}</text>')
    for index, name in enumerate(series):
        body.append(f'<rect x="{PAD + index * 150}" y="6" width="12" height="12" '
                    f'style="{SERIES_STYLES[index]}"/><text x="{PAD + index * 150 + 16}" y="16" '
                    f'font-size="12">{escape(name)}</text>')
    return _svg(title, description, "".join(body))


def line_chart(points: Sequence[tuple[str, int | Decimal]], *, title: str,
               description: str) -> SafeString:
    """One series over time (labels are dates), its first and last labels written under it."""
    if len(points) < 2:
        return _svg(title, description, "")
    values = [float(v) for _label, v in points]
    low, high = min([*values, 0.0]), max(values) or 1.0
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    xy = [(PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD))
          for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    body = (f'<polyline points="{path}" fill="none" stroke="#b0262c" stroke-width="2"/>'
            f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'stroke="#dde3ea"/>'
            f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="11">{escape(points[0][0])}</text>'
            f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="11" text-anchor="end">'
            f'{escape(points[-1][0])}</text>')
    return _svg(title, description, body)


def share_bars(rows: Sequence[tuple[str, int | Decimal]], *, title: str,
               description: str) -> SafeString:
    """Horizontal bars of each row's share of the total, the percentage written beside it."""
    total = sum(float(v) for _label, v in rows) or 1.0
    height = 28 * max(len(rows), 1) + 8
    body = []
    for index, (label, value) in enumerate(rows):
        share = float(value) / total
        y = 6 + index * 28
        body.append(f'<text x="0" y="{y + 14}" font-size="12">{escape(label)}</text>'
                    f'<rect x="160" y="{y}" width="{share * 360:.1f}" height="18" '
                    f'style="{SERIES_STYLES[0]}"/><text x="{166 + share * 360:.1f}" y="{y + 14}" '
                    f'font-size="12">{share:.0%}</text>')
    return _svg(title, description, "".join(body), height=height)
