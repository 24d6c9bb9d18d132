"""Project updates: the coordinator's site form, who may use it, and the notifications to followers of
the project and of its ideas (each person once, only when status, progress or jobs changed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.audit import AuditContext
from core.follow import follow
from core.models import AuditEntry, Notification
from ideas.choices import IdeaStatus
from ideas.tests.factories import IdeaFactory, UserFactory, site_admin
from results.choices import ProjectStatus
from results.models import JobsReport, ProjectIdea
from results.services import ProjectUpdate, project_update
from results.tests.factories import MilestoneFactory, ProjectFactory, coordinator

pytestmark = pytest.mark.django_db
CTX = AuditContext()


@pytest.fixture
def world():
    coord = coordinator()
    project = ProjectFactory(coordinator=coord, status=ProjectStatus.PREPARING, progress=10)
    ideas = [IdeaFactory(status=IdeaStatus.SELECTED) for _ in range(2)]
    for idea in ideas:
        ProjectIdea.objects.create(project=project, idea=idea)
    both = UserFactory()  # follows the project and both ideas: told once
    follow(user=both, target=project)
    for idea in ideas:
        follow(user=both, target=idea)
    idea_follower = UserFactory()
    follow(user=idea_follower, target=ideas[0])
    return {"coord": coord, "project": project, "ideas": ideas, "both": both, "idea_follower": idea_follower}


def test_followers_of_the_project_and_its_ideas_are_notified_once_each(world):
    mail.outbox.clear()
    changes = project_update(
        project=world["project"],
        update=ProjectUpdate(
            status=ProjectStatus.IN_PROGRESS,
            progress=35,
            jobs=7,
            jobs_as_of=timezone.localdate(),
            jobs_source="일자리TF",
        ),
        actor=world["coord"],
        context=CTX,
    )
    assert len(changes) == 3
    told = list(Notification.objects.filter(object_id=str(world["project"].pk)).values_list("user_id", flat=True))
    expected = {world["both"].pk, world["idea_follower"].pk, *(i.author_id for i in world["ideas"])}
    assert sorted(told) == sorted(expected)  # no one twice
    note = Notification.objects.filter(user=world["both"]).get()
    assert "추진중" in note.message and "35%" in note.message and "7개" in note.message
    assert AuditEntry.objects.filter(action="project.update").count() == 1


def test_an_update_that_changes_nothing_tells_no_one(world):
    project_update(
        project=world["project"],
        update=ProjectUpdate(status=ProjectStatus.PREPARING, progress=10),
        actor=world["coord"],
        context=CTX,
    )
    assert not Notification.objects.exists()


def test_a_coordinator_cannot_update_someone_elses_project(world):
    other = coordinator()
    with pytest.raises(PermissionDenied):
        project_update(project=world["project"], update=ProjectUpdate(progress=90), actor=other, context=CTX)


@pytest.mark.parametrize(
    ("update", "field"),
    [
        (ProjectUpdate(progress=101), "progress"),
        (ProjectUpdate(jobs=-1, jobs_as_of=date(2026, 1, 1), jobs_source="x"), "jobs"),
        (ProjectUpdate(jobs=3, jobs_as_of=None, jobs_source="x"), "jobs_as_of"),
        (ProjectUpdate(jobs=3, jobs_as_of=date(2026, 1, 1), jobs_source="  "), "jobs_source"),
    ],
)
def test_bad_updates_are_refused_in_korean_and_change_nothing(world, update, field):
    with pytest.raises(ValidationError) as caught:
        project_update(project=world["project"], update=update, actor=world["coord"], context=CTX)
    assert field in caught.value.error_dict
    world["project"].refresh_from_db()
    assert world["project"].progress == 10 and not JobsReport.objects.exists()


def test_the_coordinator_updates_their_project_on_the_site(client, world):
    milestone = MilestoneFactory(project=world["project"], due_date=date(2020, 1, 1))
    client.force_login(world["coord"])
    listing = client.get("/results/me/projects/").content.decode()
    assert "90일 넘게 일자리 실적 보고가 없습니다." in listing
    assert "기한이 지난 단계가 1개 있습니다." in listing
    url = f"/results/me/projects/{world['project'].pk}/"
    bad = client.post(url, {"status": "in_progress", "progress": "50", "jobs": "-3"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "입력 내용을 확인해 주세요" in body and "기준일을 적어 주세요." in body
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "status": "in_progress",
            "progress": "50",
            "milestones_done": [str(milestone.pk)],
            "jobs": "12",
            "jobs_as_of": today.isoformat(),
            "jobs_source": "코디네이터 현장 확인",
        },
    )
    assert response.status_code == 302
    project = world["project"]
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert (project.status, project.progress, milestone.done_at) == (ProjectStatus.IN_PROGRESS, 50, today)
    assert JobsReport.objects.get(project=project).jobs == 12
    page = client.get(project.get_absolute_url()).content.decode()
    assert "일자리 12개" in page and "코디네이터 현장 확인" in page
    listing = client.get("/results/me/projects/").content.decode()
    assert "90일 넘게" not in listing


def test_a_stale_status_needs_an_update():
    from results.selectors import coordinator_projects

    coord = coordinator()
    project = ProjectFactory(coordinator=coord)
    project.status_changed_at = timezone.now() - timedelta(days=200)
    project.save()
    JobsReport.objects.create(project=project, jobs=1, as_of=timezone.localdate(), source="x")
    [row] = coordinator_projects(user=coord, today=timezone.localdate())
    assert row.needs == ("상태가 180일 넘게 바뀌지 않았습니다.",)


def test_staff_saving_a_project_in_the_admin_notifies_followers(client, world):
    admin = site_admin()
    client.force_login(admin)
    project = world["project"]
    url = f"/admin/snippets/results/project/edit/{project.pk}/"
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "title": project.title,
        "summary": project.summary,
        "department": "",
        "coordinator": world["coord"].pk,
        "track": project.track_id,
        "industry": "",
        "district": "",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "status": "on_hold",
        "progress": "10",
        "parent": "",
        "weight": "1",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "jobs_reports-TOTAL_FORMS": "0",
        "jobs_reports-INITIAL_FORMS": "0",
        "jobs_reports-MIN_NUM_FORMS": "0",
        "jobs_reports-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.status == ProjectStatus.ON_HOLD and project.status_changed_at is not None
    note = Notification.objects.get(user=world["both"])
    assert "보류" in note.message
