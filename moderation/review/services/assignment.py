"""Who scores what: seeded, load-balanced assignment that excludes declared and organisational conflicts of interest, and the changes staff make by hand."""

from __future__ import annotations

import logging
import secrets
from collections import Counter, defaultdict
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.roles import Role
from ideas.choices import IdeaStatus
from ideas.models import ContestPage, Idea, User
from ideas.models.pages import Phase
from ideas.services import idea_change_status

from ..assignment import AssignmentResult, assign, normalise_organisation, pick_replacement
from ..choices import (
    AssignmentStatus,
    SheetStatus,
)
from ..expertise import expertise_of, experts_by_entry
from ..models import (
    Assignment,
    ConflictDeclaration,
    ReviewPanel,
    ScoreSheet,
)
from ..selectors import review_entries_eligible
from .common import _require

logger = logging.getLogger(__name__)


def _conflict_pairs(panel: ReviewPanel, ideas: list[Idea], reviewers: list[User]) -> set[tuple[int, int]]:
    """(reviewer id, idea id) pairs that must never be assigned."""
    declarations = list(panel.conflicts.all())
    declared_people = defaultdict(set)
    declared_orgs = defaultdict(set)
    declared_ideas = defaultdict(set)
    for d in declarations:
        if d.person_id:
            declared_people[d.reviewer_id].add(d.person_id)
        if d.organisation:
            declared_orgs[d.reviewer_id].add(normalise_organisation(d.organisation))
        if d.idea_id:
            declared_ideas[d.reviewer_id].add(d.idea_id)
    pairs = set(panel.assignments.filter(status=AssignmentStatus.CONFLICT).values_list("reviewer_id", "idea_id"))
    reviewer_orgs = {r.pk: normalise_organisation(r.organisation) for r in reviewers}
    for idea in ideas:
        people = {idea.author_id, *(u.pk for u in idea.co_authors.all())}
        orgs = {normalise_organisation(idea.author.organisation)} | {
            normalise_organisation(u.organisation) for u in idea.co_authors.all()
        }
        orgs.discard("")
        for r in reviewers:
            if (
                r.pk in people
                or (reviewer_orgs[r.pk] and reviewer_orgs[r.pk] in orgs)
                or idea.pk in declared_ideas[r.pk]
                or people & declared_people[r.pk]
                or orgs & declared_orgs[r.pk]
            ):
                pairs.add((r.pk, idea.pk))
    return pairs


def _experts(ideas: list[Idea], reviewers: list[User]) -> dict[int, frozenset[int]]:
    """For each idea id, the panel reviewers whose registered expertise matches its track or district."""
    return experts_by_entry({i.pk: (i.track_id, i.district) for i in ideas}, expertise_of([r.pk for r in reviewers]))


def _panel_reviewers(panel: ReviewPanel) -> list[User]:
    users = [m.reviewer for m in panel.members.select_related("reviewer").prefetch_related("reviewer__groups")]
    return [u for u in users if u.is_active and Role.REVIEWER in {g.name for g in u.groups.all()}]


def _scoring_started(panel: ReviewPanel) -> bool:
    return ScoreSheet.objects.filter(assignment__panel=panel).exists()


def _assignment_snapshot(panel: ReviewPanel) -> list[list[int]]:
    return [
        list(p)
        for p in panel.assignments.filter(status=AssignmentStatus.ACTIVE)
        .order_by("idea_id", "reviewer_id")
        .values_list("idea_id", "reviewer_id")
    ]


def _mark_reviewing(*, idea, actor, context: AuditContext | None = None) -> None:
    """An entry with reviewers is 심사중 (through the one status service, with history and audit)."""
    if idea.status != IdeaStatus.REVIEWING:
        idea_change_status(
            idea=idea,
            to_status=IdeaStatus.REVIEWING,
            actor=actor,
            reason=_("심사위원이 배정되었습니다."),
            context=context,
        )


