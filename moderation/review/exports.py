"""Exports of a panel's work for staff: score sheets (reviewer × criterion) and the ranking with
both aggregates, as XLSX (openpyxl) or CSV (UTF-8 with BOM, so Excel opens Korean correctly).

Text cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import to_csv, to_xlsx

from .choices import SCALE_MAX, Tier
from .selectors import Ranking


def _round(x):
    return None if x is None else round(x, 4)


def score_rows(ranking: Ranking) -> tuple[list[str], list[list]]:
    """One row per submitted sheet × criterion, with the sheet's total and z-score."""
    header = [
        _("접수 번호"),
        _("제목"),
        _("심사위원"),
        _("평가 항목"),
        _("배점"),
        _("점수"),
        _("만점"),
        _("항목 의견"),
        _("심사표 합계(100점)"),
        _("심사위원 내 z점수"),
        _("제출 일시"),
    ]
    criteria = {c.pk: c for c in ranking.criteria}
    rows = []
    for sheet in ranking.sheets:
        total = ranking.totals.get((sheet.reviewer_id, sheet.idea_id))
        z = ranking.zscores.get((sheet.reviewer_id, sheet.idea_id))
        submitted = timezone.localtime(sheet.submitted_at).strftime("%Y-%m-%d %H:%M") if sheet.submitted_at else ""
        for score in sheet.scores.all():
            c = criteria[score.criterion_id]
            rows.append(
                [
                    sheet.idea.reference,
                    sheet.idea.title_public,
                    sheet.reviewer.display_name or sheet.reviewer.email,
                    c.name,
                    c.weight,
                    score.value,
                    SCALE_MAX,
                    score.comment,
                    _round(total),
                    _round(z),
                    submitted,
                ]
            )
    return header, rows


def ranking_rows(ranking: Ranking) -> tuple[list[str], list[list]]:
    """One row per entry in ranking order, with both aggregates, spread and decision."""
    header = [
        _("순위"),
        _("접수 번호"),
        _("제목"),
        _("제출된 심사표 수"),
        _("가중 평균(100점)"),
        _("표준화 점수 평균"),
        _("점수 차(최고-최저)"),
        _("표준편차"),
        _("논의 필요"),
        _("결정"),
    ]
    rows = [
        [
            r.result.rank,
            r.idea.reference,
            r.idea.title_public,
            r.result.n_sheets,
            _round(r.result.raw_mean),
            _round(r.result.z_mean),
            _round(r.result.spread),
            _round(r.result.stdev),
            _("예") if r.result.disagreement else _("아니오"),
            str(Tier(r.decision.tier).label) if r.decision else "",
        ]
        for r in ranking.rows
    ]
    return header, rows


def export(ranking: Ranking, *, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of an export. kind: "scores" | "ranking"; fmt: "csv" | "xlsx"."""
    if kind == "scores":
        header, rows = score_rows(ranking)
    elif kind == "ranking":
        header, rows = ranking_rows(ranking)
    else:
        raise ValueError(f"unknown export kind {kind!r}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"review-{ranking.panel.contest_id}-{kind}-{stamp}.{fmt}"
    if fmt == "csv":
        return to_csv(header, rows), "text/csv; charset=utf-8", name
    if fmt == "xlsx":
        alpha = "-" if ranking.alpha is None else f"{ranking.alpha:.3f}"
        notes = [
            _("순위 산정 방식: %(m)s") % {"m": ranking.method_label},
            _("심사위원 간 일치도(Krippendorff 알파, 구간 척도): %(a)s") % {"a": alpha},
        ]
        return (
            to_xlsx(header, rows, title=kind, notes=notes),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            name,
        )
    raise ValueError(f"unknown export format {fmt!r}")
