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


def make_published_results(*, n: int = 2, published_at=None, tiers=None):
    """A contest in its results phase whose panel published decisions on `n` entries (the first
    selected 대상, the rest 미선정) at `published_at` (default: now). Returns (panel, entries)."""
    from moderation.review.choices import SELECTED_TIERS, Tier
    from moderation.review.models import Decision

    contest = make_contest(phase="results")
    panel = make_panel(contest=contest, n_reviewers=1, k=1)
    tiers = tiers or [Tier.GRAND, *[Tier.NOT_SELECTED] * (n - 1)]
    entries = []
    for i, tier in enumerate(tiers[:n]):
        idea = IdeaFactory(
            contest=contest,
            status=IdeaStatus.SELECTED if tier in SELECTED_TIERS else IdeaStatus.NOT_SELECTED,
            published_at=timezone.now(),
            author=UserFactory(organisation=f"제안 단체 {i}"),
        )
        Decision.objects.create(panel=panel, idea=idea, tier=tier)
        entries.append(idea)
    when = published_at or timezone.now()
    ReviewPanel.objects.filter(pk=panel.pk).update(results_published_at=when)
    type(contest).objects.filter(pk=contest.pk).update(results_published_at=when)
    entries = [type(e).objects.select_related("contest", "author").get(pk=e.pk) for e in entries]
    return ReviewPanel.objects.select_related("contest").get(pk=panel.pk), entries
