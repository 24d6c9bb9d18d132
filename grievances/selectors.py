"""Selectors: functions that read field posts for the public board, the detail page, the receipt-code
page and 내 활동. Every list runs a constant number of queries, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from core.follow import followed_filter, is_following
from core.search import analyse_query
from ideas.choices import District
from nlp.adapter import linked_groups, links_to

from .calendar import calendar, days_left
from .choices import OPEN_STATUSES, GrievanceKind, GrievanceStatus
from .models import Department, FieldVisit, Grievance, GrievanceEvent, Industry
from .search import grievance_search_filter

#: What the public board can filter by status (drafts never show).
PUBLIC_STATUSES = [s for s in GrievanceStatus if s != GrievanceStatus.DRAFT]


@dataclass(frozen=True)
class GrievanceFilters:
    """Filters of the public board; every field optional. Unknown values are ignored."""

    kind: str | None = None
    district: str | None = None
    industry: str | None = None  # slug
    track: str | None = None  # slug
    department: str | None = None  # slug
    status: str | None = None
    overdue: bool = False
    q: str | None = None


def grievance_list_public(*, filters: GrievanceFilters | None = None, now=None) -> QuerySet[Grievance]:
    """Published public posts with what a board row shows (industry, track, department), filtered;
    with a query, through the analysed search index (`core.search`), most relevant first."""
    f = filters or GrievanceFilters()
    qs = Grievance.objects.public()
    if f.kind in GrievanceKind.values:
        qs = qs.filter(kind=f.kind)
    if f.district in District.values:
        qs = qs.filter(district=f.district)
    if f.industry:
        qs = qs.filter(industry__slug=f.industry)
    if f.track:
        qs = qs.filter(track__slug=f.track)
    if f.department:
        qs = qs.filter(department__slug=f.department)
    if f.status in GrievanceStatus.values and f.status != GrievanceStatus.DRAFT:
        qs = qs.filter(status=f.status)
    if f.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now or timezone.now())
    order = ("-published_at", "-id")
    if f.q and f.q.strip():
        qs = grievance_search_filter(qs, analyse_query(f.q))
        order = ("-search_rank", *order)
    return qs.select_related("industry", "track", "department").order_by(*order)


def _detail_queryset(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "industry", "track", "department", "visit", "organisation", "merged_into"
    ).prefetch_related(
        "attachments",
        Prefetch(
            "events",
            queryset=GrievanceEvent.objects.select_related("from_department", "to_department").order_by(
                "created_at", "id"
            ),
        ),
    )


def grievance_get_for(*, reference: str, user) -> Grievance | None:
    """The submitted post with this reference if the user may see it (the `grievances.view_grievance`
    rule's queryset twin), else None: the view answers 404 (never 403, which would confirm it exists)."""
    if not reference or len(reference) > 20:
        return None
    qs = Grievance.objects.submitted().visible_to(user).filter(reference=reference)
    return _detail_queryset(qs).first()


def grievance_get_by_pk(*, pk: int) -> Grievance | None:
    """A submitted post by id, with what its page shows (the receipt-code page: the code was checked)."""
    return _detail_queryset(Grievance.objects.submitted().filter(pk=pk)).first()


def grievance_draft_get(*, reference: str, user) -> Grievance | None:
    """The user's own draft with this reference, or None."""
    if not user.is_authenticated or not reference or len(reference) > 20:
        return None
    return (
        Grievance.objects.filter(author=user, status=GrievanceStatus.DRAFT, reference=reference)
        .select_related("visit", "industry", "track")
        .prefetch_related("attachments")
        .first()
    )


def grievance_list_for_author(*, user) -> QuerySet[Grievance]:
    """The user's own posts, drafts included, newest first (내 활동)."""
    return Grievance.objects.filter(author=user).select_related("department", "industry").order_by("-updated_at", "-id")


def grievance_list_followed(*, user) -> QuerySet[Grievance]:
    """Posts the user follows (and may still see)."""
    return (
        Grievance.objects.submitted()
        .visible_to(user)
        .filter(pk__in=followed_filter(user=user, model=Grievance))
        .select_related("department")
        .order_by("-updated_at", "-id")
    )


def user_follows(*, user, grievance: Grievance) -> bool:
    return is_following(user=user, target=grievance)


def grievance_days_left_map(grievances, *, now=None) -> dict[int, int | None]:
    """Working days left per post (one query for the holidays, whatever the number of posts)."""
    cal = calendar()
    return {g.pk: days_left(g, now=now, cal=cal) for g in grievances}


def grievance_linked_ideas(grievance: Grievance) -> list[dict]:
    """The idea clusters the NLP links to this post (stored links, public ideas only, two queries):
    ``[{"label": cluster label or "", "ideas": [idea, …]}, …]``, the best-linked cluster first."""
    groups = linked_groups(grievance, corpus="ideas")
    return [{"label": key[1] if key else "", "ideas": [idea for idea, _score in items]} for key, items in groups]


def idea_linked_grievances(idea, *, limit: int = 10) -> list[Grievance]:
    """The public field posts the NLP links to this idea (the posts it answers)."""
    return [g for g, _score in links_to(idea, from_corpus="grievances", limit=limit)]


def visits_for(*, worker) -> QuerySet[FieldVisit]:
    """The field visits of the worker's organisation, latest first (a post picks one)."""
    profile = getattr(worker, "field_worker", None)
    if profile is None:
        return FieldVisit.objects.none()
    return FieldVisit.objects.filter(organisation_id=profile.organisation_id).order_by("-visited_on", "-id")


def industry_list() -> QuerySet[Industry]:
    return Industry.objects.all()


def department_list() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True)
