"""Cluster summaries: verbatim representative sentences, key terms, tracks and change between fits.

The sentences below were written for these tests (not taken from any data set).
"""

from collections import Counter

import numpy as np
import pytest

from nlp.explain import ClusterSummary, cluster_summaries, match_clusters, sentence_spans, textrank

from .conftest import split_tokenizer

JOBS = [
    "청년 창업 지원센터를 늘려 주세요. 창업 자금 대출 이자를 낮추면 청년 일자리가 늘어납니다.",
    "청년 일자리 박람회를 구마다 열어 주세요. 중소기업 채용 정보를 한곳에서 볼 수 있으면 좋겠습니다.",
    "퇴직한 중장년을 위한 재취업 교육이 필요합니다. 일자리 연결 프로그램도 함께 만들어 주세요!",
    "사회적기업 창업 공간을 공유 오피스로 제공해 주세요. 청년 창업과 지역 일자리가 함께 생깁니다.",
]
PARKS = [
    "한강 공원에 분리수거 쓰레기통을 더 설치해 주세요. 주말마다 쓰레기가 넘쳐서 보기 좋지 않습니다.",
    "도심 공원에 나무를 더 심어 주세요. 여름철 그늘이 부족해서 산책하기 힘듭니다.",
    "동네 공원 산책로에 조명을 달아 주세요. 밤에 공원 산책로가 너무 어두워 위험합니다.",
]
BUSES = [
    "새벽 시간 심야 버스 노선을 늘려 주세요. 야간 근로자의 출퇴근이 너무 힘듭니다.",
    "마을버스 배차 간격이 너무 깁니다. 출근 시간에 지하철 환승이 어렵습니다.",
    "버스 정류장에 온열 의자를 설치해 주세요. 겨울 아침 버스를 기다리기가 너무 춥습니다.",
]
TEXTS = JOBS + PARKS + BUSES
LABELS = [0] * len(JOBS) + [1] * len(PARKS) + [2] * len(BUSES)
TRACKS = ["일자리"] * 3 + ["경제"] + ["환경"] * 3 + ["교통"] * 3


def test_representative_sentences_are_verbatim_sentences_of_the_clusters_own_members():
    summaries = cluster_summaries(TEXTS, LABELS, tokenizer=split_tokenizer, tracks=TRACKS)
    assert [s.cluster for s in summaries] == [0, 1, 2]
    for s in summaries:
        members = [t for t, c in zip(TEXTS, LABELS, strict=True) if c == s.cluster]
        assert 2 <= len(s.representative_sentences) <= 3
        for sentence in s.representative_sentences:
            assert any(sentence in m for m in members), sentence
        assert len(set(s.representative_sentences)) == len(s.representative_sentences)


def test_summaries_give_size_tracks_and_distinctive_key_terms():
    summaries = cluster_summaries(TEXTS, LABELS, tokenizer=split_tokenizer, tracks=TRACKS)
    jobs, parks, buses = summaries
    assert (jobs.size, parks.size, buses.size) == (4, 3, 3)
    assert jobs.tracks == Counter({"일자리": 3, "경제": 1})
    assert buses.tracks == Counter({"교통": 3})
    assert "청년" in jobs.label_terms and "공원" in parks.label_terms
    assert jobs.label == " · ".join(jobs.label_terms)
    assert all(s.change == "new" for s in summaries)


def test_vectors_choose_the_members_closest_to_the_cluster_centre():
    # Four texts in one cluster; the vectors put the last one far from the other three.
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [1.0, 0.05], [0.0, 1.0]])
    summaries = cluster_summaries(JOBS, [0, 0, 0, 0], vectors, tokenizer=split_tokenizer, candidates=3)
    assert not any(s in JOBS[3] for s in summaries[0].representative_sentences)


def test_given_label_terms_are_used_as_they_are():
    summaries = cluster_summaries(TEXTS, LABELS, label_terms={0: ["청년", "창업"], 1: ["공원"], 2: []})
    assert summaries[0].label == "청년 · 창업" and summaries[2].label == "주제 3"


