"""Selectors: functions that read ideas and contests for pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.choices import ScreeningStatus
from moderation.models import ScreeningCase
from nlp.adapter import similar_to_text

from .analysis import CORPUS
from .choices import District, IdeaStatus, TargetGroup
from .models import ContestKind, ContestPage, Idea, IdeaStatusChange, PolicyTrack, User
from .search import analyse_query, search_filter


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
    sort: str | None = None  # "latest" (default) or "support"; a search defaults to relevance


#: What the cards and the API list read of an idea and its relations, nothing more: not the bodies, the
#: original (unmasked) texts, the search tokens and vector, nor the contest page's own content (a Wagtail
#: page row is wide). The contest keeps what its URL and its phase need (blind review hides names).
LIST_FIELDS = (
    "reference",
    "status",
    "title_public",
    "summary_public",
    "district",
    "target_group",
    "support_count",
    "expected_jobs",
    "published_at",
    "hidden_at",
    "author__email",
    "author__username",
    "author__display_name",
    "author__is_active",
    "track__name",
    "track__slug",
    "contest__url_path",
    "contest__kind",
    "contest__submission_opens_at",
    "contest__submission_closes_at",
    "contest__screening_closes_at",
    "contest__review_closes_at",
    "contest__results_at",
    "contest__results_published_at",
)

SORTS = {"latest": ("-published_at", "-id"), "support": ("-support_count", "-published_at", "-id")}


def idea_list_public(*, filters: IdeaFilters | None = None, contest: ContestPage | None = None) -> QuerySet[Idea]:
    """Published ideas with their (stored) support counts, tags and track, filtered and sorted;
    with a query, through the search index (`ideas.search`), most relevant first unless a sort is
    chosen. Every filter and sort has an index; the number of queries does not grow with the rows.
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
        qs = qs.filter(tags__slug=f.tag)  # one row per idea and tag (idea_tag_once): no DISTINCT
    sort = SORTS.get(f.sort or "", SORTS["latest"])
    if f.q and f.q.strip():
        qs = search_filter(qs, analyse_query(f.q))
        if f.sort not in SORTS:  # a search without a chosen order: most relevant first
            sort = ("-search_rank", *SORTS["latest"])
    qs = qs.select_related("track", "contest", "author").only(*LIST_FIELDS).prefetch_related("tags")
    return qs.order_by(*sort)


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


@dataclass(frozen=True)
class AuthorStatus:
    """The one status an author sees for their idea (badge class, label) and, when a moderator
    asked for changes, what to change."""

    code: str
    label: str
    changes_requested: str = ""


#: Statuses that say everything by themselves, whatever screening did before.
_DECIDED = frozenset(
    {IdeaStatus.REVIEWING, IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED, IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN}
)


def idea_author_status(*, idea: Idea, case: ScreeningCase | None) -> AuthorStatus:
    """Decide the author's status from the idea's status and its latest screening case; the one
    place that does (pages show what this returns, nothing else)."""
    if idea.status in _DECIDED:
        return AuthorStatus(code=idea.status, label=str(IdeaStatus(idea.status).label))
    if idea.merged_into_id:
        return AuthorStatus(code="merged", label=str(_("다른 아이디어에 병합됨")))
    if case is not None and case.status == ScreeningStatus.CHANGES_REQUESTED:
        return AuthorStatus(code="changes_requested", label=str(_("수정 요청")), changes_requested=case.decision_note)
    if idea.hidden_at is not None:
        return AuthorStatus(code="hidden", label=str(_("신고로 숨김 (모더레이터 확인 중)")))
    if idea.published_at is None:
        return AuthorStatus(code="pending", label=str(_("공개 전 검토 중")))
    return AuthorStatus(code=idea.status, label=str(IdeaStatus(idea.status).label))


def idea_author_statuses(*, ideas) -> dict[int, AuthorStatus]:
    """`idea_author_status` for each idea, reading the latest screening cases in one query."""
    ideas = list(ideas)
    latest: dict[int, ScreeningCase] = {}
    if ideas:
        cases = ScreeningCase.objects.filter(
            content_type=ContentType.objects.get_for_model(Idea), object_id__in=[i.pk for i in ideas]
        ).order_by("submitted_at", "id")
        for case in cases:
            latest[case.object_id] = case
    return {i.pk: idea_author_status(idea=i, case=latest.get(i.pk)) for i in ideas}


def idea_list_results(*, contest: ContestPage) -> QuerySet[Idea]:
    """Selected ideas of a contest whose results are published."""
    return (
        Idea.objects.public()
        .filter(contest=contest, status=IdeaStatus.SELECTED)
        .with_support_count()
        .select_related("track")
        .order_by("-support_count", "reference")
    )


def contest_list_open(*, kind: str | None = None) -> QuerySet[ContestPage]:
    """Live contests accepting ideas now: rounds in their submission window and open standing boards
    (상시 제안, no closing date), rounds first (closing soonest), then the standing boards."""
    now = timezone.now()
    qs = ContestPage.objects.live().filter(
        Q(submission_closes_at__gt=now) | Q(kind=ContestKind.STANDING), submission_opens_at__lte=now
    )
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by(F("submission_closes_at").asc(nulls_last=True), "pk")


def contest_list_public() -> QuerySet[ContestPage]:
    return ContestPage.objects.live().prefetch_related("tracks").order_by("-submission_opens_at")


def track_list() -> QuerySet[PolicyTrack]:
    return PolicyTrack.objects.all()


def idea_support_count(*, idea: Idea) -> int:
    """The stored 공감 count as it is now in the database (after a support or its removal)."""
    return Idea.objects.filter(pk=idea.pk).values_list("support_count", flat=True).first() or 0


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
