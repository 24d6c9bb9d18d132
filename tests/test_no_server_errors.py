"""Inputs that used to answer 500: each now gets a clear Korean 4xx page (or a 503 when a
backing service is down), and nothing already saved is lost."""

import pytest
from django.test import Client

from ideas.services import user_withdraw
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, reviewer, site_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def lenient_client():
    """A client that shows the 500 response instead of raising the view's exception."""
    return Client(raise_request_exception=False)


def test_api_idea_list_shows_a_closed_account_as_withdrawn_member(lenient_client):
    idea = IdeaFactory()
    user_withdraw(user=idea.author)
    response = lenient_client.get("/api/v1/ideas")
    assert response.status_code == 200
    assert response.json()["items"][0]["reference"] == idea.reference


def test_admin_user_list_renders_with_a_closed_account(lenient_client):
    closed = UserFactory(display_name="")
    user_withdraw(user=closed)
    UserFactory(display_name="")
    lenient_client.force_login(site_admin())
    assert lenient_client.get("/admin/users/").status_code == 200


def test_admin_can_add_a_conflict_declaration(lenient_client):
    contest = make_contest("review")
    from moderation.review.models import ConflictDeclaration, ReviewPanel

    panel = ReviewPanel.objects.create(contest=contest)
    member = reviewer(display_name="")
    user_withdraw(user=reviewer(display_name=""))
    lenient_client.force_login(site_admin())
    url = "/admin/snippets/review/conflictdeclaration/add/"
    assert lenient_client.get(url).status_code == 200
    response = lenient_client.post(
        url, {"panel": panel.pk, "reviewer": member.pk, "person": "", "organisation": "서울기관", "reason": "소속"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert ConflictDeclaration.objects.filter(panel=panel, reviewer=member).exists()


def test_admin_idea_search_finds_the_idea(lenient_client):
    idea = IdeaFactory(title="청년 바리스타 양성")
    IdeaFactory(title="다른 아이디어")
    lenient_client.force_login(site_admin())
    response = lenient_client.get("/admin/snippets/ideas/idea/", {"q": "바리스타"})
    assert response.status_code == 200
    assert idea.reference in response.content.decode()
