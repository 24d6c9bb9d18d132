"""Dashboard figures against hand counts on a small fixed set of posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grievances.choices import GrievanceStatus, Rating
from grievances.inbox import staff_scope
from grievances.stats import grievance_dashboard
from grievances.tests.factories import DepartmentFactory, GrievanceFactory, department_member
from ideas.tests.factories import PolicyTrackFactory, UserFactory, moderator, site_admin

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def _post(*, dept, track=None, status=GrievanceStatus.RECEIVED, received_days_ago=3, due_in_days=4, **kw):
    received = NOW - timedelta(days=received_days_ago)
    return GrievanceFactory(
        department=dept,
        track=track,
        status=status,
        received_at=received,
        due_at=NOW + timedelta(days=due_in_days),
        **kw,
    )


@pytest.fixture
def world():
    jobs = DepartmentFactory(name="일자리정책과", sort_order=1)
    labour = DepartmentFactory(name="노동정책과", sort_order=2)
    youth = PolicyTrackFactory(name="청년 일자리", slug="youth", sort_order=1)
    care = PolicyTrackFactory(name="돌봄", slug="care", sort_order=2)
    # Open: jobs 3 (1 overdue), labour 1 (overdue), unrouted 1.
    _post(dept=jobs, track=youth)
    _post(dept=jobs, track=youth, status=GrievanceStatus.IN_PROGRESS)
    _post(dept=jobs, track=care, due_in_days=-2)
    _post(dept=labour, track=None, status=GrievanceStatus.TRANSFERRED, due_in_days=-1)
    _post(dept=None, track=care)
    # Answered: 1, 2, 4 and 10 days after receipt (median 3.0); 3 on time of 4; rated 3, satisfied 2;
    # one re-answer request (reopened: counted as open too).
    for taken, on_time, rating in [(1, True, Rating.SATISFIED), (2, True, Rating.SATISFIED), (4, True, Rating.NEUTRAL)]:
        answered = NOW - timedelta(days=20) + timedelta(days=taken)
        _post(
            dept=jobs,
            status=GrievanceStatus.ANSWERED,
            received_days_ago=20,
            first_answered_at=answered,
            answered_at=answered,
            answered_on_time=on_time,
            rating=rating,
        )
    _post(
        dept=labour,
        status=GrievanceStatus.IN_PROGRESS,
        received_days_ago=30,
        first_answered_at=NOW - timedelta(days=20),
        answered_on_time=False,
        reanswer_requested_at=NOW - timedelta(days=5),
        due_in_days=5,
    )
    # Not counted: a draft, and a handed-over post is closed (not open, never answered).
    _post(dept=jobs, status=GrievanceStatus.DRAFT)
    _post(dept=labour, status=GrievanceStatus.HANDED_OVER)
    return {"jobs": jobs, "labour": labour}


def test_dashboard_figures_match_hand_counts(world):
    figures = grievance_dashboard(queryset=staff_scope(user=site_admin()), now=NOW)
    assert figures.open == 6
    assert figures.overdue == 2
    assert figures.answered == 4
    assert (figures.on_time.part, figures.on_time.whole, figures.on_time.percent) == (3, 4, 75.0)
    assert (figures.satisfied.part, figures.satisfied.whole, figures.satisfied.percent) == (2, 3, 66.7)
    assert figures.reanswer_requests == 1
    assert figures.median_days_to_answer == 3.0  # (2 + 4) / 2 calendar days
    assert [(g.name, g.open, g.overdue) for g in figures.by_department] == [
        ("일자리정책과", 3, 1),
        ("노동정책과", 2, 1),
        ("미배정", 1, 0),
    ]
    assert [(g.name, g.open, g.overdue) for g in figures.by_track] == [
        ("청년 일자리", 2, 0),
        ("돌봄", 2, 1),
        ("미분류", 2, 1),
    ]


def test_a_department_member_sees_the_figures_of_their_department_only(world):
    member = department_member(world["labour"])
    figures = grievance_dashboard(queryset=staff_scope(user=member), now=NOW)
    assert (figures.open, figures.overdue, figures.answered) == (2, 1, 1)
    assert figures.median_days_to_answer == 10.0
    assert [g.name for g in figures.by_department] == ["노동정책과"]


def test_nobody_else_has_figures(world):
    for user in (UserFactory(), UserFactory(is_staff=True)):
        assert grievance_dashboard(queryset=staff_scope(user=user), now=NOW).open == 0
    assert grievance_dashboard(queryset=staff_scope(user=moderator()), now=NOW).open == 6


def test_no_answers_yet_gives_no_median_nor_percentages():
    figures = grievance_dashboard(queryset=staff_scope(user=site_admin()), now=NOW)
    assert figures.median_days_to_answer is None
    assert figures.on_time.percent is None and figures.satisfied.percent is None


def test_dashboard_runs_a_bounded_number_of_queries(world):
    admin = site_admin()
    scope = staff_scope(user=admin)
    with CaptureQueriesContext(connection) as few:
        grievance_dashboard(queryset=scope, now=NOW)
    for _ in range(15):
        _post(dept=world["jobs"], status=GrievanceStatus.ANSWERED, first_answered_at=NOW, answered_on_time=True)
        _post(dept=world["labour"])
    with CaptureQueriesContext(connection) as many:
        grievance_dashboard(queryset=staff_scope(user=admin), now=NOW)
    assert len(many) == len(few) <= 4
