"""Small SVG charts drawn on the server: values in, one `<svg>` string out. No JavaScript, no CDN.

Four builders: `bar_chart` (horizontal bars, one per label), `stacked_bar_chart` (columns along an axis
such as weeks or months, one stacked segment per series), `line_chart` (one line per series) and
`progress_chart` (each row's figure against its target). Every chart is an image with an accessible
name: `role="img"`, a `<title>` and a `<desc>` that `aria-labelledby` points to, so a screen reader
reads the title and the description; the page puts the same figures in a table beside it.

Pure functions (no Django, no database): every text is escaped here (and characters XML cannot carry are
dropped), and numbers are made safe to draw — a count cannot be negative, so a negative, infinite or
missing value draws as an empty bar (zero length), never as a NaN or negative coordinate. Tables and
CSV files show the figures themselves.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: Okabe–Ito colours: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999933", "#000000")
TEXT = "#1f2933"
GRID = "#c8ccd0"
TRACK = "#e6e8ea"

WIDTH = 640
FONT = 'font-family="sans-serif"'

# Characters XML 1.0 cannot carry, even escaped (C0 controls but tab and newlines, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile("[\t\n\r]")
_IDENT = re.compile(r"^[a-z][a-z0-9-]{0,60}$")


@dataclass(frozen=True)
class Series:
    """One named row of values (one value per label of the chart)."""

    name: str
    values: Sequence[float | int | None]


@dataclass(frozen=True)
class Progress:
    """One row of a progress chart: `parts` (named values that add up to the figure) against `target`
    (None or 0 when there is no target)."""

    label: str
    parts: Sequence[float | int | None]
    target: float | int | None


def clean(value) -> str:
    """`value` as one line of text XML can carry: characters it cannot are dropped, line breaks and
    tabs become spaces."""
    return _SPACES.sub(" ", _NOT_XML.sub("", str(value)))


def text(value) -> str:
    """`value` as text safe inside an SVG element or attribute."""
    return escape(clean(value), quote=True)


#: Larger values draw as this (no figure of the site comes near; sums of them stay finite).
MAX_AMOUNT = 1e15


def amount(value) -> float:
    """A drawable quantity: finite and not negative (anything else draws as 0), at most `MAX_AMOUNT`."""
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return min(x, MAX_AMOUNT) if math.isfinite(x) and x > 0 else 0.0


def figure(value) -> str:
    """A value as the chart writes it: integers with thousands separators, others with one decimal."""
    if value is None:
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return text(value)
    if not math.isfinite(x):
        return "—"
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.1f}"


def _n(x: float) -> str:
    """A coordinate: finite, not negative, one decimal."""
    return f"{max(0.0, x) if math.isfinite(x) else 0.0:.1f}"


def _short(label: str, limit: int) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _nice_max(top: float) -> float:
    """A round number at or above `top` for the axis (1, 2, 2.5, 5 × 10ⁿ); 1 when there is nothing."""
    if top <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if step * exp >= top:
            return step * exp
    return 10 * exp  # pragma: no cover - the loop always returns


def _frame(ident: str, title: str, desc: str, height: float, body: list[str]) -> str:
    if not _IDENT.match(ident):
        raise ValueError(f"chart id must be lowercase letters, digits and dashes: {ident!r}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tf-chart" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" {FONT} font-size="12">'
        f'<title id="{ident}-title">{text(title)}</title><desc id="{ident}-desc">{text(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _legend(names: Sequence[str], y: float) -> tuple[list[str], float]:
    """Swatches and names in rows across the width; returns the elements and the height used."""
    out, x, row = [], 0.0, 0
    for i, name in enumerate(names):
        label = _short(name, 18)
        w = 22 + 12 * len(label)
        if x > 0 and x + w > WIDTH:
            x, row = 0.0, row + 1
        yy = y + row * 20
        out.append(
            f'<g class="legend"><rect x="{_n(x)}" y="{_n(yy)}" width="12" height="12" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/><text x="{_n(x + 16)}" y="{_n(yy + 11)}" fill="{TEXT}">'
            f"{text(label)}</text></g>"
        )
        x += w
    return out, (row + 1) * 20 if names else 0.0


def bar_chart(*, ident: str, title: str, desc: str, labels: Sequence[str], values: Sequence, unit: str = "") -> str:
    """Horizontal bars, one per label in the given order, lengths proportional to the values."""
    row, label_w, value_w, top = 26, 170, 80, 4
    bar_w = WIDTH - label_w - value_w
    drawn = [amount(v) for v in values]
    scale = max(drawn, default=0.0)
    body = []
    for i, (label, raw, v) in enumerate(zip(labels, values, drawn, strict=True)):
        y = top + i * row
        w = bar_w * v / scale if scale else 0.0
        shown = f"{figure(raw)}{text(unit)}"
        body.append(
            f'<g class="row"><title>{text(label)}: {shown}</title>'
            f'<text x="{_n(label_w - 6)}" y="{_n(y + 15)}" text-anchor="end" fill="{TEXT}">{text(_short(label, 14))}</text>'
            f'<rect class="bar" x="{label_w}" y="{_n(y + 3)}" width="{_n(w)}" height="{row - 8}" fill="{PALETTE[0]}"/>'
            f'<text x="{_n(label_w + w + 4)}" y="{_n(y + 15)}" fill="{TEXT}">{shown}</text></g>'
        )
    return _frame(ident, title, desc, top * 2 + max(1, len(drawn)) * row, body)


def _columns_axis(labels: Sequence[str], top: float, plot_h: float, peak: float, left: float) -> list[str]:
    out = []
    for frac in (0, 0.5, 1):
        y = top + plot_h * (1 - frac)
        out.append(
            f'<line x1="{_n(left)}" x2="{WIDTH}" y1="{_n(y)}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{_n(left - 4)}" y="{_n(y + 4)}" text-anchor="end" fill="{TEXT}">{figure(peak * frac)}</text>'
        )
    n = len(labels)
    step = max(1, math.ceil(n / 8))
    slot = (WIDTH - left) / max(1, n)
    for i, label in enumerate(labels):
        if i % step == 0:
            x = left + slot * (i + 0.5)
            out.append(
                f'<text class="xlabel" x="{_n(x)}" y="{_n(top + plot_h + 16)}" text-anchor="middle" '
                f'fill="{TEXT}">{text(_short(label, 10))}</text>'
            )
    return out


def stacked_bar_chart(*, ident: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One column per label (left to right in the given order), each stacked from its series' values
    (bottom to top in the series' order), heights on one scale from 0."""
    left, plot_h = 48, 200
    legend, legend_h = _legend([s.name for s in series], 0)
    top = legend_h + 10
    n = len(labels)
    drawn = [[amount(v) for v in s.values] for s in series]
    for row in drawn:
        if len(row) != n:
            raise ValueError("every series needs one value per label")
    totals = [sum(row[i] for row in drawn) for i in range(n)]
    peak = _nice_max(max(totals, default=0.0))
    slot = (WIDTH - left) / max(1, n)
    bar = max(1.0, slot * 0.7)
    body = [*legend, *_columns_axis(labels, top, plot_h, peak, left)]
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar) / 2
        base = top + plot_h
        parts = [f"{text(s.name)} {figure(s.values[i])}" for s in series]
        body.append(f'<g class="column"><title>{text(label)}: {", ".join(parts)}</title>')
        for k, row in enumerate(drawn):
            h = plot_h * row[i] / peak
            base -= h
            body.append(
                f'<rect class="bar" x="{_n(x)}" y="{_n(base)}" width="{_n(bar)}" height="{_n(h)}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
        body.append("</g>")
    return _frame(ident, title, desc, top + plot_h + 24, body)


def line_chart(*, ident: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]) -> str:
    """One line per series across the labels (left to right in the given order), on one scale from 0."""
    left, plot_h = 48, 200
    legend, legend_h = _legend([s.name for s in series], 0)
    top = legend_h + 10
    n = len(labels)
    drawn = [[amount(v) for v in s.values] for s in series]
    for row in drawn:
        if len(row) != n:
            raise ValueError("every series needs one value per label")
    peak = _nice_max(max((v for row in drawn for v in row), default=0.0))
    slot = (WIDTH - left) / max(1, n)
    body = [*legend, *_columns_axis(labels, top, plot_h, peak, left)]
    for k, row in enumerate(drawn):
        colour = PALETTE[k % len(PALETTE)]
        points = [(left + slot * (i + 0.5), top + plot_h * (1 - v / peak)) for i, v in enumerate(row)]
        body.append(
            f'<g class="line"><title>{text(series[k].name)}</title>'
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
            f'points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in points)}"/>'
        )
        if n <= 40:
            body += [
                f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{colour}"><title>{text(labels[i])}: '
                f"{figure(series[k].values[i])}</title></circle>"
                for i, (x, y) in enumerate(points)
            ]
        body.append("</g>")
    return _frame(ident, title, desc, top + plot_h + 24, body)


