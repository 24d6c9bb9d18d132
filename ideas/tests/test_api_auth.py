"""API credentials: a bearer token counts on reads too; a write without credentials is a 401 that
says how to authenticate (WWW-Authenticate), in Korean, never a CSRF 403."""

import json

import pytest
from wagtail.models import APIToken

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_user_reads_their_own_unpublished_idea(client):
    idea = IdeaFactory(published_at=None)
    _token, key = APIToken.create_token(user=idea.author, name="test")
    url = f"/api/v1/ideas/{idea.reference}"
    assert client.get(url).status_code == 404
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["reference"] == idea.reference


def test_a_token_of_someone_else_does_not_open_an_unpublished_idea(client):
    idea = IdeaFactory(published_at=None)
    _token, key = APIToken.create_token(user=UserFactory(), name="test")
    assert client.get(f"/api/v1/ideas/{idea.reference}", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404


def test_a_bad_token_on_a_read_is_401_not_an_anonymous_read(client):
    idea = IdeaFactory()
    response = client.get(f"/api/v1/ideas/{idea.reference}", HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_anonymous_reads_still_work(client):
    idea = IdeaFactory()
    assert client.get(f"/api/v1/ideas/{idea.reference}").status_code == 200
    assert client.get("/api/v1/ideas").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/ideas", "/api/v1/ideas/{ref}/support"])
def test_an_anonymous_write_is_401_with_www_authenticate_and_a_korean_detail(url):
    from django.test import Client

    idea = IdeaFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(url.format(ref=idea.reference), json.dumps({}), content_type="application/json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "로그인" in response.json()["detail"]
    assert Idea.objects.count() == 1


def test_a_signed_in_session_write_without_csrf_token_is_still_refused():
    from django.test import Client

    idea = IdeaFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(f"/api/v1/ideas/{idea.reference}/support", content_type="application/json")
    assert response.status_code == 403
    assert idea.supports.count() == 0