@transaction.atomic
def review_assign(
    *,
    contest: ContestPage,
    actor: User | None = None,
    seed: int | None = None,
    context: AuditContext | None = None,
    now: datetime | None = None,
) -> AssignmentResult:
    """Assign reviewers to every approved entry once screening has closed (re-runnable until the
    first score is saved). Moves the entries to 심사중 and records the seed; audited.

    Entries with fewer conflict-free reviewers than the panel asks for are left short and shown to
    staff on the progress page.
    """
    panel = ReviewPanel.objects.select_for_update().filter(contest=contest).first()
    if panel is None:
        raise ValidationError(_("이 공모전에는 심사위원단이 없습니다."))
    if actor is not None:
        _require("review.manage_panel", actor)
    if contest.phase_at(now) != Phase.REVIEW:
        raise ValidationError(_("심사위원 배정은 검토가 끝난 뒤 심사 기간에만 할 수 있습니다."))
    if _scoring_started(panel):
        raise ValidationError(_("이미 채점이 시작되어 다시 배정할 수 없습니다. 개별 배정을 조정해 주세요."))
    if not panel.criteria.exists():
        raise ValidationError(_("평가 기준표를 먼저 만들어 주세요."))
    reviewers = _panel_reviewers(panel)
    if not reviewers:
        raise ValidationError(_("심사위원단에 심사위원이 없습니다."))
    ideas = list(review_entries_eligible(contest=contest).select_related("author").prefetch_related("co_authors"))
    seed = int(seed) if seed is not None else secrets.randbits(31)
    before = _assignment_snapshot(panel)
    panel.assignments.exclude(status=AssignmentStatus.CONFLICT).delete()
    result = assign(
        entries=[i.pk for i in ideas],
        reviewers=[r.pk for r in reviewers],
        k=panel.reviewers_per_entry,
        conflicts=_conflict_pairs(panel, ideas, reviewers),
        seed=seed,
        experts=_experts(ideas, reviewers),
    )
    Assignment.objects.bulk_create(
        [
            Assignment(panel=panel, idea_id=idea_id, reviewer_id=reviewer_id, seed=seed)
            for idea_id, chosen in result.by_entry.items()
            for reviewer_id in chosen
        ]
    )
    panel.assignment_seed = seed
    panel.assigned_at = timezone.now()
    panel.save(update_fields=["assignment_seed", "assigned_at", "updated_at"])
    for idea in ideas:
        _mark_reviewing(idea=idea, actor=actor, context=context)
    audit_record(
        actor=actor,
        action="review.assign",
        target=panel,
        before={"assignments": before},
        after={
            "seed": seed,
            "assignments": _assignment_snapshot(panel),
            "short": {str(k): v for k, v in result.short.items()},
        },
        context=context,
    )
    return result


def review_assign_due(*, now: datetime | None = None) -> list[int]:
    """Periodic entry point: assign every panel whose contest entered the review phase and was not
    assigned yet. Returns the ids of the contests assigned; failures are logged, not raised."""
    done = []
    for panel in ReviewPanel.objects.filter(assigned_at__isnull=True).select_related("contest"):
        if panel.contest.phase_at(now) != Phase.REVIEW:
            continue
        try:
            review_assign(contest=panel.contest, now=now)
        except ValidationError as e:
            logger.warning("review_assign_due: contest %s not assigned: %s", panel.contest_id, e.messages)
        else:
            done.append(panel.contest_id)
    return done


def _active_load(panel: ReviewPanel) -> Counter:
    return Counter(panel.assignments.filter(status=AssignmentStatus.ACTIVE).values_list("reviewer_id", flat=True))


@transaction.atomic
def review_assignment_add(
    *, idea: Idea, reviewer: User, actor: User, note: str = "", context: AuditContext | None = None
) -> Assignment:
    """Staff add one reviewer to one entry (before scoring starts). Refuses conflicts; audited."""
    _require("review.manage_panel", actor)
    panel = ReviewPanel.objects.select_for_update().get(contest_id=idea.contest_id)
    if _scoring_started(panel):
        raise ValidationError(_("이미 채점이 시작되어 배정을 바꿀 수 없습니다."))
    if reviewer.pk not in {r.pk for r in _panel_reviewers(panel)}:
        raise ValidationError(_("이 심사위원단의 심사위원이 아닙니다."))
    idea = Idea.objects.select_related("author").prefetch_related("co_authors").get(pk=idea.pk)
    if (reviewer.pk, idea.pk) in _conflict_pairs(panel, [idea], [reviewer]):
        raise ValidationError(_("이해충돌이 있는 심사위원은 배정할 수 없습니다."))
    assignment, created = Assignment.objects.get_or_create(
        idea=idea, reviewer=reviewer, defaults={"panel": panel, "note": note}
    )
    if not created:
        if assignment.status == AssignmentStatus.ACTIVE:
            return assignment
        assignment.status = AssignmentStatus.ACTIVE
        assignment.note = note
        assignment.save(update_fields=["status", "note"])
    _mark_reviewing(idea=idea, actor=actor, context=context)
    audit_record(
        actor=actor,
        action="review.assignment_add",
        target=assignment,
        after={"idea": idea.pk, "reviewer": reviewer.pk},
        note=note,
        context=context,
    )
    return assignment


