"""A closed topic's summary on a fixed corpus: counts, clusters, and nothing but verbatim sentences."""

import pytest

from forum.choices import ParticipantRole
from forum.summary import topic_summary_data
from forum.tests.factories import make_opinion, make_topic

pytestmark = pytest.mark.django_db

CORPUS = [
    (
        "for",
        ParticipantRole.CITIZEN,
        "청년 창업 공간의 임대료를 시가 지원해야 합니다. 빈 상가를 창업 공간으로 바꾸면 좋겠습니다.",
    ),
    (
        "for",
        ParticipantRole.EXPERT,
        "창업 초기 청년에게 공간과 임대료 지원이 가장 절실합니다. 공유 사무실을 구마다 두어야 합니다.",
    ),
    ("proposal", ParticipantRole.CITIZEN, "빈 상가를 청년 창업 공간으로 쓰고 임대료는 첫해에 면제해 주세요."),
    (
        "against",
        ParticipantRole.FIELD_WORKER,
        "돌봄 노동자의 처우가 먼저입니다. 요양 보호사 임금이 너무 낮아 현장을 떠납니다.",
    ),
    ("against", ParticipantRole.CITIZEN, "요양 보호사와 돌봄 노동자의 임금을 올려야 돌봄 일자리가 유지됩니다."),
    (
        "free",
        ParticipantRole.FIELD_WORKER,
        "돌봄 현장의 노동자들은 임금과 휴식 시간이 부족하다고 말합니다. 처우 개선이 필요합니다.",
    ),
]


@pytest.fixture
def closed_topic():
    topic = make_topic(state="closed")
    for position, role, body in CORPUS:
        make_opinion(topic, body=body, position=position, author_role=role)
    parent = topic.opinions.first()
    make_opinion(topic, parent=parent, body="답글은 요약의 의견 수에 들지 않습니다.")
    hidden = make_opinion(
        topic, body="숨겨진 의견의 문장은 요약에 나오지 않습니다. 절대로 나오면 안 됩니다.", position="for"
    )
    hidden.hidden_at = hidden.published_at
    hidden.save()
    other = make_topic(state="closed")
    make_opinion(other, body="다른 토론 주제의 의견은 이 요약에 섞이지 않습니다. 전혀 관계없는 문장입니다.")
    return topic


def test_counts_per_position_and_role(closed_topic):
    data = topic_summary_data(topic=closed_topic)
    assert data["total"] == 6 and data["replies"] == 1
    assert {p["key"]: p["count"] for p in data["positions"]} == {"for": 2, "against": 2, "proposal": 1, "free": 1}
    assert {r["key"]: r["count"] for r in data["roles"]} == {"citizen": 3, "field_worker": 2, "expert": 1, "staff": 0}


@pytest.mark.mecab
def test_every_summary_sentence_is_copied_from_an_opinion_of_the_topic(closed_topic):
    data = topic_summary_data(topic=closed_topic)
    texts = {o.pk: o.body_public for o in closed_topic.opinions.public().top_level()}
    sentences = [s for c in data["clusters"] for s in c["sentences"]]
    assert sentences, "the summary quotes the opinions"
    for s in sentences:
        assert s["text"] in texts[s["opinion_id"]]
    assert sum(c["size"] for c in data["clusters"]) == 6
    assert all(c["opinion_id"] in texts for c in data["clusters"])
    assert all(c["terms"] for c in data["clusters"])


@pytest.mark.mecab
def test_the_two_themes_fall_into_different_clusters(closed_topic):
    data = topic_summary_data(topic=closed_topic)
    by_text = {o.pk: o.body_public for o in closed_topic.opinions.all()}
    reps = [by_text[c["opinion_id"]] for c in data["clusters"]]
    assert len(data["clusters"]) >= 2
    assert any("창업" in r for r in reps) and any("돌봄" in r or "요양" in r for r in reps)


def test_a_topic_without_opinions_has_an_empty_summary():
    data = topic_summary_data(topic=make_topic(state="closed"), tokenizer=str.split)
    assert data["total"] == 0 and data["clusters"] == []


@pytest.mark.mecab
def test_a_summary_built_again_says_how_each_cluster_changed_since_the_last_build(client, closed_topic):
    from forum import services
    from moderation.tests.factories import site_admin

    staff = site_admin()
    first = services.topic_summary_build(topic=closed_topic, actor=staff)
    assert first.data["compared"] is False
    assert sorted(i for c in first.data["clusters"] for i in c["member_ids"]) == sorted(
        o.pk for o in closed_topic.opinions.public().top_level()
    )
    # An opinion is hidden after reports; staff build the summary again.
    gone = closed_topic.opinions.public().top_level().order_by("pk").last()
    gone.hidden_at = gone.published_at
    gone.save()
    again = services.topic_summary_build(topic=closed_topic, actor=staff)
    assert again.data["compared"] is True and sum(c["size"] for c in again.data["clusters"]) == 5
    changes = [c["change"] for c in again.data["clusters"]]
    assert "shrunk" in changes and set(changes) <= {"new", "grown", "shrunk", "same"}
    assert all((c["previous_size"] is None) == (c["change"] == "new") for c in again.data["clusters"])
    client.force_login(staff)
    html = client.get(closed_topic.url).content.decode()
    assert "지난 요약" in html and 'data-change="shrunk"' in html
