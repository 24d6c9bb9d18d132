"""Selectors of the review panel: the reviewer's blind queue, progress, ranking, public results.

Reviewer-facing selectors return `BlindEntry` objects, never `Idea` instances, so no template or
view can reach the author through them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from ideas.choices import IdeaStatus
from ideas.models import ContestPage, Idea, User

from . import aggregate as agg
from .choices import SCALE_MAX, SELECTED_TIERS, AssignmentStatus, ObjectionOutcome, RankingMethod, SheetStatus, Tier
from .models import (
    Assignment,
    CriterionScore,
    Decision,
    Objection,
    PanelMember,
    ReviewPanel,
    RubricCriterion,
    ScoreSheet,
)
from .predicates import objection_closes_on, objection_window_open


@dataclass(frozen=True)
class BlindAttachment:
    pk: int
    name: str
    size: int


@dataclass(frozen=True)
class BlindEntry:
    """What a reviewer may see of an entry: the masked public text and the facts, no identity."""

    assignment_id: int
    reference: str
    title: str
    summary: str
    body: str
    track: str
    target_group: str
    district: str
    expected_jobs: int | None
    attachments: tuple[BlindAttachment, ...] = ()


@dataclass
class QueueItem:
    entry: BlindEntry
    sheet_status: str | None  # None: not started
    deadline: datetime
    contest_title: str
    can_score: bool


def _blind_attachments(assignment: Assignment) -> tuple[BlindAttachment, ...]:
    """The entry's files under the names the reviewer may see (neutral during blind review)."""
    from ideas.downloads import attachment_names

    idea = assignment.idea
    names = attachment_names(idea=idea, user=assignment.reviewer)
    return tuple(BlindAttachment(a.pk, names[a.pk], a.size) for a in idea.attachments.all())


def _blind(assignment: Assignment, *, with_attachments: bool = False) -> BlindEntry:
    idea = assignment.idea
    return BlindEntry(
        assignment_id=assignment.pk,
        reference=idea.reference,
        title=idea.title_public,
        summary=idea.summary_public,
        body=idea.body_public,
        track=idea.track.name if idea.track_id else "",
        target_group=idea.get_target_group_display(),
        district=idea.get_district_display(),
        expected_jobs=idea.expected_jobs,
        attachments=_blind_attachments(assignment) if with_attachments else (),
    )


def _reviewer_assignments(reviewer: User) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(reviewer=reviewer, status=AssignmentStatus.ACTIVE)
        .select_related("idea", "idea__track", "panel", "panel__contest")
        .order_by("panel__contest__review_closes_at", "idea__reference")
    )


def review_queue_for(reviewer: User) -> list[QueueItem]:
    """The reviewer's active assignments, blind, with their own sheet's status. Constant queries."""
    import rules

    assignments = list(_reviewer_assignments(reviewer))
    sheets = {
        s.assignment_id: s.status
        for s in ScoreSheet.objects.filter(reviewer=reviewer, assignment__in=assignments).only(
            "assignment_id", "status"
        )
    }
    return [
        QueueItem(
            entry=_blind(a),
            sheet_status=sheets.get(a.pk),
            deadline=a.panel.contest.review_closes_at,
            contest_title=a.panel.contest.title,
            can_score=rules.has_perm("review.score_entry", reviewer, a),
        )
        for a in assignments
    ]


def review_assignment_for(*, reviewer: User, assignment_id: int) -> Assignment | None:
    """The reviewer's own active assignment with this id, or None (the view answers 404)."""
    return _reviewer_assignments(reviewer).prefetch_related("idea__attachments").filter(pk=assignment_id).first()


def review_entry_blind(assignment: Assignment) -> BlindEntry:
    return _blind(assignment, with_attachments=True)


def review_own_sheet(*, assignment: Assignment) -> ScoreSheet | None:
    """The assignment's own sheet with its scores (only the reviewer's own; never others')."""
    return (
        ScoreSheet.objects.filter(assignment=assignment, reviewer_id=assignment.reviewer_id)
        .prefetch_related("scores")
        .first()
    )


def review_panel_get(*, contest: ContestPage) -> ReviewPanel | None:
    return ReviewPanel.objects.filter(contest=contest).select_related("contest").first()


