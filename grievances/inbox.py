"""Selectors of the department inbox in the Wagtail admin: which posts a staff user handles, filtered
and ordered overdue first, with the working days left on each row (a constant number of queries,
whatever the number of rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from core.roles import user_is_moderation_staff

from .calendar import calendar, days_left
from .choices import OPEN_STATUSES, GrievanceStatus
from .deadlines import days_left_label
from .membership import department_ids_of
from .models import AnswerTemplate, Department, Grievance, GrievanceEvent

#: The status filter's value for "every open post" (the default) and "every status".
OPEN, ALL = "open", "all"
#: The department filter's value for posts no department has yet.
UNASSIGNED = "none"


def staff_scope(*, user) -> QuerySet[Grievance]:
    """The submitted posts a staff user's inbox, exports and figures cover: every post for moderators
    and site admins; the posts routed to their (active) departments for department members; none for
    anyone else."""
    qs = Grievance.objects.exclude(status=GrievanceStatus.DRAFT).filter(received_at__isnull=False)
    if user_is_moderation_staff(user):
        return qs
    ids = department_ids_of(user) if getattr(user, "is_staff", False) else frozenset()
    return qs.filter(department_id__in=ids) if ids else qs.none()


def inbox_departments(*, user) -> QuerySet[Department]:
    """The departments a user may filter the inbox by: all active ones for moderators, else their own."""
    qs = Department.objects.filter(is_active=True)
    if user_is_moderation_staff(user):
        return qs
    return qs.filter(pk__in=department_ids_of(user))


@dataclass(frozen=True)
class InboxFilters:
    department: int | str | None = None  # a department id, UNASSIGNED, or None for all in scope
    kind: str = ""
    status: str = OPEN
    overdue: bool = False


def inbox_list(*, user, filters: InboxFilters | None = None, now: datetime | None = None) -> QuerySet[Grievance]:
    """The posts of the user's inbox: open ones by default, overdue first (earliest due first), then
    those without a due date, oldest received first."""
    filters = filters or InboxFilters()
    now = now or timezone.now()
    qs = staff_scope(user=user)
    if filters.status == OPEN:
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif filters.status and filters.status != ALL:
        qs = qs.filter(status=filters.status)
    if filters.department == UNASSIGNED:
        qs = qs.filter(department__isnull=True)
    elif filters.department:
        qs = qs.filter(department_id=filters.department)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    return qs.select_related("department", "suggested_department", "track", "suggested_track", "industry").order_by(
        F("due_at").asc(nulls_last=True), "received_at", "id"
    )


@dataclass(frozen=True)
class InboxRow:
    """One inbox row: the post, its working days left (None when it owes no answer) and the label."""

    post: Grievance
    days_left: int | None

    @property
    def label(self) -> str:
        return "" if self.days_left is None else days_left_label(self.days_left)

    @property
    def is_overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def confidence(self) -> int | None:
        score = self.post.suggested_department_score
        return None if score is None else round(100 * score)


def inbox_rows(posts, *, now: datetime | None = None) -> list[InboxRow]:
    """Rows for a page of posts: one query for the holidays, whatever the number of posts."""
    now = now or timezone.now()
    cal = calendar()
    return [InboxRow(post=g, days_left=days_left(g, now=now, cal=cal)) for g in posts]


def inbox_post_get(*, user, reference: str) -> Grievance | None:
    """One post of the user's scope with what its admin page shows, or None (the view answers 404: a
    department member cannot tell another department's post from a missing one)."""
    if not reference or len(reference) > 20:
        return None
    events = GrievanceEvent.objects.select_related("from_department", "to_department", "actor").order_by(
        "created_at", "id"
    )
    return (
        staff_scope(user=user)
        .filter(reference=reference)
        .select_related(
            "department",
            "suggested_department",
            "track",
            "suggested_track",
            "industry",
            "organisation",
            "visit",
            "merged_into",
            "author",
        )
        .prefetch_related("attachments", Prefetch("events", queryset=events))
        .first()
    )


def answer_templates_for(*, grievance: Grievance) -> QuerySet[AnswerTemplate]:
    """Answer templates offered on a post: its department's and every department's."""
    q = Q(department__isnull=True)
    if grievance.department_id:
        q |= Q(department_id=grievance.department_id)
    return AnswerTemplate.objects.filter(q).order_by("title")
