"""Adopting a selected idea: only selected ideas, several ideas into one project, the author's consent
(only the author answers; no name shown until then), credits for co-authors, the idea page and 내 아이디어."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from core.audit import AuditContext
from core.models import Notification
from ideas.choices import IdeaStatus
from ideas.tests.factories import IdeaFactory, UserFactory, site_admin
from results.models import Project, ProjectIdea
from results.services import adoption_answer, project_adopt
from results.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
CTX = AuditContext()


def tf_staff():
    """Staff given the model permission to change projects (the 성과관리 TF)."""
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_project"))
    return user


def test_staff_adopt_a_selected_idea_into_a_new_project_and_the_author_is_asked():
    idea = IdeaFactory(status=IdeaStatus.SELECTED)
    adoption = project_adopt(idea=idea, actor=tf_staff(), context=CTX, new_project={"title": "청년 창업 공간 사업"})
    assert adoption.project.title == "청년 창업 공간 사업"
    assert adoption.project.track == idea.track and adoption.project.district == idea.district
    assert adoption.is_pending and not adoption.credited
    asked = Notification.objects.get(user=idea.author)
    assert asked.url == f"/results/adoptions/{adoption.pk}/"


def test_several_ideas_feed_one_project_but_an_idea_only_once():
    staff = site_admin()
    project = ProjectFactory()
    a, b = IdeaFactory(status=IdeaStatus.SELECTED), IdeaFactory(status=IdeaStatus.SELECTED)
    project_adopt(idea=a, project=project, actor=staff, context=CTX)
    project_adopt(idea=b, project=project, actor=staff, context=CTX)
    assert set(project.adoptions.values_list("idea_id", flat=True)) == {a.pk, b.pk}
    with pytest.raises(ValidationError, match="이미"):
        project_adopt(idea=a, project=project, actor=staff, context=CTX)


@pytest.mark.parametrize("status", [IdeaStatus.REVIEWING, IdeaStatus.NOT_SELECTED, IdeaStatus.SUBMITTED])
def test_only_a_selected_idea_can_be_adopted(status):
    with pytest.raises(ValidationError, match="선정된 아이디어만"):
        project_adopt(idea=IdeaFactory(status=status), actor=site_admin(), context=CTX, new_project={"title": "x"})
    assert not Project.objects.exists()


def test_staff_without_the_project_permission_cannot_adopt():
    with pytest.raises(PermissionDenied):
        project_adopt(
            idea=IdeaFactory(status=IdeaStatus.SELECTED),
            actor=UserFactory(is_staff=True),
            context=CTX,
            new_project={"title": "x"},
        )


@pytest.fixture
def adopted(client):
    co = UserFactory(display_name="공동제안자")
    idea = IdeaFactory(status=IdeaStatus.SELECTED, author=UserFactory(display_name="김제안"))
    idea.co_authors.add(co)
    adoption = project_adopt(idea=idea, actor=site_admin(), context=CTX, new_project={"title": "돌봄 사업"})
    return adoption


def test_until_the_author_consents_the_project_page_names_nobody(client, adopted):
    page = client.get(adopted.project.get_absolute_url()).content.decode()
    assert "김제안" not in page and "공동제안자" not in page
    assert "청년 창업 공간 공유 아이디어" in page  # the idea is shown, escaped
    assert "<script>alert" not in page


def test_the_author_accepts_and_is_credited_with_the_co_authors(client, adopted):
    client.force_login(adopted.idea.author)
    response = client.post(f"/results/adoptions/{adopted.pk}/", {"answer": "accept", "credit": "on"})
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert adopted.consent_at is not None and adopted.credited
    page = client.get(adopted.project.get_absolute_url()).content.decode()
    assert "김제안" in page and "공동제안자" in page


def test_consenting_without_credit_keeps_the_names_off(client, adopted):
    adoption_answer(adoption=adopted, user=adopted.idea.author, accept=True, credit=False, context=CTX)
    page = client.get(adopted.project.get_absolute_url()).content.decode()
    assert "김제안" not in page


def test_someone_else_cannot_accept_the_credit(client, adopted):
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        adoption_answer(adoption=adopted, user=other, accept=True, credit=True, context=CTX)
    co_author = adopted.idea.co_authors.get()
    client.force_login(co_author)
    assert client.post(f"/results/adoptions/{adopted.pk}/", {"answer": "accept", "credit": "on"}).status_code == 403
    adopted.refresh_from_db()
    assert adopted.consent_at is None and not adopted.credited


def test_the_idea_page_and_my_ideas_show_the_project(client, adopted):
    page = client.get(adopted.idea.get_absolute_url()).content.decode()
    assert "이 아이디어로 추진하는 사업" in page and adopted.project.get_absolute_url() in page
    client.force_login(adopted.idea.author)
    mine = client.get("/me/ideas/").content.decode()
    assert "채택되어 추진 중인 사업" in mine and f"/results/adoptions/{adopted.pk}/" in mine


def test_an_idea_not_adopted_shows_no_project_panel(client):
    idea = IdeaFactory(status=IdeaStatus.SELECTED)
    assert "이 아이디어로 추진하는 사업" not in client.get(idea.get_absolute_url()).content.decode()
    assert not ProjectIdea.objects.exists()
