"""The answer clock as the services and pages read it: the pure arithmetic of `deadlines` with the
holidays staff keep in the `Holiday` table and the periods in `GrievanceSettings`."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from . import deadlines
from .models import Grievance, GrievanceSettings, Holiday


def calendar() -> deadlines.Calendar:
    """The working-day calendar: Saturdays, Sundays and every `Holiday` row excluded (one query)."""
    return deadlines.Calendar(holidays=frozenset(Holiday.objects.values_list("date", flat=True)))


def period_days(kind: str) -> int:
    """The answer period for a kind of post, as staff set it."""
    return GrievanceSettings.load().days_for(kind)


def due_from(*, received: datetime, kind: str, cal: deadlines.Calendar | None = None) -> datetime:
    return deadlines.answer_due(received=received, days=period_days(kind), calendar=cal or calendar())


def days_left(
    grievance: Grievance, *, now: datetime | None = None, cal: deadlines.Calendar | None = None
) -> int | None:
    """Working days from today to the due day (0 on the day, negative when overdue); None when the
    post owes no answer."""
    if grievance.due_at is None or not grievance.is_open:
        return None
    return deadlines.working_days_left(now=now or timezone.now(), due=grievance.due_at, calendar=cal or calendar())


def deadline_label(grievance: Grievance, *, now: datetime | None = None, cal=None) -> str:
    """ "D-3", "오늘 마감", "2일 지남" — or "" when the post owes no answer."""
    left = days_left(grievance, now=now, cal=cal)
    return "" if left is None else deadlines.days_left_label(left)
