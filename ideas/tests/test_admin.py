import pytest

from core.models import AuditEntry
from ideas.tests.factories import IdeaFactory, site_admin

pytestmark = pytest.mark.django_db


def test_staff_edit_of_an_idea_in_the_admin_is_audited(client):
    idea = IdeaFactory()
    admin = site_admin()
    client.force_login(admin)
    url = f"/admin/snippets/ideas/idea/edit/{idea.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"official_answer": "내년 예산에 반영합니다.", "tags": "청년, 창업"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_id=str(idea.pk), action="idea.edit")
    assert entry.actor == admin
    assert entry.after["official_answer"] == "내년 예산에 반영합니다." and entry.after["tags"] == ["창업", "청년"]


def test_tracks_and_ideas_are_listed_in_the_admin(client):
    IdeaFactory()
    client.force_login(site_admin())
    for url in ("/admin/snippets/ideas/idea/", "/admin/snippets/ideas/policytrack/"):
        assert client.get(url).status_code == 200
