"""Demo data of the review panel: a panel with Seoul's 2018 rubric, members, and in a contest under
review, assignments and (optionally) deterministic scores."""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from core.roles import Role
from ideas.models import ContestPage, User
from ideas.models.pages import Phase
from moderation.review.choices import SCALE_MAX, SCALE_MIN, AssignmentStatus, PanelRole
from moderation.review.models import ReviewPanel
from moderation.review.services import (
    review_assign,
    review_member_add,
    review_panel_ensure,
    review_rubric_seed_seoul2018,
    review_score_submit,
)

_DEMO_ROLES = [PanelRole.COORDINATOR, PanelRole.SOCIAL_ENTERPRISE, PanelRole.STARTUP, PanelRole.PLACEMENT]


def review_seed_demo(
    *,
    contest: ContestPage,
    reviewers: Iterable[User],
    reviewers_per_entry: int = 3,
    seed: int = 2018,
    score: bool = False,
) -> ReviewPanel:
    """Demo data: a panel for `contest` with Seoul's 2018 rubric and the given reviewers (role labels
    cycle through coordinator and the three field mentors). If the contest is in its review phase,
    entries are assigned with `seed`; with `score=True` every assignment also gets a submitted,
    deterministic sheet (the first reviewer scores harshly). Idempotent for the panel and rubric.
    Returns the panel."""
    panel = review_panel_ensure(contest=contest, reviewers_per_entry=reviewers_per_entry)
    if not panel.criteria.exists():
        review_rubric_seed_seoul2018(panel=panel)
    group_members = list(reviewers)
    for i, user in enumerate(group_members):
        if not user.has_role(Role.REVIEWER):
            user.groups.add(Group.objects.get_or_create(name=Role.REVIEWER)[0])
            user = User.objects.get(pk=user.pk)
        review_member_add(panel=panel, reviewer=user, role_label=_DEMO_ROLES[i % len(_DEMO_ROLES)])
    if contest.phase == Phase.REVIEW and not panel.assigned_at:
        review_assign(contest=contest, seed=seed)
        if score:
            rng = random.Random(seed)
            harsh = group_members[0].pk if group_members else None
            criteria = list(panel.criteria.all())
            for a in panel.assignments.filter(status=AssignmentStatus.ACTIVE).select_related("reviewer"):
                base = rng.randint(4, 9) - (3 if a.reviewer_id == harsh else 0)
                values = {c.pk: max(SCALE_MIN, min(SCALE_MAX, base + rng.randint(-1, 1))) for c in criteria}
                review_score_submit(assignment=a, reviewer=a.reviewer, values=values, comment=_("데모 심사 의견"))
    return panel