def review_entries_eligible(*, contest: ContestPage) -> QuerySet[Idea]:
    """Entries that go to the panel: approved by screening, not rejected, withdrawn or decided."""
    return (
        Idea.objects.filter(contest=contest, published_at__isnull=False)
        .exclude(status__in=[IdeaStatus.REJECTED, IdeaStatus.WITHDRAWN, IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED])
        .order_by("pk")
    )


# ---- staff side ------------------------------------------------------------------------


@dataclass
class EntryProgress:
    idea: Idea
    assignments: list[Assignment]
    submitted: int
    drafts: int
    needed: int

    @property
    def short(self) -> int:
        return max(0, self.needed - len(self.assignments))


@dataclass
class ReviewerProgress:
    member: PanelMember
    assigned: int = 0
    submitted: int = 0


@dataclass
class Progress:
    panel: ReviewPanel
    entries: list[EntryProgress]
    reviewers: list[ReviewerProgress]
    scoring_started: bool

    @property
    def flagged(self) -> list[EntryProgress]:
        return [e for e in self.entries if e.short]


def review_progress(*, panel: ReviewPanel) -> Progress:
    """Per entry and per reviewer: assigned, submitted, drafts; entries short of reviewers flagged."""
    panel = ReviewPanel.objects.select_related("contest").get(pk=panel.pk)
    active = list(panel.assignments.filter(status=AssignmentStatus.ACTIVE).select_related("reviewer", "idea"))
    sheets = {s.assignment_id: s.status for s in ScoreSheet.objects.filter(assignment__panel=panel)}
    members = list(panel.members.select_related("reviewer"))
    by_reviewer = {m.reviewer_id: ReviewerProgress(member=m) for m in members}
    by_idea: dict[int, list[Assignment]] = defaultdict(list)
    for a in active:
        by_idea[a.idea_id].append(a)
        rp = by_reviewer.get(a.reviewer_id)
        if rp:
            rp.assigned += 1
            rp.submitted += sheets.get(a.pk) == SheetStatus.SUBMITTED
    ideas = list(
        Idea.objects.filter(
            pk__in=set(by_idea) | set(review_entries_eligible(contest=panel.contest).values_list("pk", flat=True))
        ).order_by("reference")
    )
    entries = []
    for idea in ideas:
        rows = by_idea.get(idea.pk, [])
        entries.append(
            EntryProgress(
                idea=idea,
                assignments=rows,
                submitted=sum(sheets.get(a.pk) == SheetStatus.SUBMITTED for a in rows),
                drafts=sum(sheets.get(a.pk) == SheetStatus.DRAFT for a in rows),
                needed=panel.reviewers_per_entry if panel.assigned_at else 0,
            )
        )
    return Progress(panel=panel, entries=entries, reviewers=list(by_reviewer.values()), scoring_started=bool(sheets))


@dataclass
class RankingRow:
    idea: Idea
    result: agg.EntryResult
    decision: Decision | None


@dataclass
class Ranking:
    panel: ReviewPanel
    method: str
    method_label: str
    rows: list[RankingRow]
    alpha: float | None
    criteria: list[RubricCriterion]
    sheets: list[ScoreSheet] = field(default_factory=list)
    totals: dict = field(default_factory=dict)
    zscores: dict = field(default_factory=dict)


def review_ranking(contest: ContestPage, *, method: str | None = None) -> Ranking | None:
    """The panel's ranking from submitted sheets, by the contest's method (or `method`), with both
    aggregates, spread, disagreement flags, decisions and Krippendorff's alpha. None without a panel."""
    panel = review_panel_get(contest=contest)
    if panel is None:
        return None
    method = method or panel.ranking_method
    criteria = list(panel.criteria.all())
    weights = {c.pk: c.weight for c in criteria}
    sheets = list(
        ScoreSheet.objects.filter(assignment__panel=panel, status=SheetStatus.SUBMITTED)
        .select_related("reviewer", "idea", "assignment")
        .prefetch_related(Prefetch("scores", queryset=CriterionScore.objects.order_by("criterion__sort_order")))
        .order_by("idea__reference", "reviewer_id")
    )
    entry_ids = set(panel.assignments.filter(status=AssignmentStatus.ACTIVE).values_list("idea_id", flat=True))
    result = agg.aggregate(
        sheets=[
            agg.Sheet(s.reviewer_id, s.idea_id, {sc.criterion_id: sc.value for sc in s.scores.all()}) for s in sheets
        ]
        if weights
        else [],
        weights=weights,
        scale_max=SCALE_MAX,
        method=method,
        disagreement_threshold=panel.disagreement_threshold,
        entries=entry_ids,
    )
    ideas = Idea.objects.in_bulk([r.entry for r in result.entries])
    decisions = {d.idea_id: d for d in Decision.objects.filter(panel=panel)}
    rows = [RankingRow(ideas[r.entry], r, decisions.get(r.entry)) for r in result.entries if r.entry in ideas]
    return Ranking(
        panel=panel,
        method=method,
        method_label=RankingMethod(method).label,
        rows=rows,
        alpha=result.alpha,
        criteria=criteria,
        sheets=sheets,
        totals=result.totals,
        zscores=result.zscores,
    )


