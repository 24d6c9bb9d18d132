"""Inputs that used to answer 500: each now gets a clear Korean 4xx page (or a 503 when a
backing service is down), and nothing already saved is lost."""

import json

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


HUGE = str(2**64 + 5)


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/contests/{HUGE}",
        f"/api/v1/ideas?page={HUGE}",
        f"/api/v1/ideas?contest={HUGE}",
        f"/reports/ideas.idea/{HUGE}/",
    ],
)
def test_numbers_beyond_64_bits_are_client_errors(lenient_client, url):
    make_contest("submission")
    lenient_client.force_login(site_admin())
    response = lenient_client.get(url)
    assert response.status_code in (400, 404)
    if url.startswith("/api/"):
        assert response.json()["detail"] in (
            "입력값을 확인해 주세요.",
            "페이지를 찾을 수 없습니다. 주소의 번호가 너무 큽니다.",
        )


def test_parse_id_accepts_only_64_bit_positive_ints():
    from core.http import MAX_ID, parse_id

    assert parse_id("12") == 12 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in (None, "", "0", "-1", "1e3", "١٢", str(MAX_ID + 1), HUGE, "12\x00"):
        assert parse_id(bad) is None, bad


@pytest.mark.parametrize("raw", ["%00", "abc%00def"])
def test_nul_in_a_query_string_gets_a_korean_400(lenient_client, raw):
    contest = make_contest("submission")
    IdeaFactory(contest=contest)
    response = lenient_client.get(f"{contest.url}ideas/?q={raw}")
    assert response.status_code == 400
    assert "쓸 수 없는 문자" in response.content.decode()
    response = lenient_client.get(f"/api/v1/ideas?tag={raw}")
    assert response.status_code == 400
    assert "쓸 수 없는 문자" in response.json()["detail"]


def test_lone_surrogate_in_a_json_body_is_a_korean_400_and_nothing_is_saved(lenient_client):
    from ideas.models import Idea

    contest = make_contest("submission")
    lenient_client.force_login(UserFactory())
    body = json.dumps(
        {
            "contest_id": contest.pk,
            "title": "\ud800 제목",
            "summary": "요약",
            "body": "본문입니다 자세히",
            "target_group": "youth",
            "district": "jongno",
        }
    )
    assert "\\ud800" in body  # JSON's escape for a lone surrogate
    response = lenient_client.post("/api/v1/ideas", body, content_type="application/json")
    assert response.status_code == 400
    assert "쓸 수 없는 문자" in response.json()["detail"]
    assert not Idea.objects.exists()


def test_nul_in_a_form_is_a_korean_400_and_nothing_is_saved(lenient_client):
    from ideas.models import Idea

    contest = make_contest("submission")
    lenient_client.force_login(UserFactory())
    form = "title=%EC%A0%9C%EB%AA%A9%00&summary=x&body=y&target_group=youth&district=jongno"
    response = lenient_client.post(contest.url + "submit/", form, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "쓸 수 없는 문자" in response.content.decode()
    assert not Idea.objects.exists()


def test_request_body_over_2_mb_is_a_korean_413(lenient_client):
    contest = make_contest("submission")
    lenient_client.force_login(UserFactory())
    big = "가" * (1024 * 1024)  # 3 MB in UTF-8
    response = lenient_client.post(contest.url + "submit/", {"title": big})
    assert response.status_code == 413
    assert "너무 큽니다" in response.content.decode()
    response = lenient_client.post("/api/v1/ideas", json.dumps({"title": big}), content_type="application/json")
    assert response.status_code == 413
    assert "너무 큽니다" in response.json()["detail"]


def test_login_while_redis_is_unreachable_is_a_korean_503(lenient_client, settings):
    """Production settings use Redis for the cache (login rate limits, quotas). Port 1 on localhost
    is closed: a real connection failure, answered with the 503 page, not a 500."""
    from django.conf import settings as django_settings

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/4"}
    }
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    assert django_settings.CACHES["default"]["LOCATION"].endswith(":1/4")
    user = UserFactory()
    response = lenient_client.post("/accounts/login/", {"login": user.email, "password": "비밀번호-1234"})
    assert response.status_code == 503
    assert response["Retry-After"]
    assert "잠시 후 다시 시도해 주세요" in response.content.decode()


def test_unreachable_database_is_a_korean_503_page(rf):
    """A real failed PostgreSQL connection (closed port 1) reaching handler500 becomes a 503."""
    from django.db import OperationalError
    from django.db.backends.postgresql.base import DatabaseWrapper

    from ideas_site.errors import server_error

    unreachable = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "ideas",
            "USER": "ideas",
            "PASSWORD": "",
            "HOST": "127.0.0.1",
            "PORT": "1",
            "OPTIONS": {"connect_timeout": 5},
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TIME_ZONE": None,
            "TEST": {},
        },
        alias="unreachable",
    )
    for path, json_api in (("/contests/2026/", False), ("/api/v1/ideas", True)):
        try:
            unreachable.ensure_connection()
        except OperationalError:
            response = server_error(rf.get(path))
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        body = json.loads(response.content)["detail"] if json_api else response.content.decode()
        assert "잠시 후 다시 시도해 주세요" in body


def test_other_server_errors_stay_a_korean_500(rf):
    from ideas_site.errors import server_error

    try:
        raise RuntimeError("bug")
    except RuntimeError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500 and "잠시 문제가 생겼습니다" in response.content.decode()


def test_admin_and_edit_forms_ignore_ids_beyond_64_bits(lenient_client):
    contest = make_contest("submission")
    idea = IdeaFactory(contest=contest)
    lenient_client.force_login(site_admin())
    for url in (f"/admin/triage/?contest={HUGE}&track={HUGE}", f"/admin/triage/duplicates/?contest={HUGE}"):
        assert lenient_client.get(url).status_code == 200, url
    response = lenient_client.post(f"/admin/triage/ideas/{idea.pk}/track/", {"track": HUGE})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.track is not None  # unchanged

    lenient_client.force_login(idea.author)
    response = lenient_client.post(
        f"/ideas/{idea.reference}/edit/",
        {
            "title": "고친 제목",
            "summary": "고친 요약",
            "body": "고친 본문입니다. 자세히 적었습니다.",
            "target_group": idea.target_group,
            "district": idea.district,
            "remove_attachment": [HUGE],
        },
    )
    assert response.status_code == 302
