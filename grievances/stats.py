"""The staff dashboard's figures, computed in the database with a bounded number of aggregate queries
(four, whatever the number of posts): open posts per department and per track, overdue posts, the median
time to a first answer, the share answered on time, satisfaction among rated answers and re-answer
requests.

"Days to answer" are **calendar days** (24-hour periods, one decimal) from 접수 (`received_at`) to the
first answer (`first_answered_at`), so the median is comparable with the figures 국민신문고 and 응답소
publish; the service target itself is counted in working days (`grievances.deadlines`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import OPEN_STATUSES, Rating
from .inbox import staff_scope  # noqa: F401 - the scope the figures are usually asked over
from .models import Grievance


@dataclass(frozen=True)
class Share:
    """`part` of `whole`, and the percentage (None when nothing to count)."""

    part: int
    whole: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.part / self.whole, 1) if self.whole else None


@dataclass(frozen=True)
class GroupCount:
    name: str
    open: int
    overdue: int = 0


@dataclass(frozen=True)
class DashboardFigures:
    open: int
    overdue: int
    answered: int
    on_time: Share
    satisfied: Share
    reanswer_requests: int
    median_days_to_answer: float | None
    by_department: list[GroupCount] = field(default_factory=list)
    by_track: list[GroupCount] = field(default_factory=list)


def _median_duration(qs: QuerySet[Grievance], n: int) -> timedelta | None:
    """The median of `first_answered_at - received_at` over `qs` (n rows), read from the database in
    one query: the middle one or two values of the sorted durations."""
    if n == 0:
        return None
    taken = ExpressionWrapper(F("first_answered_at") - F("received_at"), output_field=DurationField())
    lo, hi = (n - 1) // 2, n // 2
    values = list(qs.annotate(taken=taken).order_by("taken").values_list("taken", flat=True)[lo : hi + 1])
    return sum(values, timedelta()) / len(values)


@dataclass(frozen=True)
class OpenSummary:
    open: int
    overdue: int


def grievance_open_summary(*, queryset: QuerySet[Grievance], now: datetime | None = None) -> OpenSummary:
    """Open and overdue posts of `queryset`, in one query (the admin home's panel)."""
    now = now or timezone.now()
    is_open = Q(status__in=OPEN_STATUSES)
    totals = queryset.aggregate(
        open=Count("pk", filter=is_open), overdue=Count("pk", filter=is_open & Q(due_at__lt=now))
    )
    return OpenSummary(open=totals["open"], overdue=totals["overdue"])


def grievance_dashboard(*, queryset: QuerySet[Grievance], now: datetime | None = None) -> DashboardFigures:
    """The figures over `queryset` (usually `staff_scope(user=...)`, maybe filtered further)."""
    now = now or timezone.now()
    is_open = Q(status__in=OPEN_STATUSES)
    is_overdue = is_open & Q(due_at__lt=now)
    answered = Q(first_answered_at__isnull=False)
    totals = queryset.aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_overdue),
        answered=Count("pk", filter=answered),
        on_time=Count("pk", filter=Q(answered_on_time=True)),
        on_time_known=Count("pk", filter=Q(answered_on_time__isnull=False)),
        rated=Count("pk", filter=~Q(rating="")),
        satisfied=Count("pk", filter=Q(rating=Rating.SATISFIED)),
        reanswer=Count("pk", filter=Q(reanswer_requested_at__isnull=False)),
    )
    open_qs = queryset.filter(is_open)
    by_department = [
        GroupCount(name=row["department__name"] or _("미배정"), open=row["n"], overdue=row["late"])
        for row in open_qs.values("department__name", "department__sort_order")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by(F("department__sort_order").asc(nulls_last=True), "department__name")
    ]
    by_track = [
        GroupCount(name=row["track__name"] or _("미분류"), open=row["n"], overdue=row["late"])
        for row in open_qs.values("track__name", "track__sort_order")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
        .order_by(F("track__sort_order").asc(nulls_last=True), "track__name")
    ]
    median = _median_duration(queryset.filter(answered), totals["answered"])
    return DashboardFigures(
        open=totals["open"],
        overdue=totals["overdue"],
        answered=totals["answered"],
        on_time=Share(totals["on_time"], totals["on_time_known"]),
        satisfied=Share(totals["satisfied"], totals["rated"]),
        reanswer_requests=totals["reanswer"],
        median_days_to_answer=None if median is None else round(median.total_seconds() / 86400, 1),
        by_department=by_department,
        by_track=by_track,
    )
