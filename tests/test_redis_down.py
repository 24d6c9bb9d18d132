"""Redis down (a real redis-server of the test's own, stopped): pages are still served, anonymous
ones uncached; submissions and logins (whose counters live in Redis) are refused with a clear Korean
503, nothing half-saved; a 공감 given while Redis is away is saved and answered as saved."""

import json

import pytest
from django.test import Client

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest
from ideas.tests.helpers import idea_form_data

from .servers import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_server():
    server = RedisServer()
    yield server
    server.stop()


def test_with_redis_down_pages_are_served_and_submissions_refused_in_korean(redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.IDEAS_PAGE_CACHE = True
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    anonymous, citizen = Client(raise_request_exception=False), Client(raise_request_exception=False)
    citizen.force_login(UserFactory())
    listing = contest.url + "ideas/"
    assert anonymous.get(listing).status_code == 200
    assert anonymous.get(listing)["X-Page-Cache"] == "hit"

    redis_server.stop()

    for path in ("/", contest.url, listing, idea.get_absolute_url(), "/api/v1/ideas"):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert response.get("X-Page-Cache") != "hit"  # rendered, not read from the stopped Redis
        assert citizen.get(path).status_code == 200, path

    before = Idea.objects.count()
    response = citizen.post(contest.url + "submit/", idea_form_data(contest))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "일시적인 장애로 글을 받을 수 없습니다" in response.content.decode()
    api = citizen.post(
        "/api/v1/ideas",
        json.dumps({**idea_form_data(contest), "contest_id": contest.pk, "expected_jobs": 12}),
        content_type="application/json",
    )
    assert api.status_code == 503
    assert "일시적인 장애" in api.json()["detail"]
    assert Idea.objects.count() == before

    # Logins stay limited (allauth's counters are strict keys too): refused, not unlimited.
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    login = anonymous.post("/accounts/login/", {"login": "someone@example.com", "password": "비밀번호-1234"})
    assert login.status_code == 503

    supported = citizen.post(f"/ideas/{idea.reference}/support/", HTTP_ACCEPT="application/json")
    assert supported.status_code == 200
    idea.refresh_from_db()
    assert idea.support_count == 1
