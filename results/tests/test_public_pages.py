"""The public results page and a project's page: the headline figures, every project with its status,
progress (bar and text), jobs figure with date and source; a fixed number of queries at any size."""

from __future__ import annotations

from datetime import date

import pytest
from wagtail.models import Page

from ideas.choices import IdeaStatus
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, UserFactory
from results.choices import ProjectStatus
from results.models import ProjectIdea, ResultsPage
from results.tests.factories import (
    JobsReportFactory,
    MilestoneFactory,
    ProgrammeFactory,
    ProgrammeResultFactory,
    ProjectFactory,
    coordinator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def results_page():
    from ideas.tests.factories import home_page

    home = home_page()
    return home.add_child(instance=ResultsPage(title="성과 <b>공개</b>", slug="results"))


def _project(track, n):
    project = ProjectFactory(track=track, coordinator=coordinator(), status=ProjectStatus.IN_PROGRESS)
    ProjectIdea.objects.create(project=project, idea=IdeaFactory(status=IdeaStatus.SELECTED, contest=_contest()))
    JobsReportFactory(project=project, jobs=10 + n, as_of=date(2026, 6, 30))
    ProjectFactory(parent=project, progress=50, weight=2)
    MilestoneFactory(project=project, due_date=date(2020, 1, 1))  # past on any run
    return project


_CONTEST = {}


def _contest():
    from ideas.tests.factories import make_contest

    if "c" not in _CONTEST or not type(_CONTEST["c"]).objects.filter(pk=_CONTEST["c"].pk).exists():
        _CONTEST["c"] = make_contest("results")
    return _CONTEST["c"]


def test_the_results_page_shows_targets_status_counts_and_projects(client, results_page):
    track = PolicyTrackFactory(slug="youth", name="청년 일자리", job_target=8837)
    ProgrammeResultFactory(programme=ProgrammeFactory(track=track), jobs=1200)
    project = _project(track, 0)
    ProjectFactory(track=track, status=ProjectStatus.ON_HOLD)
    body = client.get(results_page.url).content.decode()
    assert "8,837" in body and "1,200" in body and "1,210" in body and "14%" in body
    assert 'data-figure="adopted">1개' in body
    assert project.get_absolute_url() in body
    assert "<script>alert" not in body and "&lt;script&gt;" in body
    assert 'progress id="progress-' in body and "일자리 10개" in body


def test_the_results_page_and_project_list_run_a_fixed_number_of_queries(client, results_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    track = PolicyTrackFactory(slug="youth")
    _project(track, 0)
    client.get(results_page.url)  # warm the per-process caches (site, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(results_page.url).status_code == 200
    for n in range(1, 8):
        _project(track, n)
    with CaptureQueriesContext(connection) as many:
        body = client.get(results_page.url).content.decode()
    assert body.count('class="card project-card"') == 8
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_a_project_page_shows_everything_in_a_fixed_number_of_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    track = PolicyTrackFactory(slug="youth")
    project = _project(track, 5)
    client.get(project.get_absolute_url())  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        body = client.get(project.get_absolute_url()).content.decode()
    assert "일자리 15개" in body and "출처: 일자리TF 보고" in body
    assert project.coordinator.public_name in body
    assert "기한 지남" in body
    for _ in range(4):
        ProjectIdea.objects.create(project=project, idea=IdeaFactory(status=IdeaStatus.SELECTED, contest=_contest()))
        ProjectFactory(parent=project)
        MilestoneFactory(project=project)
    with CaptureQueriesContext(connection) as many:
        assert client.get(project.get_absolute_url()).status_code == 200
    assert len(many) == len(few)


def test_a_signed_in_user_follows_a_project(client):
    from core.follow import is_following

    project = ProjectFactory()
    user = UserFactory()
    client.force_login(user)
    assert client.post(f"/results/projects/{project.pk}/follow/").status_code == 302
    assert is_following(user=user, target=project)
    client.post(f"/results/projects/{project.pk}/follow/", {"action": "unfollow"})
    assert not is_following(user=user, target=project)


def test_a_department_member_reports_their_programmes_results_only(client):
    from grievances.tests.factories import DepartmentFactory, department_member
    from results.models import ProgrammeResult

    dept = DepartmentFactory()
    member = department_member(dept)
    mine, theirs = ProgrammeFactory(department=dept), ProgrammeFactory(department=DepartmentFactory())
    client.force_login(member)
    page = client.get("/results/me/programmes/").content.decode()
    assert mine.name in page and theirs.name not in page
    data = {"programme": theirs.pk, "period_start": "2026-01-01", "period_end": "2026-03-31", "jobs": "5"}
    refused = client.post("/results/me/programmes/", data)
    assert refused.status_code == 200 and not ProgrammeResult.objects.exists()
    bad = client.post("/results/me/programmes/", {**data, "programme": mine.pk, "period_end": "2025-12-31"})
    assert "기간의 끝이 시작보다 앞설 수 없습니다." in bad.content.decode()
    ok = client.post("/results/me/programmes/", {**data, "programme": mine.pk})
    assert ok.status_code == 302
    assert ProgrammeResult.objects.get().reported_by == member
    again = client.post("/results/me/programmes/", {**data, "programme": mine.pk})
    assert "이 기간의 실적이 이미 보고되었습니다." in again.content.decode()
    assert Page.objects.exists()
