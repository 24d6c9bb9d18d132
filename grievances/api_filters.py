"""The board's filters as the APIs read them (`/api/v1/grievances`, Open311 `requests.json`).

Every filter has an index behind it (kind, district, status/due_at, department, received_at) and none
of them changes the number of queries a list costs.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from .choices import CLOSED_STATUSES, OPEN_STATUSES, GrievanceStatus

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
    qs: QuerySet,
    *,
    kind: str | None = None,
    district: str | None = None,
    industry: str | None = None,
    track: str | None = None,
    department: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    now: datetime | None = None,
) -> QuerySet:
    """`qs` narrowed by the board's filters; each one optional (None: not filtered).

    `industry`, `track` and `department` are slugs; `status` is `open`, `closed` or one of our
    statuses; `overdue=True` keeps open posts past their deadline, `overdue=False` the others. The
    caller validates the values (an unknown slug simply matches nothing)."""
    if kind:
        qs = qs.filter(kind=kind)
    if district:
        qs = qs.filter(district=district)
    if industry:
        qs = qs.filter(industry__slug=industry)
    if track:
        qs = qs.filter(track__slug=track)
    if department:
        qs = qs.filter(department__slug=department)
    if status:
        qs = qs.filter(status__in=statuses_for(status))
    if overdue is not None:
        late = {"status__in": OPEN_STATUSES, "due_at__lt": now or timezone.now()}
        qs = qs.filter(**late) if overdue else qs.exclude(**late)
    return qs
