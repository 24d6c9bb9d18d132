"""A fixed dataset for the dashboard's tests: every figure the sections show is known by hand.

Ideas (created_at in Seoul time, 2026):
    a  T1 마포  01-05  contest   (screening case: pending, flagged)
    b  T1 마포  01-07  contest   (screening case: approved)
    c  T2 구로  01-20  contest   selected
    d  T1 구로  02-03  contest   selected
    e  —  마포  02-10  contest   rejected (no track)
    f  T2 구로  02-11  other
    r1, r2  T1 마포 03-02  review contest (entries of a panel of two reviewers, two each; one sheet submitted)
Field posts (received 2026): g1 T1 구로 01-05 answered in 2 days, on time, 만족; g2 T1 마포 01-10 in 4 days,
on time, 보통; g3 T2 구로 02-01 in 10 days, late, 불만족; g4 T2 구로 02-02 still open, due 02-11 (overdue);
a draft (not counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from grievances.choices import GrievanceStatus, Rating
from grievances.tests.factories import GrievanceFactory
from ideas.choices import District, IdeaStatus
from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, make_contest, moderator
from moderation.models import ScreeningCase
from moderation.review.models import Assignment
from moderation.review.services import review_assign, review_score_submit
from moderation.review.tests.factories import make_panel
from moderation.services import screening_approve, screening_on_submit

SCRIPT = "<script>alert(1)</script>"


def at(month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, hour, 0))


@dataclass
class World:
    t1: object
    t2: object
    contest: object
    other: object
    review_contest: object
    ideas: dict = field(default_factory=dict)
    posts: dict = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: at(12, 1))


def _idea(contest, track, district, when, status=IdeaStatus.SUBMITTED):
    idea = IdeaFactory(contest=contest, track=track, district=district, status=status, search_index=False)
    Idea.objects.filter(pk=idea.pk).update(created_at=when)
    return idea


def build_world() -> World:
    t1 = PolicyTrackFactory(name=f"청년 {SCRIPT}", job_target=1000, sort_order=0)
    t2 = PolicyTrackFactory(name="=여성 일자리", job_target=500, sort_order=1)
    contest = make_contest("results", tracks=[t1, t2])
    other = make_contest("submission", tracks=[t2])
    w = World(t1, t2, contest, other, review_contest=None)
    w.ideas = {
        "a": _idea(contest, t1, District.MAPO, at(1, 5)),
        "b": _idea(contest, t1, District.MAPO, at(1, 7)),
        "c": _idea(contest, t2, District.GURO, at(1, 20), IdeaStatus.SELECTED),
        "d": _idea(contest, t1, District.GURO, at(2, 3), IdeaStatus.SELECTED),
        "e": _idea(contest, None, District.MAPO, at(2, 10), IdeaStatus.REJECTED),
        "f": _idea(other, t2, District.GURO, at(2, 11)),
    }
    # Screening: a waits (flagged), b was approved.
    case_a = screening_on_submit(item=w.ideas["a"])
    ScreeningCase.objects.filter(pk=case_a.pk).update(submitted_at=at(1, 5), is_flagged=True)
    case_b = screening_on_submit(item=w.ideas["b"])
    ScreeningCase.objects.filter(pk=case_b.pk).update(submitted_at=at(1, 7))
    screening_approve(item=w.ideas["b"], actor=moderator())
    # Review: two entries, two reviewers each; one sheet submitted.
    panel = make_panel(n_reviewers=2, k=2)
    panel.contest.tracks.set([t1])
    w.review_contest = panel.contest
    entries = [
        _idea(panel.contest, t1, District.MAPO, at(3, 2), IdeaStatus.SCREENING),
        _idea(panel.contest, t1, District.MAPO, at(3, 2), IdeaStatus.SCREENING),
    ]
    w.ideas["r1"], w.ideas["r2"] = entries
    review_assign(contest=panel.contest, seed=1)
    first = Assignment.objects.filter(panel=panel).order_by("pk").first()
    review_score_submit(
        assignment=first, reviewer=first.reviewer, values={c.pk: 7 for c in panel.criteria.all()}, comment="좋음"
    )
    # Field posts.
    day = timedelta(days=1)
    answered = {"status": GrievanceStatus.ANSWERED}
    w.posts = {
        "g1": GrievanceFactory(
            track=t1,
            district=District.GURO,
            received_at=at(1, 5),
            first_answered_at=at(1, 5) + 2 * day,
            answered_on_time=True,
            rating=Rating.SATISFIED,
            **answered,
        ),
        "g2": GrievanceFactory(
            track=t1,
            district=District.MAPO,
            received_at=at(1, 10),
            first_answered_at=at(1, 10) + 4 * day,
            answered_on_time=True,
            rating=Rating.NEUTRAL,
            **answered,
        ),
        "g3": GrievanceFactory(
            track=t2,
            district=District.GURO,
            received_at=at(2, 1),
            first_answered_at=at(2, 1) + 10 * day,
            answered_on_time=False,
            rating=Rating.DISSATISFIED,
            **answered,
        ),
        "g4": GrievanceFactory(track=t2, district=District.GURO, received_at=at(2, 2), due_at=at(2, 11)),
        "draft": GrievanceFactory(status=GrievanceStatus.DRAFT, received_at=None, published_at=None, due_at=None),
    }
    return w