@dataclass(frozen=True)
class PublicResultRow:
    rank: int | None
    tier: str
    tier_label: str
    idea: Idea
    raw_mean: float | None
    z_mean: float | None


@dataclass(frozen=True)
class PublicResults:
    method: str
    method_label: str
    method_explanation: str
    rows: list[PublicResultRow]


def review_results_public(*, contest: ContestPage) -> PublicResults | None:
    """Ranked winners with their tier and the ranking method, once results are published; else None."""
    panel = review_panel_get(contest=contest)
    if panel is None or panel.results_published_at is None or not contest.is_results_published:
        return None
    ranking = review_ranking(contest)
    tier_order = {t: i for i, t in enumerate(SELECTED_TIERS)}
    rows = [
        PublicResultRow(
            rank=r.result.rank,
            tier=r.decision.tier,
            tier_label=Tier(r.decision.tier).label,
            idea=r.idea,
            raw_mean=r.result.raw_mean,
            z_mean=r.result.z_mean,
        )
        for r in ranking.rows
        if r.decision is not None and r.decision.tier in tier_order and r.idea.is_public
    ]
    rows.sort(key=lambda x: (tier_order[x.tier], x.rank or 10**6))
    explanation = (
        _(
            "각 심사위원의 점수를 그 심사위원이 매긴 점수 전체의 평균과 표준편차로 표준화(z점수)한 뒤 평균하여 "
            "순위를 정했습니다. 후하게 또는 박하게 채점하는 심사위원이 순위를 좌우하지 않도록 하기 위함입니다."
        )
        if ranking.method == RankingMethod.NORMALISED
        else _("평가 항목별 배점을 반영한 가중 평균 점수(100점 만점)로 순위를 정했습니다.")
    )
    return PublicResults(
        method=ranking.method, method_label=ranking.method_label, method_explanation=explanation, rows=rows
    )


@dataclass(frozen=True)
class ObjectionFigures:
    """The public figures of a contest's objections (이의신청): counts only, never the texts."""

    closes_on: date | None
    is_open: bool
    total: int
    pending: int
    dismissed: int
    upheld: int


def review_objection_figures(*, contest: ContestPage) -> ObjectionFigures | None:
    """How many objections a contest's results drew and how they ended; None before publication."""
    closes_on = objection_closes_on(contest)
    if closes_on is None:
        return None
    counts = dict(
        Objection.objects.filter(idea__contest=contest)
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    return ObjectionFigures(
        closes_on=closes_on,
        is_open=objection_window_open(contest),
        total=sum(counts.values()),
        pending=counts.get(ObjectionOutcome.PENDING, 0),
        dismissed=counts.get(ObjectionOutcome.DISMISSED, 0),
        upheld=counts.get(ObjectionOutcome.UPHELD, 0),
    )


def review_objection_for(*, idea: Idea) -> Objection | None:
    """The objection filed on an entry (there is at most one), or None."""
    return Objection.objects.filter(idea=idea).select_related("answered_by").first()


def review_objectable_entries(*, contest: ContestPage, user) -> list[Idea]:
    """The signed-in user's entries of `contest` with a published decision (their 이의신청 links)."""
    if not user.is_authenticated or objection_closes_on(contest) is None:
        return []
    return list(
        Idea.objects.filter(
            contest=contest, author=user, status__in=(IdeaStatus.SELECTED, IdeaStatus.NOT_SELECTED)
        ).order_by("pk")
    )


def review_objection_list(*, outcome: str | None = None) -> QuerySet[Objection]:
    """Objections for staff, newest first, optionally of one outcome."""
    qs = Objection.objects.select_related("idea__contest", "author", "answered_by")
    if outcome in ObjectionOutcome.values:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("-created_at", "-pk")
