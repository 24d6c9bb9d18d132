"""Services of the review panel: panel and rubric, assignment, conflicts, scoring, decisions, results.

Every staff action is audited through `moderation.services.audit_record`; every status change of an
idea goes through `ideas.services.idea_change_status`.
"""

from __future__ import annotations

import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Mapping
from datetime import datetime

import rules
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.roles import Role
from ideas.choices import IdeaStatus
from ideas.models import ContestPage, Idea, User
from ideas.models.pages import Phase
from ideas.services import idea_change_status
from moderation.choices import FindingKind
from moderation.models import ScreeningCase, ScreeningFinding

from .assignment import AssignmentResult, assign, normalise_organisation, pick_replacement
from .choices import (
    SCALE_MAX,
    SCALE_MIN,
    SELECTED_TIERS,
    SEOUL_2018_RUBRIC,
    AssignmentStatus,
    PanelRole,
    RankingMethod,
    SheetStatus,
    Tier,
)
from .models import (
    Assignment,
    ConflictDeclaration,
    CriterionScore,
    Decision,
    IdentifyingContentFlag,
    PanelMember,
    ReviewPanel,
    RubricCriterion,
    ScoreSheet,
)
from .selectors import review_entries_eligible

logger = logging.getLogger(__name__)


def _require(perm: str, user, obj=None, message: str = "") -> None:
    if not rules.has_perm(perm, user, obj):
        raise PermissionDenied(message or _("이 작업을 할 권한이 없습니다."))


# ---- panel and rubric ------------------------------------------------------------------


@transaction.atomic
def review_panel_ensure(
    *,
    contest: ContestPage,
    actor: User | None = None,
    reviewers_per_entry: int = 3,
    ranking_method: str = RankingMethod.NORMALISED,
    context: AuditContext | None = None,
) -> ReviewPanel:
    """The contest's panel, created (and audited) if it does not exist yet."""
    panel, created = ReviewPanel.objects.get_or_create(
        contest=contest,
        defaults={"reviewers_per_entry": reviewers_per_entry, "ranking_method": ranking_method},
    )
    if created:
        audit_record(
            actor=actor,
            action="review.panel_create",
            target=panel,
            after={"reviewers_per_entry": reviewers_per_entry, "ranking_method": str(ranking_method)},
            context=context,
        )
    return panel


@transaction.atomic
def review_rubric_seed_seoul2018(
    *, panel: ReviewPanel, actor: User | None = None, context: AuditContext | None = None
) -> list[RubricCriterion]:
    """Replace the panel's rubric with Seoul's 2018 job-idea contest rubric (30/20/30/20).

    Refused once any score was written against the current rubric. Returns the new criteria.
    """
    if CriterionScore.objects.filter(criterion__panel=panel).exists():
        raise ValidationError(_("이미 채점이 시작되어 평가 기준표를 바꿀 수 없습니다."))
    before = [{"name": c.name, "weight": c.weight} for c in panel.criteria.all()]
    panel.criteria.all().delete()
    criteria = [
        RubricCriterion.objects.create(panel=panel, name=str(name), weight=weight, description=str(desc), sort_order=i)
        for i, (name, weight, desc) in enumerate(SEOUL_2018_RUBRIC)
    ]
    audit_record(
        actor=actor,
        action="review.rubric_seed",
        target=panel,
        before={"criteria": before},
        after={"criteria": [{"name": c.name, "weight": c.weight} for c in criteria]},
        context=context,
    )
    return criteria


@transaction.atomic
def review_member_add(
    *,
    panel: ReviewPanel,
    reviewer: User,
    role_label: str = PanelRole.EXPERT,
    actor: User | None = None,
    context: AuditContext | None = None,
) -> PanelMember:
    """Seat a reviewer (a user in the 심사위원 group) on the panel. Idempotent; audited when added."""
    if not reviewer.has_role(Role.REVIEWER):
        raise ValidationError(_("심사위원 역할이 있는 회원만 심사위원단에 넣을 수 있습니다."))
    member, created = PanelMember.objects.get_or_create(
        panel=panel, reviewer=reviewer, defaults={"role_label": role_label, "sort_order": panel.members.count()}
    )
    if created:
        audit_record(
            actor=actor,
            action="review.member_add",
            target=panel,
            after={"reviewer": reviewer.pk, "role": str(role_label)},
            context=context,
        )
    return member