def test_change_since_the_previous_fit_new_grown_shrunk_and_same():
    ids = [f"i{n}" for n in range(len(TEXTS))]
    before = cluster_summaries(TEXTS, LABELS, ids=ids, tokenizer=split_tokenizer)
    # Next fit: one bus idea joins the jobs cluster (jobs grow, buses shrink), the parks keep their
    # members under another cluster number, and two new ideas about libraries form a new cluster.
    library = ["구립 도서관 운영 시간을 밤 10시까지 늘려 주세요.", "도서관 열람실 좌석 예약 앱을 만들어 주세요."]
    texts = TEXTS + library
    new_ids = ids + ["n1", "n2"]
    labels = [0] * 4 + [2] * 3 + [0] + [1] * 2 + [3] * 2
    after = cluster_summaries(texts, labels, ids=new_ids, tokenizer=split_tokenizer, previous=before)
    by_cluster = {s.cluster: s for s in after}
    assert (by_cluster[0].change, by_cluster[0].previous, by_cluster[0].previous_size) == ("grown", 0, 4)
    assert (by_cluster[2].change, by_cluster[2].previous) == ("same", 1)
    assert (by_cluster[1].change, by_cluster[1].previous, by_cluster[1].size) == ("shrunk", 2, 2)
    assert (by_cluster[3].change, by_cluster[3].previous) == ("new", None)


def test_previous_summaries_round_trip_through_plain_dicts():
    ids = [f"i{n}" for n in range(len(TEXTS))]
    before = cluster_summaries(TEXTS, LABELS, ids=ids, tokenizer=split_tokenizer, tracks=TRACKS)
    stored = [s.to_dict() for s in before]
    assert ClusterSummary.from_dict(stored[0]) == before[0]
    again = cluster_summaries(TEXTS, LABELS, ids=ids, tokenizer=split_tokenizer, previous=stored)
    assert [s.change for s in again] == ["same"] * 3


def test_a_cluster_split_in_two_continues_in_one_part_only():
    prev = [ClusterSummary(0, [], [], 6, Counter(), member_ids=["a", "b", "c", "d", "e", "f"])]
    matched = match_clusters({0: {"a", "b", "c", "d"}, 1: {"e", "f"}}, prev)
    assert matched == {0: (0, 6), 1: None}


def test_sentence_spans_are_exact_substrings_without_surrounding_space():
    text = "  첫 문장입니다.  둘째 문장은 여기!\n셋째 줄 마침표 없음  "
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == ["첫 문장입니다.", "둘째 문장은 여기!", "셋째 줄 마침표 없음"]


def test_textrank_prefers_the_sentence_most_similar_to_the_others():
    S = np.array([[1, 0.9, 0.8, 0.0], [0.9, 1, 0.1, 0.0], [0.8, 0.1, 1, 0.1], [0.0, 0.0, 0.1, 1]])
    r = textrank(S)
    assert int(np.argmax(r)) == 0 and r.sum() == pytest.approx(1.0)


def test_lengths_that_differ_are_an_error():
    with pytest.raises(ValueError, match="길이"):
        cluster_summaries(TEXTS, LABELS[:-1])


def test_each_sentence_names_the_member_it_was_copied_from():
    ids = [f"i{n}" for n in range(len(TEXTS))]
    for s in cluster_summaries(TEXTS, LABELS, ids=ids, tokenizer=split_tokenizer):
        assert len(s.sentence_ids) == len(s.representative_sentences)
        for sentence, owner in zip(s.representative_sentences, s.sentence_ids, strict=True):
            assert sentence in TEXTS[ids.index(owner)] and owner in s.member_ids


def test_texts_that_may_not_be_quoted_count_but_are_never_quoted():
    quotable = [True] * len(TEXTS)
    quotable[0] = quotable[4] = False  # e.g. a hidden and a rejected idea
    summaries = cluster_summaries(TEXTS, LABELS, tokenizer=split_tokenizer, quotable=quotable)
    quoted = [s for c in summaries for s in c.representative_sentences]
    assert quoted and not any(s in TEXTS[0] or s in TEXTS[4] for s in quoted)
    assert [c.size for c in summaries] == [4, 3, 3]
    only = cluster_summaries(JOBS, [0] * 4, tokenizer=split_tokenizer, quotable=[False] * 4)
    assert only[0].representative_sentences == [] and only[0].size == 4


def test_the_members_nearest_the_centre_are_found_in_bounded_chunks(monkeypatch):
    import nlp.explain as explain

    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 4)).astype(np.float32)
    members = np.arange(50)
    whole = explain._nearest_members(members, vectors, 7)
    monkeypatch.setattr(explain, "_CHUNK", 6)
    assert list(explain._nearest_members(members, vectors, 7)) == list(whole)
    centre = vectors.mean(axis=0)
    assert set(whole) == set(np.argsort(-(vectors @ centre))[:7])
