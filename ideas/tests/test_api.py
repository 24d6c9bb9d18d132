import json

import pytest
from wagtail.models import APIToken

from ideas.models import Idea
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest

pytestmark = pytest.mark.django_db


def payload(contest, **kw):
    data = {
        "contest_id": contest.pk,
        "title": "API로 낸 아이디어",
        "summary": "요약입니다",
        "body": "본문입니다. 충분히 자세히 적었습니다.",
        "track": contest.tracks.first().slug,
        "target_group": "youth",
        "district": "jongno",
        "expected_jobs": 3,
    }
    data.update(kw)
    return data


def test_openapi_schema_is_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/ideas" in schema["paths"]
    assert "/api/v1/ideas/{reference}/support" in schema["paths"]


def test_contests_and_tracks_are_listed(client):
    contest = make_contest("submission")
    contests = client.get("/api/v1/contests").json()
    assert contests[0]["id"] == contest.pk and contests[0]["is_submission_open"] is True
    assert client.get("/api/v1/tracks").json()[0]["slug"]


def test_idea_list_has_only_published_ideas_and_filters(client):
    contest = make_contest("submission")
    a = IdeaFactory(contest=contest, district="mapo")
    IdeaFactory(contest=contest, district="guro")
    IdeaFactory(contest=contest, published_at=None)
    body = client.get("/api/v1/ideas", {"contest": contest.pk, "district": "mapo"}).json()
    assert [i["reference"] for i in body["items"]] == [a.reference]
    assert body["count"] == 1


def test_hidden_idea_detail_is_404(client):
    idea = IdeaFactory(published_at=None)
    assert client.get(f"/api/v1/ideas/{idea.reference}").status_code == 404


def test_submit_with_a_bearer_token(client):
    contest = make_contest("submission")
    user = UserFactory()
    _token, key = APIToken.create_token(user=user, name="test")
    response = client.post(
        "/api/v1/ideas",
        json.dumps(payload(contest)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 201, response.content
    assert Idea.objects.get().author == user


def test_submit_without_auth_is_401(client):
    contest = make_contest("submission")
    response = client.post("/api/v1/ideas", json.dumps(payload(contest)), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "가" * 101), ("district", "atlantis"), ("expected_jobs", -1), ("track", "nope"), ("title", "")],
)
def test_bad_input_answers_json_error_with_field_name(client, field, value):
    contest = make_contest("submission")
    client.force_login(UserFactory())
    response = client.post(
        "/api/v1/ideas", json.dumps(payload(contest, **{field: value})), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Idea.objects.count() == 0


def test_submit_after_deadline_is_400_with_korean_message(client):
    contest = make_contest("results")
    client.force_login(UserFactory())
    response = client.post("/api/v1/ideas", json.dumps(payload(contest)), content_type="application/json")
    assert response.status_code == 400
    assert "접수 기간" in json.dumps(response.json(), ensure_ascii=False)


def test_support_through_the_api_counts_once(client):
    idea = IdeaFactory()
    client.force_login(UserFactory())
    first = client.post(f"/api/v1/ideas/{idea.reference}/support").json()
    second = client.post(f"/api/v1/ideas/{idea.reference}/support").json()
    assert first["created"] is True and second["created"] is False and second["support_count"] == 1


def test_own_idea_support_is_403(client):
    idea = IdeaFactory()
    client.force_login(idea.author)
    assert client.post(f"/api/v1/ideas/{idea.reference}/support").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{}", "contest_id"),
        ('{"contest_id": "abc"}', "contest_id"),
        ('{"contest_id": 1, "title": null}', "title"),
    ],
)
def test_schema_errors_are_korean_with_the_field_name(client, body, field):
    client.force_login(UserFactory())
    response = client.post("/api/v1/ideas", body, content_type="application/json")
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "입력값을 확인해 주세요." and field in data["errors"]
    assert all("\uac00" <= m[0] <= "\ud7a3" for msgs in data["errors"].values() for m in msgs)


def test_unreadable_body_and_missing_auth_answer_in_korean(client):
    client.force_login(UserFactory())
    assert "JSON" in client.post("/api/v1/ideas", "not json", content_type="application/json").json()["detail"]
    client.logout()
    assert "API 토큰" in client.post("/api/v1/ideas", "{}", content_type="application/json").json()["detail"]
