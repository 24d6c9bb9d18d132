"""A project's progress and the invariants the database keeps."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from results.tests.factories import JobsReportFactory, ProgrammeResultFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_project_without_children_shows_its_own_progress():
    assert ProjectFactory(progress=35).effective_progress == 35


def test_a_project_with_children_shows_their_weighted_progress():
    parent = ProjectFactory(progress=0)
    ProjectFactory(parent=parent, progress=100, weight=3)
    middle = ProjectFactory(parent=parent, progress=99, weight=1)  # its own children decide
    ProjectFactory(parent=middle, progress=20, weight=1)
    ProjectFactory(parent=middle, progress=40, weight=1)
    assert middle.effective_progress == 30
    assert parent.effective_progress == round((100 * 3 + 30 * 1) / 4)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"progress": 101},
        {"weight": 0},
        {"start_date": date(2026, 5, 1), "end_date": date(2026, 4, 1)},
    ],
)
def test_the_database_refuses_an_impossible_project(kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(**kwargs)


def test_one_jobs_figure_per_project_and_date_and_one_result_per_programme_period():
    report = JobsReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        JobsReportFactory(project=report.project, as_of=report.as_of)
    result = ProgrammeResultFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeResultFactory(programme=result.programme)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeResultFactory(period_start=date(2026, 4, 1), period_end=date(2026, 3, 1))