# ---- conflicts and assignment ----------------------------------------------------------


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


# ---- scoring ---------------------------------------------------------------------------


@transaction.atomic
def review_score_save(
    *,
    assignment: Assignment,
    reviewer: User,
    values: Mapping[int, int | None],
    comments: Mapping[int, str] | None = None,
    comment: str = "",
    submit: bool = False,
    context: AuditContext | None = None,
) -> ScoreSheet:
    """Save the reviewer's sheet for an assigned entry as a draft (or submit it with `submit`).

    `values` maps criterion id → score on the fixed scale (None for not yet scored in a draft).
    Only the assigned reviewer, only while the review phase is open, never after submitting.
    One sheet per reviewer × entry, also under parallel requests (the database decides).
    """
    assignment = Assignment.objects.select_for_update().select_related("panel__contest").get(pk=assignment.pk)
    if not rules.has_perm("review.score_entry", reviewer, assignment):
        if rules.has_perm("review.view_entry", reviewer, assignment):
            raise PermissionDenied(_("심사 기간이 끝나 점수를 고칠 수 없습니다."))
        raise PermissionDenied(_("배정받지 않은 아이디어입니다."))
    criteria = list(assignment.panel.criteria.all())
    comments = comments or {}
    errors = {}
    clean: dict[int, int | None] = {}
    for c in criteria:
        raw = values.get(c.pk)
        if raw in (None, ""):
            clean[c.pk] = None
            if submit:
                errors[f"score_{c.pk}"] = _("제출하려면 모든 항목에 점수를 매겨야 합니다.")
            continue
        try:
            v = int(raw)
        except (TypeError, ValueError):
            v = None
        if v is None or not SCALE_MIN <= v <= SCALE_MAX:
            errors[f"score_{c.pk}"] = _("점수는 %(lo)d점에서 %(hi)d점 사이여야 합니다.") % {
                "lo": SCALE_MIN,
                "hi": SCALE_MAX,
            }
        clean[c.pk] = v
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            sheet, _created = ScoreSheet.objects.get_or_create(
                assignment=assignment, defaults={"idea_id": assignment.idea_id, "reviewer": reviewer}
            )
    except IntegrityError:
        sheet = ScoreSheet.objects.get(assignment=assignment)
    if sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError(_("이미 제출한 심사표는 고칠 수 없습니다."))
    for c in criteria:
        CriterionScore.objects.update_or_create(
            sheet=sheet, criterion=c, defaults={"value": clean[c.pk], "comment": (comments.get(c.pk) or "")[:1000]}
        )
    sheet.comment = comment[:3000]
    if submit:
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    audit_record(
        actor=reviewer,
        action="review.score_submit" if submit else "review.score_save",
        target=sheet,
        after={"values": {str(k): v for k, v in clean.items()}, "status": sheet.status},
        context=context,
    )
    return sheet


def review_score_submit(**kwargs) -> ScoreSheet:
    """Submit the sheet (all criteria required); after this it is read-only. See `review_score_save`."""
    return review_score_save(submit=True, **kwargs)


# ---- reminders -------------------------------------------------------------------------