def progress_chart(
    *,
    ident: str,
    title: str,
    desc: str,
    rows: Sequence[Progress],
    part_names: Sequence[str] = (),
    no_target: str = "—",
) -> str:
    """Each row's figure (its parts stacked left to right) against its target: the bar's full length is
    the larger of the two, the target is a dark mark, the text says figure / target (share), or
    `no_target` in place of the target when a row has none."""
    legend, legend_h = _legend(list(part_names), 0) if len(part_names) > 1 else ([], 0.0)
    row_h, label_w, value_w = 34, 150, 150
    top = legend_h + 4
    bar_w = WIDTH - label_w - value_w
    body = list(legend)
    for i, r in enumerate(rows):
        y = top + i * row_h
        parts = [amount(p) for p in r.parts]
        total = sum(parts)
        target = amount(r.target)
        scale = max(total, target)
        share = f" ({100 * total / target:.1f}%)" if target else ""
        caption = f"{figure(total)} / {figure(r.target) if target else no_target}{share}"
        body.append(
            f'<g class="row"><title>{text(r.label)}: {text(caption)}</title>'
            f'<text x="{_n(label_w - 6)}" y="{_n(y + 19)}" text-anchor="end" fill="{TEXT}">'
            f"{text(_short(r.label, 12))}</text>"
            f'<rect class="track" x="{label_w}" y="{_n(y + 6)}" width="{bar_w}" height="20" fill="{TRACK}"/>'
        )
        x = float(label_w)
        for k, p in enumerate(parts):
            w = bar_w * p / scale if scale else 0.0
            body.append(
                f'<rect class="bar" x="{_n(x)}" y="{_n(y + 6)}" width="{_n(w)}" height="20" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
            x += w
        if target:
            tx = label_w + bar_w * target / scale
            body.append(
                f'<line class="target" x1="{_n(tx)}" x2="{_n(tx)}" y1="{_n(y + 2)}" y2="{_n(y + 30)}" '
                f'stroke="{TEXT}" stroke-width="2"/>'
            )
        body.append(f'<text x="{_n(label_w + bar_w + 6)}" y="{_n(y + 19)}" fill="{TEXT}">{text(caption)}</text></g>')
    return _frame(ident, title, desc, top + max(1, len(rows)) * row_h + 4, body)
