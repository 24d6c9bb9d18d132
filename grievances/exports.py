"""The department inbox as a spreadsheet for staff: CSV (UTF-8 with a BOM, so Excel opens Korean
correctly) or XLSX (openpyxl). Only the masked texts leave the site this way; every text cell goes
through the site's one formula guard (`moderation.audit_admin.csv_safe`), so a title starting with "="
stays text in any spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from moderation.audit_admin import csv_safe

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: A bound on one export (a city-wide "all statuses" export stays a few MB).
MAX_ROWS = 20000


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def inbox_header() -> list[str]:
    return [
        _("접수 번호"),
        _("유형"),
        _("상태"),
        _("제목"),
        _("내용"),
        _("지역"),
        _("업종"),
        _("담당 부서"),
        _("정책 트랙"),
        _("접수 일시"),
        _("답변 기한"),
        _("남은 기간"),
        _("답변 일시"),
        _("기한 내 답변"),
        _("만족도"),
    ]


def inbox_table(rows) -> list[list]:
    """One line per inbox row (`grievances.inbox.InboxRow`), masked texts only."""
    out = []
    for row in rows:
        g = row.post
        out.append(
            [
                g.reference,
                g.get_kind_display(),
                g.get_status_display(),
                g.public_title,
                g.body_public,
                g.get_district_display(),
                g.industry.name if g.industry_id else "",
                g.department.name if g.department_id else "",
                g.track.name if g.track_id else "",
                _when(g.received_at),
                _when(g.due_at),
                row.label,
                _when(g.first_answered_at),
                "" if g.answered_on_time is None else (_("예") if g.answered_on_time else _("아니오")),
                g.get_rating_display() if g.rating else "",
            ]
        )
    return out


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append([str(h) for h in header])
    for row in rows:
        ws.append([csv_safe(v) if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def inbox_export(rows, *, fmt: str, now: datetime | None = None) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the inbox rows as `fmt` ("csv" or "xlsx")."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    header, table = inbox_header(), inbox_table(rows)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y%m%d-%H%M")
    content = to_csv(header, table) if fmt == "csv" else to_xlsx(header, table, title=_("현장 건의"))
    return content, FORMATS[fmt], f"field-posts-{stamp}.{fmt}"
