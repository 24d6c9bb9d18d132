"""A topic's opinions as a file for staff (CSV with BOM or XLSX, through `core.exports`): public
texts only (masked), the author's role as shown, never a name or e-mail."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from core.exports import to_csv, to_xlsx

from .models import Opinion, TopicPage


def opinion_rows(*, topic: TopicPage) -> tuple[list[str], list[list]]:
    header = [
        _("번호"),
        _("답글 대상"),
        _("입장"),
        _("작성자 역할"),
        _("소속"),
        _("의견"),
        _("공감 수"),
        _("작성일시"),
        _("상태"),
    ]
    rows = []
    qs = Opinion.objects.filter(topic=topic).order_by("created_at", "id")
    for o in qs.iterator():
        if o.deleted_at:
            state = _("작성자 삭제")
        else:
            state = _("공개") if o.is_public else (_("숨김") if o.hidden_at else _("검토 대기"))
        rows.append(
            [
                o.pk,
                o.parent_id or "",
                o.get_position_display() if o.position else "",
                o.get_author_role_display(),
                o.author_affiliation,
                o.body_public,
                o.support_count,
                timezone.localtime(o.created_at).strftime("%Y-%m-%d %H:%M"),
                str(state),
            ]
        )
    return header, rows


def opinions_export(*, topic: TopicPage, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name). `fmt`: "csv" or "xlsx"."""
    header, rows = opinion_rows(topic=topic)
    name = f"topic-{topic.pk}-opinions.{fmt}"
    if fmt == "xlsx":
        return (
            to_xlsx(header, rows, title=_("의견")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            name,
        )
    return to_csv(header, rows), "text/csv; charset=utf-8", name