def review_remind(*, contest: ContestPage | None = None, now: datetime | None = None) -> int:
    """E-mail every reviewer with unfinished assignments in contests under review (plain-text
    Korean, one message per reviewer per contest). Returns the number of e-mails sent."""
    now = now or timezone.now()
    panels = ReviewPanel.objects.select_related("contest")
    if contest is not None:
        panels = panels.filter(contest=contest)
    sent = 0
    for panel in panels:
        if panel.contest.phase_at(now) != Phase.REVIEW:
            continue
        pending = (
            panel.assignments.filter(status=AssignmentStatus.ACTIVE)
            .exclude(sheet__status=SheetStatus.SUBMITTED)
            .select_related("reviewer")
        )
        by_reviewer: dict[int, list[Assignment]] = defaultdict(list)
        for a in pending:
            by_reviewer[a.reviewer_id].append(a)
        for rows in by_reviewer.values():
            user = rows[0].reviewer
            if not user.email or not user.is_active:
                continue
            body = _(
                "%(name)s 심사위원님, 안녕하세요.\n\n"
                "'%(contest)s' 심사에서 아직 제출하지 않은 심사표가 %(n)d건 있습니다.\n"
                "심사 마감: %(deadline)s\n\n"
                "아래 주소에서 배정된 아이디어를 확인하고 점수를 제출해 주세요.\n%(url)s\n\n"
                "일사천리 드림"
            ) % {
                "name": user.display_name or user.email,
                "contest": panel.contest.title,
                "n": len(rows),
                "deadline": timezone.localtime(panel.contest.review_closes_at).strftime("%Y-%m-%d %H:%M"),
                "url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/review/",
            }
            send_mail(_("[일사천리] 심사 마감 안내"), body, None, [user.email])
            Assignment.objects.filter(pk__in=[a.pk for a in rows]).update(reminded_at=now)
            sent += 1
        if by_reviewer:
            audit_record(actor=None, action="review.remind", target=panel, after={"reviewers": len(by_reviewer)})
    return sent


# ---- decisions and results -------------------------------------------------------------


@transaction.atomic
def review_decide(
    *, idea: Idea, tier: str, actor: User, public_answer: str = "", context: AuditContext | None = None
) -> Decision:
    """Record (or change) staff's decision on an entry after scoring closed, before results are
    published. Audited. Returns the decision."""
    _require("review.manage_panel", actor)
    if tier not in Tier.values:
        raise ValidationError({"tier": _("알 수 없는 결정입니다.")})
    panel = ReviewPanel.objects.select_for_update().select_related("contest").get(contest_id=idea.contest_id)
    if panel.results_published_at is not None:
        raise ValidationError(_("이미 결과를 공개했습니다."))
    if panel.contest.phase in (Phase.UPCOMING, Phase.SUBMISSION, Phase.SCREENING, Phase.REVIEW):
        raise ValidationError(_("심사가 끝난 뒤에 결정할 수 있습니다."))
    idea = Idea.objects.get(pk=idea.pk)
    if idea.status != IdeaStatus.REVIEWING:
        raise ValidationError(_("심사중인 아이디어만 결정할 수 있습니다."))
    existing = Decision.objects.filter(idea=idea).first()
    before = {"tier": existing.tier, "public_answer": existing.public_answer} if existing else {}
    decision, _created = Decision.objects.update_or_create(
        idea=idea, defaults={"panel": panel, "tier": tier, "public_answer": public_answer[:3000], "decided_by": actor}
    )
    audit_record(
        actor=actor,
        action="review.decide",
        target=idea,
        before=before,
        after={"tier": tier, "public_answer": decision.public_answer},
        context=context,
    )
    return decision


def _notify_authors(idea_ids: list[int]) -> None:
    for idea in Idea.objects.filter(pk__in=idea_ids).select_related("author", "contest", "review_decision"):
        if not idea.author.email:
            continue
        tier = idea.review_decision.get_tier_display()
        body = _(
            "%(name)s님, 안녕하세요.\n\n"
            "'%(contest)s'에 제안하신 아이디어 [%(ref)s] '%(title)s'의 심사 결과를 알려 드립니다.\n\n"
            "결과: %(tier)s\n\n%(answer)s\n\n"
            "자세한 내용은 일사천리 누리집의 '내 아이디어'에서 확인하실 수 있습니다.\n\n일사천리 드림"
        ) % {
            "name": idea.author.public_name,
            "contest": idea.contest.title,
            "ref": idea.reference,
            "title": idea.title,
            "tier": tier,
            "answer": idea.official_answer,
        }
        try:
            send_mail(_("[일사천리] 공모전 심사 결과 안내"), body, None, [idea.author.email])
        except OSError:
            logger.exception("review: result e-mail to the author of idea %s failed", idea.pk)


