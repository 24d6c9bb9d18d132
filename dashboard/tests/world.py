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
Results (today 2026-12-01): p1 T1 마포 adopts d, a milestone due 06-30 not done (late since then), jobs
reports 30 (06-30) and 50 (09-30); p2 T2 구로 adopts c, ended 10-31 still 추진중 (late), jobs 5 (03-31); p3 T1
done, ended 05-31 (not late), a's adoption declined. Programmes: T1 100 (Q1) and 200 (Q2), T2 40 (Q1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
from results.choices import ProjectStatus
from results.models import ProjectIdea
from results.tests.factories import (
    JobsReportFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProgrammeResultFactory,
    ProjectFactory,
)

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
    projects: dict = field(default_factory=dict)
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
    _results(w)
    return w


def _results(w: World) -> None:
    p1 = ProjectFactory(title="청년 창업 공간 <b>사업</b>", track=w.t1, district=District.MAPO)
    p2 = ProjectFactory(title="=돌봄 일자리 사업", track=w.t2, district=District.GURO, end_date=date(2026, 10, 31))
    p3 = ProjectFactory(track=w.t1, status=ProjectStatus.DONE, end_date=date(2026, 5, 31))
    MilestoneFactory(project=p1, due_date=date(2026, 6, 30))
    MilestoneFactory(project=p1, due_date=date(2026, 3, 31), done_at=date(2026, 3, 30))
    MilestoneFactory(project=p3, due_date=date(2026, 4, 30), done_at=date(2026, 4, 30))
    JobsReportFactory(project=p1, jobs=30, as_of=date(2026, 6, 30))
    JobsReportFactory(project=p1, jobs=50, as_of=date(2026, 9, 30))
    JobsReportFactory(project=p2, jobs=5, as_of=date(2026, 3, 31))
    ProjectIdea.objects.create(project=p1, idea=w.ideas["d"], consent_at=at(7, 1))
    ProjectIdea.objects.create(project=p2, idea=w.ideas["c"])
    ProjectIdea.objects.create(project=p3, idea=w.ideas["a"], declined_at=at(6, 1))
    prog1, prog2 = ProgrammeFactory(track=w.t1), ProgrammeFactory(track=w.t2)
    ProgrammeResultFactory(programme=prog1, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), jobs=100)
    ProgrammeResultFactory(programme=prog1, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), jobs=200)
    ProgrammeResultFactory(programme=prog2, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), jobs=40)
    w.projects = {"p1": p1, "p2": p2, "p3": p3}
