"""Selectors: functions that read ideas and contests for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from nlp.adapter import similar_to_text

from .analysis import CORPUS
from .choices import District, IdeaStatus, TargetGroup
from .models import ContestPage, Idea, IdeaStatusChange, PolicyTrack, User


@dataclass(frozen=True)
class IdeaFilters:
    """Filters of the public idea list; every field optional. Unknown values are ignored upstream."""

    contest: ContestPage | None = None
    track: str | None = None  # slug
    district: str | None = None
    target_group: str | None = None
    status: str | None = None
    tag: str | None = None
    q: str | None = None
    sort: str = "latest"


SORTS = {"latest": ("-published_at", "-id"), "support": ("-support_count", "-published_at", "-id")}


def _search(qs: QuerySet, q: str) -> QuerySet:
    """Korean keyword search over the public text and the analysed tokens.

    Every whitespace-separated term must match; a term matches inside a word, so `서울시`
    finds "서울시는" and `일자리` finds "일자리를"; the NLP tokens also let a term match a
    form the analyser normalised.
    """
    for term in q.split()[:8]:
        term = term[:50]
        qs = qs.filter(
            Q(title_public__icontains=term)
            | Q(summary_public__icontains=term)
            | Q(body_public__icontains=term)
            | Q(search_tokens__icontains=term)
            | Q(tags__name__iexact=term)
        )
    return qs.distinct()


def idea_list_public(*, filters: IdeaFilters | None = None, contest: ContestPage | None = None) -> QuerySet[Idea]:
    """Published ideas with their support counts, tags and track, filtered and sorted.

    The number of queries does not grow with the number of ideas.
    """
    f = filters or IdeaFilters(contest=contest)
    qs = Idea.objects.public()
    if f.contest is not None:
        qs = qs.filter(contest=f.contest)
    if f.track:
        qs = qs.filter(track__slug=f.track)
    if f.district and f.district in District.values:
        qs = qs.filter(district=f.district)
    if f.target_group and f.target_group in TargetGroup.values:
        qs = qs.filter(target_group=f.target_group)
    if f.status and f.status in IdeaStatus.values:
        qs = qs.filter(status=f.status)
    if f.tag:
        qs = qs.filter(tags__slug=f.tag)
    if f.q and f.q.strip():
        qs = _search(qs, f.q.strip())
    qs = qs.with_support_count().select_related("track", "contest", "author").prefetch_related("tags")
    return qs.order_by(*SORTS.get(f.sort, SORTS["latest"]))


def idea_get_for(*, reference: str, user) -> Idea | None:
    """The idea with this reference if the user may see it, else None (the view answers 404)."""
    qs = (
        Idea.objects.visible_to(user)
        .with_support_count()
        .select_related("track", "contest", "author", "duplicate_of")
        .prefetch_related(
            "tags",
            "attachments",
            Prefetch("status_changes", queryset=IdeaStatusChange.objects.order_by("created_at", "id")),
        )
    )
    return qs.filter(reference=reference).first()


def idea_list_for_author(*, user: User) -> QuerySet[Idea]:
    """The author's own ideas, every status, newest first, with history."""
    return (
        Idea.objects.filter(author=user)
        .with_support_count()
        .select_related("contest", "track")
        .prefetch_related(Prefetch("status_changes", queryset=IdeaStatusChange.objects.order_by("created_at", "id")))
        .order_by("-created_at")
    )


def idea_list_results(*, contest: ContestPage) -> QuerySet[Idea]:
    """Selected ideas of a contest whose results are published."""
    return (
        Idea.objects.public()
        .filter(contest=contest, status=IdeaStatus.SELECTED)
        .with_support_count()
        .select_related("track")
        .order_by("-support_count", "reference")
    )


def contest_list_open() -> QuerySet[ContestPage]:
    now = timezone.now()
    return ContestPage.objects.live().filter(submission_opens_at__lte=now, submission_closes_at__gt=now)


def contest_list_public() -> QuerySet[ContestPage]:
    return ContestPage.objects.live().prefetch_related("tracks").order_by("-submission_opens_at")


def track_list() -> QuerySet[PolicyTrack]:
    return PolicyTrack.objects.all()


def user_has_supported(*, user, idea_ids) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.supports.filter(idea_id__in=list(idea_ids)).values_list("idea_id", flat=True))


def idea_list_similar(*, idea: Idea, limit: int = 5) -> list[Idea]:
    """Published ideas the NLP index found similar to this one, most similar first."""
    ids = list(idea.similarities.order_by("-score").values_list("other_id", flat=True)[: limit * 2])
    by_id = {i.pk: i for i in Idea.objects.public().filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id][:limit]


def idea_list_similar_to_text(*, text: str, contest_id: int | None = None, limit: int = 5) -> list[tuple[Idea, float]]:
    """Up to `limit` published ideas similar to a draft, with scores (empty for short drafts)."""
    if len(text.strip()) < 10:
        return []
    hits = similar_to_text(corpus=CORPUS, text=text, k=limit * 2)
    qs = Idea.objects.public()
    if contest_id is not None:
        qs = qs.filter(contest_id=contest_id)
    by_id = {i.pk: i for i in qs.filter(pk__in=[pk for pk, _s in hits])}
    return [(by_id[pk], s) for pk, s in hits if pk in by_id][:limit]
