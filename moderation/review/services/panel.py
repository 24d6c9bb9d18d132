"""The panel and its rubric: a contest gets one panel, Seoul 2018 rubric, members with their role labels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import AuditContext, audit_record
from core.roles import Role
from ideas.models import ContestPage, User

from ..choices import (
    SEOUL_2018_RUBRIC,
    PanelRole,
    RankingMethod,
)
from ..models import (
    CriterionScore,
    PanelMember,
    ReviewPanel,
    RubricCriterion,
)


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
