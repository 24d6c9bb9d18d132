"""The topic page and the forum's views with hostile input: escaped markup, bad ids, Korean errors,
staff-only topics, the export and the API."""

import json

import pytest
from wagtail.api.v3.auth import APIToken

from core.follow import is_following
from forum.models import Opinion
from forum.tests.factories import expert, make_opinion, make_topic
from ideas.tests.factories import HOSTILE, UserFactory, site_admin

pytestmark = pytest.mark.django_db


def test_the_topic_page_escapes_markup_and_shows_the_experts_affiliation(client):
    topic = make_topic()
    make_opinion(
        topic,
        body=f"{HOSTILE} 의견",
        author=expert("<b>서울연구원</b>"),
        author_role="expert",
        author_affiliation="<b>서울연구원</b>",
    )
    html = client.get(topic.url).content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "전문가 · &lt;b&gt;서울연구원&lt;/b&gt;" in html


def test_a_staff_only_topic_is_404_for_citizens_and_shown_to_staff(client):
    topic = make_topic(audience="staff")
    assert client.get(topic.url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(topic.url).status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get(topic.url).status_code == 200


def test_posting_from_the_page_and_a_korean_error_keeps_the_text(client):
    topic = make_topic()
    client.force_login(UserFactory())
    response = client.post(
        f"/forum/topics/{topic.pk}/opinions/", {"position": "for", "body": "주민번호 900101-1234567 입니다"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "주민등록번호" in html and "900101-1234567" in html  # shown back to its writer, not saved
    assert not Opinion.objects.exists()
    response = client.post(f"/forum/topics/{topic.pk}/opinions/", {"position": "", "body": "입장을 안 골랐습니다"})
    assert response.status_code == 400 and "입장을 골라 주세요" in response.content.decode()
    response = client.post(
        f"/forum/topics/{topic.pk}/opinions/", {"position": "for", "body": "청년 공간이 필요합니다."}
    )
    assert response.status_code == 302
    assert Opinion.objects.get().is_public


def test_a_closed_topic_refuses_opinions_with_a_korean_message(client):
    topic = make_topic(state="closed")
    client.force_login(UserFactory())
    response = client.post(f"/forum/topics/{topic.pk}/opinions/", {"position": "for", "body": "늦은 의견"})
    assert response.status_code == 403 and "의견을 올릴 수 없습니다" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "0", "-1", "99999999999999999999", "１２"])
def test_bad_ids_are_404(client, bad):
    client.force_login(UserFactory())
    assert client.post(f"/forum/topics/{bad}/follow/").status_code == 404
    assert client.post(f"/forum/opinions/{bad}/reply/", {"body": "답글"}).status_code == 404


def test_an_unpublished_opinion_cannot_be_replied_to_or_supported(client):
    topic = make_topic()
    op = make_opinion(topic, published_at=None)
    client.force_login(UserFactory())
    assert client.post(f"/forum/opinions/{op.pk}/reply/", {"body": "답글"}).status_code == 404
    assert client.post(f"/forum/opinions/{op.pk}/support/").status_code == 404


def test_reply_and_follow_from_the_page(client):
    topic = make_topic()
    op = make_opinion(topic)
    citizen = UserFactory()
    client.force_login(citizen)
    assert client.post(f"/forum/opinions/{op.pk}/reply/", {"body": "동의합니다. 공간이 부족해요."}).status_code == 302
    assert op.replies.get().author == citizen
    client.post(f"/forum/topics/{topic.pk}/follow/")
    assert is_following(user=citizen, target=topic)
    html = client.get(topic.url).content.decode()
    assert "동의합니다. 공간이 부족해요." in html and "팔로우 취소" in html


def test_support_answers_json_with_the_count(client):
    op = make_opinion(make_topic())
    client.force_login(UserFactory())
    response = client.post(f"/forum/opinions/{op.pk}/support/", HTTP_ACCEPT="application/json")
    assert response.json() == {"support_count": 1}
    response = client.post(f"/forum/opinions/{op.pk}/support/", HTTP_ACCEPT="application/json")
    assert response.json() == {"support_count": 1}


def test_staff_export_opinions_as_csv_and_xlsx_with_formulas_defused(client):
    topic = make_topic()
    make_opinion(topic, body='=HYPERLINK("http://x") 청년 의견')
    client.force_login(site_admin())
    csv = client.get(f"/forum/topics/{topic.pk}/opinions.csv")
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in csv.content.decode("utf-8-sig")
    xlsx = client.get(f"/forum/topics/{topic.pk}/opinions.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/forum/topics/{topic.pk}/opinions.pdf").status_code == 404


def test_the_summary_is_shown_only_once_published(client):
    from forum import services

    topic = make_topic(state="closed")
    make_opinion(topic, body="청년 창업 공간의 임대료를 지원해야 합니다.")
    staff = site_admin()
    services.topic_summary_build(topic=topic, actor=staff, tokenizer=str.split)
    assert "토론 결과 요약" not in client.get(topic.url).content.decode()
    services.topic_summary_publish(topic=topic, actor=staff)
    assert "토론 결과 요약" in client.get(topic.url).content.decode()


# ---- API ---------------------------------------------------------------------------------------------


def _bearer(user):
    _token, key = APIToken.create_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_lists_topics_and_opinions_but_not_staff_only_ones(client):
    topic = make_topic()
    staff_topic = make_topic(audience="staff")
    make_opinion(topic, body="<b>의견</b>")
    ids = [t["id"] for t in client.get("/api/v1/topics").json()]
    assert topic.pk in ids and staff_topic.pk not in ids
    body = client.get(f"/api/v1/topics/{topic.pk}/opinions?sort=balanced").json()
    assert body["count"] == 1 and body["items"][0]["body"] == "<b>의견</b>"
    assert client.get(f"/api/v1/topics/{staff_topic.pk}/opinions").status_code == 404


def test_api_posts_an_opinion_with_a_token(client):
    topic = make_topic()
    headers = _bearer(UserFactory())
    response = client.post(
        f"/api/v1/topics/{topic.pk}/opinions",
        data=json.dumps({"body": "연락처 010-1234-5678 청년 공간이 필요합니다.", "position": "proposal"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    assert "010-1234-5678" not in response.json()["body"]
    response = client.post(
        f"/api/v1/topics/{topic.pk}/opinions",
        data=json.dumps({"body": "입장이 없습니다"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400 and "입장" in json.dumps(response.json(), ensure_ascii=False)


def test_topics_live_under_the_home_page_or_the_contest_index_and_have_no_children():

    from forum.models import TopicPage
    from ideas.models import ContestIndexPage, HomePage

    assert set(TopicPage.allowed_parent_page_models()) == {HomePage, ContestIndexPage}
    assert TopicPage.allowed_subpage_models() == []


def test_the_home_page_lists_open_topics_but_staff_only_ones_only_to_staff(client):
    from ideas.tests.factories import home_page

    public = make_topic(title="공개 토론 주제")
    make_topic(title="직원 토론 주제", audience="staff")
    make_topic(title="끝난 토론 주제", state="closed")
    html = client.get(home_page().url).content.decode()
    assert "공개 토론 주제" in html and "직원 토론 주제" not in html and "끝난 토론 주제" not in html
    assert public.url in html
    client.force_login(UserFactory(is_staff=True))
    assert "직원 토론 주제" in client.get(home_page().url).content.decode()
