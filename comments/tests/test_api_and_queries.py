"""Comments in the API (read for everyone, write with a token), the moderation screens showing a held
comment, and a page of comments in a constant number of queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.api.v3.auth import APIToken

from comments import services
from comments.models import Comment
from ideas.tests.factories import IdeaFactory, UserFactory, make_contest, moderator
from moderation.models import ScreeningCase

from .factories import CommentFactory

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:
    _token, key = APIToken.create_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def test_anyone_reads_an_ideas_comments_with_replies_and_deleted_placeholders(client, idea, commenter):
    top = services.comment_create(target=idea, author=commenter, body="<b>첫</b> 댓글")
    services.comment_create(target=idea, author=UserFactory(), body="답글", parent=top)
    services.comment_delete(comment=top, actor=commenter)
    data = client.get(f"/api/v1/comments?target=ideas.idea&target_id={idea.pk}").json()
    assert data["count"] == 1
    [item] = data["items"]
    assert item["deleted"] and item["body"] == "" and item["author"] == ""
    assert [r["body"] for r in item["replies"]] == ["답글"]


def test_a_token_holder_comments_edits_and_deletes_through_the_api(client, idea, commenter):
    auth = bearer(commenter)
    response = post_json(
        client, "/api/v1/comments", {"target": "ideas.idea", "target_id": idea.pk, "body": "찬성"}, **auth
    )
    assert response.status_code == 201, response.content
    comment_id = response.json()["id"]
    assert response.json()["author"] == commenter.public_name
    response = client.put(
        f"/api/v1/comments/{comment_id}", json.dumps({"body": "고침"}), content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["edited"] and response.json()["body"] == "고침"
    # Someone else's token: not found.
    other = bearer(UserFactory())
    assert client.delete(f"/api/v1/comments/{comment_id}", **other).status_code == 404
    assert client.delete(f"/api/v1/comments/{comment_id}", **auth).status_code == 200
    assert Comment.objects.get().deleted_at is not None


def test_the_api_refuses_writes_without_credentials_and_bad_input_in_korean(client, idea, commenter):
    response = post_json(client, "/api/v1/comments", {"target": "ideas.idea", "target_id": idea.pk, "body": "x"})
    assert response.status_code == 401
    auth = bearer(commenter)
    rrn = post_json(
        client,
        "/api/v1/comments",
        {"target": "ideas.idea", "target_id": idea.pk, "body": "주민번호 900101-1234567"},
        **auth,
    )
    assert rrn.status_code == 400 and "주민등록번호" in rrn.json()["detail"]
    unknown = post_json(client, "/api/v1/comments", {"target": "nope", "target_id": 1, "body": "x"}, **auth)
    assert unknown.status_code == 404 and unknown.json()["detail"] == "댓글을 달 글을 찾을 수 없습니다."
    empty = post_json(client, "/api/v1/comments", {"target": "ideas.idea", "target_id": idea.pk, "body": " "}, **auth)
    assert empty.status_code == 400 and empty.json()["errors"]["body"] == ["댓글 내용을 적어 주세요."]
    assert not Comment.objects.exists()


def test_the_api_rate_limits_comments_with_a_429(client, settings, idea, commenter):
    settings.COMMENTS_LIMITS = {"user": (1, 600)}
    auth = bearer(commenter)
    payload = {"target": "ideas.idea", "target_id": idea.pk, "body": "하나"}
    assert post_json(client, "/api/v1/comments", payload, **auth).status_code == 201
    assert post_json(client, "/api/v1/comments", payload, **auth).status_code == 429


def test_a_held_comment_shows_on_the_moderators_screens(client, idea, commenter):
    comment = services.comment_create(target=idea, author=commenter, body="연락처 010-1234-5678 입니다")
    case = ScreeningCase.objects.for_item(comment).get()
    client.force_login(moderator(is_superuser=True))
    assert client.get("/admin/moderation/").status_code == 200
    page = client.get(f"/admin/moderation/cases/{case.pk}/")
    assert page.status_code == 200 and "010-1234-****" in page.content.decode()


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("blind", [False, True])
def test_a_page_of_comments_takes_the_same_number_of_queries_for_2_or_30_comments(client, blind):
    contest = make_contest("review" if blind else "submission")
    few, many = IdeaFactory(contest=contest), IdeaFactory(contest=contest)
    viewer = UserFactory()
    for idea, n in ((few, 2), (many, 30)):
        for i in range(n):
            top = CommentFactory(target=idea, author=idea.author if i % 3 == 0 else UserFactory())
            CommentFactory(target=idea, parent=top)
        CommentFactory(target=idea, author=viewer)
    client.force_login(viewer)
    _count_queries(client, few.get_absolute_url())  # warm caches (content types, site)
    assert _count_queries(client, few.get_absolute_url()) == _count_queries(client, many.get_absolute_url())
    assert _count_queries(client, f"/api/v1/comments?target=ideas.idea&target_id={few.pk}") == _count_queries(
        client, f"/api/v1/comments?target=ideas.idea&target_id={many.pk}"
    )


def test_the_demo_loader_adds_a_conversation_once():
    from ideas_site.demo.comments import load_comment_demo

    users = {name: UserFactory() for name in ("citizen2", "field")}
    first, second = IdeaFactory(), IdeaFactory()
    assert load_comment_demo(users=users) == 4
    assert load_comment_demo(users=users) == 0
    assert Comment.objects.filter(target_id=first.pk, parent__isnull=False).count() == 1
    assert Comment.objects.filter(target_id=second.pk).count() == 2
