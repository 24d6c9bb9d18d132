"""Clusters that explain themselves, kept per refit (`nlp.services`): each refit stores a snapshot of
the corpus's clusters (key terms, sentences copied verbatim from live members, size, tracks) compared
with the previous one; hidden and rejected ideas are never quoted; old snapshots are pruned.

The ideas below were written for these tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ideas.choices import IdeaStatus
from ideas.tests.factories import IdeaFactory, PolicyTrackFactory, make_contest
from nlp.adapter import corpus_refit
from nlp.models import ClusterSnapshot
from nlp.services import KEEP_SNAPSHOTS, cluster_snapshot_latest, cluster_snapshots_latest, snapshot_clusters

pytestmark = [pytest.mark.django_db, pytest.mark.mecab]

STARTUP = [
    ("빈 상가 청년 창업 공간", "구청이 빈 상가를 빌려 청년 창업팀에게 창업 공간으로 내주면 좋겠습니다."),
    ("청년 창업 멘토링", "창업을 먼저 해 본 선배가 청년 창업팀을 한 달에 한 번씩 멘토링해 주세요."),
    ("창업 자금 이자 지원", "청년 창업 자금 대출의 이자를 구에서 절반쯤 지원해 주시면 창업이 쉬워집니다."),
    ("대학가 창업 카페", "대학가에 청년 창업 카페를 열어 창업 동아리가 함께 일할 공간을 만들어 주세요."),
    ("시장 청년 창업 점포", "전통시장 빈 점포에서 청년 창업 점포를 시범으로 운영해 보면 좋겠습니다."),
]
GREEN = [
    ("하천 쓰레기 줍기 일자리", "동네 하천의 쓰레기를 줍고 분리수거하는 환경 일자리를 어르신께 드려 주세요."),
    ("도시숲 가꾸기", "도시숲 나무를 심고 가꾸는 숲 가꾸기 일자리를 구마다 만들어 주세요."),
    ("재활용 선별 일자리", "재활용 선별장에서 일할 주민을 뽑아 환경 교육과 함께 일자리를 주세요."),
    ("공원 환경 지킴이", "공원 환경 지킴이가 쓰레기를 치우고 나무를 돌보는 일자리가 필요합니다."),
    ("일회용품 줄이기 홍보단", "일회용품을 줄이자는 환경 홍보단을 꾸려 재활용 방법을 알리는 일자리를 만들어요."),
]
BUSES = [
    ("심야 버스 운전원 채용", "새벽 심야 버스 노선을 늘리고 버스 운전원을 더 채용해 주세요."),
    ("마을버스 기사 양성", "마을버스 기사가 모자라 배차 간격이 깁니다. 버스 기사 양성 과정을 열어 주세요."),
    ("버스 정류장 안내 도우미", "출근 시간 버스 정류장에 승차 안내 도우미를 두는 일자리를 만들어 주세요."),
    ("전기 버스 정비사 교육", "전기 버스가 늘어나니 버스 정비사 교육 과정을 만들어 청년을 채용해 주세요."),
]
TRACKS = {
    "startup": dict(name="창업지원", description="청년 창업 공간과 창업 자금, 멘토링", keywords="창업, 청년창업"),
    "green": dict(name="녹색 일자리", description="환경, 재활용, 숲 가꾸기 일자리", keywords="환경, 재활용, 숲"),
    "transport": dict(name="교통 일자리", description="버스 운전원과 정비사, 교통 안내", keywords="버스, 교통"),
}


@pytest.fixture
def tracks():
    return {slug: PolicyTrackFactory(slug=slug, **kw) for slug, kw in TRACKS.items()}


@pytest.fixture
def contest(tracks):
    return make_contest("submission", tracks=list(tracks.values()))


def add(contest, track, rows, **kw):
    return [
        IdeaFactory(
            contest=contest,
            track=track,
            title=title,
            title_public=title,
            summary=body[:20],
            summary_public="",
            body=body,
            body_public=body,
            **kw,
        )
        for title, body in rows
    ]


def refit():
    corpus_refit(name="ideas")
    return cluster_snapshot_latest(corpus="ideas")


def test_a_refit_records_a_snapshot_of_its_clusters_with_verbatim_sentences(contest, tracks):
    ideas = add(contest, tracks["startup"], STARTUP) + add(contest, tracks["green"], GREEN)
    snapshot = refit()
    assert snapshot is not None and snapshot.n_items == 10 and not snapshot.compared
    clusters = snapshot_clusters(snapshot)
    assert len(clusters) == 2 and sum(c.size for c in clusters) == 10
    texts = {i.pk: i.public_text for i in ideas}
    ideas_by_pk = {i.pk: i for i in ideas}
    for c in clusters:
        assert c.terms and c.label == " · ".join(c.terms)
        assert 2 <= len(c.sentences) <= 3
        for sentence, owner in c.sentences:
            assert sentence in texts[owner]
            title = ideas_by_pk[owner].public_title
            assert sentence == title or title not in sentence  # a title never runs into the body
        assert c.change == ""  # the first refit has nothing to compare with
    startup = next(c for c in clusters if "창업" in c.terms)
    assert startup.tracks[0] == ("startup", 5)


def test_a_second_refit_marks_a_new_topic_new_and_a_grown_one_grown(contest, tracks):
    add(contest, tracks["startup"], STARTUP[:4])
    add(contest, tracks["green"], GREEN)
    refit()
    add(contest, tracks["startup"], STARTUP[4:])
    buses = add(contest, tracks["transport"], BUSES)
    snapshot = refit()
    assert snapshot.compared
    by_change = {}
    for c in snapshot_clusters(snapshot):
        by_change.setdefault(c.change, []).append(c)
    (new,) = by_change["new"]
    assert new.size == len(BUSES) and {owner for _s, owner in new.sentences} <= {b.pk for b in buses}
    (grown,) = by_change["grown"]
    assert "창업" in grown.terms and (grown.size, grown.previous_size, grown.delta) == (5, 4, 1)
    assert [c.size for c in by_change["same"]] == [5]


def test_hidden_and_rejected_ideas_are_never_quoted(contest, tracks):
    add(contest, tracks["startup"], STARTUP[:3])
    # The most typical texts of the cluster, but not to be quoted.
    hidden = add(contest, tracks["startup"], [STARTUP[3]], hidden_at=timezone.now())[0]
    rejected = add(contest, tracks["startup"], [STARTUP[4]], status=IdeaStatus.REJECTED)[0]
    add(contest, tracks["green"], GREEN)
    snapshot = refit()
    quoted = [s for c in snapshot_clusters(snapshot) for s, _owner in c.sentences]
    owners = {owner for c in snapshot_clusters(snapshot) for _s, owner in c.sentences}
    assert quoted and hidden.pk not in owners and rejected.pk not in owners
    assert not any(s in hidden.public_text or s in rejected.public_text for s in quoted)
    assert sum(c.size for c in snapshot_clusters(snapshot)) == 10  # they still count in the clusters


def test_only_the_last_snapshots_are_kept(contest, tracks):
    add(contest, tracks["startup"], STARTUP)
    add(contest, tracks["green"], GREEN)
    for _ in range(KEEP_SNAPSHOTS + 1):
        refit()
    assert ClusterSnapshot.objects.filter(corpus="ideas").count() == KEEP_SNAPSHOTS
    latest = cluster_snapshots_latest()["ideas"]
    assert latest.pk == ClusterSnapshot.objects.order_by("-pk").first().pk
    assert all(c.change == "same" for c in snapshot_clusters(latest))


def test_a_title_is_a_line_of_its_own_and_the_texts_are_read_lazily():
    from nlp.services import _sentence_source, _SentenceSources

    text = "빈 상가 청년 창업 공간 구청이 빈 상가를 빌려 주면 좋겠습니다."
    assert (
        _sentence_source(text, "빈 상가 청년 창업 공간")
        == "빈 상가 청년 창업 공간\n구청이 빈 상가를 빌려 주면 좋겠습니다."
    )
    assert _sentence_source(text, "다른 제목") == text
    read = []
    sources = _SentenceSources([text, text], ["a", "b"], lambda r: read.append(r) or "빈 상가 청년 창업 공간")
    assert len(sources) == 2 and read == []
    assert sources[1].startswith("빈 상가 청년 창업 공간\n") and read == ["b"]