@transaction.atomic
def review_results_publish(*, contest: ContestPage, actor: User, context: AuditContext | None = None) -> int:
    """Publish the panel's decisions: every entry under review becomes 선정 or 미선정 through
    `idea_change_status` (with its public answer), authors are e-mailed after commit. Needs a
    decision for every entry. Audited. Returns the number of entries published."""
    _require("review.manage_panel", actor)
    panel = ReviewPanel.objects.select_for_update().select_related("contest").get(contest=contest)
    if panel.results_published_at is not None:
        raise ValidationError(_("이미 결과를 공개했습니다."))
    if contest.phase in (Phase.UPCOMING, Phase.SUBMISSION, Phase.SCREENING, Phase.REVIEW):
        raise ValidationError(_("심사가 끝난 뒤에 결과를 공개할 수 있습니다."))
    entries = list(Idea.objects.filter(contest=contest, status=IdeaStatus.REVIEWING).order_by("pk"))
    decisions = {d.idea_id: d for d in Decision.objects.filter(panel=panel)}
    missing = [i.reference for i in entries if i.pk not in decisions]
    if missing:
        raise ValidationError(
            _("결정하지 않은 아이디어가 %(n)d건 있습니다: %(refs)s")
            % {"n": len(missing), "refs": ", ".join(missing[:10])}
        )
    for idea in entries:
        d = decisions[idea.pk]
        selected = d.tier in SELECTED_TIERS
        default_answer = (
            _("심사 결과 %(tier)s에 선정되었습니다. 축하드립니다.") % {"tier": d.get_tier_display()}
            if selected
            else _("아쉽게도 이번 공모에서는 선정되지 않았습니다. 소중한 제안에 감사드립니다.")
        )
        idea_change_status(
            idea=idea,
            to_status=IdeaStatus.SELECTED if selected else IdeaStatus.NOT_SELECTED,
            actor=actor,
            reason=d.get_tier_display(),
            official_answer=d.public_answer or default_answer,
            context=context,
        )
    panel.results_published_at = timezone.now()
    panel.save(update_fields=["results_published_at", "updated_at"])
    # The contest carries the fact too (its pages read it without asking the panel).
    ContestPage.objects.filter(pk=contest.pk).update(results_published_at=panel.results_published_at)
    contest.results_published_at = panel.results_published_at
    audit_record(
        actor=actor,
        action="review.results_publish",
        target=panel,
        after={"decisions": {str(k): v.tier for k, v in decisions.items()}, "method": panel.ranking_method},
        context=context,
    )
    ids = [i.pk for i in entries]
    transaction.on_commit(lambda: _notify_authors(ids))
    return len(entries)


@transaction.atomic
def review_identifying_flag(
    *, assignment: Assignment, reviewer: User, note: str = "", context: AuditContext | None = None
) -> IdentifyingContentFlag:
    """Record the reviewer's report that the entry identifies its author, put it on the entry's
    screening case as a finding for moderators, audit it. Reporting twice keeps one flag.
    Returns the flag."""
    _require("review.flag_identifying", reviewer, assignment, _("배정받은 심사위원만 신고할 수 있습니다."))
    flag, created = IdentifyingContentFlag.objects.get_or_create(
        assignment=assignment, defaults={"idea_id": assignment.idea_id, "reviewer": reviewer, "note": note[:300]}
    )
    if not created:
        return flag
    case = (
        ScreeningCase.objects.filter(content_type=ContentType.objects.get_for_model(Idea), object_id=assignment.idea_id)
        .order_by("-pk")
        .first()
    )
    if case is not None:
        ScreeningFinding.objects.create(
            case=case,
            kind=FindingKind.IDENTIFYING,
            field="reviewer",
            detail=_("심사위원이 작성자를 알아볼 수 있는 내용이 있다고 신고했습니다."),
        )
        if not case.is_flagged:
            case.is_flagged = True
            case.save(update_fields=["is_flagged"])
    audit_record(
        actor=reviewer,
        action="review.identifying_flag",
        target=assignment.idea,
        after={"assignment": assignment.pk, "note": flag.note},
        context=context,
    )
    return flag
