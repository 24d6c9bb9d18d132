"""The board's filters as the APIs read them (`/api/v1/grievances`, Open311 `requests.json`): the public
board's selector (`selectors.grievance_list_public`), plus what API clients also ask for, Open311's
`open`/`closed` status and `overdue=false`.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .choices import CLOSED_STATUSES, OPEN_STATUSES, GrievanceStatus
from .selectors import GrievanceFilters, grievance_list_public

#: Open311 `status` values and what they cover of ours.
OPEN311_STATUSES = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}

#: Every status an API filter accepts: Open311's two, and our submitted statuses (not drafts).
STATUS_FILTERS = (*OPEN311_STATUSES, *(s.value for s in GrievanceStatus if s != GrievanceStatus.DRAFT))


def statuses_for(value: str) -> frozenset[str]:
    """Our statuses behind one filter value (`open`, `closed`, or one of ours); empty when unknown."""
    if value in OPEN311_STATUSES:
        return frozenset(str(s) for s in OPEN311_STATUSES[value])
    if value in STATUS_FILTERS:
        return frozenset({value})
    return frozenset()


def grievance_filter(
    *,
    kind: str | None = None,
    district: str | None = None,
    industry: str | None = None,
    track: str | None = None,
    department: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    now: datetime | None = None,
) -> QuerySet:
    """Public posts as the board lists them (newest first; with `q`, most relevant first), narrowed by
    the board's filters, each optional (None: not filtered). `industry`, `track` and `department` are
    slugs; `status` is `open`, `closed` or one of ours; `overdue=True` keeps open posts past their
    deadline, `overdue=False` the others. Values are validated by the caller (an unknown slug
    matches nothing)."""
    now = now or timezone.now()
    fine = status if status in GrievanceStatus.values else None
    qs = grievance_list_public(
        filters=GrievanceFilters(
            kind=kind,
            district=district,
            industry=industry,
            track=track,
            department=department,
            status=fine,
            overdue=bool(overdue),
            q=q,
        ),
        now=now,
    )
    if status in OPEN311_STATUSES:
        qs = qs.filter(status__in=statuses_for(status))
    if overdue is False:
        qs = qs.exclude(status__in=OPEN_STATUSES, due_at__lt=now)
    return qs.prefetch_related("attachments")
