"""The contract's selectors on a fixed dataset: jobs against each track's target (programme results
within a period, each project's latest cumulative figure) and late projects."""

from __future__ import annotations

from datetime import date

import pytest

from ideas.tests.factories import PolicyTrackFactory
from results.choices import ProjectStatus
from results.selectors import jobs_by_track, late_projects, project_status_counts
from results.tests.factories import (
    JobsReportFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProgrammeResultFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    youth = PolicyTrackFactory(slug="youth", name="청년", job_target=1000, sort_order=1)
    care = PolicyTrackFactory(slug="care", name="돌봄", job_target=None, sort_order=2)
    empty = PolicyTrackFactory(slug="empty", name="빈 트랙", job_target=500, sort_order=3)
    prog = ProgrammeFactory(name="청년 인턴", track=youth)
    ProgrammeResultFactory(programme=prog, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31), jobs=100)
    ProgrammeResultFactory(programme=prog, period_start=date(2026, 4, 1), period_end=date(2026, 6, 30), jobs=150)
    ProgrammeResultFactory(
        programme=ProgrammeFactory(name="돌봄 일자리", track=care),
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        jobs=40,
    )
    a = ProjectFactory(track=youth)
    JobsReportFactory(project=a, as_of=date(2026, 2, 1), jobs=5)
    JobsReportFactory(project=a, as_of=date(2026, 5, 1), jobs=12)  # cumulative: the latest counts
    b = ProjectFactory(track=youth)
    JobsReportFactory(project=b, as_of=date(2026, 3, 1), jobs=8)
    ProjectFactory(track=None)  # no track: in no row
    return {"youth": youth, "care": care, "empty": empty}


def test_jobs_by_track_adds_programme_results_and_each_projects_latest_figure(dataset):
    rows = {row.track.slug: row for row in jobs_by_track()}
    assert list(rows) == ["youth", "care", "empty"]
    youth = rows["youth"]
    assert (youth.target, youth.programme_jobs, youth.project_jobs, youth.total) == (1000, 250, 20, 270)
    assert youth.share_of_target == pytest.approx(0.27)
    assert youth.percent_of_target == 27
    care = rows["care"]
    assert (care.programme_jobs, care.project_jobs, care.total, care.share_of_target) == (40, 0, 40, None)
    assert (rows["empty"].total, rows["empty"].share_of_target) == (0, 0.0)


def test_jobs_by_track_in_a_period_counts_periods_inside_it_and_jobs_created_in_it(dataset):
    rows = {row.track.slug: row for row in jobs_by_track(start=date(2026, 4, 1), end=date(2026, 6, 30))}
    # Programme: only the second quarter; project a: 12 as of May minus 5 before April; b: nothing new.
    assert (rows["youth"].programme_jobs, rows["youth"].project_jobs) == (150, 7)
    rows = {row.track.slug: row for row in jobs_by_track(end=date(2026, 3, 31))}
    assert (rows["youth"].programme_jobs, rows["youth"].project_jobs) == (100, 13)


def test_jobs_by_track_runs_a_fixed_number_of_queries(dataset, django_assert_num_queries):
    with django_assert_num_queries(3):
        jobs_by_track(start=date(2026, 1, 1))
    for _ in range(5):
        JobsReportFactory(project=ProjectFactory(track=dataset["care"]), jobs=3)
    with django_assert_num_queries(3):
        rows = jobs_by_track(start=date(2026, 1, 1))
    assert {r.track.slug: r.project_jobs for r in rows}["care"] == 15


def test_late_projects_are_those_with_an_overdue_milestone_or_past_their_end():
    today = date(2026, 7, 1)
    overdue = ProjectFactory(end_date=date(2027, 1, 1))
    MilestoneFactory(project=overdue, due_date=date(2026, 6, 30))
    MilestoneFactory(project=overdue, due_date=date(2026, 5, 30))  # two: listed once
    reached = ProjectFactory(end_date=date(2027, 1, 1))
    MilestoneFactory(project=reached, due_date=date(2026, 6, 30), done_at=date(2026, 6, 29))
    MilestoneFactory(project=reached, due_date=date(2026, 7, 1))  # due today: not late yet
    past_end = ProjectFactory(start_date=date(2026, 1, 1), end_date=date(2026, 6, 1))
    ProjectFactory(start_date=date(2026, 1, 1), end_date=date(2026, 6, 1), status=ProjectStatus.DONE)
    assert list(late_projects(today=today)) == [past_end, overdue]


def test_status_counts_list_every_status():
    ProjectFactory(status=ProjectStatus.DONE)
    ProjectFactory(status=ProjectStatus.DONE)
    ProjectFactory(status=ProjectStatus.ON_HOLD)
    assert project_status_counts() == {"preparing": 0, "in_progress": 0, "done": 2, "on_hold": 1}