@transaction.atomic
def review_assignment_remove(
    *, assignment: Assignment, actor: User, note: str = "", context: AuditContext | None = None
) -> Assignment:
    """Staff take one reviewer off one entry (before scoring starts); the row stays as 해제. Audited."""
    _require("review.manage_panel", actor)
    assignment = Assignment.objects.select_for_update().select_related("panel").get(pk=assignment.pk)
    if _scoring_started(assignment.panel):
        raise ValidationError(_("이미 채점이 시작되어 배정을 바꿀 수 없습니다."))
    before = assignment.status
    assignment.status = AssignmentStatus.REMOVED
    assignment.note = note
    assignment.save(update_fields=["status", "note"])
    audit_record(
        actor=actor,
        action="review.assignment_remove",
        target=assignment,
        before={"status": before},
        after={"status": assignment.status},
        note=note,
        context=context,
    )
    return assignment


@transaction.atomic
def review_conflict_declare(
    *, assignment: Assignment, reviewer: User, reason: str = "", context: AuditContext | None = None
) -> Assignment | None:
    """The reviewer declares a conflict of interest on an assigned entry.

    The assignment is closed (its draft, if any, deleted), the conflict recorded against the
    author as well, and the least-loaded conflict-free panel member takes over. Returns the
    replacement assignment, or None when nobody is left — staff then see the entry flagged.
    """
    assignment = (
        Assignment.objects.select_for_update().select_related("panel__contest", "idea__author").get(pk=assignment.pk)
    )
    _require("review.declare_conflict", reviewer, assignment, _("이 배정에 대해 이해충돌을 신고할 수 없습니다."))
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError(
            _("이미 제출한 심사표가 있어 이해충돌 신고로 교체할 수 없습니다. 담당자에게 연락해 주세요.")
        )
    if sheet is not None:
        sheet.delete()
    panel, idea = assignment.panel, assignment.idea
    ConflictDeclaration.objects.create(
        panel=panel, reviewer=reviewer, idea=idea, person=idea.author, reason=reason[:300]
    )
    assignment.status = AssignmentStatus.CONFLICT
    assignment.note = reason[:300]
    assignment.save(update_fields=["status", "note"])

    idea = Idea.objects.select_related("author").prefetch_related("co_authors").get(pk=idea.pk)
    taken = set(Assignment.objects.filter(idea=idea).values_list("reviewer_id", flat=True))
    reviewers = [r for r in _panel_reviewers(panel) if r.pk not in taken]
    conflicts = _conflict_pairs(panel, [idea], reviewers)
    candidates = [r.pk for r in reviewers if (r.pk, idea.pk) not in conflicts]
    # The entry keeps an expert: if none of its remaining reviewers is one, an expert takes over.
    experts = _experts([idea], _panel_reviewers(panel))[idea.pk]
    remaining = set(
        Assignment.objects.filter(idea=idea, status=AssignmentStatus.ACTIVE).values_list("reviewer_id", flat=True)
    )
    if not remaining & experts and set(candidates) & experts:
        candidates = [c for c in candidates if c in experts]
    seed = (panel.assignment_seed or 0) + assignment.pk
    chosen = pick_replacement(candidates=candidates, load=_active_load(panel), seed=seed)
    replacement = (
        Assignment.objects.create(
            panel=panel, idea=idea, reviewer_id=chosen, seed=seed, note=_("이해충돌 신고에 따른 교체")
        )
        if chosen is not None
        else None
    )
    audit_record(
        actor=reviewer,
        action="review.conflict_declare",
        target=assignment,
        before={"status": AssignmentStatus.ACTIVE.value},
        after={
            "status": AssignmentStatus.CONFLICT.value,
            "replacement": replacement.pk if replacement else None,
            "needs_staff": replacement is None,
        },
        note=reason,
        context=context,
    )
    return replacement
