"""Review-panel factories on top of the ideas factories (hostile titles included)."""

from __future__ import annotations

from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.tests.factories import HOSTILE, IdeaFactory, UserFactory, make_contest, reviewer
from moderation.review.choices import PanelRole
from moderation.review.models import ReviewPanel
from moderation.review.services import review_member_add, review_panel_ensure, review_rubric_seed_seoul2018


def make_panel(*, contest=None, n_reviewers: int = 4, k: int = 3, phase: str = "review", reviewers=None) -> ReviewPanel:
    """A panel with Seoul's 2018 rubric and `n_reviewers` reviewers (each with a distinct organisation)."""
    contest = contest or make_contest(phase=phase)
    panel = review_panel_ensure(contest=contest, reviewers_per_entry=k)
    review_rubric_seed_seoul2018(panel=panel)
    reviewers = (
        reviewers
        if reviewers is not None
        else [reviewer(organisation=f"심사기관 {i}", display_name=f"심사위원{i}") for i in range(n_reviewers)]
    )
    roles = list(PanelRole)
    for i, r in enumerate(reviewers):
        review_member_add(panel=panel, reviewer=r, role_label=roles[i % len(roles)])
    return ReviewPanel.objects.get(pk=panel.pk)


def make_entries(contest, n: int, **kw):
    """Approved (published) entries still in screening, each by a distinct author."""
    return [
        IdeaFactory(
            contest=contest,
            status=kw.get("status", IdeaStatus.SCREENING),
            published_at=kw.get("published_at", timezone.now()),
            author=kw.get("author") or UserFactory(organisation=f"{HOSTILE} 제안 단체 {i}"),
        )
        for i in range(n)
    ]
