"""Per-account and per-IP submission quotas answer 429 with a Korean message."""

import pytest
from django.test import override_settings

from ideas.models import Idea

from .factories import UserFactory, make_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run the after-commit callbacks, where quotas are counted, as a real request would."""

    def _post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(*args, **kwargs)

    return _post


def form(contest, n):
    return {
        "title": f"청년 일자리 아이디어 {n}",
        "summary": "빈 점포를 창업 공간으로 바꿉니다.",
        "body": f"서로 다른 본문 {n}번: 구청과 건물주가 협약해 청년 창업팀에 공간을 빌려줍니다.",
        "track": contest.tracks.first().slug,
        "target_group": "youth",
        "district": "mapo",
    }


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (2, 3600), "ip": (100, 3600)})
def test_account_over_quota_gets_429_with_a_korean_message(client, post, contest):
    client.force_login(UserFactory())
    url = contest.url + "submit/"
    for n in range(2):
        assert post(url, form(contest, n)).status_code == 302
    response = post(url, form(contest, 2))
    assert response.status_code == 429
    assert "너무 많이 제출" in response.content.decode()
    assert Idea.objects.count() == 2


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (100, 3600), "ip": (2, 3600)})
def test_address_over_quota_gets_429_for_every_account_behind_it(client, post, contest):
    url = contest.url + "submit/"
    for n in range(2):
        client.force_login(UserFactory())
        assert post(url, form(contest, n)).status_code == 302
    client.force_login(UserFactory())
    assert post(url, form(contest, 9)).status_code == 429


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (1, 3600), "ip": (100, 3600)})
def test_form_errors_do_not_use_up_the_quota(client, post, contest):
    client.force_login(UserFactory())
    url = contest.url + "submit/"
    assert post(url, {**form(contest, 0), "title": ""}).status_code == 400
    assert post(url, form(contest, 1)).status_code == 302


@override_settings(MODERATION_SUBMISSION_QUOTAS={"user": (1, 3600), "ip": (100, 3600)})
def test_api_over_quota_gets_429_json(client, post):
    contest = make_contest("submission")
    client.force_login(UserFactory())
    payload = {"contest_id": contest.pk, **form(contest, 0)}
    assert post("/api/v1/ideas", payload, content_type="application/json").status_code == 201
    response = post("/api/v1/ideas", {**payload, "title": "두 번째"}, content_type="application/json")
    assert response.status_code == 429
    assert "너무 많이 제출" in response.json()["detail"]
